/** TCX reading: namespaces, missing values, and one-line errors with the line number. */
import { describe, expect, it } from 'vitest';
import { parseTcx } from '../../../src/core/formats/tcx.js';
import { buildTcx } from '../../helpers/tcx-sdk.js';

const points = [
  { t: 0, d: 2, hr: 80, cad: 25, speed: 4.5, watts: 0 },
  { t: 1, d: 4, hr: 0, cad: 26, speed: 4.51, watts: 1, lat: 52.1, lon: 4.9 },
  { t: 2 },
];

describe('parseTcx', () => {
  it.each([undefined, 'ns3', 'ax'])('reads the Coxswain layout with ActivityExtension v2 as %s namespace', (prefix) => {
    const w = parseTcx(buildTcx(points, { steps: 2, calories: 3, prefix }));
    expect(w.sport).toBe('Other');
    expect(w.notes).toBe('Created by Coxswain');
    expect(w.laps).toHaveLength(1);
    expect(w.laps[0]).toMatchObject({ steps: 2, calories: 3 });
    const [a, b, c] = w.laps[0].trackpoints;
    expect(a).toMatchObject({ distance: 2, heartRate: 80, cadence: 25, speed: 4.5, watts: 0 });
    expect(a.lat).toBeUndefined();
    expect(b).toMatchObject({ heartRate: 0, lat: 52.1, lon: 4.9, watts: 1 });
    // Every value may be missing but the time.
    expect(c).toEqual({ time: new Date('2024-05-17T06:34:20Z'), line: c.line });
    expect(a.line).toBeLessThan(b.line);
  });

  it('reads run cadence, altitude and time zone offsets', () => {
    const w = parseTcx(`<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:e="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
<Activities><Activity Sport="Running"><Lap StartTime="2016-04-02T10:15:08+02:00"><Track>
<Trackpoint><Time>2016-04-02T10:15:08.2360000+02:00</Time><AltitudeMeters>12.5</AltitudeMeters><Extensions><e:TPX><e:RunCadence>88</e:RunCadence></e:TPX></Extensions></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>`);
    expect(w.laps[0].start).toEqual(new Date('2016-04-02T08:15:08Z'));
    expect(w.laps[0].trackpoints[0]).toMatchObject({ time: new Date('2016-04-02T08:15:08.236Z'), altitude: 12.5, cadence: 88, line: 3 });
  });

  it.each([
    ['not XML', 'bla bla\n\nbla bla\n', /^line 1: not well-formed XML/],
    ['a forbidden character', '<a>\n<b>x\u0000</b></a>', /^line 2: not well-formed XML: character U\+0000/],
    ['an unbound prefix', '<TrainingCenterDatabase>\n<Author xsi:type="x"/></TrainingCenterDatabase>', /^line 2: not well-formed XML: unbound prefix "xsi"/],
    ['not TCX', '<?xml version="1.0"?>\n<gpx></gpx>', /^line 2: not TCX/],
    ['no activity', '<TrainingCenterDatabase>\n</TrainingCenterDatabase>', /^line 1: no <Activity> or <Course>/],
    ['no trackpoints', buildTcx([]), /^line 4: no trackpoints/],
    ['a trackpoint without time', buildTcx([{ t: 0 }]).replace(/<Time>.*<\/Time>/, ''), /^line 6: trackpoint without <Time>/],
  ])('rejects %s with the line number', (_what, xml, message) => {
    expect(() => parseTcx(xml)).toThrow(message);
    try {
      parseTcx(xml);
    } catch (e) {
      expect((e as { code: string }).code).toBe('bad_tcx');
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('rejects times going backwards, naming the trackpoint\'s line', () => {
    const xml = buildTcx([{ t: 0 }, { t: 5 }, { t: 3 }]);
    const line = xml.split('\n').findIndex((l, i, all) => l.includes('<Trackpoint>') && all.slice(0, i).filter((x) => x.includes('<Trackpoint>')).length === 2) + 1;
    expect(() => parseTcx(xml)).toThrow(new RegExp(`^line ${line}: time goes backwards`));
  });
});
