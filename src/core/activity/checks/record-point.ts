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
  #lastDef: DefinitionFrame | undefined;
  #lastLayout: Layout | null = null;
  /** The point read last, filled again by each read: no object per record (millions in a big file). */
  #pt: RecordPoint = { offset: 0, t: null, lat: null, lon: null };

  /**
   * The point of a record data message (RawDecoder's onRecord arguments), or undefined when the
   * definition is not a record's or not a plain one (the interpreter then decodes it). The point
   * is the reader's own, valid until the next read: copy what you keep.
   */
  read(def: DefinitionFrame, dv: DataView, p: number, timestamp: number, offset: number): RecordPoint | undefined {
    if (def.globalNum !== RECORD_MESG) return undefined;
    let l: Layout | null | undefined;
    if (def === this.#lastDef) l = this.#lastLayout;
    else {
      // Records mostly follow one definition: the map is looked up when it changes.
      l = this.#layouts.get(def);
      if (l === undefined) this.#layouts.set(def, (l = layoutOf(def)));
      this.#lastDef = def;
      this.#lastLayout = l;
    }
    if (l === null) return undefined;
    const le = !def.bigEndian;
    const pt = this.#pt;
    pt.offset = offset;
    // The compressed-header time comes first, as the interpreter lists it.
    if (timestamp >= 0) pt.t = timestamp;
    else if (l.t < 0) pt.t = null;
    else {
      const own = dv.getUint32(p + l.t, le);
      pt.t = own === 0xffffffff ? null : own;
    }
    pt.lat = sint32(dv, p, l.lat, le);
    pt.lon = sint32(dv, p, l.lon, le);
    return pt;
  }
}

/** A sint32 at `p + o` (o < 0: the field is not there), null when invalid. */
function sint32(dv: DataView, p: number, o: number, le: boolean): number | null {
  if (o < 0) return null;
  const v = dv.getInt32(p + o, le);
  return v === 0x7fffffff ? null : v;
}
