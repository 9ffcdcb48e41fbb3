/**
 * Where a file goes in the library: `<device>/<TypeDir>/<name>`. The device folder is the
 * serial number, or `<manufacturer>-<product>` when the file has no usable serial; the type
 * folder follows PiFitSync's names (the folders Garmin devices use), from file_id.type.
 * Ref: FIT profile, types `file`, `manufacturer`, `garmin_product`; message `file_id`.
 */
import { snakeName } from '../fit/profile/names.js';
import type { Profile } from '../fit/profile/profile.js';
import { sanitiseSegment } from './sanitise.js';

/** What placement needs from file_id (numbers as stored; undefined when absent or invalid). */
export interface FileIdInfo {
  type?: number;
  manufacturer?: number;
  product?: number;
  serial?: number;
  /** FIT seconds (since 1989-12-31T00:00:00Z). */
  timeCreated?: number;
}

/** Folder for damaged and non-FIT files, at the top of the library. */
export const QUARANTINE_DIR = '_quarantine';
/** fitkit's own state (index, lock), at the top of the library. */
export const STATE_DIR = '.fitkit';

/** file_id.type 8 was `locations` in early profiles; Garmin dropped the name but devices still write it. */
export const FILE_TYPE_LOCATIONS = 8;

/** TypeDir per file type number. `device` files (1) sit in the device folder itself (''). */
const TYPE_DIRS: ReadonlyMap<number, string> = new Map([
  [1, ''], // device
  [2, 'Settings'],
  [3, 'Sports'], // sport; multisport settings are `sport` files too (there is no multisport number)
  [4, 'Activities'],
  [20, 'Activities'], // activity_summary
  [5, 'Workouts'],
  [6, 'Courses'],
  [7, 'Schedules'],
  [FILE_TYPE_LOCATIONS, 'Locations'],
  [9, 'Weight'],
  [10, 'Totals'],
  [11, 'Goals'],
  [14, 'Blood Pressure'],
  [15, 'Monitoring'], // monitoring_a
  [32, 'Monitoring'], // monitoring_b
  [28, 'Monitoring'], // monitoring_daily
  [34, 'Segments'], // segment
  [35, 'Segments'], // segment_list
]);

export const UNKNOWN_TYPE_DIR = 'Unknown';

/** Every folder name the layout itself creates: a file must never take one of these names. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...TYPE_DIRS.values(), UNKNOWN_TYPE_DIR, QUARANTINE_DIR, STATE_DIR].filter(Boolean).map((n) => n.toLowerCase()));

export function typeDir(type: number | undefined): string {
  const dir = type === undefined ? undefined : TYPE_DIRS.get(type);
  return dir ?? UNKNOWN_TYPE_DIR;
}

/** Serial numbers that mean "none": uint32z invalid (0) and uint32 invalid (0xFFFFFFFF). */
export function usableSerial(serial: number | undefined): serial is number {
  return serial !== undefined && serial !== 0 && serial !== 0xffffffff;
}

/** The name of an enum value from the profile, snake_case, or undefined. */
function enumName(profile: Profile, type: string, value: number): string | undefined {
  const name = profile.types.get(type)?.values.get(value);
  return name === undefined ? undefined : snakeName(name);
}

/**
 * The product's name, through the profile's subfields of file_id.product (garmin_product for
 * Garmin, Dynastream and Tacx; favero_product for Favero), so new product tables come for free.
 */
export function productName(profile: Profile, manufacturer: number | undefined, product: number): string | undefined {
  if (manufacturer === undefined) return undefined;
  const field = profile.field(0, 2);
  const sub = field?.subfields.find((s) => s.refs.some((r) => r.fieldNum === 1 && r.value === manufacturer));
  return sub ? enumName(profile, sub.type, product) : undefined;
}

/** `<serial>`, or `<manufacturer>-<product>` (names when the profile knows them, else numbers). */
export function deviceDir(id: FileIdInfo | undefined, profile: Profile): string {
  if (usableSerial(id?.serial)) return String(id!.serial);
  const m = id?.manufacturer;
  const p = id?.product;
  const mName = m === undefined ? 'unknown' : (enumName(profile, 'manufacturer', m) ?? String(m));
  const pName = p === undefined ? 'unknown' : (productName(profile, m, p) ?? String(p));
  // Names can come from a user's profile additions: keep them to one safe path segment.
  return sanitiseSegment(`${mName}-${pName}`);
}

/** `<device>` or `<device>/<TypeDir>`, relative to the library root, with `/` separators. */
export function placeDir(id: FileIdInfo | undefined, profile: Profile): string {
  const dev = deviceDir(id, profile);
  const t = typeDir(id?.type);
  return t ? `${dev}/${t}` : dev;
}

/** A file type's name for `--types`: the profile's (snake_case), `locations` for 8, `unknown` without file_id. */
export function fileTypeName(type: number | undefined, profile: Profile): string {
  if (type === undefined) return 'unknown';
  if (type === FILE_TYPE_LOCATIONS) return 'locations';
  return enumName(profile, 'file', type) ?? String(type);
}

/**
 * Parses a `--types` list (names or numbers) into the set of accepted type keys (numbers, or
 * 'unknown' for files without a file type). Unknown names throw, listing the valid ones.
 */
export function parseTypeFilter(list: string, profile: Profile): Set<number | 'unknown'> {
  const byName = new Map<string, number>([['locations', FILE_TYPE_LOCATIONS]]);
  for (const [n, name] of profile.types.get('file')?.values ?? []) byName.set(snakeName(name), n);
  const out = new Set<number | 'unknown'>();
  for (const raw of list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    if (raw === 'unknown') out.add('unknown');
    else if (/^\d+$/.test(raw) && Number(raw) < 256) out.add(Number(raw));
    else if (byName.has(raw)) out.add(byName.get(raw)!);
    else throw new RangeError(`unknown file type "${raw}"; known: ${[...byName.keys(), 'unknown'].join(', ')}`);
  }
  return out;
}
