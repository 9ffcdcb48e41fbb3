/** The sort engine on small FIT files built in code (inline analysis: the worker script is compiled only in dist/). */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIT_EPOCH_S } from '../../../src/core/fit/kit/time.js';
import { readFileId } from '../../../src/core/library/file-id.js';
import { LibraryIndex } from '../../../src/core/library/library-index.js';
import { sortIntoLibrary } from '../../../src/core/library/sorter.js';
import { sha256 } from '../../../src/core/library/analyse.js';
import { IoMeter } from '../../../src/core/library/io-meter.js';
import { FitBuilder } from '../../helpers/fit-builder.js';
import { smallFit, writeFile } from '../../helpers/sort-files.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));

/** Every file under `dir`, relative, `/`-separated, without .fitkit. */
function tree(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.fitkit') return [];
      return e.isDirectory() ? tree(dir, r) : [r];
    })
    .sort();
}

describe('readFileId', () => {
  it('reads file_id and stops; a chained file is placed by its first file', () => {
    const a = smallFit({ type: 6, serial: 7, time: 900_000_000 });
    expect(readFileId(a)).toEqual({ type: 6, manufacturer: 1, product: 2697, serial: 7, timeCreated: 900_000_000 });
    expect(readFileId(FitBuilder.chain(a, smallFit({ type: 4, serial: 8 })))?.serial).toBe(7);
    expect(readFileId(smallFit({ serial: null, time: null }))).toMatchObject({ serial: undefined, timeCreated: undefined });
    expect(readFileId(new TextEncoder().encode('not fit at all'))).toBeUndefined();
    expect(readFileId(new FitBuilder().build())).toBeUndefined();
  });
});

