/**
 * A simulated Garmin unit in USB mass-storage mode (docs/architecture.md): a temporary folder
 * standing in for the mounted FAT volume, filled with the watch's real FIT files
 * (watchFiles()) and a GarminDevice.xml variant, plus what the host would show around it — a
 * mountinfo table listing it as vfat, a /dev/disk/by-label link with its label, and another
 * (non-Garmin) FAT stick. It can appear and vanish like a plugged and pulled cable, and
 * misbehave on request through a ReadHook the provider calls before each read:
 *  - failAt(path, K): the cable is pulled once K bytes of that file were read;
 *  - denyRead(path): reads fail with EACCES (chmod 000 does not stop root, which tests may be);
 *  - truncate(path, n): the file shrinks behind the listing's back;
 *  - hostile content: links leading off the volume, odd names, 10,000 files, deep folders.
 * Uses only node:fs — no fitkit engine code — so it cannot share the client's bugs.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadHook } from '../msc/file-reader.js';
import { garminDeviceXml, WATCH_MODELS, watchFiles, type WatchFile, type WatchModel } from './watch-files.js';

export type SimDeviceXml = 'v2' | 'future' | 'missing' | 'malformed' | 'storekey';

export interface SimHostile {
  /** Symbolic links to files and folders outside the volume, and a loop. */
  outsideLinks?: boolean;
  /** Names that look like path tricks (`..fit`, `..\..\x.fit`, a newline); real files, listed. */
  oddNames?: boolean;
  /** This many extra empty `.FIT` files in GARMIN/MONITOR/BULK. */
  manyFiles?: number;
  /** A chain of this many nested folders with a FIT file at the bottom. */
  deepDirs?: number;
}

export interface SimMscOptions {
  /** Default WATCH_MODELS.edge530. */
  model?: WatchModel;
  /** Default 'v2'. */
  deviceXml?: SimDeviceXml;
  /** FAT-style: upper-case folders and 8.3 upper-case file names (`GARMIN/ACTIVITY/E51H0712.FIT`). */
  fatNames?: boolean;
  /** Name of the GARMIN folder as written on the volume; default `GARMIN`. */
  garminFolder?: string;
  /** Filesystem label; default `GARMIN`. */
  label?: string;
  /** Last part of the mount point; default the label (as udisks does). */
  mountName?: string;
  /** Mounted from the start; default true. */
  mounted?: boolean;
  hostile?: SimHostile;
}

/** A FIT file as placed on the simulated volume. */
export interface SimVolumeFile {
  /** Relative to the volume root, `/`-separated. */
  path: string;
  bytes: Uint8Array;
  mtimeMs: number;
}

/** The dummy Connect IQ store key written by the 'storekey' and 'malformed' variants. */
export const SIM_STORE_KEY = 'ZFVtbXlTdG9yZUtleS1maXRraXQtbmV2ZXItbG9nLW1l0x5EC12E7';

const FUTURE_NS = 'http://www.garmin.com/xmlschemas/GarminDevice/v9';

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const messages: Record<string, string> = { EIO: 'i/o error', EACCES: 'permission denied', ENODEV: 'no such device' };
  const e: NodeJS.ErrnoException = new Error(`${code}: ${messages[code] ?? code}, ${syscall} '${path}'`);
  e.code = code;
  e.syscall = syscall;
  e.path = path;
  return e;
}

