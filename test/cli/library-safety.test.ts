/**
 * Paths fitkit writes or deletes inside a library (`.fitkit`, `incoming`, `index.jsonl`,
 * `sync/`) are refused when they are symbolic links or another user's, before anything is swept,
 * with one line; what the link points at is left exactly as it was.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallFit } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-libsafe-'));
const LINK = 'is a symbolic link; fitkit does not follow links inside a library';

function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder outside the library that a planted link points at, with what a sweep would delete. */
function outside(): { dir: string; check: () => void } {
  const dir = tmp();
  mkdirSync(join(dir, '1-deadbeef')); // named like a dead run's staging folder
  writeFileSync(join(dir, '1-deadbeef', 'precious'), 'keep');
  writeFileSync(join(dir, 'notes.txt'), 'keep');
  writeFileSync(join(dir, 'index.jsonl'), 'not an index\n');
  const check = () => {
    expect(readdirSync(dir).sort()).toEqual(['1-deadbeef', 'index.jsonl', 'notes.txt']);
    expect(readFileSync(join(dir, '1-deadbeef', 'precious'), 'utf8')).toBe('keep');
    expect(readFileSync(join(dir, 'index.jsonl'), 'utf8')).toBe('not an index\n');
  };
  return { dir, check };
}

function library(): { lib: string; state: string; source: string } {
  const base = tmp();
  const lib = join(base, 'lib');
  const state = join(lib, '.fitkit');
  mkdirSync(state, { recursive: true });
  const source = join(base, 'ride.fit');
  writeFileSync(source, smallFit());
  return { lib, state, source };
}

describe('symbolic links inside a library', () => {
  it('sync: .fitkit/incoming → a folder outside: refused before the sweep, nothing there deleted', () => {
    const { lib, state } = library();
    const out = outside();
    symlinkSync(out.dir, join(state, 'incoming'));
    const r = fitkit(['sync', '--simulate', 'mtp:fr945', '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${join(state, 'incoming')}: ${LINK}\n`);
    out.check();
  });

  it('sync: .fitkit/sync → a folder outside: refused, nothing written there', () => {
    const { lib, state } = library();
    const out = outside();
    symlinkSync(out.dir, join(state, 'sync'));
    const r = fitkit(['sync', '--simulate', 'msc:edge530', '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${join(state, 'sync')}: ${LINK}\n`);
    out.check();
  });

  it.each(['sort', 'sync'])('%s: .fitkit/index.jsonl → a file outside: refused, the file not appended to', (cmd) => {
    const { lib, state, source } = library();
    const out = outside();
    symlinkSync(join(out.dir, 'index.jsonl'), join(state, 'index.jsonl'));
    const r = fitkit(cmd === 'sort' ? ['sort', source, '--to', lib] : ['sync', '--simulate', 'mtp:fr945', '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${join(state, 'index.jsonl')}: ${LINK}\n`);
    out.check();
  });

  it('sort: .fitkit → a folder outside: refused, nothing written there', () => {
    const base = tmp();
    const lib = join(base, 'lib');
    mkdirSync(lib);
    const out = outside();
    symlinkSync(out.dir, join(lib, '.fitkit'));
    const source = join(base, 'ride.fit');
    writeFileSync(source, smallFit());
    const r = fitkit(['sort', source, '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${join(lib, '.fitkit')}: ${LINK}\n`);
    out.check();
    expect(readdirSync(lib)).toEqual(['.fitkit']);
  });

  it('sort: a .fitkit owned by another user is refused', () => {
    if (process.getuid?.() !== 0) {
      console.log('skipped: making a folder owned by another user needs root');
      return;
    }
    const { lib, state, source } = library();
    chownSync(state, 65534, 65534);
    const r = fitkit(['sort', source, '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${state}: owned by uid 65534, not by you (uid 0); fitkit writes only its own files in a library\n`);
    expect(readdirSync(state)).toEqual([]);
  });
});
