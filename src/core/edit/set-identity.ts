/**
 * `fitkit set`: the recording device (file_id and the creator's device_info, device_index 0,
 * kept the same: manufacturer, product, serial number) and the sport (session, sport message,
 * laps). Every other record stays as it was (raw-records.ts).
 */
import { FitkitError } from '../errors.js';
import { enumValue } from '../fit/encode/convert.js';
import type { Profile } from '../fit/profile/profile.js';
import { BaseType } from '../fit/proto/base-types.js';
import { fieldNumber, setField, type DataRecord, type RawRecord } from './raw-records.js';

export interface Identity {
  manufacturer?: number;
  product?: number;
  serial?: number;
  sport?: number;
  subSport?: number;
}

export interface SetResult {
  fileIds: number;
  creatorDeviceInfos: number;
  sessions: number;
  laps: number;
  sports: number;
}

const FILE_ID = 0;
const SPORT = 12;
const SESSION = 18;
const LAP = 19;
const DEVICE_INFO = 23;
const CREATOR = 0;

/** Where each message keeps sport and sub_sport (field numbers). */
const SPORT_FIELDS: Record<number, [number, number]> = { [SESSION]: [5, 6], [SPORT]: [0, 1], [LAP]: [25, 39] };

/** A value of a profile type by its name (snake_case, camelCase or without underscores) or number. */
export function typeValue(profile: Profile, type: string, text: string, what: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const exact = enumValue(profile, type, text);
  if (exact !== undefined) return exact;
  const squash = (s: string) => s.toLowerCase().replace(/[_\s-]/g, '');
  for (const [n, label] of profile.types.get(type)?.values ?? []) if (squash(label) === squash(text)) return n;
  throw new FitkitError('usage', `${what}: unknown ${type} "${text}"`, { exitCode: 2 });
}

/** `MANUFACTURER:PRODUCT` by names or numbers; the product's names follow the manufacturer. */
export function parseDevice(profile: Profile, text: string): { manufacturer: number; product: number } {
  const m = /^([^:]+):(.+)$/.exec(text);
  if (!m) throw new FitkitError('usage', `--device: MANUFACTURER:PRODUCT, e.g. garmin:fenix7 or 1:3906`, { exitCode: 2 });
  const manufacturer = typeValue(profile, 'manufacturer', m[1], '--device');
  if (manufacturer > 0xfffe) throw new FitkitError('usage', `--device: manufacturer ${manufacturer} outside 0..65534`, { exitCode: 2 });
  let product: number | undefined;
  if (/^\d+$/.test(m[2])) product = Number(m[2]);
  else {
    // The product subfield whose reference (file_id.manufacturer) matches names the products.
    const sub = profile.field(FILE_ID, 2)?.subfields.find((s) => s.refs.some((r) => r.value === manufacturer));
    if (!sub) throw new FitkitError('usage', `--device: products of manufacturer ${m[1]} have no names; give the number`, { exitCode: 2 });
    product = typeValue(profile, sub.type, m[2], '--device');
  }
  if (product > 0xfffe) throw new FitkitError('usage', `--device: product ${product} outside 0..65534`, { exitCode: 2 });
  return { manufacturer, product };
}

/** `SPORT` or `SPORT/SUB_SPORT` (sub_sport generic when left out). */
export function parseSport(profile: Profile, text: string): { sport: number; subSport: number } {
  const [s, sub, extra] = text.split('/');
  if (!s || extra !== undefined) throw new FitkitError('usage', `--sport: SPORT or SPORT/SUB_SPORT, e.g. cycling/indoor_cycling`, { exitCode: 2 });
  const sport = typeValue(profile, 'sport', s, '--sport');
  const subSport = sub ? typeValue(profile, 'sub_sport', sub, '--sport') : 0;
  if (sport > 254 || subSport > 254) throw new FitkitError('usage', `--sport: values outside 0..254`, { exitCode: 2 });
  return { sport, subSport };
}

function setDevice(r: DataRecord, fields: { manufacturer: number; product: number; serial: number }, id: Identity): void {
  if (id.manufacturer !== undefined) setField(r, fields.manufacturer, BaseType.uint16, 2, id.manufacturer);
  if (id.product !== undefined) setField(r, fields.product, BaseType.uint16, 2, id.product);
  if (id.serial !== undefined) setField(r, fields.serial, BaseType.uint32z, 4, id.serial);
}

/** Changes the records in place; says how many messages of each kind changed. */
export function setIdentity(records: RawRecord[], id: Identity): SetResult {
  const result: SetResult = { fileIds: 0, creatorDeviceInfos: 0, sessions: 0, laps: 0, sports: 0 };
  const device = id.manufacturer !== undefined || id.product !== undefined || id.serial !== undefined;
  for (const r of records) {
    if (r.kind !== 'data') continue;
    const g = r.def.globalNum;
    if (device && g === FILE_ID) {
      setDevice(r, { manufacturer: 1, product: 2, serial: 3 }, id);
      result.fileIds++;
    } else if (device && g === DEVICE_INFO && fieldNumber(r, 0) === CREATOR) {
      setDevice(r, { manufacturer: 2, product: 4, serial: 3 }, id);
      result.creatorDeviceInfos++;
    } else if (id.sport !== undefined && SPORT_FIELDS[g]) {
      const [sport, sub] = SPORT_FIELDS[g];
      setField(r, sport, BaseType.enum, 1, id.sport);
      setField(r, sub, BaseType.enum, 1, id.subSport ?? 0);
      if (g === SESSION) result.sessions++;
      else if (g === LAP) result.laps++;
      else result.sports++;
    }
  }
  return result;
}
