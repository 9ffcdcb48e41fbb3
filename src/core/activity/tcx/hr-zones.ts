/**
 * Heart-rate zones: five upper limits in bpm (zone 1 ends at the first, zone 5 at the fifth),
 * given or derived from max HR as 60/70/80/90/100 % (Garmin's default %max zones). Time above
 * the fifth limit counts in zone 5, below the first in zone 1.
 */
export type HrZones = readonly [number, number, number, number, number];

export function zonesFromMaxHr(maxHr: number): HrZones {
  return [0.6, 0.7, 0.8, 0.9, 1].map((f) => Math.round(maxHr * f)) as unknown as HrZones;
}

/** Parses "a,b,c,d,e": five increasing bpm values. */
export function parseHrZones(text: string): HrZones | undefined {
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length !== 5 || v.some((x) => !Number.isInteger(x) || x <= 0 || x > 254)) return undefined;
  for (let i = 1; i < 5; i++) if (v[i] <= v[i - 1]) return undefined;
  return v as unknown as HrZones;
}

export function zoneOf(zones: HrZones, hr: number): number {
  const i = zones.findIndex((z) => hr <= z);
  return i < 0 ? zones.length - 1 : i;
}
