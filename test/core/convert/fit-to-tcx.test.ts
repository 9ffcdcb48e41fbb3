/** fit2tcx on a multisport FIT built in-test: an Activity per session, laps with totals, TPX values, schema-valid, and back through tcx2fit. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tcxToFit } from '../../../src/core/activity/tcx/tcx-to-fit.js';
import { fitBytesToTcx } from '../../../src/core/convert/fit-to-tcx.js';
import { encodeFit } from '../../../src/core/fit/encode/encoder.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { parseTcx } from '../../../src/core/formats/tcx.js';
import { corpusPath, hasCorpus } from '../../helpers/corpus.js';
import { sdkDecode } from '../../helpers/tcx-sdk.js';
import { gpsbabelTcxRows, validateTcxFiles } from '../../helpers/tcx-tools.js';

const START = new Date('2024-06-01T08:00:00Z');
const at = (s: number) => new Date(START.getTime() + s * 1000);
const SEMI = 2 ** 31 / 180;

/** A run (2 laps of 60 s) then a ride (1 lap of 60 s), a record a second, 3 m/s and 8 m/s. */
function multisport(): Uint8Array {
  return encodeFit(standardProfile(), (e) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer: 'development', product: 0, serial_number: 1, time_created: START });
    let d = 0;
    for (let s = 0; s <= 180; s++) {
      const run = s < 120;
      if (s > 0) d += run ? 3 : 8;
      e.writeMessage('record', {
        timestamp: at(s),
        position_lat: Math.round((45 + s * 1e-4) * SEMI),
        position_long: Math.round(7 * SEMI),
        distance: d,
        enhanced_altitude: 200 + s / 10,
        heart_rate: 120 + (s % 20),
        cadence: run ? 85 : 90,
        enhanced_speed: run ? 3 : 8,
        power: run ? undefined : 200,
      });
    }
    const lap = (i: number, a: number, b: number, sport: string, dist: number) =>
      e.writeMessage('lap', {
        message_index: i,
        timestamp: at(b),
        start_time: at(a),
        total_elapsed_time: b - a,
        total_timer_time: b - a,
        total_distance: dist,
        total_calories: 10 + i,
        avg_heart_rate: 130,
        max_heart_rate: 139,
        avg_cadence: sport === 'running' ? 85 : 90,
        lap_trigger: i === 0 ? 'distance' : 'manual',
        sport,
        avg_power: sport === 'cycling' ? 200 : undefined,
        enhanced_avg_speed: sport === 'running' ? 3 : 8,
      });
    lap(0, 0, 60, 'running', 180);
    lap(1, 60, 120, 'running', 180);
    e.writeMessage('session', {
      message_index: 0,
      timestamp: at(120),
      start_time: at(0),
      total_elapsed_time: 120,
      total_timer_time: 120,
      total_distance: 360,
      sport: 'running',
      first_lap_index: 0,
      num_laps: 2,
    });
    lap(2, 120, 180, 'cycling', 480);
    e.writeMessage('session', {
      message_index: 1,
      timestamp: at(180),
      start_time: at(120),
      total_elapsed_time: 60,
      total_timer_time: 60,
      total_distance: 480,
      sport: 'cycling',
      first_lap_index: 2,
      num_laps: 1,
    });
  });
}

describe('fit2tcx: FIT activity to TCX', () => {
  it('multisport: an Activity per session with its laps, totals and trackpoints; TPX speed, run cadence and watts', async () => {
    const fit = multisport();
    expect(sdkDecode(fit).integrity).toBe(true);
    const { tcx, summary } = await fitBytesToTcx(fit, standardProfile());
    expect(summary).toEqual({ activities: 2, laps: 3, trackpoints: 181, skipped: 0 });
    const w = parseTcx(tcx);
    expect(w.activities.map((a) => a.sport)).toEqual(['Running', 'Biking']);
    expect(w.laps.map((l) => [l.activity, l.totalTime, l.distance, l.calories, l.trigger])).toEqual([
      [0, 60, 180, 10, 'Distance'],
      [0, 60, 180, 11, 'Manual'],
      [1, 60, 480, 12, 'Manual'],
    ]);
    const p = w.points;
    expect(p.n).toBe(181);
    // Records go to the lap whose time span holds them.
    expect([p.lap[0], p.lap[59], p.lap[60], p.lap[119], p.lap[120], p.lap[180]]).toEqual([0, 0, 1, 1, 2, 2]);
    expect(p.get(10)).toMatchObject({ distance: 30, heartRate: 130, cadence: 85, speed: 3, altitude: 201 });
    expect(p.get(150)).toMatchObject({ cadence: 90, speed: 8, watts: 200 });
    expect(p.get(150).lat).toBeCloseTo(45.015, 6);
    // Run cadence goes in TPX, bike cadence in <Cadence>.
    expect(tcx).toContain('<ns3:RunCadence>85</ns3:RunCadence>');
    expect(tcx).toContain('<Cadence>90</Cadence>');
    expect(tcx).toContain('<ns3:LX><ns3:AvgSpeed>8</ns3:AvgSpeed><ns3:AvgWatts>200</ns3:AvgWatts></ns3:LX>');

    // tcx2fit of it: the records, the laps (as the TCX has them) and the records' distance (119 × 3 m + 61 × 8 m) back.
    const back = tcxToFit(standardProfile(), w, { timeZone: 'UTC' });
    expect(back.summary).toMatchObject({ records: 181, laps: 3, sessions: 2, distance: 845, elapsed: 180 });
  });

  it.runIf(hasCorpus)('the TCX validates against the TCX and ActivityExtension v2 schemas, and gpsbabel reads its 181 points', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fitkit-fit2tcx-')), 'multi.tcx');
    writeFileSync(file, (await fitBytesToTcx(multisport(), standardProfile())).tcx);
    expect(validateTcxFiles([file], corpusPath('xsd'))).toEqual({ failed: [], errors: '' });
    expect(gpsbabelTcxRows([file])).toHaveLength(181);
  });

  it('not FIT, or no timed records: a one-line error', async () => {
    await expect(fitBytesToTcx(new TextEncoder().encode('hello, not a FIT file'), standardProfile())).rejects.toThrow(/FIT/);
    const empty = encodeFit(standardProfile(), (e) => e.writeMessage('file_id', { type: 'activity', manufacturer: 'development', product: 0, serial_number: 1, time_created: START }));
    await expect(fitBytesToTcx(empty, standardProfile())).rejects.toThrow('no timed records: nothing to write as trackpoints');
  });
});
