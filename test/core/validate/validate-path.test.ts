/**
 * validatePath reads a file in chunks through two reused buffers: its report equals the report
 * on the whole file held in memory, for a file of several chunks (records cut at every chunk's
 * end), a small file and a file cut short.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activity } from '../../../bench/generate.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';
import { validatePath } from '../../../src/core/validate/validate-path.js';
import { CHUNK } from '../../../src/core/platform/file-chunks.js';

const profile = standardProfile();
const dir = mkdtempSync(join(tmpdir(), 'fitkit-validate-path-'));

function same(name: string, bytes: Uint8Array) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const byPath = validatePath(path, profile);
  expect(byPath).toEqual(validateBytes(path, bytes, profile));
  return byPath;
}

describe('validatePath equals validateBytes', () => {
  it('a 24 h activity read in several chunks', () => {
    const bytes = activity(86_400, 2, 3600).build();
    expect(bytes.length).toBeGreaterThan(2 * CHUNK);
    const r = same('day.fit', bytes);
    // Read to its end, intact (the generator writes no message_index: checks fail, not integrity).
    expect(r.readToEnd).toBe(true);
    expect(r.diagnostics.filter((d) => d.source === 'integrity' && d.level === 'error')).toEqual([]);
    expect(r.messages).toBeGreaterThan(86_400);
  });
  it('a small file, and the big one cut short mid-chunk', () => {
    same('short.fit', activity(120, 3, 60).build());
    const cut = activity(86_400, 2, 3600)
      .build()
      .subarray(0, CHUNK * 2 + 12_345);
    expect(same('cut.fit', cut).ok).toBe(false);
  });
});
