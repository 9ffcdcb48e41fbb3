/**
 * `fitkit shift`: every date_time of the file moves by the same amount (a clock that was never
 * set, a wrong time zone), timestamp_16 fields with it (they hold the low 16 bits of their
 * timestamp); compressed timestamps were made whole fields when the file was read
 * (activity-model.ts), so they move too. With a time zone, the local times (local_date_time
 * fields) are set from it, else they move with the rest.
 */
import { timeZoneOffset } from '../fit/kit/time-zone.js';
import { FitkitError } from '../errors.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { baseTypeOf, isInvalid } from '../fit/proto/base-types.js';
import { cloneModel, getValue, messagesNamed, TIMESTAMP, timestampOf, type EditModel } from './activity-model.js';

export interface ShiftOptions {
  /** Seconds to add to every date_time. */
  by?: number;
  /** Or: the FIT time the activity's start moves to. */
  to?: number;
  /** IANA zone for local times. */
  timeZone?: string;
  file?: string;
}

const MAX_TIME = 0xfffffffe;

/** The activity's start: its first session's start_time, else its first timestamp. */
export function activityStart(model: EditModel): number | undefined {
  const s = messagesNamed(model, 'session')[0];
  const st = s && getValue(model, s, 'start_time');
  if (st !== null && st !== undefined) return st;
  for (const m of model.messages) {
    const t = timestampOf(m);
    if (t !== null && m.num !== 0) return t;
  }
  return undefined;
}

export function shiftActivity(input: EditModel, opts: ShiftOptions): { model: EditModel; by: number } {
  const model = cloneModel(input);
  let by = opts.by ?? 0;
  if (opts.to !== undefined) {
    const start = activityStart(model);
    if (start === undefined) throw new FitkitError('edit_not_activity', 'has no time to move', { file: opts.file });
    by = opts.to - start;
  }
  by = Math.round(by);
  for (const m of model.messages) {
    const def = model.profile.message(m.num);
    // The file's own UTC time at this message, for its local times.
    const utc = timestampOf(m);
    for (const f of m.fields) {
      // Field 253 is the timestamp in every message, the profile's or not.
      const fd = def?.fields.get(f.num);
      const type = f.num === TIMESTAMP ? 'date_time' : fd?.type;
      const bt = baseTypeOf(f.type);
      if (!bt || !type) continue;
      const name = f.num === TIMESTAMP ? 'timestamp' : fd!.name;
      const move = (v: number | bigint | string, local: boolean): number | bigint | string => {
        if (typeof v !== 'number' || isInvalid(bt, v)) return v;
        if (name === 'timestamp_16') return (v + by + 0x10000 * 4) % 0x10000;
        if (local && opts.timeZone && utc !== null) {
          const t = utc + by;
          return t + timeZoneOffset(dateFromFitTime(t), opts.timeZone);
        }
        const x = v + by;
        // A local time the device left at 0 or so says nothing: it stays as it was.
        if ((x < 0 || x > MAX_TIME) && local) return v;
        if (x < 0 || x > MAX_TIME) throw new FitkitError('edit_option', `moving ${def?.name ?? m.num}.${name} by ${by} s leaves the FIT time range`, { file: opts.file, exitCode: 2 });
        return x;
      };
      const local = type === 'local_date_time';
      if (type !== 'date_time' && !local && name !== 'timestamp_16') continue;
      f.value = Array.isArray(f.value) ? f.value.map((v) => move(v, local)) : move(f.value, local);
    }
  }
  return { model, by };
}