describe('sortIntoLibrary', () => {
  it('lays files out by serial and type, byte for byte, with mtime = time_created', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    const files: [string, Uint8Array][] = [
      ['a/run.fit', smallFit({ type: 4, serial: 11, time: 1_000_000_000 })],
      ['a/Device.fit', smallFit({ type: 1, serial: 11, time: null })],
      ['b/route.FIT', smallFit({ type: 6, serial: 22 })],
      ['b/Lctns.fit', smallFit({ type: 8, serial: 22 })],
      ['b/bp.fit', smallFit({ type: 14, serial: 22 })],
      ['c/noserial.fit', smallFit({ type: 32, serial: null, manufacturer: 1, product: 3843 })],
      ['c/records.fit', smallFit({ type: 29, serial: 22 })],
    ];
    for (const [p, b] of files) writeFile(join(src, p), b);
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    expect(r.totals).toMatchObject({ inputs: 7, copied: 7, duplicates: 0, quarantined: 0 });
    expect(tree(lib)).toEqual([
      '11/Activities/run.fit',
      '11/Device.fit',
      '22/Blood Pressure/bp.fit',
      '22/Courses/route.FIT',
      '22/Locations/Lctns.fit',
      '22/Unknown/records.fit',
      'garmin-edge1040/Monitoring/noserial.fit',
    ]);
    for (const f of r.files) expect(readFileSync(join(lib, f.path!))).toEqual(readFileSync(f.source));
    expect(statSync(join(lib, '11/Activities/run.fit')).mtimeMs).toBe((1_000_000_000 + FIT_EPOCH_S) * 1000);
    expect(Math.abs(statSync(join(lib, '11/Device.fit')).mtimeMs - statSync(join(src, 'a/Device.fit')).mtimeMs)).toBeLessThan(1);
  });

  it('never copies a content twice, whatever its name; gives a different file with a taken name a suffix', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    writeFile(join(src, 'x/ride.fit'), smallFit({ seed: 1 }));
    writeFile(join(src, 'y/ride.fit'), smallFit({ seed: 2 }));
    writeFile(join(src, 'y/copy-of-ride.fit'), smallFit({ seed: 1 }));
    writeFile(join(src, 'z/ride.fit'), smallFit({ seed: 3 }));
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    expect(r.files.map((f) => [f.outcome, f.path])).toEqual([
      ['copied', '3945849289/Activities/ride.fit'],
      ['duplicate', '3945849289/Activities/ride.fit'],
      ['copied', '3945849289/Activities/ride-1.fit'],
      ['copied', '3945849289/Activities/ride-2.fit'],
    ]);
    // A second run, and a renamed copy from elsewhere, copy nothing.
    const other = tmp('src2');
    writeFile(join(other, 'renamed.fit'), smallFit({ seed: 3 }));
    const again = await sortIntoLibrary({ sources: [src, other], library: lib, threads: 0 });
    expect(again.totals).toMatchObject({ inputs: 5, copied: 0, duplicates: 5 });
    expect(LibraryIndex.load(join(lib, '.fitkit')).size).toBe(3);
  });

  it('quarantines damaged and non-FIT files with the reason in the index', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    const good = smallFit();
    writeFile(join(src, 'notes.fit'), 'hello');
    writeFile(join(src, 'empty.fit'), '');
    writeFile(join(src, 'cut.fit'), good.subarray(0, good.length - 5));
    const bad = good.slice();
    bad[bad.length - 1] ^= 0xff;
    writeFile(join(src, 'crc.fit'), bad);
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    expect(r.totals).toMatchObject({ inputs: 4, copied: 0, quarantined: 4 });
    const reasons = Object.fromEntries(r.files.map((f) => [f.path, f.reason!.match(/\[(\w+)\]$/)![1]]));
    expect(reasons).toEqual({
      '_quarantine/crc.fit': 'crc_mismatch',
      '_quarantine/cut.fit': 'truncated',
      '_quarantine/empty.fit': 'not_fit',
      '_quarantine/notes.fit': 'not_fit',
    });
    const index = LibraryIndex.load(join(lib, '.fitkit'));
    expect([...index.entries()].every((e) => e.kind === 'quarantined' && e.reason)).toBe(true);
    expect(readFileSync(join(lib, '_quarantine/notes.fit'), 'utf8')).toBe('hello');
  });

  it('--types takes only the asked types; --dry-run writes nothing', async () => {
    const src = tmp('src');
    const lib = join(tmp('lib'), 'new');
    writeFile(join(src, 'a.fit'), smallFit({ type: 4 }));
    writeFile(join(src, 'c.fit'), smallFit({ type: 6 }));
    writeFile(join(src, 'm.fit'), smallFit({ type: 15 }));
    const plan = await sortIntoLibrary({ sources: [src], library: lib, threads: 0, dryRun: true, types: new Set([4, 6]) });
    expect(plan.files.map((f) => f.outcome)).toEqual(['copied', 'copied', 'filtered']);
    expect(existsSync(lib)).toBe(false);
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0, types: new Set([4, 6]) });
    expect(r.files.map((f) => f.path)).toEqual(plan.files.map((f) => f.path));
    expect(tree(lib)).toEqual(['3945849289/Activities/a.fit', '3945849289/Courses/c.fit']);
  });

  it('--move deletes sources only once copied (duplicates too), never filtered or failed ones', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    writeFile(join(src, 'a.fit'), smallFit({ seed: 1 }));
    writeFile(join(src, 'dup.fit'), smallFit({ seed: 1 }));
    writeFile(join(src, 'bad.fit'), 'xx');
    writeFile(join(src, 'course.fit'), smallFit({ type: 6 }));
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0, move: true, types: new Set([4, 'unknown']) });
    expect(r.files.map((f) => [f.outcome, !!f.moved])).toEqual([
      ['copied', true],
      ['quarantined', true],
      ['filtered', false],
      ['duplicate', true],
    ]);
    expect(readdirSync(src)).toEqual(['course.fit']);
    expect(tree(lib)).toEqual(['3945849289/Activities/a.fit', '_quarantine/bad.fit']);
  });

  it('adopts a whole copy an interrupted run linked but never indexed, and sweeps its temporary files', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    const bytes = smallFit();
    writeFile(join(src, 'ride.fit'), bytes);
    writeFile(join(lib, '3945849289/Activities/ride.fit'), bytes);
    writeFile(join(lib, '3945849289/Activities/.fitkit-tmp-1-abc'), bytes.subarray(0, 10));
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    expect(r.files[0]).toMatchObject({ outcome: 'copied', adopted: true, path: '3945849289/Activities/ride.fit' });
    expect(r.sweptTemp).toBe(1);
    expect(tree(lib)).toEqual(['3945849289/Activities/ride.fit']);
    expect(LibraryIndex.load(join(lib, '.fitkit')).size).toBe(1);
  });

  it('hostile names and symlinks cannot make it write outside the library', async () => {
    const outside = tmp('outside');
    const src = tmp('src');
    const lib = join(tmp('libparent'), 'lib');
    writeFile(join(outside, 'secret.fit'), smallFit({ seed: 9 }));
    writeFile(join(src, 'ok.fit'), smallFit({ seed: 1 }));
    writeFile(join(src, '..fit'), smallFit({ seed: 2 }));
    writeFile(join(src, 'Activities'), smallFit({ type: 1, seed: 3 }));
    writeFile(join(src, 'evil\nname\x1b.fit'), smallFit({ seed: 4 }));
    writeFile(join(src, 'x'.repeat(250) + '.fit'), smallFit({ seed: 5 }));
    symlinkSync(join(outside, 'secret.fit'), join(src, 'link.fit'));
    symlinkSync(outside, join(src, 'linkdir'));
    // The library's own folder replaced by a link out of it: refused, not followed.
    mkdirSync(join(lib, '3945849289'), { recursive: true });
    symlinkSync(outside, join(lib, '3945849289', 'Activities'));
    const r = await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    expect(r.ignored.map((i) => [i.path.slice(src.length + 1), i.reason])).toEqual([
      ['Activities', 'not_fit_name'],
      ['link.fit', 'symlink'],
      ['linkdir', 'symlink'],
    ]);
    expect(readdirSync(outside)).toEqual(['secret.fit']);
    // Activities go through the linked folder: refused, reported, nothing written there.
    expect(r.files.filter((f) => f.outcome === 'failed').map((f) => f.reason)).toEqual(Array(4).fill('is a symbolic link; fitkit does not follow links inside a library [unsafe_path]'));
    expect(tree(lib).filter((p) => !p.startsWith('3945849289/Activities'))).toEqual([]);
    const names = r.files.filter((f) => f.outcome === 'copied').map((f) => f.path);
    expect(names).toEqual([]);
    // With the link gone, the same sources land inside the library, names made safe.
    const lib2 = tmp('lib2');
    const r2 = await sortIntoLibrary({ sources: [src], library: lib2, threads: 0 });
    expect(r2.totals).toMatchObject({ copied: 4, failed: 0 });
    expect(tree(lib2)).toEqual(['3945849289/Activities/evil_name_.fit', '3945849289/Activities/fit', '3945849289/Activities/ok.fit', '3945849289/Activities/' + 'x'.repeat(196) + '.fit']);
    expect(readdirSync(outside)).toEqual(['secret.fit']);
    expect(lstatSync(join(lib2, '3945849289')).isDirectory()).toBe(true);
  });

  it('skips re-hashing a file it has seen unchanged, as git does; a rewrite that keeps size and mtime is still taken', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    const a = smallFit({ type: 4, serial: 11, seed: 1 });
    const b = smallFit({ type: 4, serial: 11, seed: 2 });
    expect(b.length).toBe(a.length);
    expect(sha256(b)).not.toBe(sha256(a));
    const p = writeFile(join(src, 'run.fit'), a);
    writeFile(join(src, 'other.fit'), smallFit({ type: 6, serial: 22 }));
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of ['run.fit', 'other.fit']) utimesSync(join(src, f), old, old);
    // Past the coarse clock's tick: the files' ctimes are older than the run that caches them.
    await new Promise((r) => setTimeout(r, 50));
    const m1 = new IoMeter();
    expect((await sortIntoLibrary({ sources: [src], library: lib, threads: 0, meter: m1 })).totals.copied).toBe(2);
    expect(m1.hashes).toBe(2);

    // Unchanged: decided from the stat cache, nothing read or hashed; the same report.
    const m2 = new IoMeter();
    const again = await sortIntoLibrary({ sources: [src], library: lib, threads: 0, meter: m2 });
    expect(m2.hashes).toBe(0);
    expect(again.totals).toMatchObject({ inputs: 2, duplicates: 2, copied: 0 });
    expect(again.files.find((f) => f.source === p)).toMatchObject({ outcome: 'duplicate', sha256: sha256(a), device: '11', type: 'activity', fileType: 4 });

    // Same path, same size, mtime put back to the nanosecond, same inode: only the ctime (and
    // the content) differ, so that is what the cache must compare.
    const before = statSync(p, { bigint: true });
    writeFileSync(p, b);
    utimesSync(p, before.atime, before.mtime);
    const after = statSync(p, { bigint: true });
    expect([after.dev, after.ino, after.size, after.mtimeNs]).toEqual([before.dev, before.ino, before.size, before.mtimeNs]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    const m3 = new IoMeter();
    const third = await sortIntoLibrary({ sources: [src], library: lib, threads: 0, meter: m3 });
    expect(m3.hashes).toBe(1);
    expect(third.files.find((f) => f.source === p)).toMatchObject({ outcome: 'copied', sha256: sha256(b) });
    const held = new Set([...LibraryIndex.load(join(lib, '.fitkit')).entries()].map((e) => e.sha256));
    expect(held.has(sha256(b))).toBe(true);
  });

  it('does not keep a cache entry whose times are not older than the run that saw it (racy git)', async () => {
    const src = tmp('src');
    const lib = tmp('lib');
    const p = writeFile(join(src, 'new.fit'), smallFit({ type: 4, serial: 11, seed: 3 }));
    // An mtime at or after the run's start is what a change in the same clock tick looks like.
    const later = new Date(Date.now() + 86_400_000);
    utimesSync(p, later, later);
    await sortIntoLibrary({ sources: [src], library: lib, threads: 0 });
    const cache = JSON.parse(readFileSync(join(lib, '.fitkit', 'stat-cache.json'), 'utf8')) as { entries: unknown[] };
    expect(cache.entries).toEqual([]);
    const m = new IoMeter();
    await sortIntoLibrary({ sources: [src], library: lib, threads: 0, meter: m });
    expect(m.hashes).toBe(1);
  });
});
