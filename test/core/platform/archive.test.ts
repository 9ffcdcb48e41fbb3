import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipOf as zipBytes } from '../../helpers/zip.js';
import { afterAll, describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { DEFAULT_ARCHIVE_LIMITS, readArchive, singleFitFromArchive, type ArchiveItem, type ArchiveLimits } from '../../../src/core/platform/archive.js';
import { trackedTemps } from '../../../src/core/platform/temp-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'fitkit-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const activity = new Uint8Array(readFileSync(new URL('../../../fixtures/fit/Activity.fit', import.meta.url)));
const settings = new Uint8Array(readFileSync(new URL('../../../fixtures/fit/activity-settings.fit', import.meta.url)));

let n = 0;
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

async function all(path: string, limits?: ArchiveLimits): Promise<ArchiveItem[]> {
  const items: ArchiveItem[] = [];
  for await (const item of readArchive(path, limits)) items.push(item);
  return items;
}

const tail = (p: string): string => p.slice(p.indexOf('.zip/') + 5);

/** Replace every occurrence of `from` by `to` (same length) in a zip: a name in both headers. */
function patch(zip: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  expect(at).toBeGreaterThan(0);
  while (at >= 0) {
    out.write(to, at, 'latin1');
    at = out.indexOf(from, at + 1);
  }
  return out;
}

describe('readArchive', () => {
  it('gunzips a .fit.gz to the FIT file inside', async () => {
    const path = file('ride.fit.gz', gzipSync(activity));
    const items = await all(path);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'member', path: path.replace(/\.gz$/, '') });
    expect(Buffer.from((items[0] as { bytes: Uint8Array }).bytes).equals(Buffer.from(activity))).toBe(true);
  });

  it('walks nested zips depth first, gunzips .fit.gz members and passes other files over', async () => {
    const deepest = await zipBytes([['d.fit', settings]]);
    const inner = await zipBytes([
      ['c.fit', activity, false],
      ['deeper/deeper.zip', deepest],
    ]);
    const outer = file(
      'export.zip',
      await zipBytes([
        ['activities/a.fit.gz', gzipSync(activity)],
        ['activities/b.FIT', settings],
        ['activities/notes.gpx', new TextEncoder().encode('<gpx/>')],
        ['UploadedFiles_0-_Part1.zip', inner],
      ]),
    );
    const items = await all(outer);
    expect(items.map((i) => [i.kind, tail(i.path)])).toEqual([
      ['member', 'activities/a.fit'],
      ['member', 'activities/b.FIT'],
      ['member', 'UploadedFiles_0-_Part1.zip/c.fit'],
      ['member', 'UploadedFiles_0-_Part1.zip/deeper/deeper.zip/d.fit'],
    ]);
    const want = [activity, settings, activity, settings];
    items.forEach((item, i) => {
      expect(item.kind).toBe('member');
      if (item.kind === 'member') expect(Buffer.from(item.bytes).equals(Buffer.from(want[i]!))).toBe(true);
    });
    expect(trackedTemps().filter((t) => t.includes('fitkit-nested'))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.includes('fitkit-nested'))).toEqual([]);
  });

  it('reports a damaged member and goes on with the next', async () => {
    const good = await zipBytes([
      ['a.fit', new Uint8Array(4096).fill(7)],
      ['b.fit', activity, false],
    ]);
    // Deflate block type 3 is reserved: the first member's data no longer inflates.
    const bad = Buffer.from(good);
    const dataAt = 30 + 'a.fit'.length;
    bad.fill(0xff, dataAt, dataAt + 8);
    const items = await all(file('damaged.zip', bad));
    expect(items.map((i) => [i.kind, tail(i.path)])).toEqual([
      ['problem', 'a.fit'],
      ['member', 'b.fit'],
    ]);
    expect(items[0]!.kind === 'problem' && items[0]!.error.code).toBe('archive_member_corrupt');
  });

  it('refuses a zip-slip name without reading it, and reads the rest', async () => {
    const zip = patch(
      await zipBytes([
        ['xx/xx/evil.fit', activity],
        ['ok.fit', activity],
      ]),
      'xx/xx/evil.fit',
      '../../evil.fit',
    );
    const items = await all(file('slip.zip', zip));
    expect(items.map((i) => [i.kind, tail(i.path)])).toEqual([
      ['problem', '../../evil.fit'],
      ['member', 'ok.fit'],
    ]);
    expect(items[0]!.kind === 'problem' && items[0]!.error.code).toBe('archive_member_name');
  });

  it('bounds a zip bomb: a member declaring too much, and one whose header lies', async () => {
    const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxMemberBytes: 2 ** 20 };
    const zeros = new Uint8Array(4 * 2 ** 20); // deflates to ~4 kB
    const honest = await all(
      file(
        'bomb.zip',
        await zipBytes([
          ['bomb.fit', zeros],
          ['ok.fit', activity],
        ]),
      ),
      limits,
    );
    expect(honest.map((i) => [i.kind, tail(i.path)])).toEqual([
      ['problem', 'bomb.fit'],
      ['member', 'ok.fit'],
    ]);
    expect(honest[0]!.kind === 'problem' && honest[0]!.error.code).toBe('archive_member_too_big');

    // Rewrite the declared size (local header offset 22, central header offset 24) to 1,000 bytes.
    const zip = await zipBytes([
      ['bomb.fit', zeros],
      ['ok.fit', activity],
    ]);
    const lying = Buffer.from(zip);
    lying.writeUInt32LE(1000, 22);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(1000, central + 24);
    const items = await all(file('lying.zip', lying), limits);
    expect(items.map((i) => [i.kind, tail(i.path)])).toEqual([
      ['problem', 'bomb.fit'],
      ['member', 'ok.fit'],
    ]);
  });

  it('bounds nesting depth', async () => {
    let zip = await zipBytes([['x.fit', activity]]);
    for (let i = 0; i < 3; i++) zip = await zipBytes([[`n${i}.zip`, zip]]);
    const items = await all(file('deep.zip', zip), { ...DEFAULT_ARCHIVE_LIMITS, maxDepth: 2 });
    expect(items).toHaveLength(1);
    expect(items[0]!.kind === 'problem' && items[0]!.error.code).toBe('archive_too_deep');
  });

  it('says what is wrong with a file that is no archive, or a truncated zip', async () => {
    await expect(all(file('plain.fit', activity))).rejects.toMatchObject({ code: 'not_archive' });
    const zip = await zipBytes([['a.fit', activity]]);
    const err = await all(file('cut.zip', zip.subarray(0, zip.length - 30))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitkitError);
    expect((err as FitkitError).code).toBe('archive_corrupt');
  });

  it('reports a damaged gzip as a problem, not a throw', async () => {
    const gz = gzipSync(activity);
    gz.fill(0xff, 12, 40);
    const items = await all(file('bad.fit.gz', gz));
    expect(items).toHaveLength(1);
    expect(items[0]!.kind === 'problem' && items[0]!.error.code).toBe('archive_member_corrupt');
  });
});

describe('singleFitFromArchive', () => {
  it('gives the one FIT file of a .fit.gz or a zip, and names the members of a zip with several', async () => {
    const gz = await singleFitFromArchive(file('one.fit.gz', gzipSync(activity)));
    expect(Buffer.from(gz.bytes).equals(Buffer.from(activity))).toBe(true);
    const one = await singleFitFromArchive(
      file(
        'one.zip',
        await zipBytes([
          ['readme.txt', new Uint8Array(3)],
          ['x/ride.fit', settings],
        ]),
      ),
    );
    expect(one.path.endsWith('one.zip/x/ride.fit')).toBe(true);
    const many = file(
      'many.zip',
      await zipBytes([
        ['a.fit', activity],
        ['b.fit', settings],
      ]),
    );
    await expect(singleFitFromArchive(many)).rejects.toMatchObject({ code: 'archive_many_files', message: expect.stringContaining('a.fit, b.fit') });
    await expect(singleFitFromArchive(file('none.zip', await zipBytes([['a.txt', activity]])))).rejects.toMatchObject({ code: 'no_files' });
  });
});
