/**
 * The MTP side of `fitkit sync` (docs/mtp.md): open and claim the watch, read
 * DeviceInfo, open a session, find the storage(s) holding a `GARMIN` folder (by name, any
 * case — storage names differ by model), and walk below it folder by folder with
 * GetObjectHandles + GetObjectInfo (never GetObjPropList). Everything a device can inflate is
 * bounded: folder depth, total objects examined, dataset sizes; object names are returned as
 * the device sent them (the sync engine sanitises).
 *
 * Object budget: past `maxObjects` the walk stops and returns what it found, with a warning.
 * Truncating rather than failing lets a sync still fetch the files it did find (the Activity
 * folder is reached early in breadth-first order), while the warning tells the user why the
 * list is incomplete.
 */
import { isUsbError, type UsbDevice } from '../usb/backend.js';
import { ALL, Operation, Response } from './codes.js';
import { isFolder, type DeviceInfo, type ObjectInfo } from './datasets.js';
import { parsePtpDateTime } from './datetime.js';
import { MtpError, isMtpError } from './errors.js';
import { findMtpInterface, type MtpInterface } from './interface-probe.js';
import { MtpSession, type DownloadOptions, type SessionOptions } from './session.js';
import { MtpTransport, type TransportOptions } from './transport.js';

export interface MtpClientOptions extends TransportOptions, SessionOptions {
  /** Deepest folder level walked below GARMIN (GARMIN/Activity is 1). @default 4 */
  maxDepth?: number;
  /** Objects examined (GetObjectInfo) per listing before it stops. @default 20000 */
  maxObjects?: number;
  /** How long an empty storage list or a missing GARMIN folder counts as "still starting". @default 30000 */
  storageWaitMs?: number;
  /** Poll interval meanwhile. @default 1000 */
  storagePollMs?: number;
  onWarning?: (message: string) => void;
}

/** A storage with a GARMIN folder at its root. */
export interface GarminRoot {
  storageId: number;
  storageName: string;
  /** The folder's handle and name as the device spells it (`GARMIN`, `Garmin`). */
  handle: number;
  name: string;
}

export interface MtpFile {
  handle: number;
  storageId: number;
  /** `/`-joined device names from the GARMIN folder down, e.g. `GARMIN/Activity/x.fit`. */
  path: string;
  name: string;
  size: number;
  mtimeMs?: number;
  format: number;
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Keep only files this accepts (all files by default). */
  filter?: (name: string) => boolean;
  /** Prefix paths with the storage name (when several storages hold a GARMIN folder). */
  prefixStorage?: boolean;
}

/** Claim refused: one line, the usual culprits, how to stop them. */
export const CLAIM_BUSY_MESSAGE =
  'another program holds the watch (usually gvfs-mtp, kio-mtp or jmtpfs): stop it (`systemctl --user stop gvfs-daemon`, kill jmtpfs) ' +
  'or keep desktop MTP off Garmin devices with a udev rule setting MTP_NO_PROBE=1 and ID_MTP_DEVICE="" (see `fitkit install`)';

export class MtpClient {
  readonly device: UsbDevice;
  readonly pipes: MtpInterface;
  readonly transport: MtpTransport;
  readonly session: MtpSession;
  #o: Required<Pick<MtpClientOptions, 'maxDepth' | 'maxObjects' | 'storageWaitMs' | 'storagePollMs' | 'now' | 'sleep'>> & MtpClientOptions;
  #closed = false;
  /** When the session opened: the storage grace period runs from here. */
  #openedAt: number;

