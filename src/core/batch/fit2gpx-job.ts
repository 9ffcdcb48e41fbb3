/**
 * One `fit2gpx` conversion from a file (or standard input) to a GPX file (or standard output):
 * the input read twice as fitToGpx needs, the Locations file found beside it, the output
 * written atomically. Errors come back in the result, so a batch goes on.
 */
import { once } from 'node:events';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fitToGpx, readLocations, type FitToGpxOptions } from '../activity/gpx/fit-gpx.js';
import { diagnosticToError, FitkitError, type ErrorCode } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import { plural } from '../formats/plural.js';
import { findLocations } from '../msc/locations-file.js';
import type { AtomicFile } from '../platform/atomic-file.js';
import { inputStat } from '../platform/input-file.js';
import { isArchiveFile, singleFitFromArchive } from '../platform/archive.js';
import { openOutput, outputTarget } from '../platform/output-file.js';
import { fileChunks, pieceRing, type PieceRing } from '../platform/file-chunks.js';
import { fromSystemError, isSystemError, withPath } from '../platform/system-error.js';

export interface Job {
  input: string;
  /** undefined: standard output. */
  output?: string;
  locations?: string;
  extensions: 'v1' | 'v2' | 'none';
  gps: boolean;
  route: boolean;
  allWaypoints: boolean;
  profileExtra: string[];
}

export interface JobResult {
  input: string;
  output?: string;
  /** Lines for stderr, already prefixed. */
  messages: string[];
  error?: JobError;
}

/** A failed job's error, as `--json` prints it. */
export interface JobError {
  code: ErrorCode;
  message: string;
  file: string | null;
  offset: number | null;
}

export const jobError = (e: FitkitError): JobError => ({ code: e.code, message: e.message, file: e.file ?? null, offset: e.offset ?? null });

export async function convertJob(job: Job, profile: Profile): Promise<JobResult> {
  const name = job.input === '-' ? '<stdin>' : job.input;
  const res: JobResult = { input: job.input, output: job.output, messages: [] };
  let out: AtomicFile | undefined;
  try {
    const regular = job.input !== '-' && inputStat(job.input).isFile();
    if (job.output) outputTarget(job.output);
    // Standard input (or a FIFO, a device) is read once and kept: the conversion reads its input twice.
    const stdin =
      job.input === '-' ? await readAll(process.stdin) : !regular ? await readAll(createReadStream(job.input)) : isArchiveFile(job.input) ? (await singleFitFromArchive(job.input)).bytes : undefined;
    // Both passes read the file into the same two 64 KiB buffers (fresh ones cost more page faults than the reading).
    let ring: PieceRing | undefined;
    const open = () => (stdin ? [stdin] : inputPieces(job.input, (ring ??= pieceRing(1 << 16))));
    const locPath = job.locations ?? (job.input === '-' ? undefined : findLocations(job.input));
    const opts: FitToGpxOptions = {
      profile,
      extensions: job.extensions,
      gpsQuality: job.gps,
      route: job.route,
      allWaypoints: job.allWaypoints,
      name: job.input === '-' ? undefined : basename(name).replace(/\.fit$/i, ''),
    };
    if (locPath) {
      try {
        inputStat(locPath);
        opts.locations = readLocations(
          withPath(locPath, 'input', () => readFileSync(locPath)),
          profile,
        );
      } catch (e) {
        if (e instanceof FitkitError) e.file ??= locPath;
        throw e;
      }
    }
    out = job.output ? await openOutput(job.output) : undefined;
    const file = out;
    let sink: (b: Uint8Array) => void;
    if (!file) {
      sink = (b) => void process.stdout.write(Buffer.from(b));
      opts.drain = () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => {}) : undefined);
    } else if (file.tempPath !== undefined) {
      // A temporary file: written through (no copy, no fresh buffers); a writeback in flight is
      // waited for between input pieces, as append() asks.
      let behind: Promise<void> | undefined;
      sink = (b) => void (behind = file.append(b) ?? behind);
      opts.drain = () => {
        const wait = behind;
        behind = undefined;
        return wait;
      };
    } else {
      // A FIFO or device: written in the background while the next points are made, held back when behind.
      sink = (b) => file.enqueue(b);
      opts.drain = () => file.drained();
    }
    const r = await fitToGpx(open, sink, opts);
    try {
      await file?.commitQueued();
    } catch (e) {
      throw fromSystemError(e, job.output, 'output');
    }
    for (const w of r.warnings) res.messages.push(`fitkit: warning: ${name}: ${w}`);
    if (r.kind === 'activity' && r.points === 0) res.messages.push(`fitkit: ${name}: no positions (indoor?): wrote a GPX without a track`);
    if (locPath && r.kind === 'activity') res.messages.push(`fitkit: ${name}: ${plural(r.waypoints, 'waypoint')} from ${locPath}`);
    const fatal = r.diagnostics.find((d) => d.level === 'error');
    for (const d of r.diagnostics) if (d !== fatal) res.messages.push(`fitkit: warning: ${name}: ${d.message} (at byte ${d.offset})`);
    // Like dump: what was read before the damage is written, and the run still fails.
    if (fatal) res.error = jobError(diagnosticToError(fatal, name));
  } catch (err) {
    out?.abort();
    // With a path: the input's read stream; without: a write to the output's descriptor.
    const e = isSystemError(err) ? fromSystemError(err, err.path ?? job.output, err.path ? 'input' : 'output') : err;
    if (!(e instanceof FitkitError)) throw e;
    e.file ??= name;
    res.error = jobError(e);
  }
  return res;
}

/** The file's pieces, in `ring` (see fileChunks' `reuse`); a failed read is the input's error, as the read stream's was. */
function* inputPieces(path: string, ring: PieceRing): Generator<Uint8Array> {
  try {
    yield* fileChunks(path, ring[0].length, ring);
  } catch (e) {
    throw fromSystemError(e, path, 'input');
  }
}

async function readAll(s: NodeJS.ReadableStream): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}
