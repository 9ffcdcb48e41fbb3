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
    const r = run(input, '-o', join(dir, 'fixed.fit'), '--tz', 'UTC');
    expect(r.code).toBe(0);
    // 21 messages salvaged, and the activity message the cut took away.
    expect(r.stdout).toMatch(/fixed\.fit: 22 messages in 1 FIT file,/);
    expect(r.stdout).toContain('dropped from byte 751: truncated');
    expect(r.stdout).toContain('  added activity over 1 session, local time UTC+00:00 from time zone UTC\n');
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

  it('--no-summary salvages only; --json lists the messages added, times in ISO 8601', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    const eof = join(root, 'fixtures/fit/activity-unexpected-eof.fit');
    const plain = run(eof, '-o', join(dir, 'plain.fit'), '--no-summary');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/plain\.fit: 21 messages/);
    expect(plain.stdout).not.toContain('added');

    // The activity message of the file before the cut (fixtures/fit/Activity.fit) holds the same values.
    const j = JSON.parse(run(eof, '-o', join(dir, 'a.fit'), '--tz', 'America/New_York', '--json').stdout);
    expect(j.added).toEqual([
      {
        message: 'activity',
        fields: {
          timestamp: '2012-04-09T21:24:51Z',
          total_timer_time: 13.749,
          num_sessions: 1,
          type: 'manual',
          event: 'activity',
          event_type: 'stop',
          local_timestamp: '2012-04-09T17:24:51',
        },
        note: 'activity over 1 session, local time UTC-04:00 from time zone America/New_York',
      },
    ]);
    expect(j.changes).toContain('added activity over 1 session, local time UTC-04:00 from time zone America/New_York');
  });

  it('an unknown --tz is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    const r = run(join(root, 'fixtures/fit/activity-unexpected-eof.fit'), '-o', join(dir, 'a.fit'), '--tz', 'Mars/Olympus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown time zone "Mars/Olympus"');
  });

  it('a file with nothing to salvage: one line, exit 1, no output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-repair-'));
    writeFileSync(join(dir, 'junk.fit'), 'not a fit file at all, sorry');
    const r = run(join(dir, 'junk.fit'), '-o', join(dir, 'out.fit'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/junk\.fit: nothing to salvage: not a FIT file.*\(at byte 0\)$/);
  });
});
