/**
 * Salvage when the header's data size cannot be right: 0 (written first, never updated) or short
 * of the records that follow. Every complete record after the header is kept, whatever it says;
 * a CRC at the true end, a chained file after it, and a record cut off at the end are told apart.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { salvageFit } from '../../../src/core/activity/repair/salvage.js';
import { crc16 } from '../../../src/core/bytes/crc16.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { encodeFit } from '../../../src/core/fit/encode/encoder.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';

const profile = Profile.standard();
const T0 = 1_000_000_000;

/** A small activity recording: file_id and `n` records. */
function recording(n: number, serial = 1): Uint8Array {
  return encodeFit(profile, (e) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer: 'garmin', product: 1, serial_number: serial, time_created: T0 });
    for (let i = 0; i < n; i++) e.writeMessage('record', { timestamp: T0 + i, heart_rate: 100 + i, distance: i * 3 });
  });
}

/** `fit` with its header's data size set to `size` (header CRC made right again: the device wrote it so). */
function withDataSize(fit: Uint8Array, size: number): Uint8Array {
  const out = Uint8Array.from(fit);
  new DataView(out.buffer).setUint32(4, size, true);
  const c = crc16(out, 0, 12);
  out[12] = c & 0xff;
  out[13] = c >> 8;
  return out;
}

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const records = (bytes: Uint8Array) => decodeFit(bytes, { profile }).messages.filter((m) => m.name === 'record').length;

function intact(bytes: Uint8Array): void {
  const d = decodeFit(bytes, { profile });
  expect(d.diagnostics).toEqual([]);
  expect(new Decoder(Stream.fromByteArray(bytes)).checkIntegrity()).toBe(true);
}

describe('salvage past the header data size', () => {
  const good = recording(30);
  const dataSize = good.length - 16;

  it('data size 0, no CRC (a crash): every record is kept', () => {
    const crashed = withDataSize(good, 0).subarray(0, good.length - 2);
    expect(decodeFit(crashed, { profile }).diagnostics.map((d) => d.code)).toEqual(['data_size_zero', 'truncated']);
    const r = salvageFit(crashed);
    intact(r.bytes);
    expect(records(r.bytes)).toBe(30);
    expect(r.changes).toEqual([`file at byte 0: data size 0 → ${dataSize} (33 complete records kept)`, `file CRC written (there was none before byte ${crashed.length})`]);
  });

  it('data size 0, the CRC at the end: read as the CRC, not as a record', () => {
    // The file CRC covers the header, so it is made for the header with size 0.
    const zero = withDataSize(good, 0);
    const c = crc16(zero, 0, zero.length - 2);
    zero[zero.length - 2] = c & 0xff;
    zero[zero.length - 1] = c >> 8;
    expect(decodeFit(zero, { profile }).diagnostics.map((d) => d.code)).toEqual(['data_size_zero']);
    expect(records(zero)).toBe(30);
    expect(records(salvageFit(zero).bytes)).toBe(30);
  });

  it('data size 0, then a chained file: both are kept', () => {
    const first = withDataSize(good, 0).subarray(0, good.length - 2);
    const second = recording(5, 2);
    const r = salvageFit(cat(first, second));
    intact(r.bytes);
    expect(r.files.map((f) => f.dataMessages)).toEqual([31, 6]);
    expect(r.changes).toContain(`file CRC written (there was none before byte ${first.length})`);
  });

  it('a data size short of the records: read on where the CRC should be', () => {
    const short = withDataSize(good, 200).subarray(0, good.length - 2);
    expect(decodeFit(short, { profile }).diagnostics.map((d) => d.code)).toContain('data_size_short');
    const r = salvageFit(short);
    intact(r.bytes);
    expect(records(r.bytes)).toBe(30);
    // validate: FitCSVTool stops at the declared end; the report says what repair can salvage.
    const v = validateBytes('short.fit', short, profile);
    expect(v.ok).toBe(false);
    expect(v.diagnostics.find((d) => d.code === 'records_past_data_size')).toMatchObject({ level: 'error', source: 'integrity' });
  });

  it('a wrong CRC at the declared end with nothing after it stays a CRC error', () => {
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] ^= 0xff;
    expect(decodeFit(bad, { profile }).diagnostics.map((d) => d.code)).toEqual(['crc_mismatch']);
  });

  it('the FitCSVTool-faithful decoder (readPastDataSize false) still stops at a data size of 0', () => {
    const crashed = withDataSize(good, 0).subarray(0, good.length - 2);
    expect(validateBytes('crashed.fit', crashed, profile).messages).toBe(0);
  });
});
