/**
 * `fitkit <command> --help` to a pipe is answered from dist/help/<command>.txt (written by the
 * build) without loading oclif. Each text must be byte for byte what oclif prints in the same
 * situation; OCLIF_COLUMNS=80 (oclif's width for a pipe) sends the same request to oclif.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prerenderedHelp } from '../../src/cli/prerendered-help.js';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/run.js');
const helpDir = join(root, 'dist/help');
const ids = Object.keys((JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> }).commands).sort();
const env = (extra: Record<string, string> = {}) => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('FORCE_COLOR' in extra)) delete e.FORCE_COLOR;
  return e;
};
const fitkit = (args: string[], extra?: Record<string, string>) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: env(extra) });

describe('pre-rendered --help', () => {
  it('has one text per command of the manifest', () => {
    expect(
      readdirSync(helpDir)
        .map((f) => f.replace(/\.txt$/, ''))
        .sort(),
    ).toEqual(ids);
  });

  it.each(ids)('%s: the stored text is what oclif prints', (id) => {
    const oclif = fitkit([id, '--help'], { OCLIF_COLUMNS: '80' });
    expect(oclif.status).toBe(0);
    expect(oclif.stdout).toContain(`fitkit ${id}`);
    expect(readFileSync(join(helpDir, `${id}.txt`), 'utf8')).toBe(oclif.stdout);
  });

  it('is what the CLI prints for --help and -h, exit 0, nothing on stderr', () => {
    const text = readFileSync(join(helpDir, 'dump.txt'), 'utf8');
    for (const flag of ['--help', '-h']) {
      const r = fitkit(['dump', flag]);
      expect([r.status, r.stderr, r.stdout]).toEqual([0, '', text]);
    }
  });

  it('leaves to oclif what would print differently or is not a plain help request', () => {
    const dir = pathToFileURL(helpDir + '/');
    expect(prerenderedHelp(['dump', '--help'], dir, {}, false)).toBe(readFileSync(join(helpDir, 'dump.txt'), 'utf8'));
    expect(prerenderedHelp(['dump', '--help'], dir, {}, true)).toBeUndefined();
    expect(prerenderedHelp(['dump', '--help'], dir, { FORCE_COLOR: '1' }, false)).toBeUndefined();
    expect(prerenderedHelp(['dump', '--help'], dir, { OCLIF_COLUMNS: '120' }, false)).toBeUndefined();
    expect(prerenderedHelp(['dump', 'x.fit', '--help'], dir, {}, false)).toBeUndefined();
    expect(prerenderedHelp(['--help', 'dump'], dir, {}, false)).toBeUndefined();
    expect(prerenderedHelp(['nosuch', '--help'], dir, {}, false)).toBeUndefined();
    expect(prerenderedHelp(['../package', '--help'], dir, {}, false)).toBeUndefined();
  });

  it('still lets oclif colour help when asked to', () => {
    const r = fitkit(['dump', '--help'], { FORCE_COLOR: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\u001b[');
  });
});
