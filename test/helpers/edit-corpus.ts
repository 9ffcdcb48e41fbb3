/**
 * Corpus activities for the edit tests, and the checks every edit output must pass: Garmin's
 * SDK reads it intact (checkIntegrity) and fitkit validate's REQUIRED checks (FitCSVTool's -t
 * list) fail no more than they did on the input (none, for the many inputs that pass them all).
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { expect } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../src/core/validate/validate-file.js';
import { corpusPath, hasCorpus } from './corpus.js';

export const profile = Profile.standard();

export interface CorpusActivity {
  rel: string;
  maker: string;
  bytes: Uint8Array;
}

/** Activities (per MANIFEST.tsv) up to `maxBytes`, that edit can read (not damaged). */
export function corpusActivities(maxBytes = 160_000): CorpusActivity[] {
  if (!hasCorpus) return [];
  return readFileSync(corpusPath('MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((r) => r[0]?.startsWith('fit/') && /file_id: type=activity\b/.test(r[6] ?? '') && Number(r[3]) <= maxBytes)
    .filter((r) => !/KNOWN-MALFORMED|truncat|corrupt|trailing|non-FIT|not a FIT|junk|bad-endian|no definition/i.test(r[6] + r[0]))
    .map((r) => ({ rel: r[0].slice(4).replace(/\.fit$/i, ''), maker: /manufacturer=(\w+)/.exec(r[6])?.[1] ?? '?', bytes: new Uint8Array(readFileSync(corpusPath(r[0]))) }));
}

export function requiredFailures(bytes: Uint8Array, name = 'out.fit'): string[] {
  return validateBytes(name, bytes, profile)
    .checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED')
    .map((c) => c.name);
}

export function sdkIntact(bytes: Uint8Array): boolean {
  return new Decoder(Stream.fromByteArray(Array.from(bytes))).checkIntegrity();
}

/** The output is intact for the SDK and fails no REQUIRED check the input passed. */
export function expectGoodEdit(input: Uint8Array, output: Uint8Array, what: string): void {
  expect(sdkIntact(output), `${what}: checkIntegrity`).toBe(true);
  const before = new Set(requiredFailures(input));
  const after = requiredFailures(output).filter((n) => !before.has(n));
  expect(after, `${what}: REQUIRED checks failed`).toEqual([]);
}
