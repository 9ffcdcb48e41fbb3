/**
 * The object store of the simulated MTP watch: storages, folders and files with handles, built
 * from `/`-separated paths (docs/architecture.md). File content is either bytes (served as
 * views, never copied) or a function of the offset, so a test can put a 2 GB or endless file
 * on the watch without allocating it. Also the hostile object sets and deterministic bytes.
 */
import { ObjectFormat } from '../mtp/codes.js';

export interface SimMtpFile {
  /** Path from the storage root, `/`-separated, e.g. `GARMIN/Activity/x.fit`. */
  path: string;
  bytes?: Uint8Array;
  /** Claimed size; defaults to bytes.length. May exceed what `read` can serve (a lying device). */
  size?: number;
  /** Content at any offset, for lazily generated files; defaults to views of `bytes`. */
  read?: (offset: number, length: number) => Uint8Array;
  mtimeMs?: number;
}

export interface SimObject {
  handle: number;
  storageId: number;
  /** 0 at the root level. */
  parent: number;
  name: string;
  format: number;
  size: number;
  mtimeMs: number;
  read: (offset: number, length: number) => Uint8Array;
  children?: number[];
}

export interface SimStorage {
  id: number;
  description: string;
  capacity: number;
  roots: number[];
}

const EMPTY = new Uint8Array(0);
const DEFAULT_MTIME = Date.UTC(2024, 4, 1);
/** First handle: not 1, so a client that mixes up handles and indexes notices. */
const FIRST_HANDLE = 0x0001_0001;

export class SimObjectStore {
  readonly storages = new Map<number, SimStorage>();
  readonly objects = new Map<number, SimObject>();
  #next = FIRST_HANDLE;

  addStorage(id: number, description: string, capacity = 3_900_000_000): SimStorage {
    const s: SimStorage = { id, description, capacity, roots: [] };
    this.storages.set(id, s);
    return s;
  }

  /** Adds a file, creating its folders; returns its handle. */
  addFile(storageId: number, f: SimMtpFile): number {
    const parts = f.path.split('/');
    const name = parts.pop()!;
    let parent = 0;
    for (const dir of parts) parent = this.folder(storageId, parent, dir);
    const bytes = f.bytes ?? EMPTY;
    return this.addObject(storageId, parent, name, {
      size: f.size ?? bytes.length,
      mtimeMs: f.mtimeMs ?? DEFAULT_MTIME,
      read: f.read ?? ((offset, length) => bytes.subarray(offset, offset + length)),
    });
  }

  /** The folder `name` under `parent` (0 = root), created if missing. */
  folder(storageId: number, parent: number, name: string): number {
    const siblings = parent ? this.objects.get(parent)!.children! : this.storages.get(storageId)!.roots;
    for (const h of siblings) {
      const o = this.objects.get(h)!;
      if (o.name === name && o.format === ObjectFormat.Association) return h;
    }
    return this.addObject(storageId, parent, name, { folder: true, size: 0, mtimeMs: DEFAULT_MTIME });
  }

  /** Adds one object under `parent` by name as given (names may hold `/` or NUL: hostile sets). */
  addObject(storageId: number, parent: number, name: string, o: { folder?: boolean; size: number; mtimeMs: number; read?: SimObject['read'] }): number {
    const handle = this.#next++;
    this.objects.set(handle, {
      handle,
      storageId,
      parent,
      name,
      format: o.folder ? ObjectFormat.Association : ObjectFormat.Undefined,
      size: o.size,
      mtimeMs: o.mtimeMs,
      read: o.read ?? (() => EMPTY),
      children: o.folder ? [] : undefined,
    });
    (parent ? this.objects.get(parent)!.children! : this.storages.get(storageId)!.roots).push(handle);
    return handle;
  }

  /** Removes an object (and a folder's contents). */
  remove(handle: number): boolean {
    const o = this.objects.get(handle);
    if (!o) return false;
    for (const c of [...(o.children ?? [])]) this.remove(c);
    this.objects.delete(handle);
    const siblings = o.parent ? this.objects.get(o.parent)?.children : this.storages.get(o.storageId)?.roots;
    if (siblings) siblings.splice(siblings.indexOf(handle), 1);
    return true;
  }

