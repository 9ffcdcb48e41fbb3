/**
 * Garmin's activity-file checklist, as FitCSVTool `-t` prints it: the same checks, in the same
 * order, with the same names, levels (REQUIRED/OPTIONAL), verdicts and reasons (typos kept, so
 * scripts can compare the two tools line by line).
 *
 * The rules were inferred from FitCSVTool 21.202's reports on the corpus
 * (../shared/corpus/validate-oracle). What they share:
 * - a field is "null" when the message lacks it or every element holds the invalid value;
 * - each check looks at the first activity and file_id message only, at every session, lap,
 *   record and device_info message of the whole chain (chained files are one message list);
 * - times are whole seconds: `start_time + trunc(total_elapsed_time)` is a message's end;
 * - after a decode error, "FileId Message Is First" is SKIPPED (the tool loses its message
 *   list), every other check runs on the messages read before the error.
 * Each failure names the message it stopped at (its kind, index among its kind, byte offset).
 *
 * The checks run on facts gathered in one streaming pass (ChecklistCollector): the few summary
 * messages (file_id, activity, session, lap, device_info) with only the fields the checks read,
 * and a handful of numbers for the records, so a file of any size is checked in bounded memory.
 */
import type { Profile } from '../../fit/profile/profile.js';
import { upperSnake } from '../../fit/profile/names.js';
import type { FitMessage } from '../../fit/decode/message.js';
import { fieldValue, num } from '../../fit/decode/values.js';
import { recordPoint, type RecordPoint } from './record-point.js';

export const CheckLevel = { required: 'REQUIRED', optional: 'OPTIONAL' } as const;
export type CheckLevel = (typeof CheckLevel)[keyof typeof CheckLevel];
export type CheckStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'WARNING';

/** Where a check stopped: the message kind, its index among messages of that kind, its byte offset. */
export interface CheckLocation {
  message: string;
  index: number;
  offset: number;
}

export interface CheckResult {
  /** FitCSVTool's check name, verbatim. */
  name: string;
  level: CheckLevel;
  status: CheckStatus;
  /** FitCSVTool's reason lines (typos included). */
  reasons: string[];
  at?: CheckLocation;
  /** What the check wanted, in words, where the reason does not say it. */
  expected?: string;
}

export interface ChecklistInput {
  messages: readonly FitMessage[];
  /** The file did not decode to the end (FitCSVTool then skips "FileId Message Is First"). */
  decodeFailed: boolean;
  profile: Profile;
}

type N = number | null;

/** A field's stored value, unscaled (message_index is compared bit for bit). */
function rawNum(m: FitMessage, name: string): N {
  for (const f of m.fields) {
    if (f.name !== name || f.kind === 'developer') continue;
    const v = fieldValue({ ...f, scale: 1, offset: 0, type: '' }, { dates: 'raw' });
    const x = Array.isArray(v) ? v[0] : v;
    return typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : null;
  }
  return null;
}

/** `start_time + trunc(total_elapsed_time)`, as Java's `longValue()` sums them. */
function endTime(m: FitMessage): N {
  const s = num(m, 'start_time');
  const e = num(m, 'total_elapsed_time');
  return s === null || e === null ? null : s + Math.trunc(e);
}

class Check {
  readonly r: CheckResult;
  constructor(name: string, level: CheckLevel) {
    this.r = { name, level, status: 'SKIPPED', reasons: [] };
  }
  pass(): CheckResult {
    this.r.status = 'PASSED';
    return this.r;
  }
  skip(reason?: string): CheckResult {
    this.r.status = 'SKIPPED';
    if (reason) this.r.reasons.push(reason);
    return this.r;
  }
  fail(reason: string | undefined, at?: { m: FitMessage; i: number }, expected?: string, status: CheckStatus = 'FAILED'): CheckResult {
    this.r.status = status;
    if (reason) this.r.reasons.push(reason);
    if (at) this.r.at = { message: at.m.name, index: at.i, offset: at.m.offset };
    if (expected) this.r.expected = expected;
    return this.r;
  }
  warn(reason: string, at?: { m: FitMessage; i: number }, expected?: string): CheckResult {
    return this.fail(reason, at, expected, 'WARNING');
  }
}

const REQ = CheckLevel.required;
const OPT = CheckLevel.optional;

