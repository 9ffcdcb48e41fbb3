/**
 * A big activity as a device leaves it when it crashes mid-recording: the 14-byte header written
 * first with data size 0 (the size and the file CRC come at the end, which never came), file_id,
 * creator device_info, a timer start, then 1 Hz records with 20 fields (~48 bytes each) until the
 * file reaches `targetBytes`. No lap, session or activity. Written straight to disk in 1 MB
 * pieces, so a 100 MB file costs the test process no memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeFit } from '../../src/core/fit/encode/encoder.js';
import { HEADER_SIZE, fitHeader } from '../../src/core/fit/encode/writer.js';
import { Profile } from '../../src/core/fit/profile/profile.js';

/** 2024-06-01T06:00:00Z in FIT seconds. */
export const CRASH_START = Date.UTC(2024, 5, 1, 6) / 1000 - 631065600;

/** Record fields: [field number, size, base type]. */
const FIELDS: [number, number, number][] = [
  [253, 4, 0x86], [0, 4, 0x85], [1, 4, 0x85], [2, 2, 0x84], [3, 1, 0x02], [4, 1, 0x02], [5, 4, 0x86], [6, 2, 0x84],
  [7, 2, 0x84], [13, 1, 0x01], [73, 4, 0x86], [78, 4, 0x86], [29, 4, 0x86], [30, 1, 0x02], [31, 1, 0x02], [32, 2, 0x83],
  [33, 2, 0x84], [39, 2, 0x84], [41, 2, 0x84], [53, 1, 0x02],
]; // prettier-ignore
const RECORD_SIZE = 1 + FIELDS.reduce((n, f) => n + f[1], 0);

export interface CrashedActivity {
  bytes: number;
  records: number;
  /** Data messages: file_id, device_info, event and the records. */
  messages: number;
}

export function writeCrashedActivity(path: string, targetBytes: number): CrashedActivity {
  const profile = Profile.standard();
  const preamble = encodeFit(profile, (e) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer: 'garmin', product: 3113, serial_number: 3_400_000_001, time_created: CRASH_START });
    e.writeMessage('device_info', { timestamp: CRASH_START, device_index: 'creator', manufacturer: 'garmin', product: 3113 });
    e.writeMessage('event', { timestamp: CRASH_START, event: 'timer', event_type: 'start', timer_trigger: 'manual' });
  });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, fitHeader(0, 21217));
    writeSync(fd, preamble.subarray(HEADER_SIZE, preamble.length - 2));
    const def = new Uint8Array(6 + FIELDS.length * 3);
    def.set([0x40, 0, 0, 20, 0, FIELDS.length]);
    FIELDS.forEach(([num, size, type], i) => def.set([num, size, type], 6 + i * 3));
    writeSync(fd, def);
    let bytes = HEADER_SIZE + preamble.length - HEADER_SIZE - 2 + def.length;
    const perChunk = Math.floor((1 << 20) / RECORD_SIZE);
    const chunk = new Uint8Array(perChunk * RECORD_SIZE);
    const dv = new DataView(chunk.buffer);
    let records = 0;
    while (bytes < targetBytes) {
      const n = Math.min(perChunk, Math.ceil((targetBytes - bytes) / RECORD_SIZE));
      for (let r = 0; r < n; r++, records++) {
        const t = records;
        let o = r * RECORD_SIZE;
        chunk[o++] = 0;
        const put = (size: number, v: number) => {
          if (size === 4) dv.setUint32(o, v >>> 0, true);
          else if (size === 2) dv.setUint16(o, v & 0xffff, true);
          else chunk[o] = v & 0xff;
          o += size;
        };
        const speed = 3000 + (t % 600);
        put(4, CRASH_START + t);
        put(4, 565_000_000 + t * 10);
        put(4, 101_900_000 + (t % 5000) * 7);
        put(2, 2500 + (t % 400));
        put(1, 120 + (t % 40));
        put(1, 85 + (t % 5));
        put(4, t * 300);
        put(2, speed);
        put(2, 200 + (t % 100));
        put(1, 18);
        put(4, speed);
        put(4, 2500 + (t % 400));
        put(4, t * 210);
        put(1, 0x80 | 50);
        put(1, 3);
        put(2, t % 50);
        put(2, (t >> 4) & 0xffff);
        put(2, 800);
        put(2, 2500);
        put(1, 80);
      }
      writeSync(fd, chunk, 0, n * RECORD_SIZE);
      bytes += n * RECORD_SIZE;
    }
    return { bytes, records, messages: records + 3 };
  } finally {
    closeSync(fd);
  }
}
