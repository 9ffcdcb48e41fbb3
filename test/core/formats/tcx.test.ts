/** TCX reading: namespaces, missing values, and one-line errors with the line number. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseTcx } from '../../../src/core/formats/tcx.js';
import { buildTcx } from '../../helpers/tcx-sdk.js';

const points = [{ t: 0, d: 2, hr: 80, cad: 25, speed: 4.5, watts: 0 }, { t: 1, d: 4, hr: 0, cad: 26, speed: 4.51, watts: 1, lat: 52.1, lon: 4.9 }, { t: 2 }];

describe('parseTcx', () => {
  it.each([undefined, 'ns3', 'ax'])('reads the Coxswain layout with ActivityExtension v2 as %s namespace', (prefix) => {
    const w = parseTcx(buildTcx(points, { steps: 2, calories: 3, prefix }));
    expect(w.activities).toEqual([{ sport: 'Other', line: 3, notes: 'Created by Coxswain' }]);
    expect(w.laps).toHaveLength(1);
    expect(w.laps[0]).toMatchObject({ activity: 0, steps: 2, calories: 3 });
    expect(w.warnings).toEqual([]);
    const [a, b, c] = w.points.all();
    expect(a).toMatchObject({ distance: 2, heartRate: 80, cadence: 25, speed: 4.5, watts: 0 });
    expect(a.lat).toBeUndefined();
    expect(b).toMatchObject({ heartRate: 0, lat: 52.1, lon: 4.9, watts: 1 });
    // Every value may be missing but the time.
    expect(c).toEqual({ time: new Date('2024-05-17T06:34:20Z'), line: c.line, lap: 0 });
    expect(a.line).toBeLessThan(b.line);
  });

  it('reads run cadence, altitude and time zone offsets', () => {
    const w = parseTcx(`<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:e="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
<Activities><Activity Sport="Running"><Lap StartTime="2016-04-02T10:15:08+02:00"><Track>
<Trackpoint><Time>2016-04-02T10:15:08.2360000+02:00</Time><AltitudeMeters>12.5</AltitudeMeters><Extensions><e:TPX><e:RunCadence>88</e:RunCadence></e:TPX></Extensions></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>`);
    expect(w.laps[0].start).toEqual(new Date('2016-04-02T08:15:08Z'));
    expect(w.points.get(0)).toMatchObject({ time: new Date('2016-04-02T08:15:08.236Z'), altitude: 12.5, cadence: 88, line: 3 });
  });

  it.each([
    ['not XML', 'bla bla\n\nbla bla\n', /^line 1: not well-formed XML/],
    ['a forbidden character', '<TrainingCenterDatabase>\n<b>x\u0000</b></TrainingCenterDatabase>', /^line 2: not well-formed XML: character U\+0000/],
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

  it.each([
    ['an undefined entity', '<TrainingCenterDatabase>\n<Author>&nbsp;</Author></TrainingCenterDatabase>', 2, 'undefined entity &nbsp;'],
    ['a bare ampersand', '<TrainingCenterDatabase>\n\n<Notes>a & b</Notes></TrainingCenterDatabase>', 3, '"&" not starting a reference'],
    ['a character reference XML forbids', '<TrainingCenterDatabase><Notes>&#1;</Notes></TrainingCenterDatabase>', 1, 'character reference &#1;'],
    ['entity declarations', '<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<TrainingCenterDatabase>&a;</TrainingCenterDatabase>', 1, 'DTD entity declarations are not supported'],
    ['crossed tags', '<TrainingCenterDatabase>\n<Activities>\n<Activity>\n</Activities></Activity></TrainingCenterDatabase>', 4, '</Activities> closes <Activity> of line 3'],
    ['a tag never closed', '<TrainingCenterDatabase>\n<Activities>\n', 3, '<Activities> of line 2 is never closed'],
    ['an attribute without quotes', '<TrainingCenterDatabase>\n<Activity Sport=Running></Activity></TrainingCenterDatabase>', 2, 'value of attribute Sport not in quotes'],
    ['an attribute given twice', '<TrainingCenterDatabase a="1" a="2"></TrainingCenterDatabase>', 1, 'attribute a given twice'],
    ['a second root', '<TrainingCenterDatabase/>\n<TrainingCenterDatabase/>', 2, 'a second root element'],
    ['an unbound element prefix', '<TrainingCenterDatabase>\n<x:Foo/></TrainingCenterDatabase>', 2, 'unbound prefix "x"'],
    // Text of elements TCX does not read is checked without being copied out: still checked.
    ['"]]>" in text nobody reads', '<TrainingCenterDatabase>\n<Foo>\n\na ]]> b</Foo></TrainingCenterDatabase>', 4, '"]]>" in text'],
    ['a bare ampersand in text nobody reads', '<TrainingCenterDatabase><Foo>]</Foo>\n<Foo>a & b</Foo></TrainingCenterDatabase>', 2, '"&" not starting a reference'],
    ['a close tag naming the open element with more', '<TrainingCenterDatabase>\n<Foo></FooBar></TrainingCenterDatabase>', 2, '</FooBar> closes <Foo> of line 2'],
    ['a close tag not ended', '<TrainingCenterDatabase>\n<Foo></Foo x></TrainingCenterDatabase>', 2, '</Foo not ended by ">"'],
  ])('XML errors: %s, one line with the line number', (_what, xml, line, what) => {
    expect(() => parseTcx(xml)).toThrow(`line ${line}: not well-formed XML: ${what}`);
  });

  it('a deeply nested or hostile file gives a short one-line error, not the document', () => {
    const deep = '<TrainingCenterDatabase>' + '<Activities>'.repeat(100_000) + '</Activities>'.repeat(100_000) + '</TrainingCenterDatabase>';
    const long = `<TrainingCenterDatabase>\n<${'A'.repeat(800_000)}></B></TrainingCenterDatabase>`;
    const attr = `<TrainingCenterDatabase>\n<a ${'b'.repeat(500_000)}=x/></TrainingCenterDatabase>`;
    for (const [xml, message] of [
      [deep, /^line 1: not well-formed XML: elements nested more than 64 deep$/],
      [long, /^line 2: not well-formed XML: <\/B> closes <A{32}…> of line 2$/],
      [attr, /^line 2: .*b{32}… not in quotes$/],
    ] as const) {
      let err: Error | undefined;
      try {
        parseTcx(xml);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(message);
      expect(err!.message.length).toBeLessThan(160);
    }
  });

  it('xmllint agrees on what is well-formed', () => {
    const ok = buildTcx(points, { prefix: 'ns3' }).replace('<Notes>Created by Coxswain</Notes>', '<Notes>a &amp; b &#233;<![CDATA[ <raw> ]]></Notes><!-- c -->');
    const bad = ok.replace('</Track>', '</Trak>');
    const lint = (xml: string) => spawnSync('xmllint', ['--noout', '-'], { input: xml }).status;
    if (spawnSync('xmllint', ['--version']).status !== 0) return;
    expect(lint(ok)).toBe(0);
    expect(parseTcx(ok).activities[0].notes).toBe('a & b é <raw>');
    expect(lint(bad)).not.toBe(0);
    expect(() => parseTcx(bad)).toThrow(/not well-formed XML: <\/Trak> closes <Track>/);
  });

  it("reads every Activity (a multisport session's too) and every Lap", () => {
    const lap = (start: string, t: string, extra = '') =>
      `<Lap StartTime="${start}"><TotalTimeSeconds>1</TotalTimeSeconds><TriggerMethod>Distance</TriggerMethod>${extra}<Track><Trackpoint><Time>${t}</Time><DistanceMeters>5</DistanceMeters></Trackpoint></Track></Lap>`;
    const w = parseTcx(`<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>
<Activity Sport="Running"><Id>x</Id>${lap('2024-01-01T10:00:00Z', '2024-01-01T10:00:00Z')}
${lap('2024-01-01T10:05:00Z', '2024-01-01T10:05:00Z')}<Creator><Name>Forerunner</Name></Creator></Activity>
<MultiSportSession><Id>y</Id><FirstSport><Activity Sport="Biking"><Id>y</Id>${lap('2024-01-02T10:00:00Z', '2024-01-02T10:00:00Z', '<Calories>7</Calories>')}</Activity></FirstSport></MultiSportSession>
</Activities><Author><Name>Me</Name></Author></TrainingCenterDatabase>`);
    expect(w.activities.map((a) => [a.sport, a.line, a.creator])).toEqual([
      ['Running', 2, 'Forerunner'],
      ['Biking', 4, undefined],
    ]);
    expect(w.laps.map((l) => [l.activity, l.trigger, l.totalTime, l.calories])).toEqual([
      [0, 'Distance', 1, undefined],
      [0, 'Distance', 1, undefined],
      [1, 'Distance', 1, 7],
    ]);
    expect(w.points.all().map((p) => [p.lap, p.distance])).toEqual([
      [0, 5],
      [1, 5],
      [2, 5],
    ]);
    expect(w.author).toBe('Me');
  });

  it('values that are not numbers and trackpoints without a time are left out, with a warning', () => {
    const xml = buildTcx([{ t: 0, hr: 120 }, { t: 1 }, { t: 2, hr: 130 }])
      .replace('<Value>130</Value>', '<Value>n/a</Value>')
      .replace(/<Time>[^<]*:19.000Z<\/Time>/, '');
    const w = parseTcx(xml);
    expect(w.points.n).toBe(2);
    expect(w.points.get(1).heartRate).toBeUndefined();
    const tpLines = xml
      .split('\n')
      .map((l, i) => (l.includes('<Trackpoint>') ? i + 1 : 0))
      .filter(Boolean);
    expect(w.warnings).toEqual([`line ${tpLines[1]}: trackpoint without <Time>: left out`, `line ${tpLines[2]}: <HeartRateBpm> "n/a" is not a number: left out`]);
  });
});
