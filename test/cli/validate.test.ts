/** `fitkit validate` through the built CLI: text report, --json shape, exit codes, batches. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallFit, writeFile } from '../helpers/sort-files.js';
import { activityFit } from '../helpers/validate-activity.js';

const root = join(import.meta.dirname, '../..');
const fixture = (n: string) => join(root, 'fixtures/fit', n);

/** A wide terminal: these tests read whole lines (80 columns: test/cli/conventions.test.ts). */
function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', COLUMNS: '200' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonOut {
  files: { file: string; ok: boolean; fileType: string | null; checklist: { name: string; level: string; status: string }[]; diagnostics: { level: string; code: string; offset: number }[] }[];
  totals: { files: number; passed: number; failed: number; unreadable: number };
}

describe('fitkit validate', () => {
  it('a good activity: PASS, the whole checklist table, exit 0', () => {
    const r = fitkit(['validate', fixture('Activity.fit')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS fixtures\/fit\/Activity\.fit \(activity, 22 messages, 771 bytes\)/);
    expect(r.stdout).toContain('Session Message Are Sequential and Abut');
    expect(r.stdout).toContain('Check requires two or more Session messages, found 1.');
  });

  it('--json: each file carries its checklist as {name, level, status}', () => {
    const r = fitkit(['validate', fixture('Activity.fit'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.totals).toEqual({ files: 1, passed: 1, failed: 0, unreadable: 0 });
    expect(out.files[0].checklist[0]).toMatchObject({ name: 'FileId Message Exists', level: 'REQUIRED', status: 'PASSED' });
    expect(out.files[0].checklist).toHaveLength(30);
  });

  it('damaged files: the problem with its byte offset, exit 1, no crash', () => {
    const eof = fitkit(['validate', fixture('activity-unexpected-eof.fit')]);
    expect(eof.code).toBe(1);
    expect(eof.stdout).toMatch(/error +truncated: .*\[truncated, byte 751\]/);
    const crc = fitkit(['validate', fixture('activity-filecrc.fit'), '--json']);
    expect(crc.code).toBe(1);
    expect((JSON.parse(crc.stdout) as JsonOut).files[0].diagnostics).toContainEqual(expect.objectContaining({ level: 'error', code: 'crc_mismatch', offset: 769 }));
    const junk = fitkit(['validate', fixture('activity-settings-corruptheader.fit')]);
    expect(junk.code).toBe(1);
    expect(junk.stdout).toContain('[trailing_bytes, byte 771]');
  });

  it('a folder batch: recursive, one unreadable or non-FIT file does not stop it, a summary table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-validate-'));
    writeFile(join(dir, 'a/good.fit'), activityFit());
    writeFile(join(dir, 'a/b/no-summary.fit'), activityFit({ omit: ['lap', 'session', 'activity'] }));
    writeFile(join(dir, 'course.fit'), activityFit({ fileType: 6 }));
    writeFile(join(dir, 'text.fit'), 'not a FIT file');
    writeFile(join(dir, 'locked.fit'), readFileSync(fixture('Activity.fit')));
    chmodSync(join(dir, 'locked.fit'), 0o000);
    const r = fitkit(['validate', dir, join(dir, 'missing.fit'), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as JsonOut;
    const by = (n: string) => out.files.find((f) => f.file.endsWith(n))!;
    expect(out.totals.files).toBe(6);
    expect(by('good.fit').ok).toBe(true);
    expect(by('course.fit')).toMatchObject({ ok: true, fileType: 'course' });
    expect(by('no-summary.fit').ok).toBe(false);
    expect(by('text.fit').diagnostics[0]).toMatchObject({ code: 'not_fit', offset: 0 });
    expect(by('missing.fit').diagnostics[0].code).toBe('not_found');
    // Root reads anything; elsewhere the locked file is reported unreadable.
    if (process.getuid?.() !== 0) expect(by('locked.fit').diagnostics[0].code).toBe('unreadable');
    const text = fitkit(['validate', dir, '-q']);
    expect(text.stdout).toMatch(/│ File type +│ Files │ Pass │ Fail │ Errors │ Warnings │/);
    expect(text.stdout).toMatch(/5 files: 3 passed, 2 failed/);
    chmodSync(join(dir, 'locked.fit'), 0o644);
  });

  it('a batch on worker threads (files sent several at a time) gives the inline reports, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-validate-pool-'));
    // Good and failing files of several types, a non-FIT file and a real activity among them.
    for (let i = 0; i < 150; i++) writeFile(join(dir, `d${i % 3}`, `${String(i).padStart(3, '0')}.fit`), smallFit({ type: [4, 6, 4, 32][i % 4], seed: i, records: 1 + (i % 9) }));
    writeFile(join(dir, 'd1/text.fit'), 'not a FIT file');
    writeFile(join(dir, 'd2/Activity.fit'), readFileSync(fixture('Activity.fit')));
    const inline = fitkit(['validate', dir, '--json', '--threads', '0']);
    const pooled = fitkit(['validate', dir, '--json', '--threads', '2']);
    expect(pooled.code).toBe(inline.code);
    const a = JSON.parse(inline.stdout) as JsonOut;
    const b = JSON.parse(pooled.stdout) as JsonOut;
    expect(a.files).toHaveLength(152);
    expect(new Set(a.files.map((f) => f.ok))).toEqual(new Set([true, false]));
    expect(b).toEqual(a);
  });

  it('usage errors exit 2', () => {
    expect(fitkit(['validate']).code).toBe(2);
    expect(fitkit(['validate', fixture('Activity.fit'), '--threads', 'x']).code).toBe(2);
  });
});
