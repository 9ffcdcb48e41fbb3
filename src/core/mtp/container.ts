/**
 * The PTP USB container (docs/mtp.md): a 12-byte header — length (including the
 * header), type, code, transaction id — then up to five u32 parameters (command, response,
 * event: three) or the dataset bytes (data). Pure, synchronous; all little-endian.
 */
import { ContainerType } from './codes.js';
import { MtpError } from './errors.js';
import { readU16, readU32, writeU16, writeU32 } from '../bytes/le.js';

export const HEADER_BYTES = 12;
/** Command and response containers carry at most five parameters, events three. */
export const MAX_PARAMS = 5;
/** Longest command/response container: header + 5 parameters. */
export const MAX_SHORT_CONTAINER = HEADER_BYTES + 4 * MAX_PARAMS;
/** Length field of a data container too long for 32 bits: it ends with a short packet instead. */
export const UNKNOWN_LENGTH = 0xffffffff;

export interface ContainerHeader {
  /** Whole container in bytes, header included; UNKNOWN_LENGTH for a > 4 GiB data phase. */
  length: number;
  type: number;
  code: number;
  transactionId: number;
}

/** A command, response or event: a header and its parameters. */
export interface ShortContainer extends ContainerHeader {
  params: number[];
}

export { readU16, readU32, writeU16, writeU32 };

function writeHeader(b: Uint8Array, length: number, type: number, code: number, transactionId: number): void {
  writeU32(b, 0, length);
  writeU16(b, 4, type);
  writeU16(b, 6, code);
  writeU32(b, 8, transactionId);
}

/** A command, response or event container with its parameters. */
export function encodeShort(type: number, code: number, transactionId: number, params: readonly number[] = []): Uint8Array {
  if (params.length > MAX_PARAMS) throw new RangeError(`a PTP container carries at most ${MAX_PARAMS} parameters, not ${params.length}`);
  const b = new Uint8Array(HEADER_BYTES + 4 * params.length);
  writeHeader(b, b.length, type, code, transactionId);
  params.forEach((p, i) => writeU32(b, HEADER_BYTES + 4 * i, p >>> 0));
  return b;
}

export function encodeCommand(operation: number, transactionId: number, params: readonly number[] = []): Uint8Array {
  return encodeShort(ContainerType.Command, operation, transactionId, params);
}

/** The 12 header bytes of a data container for `payloadLength` bytes (or UNKNOWN_LENGTH). */
export function encodeDataHeader(operation: number, transactionId: number, payloadLength: number, lengthField?: number): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const length = lengthField ?? (payloadLength + HEADER_BYTES > UNKNOWN_LENGTH ? UNKNOWN_LENGTH : payloadLength + HEADER_BYTES);
  writeHeader(b, length, ContainerType.Data, operation, transactionId);
  return b;
}

/** A whole data container: header and payload in one buffer (one copy of the payload). */
export function encodeData(operation: number, transactionId: number, payload: Uint8Array, lengthField?: number): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES + payload.length);
  b.set(encodeDataHeader(operation, transactionId, payload.length, lengthField), 0);
  b.set(payload, HEADER_BYTES);
  return b;
}

export function decodeHeader(b: Uint8Array, offset = 0): ContainerHeader {
  if (b.length - offset < HEADER_BYTES) {
    throw new MtpError('mtp_protocol', `container header needs ${HEADER_BYTES} bytes, got ${b.length - offset}`, { offset });
  }
  return { length: readU32(b, offset), type: readU16(b, offset + 4), code: readU16(b, offset + 6), transactionId: readU32(b, offset + 8) };
}

/**
 * A whole command/response/event container at `offset`. The parameter count comes from the
 * length; a length that is not 12 + 4n, or beyond five parameters, is a protocol error.
 */
export function decodeShort(b: Uint8Array, offset = 0): ShortContainer {
  const h = decodeHeader(b, offset);
  const n = (h.length - HEADER_BYTES) / 4;
  if (h.length < HEADER_BYTES || !Number.isInteger(n) || n > MAX_PARAMS) {
    throw new MtpError('mtp_protocol', `bad container length ${h.length} for type ${h.type}`, { offset });
  }
  if (b.length - offset < h.length) {
    throw new MtpError('mtp_protocol', `container of ${h.length} bytes cut short at ${b.length - offset}`, { offset });
  }
  const params: number[] = [];
  for (let i = 0; i < n; i++) params.push(readU32(b, offset + HEADER_BYTES + 4 * i));
  return { ...h, params };
}
