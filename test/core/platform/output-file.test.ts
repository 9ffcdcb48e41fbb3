/** outputTarget(): what writing a path means, for every kind of thing that can be there. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { outputTarget, openOutput, refuseInputAsOutput, writeOutput } from '../../../src/core/platform/output-file.js';
import { trackedTemps } from '../../../src/core/platform/temp-registry.js';

const dir = () => realpathSync(mkdtempSync(join(tmpdir(), 'fitkit-outfile-')));

function failure(fn: () => unknown): FitkitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FitkitError);
    return e as FitkitError;
  }
  throw new Error('did not throw');
}

describe('outputTarget', () => {
  it("- and this process's standard output by any name are standard output", () => {
    expect(outputTarget('-')).toEqual({ kind: 'stdout' });
    expect(outputTarget('/dev/stdout')).toEqual({ kind: 'stdout' });
    expect(outputTarget('/dev/fd/1')).toEqual({ kind: 'stdout' });
    expect(outputTarget('/proc/self/fd/1')).toEqual({ kind: 'stdout' });
  });

  it('a new name, a file, and a link to either are replaced where the link chain ends', () => {
    const d = dir();
    expect(outputTarget(join(d, 'new.gpx'))).toEqual({ kind: 'replace', path: join(d, 'new.gpx') });
    writeFileSync(join(d, 'old.gpx'), 'x');
    chmodSync(join(d, 'old.gpx'), 0o640);
    const t = outputTarget(join(d, 'old.gpx'));
    expect(t).toMatchObject({ kind: 'replace', path: join(d, 'old.gpx') });
    expect(t.kind === 'replace' && t.existing!.mode & 0o777).toBe(0o640);
    mkdirSync(join(d, 'sub'));
    symlinkSync('../old.gpx', join(d, 'sub', 'link.gpx'));
    expect(outputTarget(join(d, 'sub', 'link.gpx'))).toMatchObject({ kind: 'replace', path: join(d, 'old.gpx') });
    symlinkSync('dangling-target.gpx', join(d, 'dangling.gpx'));
    expect(outputTarget(join(d, 'dangling.gpx'))).toEqual({ kind: 'replace', path: join(d, 'dangling-target.gpx') });
  });

  it('a device, a FIFO, /dev/stderr and links to them are written in place, by the name given', () => {
    const d = dir();
    expect(outputTarget('/dev/null')).toEqual({ kind: 'in-place', path: '/dev/null' });
    expect(outputTarget('/dev/stderr')).toEqual({ kind: 'in-place', path: '/dev/stderr' });
    expect(spawnSync('mkfifo', [join(d, 'fifo')]).status).toBe(0);
    expect(outputTarget(join(d, 'fifo'))).toEqual({ kind: 'in-place', path: join(d, 'fifo') });
    symlinkSync('/dev/null', join(d, 'null'));
    expect(outputTarget(join(d, 'null'))).toEqual({ kind: 'in-place', path: join(d, 'null') });
  });

  it('a folder, a missing folder, a file used as a folder and a link loop are one-line errors naming the path given', () => {
    const d = dir();
    expect(failure(() => outputTarget(d)).oneLine()).toBe(`${d}: is a directory`);
    expect(failure(() => outputTarget(join(d, 'no', 'x.gpx'))).oneLine()).toBe(`${join(d, 'no', 'x.gpx')}: output folder does not exist`);
    writeFileSync(join(d, 'f'), '');
    expect(failure(() => outputTarget(join(d, 'f', 'x.gpx'))).code).toBe('not_directory');
    symlinkSync('b', join(d, 'a'));
    symlinkSync('a', join(d, 'b'));
    expect(failure(() => outputTarget(join(d, 'a'))).oneLine()).toBe(`${join(d, 'a')}: too many levels of symbolic links`);
  });
});

describe('openOutput / writeOutput', () => {
  it('the temporary file is in the temp registry until the rename, and gone after', async () => {
    const d = dir();
    const out = await openOutput(join(d, 'x.csv'));
    expect(trackedTemps()).toContain(out.tempPath);
    out.write('hello');
    out.commit();
    expect(trackedTemps()).not.toContain(out.tempPath);
    expect(readdirSync(d)).toEqual(['x.csv']);
    const aborted = await openOutput(join(d, 'y.csv'));
    aborted.abort();
    expect(trackedTemps()).not.toContain(aborted.tempPath);
    expect(readdirSync(d)).toEqual(['x.csv']);
  });

  it('writes through a link to /dev/null without touching it; a new file appears whole', async () => {
    const d = dir();
    symlinkSync('/dev/null', join(d, 'null'));
    await writeOutput(join(d, 'null'), Buffer.from('bytes'));
    await writeOutput(join(d, 'new.fit'), Buffer.from('bytes'));
    expect(readFileSync(join(d, 'new.fit'), 'utf8')).toBe('bytes');
    expect(readdirSync(d).sort()).toEqual(['new.fit', 'null']);
  });

  it('refuses the input as the output, by inode (a link to it too)', () => {
    const d = dir();
    writeFileSync(join(d, 'in.fit'), 'x');
    symlinkSync('in.fit', join(d, 'link.fit'));
    expect(failure(() => refuseInputAsOutput(join(d, 'in.fit'), join(d, 'link.fit'))).exitCode).toBe(2);
    expect(() => refuseInputAsOutput(join(d, 'in.fit'), join(d, 'other.fit'))).not.toThrow();
  });
});
