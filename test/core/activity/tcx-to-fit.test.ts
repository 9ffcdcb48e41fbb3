/** TCX workout → FIT activity: laps cut at exact distances, totals, calories, zones, identity. */
import { describe, expect, it } from 'vitest';
import { tcxToFit, timeZoneOffset, type TcxToFitOptions } from '../../../src/core/activity/tcx-to-fit.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { messageToObject, type MessageObject } from '../../../src/core/fit/decode/values.js';
import { fitTimeFromDate } from '../../../src/core/fit/kit/time.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { parseTcx } from '../../../src/core/formats/tcx.js';
import { buildTcx, sdkDecode, type TpSpec } from '../../helpers/tcx-sdk.js';

const profile = standardProfile();
const START = '2024-05-17T06:34:18Z';

/** 200 s at 3.7 m/s (740 m), HR missing (0) for 10 s, positions 0,0 for the first 5 points. */
function steady(extra: (i: number) => Partial<TpSpec> = () => ({})): TpSpec[] {
  return Array.from({ length: 201 }, (_, i) => ({
    t: i, d: 3.7 * i, hr: i < 10 ? 0 : 100 + Math.floor(i / 4), cad: 24, speed: 3.7,
    lat: i < 5 ? 0 : 52 + i * 1e-4, lon: i < 5 ? 0 : 4.9, ...extra(i),
  }));
}

function convert(points: TpSpec[], tcx: Parameters<typeof buildTcx>[1] = {}, o: TcxToFitOptions = {}) {
  const { fit, summary } = tcxToFit(profile, parseTcx(buildTcx(points, { start: START, ...tcx })), { timeZone: 'UTC', ...o });
  const r = decodeFit(fit);
  expect(r.diagnostics).toEqual([]);
  const msgs = r.messages.map((m) => messageToObject(m, { enums: true, profile, dates: 'iso' }));
  const of = (name: string) => msgs.filter((m) => m.name === name).map((m) => m.fields);
  return { fit, summary, msgs, of };
}

const sum = (xs: MessageObject['fields'][], k: string) => xs.reduce((n, x) => n + Number(x[k] ?? 0), 0);