/** The first message (with its index) lacking one of `names`. */
function firstNull(list: readonly FitMessage[], ...names: string[]): { m: FitMessage; i: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    for (const n of names) if (num(list[i], n) === null) return { m: list[i], i };
  }
  return undefined;
}

/** Java's float arithmetic: each value as a float, summed as doubles, off by more than 1. */
function sumCheck(parent: FitMessage, parentKind: string, parentIndex: number, children: readonly FitMessage[], childKind: string, field: string): CheckResult {
  const c = new Check(`${parentKind} Message ${field} is Equal to the Sum of ${childKind} Messages ${field} Values`, REQ);
  if (children.length === 0) return c.skip();
  const p = num(parent, field);
  const at = { m: parent, i: parentIndex };
  if (p === null) return c.fail(`${parentKind} Message contains a null ${field}`, at);
  const missing = firstNull(children, field);
  if (missing) return c.fail(`${childKind}Message contains a null ${field} value.`, missing);
  let sum = 0;
  for (const ch of children) sum += Math.fround(num(ch, field)!);
  if (Math.abs(Math.fround(p) - sum) > 1) {
    return c.fail(`${parentKind} message ${field} does not equal the sum of ${childKind} messages ${field} values.`, at, `${field} ${p} = sum ${round3(sum)} ± 1 s`);
  }
  return c.pass();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Java's Float.toString for the values these reasons print (whole or short decimals). */
function javaFloat(x: number): string {
  const f = Math.fround(x);
  const s = String(Number(f.toPrecision(7)));
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}

function exists(name: string, n: number): CheckResult {
  const c = new Check(name, REQ);
  return n > 0 ? c.pass() : c.fail(undefined);
}

function timestampsValid(list: readonly FitMessage[], kind: string): CheckResult {
  const c = new Check(`${kind} Message Timestamps are Valid`, REQ);
  if (list.length === 0) return c.skip();
  const bad = firstNull(list, 'timestamp');
  return bad ? c.fail(`One or more ${kind} messages contain a null Timestamp.`, bad) : c.pass();
}

function validMessageIndex(list: readonly FitMessage[], kind: string): CheckResult {
  const c = new Check(`${kind} Message Valid Message Index`, REQ);
  if (list.length === 0) return c.skip();
  for (let i = 0; i < list.length; i++) {
    const v = rawNum(list[i], 'message_index');
    if (v === null) return c.fail(`One or more ${kind} messages contain a null Message Index value.`, { m: list[i], i });
    if (v !== i) return c.fail('Message Indexes are not sequential.', { m: list[i], i }, `message_index ${i}, found ${v}`);
  }
  return c.pass();
}

function sequentialAbut(list: readonly FitMessage[], kind: string): CheckResult {
  const c = new Check(`${kind} Message Are Sequential and Abut`, REQ);
  if (list.length < 2) return c.skip(`Check requires two or more ${kind} messages, found ${list.length}.`);
  const bad = firstNull(list, 'start_time', 'total_elapsed_time');
  if (bad) return c.fail(`One or more ${kind} messages contain a null Start Time and/or a null Total Elapsed Time.`, bad);
  let end = endTime(list[0])!;
  for (let i = 1; i < list.length; i++) {
    const start = num(list[i], 'start_time')!;
    if (Math.abs(start - end) > 2) {
      return c.fail(`${kind} messages are not sequential, or do not abut.`, { m: list[i], i }, `start_time within 2 s of the previous end ${end}, found ${start}`);
    }
    end = endTime(list[i])!;
  }
  return c.pass();
}

/** Session's laps: `first_lap_index` and `num_laps` select them (Java's skip/limit). */
function lapsOf(s: FitMessage, laps: readonly FitMessage[]): FitMessage[] {
  const first = num(s, 'first_lap_index')!;
  return laps.slice(first, first + Math.max(0, num(s, 'num_laps')!));
}

function sessionLapSums(sessions: readonly FitMessage[], laps: readonly FitMessage[], field: 'total_timer_time' | 'total_elapsed_time'): CheckResult {
  const title = field === 'total_timer_time' ? 'Total Timer Time' : 'Total Elapsed Time';
  const c = new Check(`Session Message ${title} Is Equal To Sum of Lap Messages ${title}`, REQ);
  if (sessions.length === 0 || laps.length === 0) return c.skip('No Session messages exist and/or no Lap messages exist.');
  const noValue = firstNull(sessions, field);
  if (noValue) return c.fail(undefined, noValue);
  const noIndex = firstNull(sessions, 'first_lap_index', 'num_laps');
  if (noIndex) return c.fail('One or more Session messages contain a null First Lap Index value and/or null Num Lap value.', noIndex);
  let r: CheckResult = c.r;
  for (let i = 0; i < sessions.length; i++) {
    r = sumCheck(sessions[i], 'Session', i, lapsOf(sessions[i], laps), 'Lap', field);
    if (r.status === 'FAILED') break;
  }
  return r;
}

function fileIdChecks(ids: readonly FitMessage[], lead: FitMessage | undefined, decodeFailed: boolean, profile: Profile): CheckResult[] {
  const out = [exists('FileId Message Exists', ids.length)];
  if (ids.length === 0) return out;
  const first = new Check('FileId Message Is First', REQ);
  if (decodeFailed || !lead) out.push(first.skip());
  else out.push(lead.name === 'file_id' ? first.pass() : first.fail(undefined, { m: lead, i: 0 }, `file_id first, found ${lead.name}`));

  const id = ids[0];
  const at = { m: id, i: 0 };
  const type = new Check('FileId Message Type Is Activity', REQ);
  const t = num(id, 'type');
  if (t === 4) out.push(type.pass());
  else {
    const label = t === null ? 'null' : profile.types.get('file')?.values.get(t);
    const name = t === null ? 'null' : label === undefined || t >= 0xf7 ? 'INVALID' : upperSnake(label);
    out.push(type.fail(`Expected Type: Activity, actual Type: ${name}.`, at));
  }
  const manu = new Check('FileId Message Manufacturer Id Exists', REQ);
  const mid = num(id, 'manufacturer');
  if (mid === null) out.push(manu.fail('Manufacturer Id is null.', at));
  else if (profile.types.get('manufacturer')?.values.get(mid) === undefined) out.push(manu.warn(`Unknown Manufacturer Id ${mid}.`, at));
  else out.push(manu.pass());
  const created = new Check('FileId Message Time Created Exists', REQ);
  out.push(num(id, 'time_created') === null ? created.fail('Time Created is null.', at) : created.pass());
  return out;
}

function activityChecks(acts: readonly FitMessage[], sessions: readonly FitMessage[], total: number): CheckResult[] {
  const out = [exists('Activity Message Exists', total)];
  if (acts.length === 0) return out;
  const a = acts[0];
  const at = { m: a, i: 0 };
  const ts = num(a, 'timestamp');
  const tsc = new Check('Activity Message Timestamp Exists', REQ);
  out.push(ts === null ? tsc.fail('Timestamp is null.', at) : tsc.pass());
  const local = new Check('Activity Message Local Timestamp is Valid', REQ);
  const lt = num(a, 'local_timestamp');
  if (lt === null) out.push(local.fail('Local Timestamp is null.', at));
  else if (ts === null) out.push(local.fail(undefined, at, 'a timestamp to compare local_timestamp with'));
  else {
    const d = lt - ts;
    out.push(
      d >= -43200 && d <= 50400 ? local.pass() : local.fail('Local Timestamp is not within the tolerated range of [-12,14] hours.', at, `local_timestamp - timestamp in [-43200, 50400] s, found ${d}`),
    );
  }
  out.push(sumCheck(a, 'Activity', 0, sessions, 'Session', 'total_timer_time'));
  const count = new Check('Activity Message Session Count Is Equal To Actual Session Count', OPT);
  const ns = num(a, 'num_sessions');
  if (ns === null) out.push(count.warn('Num Sessions is null.', at));
  else if (ns !== sessions.length) out.push(count.warn('Num Sessions does not match the actual number of Sessions messages found in the file.', at, `num_sessions ${sessions.length}, found ${ns}`));
  else out.push(count.pass());
  return out;
}

function sessionChecks(sessions: readonly FitMessage[], laps: readonly FitMessage[]): CheckResult[] {
  const out = [exists('Session Message Exists', sessions.length), timestampsValid(sessions, 'Session')];

  const start = new Check('Session Message Start Time Is Valid', REQ);
  if (sessions.length === 0) out.push(start.skip());
  else {
    const bad = firstNull(sessions, 'timestamp', 'start_time', 'total_elapsed_time');
    out.push(bad ? start.fail('One or more Session messages contain a null Start Time, Timestamp and/or a null Total Elapsed Time.', bad) : start.pass());
  }

  const times = new Check('Session Message Total Timer Time and Total Elapsed Time are Valid', REQ);
  if (sessions.length === 0) out.push(times.skip());
  else {
    // FitCSVTool's reason here names the wrong fields; kept verbatim.
    const bad = firstNull(sessions, 'total_timer_time', 'total_elapsed_time');
    if (bad) out.push(times.fail('One or more Session messages contain a null Start Time and/or a null Timestamp.', bad));
    else {
      const i = sessions.findIndex((s) => Math.fround(num(s, 'total_elapsed_time')!) < Math.fround(num(s, 'total_timer_time')!));
      if (i < 0) out.push(times.pass());
      else {
        const s = sessions[i];
        const timer = javaFloat(num(s, 'total_timer_time')!);
        const elapsed = javaFloat(num(s, 'total_elapsed_time')!);
        out.push(times.fail(`Session message Total Timer Time ${timer} >  Total Elapsed Time${elapsed}.`, { m: s, i }, 'total_timer_time <= total_elapsed_time'));
      }
    }
  }

  const idx = new Check('Session Message First Lap Index and Num Laps are Valid', REQ);
  if (sessions.length === 0 || laps.length === 0) out.push(idx.skip('No Session messages exist and/or no Lap messages exist.'));
  else {
    const bad = firstNull(sessions, 'first_lap_index', 'num_laps');
    if (bad) out.push(idx.fail('One or more Session messages contain a null First Lap Index value and/or null Num Lap value.', bad));
    else {
      let next = 0;
      let r: CheckResult | undefined;
      for (let i = 0; i < sessions.length && !r; i++) {
        const first = num(sessions[i], 'first_lap_index')!;
        if (first !== next) r = idx.fail('One or more Session messages contains an invlaid First Lap Index value.', { m: sessions[i], i }, `first_lap_index ${next}, found ${first}`);
        next += num(sessions[i], 'num_laps')!;
      }
      if (!r && next !== laps.length) {
        r = idx.fail('Sum of Session messages Num Laps values is not equal to total number of Lap messages found in the file.', undefined, `num_laps summing to ${laps.length}, found ${next}`);
      }
      out.push(r ?? idx.pass());
    }
  }

  out.push(sessionLapSums(sessions, laps, 'total_timer_time'), sessionLapSums(sessions, laps, 'total_elapsed_time'));

  const sport = new Check('Session Message Sport Exists', REQ);
  const subSport = new Check('Session Message Sub Sport Exists', OPT);
  if (sessions.length === 0) out.push(sport.skip(), subSport.skip());
  else {
    const noSport = firstNull(sessions, 'sport');
    out.push(noSport ? sport.fail('One or more Session messages contain a null Sport value.', noSport) : sport.pass());
    const noSub = firstNull(sessions, 'sub_sport');
    out.push(noSub ? subSport.warn("One or more Session messages contain a null Sub Sport value. Set Sub Sport value to 'generic' if unknown.", noSub) : subSport.pass());
  }
  out.push(sequentialAbut(sessions, 'Session'), validMessageIndex(sessions, 'Session'));
  return out;
}

function lapChecks(sessions: readonly FitMessage[], laps: readonly FitMessage[]): CheckResult[] {
  const out = [exists('Lap Message Exists', laps.length), validMessageIndex(laps, 'Lap')];
  const c = new Check('Lap Message Start Time and Timestamp are Valid', REQ);
  if (sessions.length === 0 || laps.length === 0) out.push(c.skip());
  else {
    const badSession = firstNull(sessions, 'start_time', 'timestamp', 'total_elapsed_time');
    const noIndex = firstNull(sessions, 'first_lap_index', 'num_laps');
    const badLap = firstNull(laps, 'start_time', 'timestamp', 'total_elapsed_time');
    if (badSession) out.push(c.fail('One or more Session messages contain a null Start Time, Timestamp and/or null Total Elapsed Time.', badSession));
    else if (noIndex) out.push(c.fail('One or more Session messages contain a null First Lap Index value and/or a null Num Lap value.', noIndex));
    else if (badLap) out.push(c.fail('One or more Lap messages contain a null Start Time, Total Elapsed Time and/or a null Timestamp.', badLap));
    else {
      let r: CheckResult | undefined;
      for (const s of sessions) {
        const sStart = num(s, 'start_time')!;
        const sEnd = endTime(s)!;
        for (const lap of lapsOf(s, laps)) {
          const lStart = num(lap, 'start_time')!;
          if (lStart < sStart || endTime(lap)! - sEnd > 1) {
            r = c.fail(
              "One or more Lap messages contain an incorrect Start Time and/or an incorrect 'End Time' relative to the Session message.",
              { m: lap, i: laps.indexOf(lap) },
              `lap within its session [${sStart}, ${sEnd}] (end ± 1 s), found [${lStart}, ${endTime(lap)}]`,
            );
            break;
          }
        }
        if (r) break;
      }
      out.push(r ?? c.pass());
    }
  }
  out.push(sequentialAbut(laps, 'Lap'));
  return out;
}

/** What the record checks need of every record, gathered as they stream past (numbers only: there are millions). */
interface RecordFacts {
  count: number;
  firstOffset: number;
  firstT: N;
  lastOffset: number;
  lastT: N;
  /** The first record without a timestamp. */
  firstNull?: { offset: number; i: number };
  /** The first record whose time goes back from the one before. */
  firstBack?: { offset: number; i: number };
  prev: N;
}

/** A message reduced to what a failure names (its kind and offset). */
const where = (name: string, offset: number, i: number): { m: FitMessage; i: number } => ({ m: { name, num: 0, local: 0, offset, fields: [] }, i });

function addRecord(r: RecordFacts, pt: RecordPoint): void {
  const { t, offset } = pt;
  const i = r.count++;
  if (i === 0) {
    r.firstOffset = offset;
    r.firstT = t;
    r.prev = t;
  }
  r.lastOffset = offset;
  r.lastT = t;
  if (t === null) r.firstNull ??= { offset, i };
  else {
    if (!r.firstBack && r.prev !== null && r.prev > t) r.firstBack = { offset, i };
    r.prev = t;
  }
}

function recordChecks(sessions: readonly FitMessage[], records: RecordFacts): CheckResult[] {
  const within = new Check('Record Message Timestamps Fall Within Session Message Times', REQ);
  let r1: CheckResult;
  if (sessions.length === 0 || records.count === 0) r1 = within.skip();
  else {
    const start = num(sessions[0], 'start_time');
    const end = endTime(sessions[sessions.length - 1]);
    const first = records.firstT;
    const last = records.lastT;
    const firstAt = where('record', records.firstOffset, 0);
    const lastAt = where('record', records.lastOffset, records.count - 1);
    if (start === null || end === null) r1 = within.fail("One or more Session Messages contain a null Start Time and/or a null 'End Time'.", { m: sessions[0], i: 0 });
    else if (first === null || last === null) r1 = within.fail('One or more Record messages contain a null Timestamp.', first === null ? firstAt : lastAt);
    else if (first - start < -1)
      r1 = within.fail('One or more Record message Timestamps is earlier than Session Start Time.', firstAt, `timestamp >= session start_time ${start} - 1 s, found ${first}`);
    else if (last - end > 1) r1 = within.fail("One or more Record message Timestamps is later than Session 'End Time'.", lastAt, `timestamp <= session end ${end} + 1 s, found ${last}`);
    else r1 = within.pass();
  }
  const order = new Check('Record Messages Are in Chronological Ascending Order', REQ);
  let r2: CheckResult;
  if (records.count === 0) r2 = order.skip();
  else if (records.firstNull) r2 = order.fail('One or more Record messages contain a null Timestamp.', where('record', records.firstNull.offset, records.firstNull.i));
  else if (records.firstBack) {
    r2 = order.fail('One or more Record messages are not sequential.', where('record', records.firstBack.offset, records.firstBack.i), 'timestamps that never go back');
  } else r2 = order.pass();
  return [r1, r2];
}

function deviceInfoChecks(infos: readonly FitMessage[], profile: Profile): CheckResult[] {
  const out = [timestampsValid(infos, 'Device Info')];
  const idx = new Check('Device Info Message Device Index is Valid', REQ);
  if (infos.length === 0) out.push(idx.skip());
  else {
    const bad = firstNull(infos, 'device_index');
    if (bad) out.push(idx.fail('One or more Device Info messages contain a null Device Index value.', bad));
    else if (!infos.some((m) => num(m, 'device_index') === 0))
      out.push(idx.fail('At least one Device Info message Device Index field needs to be set to Creator.', undefined, 'a device_info with device_index 0 (creator)'));
    else out.push(idx.pass());
  }
  const manu = new Check('Device Info Message Manufacturer Id is Valid', OPT);
  if (infos.length === 0) out.push(manu.skip());
  else {
    const bad = firstNull(infos, 'manufacturer');
    const names = profile.types.get('manufacturer')?.values;
    const i = infos.findIndex((m) => names?.get(num(m, 'manufacturer')!) === undefined);
    if (bad) out.push(manu.warn('One or more Device Info messages contain a null Manufacturer Id.', bad));
    else if (i >= 0) out.push(manu.warn('One or more Device Info messages contain an unknown Manufacturer Id.', { m: infos[i], i }));
    else out.push(manu.pass());
  }
  return out;
}

/** The fields each kept message kind is checked on; only these are kept. */
const KEPT: Record<string, readonly string[]> = {
  file_id: ['type', 'manufacturer', 'time_created'],
  activity: ['timestamp', 'local_timestamp', 'total_timer_time', 'num_sessions'],
  session: ['timestamp', 'start_time', 'total_elapsed_time', 'total_timer_time', 'first_lap_index', 'num_laps', 'sport', 'sub_sport', 'message_index'],
  lap: ['message_index', 'start_time', 'timestamp', 'total_elapsed_time', 'total_timer_time'],
  device_info: ['timestamp', 'device_index', 'manufacturer'],
};

/**
 * The checklist over messages as they stream past, in file order: add() each (nothing is kept
 * of a record, only what the checks need of the summary messages), then finish().
 */
export class ChecklistCollector {
  #kept = new Map<string, FitMessage[]>(Object.keys(KEPT).map((k) => [k, []]));
  #lead: FitMessage | undefined;
  #records: RecordFacts = { count: 0, firstOffset: 0, firstT: null, lastOffset: 0, lastT: null, prev: null };
  #ids = 0;
  #activities = 0;

  add(m: FitMessage): void {
    if (m.name === 'record') return this.record(recordPoint(m));
    if (!this.#lead && m.name !== 'pad') this.#lead = where(m.name, m.offset, 0).m;
    const names = KEPT[m.name];
    if (!names) return;
    // The checks look at the first file_id and activity only; the others are counted.
    if (m.name === 'file_id' && this.#ids++ > 0) return;
    if (m.name === 'activity' && this.#activities++ > 0) return;
    this.#kept.get(m.name)!.push({ name: m.name, num: m.num, local: m.local, offset: m.offset, fields: m.fields.filter((f) => f.kind !== 'developer' && names.includes(f.name)) });
  }

  /** A record, as read by RecordPointReader or from its message. */
  record(pt: RecordPoint): void {
    if (!this.#lead) this.#lead = where('record', pt.offset, 0).m;
    addRecord(this.#records, pt);
  }

  /** `decodeFailed`: the file did not decode to the end (FitCSVTool then skips "FileId Message Is First"). */
  finish(decodeFailed: boolean, profile: Profile): CheckResult[] {
    const by = (name: string) => this.#kept.get(name)!;
    const sessions = by('session');
    const laps = by('lap');
    const activities = by('activity');
    return [
      ...fileIdChecks(by('file_id'), this.#lead, decodeFailed, profile),
      ...activityChecks(activities, sessions, this.#activities),
      ...sessionChecks(sessions, laps),
      ...lapChecks(sessions, laps),
      ...recordChecks(sessions, this.#records),
      ...deviceInfoChecks(by('device_info'), profile),
    ];
  }
}

/** Runs the checklist over a decoded file's messages, in FitCSVTool's order. */
export function activityChecklist(input: ChecklistInput): CheckResult[] {
  const c = new ChecklistCollector();
  for (const m of input.messages) c.add(m);
  return c.finish(input.decodeFailed, input.profile);
}

/** True when no REQUIRED check failed. */
export function passesRequired(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.level !== 'REQUIRED' || r.status !== 'FAILED');
}
