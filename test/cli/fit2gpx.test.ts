/** `fitkit fit2gpx` end to end: the built CLI run as a user runs it (npx tsc -p tsconfig.build.json first). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGpx } from '../helpers/gpx-read.js';
import { buildLocations, buildRide, LOCATIONS } from '../helpers/gpx-ride.js';

const root = join(import.meta.dirname, '../..');
const fixture = (n: string) => join(root, 'fixtures/fit', n);

function fitkit(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'fit2gpx', ...args], { input, cwd: root, encoding: 'buffer' });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-fit2gpx-'));

describe('fitkit fit2gpx', () => {
  it('writes -o OUT.gpx atomically (no temporary file left) and GPX to stdout without -o', () => {
    const dir = tmp();
    const r = fitkit([fixture('Activity.fit'), '-o', join(dir, 'a.gpx')]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['a.gpx']);
    const gpx = readGpx(readFileSync(join(dir, 'a.gpx'), 'utf8'));
    expect(gpx.creator).toBe('fitkit');
    expect(gpx.tracks[0].segments[0].length).toBeGreaterThan(0);
    const s = fitkit([fixture('Activity.fit')]);
    expect(s.stdout).toBe(readFileSync(join(dir, 'a.gpx'), 'utf8'));
    // From standard input: the same, without a metadata name.
    expect(fitkit(['-'], readFileSync(fixture('Activity.fit'))).stdout).toBe(s.stdout.replace('    <name>Activity</name>\n', ''));
  });

  it('rejects a file that is not FIT with one line naming the file and byte offset, exit 1, no output', () => {
    const dir = tmp();
    const bad = join(dir, 'notes.fit');
    writeFileSync(bad, 'these are not the bytes you are looking for');
    const r = fitkit([bad, '-o', join(dir, 'x.gpx')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`fitkit: ${bad}: not a FIT file: no ".FIT" header (at byte 0)`]);
    expect(readdirSync(dir)).toEqual(['notes.fit']);
  });

  it('converts many files into -d OUTDIR in parallel, reports a bad one, converts the rest, exits 1', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.fit');
    writeFileSync(bad, '.FIT but not really');
    const inputs = [fixture('Activity.fit'), fixture('garmin-fenix-5-walk.fit'), bad, fixture('DeveloperData.fit')];
    const r = fitkit([...inputs, '-d', join(dir, 'out'), '-j', '2']);
    expect(r.code).toBe(1);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['Activity.gpx', 'DeveloperData.gpx', 'garmin-fenix-5-walk.gpx']);
    expect(r.stderr).toContain(`fitkit: ${bad}: not a FIT file`);
    expect(r.stderr).toContain('fitkit: ' + fixture('DeveloperData.fit') + ': no positions (indoor?): wrote a GPX without a track');
    expect(r.stderr).toContain('fit2gpx: 3 files converted, 1 failed');
  });

  it('finds Locations.fit in the device tree and keeps only the waypoints of the ride', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'Garmin/Activities'), { recursive: true });
    mkdirSync(join(dir, 'Garmin/Locations'), { recursive: true });
    writeFileSync(join(dir, 'Garmin/Activities/ride.fit'), buildRide());
    writeFileSync(join(dir, 'Garmin/Locations/Locations.fit'), buildLocations());
    const r = fitkit([join(dir, 'Garmin/Activities/ride.fit'), '-o', join(dir, 'ride.gpx')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 waypoints from');
    const names = readGpx(readFileSync(join(dir, 'ride.gpx'), 'utf8')).waypoints.map((w) => w.name);
    expect(names).toEqual(LOCATIONS.filter((l) => l.during).map((l) => l.name));
    const all = fitkit([join(dir, 'Garmin/Activities/ride.fit'), '--all-waypoints']);
    expect(readGpx(all.stdout).waypoints).toHaveLength(LOCATIONS.length);
  });

  it('explains usage errors with exit 2', () => {
    expect(fitkit([fixture('Activity.fit'), fixture('Activity.fit')]).code).toBe(2);
    expect(fitkit([fixture('Activity.fit'), '--extensions', 'v3']).code).toBe(2);
  });
});
