import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryLock, processAlive } from '../../../src/core/library/lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fitkit-lock-'));

/** A pid that surely exists no more: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('library lock', () => {
  it('is exclusive: a second taker waits, then fails naming the holder', async () => {
    const d = dir();
    const a = await LibraryLock.acquire(d);
    expect(JSON.parse(readFileSync(join(d, 'lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(LibraryLock.acquire(d, { timeoutMs: 250, pollMs: 20 })).rejects.toMatchObject({
      code: 'library_locked',
      message: expect.stringContaining(`process ${process.pid}`),
    });
    a.release();
    expect(existsSync(join(d, 'lock'))).toBe(false);
    (await LibraryLock.acquire(d, { timeoutMs: 0 })).release();
  });

  it('a waiter gets the lock once the holder releases it', async () => {
    const d = dir();
    const a = await LibraryLock.acquire(d);
    setTimeout(() => a.release(), 150);
    const b = await LibraryLock.acquire(d, { timeoutMs: 5000, pollMs: 20 });
    expect(b.info.pid).toBe(process.pid);
    b.release();
  });

  it('takes over a lock whose process is gone (a SIGKILLed run)', async () => {
    const d = dir();
    const pid = deadPid();
    expect(processAlive(pid)).toBe(false);
    writeFileSync(join(d, 'lock'), JSON.stringify({ pid, host: hostname(), nonce: 'dead', started: '2020-01-01T00:00:00Z' }));
    const l = await LibraryLock.acquire(d, { timeoutMs: 0 });
    expect(JSON.parse(readFileSync(join(d, 'lock'), 'utf8')).nonce).toBe(l.info.nonce);
    l.release();
  });

  it('never judges a lock from another host stale', async () => {
    const d = dir();
    writeFileSync(join(d, 'lock'), JSON.stringify({ pid: deadPid(), host: 'elsewhere', nonce: 'x', started: '2020-01-01T00:00:00Z' }));
    await expect(LibraryLock.acquire(d, { timeoutMs: 100, pollMs: 20 })).rejects.toMatchObject({ code: 'library_locked' });
  });

  it('removes an unreadable lock only once it is old, and a stale steal marker', async () => {
    const d = dir();
    writeFileSync(join(d, 'lock'), '');
    await expect(LibraryLock.acquire(d, { timeoutMs: 100, pollMs: 20 })).rejects.toMatchObject({ code: 'library_locked' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(d, 'lock'), old, old);
    writeFileSync(join(d, 'lock.steal'), '1');
    utimesSync(join(d, 'lock.steal'), old, old);
    const l = await LibraryLock.acquire(d, { timeoutMs: 2000, pollMs: 20 });
    expect(existsSync(join(d, 'lock.steal'))).toBe(false);
    l.release();
  });

  it('two racing takers of the same stale lock: exactly one wins', async () => {
    for (let round = 0; round < 20; round++) {
      const d = dir();
      writeFileSync(join(d, 'lock'), JSON.stringify({ pid: 999_999_999, host: hostname(), nonce: 'dead', started: '' }));
      const alive = (pid: number) => pid !== 999_999_999;
      const results = await Promise.allSettled([LibraryLock.acquire(d, { timeoutMs: 50, pollMs: 5, isAlive: alive }), LibraryLock.acquire(d, { timeoutMs: 50, pollMs: 5, isAlive: alive })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    }
  });
});
