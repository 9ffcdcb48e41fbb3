/**
 * Every temporary file or folder fitkit makes, so that none outlives the process: removed on
 * any exit (normal, process.exit, an uncaught error, EPIPE) and on SIGINT, SIGTERM and SIGHUP,
 * after which the process dies of that signal (a shell reports 130, 143, 129), as it would have
 * without the cleanup. A signal that the running command handles itself (sync --watch stops
 * gracefully) is left to it; the exit hook still removes what is left.
 *
 * Worker threads have their own copy of this module: theirs reports to the main thread's over a
 * BroadcastChannel, since signals and exit are the main thread's. The main thread opens its end
 * when it starts a worker (hearWorkers(), from worker-pool.ts): most runs start none.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

type Note = { add?: string; remove?: string };

const tracked = new Set<string>();
/** Folders where worker threads make temporary files: swept for this process's on the way out. */
const swept = new Set<string>();
let channel: BroadcastChannel | undefined;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooked = false;

function open(): BroadcastChannel {
  if (channel) return channel;
  channel = new BroadcastChannel('fitkit-temp-registry');
  channel.unref();
  return channel;
}

// Hooked now, not at the first trackTemp(): a temporary file exists a moment before it is
// tracked, and a signal in that moment would meet no handler and leave the file behind.
if (isMainThread) hook();

/**
 * Listens to worker threads' notes; called before a worker starts (a message posted before the
 * main thread's end is open would be lost).
 */
export function hearWorkers(): void {
  if (!isMainThread || channel) return;
  open().onmessage = (ev) => {
    const n = (ev as { data: Note }).data;
    if (n.add) track(n.add);
    if (n.remove) tracked.delete(n.remove);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles it (and cleans up on the way out): not ours to end the process.
  if (process.listenerCount(signal) > 1) return;
  removeAllTemps();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAllTemps);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function track(path: string): void {
  tracked.add(path);
  hook();
}

/** Remembers a temporary file or folder until untrackTemp(); removed (recursively) if the process ends first. */
export function trackTemp(path: string): void {
  if (isMainThread) track(path);
  else open().postMessage({ add: path } satisfies Note);
}

/** Forgets a path: it was renamed into place or removed. */
export function untrackTemp(path: string): void {
  if (isMainThread) tracked.delete(path);
  else open().postMessage({ remove: path } satisfies Note);
}

/**
 * A temporary name beside `path`, hidden, with this process's id: `.NAME.PID-RANDOM.tmp`. Worker
 * threads share the id, which is what lets sweepTempsIn() find theirs.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomHex8()}.tmp`);
}

/**
 * 8 random hex digits. Math.random, not node:crypto (~4 ms to load, at every command's start):
 * the name only has to differ from this process's other temporary names beside the same file.
 */
function randomHex8(): string {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

/**
 * Sweeps `dir` on the way out for temporary files of this process (tempPathFor's names). For
 * worker threads' files: their trackTemp() reaches the main thread by message, which a signal
 * can overtake.
 */
export function sweepTempsIn(dir: string): void {
  swept.add(dir);
  hook();
}

/** Removes every tracked path now (synchronously; errors ignored: it may be gone already). */
export function removeAllTemps(): void {
  const ours = new RegExp(`^\\..*\\.${process.pid}-[0-9a-f]{8}\\.tmp$`);
  for (const dir of swept) {
    try {
      for (const n of readdirSync(dir)) if (ours.test(n)) tracked.add(join(dir, n));
    } catch {
      // gone or unreadable: nothing of ours to find there
    }
  }
  for (const p of tracked) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // nothing more to do on the way out
    }
  }
  tracked.clear();
}

/** Paths tracked now (tests). */
export function trackedTemps(): string[] {
  return [...tracked];
}
