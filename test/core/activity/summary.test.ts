/**
 * `fitkit repair`'s summary on small activities built in code: a crash (records, no lap, session
 * or activity), pauses, no distance field, laps without a session, a session without an
 * activity; each result passes Garmin's checklist and Garmin's SDK reads it.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { num } from '../../../src/core/fit/decode/values.js';
import { repairFit } from '../../../src/core/activity/repair/repair.js';
import { missingSummary } from '../../../src/core/activity/summaries/summary.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import type { FitMessage } from '../../../src/core/fit/decode/message.js';
import { encodeFit, type FieldValues, type FitEncoder } from '../../../src/core/fit/encode/encoder.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';

const profile = Profile.standard();
const T0 = 1_000_000_000; // FIT seconds, 2021-09-09T01:46:40Z

/** A recording as a device writes it before the summary: file_id, creator, then `body`. */
function recording(body: (e: FitEncoder) => void): Uint8Array {
  return encodeFit(profile, (e) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer: 'garmin', product: 1, serial_number: 1234, time_created: T0 });
    e.writeMessage('device_info', { timestamp: T0, device_index: 'creator', manufacturer: 'garmin', product: 1 });
    body(e);
  });
}

/** The file as a crash leaves it: the last record cut off after `keep` of its bytes. */
function crashed(fit: Uint8Array, lastRecordBytes = 5): Uint8Array {
  return fit.slice(0, fit.length - 2 - lastRecordBytes);
}

const record = (e: FitEncoder, t: number, v: FieldValues = {}) => e.writeMessage('record', { timestamp: T0 + t, ...v });
const timer = (e: FitEncoder, t: number, type: 'start' | 'stop_all') => e.writeMessage('event', { timestamp: T0 + t, event: 'timer', event_type: type, timer_trigger: 'manual' });

function decoded(bytes: Uint8Array): FitMessage[] {
  const d = decodeFit(bytes, { profile });
  expect(d.diagnostics).toEqual([]);
  return d.messages;
}

