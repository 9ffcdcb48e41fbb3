/**
 * `fitkit trim`: an activity without its start and/or end, cut by time from either end
 * (`--start 2min`), by distance from either end (`--end 1km`) or at an instant. What the cut
 * changes is recomputed (crop.ts).
 */
import { FitkitError } from '../errors.js';
import { haversine } from '../fit/kit/geo.js';
import { degreesFromSemicircles } from '../fit/kit/semicircles.js';
import type { RecordSample } from '../activity/summaries/record-stats.js';
import type { EditModel } from './activity-model.js';
import { cropActivity } from './crop.js';
import type { Cut } from './quantity.js';
import { activitySeries } from './recompute.js';

/** Metres along the route at each sample: the distance field, else the path between positions. */
export function routeDistances(samples: readonly RecordSample[]): number[] {
  if (samples.some((s) => s.distance !== undefined)) {
    let last = 0;
    return samples.map((s) => (last = s.distance ?? last));
  }
  let d = 0;
  let prev: RecordSample | undefined;
  return samples.map((s) => {
    if (s.lat !== undefined && s.lon !== undefined) {
      if (prev) {
        d += haversine(degreesFromSemicircles(prev.lat!), degreesFromSemicircles(prev.lon!), degreesFromSemicircles(s.lat), degreesFromSemicircles(s.lon));
      }
      prev = s;
    }
    return d;
  });
}

export interface TrimResult {
  model: EditModel;
  /** The window kept, FIT seconds. */
  start: number;
  end: number;
}

export function trimActivity(model: EditModel, cuts: { start?: Cut; end?: Cut }, opts: { file?: string; timeZone?: string } = {}): TrimResult {
  const s = activitySeries(model);
  if (s.samples.length === 0) throw new FitkitError('edit_not_activity', 'has no record with a time: nothing to trim', { file: opts.file });
  const dist = routeDistances(s.samples);
  const total = dist[dist.length - 1];
  let a = s.start;
  let b = s.end;
  const c0 = cuts.start;
  if (c0?.kind === 'time') a = s.start + c0.seconds;
  else if (c0?.kind === 'instant') a = c0.t;
  else if (c0?.kind === 'distance') {
    const i = dist.findIndex((d) => d - dist[0] >= c0.metres);
    a = i < 0 ? Infinity : s.samples[i].t;
  }
  const c1 = cuts.end;
  if (c1?.kind === 'time') b = s.end - c1.seconds;
  else if (c1?.kind === 'instant') b = c1.t;
  else if (c1?.kind === 'distance') {
    let i = dist.length - 1;
    while (i >= 0 && total - dist[i] < c1.metres) i--;
    b = i < 0 ? -Infinity : s.samples[i].t;
  }
  if (!(a < b)) throw new FitkitError('edit_empty', 'the cuts leave nothing of the activity', { file: opts.file, exitCode: 2 });
  return { model: cropActivity(model, a, b, opts), start: a, end: b };
}
