/** `fitkit dump` end to end: the built CLI run as a user runs it. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const fixture = (n: string) => join(root, 'fixtures/fit', n);

function fitkit(args: string[], input?: Buffer, env?: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { input, cwd: root, encoding: 'buffer', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

describe('fitkit dump', () => {
  it('writes the FitCSVTool CSV to stdout', () => {
    const r = fitkit(['dump', fixture('DeveloperData.fit')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(fixture('DeveloperData.csv'), 'utf8'));
  });

  it('reads standard input with -', () => {
    const r = fitkit(['dump', '-'], readFileSync(fixture('DeveloperData.fit')));
    expect(r.stdout).toBe(readFileSync(fixture('DeveloperData.csv'), 'utf8'));
  });

  it('writes -o OUT.csv and OUT_data.csv with --data, leaving no temporary files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const r = fitkit(['dump', fixture('Activity.fit'), '-o', join(dir, 'a.csv'), '--data', 'record,event']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'a_data.csv']);
    const data = readFileSync(join(dir, 'a_data.csv'), 'utf8').split('\n');
    // docs/fitcsv-options.md, `_data.csv`, from this very file.
    expect(data[0]).toBe(
      'event.timestamp[s],event.timer_trigger,event.event,event.event_type,event.event_group,record.timestamp[s],record.position_lat[semicircles],record.position_long[semicircles],record.distance[m],record.altitude[m],record.speed[m/s],record.enhanced_altitude[m],record.enhanced_speed[m/s],event.data,',
    );
    expect(data[1]).toBe('"702940946","0","0","0","0",,,,');
    expect(data[2]).toBe('"702940946","0","0","0","0","702940946","495280430","-872696681","0.02","278.20000000000005","0.0","278.20000000000005","0.0",');
  });

  it('accepts FitCSVTool spellings (-se -deg -iso8601 -re -ex)', () => {
    const r = fitkit(['dump', fixture('Activity.fit'), '-deg', '-iso8601', '-re', '--defn', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Data,2,record,timestamp,"2012-04-09T21:22:26Z",,position_lat,"41.51392607",degrees');
    expect(r.stdout).not.toContain('Definition,');
  });

  it('--defn none --data with no matching message writes no file at all, as FitCSVTool', () => {
    // MonitoringFile.fit has no record message (csv-oracle-options/data-record: only a .log).
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const r = fitkit(['dump', fixture('MonitoringFile.fit'), '-o', join(dir, 'm.csv'), '--defn', 'none', '--data', 'record']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(r.stderr).toMatch(/MonitoringFile\.fit: no message or definition to write; no CSV written/);
  });

  it('--data -g with no matching message: the CSV of definitions and an empty _data.csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const r = fitkit(['dump', fixture('MonitoringFile.fit'), '-o', join(dir, 'm.csv'), '--data', 'record', '-g']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'm.csv'), 'utf8')).toMatch(/\nDefinition,0,file_id,/);
    expect(readFileSync(join(dir, 'm_data.csv'), 'utf8')).toBe('');
  });

  it('--data on a file that fails its CRC: the rows decoded in the CSV, _data.csv empty, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const r = fitkit(['dump', fixture('activity-filecrc.fit'), '-o', join(dir, 'a.csv'), '--data', 'record']);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toContain('Data,2,record,');
    expect(readFileSync(join(dir, 'a_data.csv'), 'utf8')).toBe('');
  });

  it('-u prints the count of what it hid, as FitCSVTool does', () => {
    const r = fitkit(['dump', fixture('compressed-speed-distance.fit'), '-u']);
    expect(r.code).toBe(0);
    // FitCSVTool 21.202's line for this file (csv-oracle-options/u/python-fitparse/compressed-speed-distance.log).
    expect(r.stderr.trim()).toBe('Hid 2 unknown field(s) and 4 unknown message(s).');
    expect(r.stdout).not.toContain(',unknown,');
  });

  it('rejects a file that is not FIT with one line, the file and the offset, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const bad = join(dir, 'notes.fit');
    writeFileSync(bad, 'these are not the bytes you are looking for');
    const r = fitkit(['dump', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`fitkit: ${bad}: not a FIT file: no ".FIT" header (at byte 0)`]);
    expect(r.stdout).toBe('');
  });

  it('a truncated file: the partial CSV, the problem on stderr, exit 1', () => {
    const r = fitkit(['dump', fixture('activity-unexpected-eof.fit')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(readFileSync(fixture('activity-unexpected-eof.csv'), 'utf8'));
    expect(r.stderr).toMatch(/activity-unexpected-eof\.fit: truncated: .*\(at byte 751\)/);
  });

  it('--json prints one interpreted message per line', () => {
    const r = fitkit(['dump', '--json', fixture('Activity.fit')]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ name: 'file_id', fields: { manufacturer: 'dynastream', type: 'activity' } });
    const rec = lines.find((l) => l.name === 'record');
    expect(rec.fields.timestamp).toBe('2012-04-09T21:22:26.000Z');
    expect(rec.fields.altitude).toBeCloseTo(278.2, 6);
  });

  it('--profile-extra names a message the profile lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-test-'));
    const extra = join(dir, 'extra.json');
    // compressed-speed-distance.fit holds unknown messages; name one of them.
    writeFileSync(extra, JSON.stringify({ messages: [{ num: 22, name: 'mystery', fields: [{ num: 0, name: 'alpha', type: 'uint8' }] }] }));
    const before = fitkit(['dump', fixture('compressed-speed-distance.fit')]).stdout;
    const after = fitkit(['dump', fixture('compressed-speed-distance.fit'), '--profile-extra', extra]).stdout;
    expect(before).not.toContain('mystery');
    expect(after).toContain(',mystery,');
  });

  it('reads profile additions from $XDG_CONFIG_HOME/fitkit/profile-extra.json', () => {
    const config = mkdtempSync(join(tmpdir(), 'fitkit-xdg-'));
    mkdirSync(join(config, 'fitkit'));
    writeFileSync(join(config, 'fitkit', 'profile-extra.json'), JSON.stringify({ messages: [{ num: 22, name: 'mystery', fields: [{ num: 0, name: 'alpha', type: 'uint8' }] }] }));
    const r = fitkit(['dump', '--json', fixture('compressed-speed-distance.fit')], undefined, { XDG_CONFIG_HOME: config });
    expect(r.stdout).toContain('"name":"mystery"');
  });
});

describe('fitkit --version', () => {
  it('prints name, version, platform and Node, as oclif does', () => {
    const r = fitkit(['--version']);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(r.stdout).toBe(`fitkit/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
  });
});
