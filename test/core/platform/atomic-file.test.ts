/** AtomicFile's background writes: the file appears whole, in order, or not at all. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile, POOLED } from '../../../src/core/platform/atomic-file.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fitkit-atomic-'));

/** 300 chunks of varied sizes (some above the pooled size), all written from one reused buffer. */
function feed(out: AtomicFile): Buffer {
  const reused = new Uint8Array(600_000);
  const parts: Buffer[] = [];
  for (let i = 0; i < 300; i++) {
    const n = i % 50 === 0 ? 400_000 + i : 1 + ((i * 7919) % 70_000);
    for (let k = 0; k < n; k++) reused[k] = (i + k) & 0xff;
    parts.push(Buffer.from(reused.subarray(0, n)));
    out.enqueue(reused.subarray(0, n));
  }
  return Buffer.concat(parts);
}

describe('AtomicFile.enqueue', () => {
  it('writes chunks in order though the caller reuses its buffer; the target appears at commit', async () => {
    const d = dir();
    const target = join(d, 'out.gpx');
    writeFileSync(target, 'old');
    const out = new AtomicFile(target);
    const expected = feed(out);
    expect(readFileSync(target, 'utf8')).toBe('old');
    await out.commitQueued();
    expect(readFileSync(target).equals(expected)).toBe(true);
    expect(readdirSync(d)).toEqual(['out.gpx']);
  });

  it('drained() holds the producer back only while more than the limit waits', async () => {
    const d = dir();
    const out = new AtomicFile(join(d, 'x'));
    expect(out.drained()).toBeUndefined();
    out.enqueue(new Uint8Array(3 << 20));
    const wait = out.drained(1 << 20);
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(out.drained(1 << 20)).toBeUndefined();
    await out.commitQueued();
    expect(readFileSync(join(d, 'x')).length).toBe(3 << 20);
  });

  it('abort() with writes in flight leaves neither the target nor a temporary file', async () => {
    const d = dir();
    const target = join(d, 'gone.gpx');
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const out = new AtomicFile(target);
    feed(out);
    out.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
    // The descriptor is closed once the write in flight returned, not leaked.
    expect(fds()).toBe(before);
  });
});

describe('AtomicFile.give and spare', () => {
  it('writes handed-over buffers in order, and hands them out again once written', async () => {
    const d = dir();
    const out = new AtomicFile(join(d, 'out.csv'));
    const given = new Set<ArrayBufferLike>();
    const parts: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const buf = out.spare();
      expect(buf.length).toBe(POOLED);
      const n = 1 + ((i * 7919) % buf.length);
      for (let k = 0; k < n; k++) buf[k] = (i * 31 + k) & 0xff;
      parts.push(Buffer.from(buf.subarray(0, n)));
      given.add(buf.buffer);
      out.give(buf.subarray(0, n));
      // Backpressure as the CSV writer's: a few buffers in flight, so written ones come back.
      await out.drained(2 * POOLED);
    }
    expect(given.size).toBeLessThan(40);
    await out.commitQueued();
    expect(readFileSync(join(d, 'out.csv')).equals(Buffer.concat(parts))).toBe(true);
  });
});

describe('AtomicFile writeback of queued writes', () => {
  it('starts writebacks as it goes (here after every chunk) and the file is still whole, in order', async () => {
    const d = dir();
    const out = new AtomicFile(join(d, 'out.gpx'), { writeback: 1 });
    const expected = feed(out);
    await out.commitQueued();
    expect(readFileSync(join(d, 'out.gpx')).equals(expected)).toBe(true);
    expect(readdirSync(d)).toEqual(['out.gpx']);
  });

  it('commitQueued() waits for a writeback in flight', async () => {
    const d = dir();
    const out = new AtomicFile(join(d, 'x'), { writeback: 1 });
    out.enqueue(new Uint8Array(1 << 20).fill(7));
    // Written: its writeback has just started.
    await out.drained(0);
    await out.commitQueued();
    expect(readFileSync(join(d, 'x')).length).toBe(1 << 20);
  });

  it('abort() with a writeback in flight closes the descriptor once it returns, and leaves no file', async () => {
    const d = dir();
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const out = new AtomicFile(join(d, 'gone'), { writeback: 1 });
    out.enqueue(new Uint8Array(1 << 20).fill(7));
    await out.drained(0);
    out.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect(readdirSync(d)).toEqual([]);
    expect(fds()).toBe(before);
  });
});

describe('AtomicFile.append (written through)', () => {
  it('writes each chunk before it returns, starts writebacks as it goes, and the file is whole at commit', async () => {
    const d = dir();
    const target = join(d, 'out.csv');
    writeFileSync(target, 'old');
    const out = new AtomicFile(target, { writeback: 1 });
    const reused = new Uint8Array(70_000);
    const parts: Buffer[] = [];
    let waits = 0;
    for (let i = 0; i < 60; i++) {
      const n = 1 + ((i * 7919) % reused.length);
      for (let k = 0; k < n; k++) reused[k] = (i * 13 + k) & 0xff;
      parts.push(Buffer.from(reused.subarray(0, n)));
      const wait = out.append(reused.subarray(0, n));
      // A writeback still in flight: the caller gives the event loop a turn, so the next can start.
      if (wait) {
        waits++;
        await wait;
      }
    }
    expect(waits).toBeGreaterThan(0);
    expect(readFileSync(target, 'utf8')).toBe('old');
    await out.commitQueued();
    expect(readFileSync(target).equals(Buffer.concat(parts))).toBe(true);
    expect(readdirSync(d)).toEqual(['out.csv']);
  });

  it('abort() with a writeback in flight closes the descriptor once it returns, and leaves no file', async () => {
    const d = dir();
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const out = new AtomicFile(join(d, 'gone'), { writeback: 1 });
    expect(out.append(new Uint8Array(1 << 20).fill(7))).toBeUndefined();
    out.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect(readdirSync(d)).toEqual([]);
    expect(fds()).toBe(before);
  });
});
