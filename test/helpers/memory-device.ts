/**
 * A device session over files in memory, for testing the sync engine without a transport:
 * chunks of `chunk` bytes, and faults on demand (gone at byte K, silence, more bytes than listed).
 */
import { UsbError } from '../../src/core/usb/backend.js';
import type { DeviceCandidate, DeviceIdentity, DeviceProvider, DeviceSession, RemoteFile } from '../../src/core/sync/device-source.js';

export interface MemFile {
  path: string;
  bytes: Uint8Array;
  mtimeMs?: number;
  /** Listed size when it differs from the bytes (a lying device). */
  listedSize?: number;
}

export interface MemFaults {
  /** Device goes away after this many bytes of this run's downloads. */
  goneAtByte?: number;
  /** The download of this path never sends anything (until aborted). */
  silentPath?: string;
  /** The download of this path sends endless bytes. */
  endlessPath?: string;
  /** The download of this path fails with an I/O error. */
  failingPath?: string;
}

export class MemoryDevice implements DeviceSession {
  readonly identity: DeviceIdentity;
  files: MemFile[];
  faults: MemFaults = {};
  chunk = 4096;
  removed: string[] = [];
  downloads: string[] = [];
  #sent = 0;
  closed = false;

  constructor(identity: Partial<DeviceIdentity> & { key: string }, files: MemFile[]) {
    this.identity = { transport: 'msc', ...identity };
    this.files = files;
  }

  async listFiles(): Promise<RemoteFile[]> {
    return this.files.map((f) => ({ path: f.path, size: f.listedSize ?? f.bytes.length, mtimeMs: f.mtimeMs, ref: f }));
  }

  async download(file: RemoteFile, sink: (c: Uint8Array) => void | Promise<void>, o: { signal?: AbortSignal; offset?: number } = {}): Promise<void> {
    const f = file.ref as MemFile;
    this.downloads.push(f.path);
    if (this.faults.failingPath === f.path) throw new Error(`I/O error reading ${f.path}`);
    if (this.faults.silentPath === f.path) {
      await new Promise<void>((_, reject) => o.signal?.addEventListener('abort', () => reject(o.signal!.reason as Error)));
    }
    const endless = this.faults.endlessPath === f.path;
    for (let off = o.offset ?? 0; endless || off < f.bytes.length; off += this.chunk) {
      if (o.signal?.aborted) throw o.signal.reason as Error;
      const c = endless ? new Uint8Array(this.chunk) : f.bytes.subarray(off, off + this.chunk);
      const gone = this.faults.goneAtByte;
      if (gone !== undefined && this.#sent + c.length > gone) {
        this.faults.goneAtByte = undefined;
        throw new UsbError('no_device', 'USB device 1-1 is gone');
      }
      this.#sent += c.length;
      await sink(c);
      await new Promise((r) => setImmediate(r));
    }
  }

  async remove(file: RemoteFile): Promise<void> {
    const f = file.ref as MemFile;
    this.removed.push(f.path);
    this.files = this.files.filter((x) => x !== f);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A provider of memory devices that can be plugged in and out (hotplug for the sync service). */
export class MemoryProvider implements DeviceProvider {
  readonly transport = 'msc' as const;
  #plugged = new Map<string, MemoryDevice>();
  #listeners = new Set<() => void>();
  opened = 0;

  plug(location: string, dev: MemoryDevice): void {
    this.#plugged.set(location, dev);
    for (const l of this.#listeners) l();
  }

  unplug(location: string): void {
    this.#plugged.delete(location);
    for (const l of this.#listeners) l();
  }

  async scan(): Promise<DeviceCandidate[]> {
    return [...this.#plugged].map(([location, dev]) => ({
      transport: 'msc' as const,
      location,
      label: `memory device at ${location}`,
      open: async () => {
        this.opened++;
        return dev;
      },
    }));
  }

  watch(changed: () => void): () => void {
    this.#listeners.add(changed);
    return () => this.#listeners.delete(changed);
  }
}
