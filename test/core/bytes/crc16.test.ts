import { CrcCalculator } from '@garmin/fitsdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/core/bytes/crc16.js';

// Garmin's own nibble-table implementation is the oracle; ours goes sixteen bytes a step.
const garmin = (b: Uint8Array, start: number, end: number): number => CrcCalculator.calculateCRC(b, start, end);

describe('crc16 (slicing by 16)', () => {
  it('equals Garmin CrcCalculator on any bytes and any range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length ? a % (bytes.length + 1) : 0;
        const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
        expect(crc16(bytes, start, end)).toBe(garmin(bytes, start, end));
      }),
      { numRuns: 2000 },
    );
  });

  it('continues a CRC across split points as one pass does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (bytes, cut) => {
        const k = cut % (bytes.length + 1);
        expect(crc16(bytes, k, bytes.length, crc16(bytes, 0, k))).toBe(crc16(bytes));
      }),
    );
  });

  it('gives 0 for data followed by its own little-endian CRC', () => {
    const data = new TextEncoder().encode('.FIT file bytes, 33 of them here');
    const crc = crc16(data);
    expect(crc16(new Uint8Array([...data, crc & 0xff, crc >> 8]))).toBe(0);
  });
});
