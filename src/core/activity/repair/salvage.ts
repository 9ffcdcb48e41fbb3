/**
 * Salvage of a damaged FIT file: every complete record is kept, byte for byte and in order;
 * what cannot be read (a record cut off at the end, garbage after a file or between chained
 * files, what follows a record the decoder cannot place) is dropped; each FIT file gets a fresh
 * 14-byte header with the right data size and header CRC, and a recomputed file CRC. A header
 * whose data size is 0 or short of its records (a device that crashed before writing it) does
 * not count: the decoder reads on to the last complete record (RawDecoder, readPastDataSize).
 *
 * Records are copied, not re-encoded, so nothing the decoder does not understand is lost:
 * unknown messages, developer data and compressed timestamps survive as the device wrote them.
 *
 * Streaming, in two passes over the input: SalvageCollector takes the frames of the first and
 * keeps where the records are (a few ranges per file); writeSalvaged() copies them in the second.
 */
import { crc16 } from '../../bytes/crc16.js';
import type { Diagnostic } from '../../errors.js';
import type { Frame, HeaderFrame } from '../../fit/decode/frames.js';
import { RawDecoder } from '../../fit/decode/raw.js';
import { fitHeader } from '../../fit/encode/writer.js';

export interface SalvagedFile {
  /** Where this FIT file's header was in the input. */
  offset: number;
  records: number;
  dataMessages: number;
  /** Bytes of records kept (the new header's data size). */
  dataSize: number;
}

export interface SalvageResult {
  bytes: Uint8Array;
  files: SalvagedFile[];
  /** What the decoder found in the input, with byte offsets. */
  diagnostics: Diagnostic[];
  /** One line per change, for people. */
  changes: string[];
}

/** One FIT file of the input as the first pass found it. */
export interface FoundFile {
  header: HeaderFrame;
  /** [start, end) ranges of kept records in the input. */
  ranges: [number, number][];
  dataSize: number;
  records: number;
  dataMessages: number;
}

/** The first pass: feed it every frame of the input, in order. */
export class SalvageCollector {
  readonly files: FoundFile[] = [];
  #cur: FoundFile | undefined;

  frame(f: Frame): void {
    if (f.kind === 'header') {
      this.#cur = { header: f, ranges: [], dataSize: 0, records: 0, dataMessages: 0 };
      this.files.push(this.#cur);
    } else if (f.kind === 'definition' || f.kind === 'data') this.record(f.offset, f.length, f.kind === 'data');
  }

  /** A complete record, also one the decoder handed to onRecord instead of a frame. */
  record(offset: number, length: number, data: boolean): void {
    const cur = this.#cur;
    if (!cur) return;
    const last = cur.ranges[cur.ranges.length - 1];
    if (last && last[1] === offset) last[1] = offset + length;
    else cur.ranges.push([offset, offset + length]);
    cur.dataSize += length;
    cur.records++;
    if (data) cur.dataMessages++;
  }

  /** The files worth writing: those with a complete data message. */
  kept(): FoundFile[] {
    return this.files.filter((f) => f.dataMessages > 0);
  }

  /** One line per change, for people; `raw` is the first pass's decoder, `size` the input's. */
  changes(raw: RawDecoder, size: number): string[] {
    const changes: string[] = [];
    for (const f of this.kept()) {
      if (f.header.dataSize !== f.dataSize) {
        changes.push(`file at byte ${f.header.offset}: data size ${f.header.dataSize} → ${f.dataSize} (${f.records} complete records kept)`);
      }
      if (f.header.headerSize !== 14) changes.push(`file at byte ${f.header.offset}: ${f.header.headerSize}-byte header → 14 bytes with a CRC`);
    }
    for (const f of this.files) if (f.dataMessages === 0) changes.push(`file at byte ${f.header.offset}: no complete data message, left out`);
    for (const d of raw.diagnostics) {
      if (d.code === 'crc_mismatch') changes.push(`file CRC recomputed (was wrong, at byte ${d.offset})`);
      else if (d.code === 'crc_missing' || (d.code === 'truncated' && d.offset >= size && raw.position >= size)) {
        changes.push(`file CRC written (there was none before byte ${d.offset})`);
      } else if (d.level === 'error' || d.code === 'trailing_bytes') changes.push(`dropped from byte ${d.offset}: ${d.message}`);
    }
    return changes;
  }
}

export function salvagedFiles(kept: readonly FoundFile[]): SalvagedFile[] {
  return kept.map((f) => ({ offset: f.header.offset, records: f.records, dataMessages: f.dataMessages, dataSize: f.dataSize }));
}

/**
 * The second pass: writes the kept files, their records copied from `chunks` (the input again,
 * from its start), to `sink` in pieces. `append` adds records at the end of the data of the
 * kept file at that index (the header's data size counts them).
 */
export function writeSalvaged(kept: readonly FoundFile[], chunks: Iterable<Uint8Array>, sink: (chunk: Uint8Array) => void, append?: { file: number; records: Uint8Array }): number {
  let written = 0;
  let crc = 0;
  let file = -1;
  let range = 0;
  const out = (b: Uint8Array) => {
    if (b.length === 0) return;
    crc = crc16(b, 0, b.length, crc);
    written += b.length;
    sink(b);
  };
  const extra = (k: number) => (append && append.file === k ? append.records : undefined);
  const close = () => {
    const more = extra(file);
    if (more) out(more);
    const tail = new Uint8Array([crc & 0xff, crc >> 8]);
    written += 2;
    sink(tail);
  };
  const open = (k: number) => {
    if (file >= 0) close();
    file = k;
    range = 0;
    crc = 0;
    const f = kept[k];
    out(fitHeader(f.dataSize + (extra(k)?.length ?? 0), f.header.profileVersion, f.header.protocolVersion));
  };
  if (kept.length > 0) open(0);
  let base = 0;
  for (const chunk of chunks) {
    const end = base + chunk.length;
    while (file >= 0 && file < kept.length) {
      const r = kept[file].ranges[range];
      if (!r) {
        if (file + 1 >= kept.length) break;
        open(file + 1);
        continue;
      }
      if (r[0] >= end) break;
      const a = Math.max(r[0], base);
      const b = Math.min(r[1], end);
      if (b > a) out(chunk.subarray(a - base, b - base));
      if (r[1] > end) break;
      range++;
    }
    base = end;
  }
  // Files (or their ends) past the input's end cannot have records left; close what is open.
  while (file >= 0 && file + 1 < kept.length) open(file + 1);
  if (file >= 0) close();
  return written;
}

/** Salvages a file held in memory. */
export function salvageFit(input: Uint8Array): SalvageResult {
  const c = new SalvageCollector();
  const raw = new RawDecoder((f) => c.frame(f), { values: false });
  raw.push(input);
  raw.end();
  const kept = c.kept();
  const parts: Uint8Array[] = [];
  writeSalvaged(kept, [input], (b) => parts.push(b));
  return { bytes: concat(parts), files: salvagedFiles(kept), diagnostics: raw.diagnostics, changes: c.changes(raw, input.length) };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