  /** The handle at a `/`-separated path, if any. */
  find(storageId: number, path: string): number | undefined {
    let list = this.storages.get(storageId)?.roots ?? [];
    let found: number | undefined;
    for (const part of path.split('/')) {
      found = list.find((h) => this.objects.get(h)!.name === part);
      if (found === undefined) return undefined;
      list = this.objects.get(found)!.children ?? [];
    }
    return found;
  }

  /** Bytes stored in a storage (for StorageInfo free space). */
  used(storageId: number): number {
    let n = 0;
    for (const o of this.objects.values()) if (o.storageId === storageId && o.size < 1e12) n += o.size;
    return n;
  }
}

/** What hostile devices do to a client's listing and download loops. */
export interface HostileOptions {
  /** Names with `..`, `/` and NUL (a `..` folder, `../../evil.fit`, `nul\0.fit`). */
  badNames?: boolean;
  /** This many files in one folder, `GARMIN/Flood`. */
  manyFiles?: number;
  /** `GARMIN/Activity/huge.fit` claiming 2 GiB, content generated for any offset. */
  hugeFile?: boolean;
  /** `GARMIN/Activity/endless.fit`: ObjectInfo says 0xFFFFFFFF (4 GiB or more), ObjectSize 1 TiB, data for any offset. */
  endlessFile?: boolean;
}

export const HUGE_FILE_BYTES = 2 ** 31;
export const ENDLESS_FILE_BYTES = 2 ** 40;

export function addHostile(store: SimObjectStore, storageId: number, h: HostileOptions): void {
  const garmin = store.folder(storageId, 0, 'GARMIN');
  if (h.badNames) {
    const activity = store.folder(storageId, garmin, 'Activity');
    const dotdot = store.addObject(storageId, garmin, '..', { folder: true, size: 0, mtimeMs: DEFAULT_MTIME });
    const small = (text: string) => {
      const b = new TextEncoder().encode(text);
      return { size: b.length, mtimeMs: DEFAULT_MTIME, read: (o: number, n: number) => b.subarray(o, o + n) };
    };
    store.addObject(storageId, dotdot, 'escape.fit', small('escape'));
    store.addObject(storageId, activity, '../../evil.fit', small('evil'));
    store.addObject(storageId, activity, 'nul\u0000byte.fit', small('nul'));
  }
  if (h.manyFiles) {
    const flood = store.folder(storageId, garmin, 'Flood');
    const one = Uint8Array.of(1);
    for (let i = 0; i < h.manyFiles; i++) {
      store.addObject(storageId, flood, `f${String(i).padStart(5, '0')}.fit`, { size: 1, mtimeMs: DEFAULT_MTIME, read: (o, n) => one.subarray(o, o + n) });
    }
  }
  if (h.hugeFile) {
    const activity = store.folder(storageId, garmin, 'Activity');
    store.addObject(storageId, activity, 'huge.fit', { size: HUGE_FILE_BYTES, mtimeMs: DEFAULT_MTIME, read: generated(HUGE_FILE_BYTES) });
  }
  if (h.endlessFile) {
    const activity = store.folder(storageId, garmin, 'Activity');
    store.addObject(storageId, activity, 'endless.fit', { size: ENDLESS_FILE_BYTES, mtimeMs: DEFAULT_MTIME, read: generated(Infinity) });
  }
}

/** Byte `i` of a generated file: cheap, position-dependent, so offset mistakes show. */
export function generatedByte(i: number): number {
  return (Math.imul(i, 2654435761) >>> 24) ^ (Math.floor(i / 65536) & 0xff);
}

function generated(size: number): (offset: number, length: number) => Uint8Array {
  return (offset, length) => {
    const n = Math.max(0, Math.min(length, size - offset));
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = generatedByte(offset + i);
    return b;
  };
}

/**
 * `size` deterministic bytes, built fast (one 64 KiB seeded block repeated, each copy stamped
 * with its index) for big test and bench files: hold one, hand out views.
 */
export function patternBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  const block = Math.min(size, 65536);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < block; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  for (let o = 65536, k = 1; o < size; o += 65536, k++) {
    out.copyWithin(o, 0, Math.min(65536, size - o));
    for (let j = 0; j < 4 && o + j < size; j++) out[o + j] ^= (k >>> (8 * j)) & 0xff;
  }
  return out;
}
