/** A long workout through the CLI (npm run test:slow): tcx2fit in bounded memory. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkDecode, writeLongTcx } from '../helpers/tcx-sdk.js';

const root = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-tcx2fit-'));

describe('fitkit tcx2fit on a long workout', () => {
  it('a 130,000-trackpoint (36 h at 1 Hz) rowing workout converts in bounded memory', () => {
    const dir = tmp();
    const tcx = join(dir, 'long.tcx');
    writeLongTcx(tcx, 130_000);
    // The child reports its own peak RSS as it exits.
    const report = "process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))";
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, join(root, 'bin/run.js'), 'tcx2fit', tcx, '--split', '500'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/long\.fit: 130000 records, 780 laps, 389997 m in 129999 s, 51999 strokes/);
    expect(r.status).toBe(0);
    const kb = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
    process.stderr.write(`tcx2fit 130,000 trackpoints (${statSync(tcx).size} bytes): max RSS ${(kb / 1024).toFixed(0)} MB\n`);
    expect(kb).toBeGreaterThan(0);
    expect(kb).toBeLessThan(512 * 1024);
    const sdk = sdkDecode(readFileSync(join(dir, 'long.fit')));
    expect(sdk.integrity).toBe(true);
    expect(sdk.messages.recordMesgs).toHaveLength(130_000);
    expect(sdk.messages.sessionMesgs[0]).toMatchObject({ totalElapsedTime: 129_999, numLaps: 780 });
  });
});
