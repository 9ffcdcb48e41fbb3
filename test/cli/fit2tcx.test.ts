/** `fitkit fit2tcx` as a user runs it (the built dist/, in-process): output beside the input, -o -, --json, errors and exit codes. */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTcx } from '../../src/core/formats/tcx.js';
import { fitkitIn } from '../helpers/run-cli.js';

const root = join(import.meta.dirname, '../..');
const fixture = join(root, 'fixtures/fit/Activity.fit');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-fit2tcx-'));

describe('fitkit fit2tcx', () => {
  it('writes IN.tcx beside the input, the same TCX to standard output with -o -, and says what it wrote', async () => {
    const dir = tmp();
    const fit = join(dir, 'Activity.fit');
    copyFileSync(fixture, fit);
    const r = await fitkitIn(['fit2tcx', fit]);
    expect(r.stderr).toBe(`${join(dir, 'Activity.tcx')}: 1 activity, 1 lap, 14 trackpoints\n`);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['Activity.fit', 'Activity.tcx']);
    expect(readFileSync(fit)).toEqual(readFileSync(fixture));
    const tcx = readFileSync(join(dir, 'Activity.tcx'), 'utf8');
    expect(parseTcx(tcx).points.n).toBe(14);
    const s = await fitkitIn(['fit2tcx', fit, '-o', '-']);
    expect(s.stdout).toBe(tcx);
    expect(s.stderr).toBe('');
  });

  it('--json: the summary on stdout; bad input: one line, exit 1, no output; --json with -o -: exit 2', async () => {
    const dir = tmp();
    const j = await fitkitIn(['fit2tcx', fixture, '-o', join(dir, 'a.tcx'), '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ activities: 1, laps: 1, trackpoints: 14, skipped: 0, output: join(dir, 'a.tcx') });
    const bad = join(dir, 'bad.fit');
    writeFileSync(bad, 'not a FIT file at all');
    const r = await fitkitIn(['fit2tcx', bad, '-o', join(dir, 'bad.tcx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^fitkit: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*\n$`));
    expect(readdirSync(dir).sort()).toEqual(['a.tcx', 'bad.fit']);
    expect((await fitkitIn(['fit2tcx', fixture, '-o', '-', '--json'])).code).toBe(2);
  });
});
