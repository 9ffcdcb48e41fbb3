/** `fitkit repair` as a user runs it: never touches the input, refuses to overwrite, reports. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'repair', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('fitkit repair', () => {
  it('salvages a truncated file into a new one and leaves the input as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    const input = join(dir, 'eof.fit');
    copyFileSync(join(root, 'fixtures/fit/activity-unexpected-eof.fit'), input);
    const before = readFileSync(input);
    const r = run(input, '-o', join(dir, 'fixed.fit'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fixed\.fit: 21 message\(s\) in 1 FIT file\(s\)/);
    expect(r.stdout).toContain('dropped from byte 751: truncated');
    expect(readFileSync(input).equals(before)).toBe(true);

    const again = run(input, '-o', join(dir, 'fixed.fit'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; add --force');
    expect(run(input, '-o', join(dir, 'fixed.fit'), '--force').code).toBe(0);
    expect(run(input, '-o', input, '--force').code).toBe(2);
  });

  it('--json reports the salvaged files and the changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    const r = run(join(root, 'fixtures/fit/activity-filecrc.fit'), '-o', join(dir, 'a.fit'), '--json');
    const j = JSON.parse(r.stdout);
    expect(j.files).toHaveLength(1);
    expect(j.changes).toContain('file CRC recomputed (was wrong, at byte 769)');
  });

  it('a file with nothing to salvage: one line, exit 1, no output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    writeFileSync(join(dir, 'junk.fit'), 'not a fit file at all, sorry');
    const r = run(join(dir, 'junk.fit'), '-o', join(dir, 'out.fit'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/junk\.fit: nothing to salvage: not a FIT file.*\(at byte 0\)$/);
  });
});
