/**
 * `fitkit split`: one activity as several, cut at an instant or a time or distance from the
 * start (`--at`), where a lap starts (`--at-lap N`, laps counted from 1) or at every pause in
 * the records longer than a duration (`--at-gap`). Each part is the activity cropped to its
 * window (crop.ts); a part after the first gets its own file_id.time_created (its start), so
 * services that tell activities apart by it keep every part.
 */
import { FitkitError } from '../errors.js';
import { getValue, messagesNamed, setValue, type EditModel } from './activity-model.js';
import { cropActivity } from './crop.js';
import type { Cut } from './quantity.js';
import { activitySeries, spanOf } from './recompute.js';
import { routeDistances } from './trim.js';

export type SplitAt = { at: Cut } | { lap: number } | { gap: number };

interface Window {
  a: number;
  b: number;
  endExclusive: boolean;
}

function windows(model: EditModel, how: SplitAt, file?: string): Window[] {
  const s = activitySeries(model);
  if (s.samples.length === 0) throw new FitkitError('edit_not_activity', 'has no record with a time: nothing to split', { file });
  const usage = (msg: string) => new FitkitError('edit_option', msg, { file, exitCode: 2 });
  if ('gap' in how) {
    const out: Window[] = [];
    let a = s.start;
    for (let i = 1; i < s.samples.length; i++) {
      if (s.samples[i].t - s.samples[i - 1].t > how.gap) {
        out.push({ a, b: s.samples[i - 1].t, endExclusive: false });
        a = s.samples[i].t;
      }
    }
    out.push({ a, b: s.end, endExclusive: false });
    if (out.length === 1) throw usage(`no pause between records longer than ${how.gap} s: nothing to split`);
    return out;
  }
  let t: number;
  if ('lap' in how) {
    const laps = messagesNamed(model, 'lap');
    if (!Number.isInteger(how.lap) || how.lap < 2 || how.lap > laps.length) {
      throw usage(
        laps.length < 2 ? `--at-lap ${how.lap}: the activity has ${laps.length} lap(s): no lap to split at` : `--at-lap ${how.lap}: the activity has ${laps.length} laps; give 2..${laps.length}`,
      );
    }
    const span = spanOf(model, laps[how.lap - 1]);
    if (!span) throw new FitkitError('edit_not_activity', `lap ${how.lap} has no start time`, { file });
    t = span[0];
  } else if (how.at.kind === 'time') t = s.start + how.at.seconds;
  else if (how.at.kind === 'instant') t = how.at.t;
  else {
    const metres = how.at.metres;
    const dist = routeDistances(s.samples);
    const i = dist.findIndex((d) => d - dist[0] >= metres);
    if (i < 0) throw usage(`the activity is shorter than ${metres} m`);
    t = s.samples[i].t;
  }
  if (!(t > s.start && t <= s.end)) throw usage('the split point is not inside the activity');
  return [
    { a: s.start, b: t, endExclusive: true },
    { a: t, b: s.end, endExclusive: false },
  ];
}

/** The parts, in time order. */
export function splitActivity(model: EditModel, how: SplitAt, opts: { file?: string } = {}): EditModel[] {
  return windows(model, how, opts.file).map((w, i) => {
    const part = cropActivity(model, w.a, w.b, { endExclusive: w.endExclusive, file: opts.file });
    if (i > 0) {
      const id = messagesNamed(part, 'file_id')[0];
      if (id && getValue(part, id, 'time_created') !== null) setValue(part, id, 'time_created', Math.floor(w.a));
    }
    return part;
  });
}