describe('tcxToFit', () => {
  it('writes a Garmin-style activity: identity, creator, events, records, laps, session, activity', () => {
    const { fit, of, msgs } = convert(steady(), { steps: 300, calories: 50 }, { timeZone: 'Europe/Berlin', split: 500 });
    expect(msgs.map((m) => m.name).filter((n, i, a) => n !== a[i - 1])).toEqual(
      ['file_id', 'file_creator', 'device_info', 'event', 'record', 'event', 'lap', 'session', 'activity']);
    const t0 = fitTimeFromDate(new Date(START));
    expect(of('file_id')[0]).toMatchObject({ type: 'activity', manufacturer: 'development', serial_number: t0, time_created: '2024-05-17T06:34:18.000Z' });
    expect(of('device_info')[0]).toMatchObject({ device_index: 'creator', serial_number: t0 });
    expect(of('event').map((e) => [e.event, e.event_type])).toEqual([['timer', 'start'], ['timer', 'stop_all']]);
    const act = of('activity')[0];
    expect(act).toMatchObject({ num_sessions: 1, type: 'manual', event: 'activity', event_type: 'stop', total_timer_time: 200 });
    // Berlin in May is UTC+2: local_timestamp is 7200 s ahead of timestamp.
    expect(Number(act.local_timestamp) - fitTimeFromDate(new Date(String(act.timestamp)))).toBe(7200);
    expect(of('session')[0]).toMatchObject({ message_index: 0, sport: 'rowing', sub_sport: 'indoor_rowing', num_laps: 2, first_lap_index: 0 });
    const sdk = sdkDecode(fit);
    expect(sdk.errors).toEqual([]);
    expect(sdk.integrity).toBe(true);
    expect(sdk.messages.sessionMesgs[0].sport).toBe('rowing');
  });

  it('cuts laps at exactly 500 m, interpolating the time, and they add up to the session', () => {
    const { of } = convert(steady(), { steps: 300, calories: 50 }, { split: 500 });
    const [l1, l2] = of('lap');
    const s = of('session')[0];
    expect(l1.total_distance).toBe(500);
    expect(l1.total_elapsed_time).toBeCloseTo(500 / 3.7, 3);
    expect(l2.total_distance).toBe(240);
    expect(Number(l1.total_elapsed_time) + Number(l2.total_elapsed_time)).toBeCloseTo(Number(s.total_elapsed_time), 3);
    expect(s.total_elapsed_time).toBe(200);
    expect(s.total_distance).toBe(740);
    expect([l1.message_index, l2.message_index]).toEqual([0, 1]);
    expect([l1.lap_trigger, l2.lap_trigger]).toEqual(['distance', 'session_end']);
    // Laps abut: the second starts when the first ends (to the second FIT can store).
    expect(l2.start_time).toBe(l1.timestamp);
    // Strokes (LX Steps) and calories (TCX) are split by time and add up exactly.
    expect(s.total_strokes).toBe(300); // total_cycles, named by its rowing subfield
    expect(sum([l1, l2], 'total_strokes')).toBe(300);
    expect(s.total_calories).toBe(50);
    expect(sum([l1, l2], 'total_calories')).toBe(50);
    expect(l1.total_strokes).toBe(Math.round((300 * (500 / 3.7)) / 200));
    expect(s.avg_speed).toBeCloseTo(3.7, 3);
    expect(s.avg_paddlesport_cadence).toBe(24); // avg_cadence, named by its rowing subfield
  });

  it('--split sets the lap length; an exact multiple leaves no empty last lap', () => {
    const pts = Array.from({ length: 101 }, (_, i) => ({ t: i, d: 10 * i }));
    const { of } = convert(pts, {}, { split: 250 });
    expect(of('lap').map((l) => l.total_distance)).toEqual([250, 250, 250, 250]);
    expect(of('lap').map((l) => l.total_elapsed_time)).toEqual([25, 25, 25, 25]);
  });

  it('one record per trackpoint; HR 0 is no HR and position 0,0 no position', () => {
    const { of } = convert(steady());
    const recs = of('record');
    expect(recs).toHaveLength(201);
    expect(recs.slice(0, 10).every((r) => r.heart_rate === undefined)).toBe(true);
    expect(recs[10].heart_rate).toBe(102);
    expect(recs.slice(0, 5).every((r) => r.position_lat === undefined && r.position_long === undefined)).toBe(true);
    expect(recs[5].position_lat).toBe(Math.round((52.0005 * 2 ** 31) / 180));
    expect(recs[100]).toMatchObject({ distance: 370, cadence: 24, enhanced_speed: 3.7 });
    // The average leaves the 10 s without a strap out.
    expect(of('session')[0].avg_heart_rate).toBe(Math.round(recs.slice(10, 200).reduce((n, r) => n + Number(r.heart_rate), 0) / 190));
  });

  it('calories: TCX, else power / 25 %, else Keytel with the profile, else none', () => {
    const withWatts = convert(steady(() => ({ watts: 200 })));
    expect(withWatts.summary.caloriesFrom).toBe('power');
    expect(withWatts.of('session')[0].total_calories).toBe(Math.round((200 * 200) / 0.25 / 4184));
    const user = { weightKg: 80, age: 40, gender: 'male' as const };
    const hr = convert(steady(() => ({ hr: 150 })), {}, { user });
    expect(hr.summary.caloriesFrom).toBe('heart_rate');
    const perMin = (-55.0969 + 0.6309 * 150 + 0.1988 * 80 + 0.2017 * 40) / 4.184;
    expect(hr.of('session')[0].total_calories).toBe(Math.round((perMin * 200) / 60));
    expect(hr.of('user_profile')[0]).toMatchObject({ weight: 80, age: 40, gender: 'male' });
    const none = convert(steady());
    expect(none.summary.caloriesFrom).toBe('none');
    expect(none.of('session')[0].total_calories).toBeUndefined();
  });

  it('heart-rate zones: hr_zone and zones_target, time in zone per lap and session where HR exists', () => {
    const { of } = convert(steady(), {}, { hrZones: [110, 120, 130, 140, 150], user: { maxHr: 190, restingHr: 50 }, split: 500 });
    expect(of('hr_zone').map((z) => z.high_bpm)).toEqual([110, 120, 130, 140, 150]);
    expect(of('zones_target')[0]).toMatchObject({ max_heart_rate: 190, hr_calc_type: 'custom' });
    const s = of('session')[0];
    const tiz = s.time_in_hr_zone as number[];
    // HR 100..110 from t=10 (zone 1 up to 110 bpm: t 10..43), then 4 s per bpm.
    expect(tiz.reduce((a, b) => a + b, 0)).toBeCloseTo(190, 3);
    expect(tiz[0]).toBeCloseTo(44 - 10, 3);
    const laps = of('lap');
    for (let z = 0; z < 5; z++) expect(laps.reduce((n, l) => n + (l.time_in_hr_zone as number[])[z], 0)).toBeCloseTo(tiz[z], 2);
    const fromMax = convert(steady(), {}, { user: { maxHr: 200 } });
    expect(fromMax.of('hr_zone').map((z) => z.high_bpm)).toEqual([120, 140, 160, 180, 200]);
    expect(fromMax.of('zones_target')[0].hr_calc_type).toBe('percent_max_hr');
  });

  it('--sport and manufacturer/product; serials differ for different starts', () => {
    const a = convert(steady(), {}, { sport: 'running', manufacturer: 'waterrower', product: 7 });
    expect(a.of('session')[0]).toMatchObject({ sport: 'running', sub_sport: 'generic' });
    expect(a.of('file_id')[0]).toMatchObject({ manufacturer: 'waterrower', product: 7 });
    const b = tcxToFit(profile, parseTcx(buildTcx(steady(), { start: '2024-05-17T06:34:19Z' })));
    const serial = messageToObject(decodeFit(b.fit).messages[0]).fields.serial_number;
    expect(serial).not.toBe(a.of('file_id')[0].serial_number);
  });

  it('distance from speed or positions when DistanceMeters is missing', () => {
    const bySpeed = convert(Array.from({ length: 11 }, (_, i) => ({ t: i, speed: 2 })));
    expect(bySpeed.of('session')[0].total_distance).toBe(20);
    const byPos = convert(Array.from({ length: 11 }, (_, i) => ({ t: i, lat: 0.001 * i, lon: 1 })));
    expect(Number(byPos.of('session')[0].total_distance)).toBeCloseTo(1111.95, 0);
  });

  it('time zone offsets from IANA names', () => {
    expect(timeZoneOffset(new Date('2024-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * 3600);
    expect(timeZoneOffset(new Date('2024-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3600);
    expect(() => timeZoneOffset(new Date(), 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});
