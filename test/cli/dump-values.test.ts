/**
 * `fitkit dump` on values that broke it: a date_time stored in a type no Date can hold (uint64,
 * float64) printed by --json and -iso8601 (it threw RangeError: Invalid time value), and a
 * serial number stored as uint32 0 for its uint32z type (docs/fitcsv-invalid-values.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseType } from '../../src/core/fit/proto/base-types.js';
import { FitBuilder, MesgNum } from '../helpers/fit-builder.js';

const root = join(import.meta.dirname, '../..');
const T0 = 1_100_000_000;

function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeFit(): string {
  const bytes = new FitBuilder()
    .define(0, MesgNum.fileId, [
      { num: 0, size: 1, type: BaseType.enum },
      { num: 3, size: 4, type: BaseType.uint32 },
      { num: 4, size: 8, type: BaseType.float64 },
    ])
    .data(0, [4, 0, 1e300])
    .define(1, MesgNum.event, [
      { num: 253, size: 8, type: BaseType.uint64 },
      { num: 0, size: 1, type: BaseType.enum },
    ])
    .data(1, [2n ** 64n - 2n, 0])
    .data(1, [BigInt(T0), 0])
    .build();
  const path = join(mkdtempSync(join(tmpdir(), 'fitkit-dumpvalues-')), 'dates.fit');
  writeFileSync(path, bytes);
  return path;
}

describe('fitkit dump: values out of the ordinary', () => {
  const path = writeFit();

  it('--json keeps a date_time no Date can hold as its number, and leaves out a uint32z 0', () => {
    const r = fitkit(['dump', '--json', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; fields: Record<string, unknown> });
    expect(lines.map((l) => l.fields)).toEqual([
      { type: 'activity', time_created: 1e300 },
      // bigint beyond 2^53 is printed as decimal text.
      { timestamp: '18446744073709551614', event: 'timer' },
      { timestamp: '2024-11-08T11:33:20.000Z', event: 'timer' },
    ]);
  });

  it('-iso8601 does not throw either; FitCSVTool leaves the wider fields out', () => {
    const r = fitkit(['dump', '-iso8601', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const data = r.stdout.split('\n').filter((l) => l.startsWith('Data'));
    // One field each, padded to the widest row (three fields).
    expect(data).toEqual(['Data,0,file_id,type,"4",,,,,,,,', 'Data,1,event,event,"0",,,,,,,,', 'Data,1,event,event,"0",,,,,,,,']);
  });
});
