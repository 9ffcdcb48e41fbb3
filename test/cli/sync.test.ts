/** `fitkit sync` end to end through the built CLI, against the simulated devices. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchFiles, WATCH_MODELS } from '../../src/core/sim/watch-files.js';
import { udevRules, udevNoMtpRules } from '../../src/core/sync/install.js';
import { inspectLibrary, sha } from '../helpers/library-check.js';

const root = join(import.meta.dirname, '../..');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));

function fitkit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fitkit sync --simulate', () => {
  it.each([
    ['mtp:fr945', WATCH_MODELS.fr945],
    ['msc:edge530', WATCH_MODELS.edge530],
    ['ant:fr310xt', WATCH_MODELS.fr310xt],
  ])('%s: every FIT file in the library, byte-identical and sorted; a second sync downloads nothing', (spec, model) => {
    const lib = join(tmp('sync'), 'FitSync');
    const r1 = fitkit(['sync', '--simulate', spec, '--to', lib, '--json']);
    expect(r1.code, r1.stderr).toBe(0);
    const rep1 = JSON.parse(r1.stdout) as { reports: { totals: Record<string, number>; device: { serial?: string } }[]; errors: unknown[] };
    expect(rep1.errors).toEqual([]);
    expect(rep1.reports).toHaveLength(1);
    expect(rep1.reports[0].device.serial).toBe(String(model.serial));
    const facts = inspectLibrary(lib);
    expect(facts.problems).toEqual([]);
    const held = new Set(facts.files.values());
    for (const f of watchFiles(model)) expect([f.path, held.has(sha(f.bytes))]).toEqual([f.path, true]);
    expect([...facts.files.keys()].filter((p) => p.startsWith(`${model.serial}/Activities/`)).length).toBeGreaterThanOrEqual(3);

    const r2 = fitkit(['sync', '--simulate', spec, '--to', lib, '--json']);
    expect(r2.code, r2.stderr).toBe(0);
    const t2 = (JSON.parse(r2.stdout) as typeof rep1).reports[0].totals;
    expect(t2.downloadedBytes).toBe(0);
    expect(t2.known).toBe(watchFiles(model).length);
    expect(inspectLibrary(lib).files).toEqual(facts.files);
  });

  it("ant:fr310xt-usb1: the USB1 stick and the capture's 310XT under clustered loss: every readable FIT entry lands byte-identical", async () => {
    const { captureTable, CAPTURE_WATCH } = await import('../../src/core/sim/fr310xt-capture.js');
    const lib = join(tmp('sync'), 'FitSync');
    const r = fitkit(['sync', '--simulate', 'ant:fr310xt-usb1', '--to', lib, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { reports: { totals: Record<string, number>; device: { serial?: string } }[]; errors: unknown[] };
    expect(rep.errors).toEqual([]);
    expect(rep.reports[0].device.serial).toBe(String(CAPTURE_WATCH.serial));
    const facts = inspectLibrary(lib);
    expect(facts.problems).toEqual([]);
    const held = new Set(facts.files.values());
    const readable = captureTable().filter((f) => f.dataType === 0x80);
    expect(readable).toHaveLength(63);
    for (const f of readable) expect([f.index, held.has(sha(f.bytes))]).toEqual([f.index, true]);
  });

  it('prints a table and the quarantined file, and refuses an unknown simulation with exit 2', () => {
    const lib = join(tmp('sync'), 'FitSync');
    const r = fitkit(['sync', '--simulate', 'mtp:fr945', '--to', lib], { COLUMNS: '200' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Forerunner 945 \(3996731245\) │ mtp/);
    // 80 columns cannot hold the table: a line per device instead.
    const narrow = fitkit(['sync', '--simulate', 'mtp:fr945', '--to', join(tmp('sync'), 'FitSync')], { COLUMNS: '80' });
    expect(narrow.stdout).toMatch(/^Forerunner 945 \(3996731245\) via mtp: 10 files, 9 new, 0 held, 0 duplicates, 1$/m);
    for (const l of narrow.stdout.split('\n')) if (!l.startsWith('quarantined: ') && !l.startsWith('library: ')) expect(l.length).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^quarantined: Forerunner 945: GARMIN\/Activity\/.*\.fit -> _quarantine\//m);
    const bad = fitkit(['sync', '--simulate', 'mtp:fr1', '--to', lib]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown simulation "mtp:fr1"/);
  });

  it('--watch syncs the simulated watch, logs one line per event and stops cleanly on SIGTERM', async () => {
    const lib = join(tmp('sync'), 'FitSync');
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'sync', '--watch', '--simulate', 'mtp:fr945', '--to', lib], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!killed && /^synced: /m.test(out)) killed = child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^watching for devices \(mtp\); library /);
    expect(lines).toContainEqual(expect.stringMatching(/^attached: Garmin MTP 091e:4c29 at 1-1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^synced: Forerunner 945 \(3996731245\): 9 new, 0 duplicate, 1 quarantined, 0 failed/));
    expect(lines[lines.length - 1]).toBe('stopping (SIGTERM)');
    expect(inspectLibrary(lib).problems).toEqual([]);
  });
});

describe('fitkit sync --install --print', () => {
  it('prints the udev rules and unit for the user, and writes nothing', () => {
    const r = fitkit(['sync', '--install', '--print', '--user', 'pi', '--to', '/srv/fit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(udevRules({ user: 'pi', library: '/srv/fit' }));
    expect(r.stdout).toContain(udevNoMtpRules());
    expect(r.stdout).toMatch(/^ExecStart=.*bin\/run\.js sync --watch --to \/srv\/fit$/m);
    expect(r.stdout).toMatch(/^User=pi$/m);
    expect(r.stdout).not.toMatch(/0666/);
  });

  it('refuses a user name that would break the files', () => {
    const r = fitkit(['sync', '--install', '--print', '--user', 'a"b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid user name/);
  });
});
