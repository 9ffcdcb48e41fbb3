/** Garmin's activity checklist on small files built in code: one thing wrong at a time. */
import { describe, expect, it } from 'vitest';
import { activityChecklist, passesRequired, type CheckResult } from '../../../src/core/activity/checks/checklist.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';
import { activityFit, type ActivityShape } from '../../helpers/validate-activity.js';

const profile = Profile.standard();

function check(shape: ActivityShape, decodeFailed = false): CheckResult[] {
  return activityChecklist({ messages: decodeFit(activityFit(shape), { profile }).messages, decodeFailed, profile });
}

const get = (rs: CheckResult[], name: string) => {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no check ${name}: ${rs.map((x) => x.name).join(', ')}`);
  return r;
};

describe('activity checklist', () => {
  it('passes a clean activity: 30 checks in FitCSVTool order, every REQUIRED one PASSED or SKIPPED', () => {
    const rs = check({});
    expect(rs).toHaveLength(30);
    expect(rs[0].name).toBe('FileId Message Exists');
    expect(rs.at(-1)!.name).toBe('Device Info Message Manufacturer Id is Valid');
    expect(rs.filter((r) => r.status === 'FAILED')).toEqual([]);
    expect(passesRequired(rs)).toBe(true);
    expect(get(rs, 'Lap Message Are Sequential and Abut')).toMatchObject({ status: 'SKIPPED', reasons: ['Check requires two or more Lap messages, found 1.'] });
  });

  it('a missing session fails "Session Message Exists" and skips what needs sessions', () => {
    const rs = check({ omit: ['session'] });
    expect(get(rs, 'Session Message Exists').status).toBe('FAILED');
    expect(get(rs, 'Session Message Start Time Is Valid').status).toBe('SKIPPED');
    expect(get(rs, 'Activity Message total_timer_time is Equal to the Sum of Session Messages total_timer_time Values').status).toBe('SKIPPED');
    expect(passesRequired(rs)).toBe(false);
  });

  it('without an activity message, its four follow-up checks are left out, as FitCSVTool does', () => {
    const rs = check({ omit: ['activity'] });
    expect(get(rs, 'Activity Message Exists').status).toBe('FAILED');
    expect(rs.some((r) => r.name === 'Activity Message Timestamp Exists')).toBe(false);
    expect(rs).toHaveLength(26);
  });

  it('records out of order: names the record (index among records, byte offset)', () => {
    const rs = check({ recordOffsets: [0, 1, 2, 5, 4, 6] });
    const r = get(rs, 'Record Messages Are in Chronological Ascending Order');
    expect(r.status).toBe('FAILED');
    expect(r.reasons).toEqual(['One or more Record messages are not sequential.']);
    expect(r.at).toMatchObject({ message: 'record', index: 4 });
    expect(r.at!.offset).toBeGreaterThan(14);
  });

  it('laps that do not abut, with a gap over 2 s, fail; within 2 s pass', () => {
    expect(
      get(
        check({
          laps: [
            [0, 5],
            [7, 3],
          ],
          recordOffsets: [0, 9],
        }),
        'Lap Message Are Sequential and Abut',
      ).status,
    ).toBe('PASSED');
    const bad = get(
      check({
        laps: [
          [0, 4],
          [8, 2],
        ],
        recordOffsets: [0, 9],
      }),
      'Lap Message Are Sequential and Abut',
    );
    expect(bad).toMatchObject({ status: 'FAILED', reasons: ['Lap messages are not sequential, or do not abut.'], at: { message: 'lap', index: 1 } });
  });

  it('lap message_index not counting from 0 fails "Lap Message Valid Message Index" with what it expected', () => {
    const r = get(
      check({
        laps: [
          [0, 5],
          [5, 5],
        ],
        lapIndexes: [0, 2],
      }),
      'Lap Message Valid Message Index',
    );
    expect(r).toMatchObject({ status: 'FAILED', reasons: ['Message Indexes are not sequential.'], expected: 'message_index 1, found 2' });
  });

  it('records after the session end (more than 1 s) fail; local timestamp out of [-12, 14] h fails', () => {
    expect(get(check({ recordOffsets: [0, 12] }), 'Record Message Timestamps Fall Within Session Message Times').status).toBe('FAILED');
    expect(get(check({ recordOffsets: [0, 11] }), 'Record Message Timestamps Fall Within Session Message Times').status).toBe('PASSED');
    expect(get(check({ localOffset: 15 * 3600 }), 'Activity Message Local Timestamp is Valid').reasons).toEqual(['Local Timestamp is not within the tolerated range of [-12,14] hours.']);
    expect(get(check({ localOffset: null }), 'Activity Message Local Timestamp is Valid').reasons).toEqual(['Local Timestamp is null.']);
  });

  it('an invalid sub_sport is an OPTIONAL warning; the file still passes', () => {
    const rs = check({ subSport: null });
    expect(get(rs, 'Session Message Sub Sport Exists')).toMatchObject({ level: 'OPTIONAL', status: 'WARNING' });
    expect(passesRequired(rs)).toBe(true);
  });

  it('a course fails "FileId Message Type Is Activity" with its type name; after a decode error "Is First" is SKIPPED', () => {
    expect(get(check({ fileType: 6 }), 'FileId Message Type Is Activity').reasons).toEqual(['Expected Type: Activity, actual Type: COURSE.']);
    expect(get(check({}, true), 'FileId Message Is First').status).toBe('SKIPPED');
  });
});

describe('validateBytes', () => {
  it('judges activities by the checklist, other file types by integrity only', () => {
    expect(validateBytes('a.fit', activityFit({}), profile)).toMatchObject({ ok: true, fileType: 'activity', checklistApplies: true });
    expect(validateBytes('a.fit', activityFit({ omit: ['lap'] }), profile)).toMatchObject({ ok: false, passedRequired: false });
    expect(validateBytes('c.fit', activityFit({ fileType: 6 }), profile)).toMatchObject({ ok: true, fileType: 'course', checklistApplies: false, passedRequired: false });
  });

  it('truncation, CRC damage and junk after the data fail with a byte offset', () => {
    const good = activityFit({});
    const cut = validateBytes('t.fit', good.subarray(0, good.length - 7), profile);
    expect(cut.ok).toBe(false);
    expect(cut.diagnostics.find((d) => d.code === 'truncated')!.offset).toBeGreaterThan(0);
    const crc = good.slice();
    crc[crc.length - 1] ^= 0xff;
    expect(validateBytes('c.fit', crc, profile).diagnostics.find((d) => d.code === 'crc_mismatch')).toMatchObject({ level: 'error', offset: good.length - 2 });
    const junk = new Uint8Array([...good, ...new TextEncoder().encode('this is not a FIT header')]);
    const j = validateBytes('j.fit', junk, profile);
    expect(j.diagnostics.find((d) => d.code === 'trailing_bytes')).toMatchObject({ level: 'warning', offset: good.length });
    expect(j.diagnostics.some((d) => d.code === 'crc_mismatch')).toBe(false);
    expect(j).toMatchObject({ ok: false, readToEnd: false });
    expect(validateBytes('n.fit', new TextEncoder().encode('hello, not fit at all'), profile).diagnostics[0]).toMatchObject({ code: 'not_fit', offset: 0 });
  });

  it('a workout whose step count disagrees gets a sanity warning, not a failure', () => {
    const r = validateBytes('w.fit', activityFit({ fileType: 5, omit: ['session', 'lap', 'activity'] }), profile);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.source === 'sanity').map((d) => d.code)).toEqual(['workout_missing', 'workout_no_steps']);
  });
});
