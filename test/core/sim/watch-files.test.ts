import { describe, expect, it } from 'vitest';
import { readFileId } from '../../../src/core/library/file-id.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/index.js';

describe('simulated watch files', () => {
  it('state the file type their file_id holds (the simulated ANT-FS directory lists it without decoding)', () => {
    for (const model of Object.values(WATCH_MODELS)) {
      const files = watchFiles(model).filter((f) => f.bytes.length > 0);
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) expect([f.path, f.fileType]).toEqual([f.path, readFileId(f.bytes)?.type]);
    }
  });
});
