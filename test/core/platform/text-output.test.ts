/** openTextOutput for a file: rows written through one recycled buffer, the file whole at commit. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTextOutput } from '../../../src/core/platform/text-output.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fitkit-text-output-'));

describe('openTextOutput (a regular file)', () => {
  it('hands the buffer it was given back from spare(), so one buffer goes round; the bytes arrive in order', async () => {
    const d = dir();
    const target = join(d, 'out.csv');
    writeFileSync(target, 'old');
    const out = await openTextOutput(target);
    const buffers = new Set<ArrayBufferLike>();
    const parts: Buffer[] = [];
    await out.write('header\n');
    parts.push(Buffer.from('header\n'));
    for (let i = 0; i < 50; i++) {
      const buf = out.spare!();
      buffers.add(buf.buffer);
      const n = 1 + ((i * 7919) % buf.length);
      for (let k = 0; k < n; k++) buf[k] = 97 + ((i + k) % 26);
      parts.push(Buffer.from(buf.subarray(0, n)));
      await out.give!(buf.subarray(0, n));
    }
    expect(buffers.size).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe('old');
    await out.commit();
    expect(readFileSync(target).equals(Buffer.concat(parts))).toBe(true);
    expect(readdirSync(d)).toEqual(['out.csv']);
  });

  it('abort() leaves the old file and no temporary file', async () => {
    const d = dir();
    const target = join(d, 'out.csv');
    writeFileSync(target, 'old');
    const out = await openTextOutput(target);
    await out.write('new rows\n');
    out.abort();
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['out.csv']);
  });
});
