/** The library's own paths: links and other users' files refused before fitkit writes or deletes there. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLibraryPath, checkLibraryState, LibraryDirs } from '../../../src/core/library/library-dirs.js';
import { LibraryIndex } from '../../../src/core/library/library-index.js';
import { JsonlJournal } from '../../../src/core/platform/jsonl-journal.js';
import { trackedTemps } from '../../../src/core/platform/temp-registry.js';
import { Staging } from '../../../src/core/sync/staging.js';
import { SyncState } from '../../../src/core/sync/sync-state.js';

const dir = () => realpathSync(mkdtempSync(join(tmpdir(), 'fitkit-libdirs-')));
const LINK = 'is a symbolic link; fitkit does not follow links inside a library';

function outside(): string {
  const d = dir();
  mkdirSync(join(d, '1-deadbeef'));
  writeFileSync(join(d, 'x.jsonl'), 'keep\n');
  return d;
}

describe('checkLibraryPath', () => {
  it('false for nothing, true for a real folder or file of ours; a link or the wrong kind throws', () => {
    const d = dir();
    expect(checkLibraryPath(join(d, 'none'), 'file')).toBe(false);
    expect(checkLibraryPath(d, 'folder')).toBe(true);
    writeFileSync(join(d, 'f'), '');
    expect(checkLibraryPath(join(d, 'f'), 'file')).toBe(true);
    expect(() => checkLibraryPath(join(d, 'f'), 'folder')).toThrow('not a folder where the library needs one');
    symlinkSync(d, join(d, 'link'));
    expect(() => checkLibraryPath(join(d, 'link'), 'folder')).toThrow(LINK);
  });
});

describe('state paths that are links', () => {
  it('Staging.create: a linked incoming is refused and nothing behind it swept', () => {
    const lib = dir();
    const out = outside();
    const state = new LibraryDirs(lib).ensure('.fitkit');
    symlinkSync(out, join(state, 'incoming'));
    expect(() => Staging.create(state)).toThrow(LINK);
    expect(() => checkLibraryState(lib)).toThrow(LINK);
    expect(readdirSync(out).sort()).toEqual(['1-deadbeef', 'x.jsonl']);
  });

  it("Staging.create sweeps only dead runs' folders; its own is in the temp registry until disposed", () => {
    const lib = dir();
    const state = new LibraryDirs(lib).ensure('.fitkit');
    const incoming = join(state, 'incoming');
    mkdirSync(incoming);
    mkdirSync(join(incoming, '999999999-deadbeef')); // no such process
    mkdirSync(join(incoming, 'notes'));
    const s = Staging.create(state);
    expect(readdirSync(incoming).sort()).toEqual([s.dir.slice(incoming.length + 1), 'notes'].sort());
    expect(trackedTemps()).toContain(s.dir);
    s.dispose();
    expect(trackedTemps()).not.toContain(s.dir);
    expect(readdirSync(incoming)).toEqual(['notes']);
  });

  it('SyncState.load and LibraryIndex.load refuse linked journals; the journal itself never follows a link', () => {
    const lib = dir();
    const out = outside();
    const state = new LibraryDirs(lib).ensure('.fitkit');
    symlinkSync(out, join(state, 'sync'));
    expect(() => SyncState.load(state, 'mtp:1')).toThrow(LINK);
    symlinkSync(join(out, 'x.jsonl'), join(state, 'index.jsonl'));
    expect(() => LibraryIndex.load(state)).toThrow(LINK);
    const journal = new JsonlJournal(join(state, 'index.jsonl'));
    expect(() => journal.append([{ a: 1 }])).toThrow(/ELOOP/);
    expect(readFileSync(join(out, 'x.jsonl'), 'utf8')).toBe('keep\n');
  });
});
