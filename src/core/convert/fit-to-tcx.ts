/**
 * A FIT activity as TCX: one Activity per session (a multisport file gives several), its laps
 * with their totals (the FIT lap's own; a session without laps is one lap with the session's),
 * and the records of each lap as trackpoints (time, position, altitude, distance, heart rate,
 * cadence; speed and power in TPX). Records belong to the lap whose time span holds them; a
 * file without sessions or laps is one activity and one lap over its records. Records without a
 * timestamp, or more than a minute after the last session's end, are left out and counted.
 */
import { FitkitError } from '../errors.js';
import { numberValue, fitTimeValue, enumValue } from '../activity/gpx/field-value.js';
import { pointFromRecord } from '../activity/gpx/track.js';
import { degreesFromSemicircles as degrees } from '../fit/kit/semicircles.js';
import { FIT_EPOCH_S, FIT_MIN_ABSOLUTE } from '../fit/kit/time.js';
import { decodeFitStream } from '../fit/decode/decoder.js';
import { messageToObject, type MessageObject } from '../fit/decode/values.js';
import type { Profile } from '../fit/profile/profile.js';
import type { Diagnostic } from '../errors.js';
import { writeTcx, type TcxOutActivity, type TcxOutLap, type TcxOutPoint, type TcxSport, type TcxTrigger } from '../formats/tcx-write.js';

export interface FitToTcxSummary {
  activities: number;
  laps: number;
  trackpoints: number;
  /** Records left out: no timestamp, or outside every session. */
  skipped: number;
}

/** Records this long after the last session's end still belong to it (devices write a few late). */
const AFTER_LAST_S = 60;

const ms = (t: number) => (t + FIT_EPOCH_S) * 1000;

const SPORTS: Record<string, TcxSport> = { running: 'Running', cycling: 'Biking', e_biking: 'Biking' };
const TRIGGERS: Record<string, TcxTrigger> = {
  manual: 'Manual',
  time: 'Time',
  distance: 'Distance',
  position_start: 'Location',
  position_lap: 'Location',
  position_waypoint: 'Location',
  position_marked: 'Location',
  heart_rate: 'HeartRate',
};

interface Span {
  m: MessageObject;
  start: number;
  end: number;
}

/**
 * Seconds to add to device-relative times (below FIT_MIN_ABSOLUTE: seconds since power-on), as
 * fit2gpx and gpsbabel do: the timestamp_correlation's, else file_id.time_created when absolute.
 */
function relativeOffset(messages: readonly MessageObject[]): number {
  for (const m of messages) {
    if (m.name !== 'timestamp_correlation') continue;
    const ts = fitTimeValue(m.fields.timestamp);
    const sys = fitTimeValue(m.fields.system_timestamp);
    if (ts !== undefined && sys !== undefined) return ts - sys;
  }
  const created = fitTimeValue(messages.find((m) => m.name === 'file_id')?.fields.time_created);
  return created !== undefined && created >= FIT_MIN_ABSOLUTE ? created : 0;
}

/** start_time to timestamp (or start + elapsed), FIT seconds made absolute by `abs`. */
function span(m: MessageObject, abs: (t: number) => number): Span | undefined {
  const f = m.fields;
  const startRaw = fitTimeValue(f.start_time);
  const elapsed = numberValue(f.total_elapsed_time);
  const stampRaw = fitTimeValue(f.timestamp);
  if (startRaw === undefined) return undefined;
  const start = abs(startRaw);
  const stamp = stampRaw === undefined ? undefined : abs(stampRaw);
  const end = Math.max(start, stamp ?? -Infinity, elapsed !== undefined ? start + elapsed : -Infinity);
  return { m, start, end: Number.isFinite(end) ? end : start };
}

const name = (v: unknown): string => String(enumValue(v) ?? '');

function lapOf(m: MessageObject | undefined, points: TcxOutPoint[], start: number, end: number): TcxOutLap {
  const f = m?.fields ?? {};
  const n = (k: string) => numberValue(f[k]);
  const firstD = points.find((p) => p.distance !== undefined)?.distance;
  const lastD = [...points].reverse().find((p) => p.distance !== undefined)?.distance;
  const timer = n('total_timer_time') ?? n('total_elapsed_time') ?? end - start;
  const distance = n('total_distance') ?? (firstD !== undefined && lastD !== undefined ? lastD - firstD : 0);
  const intensity = name(f.intensity);
  return {
    start: ms(start),
    totalTime: timer,
    distance,
    maxSpeed: n('enhanced_max_speed') ?? n('max_speed'),
    calories: n('total_calories'),
    avgHeartRate: n('avg_heart_rate'),
    maxHeartRate: n('max_heart_rate'),
    intensity: intensity === 'rest' || intensity === 'recovery' ? 'Resting' : 'Active',
    cadence: n('avg_cadence'),
    trigger: TRIGGERS[name(f.lap_trigger)] ?? 'Manual',
    avgSpeed: n('enhanced_avg_speed') ?? n('avg_speed'),
    avgWatts: n('avg_power'),
    maxWatts: n('max_power'),
    points,
  };
}

