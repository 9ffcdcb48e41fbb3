/**
 * What validate and repair's first pass need of each record: its time and position. Records are
 * most of a big file, so for plain definitions these are read straight from the record's bytes
 * (RecordPointReader, for RawDecoder's onRecord) instead of building the whole message; the
 * values are the ones `num()` gives on the decoded message.
 */
import type { DefinitionFrame } from '../../fit/decode/frames.js';
import type { FitMessage } from '../../fit/decode/message.js';
import { num } from '../../fit/decode/values.js';

export interface RecordPoint {
  /** Byte offset of the record. */
  offset: number;
  /** FIT seconds; null without a timestamp. */
  t: number | null;
  /** Semicircles; null when absent or invalid. */
  lat: number | null;
  lon: number | null;
}

export const RECORD_MESG = 20;

export function recordPoint(m: FitMessage): RecordPoint {
  return { offset: m.offset, t: num(m, 'timestamp'), lat: num(m, 'position_lat'), lon: num(m, 'position_long') };
}

/** Where a definition keeps timestamp, position_lat and position_long (-1: not there). */
interface Layout {
  t: number;
  lat: number;
  lon: number;
}

/** Offsets of the three fields, or null when one is stored in a way only the interpreter reads. */
function layoutOf(def: DefinitionFrame): Layout | null {
  const l: Layout = { t: -1, lat: -1, lon: -1 };
  let at = 0;
  for (const f of def.fields) {
    const want = f.num === 253 ? 'uint32' : f.num === 0 || f.num === 1 ? 'sint32' : undefined;
    if (want) {
      if (f.size !== 4 || f.baseType?.name !== want) return null;
      const key = f.num === 253 ? 't' : f.num === 0 ? 'lat' : 'lon';
      if (l[key] >= 0) return null;
      l[key] = at;
    }
    at += f.size;
  }
  return l;
}

export class RecordPointReader {
  #layouts = new WeakMap<DefinitionFrame, Layout | null>();

  /**
   * The point of a record data message (RawDecoder's onRecord arguments), or undefined when the
   * definition is not a record's or not a plain one (the interpreter then decodes it).
   */
  read(def: DefinitionFrame, dv: DataView, p: number, timestamp: number, offset: number): RecordPoint | undefined {
    if (def.globalNum !== RECORD_MESG) return undefined;
    let l = this.#layouts.get(def);
    if (l === undefined) this.#layouts.set(def, (l = layoutOf(def)));
    if (l === null) return undefined;
    const le = !def.bigEndian;
    const u = (o: number) => (o < 0 ? null : dv.getUint32(p + o, le));
    const s = (o: number) => {
      const v = o < 0 ? null : dv.getInt32(p + o, le);
      return v === 0x7fffffff ? null : v;
    };
    // The compressed-header time comes first, as the interpreter lists it.
    const own = u(l.t);
    const t = timestamp >= 0 ? timestamp : own === 0xffffffff ? null : own;
    return { offset, t, lat: s(l.lat), lon: s(l.lon) };
  }
}
