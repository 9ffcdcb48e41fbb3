/**
 * Garmin units in USB mass-storage mode as a DeviceProvider: mounted Garmin volumes (found from
 * the mount table, docs/mass-storage.md) or the folders named with `--from`. fitkit relies on
 * the desktop (udisks2) or fstab to mount them and never mounts as root; a GARMIN disk that is
 * present but not mounted shows up in `diagnostics` instead. Hotplug is a poll of the mount table
 * (mountinfo change notification needs poll(2) on the file, which Node does not offer).
 * Sessions only read from the volume, except `remove`.
 */
import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { FitkitError } from '../../errors.js';
import { readVolumeFile, type ReadHook } from '../../msc/file-reader.js';
import { listFitFiles, isInside, type ListLimits } from '../../msc/fit-file-walker.js';
import { readGarminDeviceXml, type GarminDeviceInfo } from '../../msc/garmin-device-xml.js';
import { readMountTable } from '../../msc/mount-table.js';
import { findGarminVolumes, volumeFromPath, type GarminVolume, type VolumeScan } from '../../msc/volume-finder.js';
import type { DeviceCandidate, DeviceIdentity, DeviceProvider, DeviceSession, DownloadOptions, RemoteFile } from '../device-source.js';

export interface MscProviderOptions {
  /** Folders named with `--from`: only these are used, the mount table is not looked at. */
  roots?: string[];
  /** Returns mountinfo text; default reads `/proc/self/mountinfo`. */
  mountTable?: () => string;
  /** udev's label links; default `/dev/disk/by-label`. */
  byLabelDir?: string;
  /** Mount-table poll interval for `watch`, ms; default 2000. */
  pollMs?: number;
  /** Fault injection for simulators (see ReadHook). */
  readHook?: ReadHook;
  /** Bounds of the file walk; defaults in DEFAULT_LIST_LIMITS. */
  limits?: Partial<ListLimits>;
}

export const DEFAULT_POLL_MS = 2000;

function errnoCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * The sync-state key of a volume: `msc:<unit id>` from GarminDevice.xml; without one (file
 * missing or broken, or a folder given with --from that has none), `msc:label:<label>` with the
 * filesystem label, else the volume folder's name (udisks names mount points after the label).
 * The fallback is less unique — two units without GarminDevice.xml both labelled GARMIN share a
 * key — but FIT files carry their own serial, so the library still files them correctly.
 */
export function mscIdentity(volume: GarminVolume, device: GarminDeviceInfo | undefined): DeviceIdentity {
  const identity: DeviceIdentity = {
    transport: 'msc',
    key: device?.unitId ? `msc:${device.unitId}` : `msc:label:${volume.label ?? (basename(volume.root) || 'root')}`,
  };
  if (device?.model) identity.model = device.model;
  if (device?.unitId) identity.serial = device.unitId;
  if (device?.partNumber) identity.partNumber = device.partNumber;
  return identity;
}

function fingerprint(scan: VolumeScan): string {
  return JSON.stringify([scan.volumes.map((v) => [v.root, v.garminDir, v.deviceXml]), scan.hints]);
}

export class MscSession implements DeviceSession {
  readonly identity: DeviceIdentity;
  /** What GarminDevice.xml said, if it could be read. */
  readonly device?: GarminDeviceInfo;
  /** Non-fatal problems (GarminDevice.xml unreadable, listing cut short), one line each. */
  readonly warnings: string[] = [];
  readonly #volume: GarminVolume;
  readonly #opts: MscProviderOptions;

  constructor(volume: GarminVolume, device: GarminDeviceInfo | undefined, opts: MscProviderOptions) {
    this.#volume = volume;
    this.#opts = opts;
    if (device) this.device = device;
    this.identity = mscIdentity(volume, device);
  }

