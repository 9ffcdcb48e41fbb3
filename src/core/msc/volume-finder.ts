/**
 * Which mounted volumes are Garmin units (docs/mass-storage.md). The label GARMIN is only a
 * hint (some units name the volume after themselves), so a FAT mount counts when it has a
 * `GARMIN/GarminDevice.xml` (any case: FAT is case-insensitive, Garmin's own docs write
 * `Garmin\GarminDevice.xml`), or when its block device carries the label GARMIN. fitkit never
 * mounts anything itself: a GARMIN block device without a mount becomes a one-line hint.
 * Everything here only reads.
 */
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { FitkitError } from '../errors.js';
import { FAT_TYPES, type MountEntry } from './mount-table.js';

export interface GarminVolume {
  /** The volume root (mount point, or what `--from` named); RemoteFile paths are relative to it. */
  root: string;
  /** The GARMIN folder, whatever its case; undefined when the volume has none (walk `root`). */
  garminDir?: string;
  /** GarminDevice.xml, whatever its case, when present. */
  deviceXml?: string;
  /** Filesystem label from /dev/disk/by-label, when known. */
  label?: string;
  /** Block device (mount source), when known. */
  source?: string;
  fsType?: string;
  /** Why this is a Garmin volume. */
  found: 'device-xml' | 'label' | 'from';
}

export interface VolumeScan {
  volumes: GarminVolume[];
  /** One-line explanations for Garmin devices seen but not usable (not mounted, stale mount). */
  hints: string[];
}

export interface FindOptions {
  mounts: readonly MountEntry[];
  /** udev's label links; default `/dev/disk/by-label`. */
  byLabelDir?: string;
}

export const BY_LABEL_DIR = '/dev/disk/by-label';

/** The label that marks a Garmin volume. */
const GARMIN_LABEL = 'GARMIN';

// A mount whose device went away answers with these instead of ENOENT.
const STALE = new Set(['EIO', 'ENOTCONN', 'ESTALE', 'ENODEV', 'ENXIO']);

function errnoCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** udev writes unsafe label characters as `\xNN` in by-label link names. */
export function decodeUdevLabel(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * Entries of `dir` whose name equals `name` ignoring case, of the given kind, sorted. Symbolic
 * links never count: following one could lead off the volume.
 */
export async function findChildren(dir: string, name: string, kind: 'dir' | 'file'): Promise<string[]> {
  const want = name.toLowerCase();
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.name.toLowerCase() === want && (kind === 'dir' ? e.isDirectory() : e.isFile()))
    .map((e) => e.name)
    .sort()
    .map((n) => resolve(dir, n));
}

/** Block device (canonical path) → label, from udev's by-label links. */
async function labelsByDevice(byLabelDir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(byLabelDir);
  } catch {
    return map; // no udev (containers) or no labelled disks
  }
  for (const name of names.sort()) {
    const link = resolve(byLabelDir, name);
    try {
      map.set(await realpath(link), decodeUdevLabel(name));
    } catch {
      // a dangling link: the device is going away; fall back to the link text
      try {
        map.set(resolve(byLabelDir, await readlink(link)), decodeUdevLabel(name));
      } catch {
        // not a link at all
      }
    }
  }
  return map;
}

async function canonical(path: string): Promise<string> {
  if (!path.startsWith('/')) return path;
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** The GARMIN folder and GarminDevice.xml of a volume root, preferring a folder that has the XML. */
async function garminParts(root: string): Promise<{ garminDir?: string; deviceXml?: string }> {
  const dirs = await findChildren(root, 'garmin', 'dir');
  for (const dir of dirs) {
    const [xml] = await findChildren(dir, 'garmindevice.xml', 'file').catch(() => []);
    if (xml) return { garminDir: dir, deviceXml: xml };
  }
  return dirs.length ? { garminDir: dirs[0] } : {};
}

/** The Garmin volumes among `mounts`, plus hints for Garmin block devices that are not mounted. */
export async function findGarminVolumes(opts: FindOptions): Promise<VolumeScan> {
  const labels = await labelsByDevice(opts.byLabelDir ?? BY_LABEL_DIR);
  const garminDevices = [...labels].filter(([, l]) => l.toUpperCase() === GARMIN_LABEL).map(([d]) => d);
  const volumes: GarminVolume[] = [];
  const hints: string[] = [];
  const seenFs = new Set<string>();
  const mountedDevices = new Set<string>();

  for (const m of opts.mounts) {
    const source = await canonical(m.source);
    const label = labels.get(source);
    const labelled = label?.toUpperCase() === GARMIN_LABEL;
    if (!FAT_TYPES.has(m.fsType) && !labelled) continue;
    if (labelled) mountedDevices.add(source);
    // The same filesystem mounted twice (bind mounts): sync it once.
    const fsKey = `${m.device}:${m.root}`;
    if (seenFs.has(fsKey)) continue;
    let parts: { garminDir?: string; deviceXml?: string };
    try {
      parts = await garminParts(m.mountPoint);
    } catch (e) {
      const code = errnoCode(e);
      if (code && STALE.has(code) && (labelled || FAT_TYPES.has(m.fsType))) {
        hints.push(`${m.mountPoint} is a stale mount (${code}): the device was unplugged; unmount it (umount -l ${m.mountPoint})`);
      }
      continue;
    }
    if (!parts.deviceXml && !labelled) continue;
    seenFs.add(fsKey);
    const volume: GarminVolume = { root: m.mountPoint, found: parts.deviceXml ? 'device-xml' : 'label', source, fsType: m.fsType, ...parts };
    if (label !== undefined) volume.label = label;
    volumes.push(volume);
  }

  for (const dev of garminDevices) {
    if (!mountedDevices.has(dev)) {
      hints.push(
        `Garmin volume ${dev} (label ${GARMIN_LABEL}) is not mounted; fitkit does not mount disks: let the desktop automount it, run \`udisksctl mount -b ${dev}\`, or mount it yourself and pass --from <mount point>`,
      );
    }
  }
  volumes.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  return { volumes, hints };
}

/**
 * The volume a `--from PATH` names: the volume root (it has a GARMIN folder), the GARMIN folder
 * itself (by name, or because it holds GarminDevice.xml), or any other folder (walked as is).
 * Any filesystem type is accepted; the path must exist and be a folder.
 */
export async function volumeFromPath(path: string): Promise<GarminVolume> {
  let abs: string;
  try {
    abs = await realpath(resolve(path));
    if (!(await stat(abs)).isDirectory()) throw new FitkitError('from_not_folder', `--from ${path}: not a folder`, { file: path });
  } catch (e) {
    if (e instanceof FitkitError) throw e;
    throw new FitkitError('from_not_found', `--from ${path}: no such folder (${errnoCode(e) ?? 'unreadable'})`, { file: path, cause: e });
  }
  const parts = await garminParts(abs);
  if (parts.garminDir) return { root: abs, found: 'from', ...parts };
  const [xml] = await findChildren(abs, 'garmindevice.xml', 'file');
  if (xml || basename(abs).toLowerCase() === 'garmin') {
    const volume: GarminVolume = { root: dirname(abs), garminDir: abs, found: 'from' };
    if (xml) volume.deviceXml = xml;
    return volume;
  }
  return { root: abs, found: 'from' };
}
