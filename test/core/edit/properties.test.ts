/**
 * Property tests (fast-check) of shift, trim and conceal over corpus activities: whatever the
 * amount, the window or the zone, the invariants hold. shift: every timestamp moves by the same
 * amount, in the input's order. trim: what is kept is the input's records in their order, with
 * strictly increasing times where the input had them; the session's times are its laps' sums and
 * the activity's timer time the sessions' sum. conceal: no position inside the zone anywhere in
 * the file, distances and times unchanged. And Garmin's checklist passes throughout.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeModel, encodeModel, getValue, messagesNamed, timestampOf, type EditModel } from '../../../src/core/edit/activity-model.js';
import { concealActivity, inZone } from '../../../src/core/edit/conceal.js';
import { shiftActivity } from '../../../src/core/edit/shift.js';
import { trimActivity } from '../../../src/core/edit/trim.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { fieldValue } from '../../../src/core/fit/decode/values.js';
import { describeCorpus } from '../../helpers/corpus.js';
import { corpusActivities, profile, requiredFailures } from '../../helpers/edit-corpus.js';

const FILES = [
  'sportstracker/Garmin_Forerunner_910XT-Running',
  'gpsbabel/fit-sample',
  'python-fitparse/2015-10-13-08-43-15',
  'muktihari-fit/activity_poolswim',
  'python-fitparse/null_compressed_speed_dist',
];
const RUNS = 6;
const SEMI_DEG = 180 / 2 ** 31;

const times = (m: EditModel) => m.messages.map(timestampOf);
const recordTimes = (m: EditModel) => messagesNamed(m, 'record').map((r) => getValue(m, r, 'timestamp'));
const sum = (m: EditModel, list: ReturnType<typeof messagesNamed>, k: string) => list.reduce((n, x) => n + (getValue(m, x, k) ?? 0), 0);

describeCorpus('edit properties over corpus activities', () => {
  const all = corpusActivities(80_000);
  const byRel = new Map(FILES.map((rel) => [rel, all.find((f) => f.rel === rel)!.bytes]));

  it('shift: every timestamp moves by the amount, in the input order; the checklist still passes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.integer({ min: -5 * 365 * 86400, max: 5 * 365 * 86400 }), (rel, by) => {
        const model = decodeModel(byRel.get(rel)!, profile);
        const out = encodeModel(shiftActivity(model, { by }).model);
        const back = decodeModel(out, profile);
        const t0 = times(model);
        const t1 = times(back);
        expect(t1.length).toBe(t0.length);
        t0.forEach((t, i) => expect(t1[i]).toBe(t === null ? null : t + by));
        // In the input's order: consecutive times keep their differences.
        const kept = t1.filter((t): t is number => t !== null);
        const was = t0.filter((t): t is number => t !== null);
        for (let i = 1; i < kept.length; i++) expect(kept[i] - kept[i - 1]).toBe(was[i] - was[i - 1]);
        expect(requiredFailures(out)).toEqual(requiredFailures(byRel.get(rel)!));
      }),
      { numRuns: RUNS },
    );
  });

  it('trim: records kept in order, totals are the recomputed sums, the checklist passes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.double({ min: 0, max: 0.45, noNaN: true }), fc.double({ min: 0, max: 0.45, noNaN: true }), (rel, s, e) => {
        const model = decodeModel(byRel.get(rel)!, profile);
        const rt = recordTimes(model).filter((t): t is number => t !== null);
        const span = rt[rt.length - 1] - rt[0];
        const r = trimActivity(model, { start: { kind: 'time', seconds: Math.floor(span * s) }, end: { kind: 'time', seconds: Math.floor(span * e) } });
        const out = encodeModel(r.model);
        const back = decodeModel(out, profile);
        const kept = recordTimes(back);
        // The input's records inside the window, in the input's order.
        expect(kept).toEqual(recordTimes(model).filter((t) => t !== null && t >= r.start && t <= r.end));
        for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThanOrEqual(kept[i - 1]!);
        const laps = messagesNamed(back, 'lap');
        const sessions = messagesNamed(back, 'session');
        for (const k of ['total_timer_time', 'total_elapsed_time']) expect(Math.abs(sum(back, sessions, k) - sum(back, laps, k))).toBeLessThanOrEqual(1);
        const act = messagesNamed(back, 'activity')[0];
        if (act) expect(getValue(back, act, 'total_timer_time')).toBeCloseTo(sum(back, sessions, 'total_timer_time'), 2);
        expect(requiredFailures(out).filter((x) => !requiredFailures(byRel.get(rel)!).includes(x))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('conceal: no position inside the zone anywhere in the file; times and distances stay', () => {
    const placed = FILES.filter((rel) => {
      const m = decodeModel(byRel.get(rel)!, profile);
      return messagesNamed(m, 'record').some((r) => getValue(m, r, 'position_lat') !== null);
    });
    expect(placed.length).toBeGreaterThanOrEqual(3);
    fc.assert(
      fc.property(fc.constantFrom(...placed), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 20, max: 3000 }), (rel, where, radius) => {
        const model = decodeModel(byRel.get(rel)!, profile);
        const recs = messagesNamed(model, 'record').filter((r) => getValue(model, r, 'position_lat') !== null);
        const c = recs[Math.floor(where * (recs.length - 1))];
        const zone = { lat: getValue(model, c, 'position_lat')! * SEMI_DEG, lon: getValue(model, c, 'position_long')! * SEMI_DEG, radius };
        const out = encodeModel(concealActivity(model, { around: [zone] }).model);
        // Every latitude/longitude pair of every message, as a reader decodes them.
        for (const m of decodeFit(out, { profile }).messages) {
          for (const f2 of m.fields) {
            if (f2.units !== 'semicircles' || !f2.name.endsWith('_lat')) continue;
            const lon = m.fields.find((g) => g.name === f2.name.replace(/_lat$/, '_long'));
            const la = fieldValue(f2, { dates: 'raw' });
            const lo = lon && fieldValue(lon, { dates: 'raw' });
            if (typeof la !== 'number' || typeof lo !== 'number') continue;
            expect(inZone(zone, la, lo), `${m.name}.${f2.name} inside the zone`).toBe(false);
          }
        }
        const back = decodeModel(out, profile);
        expect(times(back)).toEqual(times(model));
        expect(messagesNamed(back, 'record').map((r) => getValue(back, r, 'distance'))).toEqual(messagesNamed(model, 'record').map((r) => getValue(model, r, 'distance')));
        expect(requiredFailures(out).filter((x) => !requiredFailures(byRel.get(rel)!).includes(x))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
