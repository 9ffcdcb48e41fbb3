/**
 * FIT files inside archives, as exports ship them: `.fit.gz` (Strava's bulk export gzips each
 * activity), `.zip`, and zips inside zips (Garmin's data export nests `UploadedFiles_*.zip` in the
 * export zip). One member at a time, each bounded: memory stays at one member plus one inflate
 * window, a nested zip is spilled to a temporary file rather than held, and a bad member (unsafe
 * name, corrupt data, one that expands past the limit) is reported and skipped, not fatal.
 *
 * Names are only ever shown, never used to write: a member called `../../x` is refused all the
 * same (zip-slip), so no caller can be tempted to join it onto a folder.
 */
import { createRequire } from 'node:module';
import { closeSync, createWriteStream, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable, type Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { concatBytes } from '../bytes/concat.js';
import { FitkitError } from '../errors.js';
import { tempPathFor, trackTemp, untrackTemp } from './temp-registry.js';

/** node:zlib, loaded when a gzip file is read, not at every start of the commands that may meet one. */
const zlib = () => createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');

export type ArchiveKind = 'zip' | 'gzip';

export interface ArchiveLimits {
  /** Largest member, after inflating (a FIT file; the largest real ones are tens of MB). */
  maxMemberBytes: number;
  /** Largest zip nested inside another, spilled to a temporary file. */
  maxNestedZipBytes: number;
  /** Zips inside zips inside ... the file named. */
  maxDepth: number;
  /** Entries read from one zip's central directory. */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxMemberBytes: 512 * 2 ** 20,
  maxNestedZipBytes: 16 * 2 ** 30,
  maxDepth: 8,
  maxEntries: 1_000_000,
};

/** A member's bytes, or why it was skipped. `path` reads `outer.zip/inner.zip/a.fit`. */
export type ArchiveItem = { kind: 'member'; path: string; bytes: Uint8Array } | { kind: 'problem'; path: string; error: FitkitError };

const ZIP_MAGIC = [0x50, 0x4b]; // "PK": a local header, or the end record of an empty zip
const GZIP_MAGIC = [0x1f, 0x8b];

/** What kind of archive `head` (the first bytes of a file) starts, if any. */
export function archiveKindOf(head: Uint8Array): ArchiveKind | undefined {
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return 'gzip';
  if (head[0] === ZIP_MAGIC[0] && head[1] === ZIP_MAGIC[1] && (head[2] === 3 || head[2] === 5) && head[3] === head[2] + 1) {
    return 'zip';
  }
  return undefined;
}

/** The archive kind of the file at `path`, read from its first four bytes (a FIT file is neither). */
export function archiveKindOfFile(path: string): ArchiveKind | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4);
    const n = readSync(fd, head, 0, 4, null);
    return archiveKindOf(head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** Whether the file at `path` is an archive: a `.zip` or `.gz` name, then its content decides. */
export function isArchiveFile(path: string): boolean {
  if (!/\.(zip|gz)$/i.test(path)) return false;
  try {
    return archiveKindOfFile(path) !== undefined;
  } catch {
    return false; // unreadable: reading it as a file reports why
  }
}

/** Whether a member's name says it is something fitkit reads (or an archive that may hold some). */
export function isWantedMember(name: string): boolean {
  return /\.(fit|fit\.gz|zip)$/i.test(name);
}

/**
 * Every FIT member of the archive at `file` (a zip or a gzip), depth first, in the zip's order.
 * Members that are not `.fit`, `.fit.gz` or `.zip` by name are passed over silently (exports hold
 * GPX, JSON and pictures too). The archive itself unreadable throws; a member going wrong yields a
 * problem and the walk goes on with the next.
 */
export async function* readArchive(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): AsyncGenerator<ArchiveItem> {
  const kind = archiveKindOfFile(file);
  if (kind === 'gzip') {
    // Compressed, a FIT file is smaller still: a gzip larger than the limit cannot be one.
    if (statSync(file).size > limits.maxMemberBytes) {
      yield problem(file, 'archive_member_too_big', `is larger than ${mib(limits.maxMemberBytes)} MiB`);
      return;
    }
    yield gunzipMember(file, readFileSync(file), limits);
    return;
  }
  if (kind !== 'zip') throw new FitkitError('not_archive', 'is neither a zip nor a gzip file', { file });
  yield* readZip(file, file, limits, 1);
}

function gunzipMember(path: string, compressed: Uint8Array, limits: ArchiveLimits): ArchiveItem {
  try {
    const bytes = zlib().gunzipSync(compressed, { maxOutputLength: limits.maxMemberBytes });
    return { kind: 'member', path: path.replace(/\.gz$/i, ''), bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  } catch (e) {
    const tooBig = e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    const error = tooBig
      ? new FitkitError('archive_member_too_big', `expands past ${mib(limits.maxMemberBytes)} MiB`, { file: path })
      : new FitkitError('archive_member_corrupt', `gzip data is damaged: ${(e as Error).message}`, { file: path });
    return { kind: 'problem', path, error };
  }
}

/** yauzl (CommonJS, with its dependencies) is loaded by the first zip read, not by every command that imports this module. */
let zipLib: typeof yauzl | undefined;
async function loadZipLib(): Promise<typeof yauzl> {
  return (zipLib ??= (await import('yauzl')).default);
}

async function* readZip(zipFile: string, shownAs: string, limits: ArchiveLimits, depth: number): AsyncGenerator<ArchiveItem> {
  const lib = await loadZipLib();
  const zip = await openZip(lib, zipFile, shownAs);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new FitkitError('archive_too_many_entries', `holds ${zip.entryCount} entries, more than ${limits.maxEntries}`, {
        file: shownAs,
      });
    }
    for (;;) {
      const entry = await nextEntry(zip, shownAs);
      if (entry === undefined) return;
      const rawName = lib.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      const path = `${shownAs}/${rawName}`;
      if (rawName.endsWith('/')) continue; // a folder
      const unsafe = lib.validateFileName(rawName);
      if (unsafe !== null) {
        yield problem(path, 'archive_member_name', `unsafe name in the archive, skipped (${unsafe.replace(/:.*/, '')})`);
        continue;
      }
      if (!isWantedMember(rawName)) continue;
      if (entry.isEncrypted()) {
        yield problem(path, 'archive_member_corrupt', 'is encrypted');
        continue;
      }
      if (/\.zip$/i.test(rawName)) {
        if (depth >= limits.maxDepth) {
          yield problem(path, 'archive_too_deep', `zips nested more than ${limits.maxDepth} deep`);
          continue;
        }
        yield* nestedZip(zip, entry, path, limits, depth);
        continue;
      }
      const cap = limits.maxMemberBytes;
      if (entry.uncompressedSize > cap) {
        yield problem(path, 'archive_member_too_big', `declares ${mib(entry.uncompressedSize)} MiB, more than ${mib(cap)} MiB`);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readEntry(zip, entry, cap, path);
      } catch (e) {
        yield { kind: 'problem', path, error: asMemberError(e, path) };
        continue;
      }
      yield /\.gz$/i.test(rawName) ? gunzipMember(path, bytes, limits) : { kind: 'member', path, bytes };
    }
  } finally {
    zip.close();
  }
}

