/**
 * bin/run.js runs a plain fitkit command from its oclif-free bundle (lite-run.ts, dist/lite), and
 * gives oclif the rest on a configuration without its plugins, the command taken from its bundle
 * (load-options.ts, scripts/bundle-commands.mjs). What a command prints and its exit code must not
 * depend on that: the spawned CLI is compared with the same command run in-process on the whole
 * configuration and tsc's modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOptions } from '../../src/cli/load-options.js';
import type { Interfaces } from '../../src/cli/oclif.js';
import { fitkitIn } from '../helpers/run-cli.js';
import { smallFit, writeFile } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const rootUrl = pathToFileURL(root + '/');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-load-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = writeFile(join(dir, 'tiny.fit'), smallFit({ records: 5 }));
const ids = readdirSync(join(root, 'dist/commands'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3));

function spawned(args: string[]) {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS']) delete env[k];
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('load options', () => {
  it('leaves the plugins out only for a fitkit command that is not asked for help', () => {
    const lite = loadOptions(['dump', 'x.fit'], rootUrl);
    expect(typeof lite).toBe('object');
    expect((lite as { pjson: { oclif: { plugins: string[] } } }).pjson.oclif.plugins).toEqual([]);
    expect((lite as { root: string }).root).toBe(root + '/');
    for (const args of [[], ['help'], ['autocomplete'], ['dump', '--help'], ['dump', 'x.fit', '-h'], ['dup'], ['--version'], ['../package']]) {
      expect(loadOptions(args, rootUrl), args.join(' ')).toBe(root + '/');
    }
  });

  it.each(ids)('takes %s from its bundle; that and its plain-run bundle (dist/lite) are built after every module they hold', (id) => {
    const opts = loadOptions([id, 'x'], rootUrl) as Interfaces.LoadOptions & { pjson: Interfaces.PJSON };
    expect(opts.pjson.oclif.commands).toEqual({ strategy: 'explicit', target: `./dist/bundle/${id}.js`, identifier: 'COMMANDS' });
    for (const folder of ['bundle', 'lite']) {
      const built = statSync(join(root, `dist/${folder}/${id}.${folder === 'lite' ? 'cjs' : 'js'}`)).mtimeMs;
      const inputs = JSON.parse(readFileSync(join(root, `dist/${folder}/${id}.inputs.json`), 'utf8')) as string[];
      expect(inputs).toContain(`dist/commands/${id}.js`);
      expect(inputs.includes('dist/cli/lite-oclif.js'), folder).toBe(folder === 'lite');
      for (const f of inputs) expect(statSync(join(root, f)).mtimeMs, f).toBeLessThanOrEqual(built);
    }
  });

  it.each([
    ['dump', tiny],
    ['dump', '-o', join(dir, 'tiny.csv'), tiny],
    ['fit2gpx', '--json', tiny, '-o', join(dir, 'tiny.gpx')],
    ['repair', '--json', tiny, '-o', join(dir, 'fixed.fit'), '--force'],
    ['validate', '--threads', '2', tiny, tiny],
    ['dump', '--bogus', tiny],
    ['dump', '--json', join(dir, 'missing.fit')],
    ['validate', '--json', tiny],
    ['dup', tiny],
  ])('fitkit %s …: the same output and exit code as on the whole configuration', async (...args) => {
    const whole = await fitkitIn(args);
    expect(spawned(args)).toEqual(whole);
  });
});
