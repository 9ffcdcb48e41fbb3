/**
 * Every TCX in the corpus: those with timed trackpoints become FIT activities that Garmin's SDK
 * reads intact and that pass every REQUIRED check of the activity checklist, with the TCX laps
 * (or 500 m laps) adding up to the session and timer time that the timer events give; malformed
 * ones give a one-line error
 * at the line the corpus manifest names. gpsbabel, when installed, reads every position back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tcxToFit } from '../../src/core/activity/tcx/tcx-to-fit.js';
import { ActivityTimer } from '../../src/core/activity/summaries/timer.js';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import { messageToObject } from '../../src/core/fit/decode/values.js';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { parseTcx } from '../../src/core/formats/tcx.js';
import { validateBytes } from '../../src/core/validate/validate-file.js';
import { corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';
import { sdkDecode } from '../helpers/tcx-sdk.js';

/** The timer as the file's timer events run it, over its records' span. */
function timerOf(fit: Uint8Array): ActivityTimer & { start: number; end: number } {
  const msgs = decodeFit(fit).messages.map((x) => messageToObject(x, { dates: 'raw' }));
  const events = msgs.filter((x) => x.name === 'event' && x.fields.event === 0).map((x) => ({ t: Number(x.fields.timestamp), eventType: Number(x.fields.event_type) }));
  const records = msgs.filter((x) => x.name === 'record').map((x) => Number(x.fields.timestamp));
  const start = records[0];
  const end = records[records.length - 1];
  return Object.assign(new ActivityTimer(events, start, end), { start, end });
}

function tcxFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? tcxFiles(p) : n.endsWith('.tcx') ? [p] : [];
    })
    .sort();
}

/** MANIFEST.tsv rows for tcx/… marked KNOWN-MALFORMED: path → the line its XML error is on. */
function malformed(): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of readFileSync(corpusPath('MANIFEST.tsv'), 'utf8').split('\n')) {
    const [path, , , , , , notes] = row.split('\t');
    if (!path?.startsWith('tcx/') || !notes?.includes('KNOWN-MALFORMED')) continue;
    out.set(path.slice(4), Number(/line (\d+)/.exec(notes)?.[1]));
  }
  return out;
}

/** Files that are well-formed TCX but no workout: the error they must give. */
const NOT_WORKOUTS: Record<string, RegExp> = {
  'coxswain/course.tcx': /^line 16: trackpoint without <Time>/, // a course of positions only
  'coxswain/empty.tcx': /^line 6: no trackpoints/, // Coxswain's export of a workout with no snapshots
};

const gpsbabel = spawnSync('gpsbabel', ['-V']).status === 0;

