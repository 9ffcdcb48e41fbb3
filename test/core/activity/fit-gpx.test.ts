/** FIT → GPX end to end in memory, on a ride built in code with a known timeline. */
import { describe, expect, it } from 'vitest';
import { fitToGpx, readLocations, type FitToGpxOptions } from '../../../src/core/activity/fit-gpx.js';
import { allTrackPoints, readGpx } from '../../helpers/gpx-read.js';
import { buildLocations, buildRide, LOCATIONS, type RideOptions } from '../../helpers/gpx-ride.js';

/** Chunks end where an element ends, so each decodes on its own. */
const text = new TextDecoder();

async function convert(bytes: Uint8Array, opts: FitToGpxOptions = {}) {
  let xml = '';
  const result = await fitToGpx(() => [bytes], (b) => (xml += text.decode(b)), opts);
  return { xml, gpx: readGpx(xml), result };
}

const ride = (o?: RideOptions) => buildRide(o);

describe('fitToGpx', () => {
  it('writes one trk per session, a new trkseg after the timer stop, every record once', async () => {
    const { gpx, result } = await convert(ride());
    expect(result).toMatchObject({ kind: 'activity', tracks: 1, segments: 2, points: 122, waypoints: 0 });
    expect(gpx.tracks).toHaveLength(1);
    expect(gpx.tracks[0]).toMatchObject({ name: 'cycling 2024-04-09T07:00:00Z', type: 'cycling', desc: 'Garmin Edge830 (serial 1234567)' });
    expect(gpx.tracks[0].segments.map((s) => s.length)).toEqual([61, 61]);
    const first = gpx.tracks[0].segments[0][0];
    expect(first).toMatchObject({ ele: 100, time: '2024-04-09T07:00:00Z' });
    // Semicircle rounding: within 1e-7°.
    expect(Math.abs(first.lat - 52)).toBeLessThan(1e-7);
    expect(Math.abs(first.lon - 5)).toBeLessThan(1e-7);
    expect(first.ext).toEqual({ power: 200, hr: 120, cad: 85 });
  });

  it('gives the same GPX for records out of order and for records split by field (same timestamp)', async () => {
    const straight = (await convert(ride())).xml;
    expect((await convert(ride({ shuffle: true }))).xml).toBe(straight);
    expect((await convert(ride({ splitRecords: true }))).xml).toBe(straight);
  });

  it('adds only the locations saved during the ride (timer running), fenix default names included', async () => {
    const locations = readLocations(buildLocations());
    const { gpx } = await convert(ride(), { locations });
    expect(gpx.waypoints.map((w) => w.name)).toEqual(LOCATIONS.filter((l) => l.during).map((l) => l.name));
    expect(gpx.waypoints[0]).toMatchObject({ time: '2024-04-09T07:00:30Z', ele: 20, sym: '94' });
    const all = await convert(ride(), { locations, allWaypoints: true });
    expect(all.gpx.waypoints).toHaveLength(LOCATIONS.length);
  });

  it('writes every waypoint of a Locations file given alone, and no track', async () => {
    const { gpx, result } = await convert(buildLocations());
    expect(result.kind).toBe('locations');
    expect(gpx.waypoints).toHaveLength(LOCATIONS.length);
    expect(gpx.tracks).toEqual([]);
  });

  it('extensions none and v2', async () => {
    expect((await convert(ride(), { extensions: 'none' })).xml).not.toContain('<extensions>');
    const v2 = allTrackPoints((await convert(ride(), { extensions: 'v2' })).gpx);
    expect(v2[1].ext.course).toBeCloseTo(31.6, 0);
  });
});
