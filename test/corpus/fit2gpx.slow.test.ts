/**
 * fit2gpx over the corpus: every GPX validates with xmllint against the corpus XSDs (GPX 1.1 +
 * TrackPointExtension v1/v2, extension content checked too), gpsbabel reads every track back
 * with the same point count, gpsbabel converting the same FIT file (`-i garmin_fit`) writes as
 * many track points as fitkit, and where gpsbabel's GPX of a FIT file is in the corpus the track
 * points agree one by one (lat/lon within 1e-7°, same times, elevation within 0.1 m) and, for
 * the Locations sample, the waypoints. Known differences, all on gpsbabel's side, are named
 * below and counted.
 */
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fitToGpx, type FitToGpxOptions } from '../../src/core/activity/gpx/fit-gpx.js';
import { salvageFit } from '../../src/core/activity/repair/salvage.js';
import { FitkitError } from '../../src/core/errors.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import { allTrackPoints, readGpx, type ReadPoint } from '../helpers/gpx-read.js';
import { gpsbabelFromFit, gpsbabelTrackRows, validateGpx } from '../helpers/gpx-tools.js';

/** Chunks end where an element ends, so each decodes on its own. */
const text = new TextDecoder();

const out = mkdtempSync(join(tmpdir(), 'fitkit-fit2gpx-corpus-'));
const XSD = corpusPath('xsd');

/** The GPX, or undefined when fitkit finds nothing readable (a FitkitError: the CLI test covers the error line). */
async function convert(name: string, opts: FitToGpxOptions = {}, bytes?: Uint8Array): Promise<{ xml: string; path: string } | undefined> {
  let xml = '';
  try {
    await fitToGpx(
      () => (bytes ? [bytes] : createReadStream(corpusPath('fit', name + '.fit'))),
      (b) => (xml += text.decode(b)),
      opts,
    );
  } catch (e) {
    if (e instanceof FitkitError) return undefined;
    throw e;
  }
  const path = join(out, `${name.replace(/\//g, '__')}${opts.extensions ? '.' + opts.extensions : ''}.gpx`);
  writeFileSync(path, xml);
  return { xml, path };
}

/** FIT → gpsbabel's GPX of it, from MANIFEST.tsv's notes ("gpsbabel expected output: ..."). */
function gpsbabelPairs(): [string, string][] {
  const rows = readFileSync(corpusPath('MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'));
  return rows.flatMap((r) => {
    const m = /gpsbabel expected output: (gpx-expected\/gpsbabel\/\S+\.gpx)/.exec(r[6] ?? '');
    return m && r[0].startsWith('fit/') ? [[r[0].slice(4, -4), m[1]] as [string, string]] : [];
  });
}

/**
 * gpsbabel's behaviour we do not copy, each difference counted in the summary line:
 * - `zero`: it writes a record at lat/lon 0,0, the position devices write for "no fix" (an
 *   Activity.fit record, garmin-vivosmart-hr with `allpoints`); fitkit leaves such positions out;
 * - `refused`: it refuses a file whose CRC fails (a truncated or damaged file) unless asked with
 *   `recoverymode`; the count is then recoverymode's;
 * - `chained`: it reads only the first FIT file of a chained file; the count is then fitkit's of
 *   that first file alone;
 * - `unread`: it cannot read the file even with `recoverymode` (a record cut off: it stops with
 *   "Unexpected end of file"), while fitkit writes what comes before the damage;
 * - `sizeZero`: a header whose data size is 0 (a recording never finished): gpsbabel reads no
 *   record even with `recoverymode`, fitkit reads the complete records after the header; the
 *   count is then gpsbabel's of the same file with the header mended (salvageFit).
 */
const NO_POSITIONS_IN_FIT = new Set(['gpsbabel/garmin-vivosmart-hr']);

/**
 * The first FIT file of a chained one (several FIT files end to end), or undefined when the file
 * holds one: gpsbabel reads only the first (`chained` in the summary).
 */
function firstOfChain(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 12) return undefined;
  const end = bytes[0] + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true) + 2;
  const next = bytes.subarray(end);
  return next.length >= 12 && text.decode(next.subarray(8, 12)) === '.FIT' ? bytes.subarray(0, end) : undefined;
}
const isZero = (p: ReadPoint) => p.lat === 0 && p.lon === 0;

const stats = { validated: 0, readBack: 0, compared: 0, files: 0, counted: 0, points: 0, zero: 0, refused: 0, chained: 0, sizeZero: 0, unread: [] as string[] };
const declaresNoData = (b: Uint8Array) => b.length > 14 && new DataView(b.buffer, b.byteOffset).getUint32(4, true) === 0;