/** udev's escaping of a label in a by-label link name. */
function udevLabelName(label: string): string {
  return label.replace(/[^A-Za-z0-9#+\-.:=@_]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

function mountField(path: string): string {
  return path.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

const B36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An 8.3 name from a time, in the spirit of Garmin's encoded names (year, month, day, hh, mm, n). */
function dosName(mtimeMs: number, taken: Set<string>): string {
  const d = new Date(mtimeMs);
  const stem = B36[d.getUTCFullYear() % 36] + B36[d.getUTCMonth() + 1] + B36[d.getUTCDate()] + String(d.getUTCHours()).padStart(2, '0') + String(d.getUTCMinutes()).padStart(2, '0');
  for (let n = 0; n < 36; n++) {
    const name = `${stem}${B36[n]}.FIT`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  throw new Error(`no free 8.3 name for ${stem}`);
}

function variantXml(model: WatchModel, variant: SimDeviceXml, paths: (dir: string) => string): string | undefined {
  if (variant === 'missing') return undefined;
  let xml = garminDeviceXml(model).replace(/<Path>GARMIN\/([^<]*)<\/Path>/g, (_, dir: string) => `<Path>${paths(dir)}</Path>`);
  if (variant === 'future') {
    // Another schema version and every element prefixed: only local names may matter.
    xml = xml
      .replace('xmlns="http://www.garmin.com/xmlschemas/GarminDevice/v2"', `xmlns:gd="${FUTURE_NS}" xsi:schemaLocation="${FUTURE_NS} ${FUTURE_NS}/GarminDevice.xsd"`)
      .replace(/<(\/?)([A-Za-z][\w]*)(?=[\s>/])/g, '<$1gd:$2');
    return xml;
  }
  if (variant === 'storekey' || variant === 'malformed') {
    xml = xml.replace(
      '</Device>',
      `  <Extensions>\n    <IQAppExt>\n      <StoreKey>\n        <Modulus>${SIM_STORE_KEY}</Modulus>\n        <Exponent>65537</Exponent>\n      </StoreKey>\n    </IQAppExt>\n  </Extensions>\n</Device>`,
    );
  }
  // Malformed: cut off just after the key, as a unit pulled while writing the file might leave it.
  if (variant === 'malformed') xml = xml.slice(0, xml.indexOf(SIM_STORE_KEY) + SIM_STORE_KEY.length) + '</Exponent>\n';
  return xml;
}

export class SimMscVolume {
  /** The temporary folder holding everything below. */
  readonly base: string;
  /** Where the volume is "mounted". */
  readonly mountPoint: string;
  /** The fake block device node (an empty file). */
  readonly devicePath: string;
  /** Fake /dev/disk/by-label. */
  readonly byLabelDir: string;
  /** A folder outside the volume (targets of hostile links). */
  readonly outsideDir: string;
  /** Another FAT volume in the mount table, without GARMIN/: must be ignored. */
  readonly otherStick: string;
  readonly label: string;
  readonly model: WatchModel;
  /** The GARMIN folder, relative to the volume root. */
  readonly garminFolder: string;
  /** Every FIT file placed on the volume (hostile bulk/deep files excepted). */
  readonly files: SimVolumeFile[] = [];
  /** GarminDevice.xml relative to the volume root, if written. */
  readonly deviceXmlPath?: string;
  #mounted: boolean;
  #present = true;
  #hidden: string;
  #failAt = new Map<string, number>();
  #denied = new Set<string>();
  #vanishes = 0;

  private constructor(opts: SimMscOptions) {
    this.model = opts.model ?? WATCH_MODELS.edge530;
    this.label = opts.label ?? 'GARMIN';
    this.base = mkdtempSync(join(tmpdir(), 'fitkit-msc-'));
    this.mountPoint = join(this.base, 'media', 'fitkit', opts.mountName ?? this.label);
    this.#hidden = join(this.base, 'unplugged');
    this.devicePath = join(this.base, 'dev', 'sdz');
    this.byLabelDir = join(this.base, 'dev', 'disk', 'by-label');
    this.outsideDir = join(this.base, 'outside');
    this.otherStick = join(this.base, 'media', 'fitkit', 'USBSTICK');
    this.#mounted = opts.mounted ?? true;
    const fat = opts.fatNames ?? false;
    this.garminFolder = opts.garminFolder ?? 'GARMIN';

    mkdirSync(this.mountPoint, { recursive: true });
    mkdirSync(this.byLabelDir, { recursive: true });
    mkdirSync(this.outsideDir, { recursive: true });
    mkdirSync(join(this.otherStick, 'DCIM'), { recursive: true });
    writeFileSync(join(this.otherStick, 'DCIM', 'IMG_0001.FIT'), 'not a watch');
    writeFileSync(this.devicePath, '');
    symlinkSync(`../../sdz`, join(this.byLabelDir, udevLabelName(this.label)));

    const dir = (d: string) => `${this.garminFolder}/${fat ? d.toUpperCase() : d}`;
    const taken = new Set<string>();
    for (const f of watchFiles(this.model)) {
      const parts = f.path.split('/');
      const name = parts.pop()!;
      const folder = dir(parts.slice(1).join('/'));
      this.#place(`${folder}/${fat ? dosName(f.mtimeMs, taken) : name}`, f);
    }
    const xml = variantXml(this.model, opts.deviceXml ?? 'v2', dir);
    if (xml !== undefined) {
      this.deviceXmlPath = `${this.garminFolder}/${fat ? 'GARMINDEVICE.XML' : 'GarminDevice.xml'}`;
      writeFileSync(join(this.mountPoint, this.deviceXmlPath), xml);
    }
    // Files the host left for the unit: not the unit's own, never listed.
    mkdirSync(join(this.mountPoint, dir('NewFiles')), { recursive: true });
    writeFileSync(join(this.mountPoint, dir('NewFiles'), 'COURSE.FIT'), watchFiles(this.model)[0].bytes.subarray(0, 64));
    if (opts.hostile) this.#hostile(opts.hostile, dir);
  }

  static create(opts: SimMscOptions = {}): SimMscVolume {
    return new SimMscVolume(opts);
  }

  #place(path: string, f: Pick<WatchFile, 'bytes' | 'mtimeMs'>, listed = true): void {
    const abs = join(this.mountPoint, path);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, f.bytes);
    utimesSync(abs, f.mtimeMs / 1000, f.mtimeMs / 1000);
    if (listed) this.files.push({ path, bytes: f.bytes, mtimeMs: f.mtimeMs });
  }

  #hostile(h: SimHostile, dir: (d: string) => string): void {
    const sample = watchFiles(this.model)[1];
    if (h.outsideLinks) {
      writeFileSync(join(this.outsideDir, 'SECRET.FIT'), sample.bytes);
      mkdirSync(join(this.outsideDir, 'DIR'), { recursive: true });
      writeFileSync(join(this.outsideDir, 'DIR', 'OTHER.FIT'), sample.bytes);
      const activity = join(this.mountPoint, dir('Activities'));
      mkdirSync(activity, { recursive: true });
      symlinkSync(join(this.outsideDir, 'SECRET.FIT'), join(activity, 'LINK.FIT'));
      symlinkSync('../../../../../outside/SECRET.FIT', join(activity, 'RELLINK.FIT'));
      symlinkSync(join(this.outsideDir, 'DIR'), join(this.mountPoint, dir('Outside')));
      symlinkSync('..', join(activity, 'LOOP'));
    }
    if (h.oddNames) {
      for (const name of ['..fit', '...FIT', '..\\..\\escape.fit', ' .fit', 'new\nline.fit']) {
        this.#place(`${dir('Activities')}/${name}`, sample);
      }
    }
    if (h.manyFiles) {
      const bulk = join(this.mountPoint, dir('Monitor'), 'BULK');
      mkdirSync(bulk, { recursive: true });
      for (let i = 0; i < h.manyFiles; i++) writeFileSync(join(bulk, `M${String(i).padStart(7, '0')}.FIT`), '');
    }
    if (h.deepDirs) {
      let p = join(this.mountPoint, this.garminFolder);
      for (let i = 0; i < h.deepDirs; i++) p = join(p, `D${i}`);
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, 'DEEP.FIT'), sample.bytes);
    }
  }

  get mounted(): boolean {
    return this.#mounted;
  }

  /** Whether the unit is plugged in (its files reachable). */
  get present(): boolean {
    return this.#present;
  }

  /** How often the volume vanished (unplugs, including failAt). */
  get vanishes(): number {
    return this.#vanishes;
  }

  /** This volume's line in /proc/self/mountinfo, as the kernel would write it for a udisks mount. */
  mountinfoLine(): string {
    return `612 29 8:224 / ${mountField(this.mountPoint)} rw,nosuid,nodev,relatime shared:330 - vfat ${mountField(this.devicePath)} rw,fmask=0022,dmask=0022,codepage=437,iocharset=utf8,shortname=mixed,showexec,utf8,flush,errors=remount-ro`;
  }

  /** A whole mount table: the system's usual mounts, another FAT stick, and this volume if mounted. */
  mountTable(): string {
    const lines = [
      '29 1 0:27 / / rw,relatime shared:1 - ext4 /dev/mmcblk0p2 rw',
      '30 29 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1895712k,nr_inodes=473928,mode=755',
      '31 29 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
      '32 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
      '33 29 0:25 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=388476k,mode=755',
      `300 29 8:17 / ${mountField(this.otherStick)} rw,nosuid,nodev,relatime shared:301 - vfat /dev/sdy1 rw,fmask=0022,dmask=0022,codepage=437,iocharset=utf8`,
    ];
    if (this.#mounted) lines.push(this.mountinfoLine());
    return lines.join('\n') + '\n';
  }

  /** Plugged in and mounted (again). */
  appear(): void {
    if (!this.#present) {
      renameSync(this.#hidden, this.mountPoint);
      symlinkSync(`../../sdz`, join(this.byLabelDir, udevLabelName(this.label)));
      this.#present = true;
    }
    this.#mounted = true;
  }

  /**
   * Pulled out: gone from the mount table and from by-label, its files unreachable (the folder
   * moves away), and reads on files already open fail with EIO.
   */
  vanish(): void {
    if (!this.#present) return;
    this.#mounted = false;
    this.#present = false;
    this.#vanishes++;
    renameSync(this.mountPoint, this.#hidden);
    rmSync(join(this.byLabelDir, udevLabelName(this.label)), { force: true });
  }

  /** Still plugged in (the GARMIN disk is there) but not mounted: the desktop did not automount it. */
  unmount(): void {
    this.#mounted = false;
  }

  /** Pull the cable once `byte` bytes of the file `path` (volume-relative) have been read. */
  failAt(path: string, byte: number): void {
    this.#failAt.set(path, byte);
  }

  /** Reads of `path` fail with EACCES. */
  denyRead(path: string): void {
    this.#denied.add(path);
  }

  /** Shrink a file on the volume (after it was listed). */
  truncate(path: string, size: number): void {
    truncateSync(join(this.mountPoint, path), size);
  }

  /** Absolute path of a volume-relative path (while mounted). */
  pathOf(path: string): string {
    return join(this.mountPoint, path);
  }

  /** Called by the provider before each read; see ReadHook. */
  readonly readHook: ReadHook = (abs, position, length) => {
    if (!this.#present) throw errno('EIO', 'read', abs);
    if (!abs.startsWith(this.mountPoint + '/')) return;
    const rel = abs.slice(this.mountPoint.length + 1);
    if (this.#denied.has(rel)) throw errno('EACCES', 'read', abs);
    const k = this.#failAt.get(rel);
    if (k === undefined || position + length <= k) return;
    if (position < k) return k - position;
    this.#failAt.delete(rel);
    this.vanish();
    throw errno('EIO', 'read', abs);
  };

  /** What an MscProvider needs to find and read this volume. */
  providerOptions(): { mountTable: () => string; byLabelDir: string; readHook: ReadHook } {
    return { mountTable: () => this.mountTable(), byLabelDir: this.byLabelDir, readHook: this.readHook };
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
