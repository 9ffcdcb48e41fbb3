/**
 * Interrupted runs leave no temporary file: SIGINT, SIGTERM or SIGHUP while dump or fit2gpx is
 * writing, or a reader that goes away (EPIPE). The process then dies of the signal, as it would
 * have without the cleanup (a shell shows 130, 143, 129). Each test waits until the temporary
 * file exists before it signals: no timing is assumed or asserted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bigRide } from '../helpers/big-fit.js';

const root = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-int-'));

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => child.on('close', (code, signal) => res({ code, signal, stderr })));
  return { child, done };
}

/** Resolves once `found()` returns something; rejects if the process ends first. */
async function waitFor<T>(found: () => T | undefined, child: ChildProcess): Promise<T> {
  for (;;) {
    const v = found();
    if (v !== undefined) return v;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the process ended before the temporary file appeared');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The files under `dir` (recursively), relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1));
}

describe('dump interrupted', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s while a FIFO input is copied for the pre-scan: the copy is removed, no output, death by the signal', async (signal) => {
    const dir = tmp();
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    // The input comes through a FIFO the test holds open: dump is mid-file for as long as it likes.
    // Read once only, it is copied to a temporary file, to be read twice (pre-scan, rows).
    const fifo = join(dir, 'in.fit');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(dir, 'out.csv');
    const { child, done } = start(['dump', fifo, '-o', out], { TMPDIR: scratch });
    const w = await open(fifo, 'w');
    try {
      const ride = bigRide(20_000);
      await w.write(ride.subarray(0, ride.length >> 1));
      const staged = await waitFor(() => tree(scratch).find((f) => statSync(join(scratch, f)).size > 0), child);
      expect(staged).toMatch(/^fitkit-input-\w+\/input\.fit$/);
      child.kill(signal);
      const r = await done;
      expect(r.signal, r.stderr).toBe(signal);
    } finally {
      await w.close();
    }
    expect(tree(scratch)).toEqual([]);
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['in.fit', 'tmp']);
  });

  it('a reader that goes away (EPIPE): nothing is left in the temporary folder', async () => {
    const dir = tmp();
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    const input = join(dir, 'big.fit');
    writeFileSync(input, bigRide(100_000));
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'dump', input], { cwd: root, env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'pipe', 'ignore'] });
    // Read the first bytes, then close the pipe while dump still has rows to write.
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    child.stdout!.destroy();
    await new Promise((res) => child.on('close', res));
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('fit2gpx interrupted', () => {
  it('SIGINT while the GPX is written: the temporary file beside the output is removed, no output', async () => {
    const dir = tmp();
    const input = join(dir, 'big.fit');
    writeFileSync(input, bigRide(400_000));
    const outDir = join(dir, 'gpx');
    mkdirSync(outDir);
    const { child, done } = start(['fit2gpx', input, '-o', join(outDir, 'big.gpx')]);
    const temp = await waitFor(() => readdirSync(outDir).find((n) => n.endsWith('.tmp')), child);
    expect(temp).toMatch(/^\.big\.gpx\.\d+-[0-9a-f]+\.tmp$/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.signal, r.stderr).toBe('SIGINT');
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('SIGTERM during a batch on worker threads (-d): no temporary file is left', async () => {
    const dir = tmp();
    const ride = bigRide(400_000);
    writeFileSync(join(dir, 'a.fit'), ride);
    writeFileSync(join(dir, 'b.fit'), ride);
    const outDir = join(dir, 'gpx');
    const { child, done } = start(['fit2gpx', join(dir, 'a.fit'), join(dir, 'b.fit'), '-d', outDir, '-j', '2']);
    await waitFor(() => (existsSync(outDir) ? readdirSync(outDir).find((n) => n.endsWith('.tmp')) : undefined), child);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.signal, r.stderr).toBe('SIGTERM');
    expect(readdirSync(outDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