  async listFiles(signal?: AbortSignal): Promise<RemoteFile[]> {
    const root = this.#volume.root;
    let listing;
    try {
      listing = await listFitFiles(root, this.#volume.garminDir ?? root, { limits: this.#opts.limits, signal });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const code = errnoCode(e);
      throw new FitkitError('device_gone', `cannot list ${root}: the device was removed or unmounted (${code ?? 'error'})`, { file: root, cause: e });
    }
    this.warnings.push(...listing.warnings);
    return listing.files.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, ref: f.abs }));
  }

  /** The absolute path behind a RemoteFile, checked to be on this volume. */
  #pathOf(file: RemoteFile): string {
    const ref = file.ref;
    if (typeof ref !== 'string' || !ref.startsWith('/') || !isInside(this.#volume.root, ref)) {
      throw new FitkitError('bad_remote_file', `${file.path} is not a file of the volume ${this.#volume.root}`);
    }
    return ref;
  }

  async download(file: RemoteFile, sink: (chunk: Uint8Array) => void | Promise<void>, options: DownloadOptions = {}): Promise<void> {
    return readVolumeFile(this.#pathOf(file), file.path, file.size, sink, { offset: options.offset, signal: options.signal, hook: this.#opts.readHook });
  }

  async remove(file: RemoteFile): Promise<void> {
    const path = this.#pathOf(file);
    try {
      await unlink(path);
    } catch (e) {
      const code = errnoCode(e);
      const why = code === 'EROFS' ? 'the volume is mounted read-only' : code === 'ENOENT' ? 'it is gone (device removed?)' : (code ?? 'error');
      throw new FitkitError('device_remove_failed', `cannot delete ${file.path} on the device: ${why}`, { file: file.path, cause: e });
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls; unmounting is the automounter's business.
  }
}

export class MscProvider implements DeviceProvider {
  readonly transport = 'msc' as const;
  /** One-line hints from the last scan: GARMIN disks that are not mounted, stale mounts. */
  diagnostics: string[] = [];
  readonly #opts: MscProviderOptions;
  /** What the last scan saw, so that watch() reports any change since then. */
  #lastSeen: string | undefined;

  constructor(opts: MscProviderOptions = {}) {
    this.#opts = opts;
  }

  async #volumes(): Promise<VolumeScan> {
    if (this.#opts.roots?.length) {
      return { volumes: await Promise.all(this.#opts.roots.map((r) => volumeFromPath(r))), hints: [] };
    }
    let mounts;
    try {
      mounts = readMountTable(this.#opts.mountTable);
    } catch (e) {
      return { volumes: [], hints: [`cannot read the mount table (${errnoCode(e) ?? 'error'}); name the volume with --from`] };
    }
    return findGarminVolumes({ mounts, byLabelDir: this.#opts.byLabelDir });
  }

  /** A summary of the Garmin volumes present, compared between polls. */
  async #fingerprint(): Promise<string> {
    try {
      return fingerprint(await this.#volumes());
    } catch (e) {
      return `error:${e instanceof FitkitError ? e.code : errnoCode(e)}`;
    }
  }

  async scan(): Promise<DeviceCandidate[]> {
    const { volumes, hints } = await this.#volumes();
    this.diagnostics = hints;
    this.#lastSeen = fingerprint({ volumes, hints });
    return volumes.map((v) => ({
      transport: 'msc' as const,
      location: v.root,
      label: `Garmin USB volume${v.label ? ` ${v.label}` : ''} at ${v.root}`,
      open: (signal?: AbortSignal) => this.#open(v, signal),
    }));
  }

  async #open(volume: GarminVolume, signal?: AbortSignal): Promise<MscSession> {
    signal?.throwIfAborted();
    let device: GarminDeviceInfo | undefined;
    let reason: string | undefined;
    if (volume.deviceXml) ({ device, reason } = await readGarminDeviceXml(volume.deviceXml));
    else reason = 'no GarminDevice.xml on the volume';
    const session = new MscSession(volume, device, this.#opts);
    if (reason) session.warnings.push(`${reason}; identifying the volume as ${session.identity.key}`);
    return session;
  }

  watch(changed: () => void): () => void {
    let last = this.#lastSeen;
    let busy = false;
    let stopped = false;
    const tick = async () => {
      if (busy || stopped) return;
      busy = true;
      try {
        const now = await this.#fingerprint();
        if (!stopped && last !== undefined && now !== last) changed();
        last = now;
      } finally {
        busy = false;
      }
    };
    if (last === undefined) void tick();
    const timer = setInterval(() => void tick(), this.#opts.pollMs ?? DEFAULT_POLL_MS);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }
}
