/**
 * The athlete's body data kept once in the config dir instead of repeated as flags:
 * `$XDG_CONFIG_HOME/fitkit/user.json`, e.g.
 * `{ "weight": 80, "height": 1.82, "age": 40, "gender": "male", "restingHr": 52, "maxHr": 188,
 *    "hrZones": [120, 140, 155, 170, 185] }` (kg, m, years, bpm). Every key is optional.
 */
import { existsSync, readFileSync } from 'node:fs';
import { FitkitError } from '../core/errors.js';
import type { HrZones } from '../core/activity/tcx/hr-zones.js';
import type { UserProfile } from '../core/activity/tcx/tcx-to-fit.js';

export interface UserFile extends UserProfile {
  hrZones?: HrZones;
}

export function readUserFile(path: string): UserFile {
  if (!existsSync(path)) return {};
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new FitkitError('bad_user_file', `cannot read the user profile: ${(e as Error).message}`, { file: path, cause: e });
  }
  const num = (k: string, lo: number, hi: number): number | undefined => {
    const v = j[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new FitkitError('bad_user_file', `"${k}" must be a number from ${lo} to ${hi}`, { file: path });
    return v;
  };
  const gender = j.gender;
  if (gender !== undefined && gender !== 'male' && gender !== 'female') {
    throw new FitkitError('bad_user_file', '"gender" must be "male" or "female"', { file: path });
  }
  const zones = j.hrZones;
  if (zones !== undefined && !(Array.isArray(zones) && zones.length === 5 && zones.every((z, i) => typeof z === 'number' && (i === 0 || z > zones[i - 1])))) {
    throw new FitkitError('bad_user_file', '"hrZones" must be five increasing bpm values', { file: path });
  }
  return {
    weightKg: num('weight', 1, 500),
    heightM: num('height', 0.3, 3),
    age: num('age', 1, 120),
    gender: gender as UserFile['gender'],
    restingHr: num('restingHr', 20, 250),
    maxHr: num('maxHr', 60, 254),
    hrZones: zones as unknown as HrZones | undefined,
  };
}