async function* nestedZip(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, limits: ArchiveLimits, depth: number): AsyncGenerator<ArchiveItem> {
  if (entry.uncompressedSize > limits.maxNestedZipBytes) {
    yield problem(path, 'archive_member_too_big', `declares ${mib(entry.uncompressedSize)} MiB, more than ${mib(limits.maxNestedZipBytes)} MiB`);
    return;
  }
  const spill = tempPathFor(join(tmpdir(), 'fitkit-nested.zip'));
  trackTemp(spill);
  try {
    try {
      const stream = await openEntry(zip, entry, path);
      await pipeline(stream, capped(limits.maxNestedZipBytes, path), createWriteStream(spill, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      yield { kind: 'problem', path, error: asMemberError(e, path) };
      return;
    }
    try {
      yield* readZip(spill, path, limits, depth + 1);
    } catch (e) {
      // The nested zip is one member of the outer one: it being unreadable is that member's problem.
      yield { kind: 'problem', path, error: asMemberError(e, path) };
    }
  } finally {
    rmSync(spill, { force: true });
    untrackTemp(spill);
  }
}

function openZip(lib: typeof yauzl, file: string, shownAs: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    lib.open(file, { lazyEntries: true, decodeStrings: false, autoClose: false, validateEntrySizes: true }, (err, zip) => {
      if (err) reject(new FitkitError('archive_corrupt', `not a readable zip: ${err.message}`, { file: shownAs }));
      else resolve(zip);
    });
  });
}

/** The next entry of the central directory, or undefined at its end. */
function nextEntry(zip: yauzl.ZipFile, shownAs: string): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry): void => (done(), resolve(e));
    const onEnd = (): void => (done(), resolve(undefined));
    const onError = (err: Error): void => (done(), reject(new FitkitError('archive_corrupt', `zip directory is damaged: ${err.message}`, { file: shownAs })));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) reject(new FitkitError('archive_member_corrupt', err.message, { file: path }));
      else resolve(stream);
    });
  });
}

/** A member's bytes, stopping as soon as it passes `cap` whatever its header declared. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number, path: string): Promise<Uint8Array> {
  const stream = await openEntry(zip, entry, path);
  const chunks: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline(stream, capped(cap, path), collect);
  return concatBytes(...chunks);
}

/** A pass-through that fails once more than `cap` bytes went through (a zip bomb's lying header). */
function capped(cap: number, path: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length;
      if (seen > cap) callback(new FitkitError('archive_member_too_big', `expands past ${mib(cap)} MiB`, { file: path }));
      else callback(null, chunk);
    },
  });
}

function asMemberError(e: unknown, path: string): FitkitError {
  if (e instanceof FitkitError) return e;
  return new FitkitError('archive_member_corrupt', `is damaged: ${(e as Error).message}`, { file: path });
}

function problem(path: string, code: 'archive_member_name' | 'archive_member_corrupt' | 'archive_member_too_big' | 'archive_too_deep', message: string): ArchiveItem {
  return { kind: 'problem', path, error: new FitkitError(code, message, { file: path }) };
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0);
}

/**
 * The one FIT file a single-file command (dump, fit2gpx, repair) reads from an archive: a
 * `.fit.gz`'s content, or a zip's only FIT member. A zip holding several names them in the error,
 * so the user can pick; a bad member is the error.
 */
export async function singleFitFromArchive(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<{ path: string; bytes: Uint8Array }> {
  let found: { path: string; bytes: Uint8Array } | undefined;
  const names: string[] = [];
  for await (const item of readArchive(file, limits)) {
    if (item.kind === 'problem') throw item.error;
    names.push(item.path.slice(file.length + 1));
    found ??= { path: item.path, bytes: item.bytes };
    if (names.length > 3) break;
  }
  if (!found) throw new FitkitError('no_files', 'holds no FIT file', { file });
  if (names.length > 1) {
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
    throw new FitkitError('archive_many_files', `holds several FIT files (${shown}): use fitkit export, sort or validate for archives`, { file });
  }
  return found;
}
