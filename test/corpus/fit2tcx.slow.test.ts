/**
 * fit2tcx over every corpus FIT file: every activity with timed records converts; the TCX
 * validates against Garmin's TrainingCenterDatabase v2 and ActivityExtension v2 schemas
 * (xmllint, one run for all files); gpsbabel reads its track; and tcx2fit of it gives back the
 * records, laps and lap totals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tcxToFit } from '../../src/core/activity/tcx/tcx-to-fit.js';
import { fitBytesToTcx } from '../../src/core/convert/fit-to-tcx.js';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import { messageToObject, type MessageObject } from '../../src/core/fit/decode/values.js';
import { FIT_EPOCH_S, FIT_MIN_ABSOLUTE } from '../../src/core/fit/kit/time.js';

const FIT_EPOCH_MS = FIT_EPOCH_S * 1000;
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { parseTcx } from '../../src/core/formats/tcx.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import { gpsbabelTcxRows, validateTcxFiles } from '../helpers/tcx-tools.js';

interface Converted {
  rel: string;
  file: string;
  tcx: string;
  messages: MessageObject[];
}

describeCorpus('fit2tcx over the corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-fit2tcx-'));
  const converted: Converted[] = [];
  const refused: { rel: string; code: string; timedRecords: number }[] = [];

  it('every corpus file with timed records converts; the others are refused as having none', async () => {
    const profile = standardProfile();
    for (const rel of corpusFitFiles()) {
      const bytes = readFileSync(corpusPath('fit', rel + '.fit'));
      const messages = decodeFit(bytes, { profile })
        .messages.filter((m) => m.name === 'record' || m.name === 'lap')
        .map((m) => messageToObject(m, { dates: 'raw' }));
      try {
        const { tcx } = await fitBytesToTcx(bytes, profile);
        const file = join(dir, rel.replaceAll('/', '__') + '.tcx');
        writeFileSync(file, tcx);
        converted.push({ rel, file, tcx, messages });
      } catch (e) {
        const timedRecords = messages.filter((m) => m.name === 'record' && typeof m.fields.timestamp === 'number').length;
        refused.push({ rel, code: (e as { code: string }).code, timedRecords });
      }
    }
    expect(converted.length).toBeGreaterThanOrEqual(100);
    for (const r of refused) expect(r, r.rel).toMatchObject({ timedRecords: 0 });
    expect(new Set(refused.map((r) => r.code)).size).toBeLessThanOrEqual(3);
  });

  it('every TCX validates against TrainingCenterDatabasev2.xsd and ActivityExtensionv2.xsd (xmllint)', () => {
    const { failed, errors } = validateTcxFiles(
      converted.map((c) => c.file),
      corpusPath('xsd'),
    );
    expect(failed, errors).toEqual([]);
  });

  it('gpsbabel reads every TCX (one run): one track point per trackpoint with a position (gpsbabel leaves out latitude 0)', () => {
    const positioned = (c: Converted) => [...c.tcx.matchAll(/<LatitudeDegrees>([^<]+)</g)].filter((m) => Number(m[1]) !== 0).length;
    expect(gpsbabelTcxRows(converted.map((c) => c.file)).length).toBe(converted.reduce((n, c) => n + positioned(c), 0));
  });

  it("tcx2fit of the TCX gives back the records (one per time), the laps and the FIT laps' totals", () => {
    const profile = standardProfile();
    let roundTrips = 0;
    for (const c of converted) {
      const w = parseTcx(c.tcx);
      const times = new Set([...c.tcx.matchAll(/<Time>([^<]+)<\/Time>/g)].map((m) => m[1]));
      // Times since power-on with nothing to anchor them (no timestamp_correlation, no time_created) stay in 1990: tcx2fit refuses those.
      const relative = c.messages.filter((m) => m.name === 'record' && (m.fields.timestamp as number) < FIT_MIN_ABSOLUTE).length;
      if (relative > 0 && [...times].every((t) => t.startsWith('1989') || t.startsWith('1990'))) {
        expect(() => tcxToFit(profile, w, { timeZone: 'UTC' }), c.rel).toThrow('no trackpoint with a time FIT can hold');
        continue;
      }
      const { summary } = tcxToFit(profile, w, { timeZone: 'UTC' });
      expect(summary.records, c.rel).toBe(times.size);
      const lapsWithPoints = new Set(Array.from({ length: w.points.n }, (_, i) => w.points.lap[i])).size;
      expect(summary.laps, c.rel).toBe(lapsWithPoints);
      roundTrips++;
    }
    expect(roundTrips).toBeGreaterThanOrEqual(converted.length - 3);
  });

  it("the TCX laps carry the FIT laps' totals (timer time, distance, calories)", () => {
    let laps = 0;
    for (const c of converted) {
      const w = parseTcx(c.tcx);
      const unused = [...w.laps];
      for (const m of c.messages) {
        const f = m.fields;
        if (m.name !== 'lap' || typeof f.start_time !== 'number' || f.start_time < FIT_MIN_ABSOLUTE) continue;
        const at = unused.findIndex((l) => l.start?.getTime() === (f.start_time as number) * 1000 + FIT_EPOCH_MS);
        expect(at, `${c.rel}: a TCX lap for the FIT lap at ${f.start_time}`).toBeGreaterThanOrEqual(0);
        const [l] = unused.splice(at, 1);
        const timer = (f.total_timer_time ?? f.total_elapsed_time) as number | undefined;
        if (timer !== undefined) expect(l.totalTime, c.rel).toBeCloseTo(timer, 2);
        if (typeof f.total_distance === 'number') expect(l.distance, c.rel).toBeCloseTo(f.total_distance, 1);
        if (typeof f.total_calories === 'number') expect(l.calories, c.rel).toBe(f.total_calories);
        laps++;
      }
    }
    expect(laps).toBeGreaterThan(200);
  });
});
