/**
 * fit2gpx over the corpus: every GPX validates with xmllint against the corpus XSDs (GPX 1.1 +
 * TrackPointExtension v1/v2, extension content checked too), gpsbabel reads every track back
 * with the same point count, and where gpsbabel's own GPX of a FIT file exists the track points
 * agree (lat/lon within 1e-7°, same times, elevation within 0.1 m) and, for the Locations
 * sample, the waypoints. Known differences, all on gpsbabel's side, are named below.
 */
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fitToGpx, type FitToGpxOptions } from '../../src/core/activity/fit-gpx.js';
import { FitkitError } from '../../src/core/errors.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import { allTrackPoints, readGpx, type ReadPoint } from '../helpers/gpx-read.js';
import { gpsbabelTrackRows, validateGpx } from '../helpers/gpx-tools.js';

/** Chunks end where an element ends, so each decodes on its own. */
const text = new TextDecoder();

const out = mkdtempSync(join(tmpdir(), 'fitkit-fit2gpx-corpus-'));
const XSD = corpusPath('xsd');

async function convert(name: string, opts: FitToGpxOptions = {}): Promise<{ xml: string; path: string } | undefined> {
  let xml = '';
  try {
    await fitToGpx(() => createReadStream(corpusPath('fit', name + '.fit')), (b) => (xml += text.decode(b)), opts);
  } catch (e) {
    if (e instanceof FitkitError && e.code === 'not_fit') return undefined;
    throw e;
  }
  const path = join(out, `${name.replace(/\//g, '__')}${opts.extensions ? '.' + opts.extensions : ''}.gpx`);
  writeFileSync(path, xml);
  return { xml, path };
}

/** FIT → gpsbabel's GPX of it, from MANIFEST.tsv's notes ("gpsbabel expected output: ..."). */
function gpsbabelPairs(): [string, string][] {
  const rows = readFileSync(corpusPath('MANIFEST.tsv'), 'utf8').split('\n').map((l) => l.split('\t'));
  return rows.flatMap((r) => {
    const m = /gpsbabel expected output: (gpx-expected\/gpsbabel\/\S+\.gpx)/.exec(r[6] ?? '');
    return m && r[0].startsWith('fit/') ? [[r[0].slice(4, -4), m[1]] as [string, string]] : [];
  });
}

/**
 * gpsbabel's behaviour we do not copy:
 * - it writes one trkpt per record, so two records with one timestamp (fit-sample: 3,
 *   lezyne: 2) give two points with the same time; fitkit merges them into one (the first
 *   record's position, as gpsbabel's first point has);
 * - with `allpoints` (garmin-vivosmart-hr) it writes records without a position at lat/lon 0,0;
 *   fitkit leaves invalid positions out, so that file has no track.
 */
const NO_POSITIONS_IN_FIT = new Set(['gpsbabel/garmin-vivosmart-hr']);

const stats = { validated: 0, readBack: 0, compared: 0, files: 0 };

describeCorpus('fit2gpx over the corpus', () => {
  afterAll(() => {
    process.stderr.write(
      `fit2gpx corpus: ${stats.validated} GPX file(s) valid, ${stats.readBack} read back by gpsbabel, ` +
        `${stats.compared} track point(s) compared with gpsbabel's GPX of ${stats.files} file(s)\n`,
    );
  });

  it.each(corpusFitFiles())('%s: valid GPX that gpsbabel reads back with every point', async (name) => {
    const r = await convert(name);
    if (!r) return; // not a FIT file: the CLI test covers the error line
    const v = validateGpx(r.path, XSD);
    expect(v.errors).toBe(r.path + ' validates');
    stats.validated++;
    const ours = allTrackPoints(readGpx(r.xml)).length;
    expect(gpsbabelTrackRows(r.path)).toHaveLength(ours);
    stats.readBack++;
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
    // One point per distinct time (gpsbabel repeats times for records sharing a timestamp).
    const first = new Map<string, ReadPoint>();
    for (const p of theirs) if (!first.has(p.time!)) first.set(p.time!, p);
    expect(ours.map((p) => p.time)).toEqual([...first.keys()]);
    for (const p of ours) {
      const q = first.get(p.time!)!;
      expect(Math.abs(p.lat - q.lat), `lat at ${p.time}`).toBeLessThanOrEqual(1e-7);
      expect(Math.abs(p.lon - q.lon), `lon at ${p.time}`).toBeLessThanOrEqual(1e-7);
      expect(p.ele === undefined, `ele present at ${p.time}`).toBe(q.ele === undefined);
      if (p.ele !== undefined) expect(Math.abs(p.ele - q.ele!), `ele at ${p.time}`).toBeLessThanOrEqual(0.1);
    }
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
