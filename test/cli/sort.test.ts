/** `fitkit sort` end to end, through the built CLI (worker threads on); runs killed at random points: sort-kill.slow.test.ts. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listLibrary, sourceTree } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));

/** A wide terminal, so the summary is a table (narrower: a line per device, see conventions.test.ts). */
function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', COLUMNS: '200' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fitkit sort', () => {
  it('prints the summary table; --json returns the report; --dry-run changes nothing', () => {
    const { dir } = sourceTree(20);
    const lib = join(tmp('sortlib'), 'lib');
    const plan = fitkit(['sort', dir, '--to', lib, '--dry-run']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^copy {7}\S+d0\/f0\.fit -> 1000\/Activities\/f0\.fit$/m);
    expect(plan.stdout).toContain('21 files: 20 would be copied, 0 already in the library, 1 would be quarantined');
    expect(existsSync(lib)).toBe(false);

    const text = fitkit(['sort', dir, '--to', lib, '--threads', '2']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/│ 1000 +│ activity +│ +\d+ │/);
    expect(text.stdout).toMatch(/quarantined: \S+broken\.fit -> _quarantine\/broken\.fit: not a FIT file/);

    const json = fitkit(['sort', dir, '--to', lib, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.totals).toMatchObject({ inputs: 21, copied: 0, duplicates: 21, quarantined: 0 });
    expect(report.summary.length).toBeGreaterThan(0);
  });

  it('rejects unknown --types with a usage error', () => {
    const r = fitkit(['sort', tmp('x'), '--to', tmp('y'), '--types', 'activities']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown file type "activities"');
  });

  it('two runs at once on one library copy each file once', async () => {
    const { dir, hashes } = sourceTree(150);
    const lib = tmp('conclib');
    const run = () =>
      new Promise<string>((resolve) => {
        const c = spawn(process.execPath, [join(root, 'bin/run.js'), 'sort', dir, '--to', lib, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d));
        c.on('exit', () => resolve(out));
      });
    const [a, b] = (await Promise.all([run(), run()])).map((s) => JSON.parse(s).totals);
    expect(a.copied + b.copied + a.quarantined + b.quarantined).toBe(hashes.size);
    expect(listLibrary(lib)).toHaveLength(hashes.size);
  });
});
