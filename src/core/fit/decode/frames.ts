/**
 * What the raw decoder emits: the file's structure as frames (header, definition, data, CRC),
 * each with its byte offset, so callers can report, splice and repair.
 */
import type { BaseTypeInfo } from '../proto/base-types.js';

/** One element value as read: integers as numbers (64-bit ones as bigint), strings, floats. */
export type RawScalar = number | bigint | string;
/** A field's value: one element, or an array when the field holds several. */
export type RawValue = RawScalar | RawScalar[];

export interface HeaderFrame {
  kind: 'header';
  offset: number;
  headerSize: number;
  protocolVersion: number;
  profileVersion: number;
  dataSize: number;
  /** Header CRC as stored (14-byte headers), undefined for 12-byte headers. */
  headerCrc?: number;
  /** Index of this file in a chain, from 0. */
  fileIndex: number;
}

export interface FieldDefinition {
  num: number;
  size: number;
  /** The base type byte as stored. */
  type: number;
  /** Undefined when the type number is outside 0..16. */
  baseType: BaseTypeInfo | undefined;
  /** Elements: size / type size, rounded down (0 when the field is smaller than its type). */
  count: number;
}

export interface DevFieldDefinition {
  num: number;
  size: number;
  devIndex: number;
}

export interface DefinitionFrame {
  kind: 'definition';
  offset: number;
  /** Bytes of the whole definition record, header byte included. */
  length: number;
  local: number;
  globalNum: number;
  /** The architecture byte as stored: 0 little-endian, anything else read as big-endian. */
  architecture: number;
  bigEndian: boolean;
  fields: FieldDefinition[];
  devFields: DevFieldDefinition[];
  /** Size of a data record's content for this definition (header byte excluded). */
  dataSize: number;
  /** Where the first 4-byte timestamp field (253) starts in a record's content, or -1. */
  timestampAt: number;
}

export interface DataFrame {
  kind: 'data';
  offset: number;
  length: number;
  local: number;
  globalNum: number;
  definition: DefinitionFrame;
  /** One value per native field, in definition order; undefined for a field of 0 elements. */
  values: (RawValue | undefined)[];
  /** Raw bytes of each developer field, in definition order. */
  devValues: Uint8Array[];
  /** Set when the record used a compressed-timestamp header: the timestamp it stands for. */
  compressedTimestamp?: number;
}

export interface CrcFrame {
  kind: 'crc';
  offset: number;
  stored: number;
  computed: number;
  valid: boolean;
}

export type Frame = HeaderFrame | DefinitionFrame | DataFrame | CrcFrame;
