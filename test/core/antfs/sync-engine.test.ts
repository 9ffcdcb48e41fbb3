/**
 * The ANT-FS source under the real sync engine: the first sync pairs and lands every file, the
 * second authenticates with the stored passkey, and the third finds nothing new — which needs a
 * stable listing (paths, sizes, dates) and identical bytes from the source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { syncDevice } from '../../../src/core/sync/sync-device.js';
import { inspectLibrary, sha } from '../../helpers/library-check.js';
import { disposeRigs, MODEL, rig, smallFiles } from './sim-setup.js';

const dirs: string[] = [];
afterEach(() => {
  disposeRigs();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('pairs and lands every file, then authenticates, then downloads nothing new', async () => {
  const library = join(mkdtempSync(join(tmpdir(), 'fitkit-antfs-lib-')), 'FitSync');
  dirs.push(join(library, '..'));
  const r = rig({ watch: { files: smallFiles(), renumber: 'after-session' } });
  r.stick.faults = { dropBurstRate: 0.05, corruptLineRate: 0.05 };
  const run = async () => {
    const s = await r.open();
    try {
      return await syncDevice(s, { library });
    } finally {
      await s.close();
    }
  };
  const first = await run();
  expect(first.totals.failed).toBe(0);
  const held = new Set(inspectLibrary(library).files.values());
  for (const f of smallFiles()) expect([f.path, held.has(sha(f.bytes))]).toEqual([f.path, true]);
  // Sorted under the watch's serial, as the FIT files say.
  expect([...inspectLibrary(library).files.keys()].filter((p) => p.startsWith(`${MODEL.serial}/`)).length).toBeGreaterThan(5);

  const second = await run();
  expect(r.watch.log.filter((l) => l.startsWith('pairing prompt'))).toHaveLength(1);
  expect(r.watch.log).toContain('passkey accepted');
  expect(second.totals.copied + second.totals.duplicate).toBe(0);
  expect(second.totals.known).toBe(smallFiles().length);
  const third = await run();
  expect(third.totals.known).toBe(smallFiles().length);
  expect(third.totals.downloadedBytes).toBe(0);
});
