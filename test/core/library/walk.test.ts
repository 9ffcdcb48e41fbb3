/** walkSources: an empty argument (a shell variable left unset) names no file; it does not walk the working folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkSources } from '../../../src/core/library/walk.js';
import { smallFit, writeFile } from '../../helpers/sort-files.js';

describe('walkSources', () => {
  const cwd = process.cwd();
  let dir = '';
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes "" as a missing file, not as the working folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'fitkit-walk-'));
    writeFile(join(dir, 'a.fit'), smallFit());
    process.chdir(dir);
    expect(walkSources(['.']).files).toEqual([join(dir, 'a.fit')]);
    const r = walkSources(['']);
    expect(r.files).toEqual([]);
    expect(r.ignored).toEqual([{ path: '', reason: 'not_found', detail: 'an empty path names no file' }]);
  });
});
