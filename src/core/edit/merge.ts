/**
 * `fitkit merge`, both kinds:
 * - pieces of one activity (a watch restarted, a battery died) as one: in time order, a pause
 *   between them (timer stopped at a piece's end, started at the next one's start), distance
 *   carried on, laps kept and renumbered, one session per run of the same sport, one activity;
 *   the later pieces' file-level messages (file_id, settings…) give way to the first's and
 *   their developer data are renumbered where they clash. Sports that differ are refused
 *   unless forced.
 * - chosen record fields of one recording laid onto another by time (a heart rate strap on a
 *   watch, power from a bike computer): each record takes the nearest value within a tolerance;
 *   laps' and sessions' averages and maxima of those fields are recomputed.
 */
import { FitkitError } from '../errors.js';
import { cloneModel, getValue, messageName, messagesNamed, mesgNum, setValue, timestampOf, type EditMessage, type EditModel } from './activity-model.js';
import { activitySeries, runningAt, sessionGroups, STATS_BY_RECORD_FIELD, summarize, timerEvent, type SessionGroup } from './recompute.js';
import { activityStart } from './shift.js';

export interface Piece {
  model: EditModel;
  file: string;
}

const GENERIC = 0;
/** Kinds a later piece keeps even when the first piece has them before its records. */
const ALWAYS_KEPT = new Set(['device_info', 'event', 'developer_data_id', 'field_description', 'record', 'lap', 'session', 'hrv', 'hr']);
const DROPPED = new Set(['file_id', 'file_creator', 'activity']);

function sportOf(model: EditModel, s: EditMessage): number {
  return getValue(model, s, 'sport') ?? GENERIC;
}

function sameSport(a: number, b: number): boolean {
  return a === b || a === GENERIC || b === GENERIC;
}

/** Kinds of message the model has before its first record (file-level: settings, profile…). */
function headerKinds(model: EditModel): Set<string> {
  const kinds = new Set<string>();
  const record = mesgNum(model, 'record');
  for (const m of model.messages) {
    if (m.num === record) break;
    kinds.add(messageName(model, m));
  }
  return kinds;
}

/** Renumbers `piece`'s developer data so it does not clash with `out`'s; drops descriptions `out` already has. */
function fitDeveloperData(out: EditModel, piece: EditModel): void {
  const key = (x: EditMessage) => JSON.stringify(x.fields.filter((f) => f.num !== 3).map((f) => [f.num, f.value]));
  const ids = messagesNamed(out, 'developer_data_id');
  const descs = messagesNamed(out, 'field_description');
  const used = new Set(ids.map((m) => getValue(out, m, 'developer_data_index')));
  const byKey = new Map(ids.map((m) => [key(m), getValue(out, m, 'developer_data_index')]));
  const map = new Map<number, number>();
  let next = Math.max(-1, ...[...used].filter((x): x is number => x !== null)) + 1;
  const gone = new Set<EditMessage>();
  for (const m of messagesNamed(piece, 'developer_data_id')) {
    const old = getValue(piece, m, 'developer_data_index');
    if (old === null) continue;
    const same = byKey.get(key(m));
    if (same !== undefined && same !== null) {
      map.set(old, same);
      gone.add(m);
      continue;
    }
    const idx = used.has(old) ? next++ : old;
    used.add(idx);
    map.set(old, idx);
    setValue(piece, m, 'developer_data_index', idx);
  }
  const described = new Set(descs.map((m) => `${getValue(out, m, 'developer_data_index')}:${getValue(out, m, 'field_definition_number')}`));
  for (const m of messagesNamed(piece, 'field_description')) {
    const old = getValue(piece, m, 'developer_data_index');
    if (old === null || !map.has(old)) continue;
    const idx = map.get(old)!;
    if (described.has(`${idx}:${getValue(piece, m, 'field_definition_number')}`)) gone.add(m);
    else setValue(piece, m, 'developer_data_index', idx);
  }
  for (const m of piece.messages) for (const d of m.dev) d.devIndex = map.get(d.devIndex) ?? d.devIndex;
  piece.messages = piece.messages.filter((m) => !gone.has(m));
}

export interface MergeResult {
  model: EditModel;
  sessions: number;
  laps: number;
  /** Seconds of pause between the pieces. */
  pauses: number[];
}

