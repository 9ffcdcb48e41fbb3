/**
 * `fitkit repair` in the core: salvage (salvage.ts), then, for an activity that ended without
 * its summary, the missing lap, session and activity messages (summary.ts), appended to the
 * last activity FIT file of the chain.
 *
 * The salvaged records stay byte for byte; the new messages go after them as fresh records,
 * each preceded by its own definition. They may redefine a local message type the device used:
 * that is legal FIT, and nothing after them still needs the old definition. They use normal
 * headers, so compressed timestamps before them do not matter.
 *
 * Streaming, so memory stays bounded whatever the file's size: a first pass over the input
 * finds the records and the summary's facts, a second (only when a summary is computed) feeds
 * the records to it, and write() copies the records in a third.
 */
import { FitkitError } from '../../errors.js';
import type { Frame } from '../../fit/decode/frames.js';
import { Interpreter } from '../../fit/decode/interpret.js';
import type { FitMessage } from '../../fit/decode/message.js';
import { RawDecoder } from '../../fit/decode/raw.js';
import { encodeFit } from '../../fit/encode/encoder.js';
import { HEADER_SIZE } from '../../fit/encode/writer.js';
import type { Profile } from '../../fit/profile/profile.js';
import { num } from '../../fit/decode/values.js';
import { RecordPointReader, type RecordPoint } from '../checks/record-point.js';
import { concat, SalvageCollector, salvagedFiles, writeSalvaged, type SalvageResult } from './salvage.js';
import { SummaryFacts, summaryJob, type SummaryMessage, type SummaryOptions } from '../summaries/summary.js';

export interface RepairOptions extends SummaryOptions {
  /** Compute a missing summary (default true). */
  summary?: boolean;
}

export interface RepairResult extends SalvageResult {
  /** Messages computed and appended, in file order. */
  added: SummaryMessage[];
}

/** A repair planned from the input: what it finds and changes; write() produces the output. */
export interface RepairPlan extends Omit<RepairResult, 'bytes'> {
  /** Bytes the output will have. */
  size: number;
  /** Writes the repaired file to `sink` in pieces (each lent for the call), reading the input once more. */
  write(sink: (chunk: Uint8Array) => void): void;
}

/** Each pass reads the input again from its start. */
export type ChunkSource = () => Iterable<Uint8Array>;

const ACTIVITY_FILE = 4;

/** The file_id says activity. */
class ActivityFacts extends SummaryFacts {
  activity = false;
  override add(m: FitMessage): void {
    if (m.name === 'file_id' && num(m, 'type') === ACTIVITY_FILE) this.activity = true;
    super.add(m);
  }
}

/** What a pass over the input does with what the decoder finds. */
interface PassHandlers {
  frame?: (f: Frame) => void;
  /** Each data message, decoded, with its file's index (none: no values are read). */
  message?: (m: FitMessage, file: number) => void;
  /** Records of plain definitions as points, not decoded (their frames do not reach `frame`). */
  point?: (pt: RecordPoint, length: number, file: number) => void;
}

/** Runs the input through the decoder once. */
function pass(source: ChunkSource, profile: Profile, h: PassHandlers): RawDecoder {
  const interp = h.message ? new Interpreter(profile) : undefined;
  const points = h.point ? new RecordPointReader() : undefined;
  let file = -1;
  const raw = new RawDecoder(
    (f) => {
      h.frame?.(f);
      if (f.kind === 'header') file++;
      else if (!interp) return;
      else if (f.kind === 'definition') interp.frame(f);
      else if (f.kind === 'data') h.message!(interp.message(f), file);
    },
    {
      values: interp !== undefined,
      onRecord: points
        ? (def, _b, dv, p, timestamp, offset) => {
            const pt = points.read(def, dv, p, timestamp, offset);
            if (pt) h.point!(pt, 1 + def.dataSize, file);
            return pt !== undefined;
          }
        : undefined,
    },
  );
  for (const chunk of source()) {
    raw.push(chunk);
    if (raw.stopped) break;
  }
  raw.end();
  return raw;
}

/** Salvages the input and plans the summary of its last activity (unless told not to). */
export function planRepair(source: ChunkSource, size: number, profile: Profile, opts: RepairOptions = {}): RepairPlan {
  const summary = opts.summary !== false;
  const salvage = new SalvageCollector();
  // The facts of the last activity file: those of each file are kept until a later one is an activity.
  let target: { file: number; facts: ActivityFacts } | undefined;
  let current: { file: number; facts: ActivityFacts } | undefined;
  const factsOf = (file: number): ActivityFacts => {
    if (current?.file !== file) {
      if (current?.facts.activity) target = current;
      current = { file, facts: new ActivityFacts() };
    }
    return current.facts;
  };
  const raw = pass(
    source,
    profile,
    summary
      ? {
          frame: (f) => salvage.frame(f),
          message: (m, file) => factsOf(file).add(m),
          point: (pt, length, file) => {
            salvage.record(pt.offset, length, true);
            factsOf(file).record(pt.t);
          },
        }
      : { frame: (f) => salvage.frame(f) },
  );
  if (current?.facts.activity) target = current;

  const kept = salvage.kept();
  const files = salvagedFiles(kept);
  const changes = salvage.changes(raw, size);
  const result = { files, diagnostics: raw.diagnostics, changes, added: [] as SummaryMessage[] };
  let append: { file: number; records: Uint8Array } | undefined;
  const plan = (): RepairPlan => ({
    ...result,
    size: files.reduce((n, f) => n + HEADER_SIZE + f.dataSize + 2, 0),
    write: (sink) => void writeSalvaged(kept, source(), sink, append),
  });
  if (!target || kept.length === 0) return plan();

  const job = summaryJob(target.facts, profile, opts);
  if (!job.idle) {
    const k = target.file;
    pass(source, profile, { message: (m, file) => file === k && job.add(m) });
  }
  const summaryPlan = job.build();
  const notes = summaryPlan.notes.map((n) => `summary: ${n}`);
  if (summaryPlan.messages.length === 0) {
    changes.push(...notes);
    return plan();
  }
  let definitions = 0;
  let encoded: Uint8Array;
  try {
    encoded = encodeFit(profile, (e) => {
      for (const m of summaryPlan.messages) e.writeMessage(m.message, m.fields);
      definitions = e.definitions;
    });
  } catch (e) {
    // A value no field can hold: the salvage still stands, without the summary.
    if (!(e instanceof FitkitError)) throw e;
    changes.push(...notes, `summary: not written (${e.message})`);
    return plan();
  }
  const records = encoded.subarray(HEADER_SIZE, encoded.length - 2);
  const at = kept.indexOf(salvage.files[target.file]);
  append = { file: at, records };
  const f = files[at];
  f.dataSize += records.length;
  f.dataMessages += summaryPlan.messages.length;
  f.records += summaryPlan.messages.length + definitions;
  result.added = summaryPlan.messages;
  for (const m of summaryPlan.messages) changes.push(`added ${m.note}`);
  changes.push(...notes);
  return plan();
}

/** Salvages `input` (held in memory) and completes the summary of its last activity (unless told not to). */
export function repairFit(input: Uint8Array, profile: Profile, opts: RepairOptions = {}): RepairResult {
  const p = planRepair(() => [input], input.length, profile, opts);
  const parts: Uint8Array[] = [];
  p.write((b) => parts.push(b));
  const { write: _write, size: _size, ...rest } = p;
  return { ...rest, bytes: concat(parts) };
}
