/** `fitkit set`, `strip` and `csv2fit` as a user runs them: outputs, --json, errors and exit codes, inputs untouched. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const fixture = (name: string) => join(root, 'fixtures/fit', name);
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'buffer' });
  return { code: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
};
const sdkRead = (bytes: Uint8Array) => {
  const d = new Decoder(Stream.fromByteArray(bytes));
  expect(d.checkIntegrity()).toBe(true);
  return d.read();
};

describe('fitkit set', () => {
  it('writes the device to file_id and the creator device_info, and the sport, leaving the input as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-set-'));
    const input = join(dir, 'walk.fit');
    copyFileSync(fixture('garmin-fenix-5-walk.fit'), input);
    const before = readFileSync(input);
    const r = run('set', input, '-o', join(dir, 'out.fit'), '--device', 'garmin:fenix7', '--serial', '1234567', '--sport', 'hiking', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ fileIds: 1, sessions: 1 });
    expect(j.creatorDeviceInfos).toBeGreaterThan(0);
    expect(readFileSync(input).equals(before)).toBe(true);
    const { messages, errors } = sdkRead(readFileSync(join(dir, 'out.fit')));
    expect(errors).toEqual([]);
    expect(messages.fileIdMesgs![0]).toMatchObject({ manufacturer: 'garmin', garminProduct: 'fenix7', serialNumber: 1234567 });
    const creator = messages.deviceInfoMesgs!.filter((m: { deviceIndex?: unknown }) => m.deviceIndex === 'creator');
    expect(creator.length).toBeGreaterThan(0);
    for (const m of creator) expect(m).toMatchObject({ manufacturer: 'garmin', garminProduct: 'fenix7', serialNumber: 1234567 });
    expect(messages.sessionMesgs![0]).toMatchObject({ sport: 'hiking', subSport: 'generic' });

    expect(run('set', input, '-o', join(dir, 'out.fit'), '--sport', 'hiking').code).toBe(2); // exists
    expect(run('set', input, '-o', input, '--sport', 'hiking', '--force').code).toBe(2); // the input
  });

  it('refuses unknown names and writes the file to standard output with -o -', () => {
    const bad = run('set', fixture('Activity.fit'), '-o', '-', '--device', 'garmin:nosuchwatch', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error.message).toContain('unknown garmin_product "nosuchwatch"');
    expect(run('set', fixture('Activity.fit'), '-o', '-', '--sport', 'quidditch').stderr).toContain('--sport: unknown sport "quidditch"');
    expect(run('set', fixture('Activity.fit'), '-o', '-').code).toBe(2);
    const r = run('set', fixture('Activity.fit'), '-o', '-', '--device', '1:3121');
    expect(r.code).toBe(0);
    expect(sdkRead(r.stdout).messages.fileIdMesgs![0]).toMatchObject({ manufacturer: 'garmin', garminProduct: 'edge530' });
  });

  it('a damaged input is an error naming the file, and no output is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-set-'));
    const r = run('set', fixture('activity-unexpected-eof.fit'), '-o', join(dir, 'o.fit'), '--sport', 'running');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fitkit: .*activity-unexpected-eof\.fit: .*fitkit repair/);
    expect(existsSync(join(dir, 'o.fit'))).toBe(false);
  });
});

describe('fitkit strip', () => {
  it('leaves positions out and says what it removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-strip-'));
    const r = run('strip', fixture('Activity.fit'), '-o', join(dir, 'o.fit'), '--positions', '--messages', 'event');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/o\.fit: \d+ messages, \d+ field definitions and 0 developer field definitions left out/);
    const { messages, errors } = sdkRead(readFileSync(join(dir, 'o.fit')));
    expect(errors).toEqual([]);
    expect(messages.eventMesgs ?? []).toEqual([]);
    expect(messages.recordMesgs!.length).toBeGreaterThan(0);
    expect(JSON.stringify(messages)).not.toMatch(/position(Lat|Long)|PositionLat|PositionLong/);
    expect(run('strip', fixture('Activity.fit'), '-o', join(dir, 'p.fit')).code).toBe(2); // nothing asked
    expect(run('strip', fixture('Activity.fit'), '-o', join(dir, 'p.fit'), '--messages', 'nosuch').code).toBe(2);
  });
});

describe('fitkit csv2fit', () => {
  it('turns a dump back into the file it came from, and names the CSV line of a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-csv2fit-'));
    const csv = join(dir, 'a.csv');
    expect(run('dump', fixture('Activity.fit'), '-o', csv).code).toBe(0);
    const r = run('csv2fit', csv, '-o', join(dir, 'a.fit'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ output: join(dir, 'a.fit') });
    sdkRead(readFileSync(join(dir, 'a.fit')));
    expect(run('dump', join(dir, 'a.fit'), '-o', join(dir, 'b.csv')).code).toBe(0);
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(readFileSync(csv, 'utf8'));

    const lines = readFileSync(csv, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('Data,') && l.includes('altitude'));
    lines[at] = lines[at].replace(/altitude,"[^"]+"/, 'altitude,"high"');
    writeFileSync(join(dir, 'bad.csv'), lines.join('\n'));
    const bad = run('csv2fit', join(dir, 'bad.csv'), '-o', join(dir, 'bad.fit'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`bad.csv: line ${at + 1}: altitude: "high" is not a number`);
    expect(existsSync(join(dir, 'bad.fit'))).toBe(false);
  });
});
