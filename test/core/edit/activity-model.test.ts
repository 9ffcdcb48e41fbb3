/**
 * The activity model: a corpus file decoded and encoded back, unedited, reads the same (every
 * message, field and developer field, as fitkit's decoder interprets them); src/core/edit stays
 * pure (no file system, no CLI, no USB).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, getValue, messagesNamed, setValue } from '../../../src/core/edit/activity-model.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import type { FitMessage } from '../../../src/core/fit/decode/message.js';
import { fieldValue } from '../../../src/core/fit/decode/values.js';
import { describeCorpus } from '../../helpers/corpus.js';
import { corpusActivities, profile, sdkIntact } from '../../helpers/edit-corpus.js';

/** What a reader sees of a message: its name and every field's value (compressed timestamps as the timestamp they stand for). */
function view(m: FitMessage): string {
  const fields = m.fields
    .filter((f) => f.kind !== 'expanded')
    .map(
      (f) =>
        `${f.kind === 'developer' ? 'dev:' : ''}${f.kind === 'header_timestamp' ? 'timestamp' : f.name}=${JSON.stringify(fieldValue(f, { dates: 'raw' }), (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
    )
    .sort();
  return `${m.name} ${fields.join(' ')}`;
}

describeCorpus('activity model round trip', () => {
  const files = corpusActivities(60_000);
  it('covers activities of several makers', () => {
    expect(new Set(files.map((f) => f.maker)).size).toBeGreaterThanOrEqual(6);
  });
  it.each(files.map((f) => [f.rel, f] as const))('%s reads the same after decode and encode', (_rel, f) => {
    const out = encodeModel(decodeModel(f.bytes, profile, f.rel));
    expect(sdkIntact(out)).toBe(true);
    const a = decodeFit(f.bytes, { profile }).messages.map(view);
    const b = decodeFit(out, { profile }).messages.map(view);
    expect(b).toEqual(a);
  });
});

describe('activity model', () => {
  it('sets and reads values in profile units, keeping a stored type that holds them', () => {
    const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../fixtures/fit/garmin-fenix-5-walk.fit')));
    const model = decodeModel(bytes, profile);
    const lap = messagesNamed(model, 'lap')[0];
    setValue(model, lap, 'total_distance', 1234.56);
    expect(getValue(model, lap, 'total_distance')).toBeCloseTo(1234.56, 2);
    setValue(model, lap, 'total_distance', null);
    expect(getValue(model, lap, 'total_distance')).toBeNull();
    const again = decodeModel(encodeModel(model), profile);
    expect(getValue(again, messagesNamed(again, 'lap')[0], 'total_distance')).toBeNull();
  });

  it('refuses a file that does not decode to its end, pointing at repair', () => {
    const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../fixtures/fit/activity-unexpected-eof.fit')));
    expect(() => decodeModel(bytes, profile, 'eof.fit')).toThrow(/truncated.*fitkit repair/);
  });

  it('keeps src/core/edit pure: no file system, CLI or USB imports', () => {
    const dir = join(import.meta.dirname, '../../../src/core/edit');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const i of imports) {
        expect(i, `${name} imports ${i}`).not.toMatch(/^node:|^@oclif|usb|\/platform\/|\/cli\//);
      }
    }
  });
});
