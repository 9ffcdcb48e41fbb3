/**
 * `fitkit repair` on the damaged corpus files: the output is intact for Garmin's SDK
 * (checkIntegrity), decodes without a diagnostic, and keeps every record the damaged file held
 * before the damage. Damaged activities (per MANIFEST.tsv) also pass Garmin's checklist, their
 * missing summary computed, but for the few listed below with the reason.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { expect, it } from 'vitest';
import { num } from '../../src/core/fit/decode/values.js';
import { repairFit } from '../../src/core/activity/repair/repair.js';
import { salvageFit } from '../../src/core/activity/repair/salvage.js';
import { missingSummary } from '../../src/core/activity/summaries/summary.js';
import { crc16 } from '../../src/core/bytes/crc16.js';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import { fitHeader } from '../../src/core/fit/encode/writer.js';
import type { FitMessage } from '../../src/core/fit/decode/message.js';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../src/core/validate/validate-file.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';

const profile = Profile.standard();

/** MANIFEST.tsv: truncated, CRC-damaged, corrupt chained header, junk after the data. */
const DAMAGED = [
  'coursepointer/invalid_truncated',
  'python-fitparse/activity-activity-filecrc',
  'python-fitparse/activity-filecrc',
  'python-fitparse/activity-settings-corruptheader',
  'python-fitparse/activity-settings-nodata',
  'python-fitparse/activity-unexpected-eof',
  'gpsbabel/lezyne_super_gps-garmin_fit-sample-bad-endian',
];

