/**
 * Reads GPX (1.0 or 1.1, fitkit's or gpsbabel's) back into plain points for comparisons, with
 * fast-xml-parser: track points per track and segment, route points, waypoints.
 */
import { XMLParser } from 'fast-xml-parser';

export interface ReadPoint {
  lat: number;
  lon: number;
  ele?: number;
  time?: string;
  name?: string;
  desc?: string;
  sym?: string;
  /** Extension values by local name (hr, cad, atemp, power, speed, course). */
  ext: Record<string, number>;
}

export interface ReadGpx {
  version: string;
  creator: string;
  metadata: Record<string, unknown>;
  waypoints: ReadPoint[];
  routes: { name?: string; points: ReadPoint[] }[];
  tracks: { name?: string; type?: string; desc?: string; segments: ReadPoint[][] }[];
}

const ARRAYS = new Set(['wpt', 'trk', 'trkseg', 'trkpt', 'rte', 'rtept']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;
const text = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'object' ? String((v as Node)['#text'] ?? '') : String(v));

function extValues(node: unknown, out: Record<string, number>): void {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Node)) {
    if (k.startsWith('@')) continue;
    if (v !== null && typeof v === 'object' && !('#text' in (v as Node))) extValues(v, out);
    else out[k] = Number(text(v));
  }
}

function point(n: Node): ReadPoint {
  const p: ReadPoint = { lat: Number(n['@lat']), lon: Number(n['@lon']), ext: {} };
  if (n.ele !== undefined) p.ele = Number(text(n.ele));
  if (n.time !== undefined) p.time = text(n.time);
  if (n.name !== undefined) p.name = text(n.name);
  if (n.desc !== undefined) p.desc = text(n.desc);
  if (n.sym !== undefined) p.sym = text(n.sym);
  extValues(n.extensions, p.ext);
  return p;
}

export function readGpx(xml: string): ReadGpx {
  const doc = parser.parse(xml) as { gpx: Node };
  const g = doc.gpx;
  const list = (v: unknown) => (Array.isArray(v) ? (v as Node[]) : []);
  return {
    version: String(g['@version']),
    creator: String(g['@creator']),
    metadata: (g.metadata as Node) ?? {},
    waypoints: list(g.wpt).map(point),
    routes: list(g.rte).map((r) => ({ name: text(r.name), points: list(r.rtept).map(point) })),
    tracks: list(g.trk).map((t) => ({
      name: text(t.name),
      type: text(t.type),
      desc: text(t.desc),
      segments: list(t.trkseg).map((s) => list(s.trkpt).map(point)),
    })),
  };
}

/** Every track point of every track and segment, in document order. */
export function allTrackPoints(g: ReadGpx): ReadPoint[] {
  return g.tracks.flatMap((t) => t.segments.flat());
}
