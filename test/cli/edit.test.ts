/** merge, split, trim, shift and conceal as a user runs them: JSON results, exit codes, inputs untouched. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requiredFailures, sdkIntact } from '../helpers/edit-corpus.js';

const root = join(import.meta.dirname, '../..');
const WALK = join(root, 'fixtures/fit/garmin-fenix-5-walk.fit');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const good = (path: string) => {
  const b = new Uint8Array(readFileSync(path));
  expect(sdkIntact(b)).toBe(true);
  expect(requiredFailures(b)).toEqual([]);
};

describe('fitkit edit commands', () => {
  it('split, merge, trim, shift and conceal write good files and leave the input as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-edit-'));
    const before = readFileSync(WALK);
    const split = run('split', WALK, '--at', '20s', '-d', join(dir, 'parts'), '--json');
    expect(split.code).toBe(0);
    const parts = (JSON.parse(split.stdout) as { parts: { output: string }[] }).parts.map((p) => p.output);
    expect(parts).toHaveLength(2);
    parts.forEach(good);
    const merged = run('merge', parts[1], parts[0], '-o', join(dir, 'm.fit'), '--json');
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ sessions: 1, laps: 2 });
    good(join(dir, 'm.fit'));
    for (const args of [
      ['trim', WALK, '--start', '10s', '--end', '20m', '-o', join(dir, 't.fit')],
      ['shift', WALK, '--to', '2024-05-01T09:30:00Z', '--tz', 'Europe/Berlin', '-o', join(dir, 's.fit')],
      ['conceal', WALK, '--start', '30m', '--around', '0,0,100m', '-o', join(dir, 'c.fit')],
      ['merge', WALK, '--fields', 'heart_rate,cadence', '--from', join(dir, 'm.fit'), '-o', join(dir, 'h.fit')],
    ]) {
      const r = run(...args, '--json');
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      good(args[args.length - 1]);
    }
    expect(readFileSync(WALK).equals(before)).toBe(true);
  });

  it('usage mistakes exit 2, bad input exits 1, with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-edit-'));
    const bad = run('trim', WALK, '--start', '2x', '-o', join(dir, 'x.fit'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x.fit'))).toBe(false);
    const self = run('shift', WALK, '--by', '1h', '-o', WALK);
    expect(self.code).toBe(2);
    expect(run('shift', WALK, '--by', '1h', '-o', join(dir, 'y.fit')).code).toBe(0);
    const exists = run('shift', WALK, '--by', '1h', '-o', join(dir, 'y.fit'), '--json');
    expect(exists.code).toBe(2);
    expect(JSON.parse(exists.stdout).error.code).toBe('exists');
    const eof = run('trim', join(root, 'fixtures/fit/activity-unexpected-eof.fit'), '--start', '1s', '-o', join(dir, 'z.fit'));
    expect(eof.code).toBe(1);
    expect(eof.stderr).toMatch(/^fitkit: .*activity-unexpected-eof\.fit: truncated.*fitkit repair/);
    const sports = run('merge', WALK, join(root, 'fixtures/fit/Activity.fit'), '-o', join(dir, 'q.fit'));
    expect(sports.code).toBe(1);
    expect(sports.stderr).toContain('add --force');
  });
});