  private constructor(device: UsbDevice, pipes: MtpInterface, options: MtpClientOptions) {
    this.device = device;
    this.pipes = pipes;
    this.#o = {
      ...options,
      maxDepth: options.maxDepth ?? 4,
      maxObjects: options.maxObjects ?? 20_000,
      storageWaitMs: options.storageWaitMs ?? 30_000,
      storagePollMs: options.storagePollMs ?? 1000,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    };
    this.#openedAt = this.#o.now();
    this.transport = new MtpTransport(device, pipes, options);
    this.session = new MtpSession(this.transport, options);
  }

  /** Opens and claims the device, reads DeviceInfo, opens a session. */
  static async connect(device: UsbDevice, options: MtpClientOptions = {}): Promise<MtpClient> {
    const pipes = findMtpInterface(device.info);
    if (!pipes) throw new MtpError('mtp_no_interface', `USB device ${hex4(device.info.vendorId)}:${hex4(device.info.productId)} at ${device.info.location} has no MTP interface`);
    await device.open();
    try {
      await device.claimInterface(pipes.interface, { detachKernelDriver: true });
    } catch (e) {
      await device.close().catch(() => undefined);
      if (isUsbError(e, 'busy')) throw new MtpError('mtp_claim_busy', CLAIM_BUSY_MESSAGE, { cause: e });
      throw e;
    }
    const client = new MtpClient(device, pipes, options);
    try {
      // A previous program may have left a halt behind (§3.10 step 1).
      for (const ep of [pipes.bulkIn, pipes.bulkOut]) await device.clearHalt(ep);
      await client.session.getDeviceInfo();
      await client.session.open();
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  get deviceInfo(): DeviceInfo {
    return this.session.deviceInfo!;
  }

  /**
   * Storages whose root holds a GARMIN folder. An empty storage list, StoreNotAvailable or no
   * GARMIN folder right after plug-in is the watch still switching to its USB screen: retried
   * until storageWaitMs after connecting, then MtpError('mtp_no_garmin_folder'). (Measured
   * from the connect, so a second call does not wait all over again.)
   */
  async garminRoots(signal?: AbortSignal): Promise<GarminRoot[]> {
    const { now, sleep } = this.#o;
    const until = this.#openedAt + this.#o.storageWaitMs;
    for (;;) {
      signal?.throwIfAborted();
      let roots: GarminRoot[] | undefined;
      let why = 'the watch lists no storage';
      try {
        const ids = await this.session.storageIds();
        if (ids.length) {
          roots = await this.#findRoots(ids, signal);
          why = 'no storage has a GARMIN folder';
        }
      } catch (e) {
        if (!(isMtpError(e, 'mtp_response') && e.response === Response.StoreNotAvailable)) throw e;
        why = 'storage not available';
      }
      if (roots?.length) return roots;
      if (now() >= until) throw new MtpError('mtp_no_garmin_folder', `${why} (${this.#o.storageWaitMs} ms after connecting)`);
      await sleep(this.#o.storagePollMs);
    }
  }

  async #findRoots(ids: number[], signal?: AbortSignal): Promise<GarminRoot[]> {
    const roots: GarminRoot[] = [];
    const budget = { left: this.#o.maxObjects, warned: false };
    for (const storageId of ids) {
      const info = await this.session.storageInfo(storageId);
      const storageName = info.description || `storage ${storageId.toString(16)}`;
      const top = (await this.#children(storageId, ALL, budget, signal)).filter((c) => isFolder(c.info));
      const here = top.find((c) => c.info.filename.toLowerCase() === 'garmin');
      if (here) {
        roots.push({ storageId, storageName, handle: here.handle, name: here.info.filename });
        continue;
      }
      // Some watches (fenix 6) put it one level down: `Primary/GARMIN`.
      for (const folder of top) {
        const inner = (await this.#children(storageId, folder.handle, budget, signal)).find((c) => isFolder(c.info) && c.info.filename.toLowerCase() === 'garmin');
        if (inner) {
          roots.push({ storageId, storageName, handle: inner.handle, name: `${folder.info.filename}/${inner.info.filename}` });
          break;
        }
      }
    }
    return roots;
  }

  /**
   * Every file below the GARMIN folder(s), breadth-first, folders up to maxDepth, at most
   * maxObjects examined in all.
   */
  async listFiles(roots: GarminRoot[], options: ListOptions = {}): Promise<MtpFile[]> {
    const { signal, filter } = options;
    const files: MtpFile[] = [];
    const budget = { left: this.#o.maxObjects, warned: false };
    const seen = new Set<number>();
    let deepWarned = false;
    for (const root of roots) {
      const top = options.prefixStorage ? `${root.storageName}/${root.name}` : root.name;
      const queue: { handle: number; path: string; depth: number }[] = [{ handle: root.handle, path: top, depth: 0 }];
      seen.add(root.handle);
      for (let q = 0; q < queue.length; q++) {
        const dir = queue[q];
        for (const { handle, info } of await this.#children(root.storageId, dir.handle, budget, signal)) {
          const path = `${dir.path}/${info.filename}`;
          if (isFolder(info)) {
            if (seen.has(handle)) continue;
            seen.add(handle);
            if (dir.depth + 1 <= this.#o.maxDepth) queue.push({ handle, path, depth: dir.depth + 1 });
            else if (!deepWarned) {
              deepWarned = true;
              this.#warn(`not descending below ${this.#o.maxDepth} folder levels (at ${path})`);
            }
            continue;
          }
          if (filter && !filter(info.filename)) continue;
          const size = await this.#size(handle, info, path);
          if (size === undefined) continue;
          files.push({ handle, storageId: root.storageId, path, name: info.filename, size, mtimeMs: parsePtpDateTime(info.dateModified), format: info.format });
        }
      }
    }
    return files;
  }

  /** Children of a folder (or the root level) with their ObjectInfo, within the budget. */
  async #children(storageId: number, parent: number, budget: Budget, signal?: AbortSignal): Promise<{ handle: number; info: ObjectInfo }[]> {
    signal?.throwIfAborted();
    if (budget.left <= 0 && budget.warned) return [];
    let handles = await this.session.objectHandles(storageId, parent);
    if (handles.length > budget.left) {
      if (!budget.warned) this.#warn(`the watch has more than ${this.#o.maxObjects} objects; listing stopped there and is incomplete`);
      budget.warned = true;
      handles = handles.slice(0, Math.max(0, budget.left));
    }
    budget.left -= handles.length;
    const out: { handle: number; info: ObjectInfo }[] = [];
    for (const handle of handles) {
      signal?.throwIfAborted();
      try {
        out.push({ handle, info: await this.session.objectInfo(handle) });
      } catch (e) {
        // A vanished object or an unreadable ObjectInfo costs that object only.
        if (isMtpError(e, 'mtp_dataset') || (isMtpError(e, 'mtp_response') && e.response === Response.InvalidObjectHandle)) {
          this.#warn(`skipping object 0x${handle.toString(16)}: ${e.message}`);
          continue;
        }
        throw e;
      }
    }
    return out;
  }

  async #size(handle: number, info: ObjectInfo, path: string): Promise<number | undefined> {
    if (info.compressedSize !== 0xffffffff) return info.compressedSize;
    if (this.session.supports(Operation.GetObjectPropValue)) {
      try {
        return await this.session.objectSize(handle);
      } catch (e) {
        if (!isMtpError(e)) throw e;
      }
    }
    this.#warn(`skipping ${path}: size unknown (4 GiB or more)`);
    return undefined;
  }

  /** A file directly in a folder, by name in any case (e.g. GarminDevice.xml in GARMIN). */
  async findFile(root: GarminRoot, name: string, signal?: AbortSignal): Promise<MtpFile | undefined> {
    const want = name.toLowerCase();
    const budget = { left: this.#o.maxObjects, warned: false };
    for (const { handle, info } of await this.#children(root.storageId, root.handle, budget, signal)) {
      if (isFolder(info) || info.filename.toLowerCase() !== want) continue;
      const size = await this.#size(handle, info, `${root.name}/${info.filename}`);
      if (size === undefined) return undefined;
      return { handle, storageId: root.storageId, path: `${root.name}/${info.filename}`, name: info.filename, size, mtimeMs: parsePtpDateTime(info.dateModified), format: info.format };
    }
    return undefined;
  }

  /** Streams a file's bytes from `offset`, never past its claimed size. */
  download(file: Pick<MtpFile, 'handle' | 'size'>, sink: (chunk: Uint8Array) => void | Promise<void>, options?: DownloadOptions): Promise<void> {
    return this.session.download(file.handle, file.size, sink, options);
  }

  /** A whole small file in memory (GarminDevice.xml), refusing anything over `maxBytes`. */
  async readSmall(file: Pick<MtpFile, 'handle' | 'size'>, maxBytes: number): Promise<Uint8Array> {
    if (file.size > maxBytes) throw new MtpError('mtp_size_mismatch', `object of ${file.size} bytes is larger than the ${maxBytes} expected`);
    const out = new Uint8Array(file.size);
    let o = 0;
    await this.download(file, (c) => {
      out.set(c, o);
      o += c.length;
    });
    return out;
  }

  async remove(file: Pick<MtpFile, 'handle'>): Promise<void> {
    await this.session.deleteObject(file.handle);
  }

  /** CloseSession, release, close; never throws, never resets the device (§3.3). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // After an abort the pipe holds an unfinished transaction: skip CloseSession rather than wait
    // for it; the watch reports SessionAlreadyOpen next time, which open() handles.
    if (!this.transport.dead && !this.transport.abandoned) await this.session.close().catch(() => undefined);
    await this.device.releaseInterface(this.pipes.interface).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  #warn(message: string): void {
    this.#o.onWarning?.(message);
  }
}

interface Budget {
  /** Objects that may still be examined. */
  left: number;
  /** The limit was hit (and reported). */
  warned: boolean;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