describeCorpus('tcx2fit over the corpus TCX files', () => {
  const root = corpusPath('tcx');
  const files = hasCorpus ? tcxFiles(root).map((p) => relative(root, p)) : [];
  const bad = hasCorpus ? malformed() : new Map<string, number>();
  const out = mkdtempSync(join(tmpdir(), 'fitkit-tcx2fit-corpus-'));
  const tally = { converted: 0, laps: 0, records: 0, pauses: 0, rests: 0, errors: 0, gpsbabel: 0 };
  afterAll(() => {
    process.stderr.write(
      `tcx2fit corpus: ${tally.converted} converted (${tally.records} records, ${tally.laps} laps checked, ${tally.pauses} pauses, ${tally.rests} Coxswain rests), ${tally.errors} clean errors, ${tally.gpsbabel} read back by gpsbabel${gpsbabel ? '' : ' (gpsbabel not installed)'}\n`,
    );
  });

  it("finds the files and the manifest's malformed ones", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(bad.size).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s', (name) => {
    const text = readFileSync(join(root, name), 'utf8');
    const expected = bad.has(name) ? new RegExp(`^line ${bad.get(name)}: not well-formed XML`) : NOT_WORKOUTS[name];
    if (expected) {
      expect(() => parseTcx(text)).toThrow(expected);
      tally.errors++;
      return;
    }
    const w = parseTcx(text);
    const { fit, summary } = tcxToFit(standardProfile(), w, { timeZone: 'UTC' });
    // The corpus files are clean: nothing left out.
    expect(summary.warnings).toEqual([]);
    const sdk = sdkDecode(fit);
    expect(sdk.errors).toEqual([]);
    expect(sdk.integrity).toBe(true);
    // Our own checker, which matches FitCSVTool -t on the whole corpus: no REQUIRED failure.
    const report = validateBytes(name, fit, standardProfile());
    expect(report.checklist?.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED').map((c) => c.name) ?? []).toEqual([]);
    expect(report.ok).toBe(true);
    const m = sdk.messages;
    expect(m.fileIdMesgs[0].type).toBe('activity');
    expect(m.recordMesgs).toHaveLength(w.points.n);
    const laps = m.lapMesgs;
    const session = m.sessionMesgs[0];
    expect(m.activityMesgs).toHaveLength(1);
    expect(m.activityMesgs[0].localTimestamp).toBeDefined();
    expect(m.sessionMesgs).toHaveLength(w.activities.length);
    expect(session.messageIndex).toBe(0);
    expect(session.numLaps).toBe(laps.length);
    // The TCX laps are the FIT laps.
    expect(laps).toHaveLength(w.laps.length);
    expect(laps.map((l) => l.messageIndex)).toEqual(laps.map((_, i) => i));
    const lapTime = laps.reduce((n, l) => n + l.totalElapsedTime, 0);
    expect(Math.abs(lapTime - session.totalElapsedTime)).toBeLessThanOrEqual(1);
    expect(Math.abs(laps.reduce((n, l) => n + l.totalTimerTime, 0) - session.totalTimerTime)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.activityMesgs[0].totalTimerTime - session.totalTimerTime)).toBeLessThanOrEqual(0.001);
    // Timer time as Garmin's timer events give it (our ActivityTimer over the file's events).
    const timer = timerOf(fit);
    expect(Math.abs(timer.within(timer.start, timer.end) - session.totalTimerTime)).toBeLessThanOrEqual(1 + summary.pauses);
    expect(session.totalTimerTime).toBeLessThanOrEqual(session.totalElapsedTime);
    if (summary.pauses > 0) expect(session.totalTimerTime).toBeLessThan(session.totalElapsedTime);
    const speed = w.points.values.speed;
    if (name.startsWith('coxswain-generated/') && speed.some((x) => x === 0)) {
      // Coxswain's rest between pieces: trackpoints with speed 0 go on; the timer stops at the
      // first and starts at the last of them.
      const first = speed.indexOf(0);
      const last = speed.lastIndexOf(0);
      expect(speed.subarray(first, last + 1).every((x) => x === 0)).toBe(true);
      const iso = (i: number) => new Date(w.points.time[i]).toISOString();
      const timerEvents = m.eventMesgs.filter((e) => e.event === 'timer').map((e) => `${e.eventType} ${e.timestamp.toISOString()}`);
      expect(timerEvents.slice(1, 3)).toEqual([`stopAll ${iso(first)}`, `start ${iso(last)}`]);
      expect(session.totalTimerTime).toBe(session.totalElapsedTime - (w.points.time[last] - w.points.time[first]) / 1000);
      tally.rests++;
    }
    const steps = w.laps.reduce((n, l) => n + (l.steps ?? 0), 0);
    const strokes = session.totalStrokes ?? session.totalCycles;
    if (steps > 0) expect(strokes).toBe(Math.round(steps));
    if (steps > 0 || w.points.values.cadence.some((c) => c > 0)) expect(laps.reduce((n, l) => n + (l.totalStrokes ?? l.totalCycles ?? 0), 0)).toBe(strokes);
    // --split 500: laps of 500 m that add up to the same session.
    const split = sdkDecode(tcxToFit(standardProfile(), w, { timeZone: 'UTC', split: 500 }).fit).messages;
    for (const l of split.lapMesgs.slice(0, -1)) expect(Math.abs(l.totalDistance - 500)).toBeLessThanOrEqual(0.5);
    expect(split.sessionMesgs[0].totalTimerTime).toBeCloseTo(session.totalTimerTime, 2);
    expect(Math.abs(split.lapMesgs.reduce((n, l) => n + l.totalTimerTime, 0) - session.totalTimerTime)).toBeLessThanOrEqual(1);
    tally.converted++;
    tally.laps += laps.length + split.lapMesgs.length;
    tally.records += w.points.n;
    tally.pauses += summary.pauses;

    if (!gpsbabel) return;
    const file = join(out, name.replace(/[/\\]/g, '_').replace(/\.tcx$/, '.fit'));
    writeFileSync(file, fit);
    const r = spawnSync('gpsbabel', ['-i', 'garmin_fit', '-f', file, '-o', 'gpx', '-F', '-'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const withPosition = w.points.all().filter((p) => p.lat !== undefined && !(p.lat === 0 && p.lon === 0)).length;
    expect((r.stdout.match(/<trkpt /g) ?? []).length).toBe(withPosition);
    tally.gpsbabel++;
  });
});
