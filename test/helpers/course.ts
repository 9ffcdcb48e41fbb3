/** gpx2fit in tests: GPX built in-test, the course converted in-process, read back by fit2gpx and checked by validate. */
import { fitToGpx } from '../../src/core/activity/gpx/fit-gpx.js';
import { gpxToCourse, type GpxToCourseOptions } from '../../src/core/convert/gpx-to-course.js';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { parseGpx } from '../../src/core/formats/gpx-read.js';
import { validateBytes } from '../../src/core/validate/validate-file.js';
import { readGpx, type ReadGpx } from './gpx-read.js';

/** The standard profile (made on first use: the profile module finishes loading first). */
export const profile = () => standardProfile();
export const NOW = Date.parse('2026-01-02T03:04:05Z');

export function course(gpx: string, o: Partial<GpxToCourseOptions> = {}) {
  return gpxToCourse(profile(), parseGpx(gpx), { now: NOW, ...o });
}

/** fit2gpx's reading of a FIT held in memory. */
export async function backToGpx(fit: Uint8Array): Promise<ReadGpx> {
  const parts: Uint8Array[] = [];
  await fitToGpx(
    () => [fit],
    (c) => parts.push(c.slice()),
    { profile: profile() },
  );
  return readGpx(Buffer.concat(parts).toString('utf8'));
}

/** validate's findings for a course: codes and messages of everything it did not like. */
export function courseFindings(fit: Uint8Array): { ok: boolean; fileType: string | null; findings: string[] } {
  const r = validateBytes('course.fit', fit, profile());
  return { ok: r.ok, fileType: r.fileType, findings: r.diagnostics.filter((d) => d.level !== 'info').map((d) => `${d.code}: ${d.message}`) };
}

export interface Pt {
  lat: number;
  lon: number;
  ele?: number;
  time?: string;
}

/** A GPX 1.1 document: waypoints, then one track (or route) of `points`. */
export function buildGpx(points: Pt[], opts: { waypoints?: { lat: number; lon: number; name?: string; sym?: string; type?: string }[]; route?: boolean; name?: string } = {}): string {
  const pt = (tag: string, p: Pt) => `<${tag} lat="${p.lat}" lon="${p.lon}">${p.ele === undefined ? '' : `<ele>${p.ele}</ele>`}${p.time ? `<time>${p.time}</time>` : ''}</${tag}>`;
  const wpts = (opts.waypoints ?? []).map(
    (w) => `<wpt lat="${w.lat}" lon="${w.lon}">${w.name ? `<name>${w.name}</name>` : ''}${w.sym ? `<sym>${w.sym}</sym>` : ''}${w.type ? `<type>${w.type}</type>` : ''}</wpt>`,
  );
  const name = opts.name ? `<name>${opts.name}</name>` : '';
  const body = opts.route ? `<rte>${name}${points.map((p) => pt('rtept', p)).join('\n')}</rte>` : `<trk>${name}<trkseg>\n${points.map((p) => pt('trkpt', p)).join('\n')}\n</trkseg></trk>`;
  return `<?xml version="1.0"?>\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n${wpts.join('\n')}\n${body}\n</gpx>\n`;
}
