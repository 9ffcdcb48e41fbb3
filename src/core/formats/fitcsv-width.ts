/**
 * The width of FitCSVTool's header row, known before any row is written, so rows can stream.
 *
 * The header has as many field triplets as the widest row of the whole file. Definition rows are
 * exact from the definitions. A data row's width depends on its values too: invalid values drop
 * fields, subfields choose components, components add fields, developer fields bind to
 * descriptions read earlier. So each definition gets an upper bound on its data rows' width, and
 * a data record is decoded (through the same interpreter and the same FitCsvWriter.shows() rule
 * as the rows) only when that bound exceeds the widest row found so far; every other record is
 * skipped by the raw layer without being read. developer_data_id and field_description records
 * are always decoded: they decide what developer fields are.
 */
import type { Diagnostic } from '../errors.js';
import type { DefinitionFrame } from '../fit/decode/frames.js';
import { RawDecoder } from '../fit/decode/raw.js';
import type { Profile } from '../fit/profile/profile.js';
import type { MessageDef } from '../fit/profile/types.js';
import { baseTypeOf } from '../fit/proto/base-types.js';
import { FitCsvWriter, csvInterpreter, csvRawOptions, type BoundDevField, type FitCsvRunOptions } from './fitcsv.js';

const FIELD_DESCRIPTION = 206;
const DEVELOPER_DATA_ID = 207;
const BYTE = baseTypeOf(0x0d)!;

export interface FitCsvWidth {
  /** Field triplets of the header row: the widest row. */
  width: number;
  /** Rows of the main CSV (definition and data rows); 0: FitCSVTool writes no file. */
  rows: number;
  /** Data records read, and data records decoded to find the width. */
  records: number;
  decoded: number;
  /** False when decoding stopped early. */
  complete: boolean;
  /** FIT files begun (chained files follow one another in one input). */
  files: number;
  /** The CRCs were checked (else a file CRC mismatch goes unseen, and decoding goes on past it). */
  crcChecked: boolean;
  diagnostics: Diagnostic[];
}

export class FitCsvPrescan {
  #decoder: RawDecoder;
  #width = 0;
  #rows = 0;
  #records = 0;
  #decoded = 0;
  #crc: boolean;

  /** `crc`: check the CRCs (see fitCsvWidth for when they change nothing). */
  constructor(opts: FitCsvRunOptions, crc = true) {
    this.#crc = crc;
    const interp = csvInterpreter(opts);
    const writer = new FitCsvWriter(opts.profile, () => {}, opts);
    const expand = opts.expandComponents ?? true;
    /** Per local message type, for its current definition: most field triplets a data row can have (a compressed timestamp aside), -1 for no row. */
    const bounds: number[] = new Array(16).fill(-1);
    this.#decoder = new RawDecoder(
      (f) => {
        if (f.kind === 'definition') {
          interp.frame(f);
          const dev = interp.devBinding(f);
          const w = writer.definitionWidth(f, dev);
          if (w >= 0) {
            this.#rows++;
            this.#widen(w);
          }
          bounds[f.local] = dataBound(opts.profile, writer, f, dev, expand, opts.hideUnknown ?? false);
        } else if (f.kind === 'data') {
          this.#decoded++;
          this.#widen(writer.dataWidth(interp.message(f)));
        }
      },
      {
        ...csvRawOptions(undefined, (def, b, _dv, p, timestamp, _offset, limit) => {
          const bound = bounds[def.local];
          if (def.globalNum === FIELD_DESCRIPTION || def.globalNum === DEVELOPER_DATA_ID || bound + (timestamp >= 0 ? 1 : 0) > this.#width) {
            this.#records++;
            if (bound >= 0) this.#rows++;
            return false;
          }
          // Skipped unread, with the records of the same definition that follow (plain headers, so
          // the same bound): one call per run, not per record.
          const len = def.dataSize + 1;
          let n = 1;
          if (timestamp < 0) for (let q = p - 1 + len; q + len <= limit && b[q] === def.local; q += len) n++;
          this.#records += n;
          if (bound >= 0) this.#rows += n;
          return n;
        }),
        crc,
      },
    );
  }

  #widen(w: number): void {
    if (w > this.#width) this.#width = w;
  }

  get stopped(): boolean {
    return this.#decoder.stopped;
  }

  push(chunk: Uint8Array): void {
    this.#decoder.push(chunk);
  }

  end(): FitCsvWidth {
    this.#decoder.end();
    const d = this.#decoder;
    return {
      width: this.#width,
      rows: this.#rows,
      records: this.#records,
      decoded: this.#decoded,
      complete: !d.stopped,
      files: d.counts.files,
      crcChecked: this.#crc,
      diagnostics: d.diagnostics,
    };
  }
}

/** Reads the whole input once and returns the header's width (and whether there is any row); `crc` as FitCsvPrescan's. */
export async function fitCsvWidth(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: FitCsvRunOptions, crc = true): Promise<FitCsvWidth> {
  const scan = new FitCsvPrescan(opts, crc);
  for await (const chunk of source) {
    scan.push(chunk);
    if (scan.stopped) break;
  }
  return scan.end();
}

/**
 * Most field triplets a data row of `def` can have, a compressed-header timestamp aside; -1 when
 * its data messages make no row. Every field the interpreter can make counts once: each stored
 * field number (repeats merge), each field components can expand into (expansions into one field
 * number merge, and go into a stored field of that number that is wide enough), each developer
 * field.
 */
function dataBound(profile: Profile, writer: FitCsvWriter, def: DefinitionFrame, dev: readonly (BoundDevField | undefined)[], expand: boolean, hideUnknown: boolean): number {
  const mdef = profile.message(def.globalNum);
  if (!writer.showsData(mdef?.name ?? 'unknown', mdef !== undefined)) return -1;
  /** Stored field number → its narrowest declared type size (a number listed again is one field). */
  const stored = new Map<number, number>();
  const targets = new Set<number>();
  for (const fd of def.fields) {
    const pdef = mdef?.fields.get(fd.num);
    if (!pdef && hideUnknown) continue;
    const size = (fd.baseType ?? BYTE).size;
    stored.set(fd.num, Math.min(size, stored.get(fd.num) ?? size));
    if (pdef && expand) expansionTargets(mdef!, fd.num, targets);
  }
  // An expansion into a stored field at least as wide as the target's type goes into it (or, when
  // that one holds only invalid values, takes its place in the row): no cell more.
  let expanded = 0;
  for (const t of targets) if ((stored.get(t) ?? 0) < mdef!.fields.get(t)!.baseType.size) expanded++;
  let devShown = 0;
  for (let i = 0; i < def.devFields.length; i++) if (dev[i] || !hideUnknown) devShown++;
  return stored.size + expanded + devShown;
}

/** Adds every field number that `fieldNum`'s components (its subfields' too) expand into, cascades included. */
function expansionTargets(mdef: MessageDef, fieldNum: number, into: Set<number>): void {
  const f = mdef.fields.get(fieldNum);
  if (!f) return;
  for (const comps of [f.components, ...f.subfields.map((s) => s.components)]) {
    for (const c of comps) {
      if (into.has(c.fieldNum) || !mdef.fields.has(c.fieldNum)) continue;
      into.add(c.fieldNum);
      expansionTargets(mdef, c.fieldNum, into);
    }
  }
}
