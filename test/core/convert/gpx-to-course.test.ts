/** gpx2fit's converter: a GPX path as a FIT course, checked by Garmin's SDK, fitkit's course checks and fit2gpx. */
import { describe, expect, it } from 'vitest';
import { encodeFit } from '../../../src/core/fit/encode/encoder.js';
import { parseGpx } from '../../../src/core/formats/gpx-read.js';
import { backToGpx, buildGpx, course, courseFindings, NOW, profile, type Pt } from '../../helpers/course.js';
import { sdkDecode } from '../../helpers/tcx-sdk.js';

// Along a meridian, 0.001° of latitude is 111.19508 m (mean Earth radius 6371008.8 m).
const STEP = (6371008.8 * Math.PI) / 180 / 1000;
const line = (n: number, time?: (i: number) => string | undefined): Pt[] => Array.from({ length: n }, (_, i) => ({ lat: 45 + i * 0.001, lon: 7, ele: 100 + i, time: time?.(i) }));

describe('gpx2fit: GPX to FIT course', () => {
  it('a route without times: records at 10 km/h with distances along it, course points at their distance with their icon', async () => {
    const gpx = buildGpx(line(11), {
      route: true,
      name: 'Col loop',
      waypoints: [
        { lat: 45.0095, lon: 7.0001, name: 'Top', sym: 'Summit' },
        { lat: 45.0025, lon: 7, name: 'Turn left onto Via Roma' },
        { lat: 45.005, lon: 7.0002, name: 'Fountain', type: 'water' },
        { lat: 45.0072, lon: 7, name: 'Bar', sym: 'Restaurant' },
        { lat: 45.05, lon: 7, name: 'Far away' },
      ],
    });
    const { fit, summary } = course(gpx);
    expect(summary).toMatchObject({ name: 'Col loop', from: 'route', records: 11, coursePoints: 4, waypointsOff: 1, timesFrom: 'speed' });
    const sdk = sdkDecode(fit);
    expect(sdk.integrity).toBe(true);
    expect(sdk.errors).toEqual([]);
    const m = sdk.messages;
    expect(m.fileIdMesgs[0]).toMatchObject({ type: 'course', timeCreated: new Date(NOW) });
    expect(m.courseMesgs[0]).toMatchObject({ name: 'Col loop', sport: 'cycling' });
    expect(m.lapMesgs).toHaveLength(1);
    expect(m.lapMesgs[0].totalDistance).toBeCloseTo(10 * STEP, 1);
    expect(m.eventMesgs.map((e) => `${e.event}/${e.eventType}`)).toEqual(['timer/start', 'timer/stopDisableAll']);
    const rec = m.recordMesgs;
    expect(rec).toHaveLength(11);
    const t0 = rec[0].timestamp.getTime();
    rec.forEach((r, i) => {
      expect(r.distance).toBeCloseTo(i * STEP, 1);
      // 10 km/h: STEP m every STEP / (10 / 3.6) s, rounded to whole seconds.
      expect((r.timestamp.getTime() - t0) / 1000).toBe(Math.round((i * STEP) / (10 / 3.6)));
    });
    const cp = m.coursePointMesgs;
    expect(cp.map((c) => [c.name, c.type])).toEqual([
      ['Turn left onto Via Roma', 'left'],
      ['Fountain', 'water'],
      ['Bar', 'food'],
      ['Top', 'summit'],
    ]);
    expect(cp.map((c) => c.messageIndex)).toEqual([0, 1, 2, 3]);
    [2.5, 5, 7.2, 9.5].forEach((k, i) => expect(cp[i].distance).toBeCloseTo(k * STEP, 0));
    expect(courseFindings(fit)).toEqual({ ok: true, fileType: 'course', findings: [] });
  });

  it('GPX times are kept; points less than a second apart are moved to a second after the one before', () => {
    const times = ['2024-06-01T08:00:00Z', '2024-06-01T08:00:00.400Z', '2024-06-01T08:00:00.900Z', '2024-06-01T08:00:05Z', '2024-06-01T08:00:04Z', '2024-06-01T08:00:09Z'];
    const { fit, summary } = course(buildGpx(line(6, (i) => times[i])));
    expect(summary).toMatchObject({ timesFrom: 'gpx', timesMoved: 3 });
    expect(summary.warnings).toEqual(['3 point(s) less than a second after the one before (or earlier): each moved to a second after it']);
    const secs = sdkDecode(fit).messages.recordMesgs.map((r) => (r.timestamp.getTime() - Date.parse(times[0])) / 1000);
    expect(secs).toEqual([0, 1, 2, 5, 6, 9]);
    expect(courseFindings(fit).findings).toEqual([]);
  });

  it('fit2gpx of the course gives the same track and waypoints back', async () => {
    const pts = line(20, (i) => new Date(Date.UTC(2024, 5, 1, 8, 0, 3 * i)).toISOString().replace('.000', ''));
    const wpts = [
      { lat: 45.004, lon: 7, name: 'Right turn', sym: 'right' },
      { lat: 45.012, lon: 7.0001, name: 'Shop' },
    ];
    const { fit } = course(buildGpx(pts, { waypoints: wpts, name: 'Back' }));
    const g = await backToGpx(fit);
    expect(g.tracks).toHaveLength(1);
    expect(g.tracks[0].name).toBe('Back');
    const back = g.tracks[0].segments.flat();
    expect(back).toHaveLength(pts.length);
    back.forEach((p, i) => {
      expect(p.lat).toBeCloseTo(pts[i].lat, 6);
      expect(p.lon).toBeCloseTo(pts[i].lon, 6);
      expect(p.ele).toBeCloseTo(pts[i].ele!, 1);
      expect(p.time).toBe(pts[i].time);
    });
    expect(g.waypoints.map((w) => [w.name, w.sym, Number(w.lat.toFixed(6)), Number(w.lon.toFixed(6))])).toEqual([
      ['Right turn', 'right', 45.004, 7],
      ['Shop', 'store', 45.012, 7.0001],
    ]);
  });

  it('a loop passing a waypoint twice places it at the first pass; every track of the GPX is followed in order', () => {
    const out = line(6);
    const loop = [...out, ...out.slice(0, -1).reverse()];
    const { fit } = course(buildGpx(loop, { waypoints: [{ lat: 45.002, lon: 7, name: 'Bridge' }] }));
    expect(sdkDecode(fit).messages.coursePointMesgs[0].distance).toBeCloseTo(2 * STEP, 1);
    const two = buildGpx(line(3)).replace(
      '</trk>',
      `</trk><trk><trkseg>${line(6)
        .slice(3)
        .map((p) => `<trkpt lat="${p.lat}" lon="${p.lon}"/>`)
        .join('')}</trkseg></trk>`,
    );
    expect(course(two).summary.records).toBe(6);
  });

  it('bad input: not GPX, no path, a bad speed: one-line errors', () => {
    expect(() => course('<kml/>')).toThrow('line 1: not GPX: <kml>, not <gpx>');
    expect(() => course('<gpx>\n<trk></gpx>')).toThrow(/^line 2: not well-formed XML: <\/gpx> closes <trk> of line 2$/);
    expect(() => course(buildGpx([]))).toThrow('no track or route with points: nothing to follow');
    expect(() => course(buildGpx(line(3)), { speedKmh: 0 })).toThrow('speed 0 km/h: must be above 0');
    const doc = parseGpx(buildGpx(line(3)).replace('lat="45.001"', 'lat="north"'));
    expect(doc.warnings).toEqual(['line 6: <trkpt> without a valid lat/lon: left out']);
    expect(doc.paths[0].points).toHaveLength(2);
  });

  it('the course checks find what devices reject: course points without distance, out of order, past the end, unknown icons; records in one second', () => {
    const start = new Date('2024-06-01T08:00:00Z');
    const at = (s: number) => new Date(start.getTime() + s * 1000);
    const fit = encodeFit(profile(), (e) => {
      e.writeMessage('file_id', { type: 'course', manufacturer: 'development', product: 0, serial_number: 1, time_created: start });
      e.writeMessage('course', { name: 'bad', sport: 'cycling' });
      e.writeMessage('lap', { message_index: 0, timestamp: at(3), start_time: start, total_distance: 300, total_elapsed_time: 3, total_timer_time: 3 });
      for (const [s, d] of [
        [0, 0],
        [1, 100],
        [1, 200],
        [3, 300],
      ])
        e.writeMessage('record', { timestamp: at(s), position_lat: 1e6 + d, position_long: 1e6, distance: d });
      const cps = [
        { distance: 150, type: 'left' },
        { distance: undefined, type: 'right' },
        { distance: 100, type: 'summit' },
        { distance: 250, type: 26 },
        { distance: 400, type: 'water' },
      ];
      cps.forEach((c, i) => e.writeMessage('course_point', { message_index: i, timestamp: at(2), position_lat: 1e6, position_long: 1e6, ...c }));
    });
    const codes = courseFindings(fit).findings.map((f) => f.slice(0, f.indexOf(':')));
    expect(codes.sort()).toEqual(['course_point_distance', 'course_point_order', 'course_point_type', 'course_record_time']);
    const text = courseFindings(fit).findings.join('\n');
    expect(text).toContain('course_point #1 has no distance: devices show it at the finish (and 1 more)');
    expect(text).toContain('course_point #2 at 100 m comes before');
    expect(text).toContain('course_point #3 has type 26');
    expect(text).toContain('course record at ');
  });
});
