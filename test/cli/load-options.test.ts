/**
 * bin/run.js runs a fitkit command on a configuration without oclif's plugins (load-options.ts).
 * What a command prints and its exit code must not depend on that: the spawned CLI (lite
 * configuration) is compared with the same command run in-process on the whole one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOptions } from '../../src/cli/load-options.js';
import { fitkitIn } from '../helpers/run-cli.js';
import { smallFit, writeFile } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const rootUrl = pathToFileURL(root + '/');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-load-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = writeFile(join(dir, 'tiny.fit'), smallFit({ records: 5 }));

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

  it.each([
    ['dump', tiny],
    ['dump', '--bogus', tiny],
    ['dump', '--json', join(dir, 'missing.fit')],
    ['validate', '--json', tiny],
    ['dup', tiny],
  ])('fitkit %s …: the same output and exit code as on the whole configuration', async (...args) => {
    const whole = await fitkitIn(args);
    expect(spawned(args)).toEqual(whole);
  });
});
