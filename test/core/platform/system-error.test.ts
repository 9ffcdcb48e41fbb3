/** fromSystemError(): Node's errors from real system calls, as one line naming the path given. */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { fromSystemError, isSystemError, withPath } from '../../../src/core/platform/system-error.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fitkit-syserr-'));

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('fromSystemError', () => {
  it('maps real errors by their code, naming the path the user gave', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), '');
    const cases: [() => unknown, string, string][] = [
      [() => readFileSync(d), 'is_directory', 'is a directory'],
      [() => readFileSync(join(d, 'nope')), 'not_found', 'no such file or directory'],
      [() => readFileSync(join(d, 'file', 'x')), 'not_directory', 'not a directory (or a folder in the path is a file)'],
    ];
    for (const [fn, code, message] of cases) {
      const e = fromSystemError(caught(fn), 'given/path');
      expect(e).toBeInstanceOf(FitkitError);
      expect((e as FitkitError).code).toBe(code);
      expect((e as FitkitError).oneLine()).toBe(`given/path: ${message}`);
    }
  });

  it('reads ENOENT on an output as a missing output folder, EEXIST on mkdir -p as "not a directory"', () => {
    const d = dir();
    const enoent = caught(() => writeFileSync(join(d, 'no', 'x'), ''));
    expect((fromSystemError(enoent, 'no/x', 'output') as FitkitError).oneLine()).toBe('no/x: output folder does not exist');
    writeFileSync(join(d, 'f'), '');
    const eexist = caught(() => mkdirSync(join(d, 'f'), { recursive: true }));
    expect((fromSystemError(eexist, 'f', 'folder') as FitkitError).oneLine()).toBe('f: not a directory');
  });

  it("an unlisted code keeps Node's own words, without the code and the system call", () => {
    const e = Object.assign(new Error('ECONNRESET: connection reset by peer, read'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
    expect((fromSystemError(e, 'dev') as FitkitError).oneLine()).toBe('dev: connection reset by peer');
    expect((fromSystemError(e, 'dev') as FitkitError).code).toBe('system_error');
  });

  it('leaves anything else alone: plain errors, FitkitErrors, errors that only look like system errors', () => {
    const plain = new Error('x');
    expect(fromSystemError(plain)).toBe(plain);
    const oclifExit = Object.assign(new Error('EEXIT: 1'), { code: 'EEXIT' });
    expect(isSystemError(oclifExit)).toBe(false);
    expect(fromSystemError(oclifExit)).toBe(oclifExit);
    expect(() => withPath('p', 'input', () => readFileSync(join(dir(), 'nope')))).toThrow(/^no such file or directory$/);
  });
});
