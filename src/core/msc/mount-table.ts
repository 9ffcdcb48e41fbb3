/**
 * The kernel's mount table, from `/proc/self/mountinfo` (proc(5)). Preferred over `/proc/mounts`
 * because it also names the mounted subtree (`root`), and both escape space, tab, newline and
 * backslash in paths as three-digit octal (`\040`) — mount points like `/media/u/GARMIN 2` exist.
 * Ref: docs/mass-storage.md.
 */
import { readFileSync } from 'node:fs';

export interface MountEntry {
  mountId: number;
  parentId: number;
  /** `major:minor` of the filesystem's device. */
  device: string;
  /** The directory of the filesystem that is mounted here (`/` unless a bind mount of a subtree). */
  root: string;
  mountPoint: string;
  /** Per-mount options (`ro`, `rw`, `nosuid`…). */
  options: string[];
  fsType: string;
  /** What was mounted: a device path such as `/dev/sda`, or a name such as `tmpfs`. */
  source: string;
  superOptions: string[];
}

/** Filesystems a Garmin unit in mass-storage mode can carry (exFAT through FUSE shows as `fuseblk`). */
export const FAT_TYPES: ReadonlySet<string> = new Set(['vfat', 'msdos', 'exfat', 'fuseblk', 'fuse.exfat']);

/** Undoes the kernel's octal escapes (`\040` → space); anything else is kept as written. */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parses mountinfo text. Lines that do not have the documented shape are skipped rather than
 * failing the whole table: a mount we cannot read is a mount we cannot sync from anyway.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    // Optional fields (shared:N, master:N…) run up to a lone "-".
    const dash = fields.indexOf('-', 6);
    if (fields.length < 7 || dash < 0 || fields.length < dash + 3) continue;
    const mountId = Number(fields[0]);
    const parentId = Number(fields[1]);
    if (!Number.isInteger(mountId) || !Number.isInteger(parentId)) continue;
    out.push({
      mountId,
      parentId,
      device: fields[2],
      root: unescapeMountField(fields[3]),
      mountPoint: unescapeMountField(fields[4]),
      options: fields[5].split(','),
      fsType: fields[dash + 1],
      source: unescapeMountField(fields[dash + 2]),
      superOptions: (fields[dash + 3] ?? '').split(',').filter(Boolean),
    });
  }
  return out;
}

/** Escapes a path the way the kernel writes it in mountinfo (for simulators and tests). */
export function escapeMountField(path: string): string {
  return path.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

/** Reads the calling process's mount table; `read` is injectable for tests and simulators. */
export function readMountTable(read: () => string = () => readFileSync('/proc/self/mountinfo', 'utf8')): MountEntry[] {
  return parseMountInfo(read());
}

/** Mounts of a FAT-family filesystem, where a Garmin volume can be. */
export function fatMounts(entries: readonly MountEntry[]): MountEntry[] {
  return entries.filter((e) => FAT_TYPES.has(e.fsType));
}
