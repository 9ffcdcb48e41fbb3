/** FIT → GPX end to end in memory, on a ride built in code with a known timeline. */
import { describe, expect, it } from 'vitest';
import { fitToGpx, readLocations, type FitToGpxOptions } from '../../../src/core/activity/gpx/fit-gpx.js';
import { allTrackPoints, readGpx } from '../../helpers/gpx-read.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { FitBuilder, MesgNum } from '../../helpers/fit-builder.js';
import { buildLocations, buildRide, LOCATIONS, semi, T0, type RideOptions } from '../../helpers/gpx-ride.js';

/** Chunks end where an element ends, so each decodes on its own. */
const text = new TextDecoder();

async function convert(bytes: Uint8Array, opts: FitToGpxOptions = {}) {
  let xml = '';
  const result = await fitToGpx(
    () => [bytes],
    (b) => (xml += text.decode(b)),
    opts,
  );
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

  it('keeps every positioned record of a course without timestamps, in file order, as points without <time>', async () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.fileId, [{ num: 0, size: 1, type: BaseType.enum }]);
    b.data(0, [6]); // course
    b.define(1, MesgNum.record, [
      { num: 0, size: 4, type: BaseType.sint32 },
      { num: 1, size: 4, type: BaseType.sint32 },
      { num: 2, size: 2, type: BaseType.uint16 }, // altitude
    ]);
    for (let i = 0; i < 5; i++) b.data(1, [semi(47 + i * 1e-3), semi(8), (400 + i + 500) * 5]);
    for (const route of [false, true]) {
      const { gpx, result } = await convert(b.build(), { route });
      const points = route ? gpx.routes[0].points : allTrackPoints(gpx);
      expect(result).toMatchObject({ kind: 'course', points: 5 });
      expect(points.map((p) => Math.round(p.lat * 1000))).toEqual([47000, 47001, 47002, 47003, 47004]);
      expect(points.every((p) => p.time === undefined && p.ele !== undefined)).toBe(true);
    }
  });

  it('keeps activity records without a timestamp right after the record before them, without <time>', async () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.fileId, [{ num: 0, size: 1, type: BaseType.enum }]);
    b.data(0, [4]);
    b.define(1, MesgNum.record, [
      { num: 253, size: 4, type: BaseType.uint32 },
      { num: 0, size: 4, type: BaseType.sint32 },
      { num: 1, size: 4, type: BaseType.sint32 },
    ]);
    b.define(2, MesgNum.record, [
      { num: 0, size: 4, type: BaseType.sint32 },
      { num: 1, size: 4, type: BaseType.sint32 },
    ]);
    b.data(1, [T0 + 10, semi(47.01), semi(8)]);
    b.data(2, [semi(47.011), semi(8)]);
    b.data(1, [T0 + 5, semi(47.005), semi(8)]); // out of order: sorted before the first two
    b.data(1, [T0 + 20, semi(47.02), semi(8)]);
    b.data(2, [semi(47.021), semi(8)]);
    const { gpx, result } = await convert(b.build());
    expect(result.points).toBe(5);
    expect(allTrackPoints(gpx).map((p) => [Math.round(p.lat * 1000), p.time?.slice(11, 19)])).toEqual([
      [47005, '07:00:05'],
      [47010, '07:00:10'],
      [47011, undefined],
      [47020, '07:00:20'],
      [47021, undefined],
    ]);
  });

  it('reads fields of unexpected shape (arrays, strings for enums, numbers for strings) without failing', async () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.fileId, [
      { num: 0, size: 2, type: BaseType.enum }, // type: an array
      { num: 1, size: 4, type: BaseType.uint16 }, // manufacturer: an array
      { num: 2, size: 2, type: BaseType.uint16 },
      { num: 8, size: 4, type: BaseType.uint32 }, // product_name: a number
    ]);
    b.data(0, [[4, 4], [1, 255], 3122, 77]);
    b.define(1, MesgNum.record, [
      { num: 253, size: 8, type: BaseType.uint32 }, // timestamp: an array
      { num: 0, size: 4, type: BaseType.sint32 },
      { num: 1, size: 4, type: BaseType.sint32 },
    ]);
    b.data(1, [[T0, T0 + 1], semi(47), semi(8)]);
    b.define(2, MesgNum.session, [
      { num: 253, size: 4, type: BaseType.uint32 },
      { num: 2, size: 4, type: BaseType.uint32 },
      { num: 5, size: 8, type: BaseType.string }, // sport: a string
    ]);
    b.data(2, [T0 + 1, T0, 'kayak']);
    const { gpx, result } = await convert(b.build());
    expect(result.points).toBe(1);
    // The sport declared as an 8-byte string is wider than its profile type (enum): the decoder
    // reads it as the profile type, as FitCSVTool does (docs/fitcsv-invalid-values.md), so it is
    // no name; what matters is that the conversion goes on.
    expect(gpx.tracks[0]).toMatchObject({ desc: 'Garmin 77' });
    expect(allTrackPoints(gpx)[0].time).toBe('2024-04-09T07:00:00Z');
  });
});
