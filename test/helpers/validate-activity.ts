/**
 * Small activity files for the validate tests, built in code: a clean one that passes every
 * REQUIRED check of Garmin's checklist, and the same file with one thing wrong.
 */
import { BaseType } from '../../src/core/fit/proto/base-types.js';
import { FILE_ID_FIELDS, FitBuilder, MesgNum, type Value } from './fit-builder.js';

const T0 = 1_000_000_000; // FIT seconds (2021-09-09)
const U32 = BaseType.uint32;
const U16 = BaseType.uint16;
const ts = { num: 253, size: 4, type: U32 };

export interface ActivityShape {
  /** Record timestamps, seconds after the start (default 0..9). */
  recordOffsets?: number[];
  /** Laps as [start offset, elapsed seconds] (default one lap over the whole session). */
  laps?: [number, number][];
  /** Leave these messages out. */
  omit?: ('file_id' | 'activity' | 'session' | 'lap' | 'record' | 'device_info')[];
  /** Activity local_timestamp minus timestamp (default +3600). */
  localOffset?: number | null;
  /** Session sub_sport (default 0, generic); null leaves it invalid. */
  subSport?: number | null;
  /** file_id.type (default 4, activity). */
  fileType?: number;
  /** Lap message_index values (default 0, 1, 2, …). */
  lapIndexes?: number[];
}

export function activityFit(shape: ActivityShape = {}): Uint8Array {
  const omit = new Set(shape.omit ?? []);
  const recs = shape.recordOffsets ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const laps = shape.laps ?? [[0, 10]];
  const elapsed = laps.reduce((s, l) => s + l[1], 0);
  const b = new FitBuilder();
  if (!omit.has('file_id')) {
    b.define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [shape.fileType ?? 4, 1, 1, 1234, T0]);
  }
  if (!omit.has('device_info')) {
    b.define(1, MesgNum.deviceInfo, [ts, { num: 0, size: 1, type: BaseType.uint8 }, { num: 2, size: 2, type: U16 }]).data(1, [T0, 0, 1]);
  }
  if (!omit.has('record')) {
    b.define(2, MesgNum.record, [ts, { num: 3, size: 1, type: BaseType.uint8 }]);
    for (const r of recs) b.data(2, [T0 + r, 120]);
  }
  if (!omit.has('lap')) {
    b.define(3, MesgNum.lap, [ts, { num: 2, size: 4, type: U32 }, { num: 7, size: 4, type: U32 }, { num: 8, size: 4, type: U32 }, { num: 254, size: 2, type: U16 }]);
    laps.forEach(([start, secs], i) => b.data(3, [T0 + start + secs, T0 + start, secs * 1000, secs * 1000, shape.lapIndexes?.[i] ?? i]));
  }
  if (!omit.has('session')) {
    b.define(4, MesgNum.session, [
      ts,
      { num: 2, size: 4, type: U32 },
      { num: 7, size: 4, type: U32 },
      { num: 8, size: 4, type: U32 },
      { num: 5, size: 1, type: BaseType.enum },
      { num: 6, size: 1, type: BaseType.enum },
      { num: 25, size: 2, type: U16 },
      { num: 26, size: 2, type: U16 },
      { num: 254, size: 2, type: U16 },
    ]);
    const subSport: Value = shape.subSport === undefined ? 0 : shape.subSport;
    b.data(4, [T0 + elapsed, T0, elapsed * 1000, elapsed * 1000, 1, subSport, 0, laps.length, 0]);
  }
  if (!omit.has('activity')) {
    b.define(5, MesgNum.activity, [ts, { num: 0, size: 4, type: U32 }, { num: 1, size: 2, type: U16 }, { num: 5, size: 4, type: U32 }]);
    const local: Value = shape.localOffset === null ? null : T0 + elapsed + (shape.localOffset ?? 3600);
    b.data(5, [T0 + elapsed, elapsed * 1000, 1, local]);
  }
  return b.build();
}
