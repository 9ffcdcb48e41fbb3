/**
 * `fitkit dump` streams its CSV: standard output gets the very bytes -o writes (every option
 * set), the header comes from a pre-scan that leaves records unread where their width cannot
 * matter, and a reader that stops after one line (`| head -1`) ends the command quietly with
 * nothing left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { dumpFitCsv } from '../../src/core/formats/fitcsv-dump.js';
import { devfields, compressed } from '../../bench/generate.js';
import { corpusPath, describeCorpus } from '../helpers/corpus.js';
import { renderDump } from '../helpers/render-dump.js';

const root = join(import.meta.dirname, '../..');
const fixture = (n: string) => join(root, 'fixtures/fit', n);
const profile = Profile.standard();

/** FitCSVTool's option sets of csv-oracle-options, as the CLI spells them. */
const SETS: string[][] = [
  [],
  ['-s'],
  ['-se'],
  ['-x'],
  ['-u'],
  ['-e'],
  ['-deg', '-iso8601'],
  ['-re'],
  ['--defn', 'none', '--data', 'record'],
  ['-ex', '--data', 'record,hrv'],
  ['--data', 'record', '-g'],
];

function fitkit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'buffer', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** A dump to standard output and one to -o: the same bytes. */
function sameOnStdoutAndFile(file: string, set: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-stream-'));
  const out = join(dir, 'out.csv');
  const toFile = fitkit(['dump', file, ...set, '-o', out]);
  const toStdout = fitkit(['dump', file, ...set]);
  expect(toStdout.code).toBe(toFile.code);
  expect(toStdout.stdout.length).toBeGreaterThan(0);
  expect(toStdout.stdout.equals(readFileSync(out))).toBe(true);
}

/** Records with developer fields, then compressed-timestamp records: a file of two FIT files. */
function generated(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-stream-'));
  const path = join(dir, 'gen.fit');
  writeFileSync(path, Buffer.concat([devfields(1200, 3).build(), compressed(1200, 4).build()]));
  return path;
}

describe('fitkit dump: standard output equals the file output', () => {
  const gen = generated();
  for (const set of SETS) {
    it(`generated file ${set.join(' ') || '(default)'}`, () => sameOnStdoutAndFile(gen, set));
  }
  for (const name of ['DeveloperData.fit', 'compressed-speed-distance.fit', 'activity-unexpected-eof.fit']) {
    for (const set of [[], ['-u']]) it(`${name} ${set.join(' ') || '(default)'}`, () => sameOnStdoutAndFile(fixture(name), set));
  }

  it('standard input read from a pipe (spooled for the pre-scan) gives the same bytes, and the spool is gone', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fitkit-stream-tmp-'));
    const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'dump', '-'], { input: readFileSync(gen), env: { ...process.env, TMPDIR: tmp }, maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(fitkit(['dump', gen]).stdout)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describeCorpus('fitkit dump: standard output equals the file output (corpus)', () => {
  for (const rel of ['muktihari-fit/chained_Activity_activity_poolswim', 'python-fitparse/developer-types-sample']) {
    it(rel, () => sameOnStdoutAndFile(corpusPath('fit', rel + '.fit'), []));
  }
});

describe('fitkit dump | head -1', () => {
  it('ends quietly (exit 0, nothing on stderr) when the reader goes, leaving no temporary file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fitkit-stream-tmp-'));
    const bytes = Buffer.concat([devfields(20_000, 5).build()]);
    // Standard input from a pipe: the input is spooled to a temporary file, which must go too.
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'dump', '-'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(bytes);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => {
      let got = '';
      child.stdout.on('data', (d: Buffer) => {
        got += d.toString('utf8');
        const nl = got.indexOf('\n');
        if (nl >= 0) {
          child.stdout.destroy();
          resolve(got.slice(0, nl));
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(first.startsWith('\uFEFFType,Local Number,Message,Field 1,Value 1,Units 1,')).toBe(true);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('dumpFitCsv streams', () => {
  const bytes = compressed(3600, 7).build();

  it('writes the header and rows before it has read the whole input the second time', async () => {
    const whole = await renderDump(bytes, profile, {});
    let opened = 0;
    let written = '';
    let firstText!: () => void;
    const sawText = new Promise<void>((resolve) => (firstText = resolve));
    // The second pass gives its first slice, then waits until something was written: without
    // streaming (a header known only at the end) this would never finish.
    const open = () => {
      opened++;
      if (opened === 1) return [bytes];
      return (async function* () {
        yield bytes.subarray(0, 1024);
        await sawText;
        yield bytes.subarray(1024);
      })();
    };
    const r = await dumpFitCsv(
      open,
      { profile },
      {
        main: () => ({
          write: (t) => {
            written += typeof t === 'string' ? t : new TextDecoder().decode(t);
            firstText();
          },
        }),
      },
    );
    expect(opened).toBe(2);
    expect(written).toBe(whole.csv);
    expect(r.rows).toBe(whole.result.rows);
  });

  it('finds the width without decoding data records where their width cannot matter', async () => {
    const { result } = await renderDump(bytes, profile, {});
    expect(result.rows).toBeGreaterThan(3600);
    // The first record of each kind that can be the widest; the thousands of others are skipped unread.
    expect(result.prescanDecoded).toBeLessThan(10);
  });
});
