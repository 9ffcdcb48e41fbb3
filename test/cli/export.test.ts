import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitkitIn } from '../helpers/run-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/fit');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fitkit export', () => {
  it('--json tells what was exported and held; a second run reads nothing', async () => {
    const out = join(dir, 'tables');
    const first = await fitkitIn(['export', FIXTURES, '-o', out, '--messages', 'session,record', '--json']);
    expect(first.code).toBe(0);
    const r = JSON.parse(first.stdout);
    expect(r.exported).toBeGreaterThan(3);
    expect(Object.keys(r.tables).sort()).toEqual(['record', 'session']);
    const second = await fitkitIn(['export', FIXTURES, '-o', out, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ exported: 0, held: r.exported, tables: {} });
  });

  it('a file that is not FIT is a problem (exit 1, one line naming it); the rest is exported', async () => {
    const bad = join(dir, 'bad.fit');
    writeFileSync(bad, 'not a fit file at all');
    const r = await fitkitIn(['export', bad, join(FIXTURES, 'Activity.fit'), '-o', join(dir, 't2')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^fitkit: ${bad}: .+$`, 'm'));
    expect(r.stdout).toMatch(/^1 file exported/);
  });

  it('usage problems exit 2: no -o, an unknown message type, no sources', async () => {
    expect((await fitkitIn(['export', FIXTURES])).code).toBe(2);
    const m = await fitkitIn(['export', FIXTURES, '-o', join(dir, 't3'), '--messages', 'recrod']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/recrod/);
    expect((await fitkitIn(['export', '-o', join(dir, 't4')])).code).toBe(2);
  });
});