const only = (ms: FitMessage[], name: string) => {
  const found = ms.filter((m) => m.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
};

/** What every repaired activity must be: REQUIRED checks passed, intact for Garmin's SDK. */
function expectValid(bytes: Uint8Array): void {
  const report = validateBytes('x.fit', bytes, profile);
  expect(report.checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED')).toEqual([]);
  expect(report.ok).toBe(true);
  const sdk = new Decoder(Stream.fromByteArray(bytes));
  expect(sdk.checkIntegrity()).toBe(true);
}

describe('repair: a missing summary', () => {
  it('a crash: lap, session and activity over every record, and the timer stop the device never wrote', () => {
    const input = crashed(
      recording((e) => {
        timer(e, 0, 'start');
        for (let t = 0; t <= 100; t++) record(e, t, { distance: t * 3, speed: 3, heart_rate: 120 + (t % 20), cadence: t < 50 ? 0 : 90, power: 200, altitude: 100 + (t < 50 ? t : 100 - t) });
      }),
    );
    const r = repairFit(input, profile, { timeZone: 'Europe/Berlin' });
    expectValid(r.bytes);
    expect(r.added.map((m) => m.message)).toEqual(['event', 'lap', 'session', 'activity']);
    expect(r.changes).toContain('added session 0 computed from 100 records and 1 lap');

    const ms = decoded(r.bytes);
    // The cut-off record is gone; the 100 complete ones are all there.
    expect(ms.filter((m) => m.name === 'record')).toHaveLength(100);
    const session = only(ms, 'session');
    expect(num(session, 'start_time')).toBe(T0);
    expect(num(session, 'timestamp')).toBe(T0 + 99);
    expect(num(session, 'total_elapsed_time')).toBe(99);
    expect(num(session, 'total_timer_time')).toBe(99);
    expect(num(session, 'total_distance')).toBe(297);
    expect(num(session, 'avg_speed')).toBe(3);
    expect(num(session, 'max_speed')).toBe(3);
    expect(num(session, 'max_heart_rate')).toBe(139);
    expect(num(session, 'avg_power')).toBe(200);
    // Zero cadence (coasting) stays out of the average, as devices count it.
    expect(num(session, 'avg_cadence')).toBe(90);
    expect(num(session, 'max_cadence')).toBe(90);
    expect(num(session, 'total_ascent')).toBe(50);
    expect(num(session, 'total_descent')).toBe(49);
    expect(num(session, 'max_altitude')).toBe(150);
    expect(session.fields.find((f) => f.name === 'sport')?.raw).toBe(0); // generic: the file names none
    const lap = only(ms, 'lap');
    expect(num(lap, 'total_timer_time')).toBe(99);
    expect(num(lap, 'message_index')).toBe(0);
    const activity = only(ms, 'activity');
    expect(num(activity, 'timestamp')).toBe(T0 + 99);
    expect(num(activity, 'total_timer_time')).toBe(99);
    expect(num(activity, 'num_sessions')).toBe(1);
    // 2021-09-09 is summer time in Berlin: UTC+2.
    expect(num(activity, 'local_timestamp')).toBe(T0 + 99 + 7200);
    const stop = ms.filter((m) => m.name === 'event').at(-1)!;
    expect([num(stop, 'event'), num(stop, 'event_type'), num(stop, 'timestamp')]).toEqual([0, 4, T0 + 99]);
  });

  it('pauses: timer time leaves them out, averages weigh each value by the time it held', () => {
    const input = crashed(
      recording((e) => {
        timer(e, 0, 'start');
        for (let t = 0; t <= 60; t++) record(e, t, { heart_rate: 100 });
        timer(e, 60, 'stop_all');
        timer(e, 120, 'start');
        // Smart recording after the pause: a record every 5 s.
        for (let t = 120; t <= 180; t += 5) record(e, t, { heart_rate: 160 });
        timer(e, 185, 'stop_all');
        record(e, 186, { heart_rate: 160 }); // cut off by the crash
      }),
    );
    const r = repairFit(input, profile, { timeZone: 'UTC' });
    expectValid(r.bytes);
    // The timer was stopped at the end: no stop event to add.
    expect(r.added.map((m) => m.message)).toEqual(['lap', 'session', 'activity']);
    const session = only(decoded(r.bytes), 'session');
    expect(num(session, 'total_elapsed_time')).toBe(185);
    expect(num(session, 'total_timer_time')).toBe(125);
    // 60 s at 100 and 65 s at 160 (a plain mean of the 74 records would say 111).
    expect(num(session, 'avg_heart_rate')).toBe(Math.round((60 * 100 + 65 * 160) / 125));
    expect(num(session, 'total_distance')).toBeNull();
    expect(num(session, 'avg_speed')).toBeNull();
  });

  it('no distance field: the distance between positions', () => {
    const deg = 2 ** 31 / 180;
    const input = crashed(
      recording((e) => {
        timer(e, 0, 'start');
        // North along a meridian, 0.001° (111.2 m) a step, 10 s a step.
        for (let i = 0; i <= 10; i++) record(e, i * 10, { position_lat: Math.round((45 + i * 0.001) * deg), position_long: Math.round(7 * deg) });
      }),
    );
    const r = repairFit(input, profile, { timeZone: 'UTC' });
    expectValid(r.bytes);
    const session = only(decoded(r.bytes), 'session');
    const metres = (9 * 0.001 * Math.PI * 6371008.8) / 180;
    expect(num(session, 'total_distance')).toBeCloseTo(metres, 1);
    expect(num(session, 'avg_speed')).toBeCloseTo(metres / 90, 2);
    expect(num(session, 'max_speed')).toBeNull(); // no speed field: left out, not guessed
    expect(num(session, 'start_position_lat')).toBe(Math.round(45 * deg));
    expect(num(session, 'end_position_lat')).toBe(Math.round(45.009 * deg));
    expect(num(session, 'nec_lat')).toBe(Math.round(45.009 * deg));
    expect(num(session, 'swc_long')).toBe(Math.round(7 * deg));
  });

  it('laps but no session: a last lap for the records after them, and a session over all of them', () => {
    const input = crashed(
      recording((e) => {
        e.writeMessage('sport', { sport: 'cycling', sub_sport: 'road' });
        timer(e, 0, 'start');
        for (let t = 0; t <= 150; t++) {
          record(e, t, { distance: t * 8 });
          if (t === 60 || t === 120) {
            e.writeMessage('lap', {
              message_index: t / 60 - 1,
              timestamp: T0 + t,
              start_time: T0 + t - 60,
              total_elapsed_time: 60,
              total_timer_time: 60,
              total_distance: 480,
              event: 'lap',
              event_type: 'stop',
              lap_trigger: 'time',
              sport: 'cycling',
            });
          }
        }
      }),
    );
    const r = repairFit(input, profile, { timeZone: 'UTC' });
    expectValid(r.bytes);
    expect(r.changes).toContain('added lap 2 computed from 30 records after lap 1');
    const ms = decoded(r.bytes);
    const laps = ms.filter((m) => m.name === 'lap');
    expect(laps.map((l) => [num(l, 'message_index'), num(l, 'start_time')! - T0, num(l, 'total_elapsed_time')])).toEqual([
      [0, 0, 60],
      [1, 60, 60],
      [2, 120, 29],
    ]);
    // The new lap's distance starts where lap 1 ended.
    expect(num(laps[2], 'total_distance')).toBe(29 * 8);
    const session = only(ms, 'session');
    expect([num(session, 'first_lap_index'), num(session, 'num_laps')]).toEqual([0, 3]);
    expect(num(session, 'total_timer_time')).toBe(149);
    expect(num(session, 'total_distance')).toBe(149 * 8);
    // The sport message names the sport.
    expect(session.fields.find((f) => f.name === 'sport')?.raw).toBe(2);
    expect(session.fields.find((f) => f.name === 'sub_sport')?.raw).toBe(7);
  });

  it('a session but no activity: just the activity, local time from timestamp_correlation', () => {
    const input = crashed(
      recording((e) => {
        e.writeMessage('timestamp_correlation', { timestamp: T0, local_timestamp: T0 - 5 * 3600 });
        timer(e, 0, 'start');
        for (let t = 0; t <= 30; t++) record(e, t, { distance: t });
        timer(e, 30, 'stop_all');
        const span = { timestamp: T0 + 30, start_time: T0, total_elapsed_time: 30, total_timer_time: 30, sport: 'running' as const };
        e.writeMessage('lap', { ...span, message_index: 0, event: 'lap', event_type: 'stop' });
        e.writeMessage('session', { ...span, message_index: 0, first_lap_index: 0, num_laps: 1, event: 'session', event_type: 'stop' });
        e.writeMessage('activity', { timestamp: T0 + 31 }); // cut off by the crash
      }),
      3,
    );
    const r = repairFit(input, profile, { timeZone: 'Asia/Tokyo' });
    expectValid(r.bytes);
    expect(r.added.map((m) => m.message)).toEqual(['activity']);
    expect(r.changes).toContain('added activity over 1 session, local time UTC-05:00 from timestamp_correlation');
    const activity = only(decoded(r.bytes), 'activity');
    expect(num(activity, 'local_timestamp')).toBe(T0 + 30 - 5 * 3600);
    expect(num(activity, 'total_timer_time')).toBe(30);
  });

  it('a west-of-UTC device_settings.time_offset (uint32, wrapped) gives the local time', () => {
    const messages = decoded(
      recording((e) => {
        e.writeMessage('device_settings', { time_offset: [2 ** 32 - 7 * 3600], active_time_zone: 0 });
        for (let t = 0; t <= 10; t++) record(e, t);
      }),
    );
    const plan = missingSummary(messages, profile, {});
    const activity = plan.messages.find((m) => m.message === 'activity')!;
    expect(activity.fields.local_timestamp).toBe(T0 + 10 - 7 * 3600);
    expect(activity.note).toBe('activity over 1 session, local time UTC-07:00 from device_settings.time_offset');
  });

  it('without a time zone anywhere, local_timestamp is left out and the plan says so', () => {
    const messages = decoded(recording((e) => record(e, 0)));
    const plan = missingSummary(messages, profile, {});
    expect(plan.messages.find((m) => m.message === 'activity')!.fields.local_timestamp).toBeUndefined();
    expect(plan.notes).toEqual(['activity.local_timestamp left out: the file does not say its time zone (give one with --tz)']);
  });

  it('no record: nothing to compute a lap or session from', () => {
    const plan = missingSummary(decoded(recording(() => {})), profile, { timeZone: 'UTC' });
    expect(plan.messages).toEqual([]);
    expect(plan.notes).toEqual(['no record with a timestamp: no lap or session to compute', 'no session and no time: no activity to compute']);
  });

  it('summary: false salvages only; a complete activity gets nothing added', () => {
    const input = crashed(recording((e) => record(e, 0)));
    const plain = repairFit(input, profile, { summary: false });
    expect(plain.added).toEqual([]);
    expect(decoded(plain.bytes).some((m) => m.name === 'session')).toBe(false);

    const complete = recording((e) => {
      record(e, 0);
      e.writeMessage('lap', { message_index: 0, timestamp: T0, start_time: T0, total_elapsed_time: 0, total_timer_time: 0 });
      e.writeMessage('session', { message_index: 0, timestamp: T0, start_time: T0, total_elapsed_time: 0, total_timer_time: 0, sport: 'generic', first_lap_index: 0, num_laps: 1 });
      e.writeMessage('activity', { timestamp: T0, total_timer_time: 0, num_sessions: 1, local_timestamp: T0 });
    });
    const r = repairFit(complete, profile, { timeZone: 'UTC' });
    expect(r.added).toEqual([]);
    expect(r.changes).toEqual([]);
    expect(Buffer.from(r.bytes).equals(Buffer.from(complete))).toBe(true);
  });

  it('a chain: the summary goes into the activity, the settings file after it stays as it was', () => {
    // The recording stopped without a summary but was not cut off: a settings file follows.
    const activity = recording((e) => {
      timer(e, 0, 'start');
      for (let t = 0; t <= 20; t++) record(e, t, { heart_rate: 90 });
    });
    const settings = encodeFit(profile, (e) => {
      e.writeMessage('file_id', { type: 'settings', manufacturer: 'garmin', product: 1, serial_number: 1234, time_created: T0 });
      e.writeMessage('user_profile', { weight: 70 });
    });
    const r = repairFit(new Uint8Array([...activity, ...settings]), profile, { timeZone: 'UTC' });
    expectValid(r.bytes);
    const d = decodeFit(r.bytes, { profile });
    expect(d.headers).toHaveLength(2);
    expect(Buffer.from(r.bytes.subarray(d.headers[1].offset)).equals(Buffer.from(settings))).toBe(true);
    expect(d.messages.findIndex((m) => m.name === 'activity')).toBeLessThan(d.messages.findIndex((m) => m.name === 'user_profile'));
    expect(r.files[0].dataSize).toBe(d.headers[0].dataSize);
  });
});
