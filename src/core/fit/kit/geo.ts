/** Distances on the Earth, positions in degrees: great-circle lengths and a point's place along a path. */

const R = 6371008.8;
const RAD = Math.PI / 180;

/** Metres between two positions in degrees (haversine, mean Earth radius). */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Cumulative distance along `lat`/`lon` (degrees), from 0 at the first point. */
export function cumulative(lat: ArrayLike<number>, lon: ArrayLike<number>): Float64Array {
  const d = new Float64Array(lat.length);
  for (let i = 1; i < lat.length; i++) d[i] = d[i - 1] + haversine(lat[i - 1], lon[i - 1], lat[i], lon[i]);
  return d;
}

export interface PathPlace {
  /** Segment from point `seg` to `seg + 1` (or the single point `seg`). */
  seg: number;
  /** 0..1 along that segment. */
  f: number;
  /** Metres from the position to that place. */
  off: number;
}

/**
 * The place on the path nearest to a position (segments in a local flat frame around the
 * position: exact enough within the few hundred metres that matter). Ties go to the earlier
 * place, so a loop passing a point twice takes its first pass.
 */
export function nearestPlace(lat: ArrayLike<number>, lon: ArrayLike<number>, pLat: number, pLon: number): PathPlace {
  const ky = R * RAD;
  const kx = ky * Math.cos(pLat * RAD);
  const xy = (i: number): [number, number] => {
    let dl = lon[i] - pLon;
    if (dl > 180) dl -= 360;
    else if (dl < -180) dl += 360;
    return [dl * kx, (lat[i] - pLat) * ky];
  };
  let best: PathPlace = { seg: 0, f: 0, off: Infinity };
  let [ax, ay] = xy(0);
  if (lat.length === 1) return { seg: 0, f: 0, off: Math.hypot(ax, ay) };
  for (let i = 0; i + 1 < lat.length; i++) {
    const [bx, by] = xy(i + 1);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const f = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
    const off = Math.hypot(ax + f * dx, ay + f * dy);
    if (off < best.off - 1e-9) best = { seg: i, f, off };
    ax = bx;
    ay = by;
  }
  return best;
}
