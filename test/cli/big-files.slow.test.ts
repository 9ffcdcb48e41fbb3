/** Big files through the CLI (npm run test:slow): validate and repair stream a 100 MB file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCrashedActivity } from '../helpers/crashed-activity.js';

const root = join(import.meta.dirname, '../..');

/**
 * Memory bounded whatever the size: a ~100 MB activity a crash left with data size 0 is validated
 * (it fails, saying how much repair can salvage), repaired (every record kept, the summary
 * computed) and validated again (it passes), each in a child process whose peak RSS is read at
 * its exit (process.resourceUsage().maxRSS, threads included).
 */
describe('fitkit validate and repair on a 100 MB file', () => {
  it('stream it in bounded memory: peak RSS < 256 MB each, every record kept, the repaired file passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-big-'));
    try {
      const input = join(dir, 'crashed.fit');
      const made = writeCrashedActivity(input, 100e6);
      const rss = join(dir, 'rss.cjs');
      writeFileSync(rss, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
      const cli = (...args: string[]) => {
        const r = spawnSync(process.execPath, ['--require', rss, join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
        const kb = Number(/maxRSS (\d+)/.exec(r.stderr)?.[1]);
        return { code: r.status, stdout: r.stdout, stderr: r.stderr, mb: kb / 1024 };
      };

      const before = cli('validate', input, '--json');
      expect(before.code, before.stderr).toBe(1);
      const report = JSON.parse(before.stdout).files[0];
      expect(report.messages).toBe(0); // as FitCSVTool counts them
      expect(report.diagnostics.find((d: { code: string }) => d.code === 'records_past_data_size').message).toMatch(new RegExp(`^${made.messages} complete message`));
      expect(before.mb).toBeLessThan(256);

      const fixed = join(dir, 'fixed.fit');
      const repair = cli('repair', input, '-o', fixed, '--tz', 'UTC', '--json');
      expect(repair.code, repair.stderr).toBe(0);
      const j = JSON.parse(repair.stdout);
      expect(j.files).toEqual([expect.objectContaining({ dataMessages: made.messages + j.added.length })]);
      expect(j.changes[0]).toBe(`file at byte 0: data size 0 → ${made.bytes - 14} (${made.messages + 4} complete records kept)`);
      expect(j.added.map((m: { message: string }) => m.message)).toEqual(['event', 'lap', 'session', 'activity']);
      expect(repair.mb).toBeLessThan(256);

      const after = cli('validate', fixed, '--json');
      expect(after.code, after.stdout.slice(0, 2000)).toBe(0);
      expect(JSON.parse(after.stdout).files[0]).toMatchObject({ ok: true, passedRequired: true, messages: made.messages + 4 });
      expect(after.mb).toBeLessThan(256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