/** Consecutive pieces of one activity as one. */
export function mergePieces(input: readonly Piece[], opts: { force?: boolean } = {}): MergeResult {
  const pieces = input
    .map((p) => ({ ...p, model: cloneModel(p.model), start: activityStart(p.model) }))
    .map((p) => {
      if (p.start === undefined || sessionGroups(p.model).length === 0) throw new FitkitError('edit_not_activity', 'has no session: not an activity to merge', { file: p.file });
      return p as typeof p & { start: number };
    })
    .sort((x, y) => x.start - y.start);
  const out = pieces[0].model;
  const groups: SessionGroup[] = sessionGroups(out);
  const merged = new Set<EditMessage>();
  const pauses: number[] = [];
  const record = mesgNum(out, 'record');
  const header = headerKinds(out);
  for (const p of pieces.slice(1)) {
    const m = p.model;
    const before = activitySeries(out);
    if (p.start < before.end) {
      throw new FitkitError('edit_option', `starts before the piece before it ends (${before.end - p.start} s of overlap): pieces must follow one another`, { file: p.file, exitCode: 2 });
    }
    const its = sessionGroups(m);
    const last = groups[groups.length - 1];
    const a = sportOf(out, last.session);
    const b = sportOf(m, its[0].session);
    if (!sameSport(a, b) && !opts.force) {
      const name = (n: number) => out.profile.types.get('sport')?.values.get(n) ?? String(n);
      throw new FitkitError('edit_sport_mismatch', `is ${name(b)}, the piece before it ${name(a)}: add --force to merge them (one session per sport)`, { file: p.file });
    }
    fitDeveloperData(out, m);
    // Distance carries on from the last record before.
    let carried = 0;
    for (const x of out.messages) if (x.num === record) carried = getValue(out, x, 'distance') ?? carried;
    for (const x of m.messages) {
      if (x.num !== record || carried === 0) continue;
      const d = getValue(m, x, 'distance');
      if (d !== null) setValue(m, x, 'distance', d + carried);
    }
    // The pause: the timer stops at the end of what comes before and starts with the piece.
    if (runningAt(before.timer, before.end - 1e-9) || before.timerEvents.length === 0) out.messages.push(timerEvent(out, before.end, 'stop_all'));
    const after = activitySeries(m);
    const firstTimer = after.timerEvents.sort((x, y) => x.t - y.t)[0];
    const kept = m.messages.filter((x) => {
      const name = messageName(m, x);
      return !DROPPED.has(name) && (ALWAYS_KEPT.has(name) || !header.has(name));
    });
    if (!firstTimer || firstTimer.eventType !== 0) {
      const at = kept.findIndex((x) => timestampOf(x) !== null && x.num !== mesgNum(m, 'device_info'));
      kept.splice(Math.max(0, at), 0, timerEvent(m, after.start, 'start'));
    }
    pauses.push(p.start - before.end);
    out.messages.push(...kept);
    its.forEach((g, i) => {
      if (i === 0 && sameSport(a, b)) {
        last.laps.push(...g.laps);
        merged.add(last.session);
        out.messages = out.messages.filter((x) => x !== g.session);
      } else {
        groups.push(g);
        merged.add(g.session);
      }
    });
  }
  // Sessions and the activity go at the end, after every lap and record.
  const sessions = new Set(groups.map((g) => g.session));
  const activity = messagesNamed(out, 'activity')[0];
  out.messages = out.messages.filter((x) => !sessions.has(x) && x !== activity);
  out.messages.push(...groups.map((g) => g.session));
  if (activity) out.messages.push(activity);
  summarize(out, groups, { laps: new Set(), sessions: merged });
  return { model: out, sessions: groups.length, laps: groups.reduce((n, g) => n + g.laps.length, 0), pauses };
}

export interface FieldsResult {
  model: EditModel;
  /** Records that took a value from the other recording. */
  matched: number;
  records: number;
}

/** Lays `fields` of `from`'s records onto `onto`'s records: the nearest in time within `tolerance` seconds. */
export function mergeFields(onto: EditModel, from: EditModel, fields: readonly string[], tolerance: number, opts: { file?: string } = {}): FieldsResult {
  const model = cloneModel(onto);
  const recordDef = model.profile.messageByName('record')!;
  for (const f of fields) {
    if (![...recordDef.fields.values()].some((d) => d.name === f)) throw new FitkitError('edit_option', `--fields: record has no field ${f}`, { exitCode: 2 });
  }
  const rec = mesgNum(model, 'record');
  let t: number | null = null;
  const source = new Map<string, { t: number; v: number }[]>(fields.map((f) => [f, []]));
  for (const m of from.messages) {
    t = timestampOf(m) ?? t;
    if (m.num !== rec || t === null) continue;
    for (const f of fields) {
      const v = getValue(from, m, f);
      if (v !== null) source.get(f)!.push({ t, v });
    }
  }
  for (const list of source.values()) list.sort((x, y) => x.t - y.t);
  if ([...source.values()].every((l) => l.length === 0)) {
    throw new FitkitError('edit_empty', `no record holds ${fields.join(' or ')}`, { file: opts.file });
  }
  let matched = 0;
  let records = 0;
  t = null;
  for (const m of model.messages) {
    t = timestampOf(m) ?? t;
    if (m.num !== rec || t === null) continue;
    records++;
    let any = false;
    for (const f of fields) {
      const near = nearest(source.get(f)!, t);
      if (near && Math.abs(near.t - t) <= tolerance) {
        setValue(model, m, f, near.v);
        any = true;
      }
    }
    if (any) matched++;
  }
  const groups = sessionGroups(model);
  const only = fields.flatMap((f) => STATS_BY_RECORD_FIELD[f] ?? []);
  if (groups.length > 0 && only.length > 0) {
    summarize(model, groups, { laps: new Set(messagesNamed(model, 'lap')), sessions: new Set(groups.map((g) => g.session)), only });
  }
  return { model, matched, records };
}

function nearest(list: readonly { t: number; v: number }[], t: number): { t: number; v: number } | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  const a = list[lo - 1];
  const b = list[lo];
  if (!a) return b;
  if (!b) return a;
  return t - a.t <= b.t - t ? a : b;
}
