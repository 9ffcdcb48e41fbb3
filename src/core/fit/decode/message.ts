/** Interpreted messages: fields named and typed through the profile. */
import type { BaseTypeInfo } from '../proto/base-types.js';
import type { FieldDef, MessageDef, SubField } from '../profile/types.js';
import type { RawValue } from './frames.js';

/**
 * Where a field came from: stored in the record, expanded from another field's components,
 * a developer field, or the timestamp a compressed record header stands for.
 */
export type FieldKind = 'native' | 'expanded' | 'developer' | 'header_timestamp';

export interface DeveloperFieldInfo {
  devIndex: number;
  /** From the developer's field_description; undefined for a field with no description. */
  name?: string;
  units?: string;
  nativeMesgNum?: number;
  nativeFieldNum?: number;
  /** application_id of the developer_data_id, when it has one. */
  applicationId?: number[];
}

export interface FitField {
  num: number;
  /** Profile name (the active subfield's when one applies), `unknown_<num>` when unknown. */
  name: string;
  kind: FieldKind;
  /** The base type the value was read (or expanded) as. */
  baseType: BaseTypeInfo;
  /** As stored: one element or an array; expanded fields hold one element per expansion. */
  raw: RawValue;
  /** Scale and offset that apply to `raw` (the subfield's when one applies). */
  scale: number;
  offset: number;
  /** Units of the main field (FitCSVTool prints those even for a subfield). */
  units: string;
  /** Profile type of the main field (`date_time`, `manufacturer`, `uint16`, …); '' when unknown. */
  type: string;
  def: FieldDef | undefined;
  sub: SubField | undefined;
  dev: DeveloperFieldInfo | undefined;
  /**
   * The stored base type is larger than the profile's (e.g. uint32 for a uint16 field).
   * FitCSVTool drops such values; the interpreted view keeps them.
   */
  oversized: true | undefined;
  /**
   * Set when expansion appended values to a stored field: how many elements were stored.
   * Validity is judged on those (FitCSVTool drops the field when they are all invalid).
   */
  storedCount: number | undefined;
}

export interface FitMessage {
  num: number;
  /** Profile name, `unknown_<num>` when the profile does not know the message. */
  name: string;
  local: number;
  /** Byte offset of the record in the input. */
  offset: number;
  fields: FitField[];
  def?: MessageDef;
}
