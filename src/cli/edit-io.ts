/**
 * What the editing commands (set, strip, csv2fit) share: the input read whole (bounded), the
 * output checked before any work (never the input; an existing file only with --force; -o -
 * not with --json) and written through output-file.ts.
 */
import { readFileSync } from 'node:fs';
import { FitkitError } from '../core/errors.js';
import { inputStat } from '../core/platform/input-file.js';
import { outputTarget, refuseInputAsOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

/** Inputs are read whole: a bound well above any real activity (the largest FIT seen is a few MB). */
export const MAX_EDIT_INPUT = 512 * 1024 * 1024;

export interface EditPaths {
  input: string;
  output: string;
  force?: boolean;
  json: boolean;
}

/** Checks input and output; returns the input's bytes. */
export function readEditInput(p: EditPaths): Buffer {
  const size = inputStat(p.input).size;
  if (size > MAX_EDIT_INPUT) throw new FitkitError('too_large', `${size} bytes: more than the ${MAX_EDIT_INPUT} an edit reads`, { file: p.input });
  refuseInputAsOutput(p.input, p.output);
  const target = outputTarget(p.output);
  if (target.kind === 'stdout' && p.json) throw new FitkitError('usage', '--json and -o - both want standard output', { exitCode: 2 });
  if (target.kind === 'replace' && target.existing && !p.force) {
    throw new FitkitError('exists', 'exists; add --force to replace it', { file: p.output, exitCode: 2 });
  }
  return withPath(p.input, 'input', () => readFileSync(p.input));
}

/** Names the input in a core error that did not say its file. */
export function inFile<T>(input: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof FitkitError && e.file === undefined && e.code !== 'usage') e.file = input;
    throw e;
  }
}