describeCorpus('fit2gpx over the corpus', () => {
  afterAll(() => {
    process.stderr.write(
      `fit2gpx corpus: ${stats.validated} GPX file(s) valid, ${stats.readBack} read back by gpsbabel, ` +
        `${stats.compared} track point(s) compared with gpsbabel's GPX of ${stats.files} file(s)\n` +
        `fit2gpx corpus: ${stats.counted} FIT file(s) give as many track points as gpsbabel -i garmin_fit (${stats.points} points); ` +
        `gpsbabel artefacts: ${stats.zero} point(s) at 0,0 (no fix), ${stats.refused} file(s) refused for a CRC (count from recoverymode), ` +
        `${stats.chained} chained file(s) read only to the end of the first, ${stats.sizeZero} file(s) with data size 0 read as mended, ` +
        `${stats.unread.length} file(s) it cannot read (${stats.unread.join(', ')})\n`,
    );
  });

  it.each(corpusFitFiles())('%s: valid GPX that gpsbabel reads back, as many track points as gpsbabel writes', async (name) => {
    const r = await convert(name);
    let ours = 0;
    if (r) {
      const v = validateGpx(r.path, XSD);
      expect(v.errors).toBe(r.path + ' validates');
      stats.validated++;
      ours = allTrackPoints(readGpx(r.xml)).length;
      expect(gpsbabelTrackRows(r.path)).toHaveLength(ours);
      stats.readBack++;
    }
    const bytes = new Uint8Array(readFileSync(corpusPath('fit', name + '.fit')));
    let source = corpusPath('fit', name + '.fit');
    if (declaresNoData(bytes)) {
      source = join(out, `${name.replace(/\//g, '__')}.mended.fit`);
      writeFileSync(source, salvageFit(bytes).bytes);
      stats.sizeZero++;
    }
    const theirs = gpsbabelFromFit(source, join(out, `${name.replace(/\//g, '__')}.gpsbabel.gpx`));
    if (theirs.gpx === undefined) {
      // Not a gpsbabel reading to compare with: fitkit must still have read the file.
      expect(r, `gpsbabel cannot read ${name} (${theirs.error}); fitkit can`).toBeDefined();
      stats.unread.push(name);
      return;
    }
    const points = allTrackPoints(readGpx(theirs.gpx));
    const zero = points.filter(isZero).length;
    const first = firstOfChain(readFileSync(corpusPath('fit', name + '.fit')));
    if (first) {
      const alone = await convert(name + '.first', {}, first);
      ours = alone ? allTrackPoints(readGpx(alone.xml)).length : 0;
      stats.chained++;
    }
    expect(ours, `${name}: gpsbabel writes ${points.length} track point(s), ${zero} of them at 0,0`).toBe(points.length - zero);
    stats.counted++;
    stats.points += ours;
    stats.zero += zero;
    if (theirs.recovered) stats.refused++;
  });

  it('crafted files whose records carry positions but no timestamps: every point, untimed ones without <time>', async () => {
    const course = readGpx((await convert('crafted/course-no-timestamps'))!.xml);
    const points = allTrackPoints(course);
    expect(points).toHaveLength(16);
    expect(points.every((p) => p.time === undefined && p.ele !== undefined)).toBe(true);
    expect(course.waypoints).toHaveLength(3); // the course points
    const activity = allTrackPoints(readGpx((await convert('crafted/activity-records-no-timestamps'))!.xml));
    expect(activity.map((p) => p.time)).toEqual(['2025-05-07T06:00:00Z', ...Array(11).fill(undefined)]);
  });

  it.each(['v2', 'none'] as const)('extensions %s validate too (files with power, heart rate, temperature)', async (ext) => {
    for (const name of ['python-fitparse/Edge810-Vector-2013-08-16-15-35-10', 'gpsbabel/garmin-edge-800', 'fit-file-parser/examples__road-with-power']) {
      const r = (await convert(name, { extensions: ext }))!;
      expect(validateGpx(r.path, XSD).errors).toBe(r.path + ' validates');
      stats.validated++;
    }
  });

  it.each(gpsbabelPairs())('%s: the same track points as gpsbabel (%s)', async (name, expected) => {
    const ours = allTrackPoints(readGpx((await convert(name))!.xml));
    const theirs = allTrackPoints(readGpx(readFileSync(corpusPath(expected), 'utf8')));
    if (NO_POSITIONS_IN_FIT.has(name)) {
      expect(ours).toEqual([]);
      expect(theirs.every((p) => p.lat === 0 && p.lon === 0)).toBe(true);
      return;
    }
    // One point per positioned record, in order, as gpsbabel writes them.
    expect(ours.map((p) => p.time)).toEqual(theirs.map((p) => p.time));
    ours.forEach((p, i) => {
      const q = theirs[i];
      expect(Math.abs(p.lat - q.lat), `lat at ${p.time}`).toBeLessThanOrEqual(1e-7);
      expect(Math.abs(p.lon - q.lon), `lon at ${p.time}`).toBeLessThanOrEqual(1e-7);
      expect(p.ele === undefined, `ele present at ${p.time}`).toBe(q.ele === undefined);
      if (p.ele !== undefined) expect(Math.abs(p.ele - q.ele!), `ele at ${p.time}`).toBeLessThanOrEqual(0.1);
    });
    stats.compared += ours.length;
    stats.files++;
  });

  it('fitlocations-sample: the same waypoints as gpsbabel', async () => {
    const ours = readGpx((await convert('gpsbabel/fitlocations-sample'))!.xml).waypoints;
    const theirs = readGpx(readFileSync(corpusPath('gpx-expected/gpsbabel/fitlocations-sample.gpx'), 'utf8')).waypoints;
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((p, i) => {
      const q = theirs[i];
      expect(p.name).toBe(q.name);
      expect(Math.abs(p.lat - q.lat)).toBeLessThanOrEqual(1e-7);
      expect(Math.abs(p.lon - q.lon)).toBeLessThanOrEqual(1e-7);
      expect(p.ele).toBe(q.ele);
      // gpsbabel puts the description (else the name) into <desc>; fitkit writes the description only.
      expect(p.desc ?? p.name).toBe(q.desc);
    });
  });
});
