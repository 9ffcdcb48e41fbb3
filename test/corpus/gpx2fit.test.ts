/**
 * gpx2fit over every corpus GPX with a track or route: the course decodes with Garmin's SDK,
 * passes fitkit's course checks, gives the same points and waypoints back through fit2gpx and
 * through gpsbabel, and its course points agree with gpsbabel's own FIT course writer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { parseGpx, type GpxDocument } from '../../src/core/formats/gpx-read.js';
import { backToGpx, course, courseFindings } from '../helpers/course.js';
import { CORPUS, corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';
import { readGpx } from '../helpers/gpx-read.js';
import { gpsbabelFromFit } from '../helpers/gpx-tools.js';
import { sdkDecode } from '../helpers/tcx-sdk.js';

/** Corpus GPX files (MANIFEST kind gpx) and whether each has a track or route with a point off 0,0 (no GPS fix). */
function corpusGpx(): { rel: string; doc: GpxDocument; hasPath: boolean }[] {
  if (!hasCorpus) return [];
  const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'));
  return [...new Set(rows.filter((r) => r[5] === 'gpx').map((r) => r[0]))].sort().map((rel) => {
    const doc = parseGpx(readFileSync(corpusPath(rel), 'utf8'));
    return { rel, doc, hasPath: doc.paths.some((p) => p.points.some((x) => x.lat !== 0 || x.lon !== 0)) };
  });
}

describeCorpus('gpx2fit over the corpus', () => {
  const all = corpusGpx();
  const files = all.filter((f) => f.hasPath);
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-gpx2fit-'));
  const NOW = Date.parse('2026-01-02T03:04:05Z');

  it('finds the corpus GPX files; those without a path to follow are refused with the reason', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
    const without = all.filter((f) => !f.hasPath).map((f) => basename(f.rel));
    expect(without).toEqual(['fitlocations-sample.gpx', 'garmin-vivosmart-hr.gpx']);
    const gpx = (name: string) => readFileSync(corpusPath(all.find((f) => f.rel.endsWith(name))!.rel), 'utf8');
    expect(() => course(gpx('fitlocations-sample.gpx'))).toThrow('no track or route with points: nothing to follow');
    expect(() => course(gpx('garmin-vivosmart-hr.gpx'))).toThrow('every point of the track is at 0,0 (no GPS fix): nothing to follow');
  });

  it.each(files.map((f) => [f.rel, f] as const))('%s: a course the SDK decodes, that passes the course checks and reads back the same', async (rel, f) => {
    const { fit, summary } = course(readFileSync(corpusPath(rel), 'utf8'), { now: NOW });
    const points = f.doc.paths.filter((p) => p.kind === summary.from).flatMap((p) => p.points);
    expect(summary.records).toBe(points.length);
    writeFileSync(join(dir, basename(rel, '.gpx') + '.fit'), fit);

    const sdk = sdkDecode(fit);
    expect(sdk.integrity).toBe(true);
    expect(sdk.errors).toEqual([]);
    expect(sdk.messages.fileIdMesgs[0].type).toBe('course');
    expect(courseFindings(fit)).toEqual({ ok: true, fileType: 'course', findings: [] });

    // Records a second apart or more, distances along the path; course points in order along it.
    const rec = sdk.messages.recordMesgs;
    for (let i = 1; i < rec.length; i++) {
      expect(rec[i].timestamp.getTime()).toBeGreaterThanOrEqual(rec[i - 1].timestamp.getTime() + 1000);
      expect(rec[i].distance).toBeGreaterThanOrEqual(rec[i - 1].distance);
    }
    const cps = sdk.messages.coursePointMesgs ?? [];
    expect(cps).toHaveLength(summary.coursePoints);
    expect(cps.length + summary.waypointsOff).toBe(f.doc.waypoints.length);
    let last = 0;
    for (const c of cps) {
      expect(c.distance).toBeGreaterThanOrEqual(last);
      expect(c.distance).toBeLessThanOrEqual(rec[rec.length - 1].distance + 0.01);
      last = c.distance;
    }

    // fit2gpx: the same track points and the course points as waypoints.
    const back = await backToGpx(fit);
    const trk = back.tracks.flatMap((t) => t.segments.flat());
    expect(trk).toHaveLength(points.length);
    trk.forEach((p, i) => {
      expect(Math.abs(p.lat - points[i].lat)).toBeLessThan(1e-6);
      expect(Math.abs(p.lon - points[i].lon)).toBeLessThan(1e-6);
    });
    expect(back.waypoints.map((w) => w.name)).toEqual(cps.map((c) => c.name));
  });

  it('gpsbabel reads every course back with the same points', () => {
    for (const f of files) {
      const name = basename(f.rel, '.gpx');
      const r = gpsbabelFromFit(join(dir, name + '.fit'), join(dir, name + '.babel.gpx'));
      expect(r.recovered, `${name}: ${r.error}`).toBe(false);
      const got = readGpx(r.gpx!).tracks.flatMap((t) => t.segments.flat());
      const want = f.doc.paths.filter((p) => p.kind === 'track').flatMap((p) => p.points);
      const path = want.length > 0 ? want : f.doc.paths.flatMap((p) => p.points);
      expect(got.length, name).toBe(path.length);
      got.forEach((p, i) => {
        expect(Math.abs(p.lat - path[i].lat)).toBeLessThan(1e-6);
        expect(Math.abs(p.lon - path[i].lon)).toBeLessThan(1e-6);
      });
    }
  });

  it("course points agree with gpsbabel's own FIT course of the same GPX (fitwrite-track: names, icons, distances)", () => {
    const ours = sdkDecode(course(readFileSync(corpusPath('gpx-expected/gpsbabel/fitwrite-track.gpx'), 'utf8'), { now: NOW }).fit).messages.coursePointMesgs;
    const theirs = sdkDecode(readFileSync(corpusPath('fit/gpsbabel/fitwrite-track.fit'))).messages.coursePointMesgs;
    expect(ours.map((c) => [c.name, c.type])).toEqual(theirs.map((c) => [c.name, c.type]));
    ours.forEach((c, i) => expect(Math.abs(c.distance - theirs[i].distance)).toBeLessThan(0.01 * theirs[i].distance + 1));
  });
});
