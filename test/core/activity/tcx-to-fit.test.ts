/** TCX workout → FIT activity: laps cut at exact distances, totals, calories, zones, identity. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { tcxToFit, type TcxToFitOptions } from '../../../src/core/activity/tcx/tcx-to-fit.js';
import { localTimeZone, localTimeZoneOffset, timeZoneOffset } from '../../../src/core/fit/kit/time-zone.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { messageToObject, type MessageObject } from '../../../src/core/fit/decode/values.js';
import { fitTimeFromDate } from '../../../src/core/fit/kit/time.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { parseTcx } from '../../../src/core/formats/tcx.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';
import { buildTcx, sdkDecode, type TpSpec } from '../../helpers/tcx-sdk.js';

const profile = standardProfile();
const START = '2024-05-17T06:34:18Z';

/** 200 s at 3.7 m/s (740 m), HR missing (0) for 10 s, positions 0,0 for the first 5 points. */
function steady(extra: (i: number) => Partial<TpSpec> = () => ({})): TpSpec[] {
  return Array.from({ length: 201 }, (_, i) => ({
    t: i,
    d: 3.7 * i,
    hr: i < 10 ? 0 : 100 + Math.floor(i / 4),
    cad: 24,
    speed: 3.7,
    lat: i < 5 ? 0 : 52 + i * 1e-4,
    lon: i < 5 ? 0 : 4.9,
    ...extra(i),
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
    expect(msgs.map((m) => m.name).filter((n, i, a) => n !== a[i - 1])).toEqual(['file_id', 'file_creator', 'device_info', 'event', 'record', 'event', 'lap', 'session', 'activity']);
    const t0 = fitTimeFromDate(new Date(START));
    expect(of('file_id')[0]).toMatchObject({ type: 'activity', manufacturer: 'development', serial_number: t0, time_created: '2024-05-17T06:34:18.000Z' });
    expect(of('device_info')[0]).toMatchObject({ device_index: 'creator', serial_number: t0 });
    expect(of('event').map((e) => [e.event, e.event_type])).toEqual([
      ['timer', 'start'],
      ['timer', 'stop_all'],
    ]);
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
    const hr = convert(
      steady(() => ({ hr: 150 })),
      {},
      { user },
    );
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

  it("the machine's offset without Intl is the one of its IANA zone", () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
        process.env.TZ = tz;
        const zone = localTimeZone();
        for (let ms = Date.UTC(1990, 0, 1); ms < Date.UTC(2040, 0, 1); ms += 37 * 86400e3 + 3600e3 + 1234) {
          const d = new Date(ms);
          expect(localTimeZoneOffset(d)).toBe(timeZoneOffset(d, zone));
          expect(localTimeZoneOffset(d)).toBe(timeZoneOffset(d, tz));
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('trackpoints whose time goes back are put in order, repeated times left out; both counted with their TCX line', () => {
    // As in the crafted FIT: t0..7, 9, 8, 10..15, 15 again, 16..23.
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 9, 8, 10, 11, 12, 13, 14, 15, 15, 16, 17, 18, 19, 20, 21, 22, 23];
    const xml = buildTcx(
      times.map((t) => ({ t, d: 4 * t, hr: 100 + t })),
      { start: START },
    );
    const tpLines = xml
      .split('\n')
      .map((l, i) => (l.includes('<Trackpoint>') ? i + 1 : 0))
      .filter(Boolean);
    const { fit, summary } = tcxToFit(profile, parseTcx(xml), { timeZone: 'UTC' });
    expect(summary.warnings).toEqual([
      `line ${tpLines[9]}: time goes back to 2024-05-17T06:34:26.000Z: trackpoint put in time order`,
      `line ${tpLines[16]}: time 2024-05-17T06:34:33.000Z repeats: trackpoint left out`,
    ]);
    const recs = sdkDecode(fit).messages.recordMesgs;
    expect(recs).toHaveLength(24);
    const t0 = new Date(START).getTime();
    expect(recs.map((r) => (r.timestamp.getTime() - t0) / 1000)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    // The values travel with their time: the record at +8 s has the heart rate written at +8 s.
    expect(recs.map((r) => r.heartRate)).toEqual(Array.from({ length: 24 }, (_, i) => 100 + i));
    expect(recs[15].heartRate).toBe(115); // the first of the two +15 s trackpoints
    expect(summary.elapsed).toBe(23);
  });

  it('values a FIT record cannot hold are left out of that record only, counted per kind with the first line', () => {
    const pts = steady().slice(0, 30);
    pts[13].hr = 300;
    pts[14].cad = -1;
    pts[15].d = -3;
    pts[16].hr = 255; // the invalid value of uint8: not a heart rate
    pts[17].watts = 70000;
    pts[18].lat = 95;
    pts[19].d = 1e12;
    const xml = buildTcx(pts, { start: START });
    const tpLines = xml
      .split('\n')
      .map((l, i) => (l.includes('<Trackpoint>') ? i + 1 : 0))
      .filter(Boolean);
    const { fit, summary } = tcxToFit(profile, parseTcx(xml), { timeZone: 'UTC' });
    expect(summary.warnings).toEqual([
      `line ${tpLines[15]}: distance -3 is outside FIT's 0..42949672.94: left out (and 1 more)`,
      `line ${tpLines[13]}: heart rate 300 is outside FIT's 0..254: left out (and 1 more)`,
      `line ${tpLines[14]}: cadence -1 is outside FIT's 0..254: left out`,
      `line ${tpLines[17]}: power 70000 is outside FIT's 0..65534: left out`,
      `line ${tpLines[18]}: position 95,4.9 is not on Earth: left out`,
    ]);
    const recs = sdkDecode(fit).messages.recordMesgs;
    expect(recs).toHaveLength(30);
    expect(recs[13].heartRate).toBeUndefined();
    expect(recs[13].cadence).toBe(24);
    expect(recs[14].cadence).toBeUndefined();
    expect(recs[14].heartRate).toBe(103);
    expect(recs[16].heartRate).toBeUndefined();
    expect(recs[17].power).toBeUndefined();
    expect(recs[18].positionLat).toBeUndefined();
    expect(recs[19].positionLat).toBeDefined();
    // The distance left out is taken from the speed instead: it goes on at 3.7 m a second.
    expect(recs[15].distance).toBeCloseTo(3.7 * 15, 2);
    expect(recs[19].distance).toBeCloseTo(3.7 * 19, 2);
    expect(summary.distance).toBeCloseTo(3.7 * 29, 2);
  });

  it("huge distances: out of FIT's range is left out (sane laps); in range but too many laps is a clear error", () => {
    for (const huge of [1e12, 1e20]) {
      const pts = Array.from({ length: 11 }, (_, i) => ({ t: i, d: i === 5 ? huge : 10 * i }));
      const { summary } = convert(pts, {}, { split: 25 });
      expect(summary.laps).toBe(4);
      expect(summary.warnings[0]).toMatch(/distance 1e\+(12|20) is outside FIT's/);
    }
    // 40,000 km in 1 m laps: 40 million laps; a FIT session holds 65,534.
    const far = [
      { t: 0, d: 0 },
      { t: 1, d: 4e7 },
    ];
    expect(() => tcxToFit(profile, parseTcx(buildTcx(far)), { split: 1 })).toThrow(/40000000 m in laps of 1 m is 40000000 laps, more than a FIT session holds \(65534\): use a longer --split/);
    expect(tcxToFit(profile, parseTcx(buildTcx(far)), { split: 1000 }).summary.laps).toBe(40000);
  });

  it('a gap longer than the pause gap stops the timer: events, timer < elapsed exactly, laps too', () => {
    // 0..100 s, then nothing until 400 s, then 400..500 s: a 300 s pause; 3 m/s, 600 m.
    const pts = [...Array.from({ length: 101 }, (_, i) => i), ...Array.from({ length: 101 }, (_, i) => 400 + i)].map((t) => ({ t, d: 3 * (t < 400 ? t : t - 300), hr: 120, cad: 24, speed: 3 }));
    const { fit, summary, of } = convert(pts, { calories: 40 }, { split: 250 });
    expect(summary.pauses).toBe(1);
    expect(of('event').map((e) => [e.event_type, e.timestamp])).toEqual([
      ['start', '2024-05-17T06:34:18.000Z'],
      ['stop_all', '2024-05-17T06:35:58.000Z'],
      ['start', '2024-05-17T06:40:58.000Z'],
      ['stop_all', '2024-05-17T06:42:38.000Z'],
    ]);
    const s = of('session')[0];
    expect(s.total_elapsed_time).toBe(500);
    expect(s.total_timer_time).toBe(200);
    expect(of('activity')[0].total_timer_time).toBe(200);
    const laps = of('lap');
    // Laps of 250 m; the second spans the pause (50 m before it, 200 m after).
    expect(laps.map((l) => l.total_distance)).toEqual([250, 250, 100]);
    expect(laps.map((l) => l.total_timer_time)).toEqual([250 / 3, 250 / 3, 100 / 3].map((x) => expect.closeTo(x, 2)));
    expect(laps[1].total_elapsed_time).toBeCloseTo(250 / 3 + 300, 2);
    expect(sum(laps, 'total_timer_time')).toBeCloseTo(200, 2);
    // Speed over timer time; calories only where the timer ran.
    expect(s.enhanced_avg_speed).toBeCloseTo(600 / 200, 3);
    expect(sum(laps, 'total_calories')).toBe(40);
    // The FIT SDK reads the same.
    expect(sdkDecode(fit).messages.sessionMesgs[0].totalTimerTime).toBe(200);
    // --pause-gap 0: no pauses; a gap below the threshold: none either.
    expect(convert(pts, {}, { pauseGap: 0 }).summary.timer).toBe(500);
    expect(convert(pts, {}, { pauseGap: 300 }).summary.timer).toBe(500);
    expect(convert(pts, {}, { pauseGap: 299 }).summary.timer).toBe(200);
  });

  it("a lap's second <Track> (Garmin starts one when the timer starts again) is a pause, however short", () => {
    const xml = buildTcx(
      Array.from({ length: 21 }, (_, i) => ({ t: i < 10 ? i : i + 20, d: 3 * i })),
      { start: START },
    );
    const lines = xml.split('\n');
    const at = lines.findIndex((l, i) => l.includes('<Trackpoint>') && lines.slice(0, i).filter((x) => x.includes('<Trackpoint>')).length === 10);
    const split = [...lines.slice(0, at), '      </Track>', '      <Track>', ...lines.slice(at)].join('\n');
    const one = tcxToFit(profile, parseTcx(xml), { timeZone: 'UTC' }).summary;
    const two = tcxToFit(profile, parseTcx(split), { timeZone: 'UTC' }).summary;
    expect([one.elapsed, one.timer, one.pauses]).toEqual([40, 40, 0]);
    expect([two.elapsed, two.timer, two.pauses, two.laps]).toEqual([40, 19, 1, 1]);
  });

  it('a still stretch (distance put, speed/stroke rate/power 0, as Coxswain writes a rest) longer than the gap is a pause', () => {
    // Rowing 0..60 s, resting 60..200 s (trackpoints every second, all zeros), rowing 200..260 s.
    const pts = Array.from({ length: 261 }, (_, t) => {
      const rest = t > 60 && t < 200;
      const d = t <= 60 ? 4 * t : t < 200 ? 240 : 240 + 4 * (t - 199);
      return rest ? { t, d, hr: 100, cad: 0, speed: 0, watts: 0 } : { t, d, hr: 150, cad: 28, speed: 4, watts: 200 };
    });
    const { summary, of } = convert(pts);
    expect(summary.pauses).toBe(1);
    // The timer stops at the first still trackpoint (61 s) and starts at the last (199 s).
    expect(of('event').map((e) => e.event_type)).toEqual(['start', 'stop_all', 'start', 'stop_all']);
    expect(of('session')[0].total_timer_time).toBe(260 - (199 - 61));
    // Heart rate during the rest is in the records but not in the average (timer time only).
    expect(of('session')[0].avg_heart_rate).toBe(Math.round((150 * 122 + 100 * 0) / 122));
    // A rest shorter than the gap stays in the timer.
    expect(convert(pts, {}, { pauseGap: 138 }).summary.timer).toBe(260);
    // A file with no speed, stroke rate or power says nothing about moving: no pause.
    expect(convert(pts.map(({ t, hr }) => ({ t, hr }))).summary.timer).toBe(260);
  });

  it('every Activity becomes a session and every TCX Lap a lap (without --split); the time between activities is a pause', () => {
    const lap = (start: number, n: number, d0: number, trigger: string, calories: number) =>
      `<Lap StartTime="${new Date(Date.parse(START) + start * 1000).toISOString()}"><Calories>${calories}</Calories><TriggerMethod>${trigger}</TriggerMethod><Track>${Array.from({ length: n }, (_, i) => `<Trackpoint><Time>${new Date(Date.parse(START) + (start + i) * 1000).toISOString()}</Time><DistanceMeters>${d0 + 5 * i}</DistanceMeters><Cadence>30</Cadence></Trackpoint>`).join('\n')}</Track></Lap>`;
    const xml = `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>
<Activity Sport="Running"><Id>a</Id>${lap(0, 60, 0, 'Distance', 10)}${lap(60, 40, 300, 'Manual', 5)}</Activity>
<Activity Sport="Biking"><Id>b</Id>${lap(130, 50, 0, 'Time', 8)}</Activity>
</Activities></TrainingCenterDatabase>`;
    const { fit, summary, of } = (() => {
      const r = tcxToFit(profile, parseTcx(xml), { timeZone: 'UTC' });
      const msgs = decodeFit(r.fit).messages.map((m) => messageToObject(m, { enums: true, profile, dates: 'iso' }));
      return { ...r, of: (name: string) => msgs.filter((m) => m.name === name).map((m) => m.fields) };
    })();
    expect(summary).toMatchObject({ sessions: 2, laps: 3, records: 150, pauses: 1 });
    const sessions = of('session');
    const laps = of('lap');
    expect(sessions.map((x) => [x.message_index, x.first_lap_index, x.num_laps, x.total_elapsed_time, x.total_timer_time, x.total_calories])).toEqual([
      [0, 0, 2, 130, 99, 15],
      [1, 2, 1, 49, 49, 8],
    ]);
    expect(laps.map((l) => [l.lap_trigger, l.total_elapsed_time, l.total_timer_time, l.total_calories])).toEqual([
      ['distance', 60, 60, 10],
      ['session_end', 70, 39, 5],
      ['session_end', 49, 49, 8],
    ]);
    expect(of('activity')[0]).toMatchObject({ num_sessions: 2, total_timer_time: 148 });
    const report = validateBytes('multi.fit', fit, profile);
    expect(report.checklist?.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED').map((c) => c.name)).toEqual([]);
    // Laps of --split metres are cut in each session.
    expect(tcxToFit(profile, parseTcx(xml), { split: 100 }).summary.laps).toBe(5 + 3);
  });

  it('a workout spanning more than FIT can hold (49.7 days) is a clear error naming the trackpoint', () => {
    const xml = buildTcx([{ t: 0 }, { t: 1 }, { t: 60 * 86400 }], { start: START });
    const last = xml
      .split('\n')
      .map((l, i) => (l.includes('<Trackpoint>') ? i + 1 : 0))
      .filter(Boolean)[2];
    expect(() => tcxToFit(profile, parseTcx(xml))).toThrow(`line ${last}: trackpoint at 2024-07-16T06:34:18.000Z is 60 days after the first (2024-05-17T06:34:18.000Z): more than FIT's 49 days`);
  });

  it('any mess of times and values: a clear FitkitError, or a file with no REQUIRED failure of the activity checklist', () => {
    const value = <T>(...xs: T[]) => fc.option(fc.constantFrom(...xs), { nil: undefined });
    const point = fc.record({
      dt: fc.constantFrom(1, 1, 1, 0, -1, -5, 30, 200, 0.2),
      d: value(0, 3, -5, 1e12, 1e20, 4.29e7, NaN),
      hr: value(0, 120, 300, -1, 254.6),
      cad: value(0, 24, -1, 254.5),
      speed: value(0, 3, -2, 1e9),
      watts: value(0, 150, 70000),
      lat: value(0, 52, 95),
    });
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 40 }), fc.constantFrom(undefined, 100, 500), fc.constantFrom(undefined, 0, 10), (pts, split, pauseGap) => {
        let t = 0;
        let d = 0;
        const spec = pts.map((p) => {
          t += p.dt;
          d += 3;
          // 0,0 is no position; 52 and 95 (not on Earth) are near each other in longitude.
          return { t, d: p.d === 3 ? d : p.d, hr: p.hr, cad: p.cad, speed: p.speed, watts: p.watts, lat: p.lat, lon: p.lat === undefined ? undefined : p.lat === 0 ? 0 : 4.9 };
        });
        let fit: Uint8Array;
        try {
          fit = tcxToFit(profile, parseTcx(buildTcx(spec, { start: START })), { timeZone: 'UTC', split, pauseGap }).fit;
        } catch (e) {
          expect(e).toBeInstanceOf(FitkitError);
          expect((e as Error).message).not.toContain('\n');
          return;
        }
        const report = validateBytes('fuzz.fit', fit, profile);
        expect(report.checklist?.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED').map((c) => c.name)).toEqual([]);
        expect(report.ok).toBe(true);
      }),
      { numRuns: 100, seed: 17 },
    );
  });
});
