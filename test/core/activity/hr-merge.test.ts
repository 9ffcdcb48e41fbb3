/**
 * HRM-Swim / HRM-Tri heart rate merged into records. Oracle: the Garmin FIT SDK's own
 * mergeHeartRates (its Decoder does it by default), on the corpus files that carry `hr` messages.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { HrExpander, HrMerger } from '../../../src/core/activity/gpx/hr-merge.js';
import { decodeFitObjects } from '../../../src/core/fit/decode/objects.js';
import type { MessageObject } from '../../../src/core/fit/decode/values.js';
import { FIT_EPOCH_S } from '../../../src/core/fit/kit/time.js';
import { corpusPath, describeCorpus } from '../../helpers/corpus.js';

describe('HrExpander / HrMerger', () => {
  const hr = (fields: Record<string, unknown>) => ({ name: 'hr', num: 132, offset: 7, fields }) as MessageObject;

  it('anchors event_timestamp to FIT time and fills gaps up to 5 s in 250 ms steps', () => {
    const x = new HrExpander();
    x.add(hr({ timestamp: 1000, fractional_timestamp: 0.5, event_timestamp: 10, filtered_bpm: 100 }));
    x.add(hr({ event_timestamp: [11, 20], filtered_bpm: [110, 120] }));
    expect(x.samples[0]).toEqual({ t: 1000.5, bpm: 100 });
    // 1 s gap: 3 fill samples at 250 ms, then the real one.
    expect(x.samples.slice(1, 5)).toEqual([
      { t: 1000.75, bpm: 100 },
      { t: 1001, bpm: 100 },
      { t: 1001.25, bpm: 100 },
      { t: 1001.5, bpm: 110 },
    ]);
    // 9 s gap: filled for 5 s only (20 steps).
    expect(x.samples.filter((s) => s.bpm === 110)).toHaveLength(21);
  });

  it('skips hr messages before an anchor with a warning instead of throwing', () => {
    const x = new HrExpander();
    x.add(hr({ event_timestamp: [1, 2], filtered_bpm: [90, 91] }));
    expect(x.samples).toEqual([]);
    expect(x.warnings).toEqual(['hr message before any anchor timestamp (at byte 7)']);
  });

  it('gives each record the rounded mean of the samples since the previous record', () => {
    const m = new HrMerger([
      { t: 0.5, bpm: 100 },
      { t: 1, bpm: 101 },
      { t: 1.5, bpm: 110 },
      { t: 2, bpm: 111 },
      { t: 3.5, bpm: 130 },
    ]);
    expect([m.next(1), m.next(2), m.next(3), m.next(4)]).toEqual([101, 111, undefined, undefined]);
  });
});

describeCorpus('hr merging against the Garmin FIT SDK', () => {
  const files = ['tormoder-fit/fitsdk__activity_poolswim_with_hr.fit', 'garmin-fit-js-sdk/HrmPluginTestActivity.fit', 'python-fitparse/event_timestamp.fit'];
  it.each(files)('%s: every record gets the heart rate the SDK gives it', (name) => {
    const bytes = readFileSync(corpusPath('fit', name));
    const sdk = new Decoder(Stream.fromByteArray([...bytes])).read({ mergeHeartRates: true });
    const sdkRecords = (sdk.messages.recordMesgs ?? []) as { timestamp: Date; heartRate?: number }[];
    const ours = decodeFitObjects(bytes, { dates: 'raw' }).messages;
    const x = new HrExpander();
    for (const m of ours) if (m.name === 'hr') x.add(m);
    const merger = new HrMerger(x.samples);
    const records = ours.filter((m) => m.name === 'record');
    expect(records).toHaveLength(sdkRecords.length);
    let merged = 0;
    records.forEach((r, i) => {
      const own = r.fields.heart_rate as number | undefined;
      const hr = merger.next(r.fields.timestamp as number) ?? own;
      if (hr !== own) merged++;
      expect({ t: (r.fields.timestamp as number) + FIT_EPOCH_S, hr }).toEqual({ t: sdkRecords[i].timestamp.getTime() / 1000, hr: sdkRecords[i].heartRate });
    });
    expect(merged).toBeGreaterThan(0);
  });
});
