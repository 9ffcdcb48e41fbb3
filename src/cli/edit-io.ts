/**
 * What the edit commands (merge, split, trim, shift, conceal) share: reading an activity whole
 * (bounded), and writing a FIT file where the user said, never over an input, replacing an
 * existing file only with --force.
 */
import { readFileSync } from 'node:fs';
import { decodeModel, encodeModel, type EditModel } from '../core/edit/activity-model.js';
import { FitkitError } from '../core/errors.js';
import type { Profile } from '../core/fit/profile/profile.js';
import { inputStat } from '../core/platform/input-file.js';
import { outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { fromSystemError } from '../core/platform/system-error.js';

/** Edits hold a file in memory, decoded: files beyond this are refused. */
export const MAX_EDIT_BYTES = 256 * 1024 * 1024;

export function readModel(path: string, profile: Profile): EditModel {
  const st = inputStat(path);
  if (st.isFile() && st.size > MAX_EDIT_BYTES) throw new FitkitError('too_large', `${st.size} bytes: edits read at most ${MAX_EDIT_BYTES}`, { file: path });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw fromSystemError(e, path, 'input');
  }
  if (bytes.length > MAX_EDIT_BYTES) throw new FitkitError('too_large', `edits read at most ${MAX_EDIT_BYTES} bytes`, { file: path });
  return decodeModel(bytes, profile, path);
}

/** Checks an output before any work: not an input, not an existing file unless forced. */
export function checkOutput(output: string, inputs: readonly string[], force: boolean, json: boolean): void {
  for (const i of inputs) refuseInputAsOutput(i, output);
  const t = outputTarget(output);
  if (t.kind === 'stdout' && json) throw new FitkitError('usage', '--json and -o - both want standard output', { exitCode: 2 });
  if (t.kind === 'replace' && t.existing && !force) throw new FitkitError('exists', 'exists; add --force to replace it', { file: output, exitCode: 2 });
}

/** Encodes and writes; returns the byte count. */
export async function writeModel(output: string, model: EditModel): Promise<number> {
  const bytes = encodeModel(model);
  await writeOutput(output, bytes);
  return bytes.length;
}
