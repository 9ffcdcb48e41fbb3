/** `fitkit gpx2fit` as a user runs it (the built dist/, in-process): output beside the input, --json, errors and exit codes. */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitkitIn } from '../helpers/run-cli.js';
import { sdkDecode } from '../helpers/tcx-sdk.js';

const root = join(import.meta.dirname, '../..');
const fixture = join(root, 'fixtures/gpx/meridian.gpx');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-gpx2fit-'));

describe('fitkit gpx2fit', () => {
  it('writes IN.fit beside the input, leaves the input as it was, says what it wrote', async () => {
    const dir = tmp();
    const gpx = join(dir, 'meridian.gpx');
    copyFileSync(fixture, gpx);
    const before = statSync(gpx).mtimeMs;
    const r = await fitkitIn(['gpx2fit', gpx, '--speed', '15']);
    expect(r.stderr).toBe(`${join(dir, 'meridian.fit')}: course "meridian" from the track: 64 records, 7.65 km, 12 course points, times at 15 km/h\n`);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['meridian.fit', 'meridian.gpx']);
    expect(readFileSync(gpx)).toEqual(readFileSync(fixture));
    expect(statSync(gpx).mtimeMs).toBe(before);
    const sdk = sdkDecode(readFileSync(join(dir, 'meridian.fit')));
    expect(sdk.integrity).toBe(true);
    expect(sdk.messages.courseMesgs[0]).toMatchObject({ name: 'meridian', sport: 'cycling' });
    const rec = sdk.messages.recordMesgs;
    // 15 km/h: the last record's time is its distance at 4.1667 m/s.
    const secs = (rec[rec.length - 1].timestamp.getTime() - rec[0].timestamp.getTime()) / 1000;
    expect(Math.abs(secs - rec[rec.length - 1].distance / (15 / 3.6))).toBeLessThanOrEqual(1);
  });

  it('--json: the summary on stdout; --name and --sport set the course message', async () => {
    const dir = tmp();
    const r = await fitkitIn(['gpx2fit', fixture, '-o', join(dir, 'c.fit'), '--name', 'Sunday', '--sport', 'hiking', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'Sunday', from: 'track', records: 64, coursePoints: 12, timesFrom: 'speed', output: join(dir, 'c.fit') });
    expect(sdkDecode(readFileSync(join(dir, 'c.fit'))).messages.courseMesgs[0]).toMatchObject({ name: 'Sunday', sport: 'hiking' });
  });

  it('bad input: one line naming the file, exit 1, no output; bad flags: exit 2', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.gpx');
    writeFileSync(bad, '<gpx>\n<trk><trkseg><trkpt lat="1" lon="2"></trkseg></trk></gpx>');
    const r = await fitkitIn(['gpx2fit', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${bad}: line 2: not well-formed XML: </trkseg> closes <trkpt> of line 2\n`);
    expect(readdirSync(dir)).toEqual(['bad.gpx']);
    const j = await fitkitIn(['gpx2fit', bad, '--json']);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'bad_gpx', file: bad });
    expect((await fitkitIn(['gpx2fit', fixture, '--speed', '0', '-o', join(dir, 'x.fit')])).code).toBe(2);
    expect((await fitkitIn(['gpx2fit', fixture, '--sport', 'quidditch', '-o', join(dir, 'x.fit')])).code).toBe(2);
    expect(readdirSync(dir)).toEqual(['bad.gpx']);
  });
});
