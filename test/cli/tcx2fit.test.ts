/** `fitkit tcx2fit` end to end: the built CLI run as a user runs it (npx tsc -p tsconfig.build.json first). */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import { messageToObject } from '../../src/core/fit/decode/values.js';
import { buildTcx, sdkDecode } from '../helpers/tcx-sdk.js';

const root = join(import.meta.dirname, '../..');

function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'tcx2fit', ...args], { cwd: root, encoding: 'buffer' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-tcx2fit-'));
const workout = buildTcx(
  Array.from({ length: 301 }, (_, i) => ({ t: i, d: 3.5 * i, hr: 120, cad: 24, speed: 3.5, watts: 150 })),
  { steps: 120 },
);

describe('fitkit tcx2fit', () => {
  it('writes IN.fit beside the input (no temporary file left) and reports what it wrote', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'row.tcx'), workout);
    const r = fitkit([join(dir, 'row.tcx'), '--tz', 'Europe/London', '--weight', '80', '--age', '40', '--gender', 'male', '--max-hr', '190', '--split', '500']);
    expect(r.stderr).toBe(`${join(dir, 'row.fit')}: 301 records, 3 laps, 1050 m in 300 s, 120 strokes, 43 kcal (power)\n`);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['row.fit', 'row.tcx']);
    const sdk = sdkDecode(readFileSync(join(dir, 'row.fit')));
    expect(sdk.integrity).toBe(true);
    expect(sdk.messages.sessionMesgs[0]).toMatchObject({ sport: 'rowing', subSport: 'indoorRowing', numLaps: 3 });
    expect(sdk.messages.userProfileMesgs[0]).toMatchObject({ weight: 80, age: 40, gender: 'male' });
    expect(sdk.messages.hrZoneMesgs).toHaveLength(5);
  });

  it('-o - writes the FIT to standard output; --split and --sport apply', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'run.tcx'), workout);
    const r = fitkit([join(dir, 'run.tcx'), '-o', '-', '--split', '1000', '--sport', 'running/treadmill', '--manufacturer', 'concept2', '--product', '3']);
    expect(r.code).toBe(0);
    const sdk = sdkDecode(new Uint8Array(r.stdout));
    expect(sdk.messages.lapMesgs.map((l) => l.totalDistance)).toEqual([1000, 50]);
    expect(sdk.messages.sessionMesgs[0]).toMatchObject({ sport: 'running', subSport: 'treadmill' });
    expect(sdk.messages.fileIdMesgs[0]).toMatchObject({ manufacturer: 'concept2', product: 3 });
    expect(readdirSync(dir)).toEqual(['run.tcx']);
  });

  it.each([
    ['not XML', 'bla bla\n', /^fitkit: .*bad\.tcx: line 1: not well-formed XML/],
    ['no trackpoints', buildTcx([]), /^fitkit: .*bad\.tcx: line 4: no trackpoints: an empty workout\n$/],
    ['an XML error deep inside', buildTcx([{ t: 0 }]).replace('</Track>', '</Trak>'), /^fitkit: .*bad\.tcx: line 9: not well-formed XML: <\/Trak> closes <Track> of line 5\n$/],
    ['a hostile nesting', `<TrainingCenterDatabase>${'<a>'.repeat(200_000)}`, /^fitkit: .*bad\.tcx: line 1: not well-formed XML: elements nested more than 64 deep\n$/],
  ])('%s: one line with the line number, exit 1, no output file', (_what, text, message) => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.tcx'), text);
    const r = fitkit([join(dir, 'bad.tcx'), '-o', join(dir, 'out.fit')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.length).toBeLessThanOrEqual(200 + dir.length);
    expect(readdirSync(dir)).toEqual(['bad.tcx']);
  });

  it('a Coxswain export converts; bad flags are usage errors (exit 2)', () => {
    const dir = tmp();
    copyFileSync(join(root, 'fixtures/tcx/snapshots.tcx'), join(dir, 's.tcx'));
    expect(fitkit([join(dir, 's.tcx')]).code).toBe(0);
    expect(fitkit([join(dir, 's.tcx'), '--sport', 'quidditch']).code).toBe(2);
    expect(fitkit([join(dir, 's.tcx'), '--hr-zones', '1,2,3']).code).toBe(2);
    expect(fitkit([join(dir, 's.tcx'), '--tz', 'Mars/Olympus']).code).toBe(2);
  });
});

