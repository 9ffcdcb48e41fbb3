import { describe, expect, it } from 'vitest';
import { TextBuffer, utf8 } from '../../../src/core/bytes/text-buffer.js';

const text = new TextDecoder();

describe('TextBuffer', () => {
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
