/** Where a Garmin device keeps its saved locations, seen from one of its activity files. */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The Locations file of the device tree an activity sits in, if any: Edge
 * `Garmin/Activities/X.fit` → `Garmin/Locations/Locations.fit`, fenix `GARMIN/Activity/X.fit` →
 * `GARMIN/Location/Lctns.fit`; names matched without regard to case (FAT volumes, copies).
 */
export function findLocations(activity: string): string | undefined {
  const folder = dirname(activity);
  if (!/^activit(y|ies)$/i.test(basename(folder))) return undefined;
  const root = dirname(folder);
  if (basename(root).toLowerCase() !== 'garmin') return undefined;
  const pick = (dir: string, re: RegExp) => {
    try {
      const n = readdirSync(dir).find((x) => re.test(x));
      return n === undefined ? undefined : join(dir, n);
    } catch {
      return undefined;
    }
  };
  const locDir = pick(root, /^locations?$/i);
  return locDir ? pick(locDir, /^(locations|lctns)\.fit$/i) : undefined;
}