describe('fitkit tcx2fit on messy files', () => {
  it('times going back, repeated times and values out of range: converted, each kind one warning line with the TCX line', () => {
    const dir = tmp();
    const pts = [0, 1, 2, 4, 3, 5, 5, 6].map((t) => ({ t, d: 4 * t, hr: t === 6 ? 300 : 120, cad: t === 2 ? -1 : 24 }));
    const tcx = buildTcx(pts);
    const lines = tcx
      .split('\n')
      .map((l, i) => (l.includes('<Trackpoint>') ? i + 1 : 0))
      .filter(Boolean);
    writeFileSync(join(dir, 'messy.tcx'), tcx);
    const r = fitkit([join(dir, 'messy.tcx')]);
    expect(r.code).toBe(0);
    const file = join(dir, 'messy.tcx');
    expect(r.stderr.split('\n').slice(0, 4)).toEqual([
      `fitkit: warning: ${file}: line ${lines[4]}: time goes back to 2024-05-17T06:34:21.000Z: trackpoint put in time order`,
      `fitkit: warning: ${file}: line ${lines[6]}: time 2024-05-17T06:34:23.000Z repeats: trackpoint left out`,
      `fitkit: warning: ${file}: line ${lines[7]}: heart rate 300 is outside FIT's 0..254: left out`,
      `fitkit: warning: ${file}: line ${lines[2]}: cadence -1 is outside FIT's 0..254: left out`,
    ]);
    expect(r.stderr.split('\n')[4]).toMatch(/messy\.fit: 7 records, 1 lap, 24 m in 6 s/);
    const recs = sdkDecode(readFileSync(join(dir, 'messy.fit'))).messages.recordMesgs;
    expect(recs.map((x) => x.distance)).toEqual([0, 4, 8, 12, 16, 20, 24]);
  });

  it('a pause: --pause-gap sets the gap; the summary line says the timer time', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'p.tcx'),
      buildTcx([...Array.from({ length: 61 }, (_, t) => t), ...Array.from({ length: 61 }, (_, t) => 160 + t)].map((t) => ({ t, d: 3 * Math.min(t, 60) + 3 * Math.max(0, t - 160) }))),
    );
    const r = fitkit([join(dir, 'p.tcx'), '-o', join(dir, 'a.fit')]);
    expect(r.stderr).toMatch(/a\.fit: 122 records, 1 lap, 360 m in 220 s \(120 s timer, 1 pause\)\n$/);
    expect(sdkDecode(readFileSync(join(dir, 'a.fit'))).messages.sessionMesgs[0]).toMatchObject({ totalElapsedTime: 220, totalTimerTime: 120 });
    const longer = fitkit([join(dir, 'p.tcx'), '-o', join(dir, 'b.fit'), '--pause-gap', '100']);
    expect(longer.stderr).toMatch(/b\.fit: 122 records, 1 lap, 360 m in 220 s\n$/);
  });
});

describe('tcx2fit user profile file', () => {
  it('reads $XDG_CONFIG_HOME/fitkit/user.json; flags win over it', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fitkit-user-'));
    mkdirSync(join(cfg, 'fitkit'));
    writeFileSync(join(cfg, 'fitkit', 'user.json'), JSON.stringify({ weight: 72.5, age: 33, gender: 'female', maxHr: 181 }));
    const out = join(cfg, 'out.fit');
    const tcx = join(import.meta.dirname, '../../fixtures/tcx/3x250m.tcx');
    const env = { ...process.env, XDG_CONFIG_HOME: cfg };
    const run = (...a: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/run.js'), 'tcx2fit', tcx, '-o', out, ...a], { env, encoding: 'utf8' });
    expect(run().status).toBe(0);
    let m = decodeFit(readFileSync(out)).messages.map((x) => messageToObject(x, { dates: 'raw' }));
    expect(m.find((x) => x.name === 'user_profile')?.fields).toMatchObject({ weight: 72.5, age: 33, gender: 0 });
    expect(m.find((x) => x.name === 'zones_target')?.fields.max_heart_rate).toBe(181);
    expect(run('--age', '50').status).toBe(0);
    m = decodeFit(readFileSync(out)).messages.map((x) => messageToObject(x, { dates: 'raw' }));
    expect(m.find((x) => x.name === 'user_profile')?.fields.age).toBe(50);
    writeFileSync(join(cfg, 'fitkit', 'user.json'), JSON.stringify({ gender: 'other' }));
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/user\.json: "gender" must be "male" or "female"/);
  });
});
