/**
 * Runs one decoder mode on one file in its own process, so peak RSS belongs to that decoder
 * alone, and prints a single JSON line (a ChildResult) on stdout.
 *
 * Usage: node --expose-gc child.js '<ChildJob JSON>'
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Unavailable, modeById, type Input } from './decoders.js';

export interface ChildJob {
  mode: string;
  path: string;
  /** Untimed runs first (JIT warm-up). */
  warmup: number;
  /** Keep timing iterations until this many ms have passed... */
  minMs: number;
  /** ...or this many iterations are done. */
  maxIterations: number;
  /** A second mode run alternately with `mode`, run by run, on the same heap (the floor's bound). */
  alternateWith?: string;
}

export type ChildResult = { ok: true; times: number[]; decoded: number; maxRssMB: number; otherTimes?: number[] } | { ok: false; unavailable?: boolean; error: string };

// Not a bare gc(): that is V8's memory-reducing GC, which also throws away compiled code and
// type feedback (measured: 34 functions re-optimised in the next run), so each timed run would
// start cold. With these options Node 20 collects the young generation (where a run's garbage
// is) and keeps the code.
const expose = (globalThis as { gc?: (o?: { type: 'major'; execution: 'sync' }) => void }).gc;
const gc = expose ? () => expose({ type: 'major', execution: 'sync' }) : () => {};

async function main(job: ChildJob): Promise<ChildResult> {
  const mode = modeById(job.mode);
  let decode;
  try {
    decode = await mode.setup();
  } catch (err) {
    return { ok: false, unavailable: err instanceof Unavailable, error: (err as Error).message };
  }
  const other = job.alternateWith ? await modeById(job.alternateWith).setup() : undefined;
  const input: Input = { path: job.path, bytes: mode.streaming ? new Uint8Array(0) : readExact(job.path) };
  let decoded = 0;
  // Warm-up is capped in time too: two extra runs of a 1 s decoder teach the JIT nothing new.
  for (let i = 0, t0 = performance.now(); i < job.warmup && performance.now() - t0 < 500; i++) {
    decoded = await decode(input);
    if (other) await other(input);
  }
  const times: number[] = [];
  const otherTimes: number[] = [];
  let total = 0;
  let ms = Infinity;
  const timed = async (fn: typeof decode) => {
    // Collect a slow run's garbage outside the timing; for sub-10 ms runs GC is part of the cost.
    // The pause lets V8's background threads finish freeing it, or the next run's fresh output
    // memory is page-faulted in while the old is still held (measured: more than the decode).
    if (ms >= 10) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const t0 = performance.now();
    const n = await fn(input);
    ms = performance.now() - t0;
    total += ms;
    return n;
  };
  while (times.length < job.maxIterations && (times.length === 0 || total < job.minMs)) {
    decoded = await timed(decode);
    times.push(ms);
    if (other) {
      await timed(other);
      otherTimes.push(ms);
    }
  }
  return { ok: true, times, decoded, maxRssMB: peakRssKB() / 1024, ...(other ? { otherTimes } : {}) };
}

/**
 * Peak RSS of this process. On Linux, resourceUsage().maxRSS survives fork+exec, so a child
 * would report the parent's peak if larger; VmHWM belongs to this process image alone.
 */
function peakRssKB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

/**
 * The file in a Uint8Array that owns its whole ArrayBuffer (fit-decoder takes the ArrayBuffer),
 * read in place so the peak RSS holds one copy of it, not two.
 */
function readExact(path: string): Uint8Array {
  const bytes = new Uint8Array(statSync(path).size);
  const fd = openSync(path, 'r');
  try {
    for (let at = 0, n = 1; at < bytes.length && n > 0; at += n) n = readSync(fd, bytes, at, bytes.length - at, at);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

main(JSON.parse(process.argv[2] ?? '{}') as ChildJob).then(
  (result) => console.log(JSON.stringify(result)),
  (err: unknown) => {
    const error = err instanceof Error ? err.message : String(err); // fit-file-parser rejects with strings
    console.log(JSON.stringify({ ok: false, error: error.split('\n')[0] } satisfies ChildResult));
  },
);
