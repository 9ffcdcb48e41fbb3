/**
 * Round-trip helpers: re-encode what the decoder read, frame by frame, with the stored field
 * numbers, sizes and base types and the decoded values (developer fields from their decoded
 * values and described base type, so big-endian files come out little-endian).
 */
import { decodeFit, type DecodeResult } from '../../src/core/fit/decode/decoder.js';
import type { DataFrame } from '../../src/core/fit/decode/frames.js';
import { messageToObject } from '../../src/core/fit/decode/values.js';
import { encodeValue } from '../../src/core/fit/encode/element.js';
import { encodeFit, type FitEncoder } from '../../src/core/fit/encode/encoder.js';
import type { RawDevField, RawField } from '../../src/core/fit/encode/writer.js';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { Kind } from '../../src/core/fit/proto/base-types.js';

export interface Decoded {
  bytes: Uint8Array;
  result: DecodeResult;
  frames: DataFrame[];
}

export function decodeWithFrames(bytes: Uint8Array): Decoded {
  const frames: DataFrame[] = [];
  const result = decodeFit(bytes, { onFrame: (f) => f.kind === 'data' && frames.push(f) });
  return { bytes, result, frames };
}

export interface RoundTripStats {
  /** String fields whose bytes the decoded text cannot give back (invalid UTF-8, bytes after padding). */
  verbatimStrings: number;
}

/** Writes each data frame again; messages[i] is the decoded message of frames[i]. */
export function writeFrames(e: FitEncoder, d: Decoded, stats: RoundTripStats = { verbatimStrings: 0 }): void {
  d.frames.forEach((f, k) => {
    const fields: RawField[] = [];
    let at = f.offset + 1;
    f.definition.fields.forEach((def, i) => {
      const v = f.values[i];
      const start = at;
      at += def.size;
      if (v === undefined || def.size === 0) return;
      const field: RawField = { num: def.num, size: def.size, type: def.type, value: v };
      if (def.baseType?.kind === Kind.string || !def.baseType) {
        const original = d.bytes.subarray(start, start + def.size);
        const again = def.baseType ? encodeValue(def.baseType, def.size, v) : undefined;
        if (!again || !again.every((b, j) => b === original[j])) {
          field.bytes = original;
          stats.verbatimStrings++;
        }
      }
      fields.push(field);
    });
    const msg = d.result.messages[k];
    const devFields = msg.fields.filter((x) => x.kind === 'developer');
    const dev: RawDevField[] = f.definition.devFields.map((dd, i) => {
      const bytes = f.devValues[i];
      const decoded = devFields.find((x) => x.num === dd.num && x.dev?.devIndex === dd.devIndex);
      if (!f.definition.bigEndian || !decoded || decoded.baseType.kind === Kind.string) return { num: dd.num, devIndex: dd.devIndex, bytes };
      return { num: dd.num, devIndex: dd.devIndex, bytes: encodeValue(decoded.baseType, bytes.length, decoded.raw) };
    });
    // A compressed-timestamp header stands for a timestamp field: write it as one.
    if (f.compressedTimestamp !== undefined && !fields.some((x) => x.num === 253)) {
      fields.push({ num: 253, size: 4, type: 0x86, value: f.compressedTimestamp });
    }
    e.writeRaw(f.globalNum, fields, dev);
  });
}

export function rawRoundTrip(d: Decoded, stats?: RoundTripStats): Uint8Array {
  return encodeFit(standardProfile(), (e) => writeFrames(e, d, stats));
}

/** Messages as comparable plain objects (no byte offsets, dates as ISO text). */
export function comparable(r: DecodeResult): unknown[] {
  return r.messages.map((m) => {
    const o = messageToObject(m, { dates: 'iso' });
    return { name: o.name, num: o.num, fields: o.fields, developer: o.developer };
  });
}
