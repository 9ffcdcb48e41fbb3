/**
 * Whole processes, measured as a user meets them: wall time, CPU (user + system) and peak RSS
 * from GNU time, start-up included. Two commands compared are run alternately, run by run (a, b,
 * a, b, ...), so a change in the machine's load falls on both alike; a first round warms the disk
 * cache and is not counted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TIME = '/usr/bin/time';
export const hasGnuTime = (): boolean => existsSync(TIME);

export interface Proc {
  /** Wall time, seconds. */
  seconds: number;
  /** User + system CPU, seconds. */
  cpu: number;
  /** Peak resident set, MB (10^6 bytes). */
  rssMB: number;
}

export interface Cmd {
  cmd: string;
  args: string[];
  /** Exit codes that are a result, not a failure (validate exits 1 on a file that fails a check). */
  ok?: number[];
  /** Runs before each run (removing an output, say); not timed. */
  before?: () => void;
  /** A shell pipeline instead of cmd + args (`dump big.fit | head -1`): run by sh -c. */
  shell?: string;
  /** Killed after this long (reported as a timeout); default 10 minutes. */
  timeoutMs?: number;
}

/** One run; a string says why it could not be measured. */
export function measure(c: Cmd): Proc | string {
  c.before?.();
  const limit = c.timeoutMs ?? 600_000;
  // GNU timeout kills its whole process group: a pipeline's processes too.
  const argv = ['timeout', '-s', 'KILL', String(Math.ceil(limit / 1000)), ...(c.shell !== undefined ? ['sh', '-c', c.shell] : [c.cmd, ...c.args])];
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) return r.error.message;
  if (r.status === 137 && /Command terminated by signal 9|exited with non-zero status 137/.test(r.stderr)) return `timeout after ${(limit / 1000).toFixed(0)} s`;
  const m = /([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m || !(c.ok ?? [0]).includes(r.status ?? -1)) return `exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`;
  // Wall time from here (GNU time's %e counts in 10 ms steps); CPU and RSS from GNU time.
  return { seconds: wall, cpu: Number(m[2]) + Number(m[3]), rssMB: (Number(m[4]) * 1024) / 1e6 };
}

export interface Summary {
  /** Median wall time and median CPU, seconds; peak RSS is the largest seen. */
  median: Proc;
  min: Proc;
  runs: number;
}

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function summarise(runs: Proc[]): Summary {
  return {
    median: { seconds: mid(runs.map((r) => r.seconds)), cpu: mid(runs.map((r) => r.cpu)), rssMB: Math.max(...runs.map((r) => r.rssMB)) },
    min: { seconds: Math.min(...runs.map((r) => r.seconds)), cpu: Math.min(...runs.map((r) => r.cpu)), rssMB: Math.min(...runs.map((r) => r.rssMB)) },
    runs: runs.length,
  };
}

/** Each command `runs` times, alternated run by run after one warm-up round; or why one failed. */
export function alternate(cmds: Cmd[], runs: number, warmup = true): Summary[] | string {
  const all: Proc[][] = cmds.map(() => []);
  for (let i = warmup ? 0 : 1; i <= runs; i++) {
    for (let j = 0; j < cmds.length; j++) {
      const m = measure(cmds[j]);
      if (typeof m === 'string') return `${cmds[j].shell ?? [cmds[j].cmd, ...cmds[j].args].join(' ')}: ${m}`;
      if (i > 0) all[j].push(m);
    }
  }
  return all.map(summarise);
}
