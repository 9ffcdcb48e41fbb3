/** The temp-file registry's sweep: what a worker thread made but had not yet reported is found by its name. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeAllTemps, sweepTempsIn, tempPathFor } from '../../../src/core/platform/temp-registry.js';

describe('temp registry sweep', () => {
  it("removes this process's temporary names in a swept folder, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-sweep-'));
    const ours = tempPathFor(join(dir, 'a.gpx'));
    expect(basename(ours)).toMatch(new RegExp(`^\\.a\\.gpx\\.${process.pid}-[0-9a-f]{8}\\.tmp$`));
    writeFileSync(ours, 'partial');
    const others = ['a.gpx', `.a.gpx.${process.pid + 1}-0123abcd.tmp`, `.a.gpx.${process.pid}-notours.tmp`];
    for (const n of others) writeFileSync(join(dir, n), 'keep');
    sweepTempsIn(dir);
    removeAllTemps();
    expect(readdirSync(dir).sort()).toEqual([...others].sort());
  });
});
