/** The GPX writer alone: element order, escaping, namespaces and the three extension modes. */
import { describe, expect, it } from 'vitest';
import { escapeXml, GpxWriter, isoTime, POWER_NS, TPX_V1_NS, TPX_V2_NS, type GpxOptions } from '../../../src/core/formats/gpx.js';
import { readGpx } from '../../helpers/gpx-read.js';

/** Chunks end where an element ends, so each decodes on its own. */
const text = new TextDecoder();

const T = Date.UTC(2024, 3, 9, 7, 0, 0);

function write(opts: GpxOptions, body: (w: GpxWriter) => void): string {
  let s = '';
  const w = new GpxWriter((x) => (s += text.decode(x)), opts);
  w.begin({ name: 'ride & <fun>', time: T, bounds: { minLat: 52, minLon: 5, maxLat: 52.1, maxLon: 5.1 } });
  body(w);
  w.end();
  return s;
}

const point = { lat: 52.123456789, lon: 5.5, ele: 12.4, time: T, hr: 140, cad: 90, power: 250, temp: 21, speed: 8.25, course: 45 };

describe('GpxWriter', () => {
  it('writes GPX 1.1 with creator fitkit, metadata name/time/bounds, escaped text', () => {
    const s = write({ extensions: 'v1' }, () => {});
    expect(s).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1" creator="fitkit" xmlns="http:\/\/www.topografix.com\/GPX\/1\/1"/);
    expect(s).toContain('<name>ride &amp; &lt;fun&gt;</name>');
    expect(s).toContain('<time>2024-04-09T07:00:00Z</time>');
    expect(s).toContain('<bounds minlat="52.000000000" minlon="5.000000000" maxlat="52.100000000" maxlon="5.100000000"/>');
    expect(readGpx(s).tracks).toEqual([]);
  });

  it('v1: TrackPointExtension v1 (atemp, hr, cad in schema order) and a plain <power> in its own namespace', () => {
    const s = write({ extensions: 'v1' }, (w) => {
      w.beginTrack({ name: 'cycling', type: 'cycling' });
      w.beginSegment();
      w.trackPoint(point);
      w.endSegment();
      w.endTrack();
    });
    expect(s).toContain(`xmlns:gpxtpx="${TPX_V1_NS}"`);
    expect(s).toContain(
      `<extensions><power xmlns="${POWER_NS}">250</power><gpxtpx:TrackPointExtension><gpxtpx:atemp>21</gpxtpx:atemp><gpxtpx:hr>140</gpxtpx:hr><gpxtpx:cad>90</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>`,
    );
    expect(s).not.toContain('gpxtpx:speed');
    const p = readGpx(s).tracks[0].segments[0][0];
    expect(p).toMatchObject({ lat: 52.123456789, lon: 5.5, ele: 12.4, time: '2024-04-09T07:00:00Z' });
    expect(p.ext).toEqual({ power: 250, atemp: 21, hr: 140, cad: 90 });
  });

  it('v2 adds speed and course; none writes no extensions and declares no extension namespace', () => {
    const v2 = write({ extensions: 'v2' }, (w) => (w.beginTrack({}), w.beginSegment(), w.trackPoint(point), w.endSegment(), w.endTrack()));
    expect(v2).toContain(`xmlns:gpxtpx="${TPX_V2_NS}"`);
    expect(v2).toContain('<gpxtpx:cad>90</gpxtpx:cad><gpxtpx:speed>8.25</gpxtpx:speed><gpxtpx:course>45</gpxtpx:course>');
    const none = write({ extensions: 'none' }, (w) => (w.beginTrack({}), w.beginSegment(), w.trackPoint(point), w.endSegment(), w.endTrack()));
    expect(none).not.toContain('extensions');
    expect(none).not.toContain('gpxtpx');
  });

  it('keeps hr and cad inside the ranges the schema allows', () => {
    const s = write({ extensions: 'v1' }, (w) => (w.beginTrack({}), w.beginSegment(), w.trackPoint({ lat: 1, lon: 1, hr: 0, cad: 255 }), w.endSegment(), w.endTrack()));
    expect(s).not.toContain('<gpxtpx:hr>');
    expect(s).not.toContain('<gpxtpx:cad>');
  });

  it('writes sat and hdop only when asked, waypoints with ele, time, name, desc, sym in schema order, routes', () => {
    const s = write({ extensions: 'none', gpsQuality: true }, (w) => {
      w.waypoint({ lat: 1, lon: 2, ele: 3, time: T, name: 'A "b"', desc: 'd', sym: '94' });
      w.beginRoute({ name: 'r' });
      w.routePoint({ lat: 1, lon: 2, sat: 9, hdop: 0.8 });
      w.endRoute();
    });
    expect(s).toMatch(/<wpt lat="1.000000000" lon="2.000000000">\s*<ele>3<\/ele>\s*<time>[^<]+<\/time>\s*<name>A &quot;b&quot;<\/name>\s*<desc>d<\/desc>\s*<sym>94<\/sym>/);
    expect(s).toMatch(/<rtept[^>]*>\s*<sat>9<\/sat>\s*<hdop>0.8<\/hdop>/);
    const quiet = write({ extensions: 'none' }, (w) => (w.beginRoute({}), w.routePoint({ lat: 1, lon: 2, sat: 9 }), w.endRoute()));
    expect(quiet).not.toContain('<sat>');
  });

  it('escapes markup and drops control characters XML cannot hold; times without a zero fraction', () => {
    expect(escapeXml('a<b>&"c"\u0001')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(isoTime(T)).toBe('2024-04-09T07:00:00Z');
    expect(isoTime(T + 250)).toBe('2024-04-09T07:00:00.250Z');
  });

  it('flushes in chunks: the sink sees the document in order, once', () => {
    const parts: string[] = [];
    const w = new GpxWriter((x) => parts.push(text.decode(x)), { extensions: 'v1' });
    w.begin({});
    w.beginTrack({});
    w.beginSegment();
    for (let i = 0; i < 5000; i++) w.trackPoint({ lat: 1, lon: 1, time: T + i * 1000 });
    w.endSegment();
    w.endTrack();
    w.end();
    expect(parts.length).toBeGreaterThan(1);
    expect(readGpx(parts.join('')).tracks[0].segments[0]).toHaveLength(5000);
  });
});