/** The activities of a decoded FIT file (messages as objects, in file order). */
export function fitToTcx(messages: readonly MessageObject[]): { activities: TcxOutActivity[]; summary: FitToTcxSummary } {
  const points: { t: number; p: TcxOutPoint }[] = [];
  let skipped = 0;
  const offset = relativeOffset(messages);
  const abs = (t: number) => (t < FIT_MIN_ABSOLUTE ? t + offset : t);
  for (const m of messages) {
    if (m.name !== 'record') continue;
    const tp = pointFromRecord(m);
    if (!tp || !tp.timed) {
      skipped++;
      continue;
    }
    tp.t = abs(tp.t);
    const p: TcxOutPoint = { time: ms(tp.t) };
    if (tp.lat !== undefined && tp.lon !== undefined) {
      p.lat = degrees(tp.lat);
      p.lon = degrees(tp.lon);
    }
    if (tp.ele !== undefined) p.altitude = tp.ele;
    const d = numberValue(m.fields.distance);
    if (d !== undefined) p.distance = d;
    if (tp.hr !== undefined) p.heartRate = tp.hr;
    if (tp.cad !== undefined) p.cadence = tp.cad;
    if (tp.speed !== undefined) p.speed = tp.speed;
    if (tp.power !== undefined) p.watts = tp.power;
    points.push({ t: tp.t, p });
  }
  if (points.length === 0) throw new FitkitError('no_records', 'no timed records: nothing to write as trackpoints');
  // Stable: records of one time keep their file order.
  points.sort((a, b) => a.t - b.t);

  // Laps belong to the session written after them (summary messages last, Garmin's layout),
  // which holds even for chained files whose sessions overlap; laps after the last session, by time.
  const sessions: (Span & { laps: Span[] })[] = [];
  const loose: Span[] = [];
  let pending: Span[] = [];
  for (const m of messages) {
    if (m.name === 'lap') {
      const l = span(m, abs);
      if (l) pending.push(l);
    } else if (m.name === 'session') {
      const ss = span(m, abs);
      if (ss) sessions.push({ ...ss, laps: pending });
      else loose.push(...pending);
      pending = [];
    }
  }
  loose.push(...pending);
  sessions.sort((a, b) => a.start - b.start);
  const first = points[0].t;
  const last = points[points.length - 1].t;
  loose.sort((a, b) => a.start - b.start);
  if (sessions.length === 0) sessions.push({ m: { name: 'session', num: 18, offset: 0, fields: {} }, start: Math.min(first, loose[0]?.start ?? first), end: last, laps: [] });
  for (const l of loose) {
    let k = 0;
    while (k + 1 < sessions.length && sessions[k + 1].start <= l.start) k++;
    sessions[k].laps.push(l);
  }

  // Each record goes to the last session (and lap) started at or before it; the first session and lap also take the records before them.
  const activities: TcxOutActivity[] = [];
  let k = 0;
  let lapCount = 0;
  let used = 0;
  sessions.forEach((s, si) => {
    const next = sessions[si + 1]?.start ?? Infinity;
    const sLaps = [...s.laps].sort((a, b) => a.start - b.start);
    const mine: { t: number; p: TcxOutPoint }[] = [];
    // The last session ends at its end (a minute's slack): a record years later is a bad clock.
    const until = si + 1 < sessions.length ? next : s.end + AFTER_LAST_S;
    while (k < points.length && points[k].t < next) {
      if ((points[k].t >= s.start || si === 0) && points[k].t <= until) mine.push(points[k]);
      k++;
    }
    const out: TcxOutLap[] = [];
    if (sLaps.length === 0)
      out.push(
        lapOf(
          s.m,
          mine.map((x) => x.p),
          Math.min(s.start, mine[0]?.t ?? s.start),
          s.end,
        ),
      );
    else {
      let j = 0;
      sLaps.forEach((l, li) => {
        const lapNext = sLaps[li + 1]?.start ?? Infinity;
        const pts: TcxOutPoint[] = [];
        while (j < mine.length && mine[j].t < lapNext) pts.push(mine[j++].p);
        out.push(lapOf(l.m, pts, l.start, l.end));
      });
    }
    used += mine.length;
    lapCount += out.length;
    // Activity Ids must be unique (the schema's key): a repeated session (chained copies) gets a millisecond more.
    let id = ms(s.start);
    while (activities.some((a) => a.id === id)) id++;
    activities.push({ sport: SPORTS[name(s.m.fields.sport)] ?? 'Other', id, laps: out });
  });
  skipped += points.length - used;
  return { activities, summary: { activities: activities.length, laps: lapCount, trackpoints: used, skipped } };
}

const KEPT = new Set(['record', 'lap', 'session', 'file_id', 'timestamp_correlation']);

/** A FIT file held in memory as TCX text. Throws FitkitError when it is not FIT or has no timed records. */
export async function fitBytesToTcx(bytes: Uint8Array, profile: Profile): Promise<{ tcx: string; summary: FitToTcxSummary; diagnostics: Diagnostic[] }> {
  // Only records, laps and sessions are kept, as plain objects: the file's other messages pass by.
  const kept: MessageObject[] = [];
  let messages = 0;
  const d = await decodeFitStream(
    [bytes],
    (m) => {
      messages++;
      if (KEPT.has(m.name)) kept.push(messageToObject(m, { dates: 'raw', enums: true, profile }));
    },
    { profile },
  );
  const fatal = d.diagnostics.find((x) => x.level === 'error');
  if (fatal && messages === 0) throw new FitkitError(fatal.code, fatal.message, { offset: fatal.offset });
  const { activities, summary } = fitToTcx(kept);
  const parts: string[] = [];
  writeTcx(activities, (s) => parts.push(s));
  return { tcx: parts.join(''), summary, diagnostics: d.diagnostics };
}
