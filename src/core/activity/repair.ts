/**
 * `fitkit repair` in the core: salvage (salvage.ts), then, for an activity that ended without
 * its summary, the missing lap, session and activity messages (summary.ts), appended to the
 * last activity FIT file of the chain.
 *
 * The salvaged records stay byte for byte; the new messages go after them as fresh records,
 * each preceded by its own definition. They may redefine a local message type the device used:
 * that is legal FIT, and nothing after them still needs the old definition. They use normal
 * headers, so compressed timestamps before them do not matter.
 */
import { crc16 } from '../bytes/crc16.js';
import { FitkitError } from '../errors.js';
import { decodeFit } from '../fit/decode/decoder.js';
import type { FitMessage } from '../fit/decode/message.js';
import { encodeFit } from '../fit/encode/encoder.js';
import { HEADER_SIZE, fitHeader } from '../fit/encode/writer.js';
import type { Profile } from '../fit/profile/profile.js';
import { num } from './checklist.js';
import { salvageFit, type SalvageResult } from './salvage.js';
import { missingSummary, type SummaryMessage, type SummaryOptions } from './summary.js';

export interface RepairOptions extends SummaryOptions {
  /** Compute a missing summary (default true). */
  summary?: boolean;
}

export interface RepairResult extends SalvageResult {
  /** Messages computed and appended, in file order. */
  added: SummaryMessage[];
}

const ACTIVITY_FILE = 4;

/** The messages of each FIT file of a chain, by the header offsets. */
function byFile(messages: readonly FitMessage[], starts: readonly number[]): FitMessage[][] {
  const out = starts.map((): FitMessage[] => []);
  let k = 0;
  for (const m of messages) {
    while (k + 1 < starts.length && m.offset >= starts[k + 1]) k++;
    out[k].push(m);
  }
  return out;
}

/**
 * `records` (definition and data records) appended to the data of the FIT file whose 14-byte
 * header is at `at`: new data size and header CRC, file CRC over the whole file again.
 */
export function appendRecords(fit: Uint8Array, at: number, records: Uint8Array): Uint8Array {
  const dv = new DataView(fit.buffer, fit.byteOffset, fit.byteLength);
  if (fit[at] !== HEADER_SIZE) throw new RangeError(`no 14-byte FIT header at byte ${at}`);
  const dataSize = dv.getUint32(at + 4, true);
  const end = at + HEADER_SIZE + dataSize;
  const out = new Uint8Array(fit.length + records.length);
  out.set(fit.subarray(0, at));
  out.set(fitHeader(dataSize + records.length, dv.getUint16(at + 2, true), fit[at + 1]), at);
  out.set(fit.subarray(at + HEADER_SIZE, end), at + HEADER_SIZE);
  out.set(records, end);
  const crcAt = end + records.length;
  const crc = crc16(out, at, crcAt);
  out[crcAt] = crc & 0xff;
  out[crcAt + 1] = crc >> 8;
  out.set(fit.subarray(end + 2), crcAt + 2);
  return out;
}

/** Salvages `input` and completes the summary of its last activity (unless told not to). */
export function repairFit(input: Uint8Array, profile: Profile, opts: RepairOptions = {}): RepairResult {
  const r: RepairResult = { ...salvageFit(input), added: [] };
  if (opts.summary === false || r.files.length === 0) return r;

  const d = decodeFit(r.bytes, { profile });
  const files = byFile(d.messages, d.headers.map((h) => h.offset));
  let k = files.length - 1;
  const isActivity = (ms: FitMessage[]) => ms.some((m) => m.name === 'file_id' && num(m, 'type') === ACTIVITY_FILE);
  while (k >= 0 && !isActivity(files[k])) k--;
  if (k < 0) return r;

  const plan = missingSummary(files[k], profile, opts);
  const notes = plan.notes.map((n) => `summary: ${n}`);
  if (plan.messages.length === 0) {
    r.changes.push(...notes);
    return r;
  }
  let definitions = 0;
  let encoded: Uint8Array;
  try {
    encoded = encodeFit(profile, (e) => {
      for (const m of plan.messages) e.writeMessage(m.message, m.fields);
      definitions = e.definitions;
    });
  } catch (e) {
    // A value no field can hold: the salvage still stands, without the summary.
    if (!(e instanceof FitkitError)) throw e;
    r.changes.push(...notes, `summary: not written (${e.message})`);
    return r;
  }
  const records = encoded.subarray(HEADER_SIZE, encoded.length - 2);
  r.bytes = appendRecords(r.bytes, d.headers[k].offset, records);
  const f = r.files[k];
  f.dataSize += records.length;
  f.dataMessages += plan.messages.length;
  f.records += plan.messages.length + definitions;
  r.added = plan.messages;
  for (const m of plan.messages) r.changes.push(`added ${m.note}`);
  r.changes.push(...notes);
  return r;
}
