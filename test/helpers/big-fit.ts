/**
 * A long ride as a valid FIT file, built straight into one buffer (fast for millions of records):
 * file_id, a timer start, then `records` records one second apart with positions and heart rate.
 * For tests that need a command to be busy for a while (signals, temp files), generated in-test.
 */
import { crc16 } from '../../src/core/bytes/crc16.js';

const FIT_EPOCH_S = 631065600;
const T0 = Date.UTC(2024, 3, 9, 7, 0, 0) / 1000 - FIT_EPOCH_S;

export function bigRide(records: number): Uint8Array {
  const head: number[] = [];
  const def = (local: number, global: number, fields: [number, number, number][]) => {
    head.push(0x40 | local, 0, 0, global & 0xff, global >> 8, fields.length);
    for (const f of fields) head.push(...f);
  };
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  def(0, 0, [
    [0, 1, 0x00],
    [1, 2, 0x84],
    [2, 2, 0x84],
    [3, 4, 0x8c],
    [4, 4, 0x86],
  ]);
  head.push(0, 4, 1, 0, 0x32, 0x0c, ...u32(1234567), ...u32(T0)); // activity, garmin, edge 830
  def(1, 21, [
    [253, 4, 0x86],
    [0, 1, 0x00],
    [1, 1, 0x00],
  ]);
  head.push(1, ...u32(T0), 0, 0); // timer start
  def(2, 20, [
    [253, 4, 0x86],
    [0, 4, 0x85],
    [1, 4, 0x85],
    [3, 1, 0x02],
  ]);
  const REC = 14;
  const dataSize = head.length + records * REC;
  const out = Buffer.alloc(14 + dataSize + 2);
  out.set([14, 0x20, 0x54, 0x08], 0);
  out.writeUInt32LE(dataSize, 4);
  out.write('.FIT', 8, 'ascii');
  out.writeUInt16LE(crc16(out.subarray(0, 12)), 12);
  out.set(head, 14);
  const semi = 2 ** 31 / 180;
  for (let i = 0, o = 14 + head.length; i < records; i++, o += REC) {
    out[o] = 2;
    out.writeUInt32LE(T0 + 1 + i, o + 1);
    out.writeInt32LE(Math.round((52 + (i % 10000) * 1e-5) * semi), o + 5);
    out.writeInt32LE(Math.round((5 + (i % 10000) * 1e-5) * semi), o + 9);
    out[o + 13] = 120 + (i % 40);
  }
  out.writeUInt16LE(crc16(out.subarray(0, 14 + dataSize)), 14 + dataSize);
  return out;
}
