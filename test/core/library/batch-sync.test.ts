/** BatchSync: one syncfs per batch where `sync -f` works, an fsync per file otherwise; an error is never swallowed. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchSync } from '../../../src/core/library/batch-sync.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));

function files(dir: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const p = join(dir, `f${i}`);
    writeFileSync(p, `file ${i}`);
    return p;
  });
}

describe('BatchSync', () => {
  it.runIf(process.platform === 'linux')('syncs batch after batch through one syncfs each', async () => {
    const dir = tmp('bs');
    const s = new BatchSync(dir);
    for (let b = 0; b < 3; b++) await s.sync(files(dir, 5));
    expect(s.syncfs).toBe(true);
    s.close();
  });

  it('falls back to an fsync per file when the syncfs shell cannot run (here: its folder is gone)', async () => {
    const dir = tmp('bs');
    const s = new BatchSync(join(dir, 'missing'), true);
    await s.sync(files(dir, 3));
    expect(s.syncfs).toBe(false);
    await s.sync(files(dir, 2));
    s.close();
  });

  it('without syncfs, fsyncs each file; a file that cannot be synced fails the batch', async () => {
    const dir = tmp('bs');
    const s = new BatchSync(dir, false);
    await s.sync(files(dir, 2), files(dir, 1));
    await expect(s.sync([join(dir, 'f0'), join(dir, 'gone')])).rejects.toMatchObject({ code: 'ENOENT' });
    s.close();
  });
});
