/**
 * What the edit commands (merge, split, trim, shift, conceal, set, strip, csv2fit) share: the
 * input read whole (bounded), the output checked before any work (never an input; an existing
 * file only with --force; -o - not with --json), and a FIT file written through output-file.ts.
 */
import { readFileSync } from 'node:fs';
import { decodeModel, encodeModel, type EditModel } from '../core/edit/activity-model.js';
import { FitkitError } from '../core/errors.js';
import type { Profile } from '../core/fit/profile/profile.js';
import { inputStat } from '../core/platform/input-file.js';
import { outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

/** Edits hold a file in memory, decoded: a bound well above any real activity (the largest seen are tens of MB). */
export const MAX_EDIT_BYTES = 256 * 1024 * 1024;

/** The input's bytes, read whole; a file beyond MAX_EDIT_BYTES is refused before reading. */
export function readEditBytes(path: string): Uint8Array {
  const st = inputStat(path);
  if (st.isFile() && st.size > MAX_EDIT_BYTES) throw new FitkitError('too_large', `${st.size} bytes: edits read at most ${MAX_EDIT_BYTES}`, { file: path });
  const bytes = withPath(path, 'input', () => readFileSync(path));
  if (bytes.length > MAX_EDIT_BYTES) throw new FitkitError('too_large', `edits read at most ${MAX_EDIT_BYTES} bytes`, { file: path });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function readModel(path: string, profile: Profile): EditModel {
  return decodeModel(readEditBytes(path), profile, path);
}

/** Checks an output before any work: not an input, not an existing file unless forced. */
export function checkOutput(output: string, inputs: readonly string[], force: boolean, json: boolean): void {
  for (const i of inputs) refuseInputAsOutput(i, output);
  const t = outputTarget(output);
  if (t.kind === 'stdout' && json) throw new FitkitError('usage', '--json and -o - both want standard output', { exitCode: 2 });
  if (t.kind === 'replace' && t.existing && !force) throw new FitkitError('exists', 'exists; add --force to replace it', { file: output, exitCode: 2 });
}

export interface EditPaths {
  input: string;
  output: string;
  force?: boolean;
  json: boolean;
}

/** Checks input and output; returns the input's bytes. */
export function readEditInput(p: EditPaths): Uint8Array {
  checkOutput(p.output, [p.input], p.force === true, p.json);
  return readEditBytes(p.input);
}

/** Encodes and writes; returns the byte count. */
export async function writeModel(output: string, model: EditModel): Promise<number> {
  const bytes = encodeModel(model);
  await writeOutput(output, bytes);
  return bytes.length;
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
