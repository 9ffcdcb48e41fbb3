/**
 * Pairing secrets (docs/ant-fs.md): the passkey each watch gave us when the user
 * accepted pairing, one file per watch serial, and our own ANT-FS host serial, which the watch
 * binds the pairing to and must therefore stay the same across runs.
 *
 *   <config dir>/antfs/passkeys/<serial>.json  {"passkey": "<hex>", "name", "pairedAt", "hostSerial"}
 *   <config dir>/antfs/host.json               {"hostSerial": n}
 *
 * Files are mode 0600 in 0700 directories, written whole (temp file, fsync, rename).
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { FitkitError } from '../errors.js';
import { configDir } from '../platform/xdg.js';
import { randomU32, type Rng } from '../platform/random.js';

export interface PasskeyRecord {
  passkey: Uint8Array;
  /** The watch's name when it was paired. */
  name?: string;
  pairedAt?: string;
  hostSerial?: number;
}

/** `<config dir>/antfs`. */
export function antfsStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'antfs');
}

export class PasskeyStore {
  readonly dir: string;

  /** `dir` is the antfs state dir (see antfsStateDir). */
  constructor(dir: string) {
    this.dir = dir;
  }

  pathFor(serial: number): string {
    return join(this.dir, 'passkeys', `${serial >>> 0}.json`);
  }

  get(serial: number): PasskeyRecord | undefined {
    const path = this.pathFor(serial);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new FitkitError('antfs_passkey_file', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { file: path });
    }
    const bad = () => new FitkitError('antfs_passkey_file', `${path} is damaged: delete it and run fitkit sync again to pair`, { file: path });
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw bad();
    }
    if (typeof j?.passkey !== 'string' || !/^([0-9a-f]{2})+$/i.test(j.passkey)) throw bad();
    return {
      passkey: Uint8Array.from(Buffer.from(j.passkey, 'hex')),
      name: typeof j.name === 'string' ? j.name : undefined,
      pairedAt: typeof j.pairedAt === 'string' ? j.pairedAt : undefined,
      hostSerial: typeof j.hostSerial === 'number' ? j.hostSerial : undefined,
    };
  }

  set(serial: number, r: PasskeyRecord): string {
    const path = this.pathFor(serial);
    const body = { passkey: Buffer.from(r.passkey).toString('hex'), name: r.name, pairedAt: r.pairedAt, hostSerial: r.hostSerial };
    writeSecretFile(path, JSON.stringify(body, null, 2) + '\n');
    return path;
  }

  delete(serial: number): boolean {
    try {
      unlinkSync(this.pathFor(serial));
      return true;
    } catch {
      return false;
    }
  }

  /** Our ANT-FS host serial: made once (from `rng`), then read back on every run. */
  hostSerial(rng: Rng): number {
    const path = join(this.dir, 'host.json');
    try {
      const j = JSON.parse(readFileSync(path, 'utf8')) as { hostSerial?: unknown };
      if (typeof j.hostSerial === 'number' && Number.isInteger(j.hostSerial) && j.hostSerial > 0 && j.hostSerial <= 0xffffffff) return j.hostSerial;
    } catch {
      // absent or damaged: make a new one (pairings made with the old one are lost either way)
    }
    let serial = 0;
    while (serial === 0) serial = randomU32(rng);
    writeSecretFile(path, JSON.stringify({ hostSerial: serial }) + '\n');
    return serial;
  }
}

/** Writes `text` to `path` atomically with mode 0600, creating its folder with mode 0700. */
export function writeSecretFile(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
}
