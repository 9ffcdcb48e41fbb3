import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextBuffer, utf8 } from '../../../src/core/bytes/text-buffer.js';

const text = new TextDecoder();

/** What one call writes, as text. */
function written(write: (b: TextBuffer) => void, chunkSize?: number): string {
  let s = '';
  const b = new TextBuffer((c) => (s += text.decode(c)), chunkSize);
  b.reserve(64);
  write(b);
  b.flush();
  return s;
}

// The string formatting the byte writer replaces, as the reference.
const toFixedRef = (v: number, places: number) => {
  const scale = 10 ** places;
  const n = Math.round(Math.abs(v) * scale);
  const whole = Math.floor(n / scale);
  const frac = String(n - whole * scale);
  return (v < 0 && n !== 0 ? '-' : '') + whole + '.' + '0'.repeat(places - frac.length) + frac;
};

describe('TextBuffer', () => {
  it('prints integers as String does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (v) => {
        expect(written((b) => b.int(v))).toBe(String(v));
      }),
    );
    for (const v of [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -1, -(2 ** 31)]) expect(written((b) => b.int(v))).toBe(String(v));
  });

  it('prints degrees with 9 decimals digit for digit like the string formatter (and toFixed where exact)', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (v) => {
        expect(written((b) => b.fixed(v, 9))).toBe(toFixedRef(v, 9));
      }),
      { numRuns: 5000 },
    );
    // Semicircle positions, what GPX points really hold.
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (s) => {
        const v = (s * 180) / 2 ** 31;
        expect(written((b) => b.fixed(v, 9))).toBe(toFixedRef(v, 9));
      }),
    );
    expect(written((b) => b.fixed(-0.0000000001, 9))).toBe('0.000000000');
    expect(written((b) => b.fixed(5, 9))).toBe('5.000000000');
    expect(written((b) => b.fixed(3e12, 2))).toBe((3e12).toFixed(2));
  });

  it('prints up to 3 decimals exactly as String(Math.round(v * 1000) / 1000)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (v) => {
        expect(written((b) => b.dec3(v))).toBe(String(Math.round(v * 1000) / 1000));
      }),
      { numRuns: 5000 },
    );
    for (const v of [0, -0, 0.0004, -0.0004, 0.005, 0.05, 1.2, 419.6, -12.345, 1e9, -3e12]) {
      expect(written((b) => b.dec3(v))).toBe(String(Math.round(v * 1000) / 1000));
    }
  });

  it('encodes any text as UTF-8 and never splits a piece between chunks', () => {
    const pieces = ['<a>', 'Zürich – 東京 🚴', 'x'.repeat(100)];
    const chunks: Uint8Array[] = [];
    const b = new TextBuffer((c) => chunks.push(c.slice()), 16);
    for (let i = 0; i < 50; i++) for (const p of pieces) b.text(p);
    b.bytes(utf8(''));
    b.flush();
    expect(chunks.length).toBeGreaterThan(10);
    // Each chunk decodes on its own (fatal: a split character would throw).
    const strict = new TextDecoder('utf-8', { fatal: true });
    expect(chunks.map((c) => strict.decode(c)).join('')).toBe(pieces.join('').repeat(50));
  });

  it('lends each chunk for the call: whole pieces, in order, the buffer reused', () => {
    const seen: string[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const b = new TextBuffer((c) => (seen.push(text.decode(c)), buffers.add(c.buffer)), 8);
    for (const piece of ['abcdefgh', 'ijklmnop', 'q']) {
      b.reserve(8);
      b.bytes(utf8(piece));
    }
    b.flush();
    expect(seen).toEqual(['abcdefgh', 'ijklmnop', 'q']);
    expect(buffers.size).toBe(1);
  });
});
