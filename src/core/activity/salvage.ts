/**
 * Salvage of a damaged FIT file: every complete record is kept, byte for byte and in order;
 * what cannot be read (a record cut off at the end, garbage after a file or between chained
 * files, what follows a record the decoder cannot place) is dropped; each FIT file gets a fresh
 * 14-byte header with the right data size and header CRC, and a recomputed file CRC.
 *
 * Records are copied, not re-encoded, so nothing the decoder does not understand is lost:
 * unknown messages, developer data and compressed timestamps survive as the device wrote them.
 */
import { crc16 } from '../bytes/crc16.js';
import type { Diagnostic } from '../errors.js';
import type { HeaderFrame } from '../fit/decode/frames.js';
import { RawDecoder } from '../fit/decode/raw.js';
import { fitHeader } from '../fit/encode/writer.js';

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

interface Pending {
  header: HeaderFrame;
  /** [start, end) ranges of kept records in the input. */
  ranges: [number, number][];
  dataSize: number;
  records: number;
  dataMessages: number;
}

export function salvageFit(input: Uint8Array): SalvageResult {
  const files: Pending[] = [];
  let cur: Pending | undefined;
  const raw = new RawDecoder(
    (f) => {
      if (f.kind === 'header') {
        cur = { header: f, ranges: [], dataSize: 0, records: 0, dataMessages: 0 };
        files.push(cur);
      } else if ((f.kind === 'definition' || f.kind === 'data') && cur) {
        const last = cur.ranges[cur.ranges.length - 1];
        if (last && last[1] === f.offset) last[1] = f.offset + f.length;
        else cur.ranges.push([f.offset, f.offset + f.length]);
        cur.dataSize += f.length;
        cur.records++;
        if (f.kind === 'data') cur.dataMessages++;
      }
    },
    { values: false },
  );
  raw.push(input);
  raw.end();

  const kept = files.filter((f) => f.dataMessages > 0);
  const out = new Uint8Array(kept.reduce((n, f) => n + 14 + f.dataSize + 2, 0));
  let o = 0;
  const changes: string[] = [];
  for (const f of kept) {
    const start = o;
    out.set(fitHeader(f.dataSize, f.header.profileVersion, f.header.protocolVersion), o);
    o += 14;
    for (const [a, b] of f.ranges) {
      out.set(input.subarray(a, b), o);
      o += b - a;
    }
    const crc = crc16(out, start, o);
    out[o++] = crc & 0xff;
    out[o++] = crc >> 8;
    if (f.header.dataSize !== f.dataSize) {
      changes.push(`file at byte ${f.header.offset}: data size ${f.header.dataSize} → ${f.dataSize} (${f.records} complete records kept)`);
    }
    if (f.header.headerSize !== 14) changes.push(`file at byte ${f.header.offset}: ${f.header.headerSize}-byte header → 14 bytes with a CRC`);
  }
  for (const f of files) if (f.dataMessages === 0) changes.push(`file at byte ${f.header.offset}: no complete data message, left out`);
  for (const d of raw.diagnostics) {
    if (d.code === 'crc_mismatch') changes.push(`file CRC recomputed (was wrong, at byte ${d.offset})`);
    else if (d.code === 'crc_missing' || (d.code === 'truncated' && d.offset >= input.length && raw.position >= input.length)) {
      changes.push(`file CRC written (there was none before byte ${d.offset})`);
    } else if (d.level === 'error' || d.code === 'trailing_bytes') changes.push(`dropped from byte ${d.offset}: ${d.message}`);
  }
  return {
    bytes: out,
    files: kept.map((f) => ({ offset: f.header.offset, records: f.records, dataMessages: f.dataMessages, dataSize: f.dataSize })),
    diagnostics: raw.diagnostics,
    changes,
  };
}
