/** rereadableInput: every pass gives the whole input, in pieces that take turns in the same two buffers. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rereadableInput } from '../../../src/core/platform/reread-input.js';

describe('rereadableInput (a regular file)', () => {
  it('reads the whole file on each pass, into the same two buffers every time', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fitkit-reread-')), 'in.fit');
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(path, bytes);
    const input = await rereadableInput(path);
    const buffers = new Set<ArrayBufferLike>();
    for (let pass = 0; pass < 3; pass++) {
      const pieces: Buffer[] = [];
      for (const piece of input.open()) {
        buffers.add(piece.buffer);
        pieces.push(Buffer.from(piece));
      }
      expect(pieces.length).toBeGreaterThan(2);
      expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    }
    expect(buffers.size).toBe(2);
    input.close();
  });
});