/** Activities MANIFEST.tsv describes as damaged: truncated, bad CRC, corrupt header, junk. */
function damagedActivities(): string[] {
  return readFileSync(corpusPath('MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((r) => r[0]?.startsWith('fit/') && /file_id: type=activity\b/.test(r[6] ?? ''))
    .filter((r) => /KNOWN-MALFORMED|truncat|CRC mismatch|corrupt|trailing|non-FIT|not a FIT|junk/i.test(r[6]))
    .map((r) => r[0].slice(4).replace(/\.fit$/i, ''));
}

/**
 * Damaged activities whose repair cannot pass the checklist, and why. What fails is what the
 * device (or the chain) got wrong before any damage: repair adds missing messages, it does not
 * rewrite the device's own. The test checks they fail exactly the REQUIRED checks FitCSVTool
 * fails on the damaged input, no more.
 */
const CANNOT_PASS: Record<string, string> = {
  'python-fitparse/activity-activity-filecrc':
    'two chained copies of one complete activity: the checklist reads a chain as one activity, so the second copy goes back in time and restarts every index; only dropping a copy would pass',
  'gpsbabel/lezyne_super_gps-garmin_fit-sample-bad-endian':
    "the Lezyne's own summary: lap message_index and session first_lap_index count from 1, no session message_index, no activity local_timestamp, no creator device_info",
  'python-fitparse/strava-android-app-201.10-b1218918':
    "Strava writes its summary first, without timestamps or indexes, and device_info without timestamp or device_index; and the record at byte 7451, just before the break, lost a byte: its timestamp reads 2085, past the session's end",
};

/** Messages a repair adds, by file (none for the others). */
const ADDED: Record<string, string[]> = {
  'muktihari-fit/activity_truncated': ['event', 'lap', 'session', 'activity'],
  'crafted/header-datasize-zero': ['event', 'lap', 'session', 'activity'],
  'crafted/header12-datasize-zero': ['event', 'lap', 'session', 'activity'],
  'python-fitparse/activity-unexpected-eof': ['activity'],
};

const requiredFailures = (bytes: Uint8Array, rel: string) =>
  validateBytes(rel, bytes, profile)
    .checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED')
    .map((c) => c.name);

/** The REQUIRED checks FitCSVTool -t failed on the corpus file. */
function oracleFailures(rel: string): string[] {
  const text = readFileSync(corpusPath('validate-oracle', rel + '.txt'), 'utf8');
  return [...text.matchAll(/^(.+) - Level: REQUIRED Status: FAILED$/gm)].map((m) => m[1]);
}

const records = (ms: readonly FitMessage[]) => ms.filter((m) => m.name === 'record').length;

describeCorpus('fitkit repair on damaged corpus files', () => {
  for (const rel of DAMAGED) {
    it(rel, () => {
      const input = readFileSync(corpusPath('fit', rel + '.fit'));
      const before = decodeFit(input);
      expect(before.diagnostics.length, 'the input is damaged').toBeGreaterThan(0);

      const r = salvageFit(input);
      const after = decodeFit(r.bytes);
      expect(after.diagnostics).toEqual([]);
      expect(after.complete).toBe(true);
      // Every message read before the damage is still there, in order, with the same values.
      const key = (m: (typeof before.messages)[number]) => JSON.stringify([m.name, m.fields.map((f) => [f.name, String(f.raw)])]);
      expect(after.messages.map(key)).toEqual(before.messages.map(key));
      expect(after.messages.filter((m) => m.name === 'record').length).toBe(before.messages.filter((m) => m.name === 'record').length);

      const sdk = new Decoder(Stream.fromByteArray(r.bytes));
      expect(sdk.isFIT()).toBe(true);
      expect(sdk.checkIntegrity()).toBe(true);
      expect(r.changes.length).toBeGreaterThan(0);
    });
  }

  it('never changes an intact file but for its header', () => {
    const input = readFileSync(corpusPath('fit', 'python-fitparse/Activity.fit'));
    const r = salvageFit(input);
    expect(decodeFit(r.bytes).messages.length).toBe(decodeFit(input).messages.length);
    expect(r.changes).toEqual(['file at byte 0: 12-byte header → 14 bytes with a CRC']);
  });
});

describeCorpus('fitkit repair on damaged corpus activities (MANIFEST.tsv)', () => {
  const files = damagedActivities();

  it('finds them', () => {
    expect(files).toContain('muktihari-fit/activity_truncated');
    expect(files).toContain('python-fitparse/activity-unexpected-eof');
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const rel of files) {
    it(rel, () => {
      const input = readFileSync(corpusPath('fit', rel + '.fit'));
      const before = decodeFit(input, { profile });
      const r = repairFit(input, profile, { timeZone: 'UTC' });

      const report = validateBytes(rel, r.bytes, profile);
      expect(report.readToEnd).toBe(true);
      expect(report.diagnostics.filter((d) => d.level === 'error')).toEqual([]);
      if (CANNOT_PASS[rel]) {
        expect(requiredFailures(r.bytes, rel), CANNOT_PASS[rel]).toEqual(oracleFailures(rel));
      } else {
        expect(requiredFailures(r.bytes, rel)).toEqual([]);
        expect(report.ok).toBe(true);
      }
      expect(new Decoder(Stream.fromByteArray(r.bytes)).checkIntegrity()).toBe(true);

      // Every record read before the damage is still there; the summary only adds messages.
      const after = decodeFit(r.bytes, { profile });
      expect(after.diagnostics).toEqual([]);
      expect(records(after.messages)).toBe(records(before.messages));
      expect(r.added.map((m) => m.message)).toEqual(ADDED[rel] ?? []);
      expect(after.messages.length).toBe(before.messages.length + r.added.length);
    });
  }
});

describeCorpus('fitkit repair on corpus activities that ended without a summary', () => {
  // Garmin's SDK sample: records, events and an activity message, but no lap and no session.
  for (const rel of ['garmin-fit-js-sdk/WithGearChangeData', 'muktihari-fit/WithGearChangeData']) {
    it(rel, () => {
      const input = readFileSync(corpusPath('fit', rel + '.fit'));
      const r = repairFit(input, profile);
      expect(r.added.map((m) => m.message)).toEqual(['lap', 'session']);
      expect(requiredFailures(r.bytes, rel)).toEqual([]);
      expect(new Decoder(Stream.fromByteArray(r.bytes)).checkIntegrity()).toBe(true);
      const ms = decodeFit(r.bytes, { profile }).messages;
      expect(records(ms)).toBe(1979);
      // The timer time computed from the timer events is the device's own, in its activity message.
      const session = ms.find((m) => m.name === 'session')!;
      expect(num(session, 'total_timer_time')).toBe(
        num(
          ms.find((m) => m.name === 'activity')!,
          'total_timer_time',
        ),
      );
    });
  }
});

/**
 * The computation checked against devices: every complete single-session corpus activity, its
 * lap, session and activity taken away, computed again from its records and events, compared
 * with what the device wrote. Disagreements accepted, with the reason:
 */
const DEVICE_DISAGREES: Record<string, Record<string, string>> = {
  'activitylog2/garmin-swim': { total_timer_time: 'pool swims count the rests (timer stopped between intervals) as timer time' },
  'python-fitparse/null_compressed_speed_dist': { total_timer_time: 'the session says 1808 s, its own timer events 1843 s' },
  'rowingdata/workout': { total_timer_time: "the writer stores the session's times 1000 times too large" },
  'python-fitparse/elemnt-bolt-no-application-id-inside-developer-data-id': { total_distance: 'the session counts 7.6 m past the last record' },
  'tormoder-fit/misc__unterminated-strings': {
    total_distance: 'the session counts 4.3 m past the last record',
    avg_heart_rate: 'the device averages from when it started moving (11 s in): 90; over all 32 s: 87',
  },
};

describeCorpus('summary computed from records vs the one the device wrote', () => {
  it('timer time within 0.2 % (1.5 s), distance within 0.5 % (1 m), heart rate within 1 bpm', () => {
    const off: string[] = [];
    let compared = 0;
    for (const rel of corpusFitFiles()) {
      const d = decodeFit(readFileSync(corpusPath('fit', rel + '.fit')), { profile });
      const sessions = d.messages.filter((m) => m.name === 'session');
      const id = d.messages.find((m) => m.name === 'file_id');
      if (!d.complete || !id || num(id, 'type') !== 4 || sessions.length !== 1) continue;
      const plan = missingSummary(
        d.messages.filter((m) => m.name !== 'lap' && m.name !== 'session' && m.name !== 'activity'),
        profile,
      );
      const ours = plan.messages.find((m) => m.message === 'session')!.fields;
      compared++;
      const tolerance: Record<string, (x: number) => number> = {
        total_timer_time: (x) => Math.max(1.5, x * 0.002),
        total_distance: (x) => Math.max(1, x * 0.005),
        avg_heart_rate: () => 1,
        max_heart_rate: () => 1,
      };
      for (const [field, tol] of Object.entries(tolerance)) {
        const device = num(sessions[0], field);
        const computed = ours[field] as number | undefined;
        if (device === null || computed === undefined || Math.abs(device - computed) <= tol(device)) continue;
        if (!DEVICE_DISAGREES[rel]?.[field]) off.push(`${rel}: ${field} device ${device}, computed ${computed}`);
      }
    }
    expect(off).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(70);
  });
});

/** `bytes` (one FIT file) without the data messages `drop` picks: the file as a device that stopped earlier left it. */
function without(bytes: Uint8Array, drop: (m: FitMessage) => boolean): Uint8Array {
  const frames: { offset: number; length: number }[] = [];
  const d = decodeFit(bytes, { profile, onFrame: (f) => (f.kind === 'definition' || f.kind === 'data') && frames.push(f) });
  const dropped = new Set(d.messages.filter(drop).map((m) => m.offset));
  const kept = frames.filter((f) => !dropped.has(f.offset));
  const size = kept.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(14 + size + 2);
  out.set(fitHeader(size, d.headers[0].profileVersion));
  let o = 14;
  for (const f of kept) {
    out.set(bytes.subarray(f.offset, f.offset + f.length), o);
    o += f.length;
  }
  const crc = crc16(out, 0, o);
  out[o] = crc & 0xff;
  out[o + 1] = crc >> 8;
  return out;
}

/** The REQUIRED checks a file fails. */
const failedRequired = (bytes: Uint8Array) =>
  validateBytes('x', bytes, profile)
    .checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED')
    .map((c) => `${c.name}: ${c.reasons.join(' ')} ${c.expected ?? ''}`);

describeCorpus('fitkit repair when the header data size is 0 or short', () => {
  it('crafted: every one of the 200 records after a 0 data size is kept, and the activity passes', () => {
    for (const rel of ['crafted/header-datasize-zero', 'crafted/header12-datasize-zero']) {
      const input = readFileSync(corpusPath('fit', rel + '.fit'));
      expect(validateBytes(rel, input, profile).diagnostics.find((d) => d.code === 'records_past_data_size')?.message).toMatch(/^202 complete message/);
      const r = repairFit(input, profile, { timeZone: 'UTC' });
      const ms = decodeFit(r.bytes, { profile }).messages;
      expect(records(ms), rel).toBe(200); // MANIFEST.tsv: 200 complete records
      expect(r.changes[0]).toBe('file at byte 0: data size 0 → 5498 (205 complete records kept)');
      expect(failedRequired(r.bytes)).toEqual([]);
      expect(new Decoder(Stream.fromByteArray(r.bytes)).checkIntegrity()).toBe(true);
    }
  });

  it('a corpus activity with its data size zeroed, or cut short, keeps every record and its own summary', () => {
    const rel = 'garmin-fit-js-sdk/Activity';
    const original = readFileSync(corpusPath('fit', rel + '.fit'));
    const want = decodeFit(original, { profile }).messages;
    const key = (m: FitMessage) => JSON.stringify([m.name, m.fields.map((f) => [f.name, String(f.raw)])]);
    for (const size of [0, 1000]) {
      const damaged = Uint8Array.from(original); // a temp copy: the corpus file stays as it is
      new DataView(damaged.buffer).setUint32(4, size, true);
      const v = validateBytes(rel, damaged, profile);
      expect(v.ok).toBe(false);
      expect(v.diagnostics.find((d) => d.code === 'records_past_data_size')).toBeDefined();
      const r = repairFit(damaged, profile, { timeZone: 'UTC' });
      expect(r.added).toEqual([]);
      const got = decodeFit(r.bytes, { profile });
      expect(got.diagnostics).toEqual([]);
      expect(got.messages.map(key)).toEqual(want.map(key));
      expect(failedRequired(r.bytes)).toEqual([]);
    }
  });
});

describeCorpus('every repaired activity passes every REQUIRED check', () => {
  it('crafted/laps-without-session', () => {
    const r = repairFit(readFileSync(corpusPath('fit', 'crafted/laps-without-session.fit')), profile, { timeZone: 'UTC' });
    expect(r.added.map((m) => m.message)).toEqual(['lap', 'session', 'activity']);
    expect(failedRequired(r.bytes)).toEqual([]);
  });

  it('complete corpus activities cut short: without session and activity, and without their last lap too', () => {
    const failures: string[] = [];
    let repaired = 0;
    for (const rel of corpusFitFiles()) {
      const bytes = readFileSync(corpusPath('fit', rel + '.fit'));
      const d = decodeFit(bytes, { profile });
      const id = d.messages.find((m) => m.name === 'file_id');
      if (!d.complete || d.headers.length !== 1 || !id || num(id, 'type') !== 4 || failedRequired(bytes).length > 0) continue;
      const laps = d.messages.filter((m) => m.name === 'lap');
      const cuts: [string, (m: FitMessage) => boolean][] = [['no session', (m) => m.name === 'session' || m.name === 'activity']];
      if (laps.length > 1) cuts.push(['no last lap', (m) => m.name === 'session' || m.name === 'activity' || m === laps[laps.length - 1]]);
      for (const [label, drop] of cuts) {
        const r = repairFit(without(bytes, drop), profile, { timeZone: 'UTC' });
        repaired++;
        for (const f of failedRequired(r.bytes)) failures.push(`${rel} (${label}): ${f}`);
      }
    }
    expect(failures).toEqual([]);
    expect(repaired).toBeGreaterThanOrEqual(50);
  });
});
