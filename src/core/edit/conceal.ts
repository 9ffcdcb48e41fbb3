/**
 * `fitkit conceal`: positions inside privacy zones taken out of the whole file, so a route can
 * be shared without showing where it starts and ends. A zone is a circle: around a point
 * (`--around LAT,LON,RADIUS`), or around the route's first or last position (`--start 500m`,
 * `--end 500m`: also every later pass near the start). Every latitude/longitude pair of every
 * message (records, laps' and sessions' start, end and corner positions, GPS metadata…) inside
 * a zone goes; laps and sessions get their start and end positions and corners again from the
 * positions left. Distances and times stay as they were.
 */
import type { FieldDef } from '../fit/profile/types.js';
import { haversine } from '../fit/kit/geo.js';
import { DEGREES_PER_SEMICIRCLE } from '../fit/kit/semicircles.js';
import { cloneModel, messagesNamed, type EditMessage, type EditModel } from './activity-model.js';
import { activitySeries, sessionGroups, summarize } from './recompute.js';

export interface Zone {
  /** Degrees. */
  lat: number;
  lon: number;
  /** Metres. */
  radius: number;
}

const SEMI_DEG = DEGREES_PER_SEMICIRCLE;

export function inZone(z: Zone, lat: number, lon: number): boolean {
  return haversine(z.lat, z.lon, lat, lon) <= z.radius;
}

/** The latitude/longitude field pairs (field numbers) of a message, by the profile. */
function positionPairs(model: EditModel, num: number): [number, number][] {
  const def = model.profile.message(num);
  if (!def) return [];
  const fields = [...def.fields.values()];
  const pairs: [number, number][] = [];
  for (const f of fields) {
    if (f.units !== 'semicircles' || !f.name.endsWith('_lat')) continue;
    const lon = fields.find((g: FieldDef) => g.units === 'semicircles' && g.name === f.name.replace(/_lat$/, '_long'));
    if (lon) pairs.push([f.num, lon.num]);
  }
  return pairs;
}

function scalar(m: EditMessage, num: number): number | null {
  const f = m.fields.find((x) => x.num === num);
  const v = f && (Array.isArray(f.value) ? f.value[0] : f.value);
  return typeof v === 'number' && v !== 0x7fffffff ? v : null;
}

/** Takes out every position pair inside a zone; returns how many. */
export function removeInside(model: EditModel, zones: readonly Zone[]): number {
  const cache = new Map<number, [number, number][]>();
  let n = 0;
  for (const m of model.messages) {
    let pairs = cache.get(m.num);
    if (!pairs) cache.set(m.num, (pairs = positionPairs(model, m.num)));
    for (const [la, lo] of pairs) {
      const lat = scalar(m, la);
      const lon = scalar(m, lo);
      if (lat === null || lon === null) continue;
      if (zones.some((z) => inZone(z, lat * SEMI_DEG, lon * SEMI_DEG))) {
        m.fields = m.fields.filter((f) => f.num !== la && f.num !== lo);
        n++;
      }
    }
  }
  return n;
}

/** Zones around the route's first and last positions (metres; undefined: none). */
export function endZones(model: EditModel, start?: number, end?: number): Zone[] {
  const placed = activitySeries(model).samples.filter((s) => s.lat !== undefined && s.lon !== undefined);
  if (placed.length === 0) return [];
  const first = placed[0];
  const last = placed[placed.length - 1];
  const zones: Zone[] = [];
  if (start !== undefined) zones.push({ lat: first.lat! * SEMI_DEG, lon: first.lon! * SEMI_DEG, radius: start });
  if (end !== undefined) zones.push({ lat: last.lat! * SEMI_DEG, lon: last.lon! * SEMI_DEG, radius: end });
  return zones;
}

const SUMMARY_POSITIONS = ['start_position_lat', 'start_position_long', 'end_position_lat', 'end_position_long', 'nec_lat', 'nec_long', 'swc_lat', 'swc_long'];

export interface ConcealResult {
  model: EditModel;
  zones: Zone[];
  /** Position pairs taken out. */
  removed: number;
}

export function concealActivity(input: EditModel, opts: { around?: Zone[]; start?: number; end?: number }): ConcealResult {
  const model = cloneModel(input);
  const zones = [...(opts.around ?? []), ...endZones(model, opts.start, opts.end)];
  let removed = removeInside(model, zones);
  const groups = sessionGroups(model);
  if (groups.length > 0) {
    const laps = new Set(messagesNamed(model, 'lap'));
    const sessions = new Set(groups.map((g) => g.session));
    summarize(model, groups, { laps, sessions, only: SUMMARY_POSITIONS });
    // A corner of a bounding box can fall inside a zone though no position does.
    removed += removeInside(model, zones);
  }
  return { model, zones, removed };
}
