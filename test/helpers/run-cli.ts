/**
 * Runs a fitkit command inside the test process (the built dist/, through oclif's `run`), with
 * stdout and stderr captured: a CLI test without starting Node (~0.3 s of CPU each).
 * Environment variables given are set for the run only. Commands run one at a time.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const root = join(import.meta.dirname, '../..');
// The CLI's own copy of oclif (the build bundles it into dist/cli/oclif.js): the commands throw
// its error classes, which `instanceof` below must recognise.
const { Config, Errors, run } = (await import(pathToFileURL(join(root, 'dist/cli/oclif.js')).href)) as typeof import('@oclif/core');
type Config = import('@oclif/core').Config;
let config: Promise<Config> | undefined;
let queue: Promise<unknown> = Promise.resolve();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function once(argv: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  config ??= Config.load({ root });
  const cfg = await config;
  const out = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write, stderr: process.stderr.write, log: console.log, error: console.error };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const capture = (name: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      out[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') done();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  // oclif writes through console.log / console.error, which the test runner intercepts.
  console.log = (...a: unknown[]) => void (out.stdout += format(...a) + '\n');
  console.error = (...a: unknown[]) => void (out.stderr += format(...a) + '\n');
  const before = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await run(argv, cfg);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof Errors.ExitError) code = e.oclif.exit ?? 1;
    else if (e instanceof Errors.CLIError) {
      out.stderr += e.message;
      code = e.oclif.exit ?? 2;
    } else throw e;
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    console.log = write.log;
    console.error = write.error;
    process.exitCode = before;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, ...out };
}

/** `fitkit ARGV...` in this process; colour and width as for a pipe unless `env` says otherwise. */
export function fitkitIn(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = queue.then(() => once(argv, { NO_COLOR: undefined, FORCE_COLOR: undefined, COLUMNS: undefined, ...env }));
  queue = r.catch(() => {});
  return r;
}
