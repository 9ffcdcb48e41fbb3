/**
 * parseTcx against the reader it replaced (test/helpers/tcx-reference.ts, frozen): the same
 * workout or the same error for every corpus TCX, for variants of the trackpoints the whole-
 * trackpoint fast path reads (and must leave to the scanner when it cannot), and for random
 * damage to real files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS, parseTcx, type TcxWorkout } from '../../../src/core/formats/tcx.js';
import { parseTcxReference } from '../../helpers/tcx-reference.js';
import { CORPUS, describeCorpus } from '../../helpers/corpus.js';
import { buildTcx } from '../../helpers/tcx-sdk.js';
import { mulberry32 } from '../../helpers/random.js';

const TCX = join(CORPUS, 'tcx');

function tcxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tcxFiles(p) : f.endsWith('.tcx') ? [p] : [];
  });
}

/** A workout as plain data (columns cut to the points read), or the error. */
function outcome(parse: (s: string) => TcxWorkout, src: string): unknown {
  try {
    const w = parse(src);
    const p = w.points;
    const cut = (a: ArrayLike<number>) => Array.from(a).slice(0, p.n);
    return {
      activities: w.activities,
      laps: w.laps,
      author: w.author,
      warnings: w.warnings,
      n: p.n,
      time: cut(p.time),
      line: cut(p.line),
      lap: cut(p.lap),
      newTrack: cut(p.newTrack),
      values: CHANNELS.map((c) => cut(p.values[c])),
    };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { error: err.code, message: err.message };
  }
}

function expectSame(src: string): void {
  expect(outcome(parseTcx, src)).toEqual(outcome(parseTcxReference as unknown as (s: string) => TcxWorkout, src));
}

const PIECES = [
  '<',
  '>',
  '&',
  '&amp;',
  ']',
  ']]>',
  '/',
  '"',
  ':',
  'ns3:',
  'x',
  ' ',
  '\n',
  '\u0001',
  '\ufffe',
  'é',
  '<!-- c -->',
  '<![CDATA[1]]>',
  '<a/>',
  '</Time>',
  '<Trackpoint>',
  ' a="1"',
  'e5',
  '-',
];

/** `src` with one random change, near a trackpoint when there is one. */
function damage(src: string, rand: () => number): string {
  const tps: number[] = [];
  for (let i = src.indexOf('<Trackpoint>'); i >= 0 && tps.length < 50; i = src.indexOf('<Trackpoint>', i + 1)) tps.push(i);
  const base = tps.length ? tps[Math.floor(rand() * tps.length)] : 0;
  const at = Math.min(src.length, base + Math.floor(rand() * (tps.length ? 500 : src.length)));
  const len = 1 + Math.floor(rand() * 12);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return src.slice(0, at) + src.slice(at + len);
    case 1:
      return src.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + src.slice(at);
    case 2:
      return src.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + src.slice(at + len);
    default:
      return src.slice(0, at);
  }
}

describeCorpus('parseTcx = the reference reader over the corpus', () => {
  const files = tcxFiles(TCX);

  it('has the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [f.slice(TCX.length + 1), f]))('%s: the same workout or error', (_, f) => {
    expectSame(readFileSync(f, 'utf8'));
  });

  it('random damage to every corpus file', () => {
    const rand = mulberry32(17);
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const count = src.length > 300_000 ? 2 : 40;
      for (let k = 0; k < count; k++) expectSame(damage(src, rand));
    }
  });
});

describe('parseTcx = the reference reader', () => {
  const tp = (inner: string) =>
    `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
<Activities><Activity Sport="Other"><Id>2024-05-17T06:00:00Z</Id><Lap StartTime="2024-05-17T06:00:00Z"><Track>
<Trackpoint><Time>2024-05-17T06:00:00Z</Time><DistanceMeters>1</DistanceMeters></Trackpoint>
${inner}
<Trackpoint><Time>2024-05-17T06:00:09Z</Time><DistanceMeters>9</DistanceMeters></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>`;
  const full =
    '<Trackpoint>\n <Time>2024-05-17T06:00:01Z</Time><Position><LatitudeDegrees> 52.1 </LatitudeDegrees><LongitudeDegrees>4.9</LongitudeDegrees></Position>' +
    '<AltitudeMeters>3</AltitudeMeters><DistanceMeters>2.5</DistanceMeters><HeartRateBpm><Value>120</Value></HeartRateBpm><Cadence>22</Cadence><SensorState>Present</SensorState>' +
    '<Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>3</Speed><RunCadence>80</RunCadence><Watts>150</Watts></TPX></Extensions>\r\n</Trackpoint>';
  const variants: [string, string][] = [
    ['every child', full],
    ['nothing but the time', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time></Trackpoint>'],
    ['no time', '<Trackpoint><DistanceMeters>2</DistanceMeters></Trackpoint>'],
    ['an empty time', '<Trackpoint><Time></Time></Trackpoint>'],
    ['a bad time', '<Trackpoint><Time>noon</Time></Trackpoint>'],
    ['values that are not numbers', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><DistanceMeters>x</DistanceMeters><HeartRateBpm><Value>1e999</Value></HeartRateBpm></Trackpoint>'],
    ['one coordinate', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Position><LatitudeDegrees>1</LatitudeDegrees><LongitudeDegrees></LongitudeDegrees></Position></Trackpoint>'],
    ['xsi:type on HeartRateBpm', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><HeartRateBpm xsi:type="HeartRateInBeatsPerMinute_t"><Value>99</Value></HeartRateBpm></Trackpoint>'],
    ['a prefixed TPX', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Extensions><ns3:TPX><ns3:Speed>2</ns3:Speed><ns3:Watts>7</ns3:Watts></ns3:TPX></Extensions></Trackpoint>'],
    ['an unbound prefix', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Extensions><ns9:TPX><ns9:Speed>2</ns9:Speed></ns9:TPX></Extensions></Trackpoint>'],
    ['mixed prefixes', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Extensions><ns3:TPX><Speed>2</Speed></ns3:TPX></Extensions></Trackpoint>'],
    ['a crossed close tag', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Extensions><ns3:TPX><ns3:Speed>2</Speed></ns3:TPX></Extensions></Trackpoint>'],
    ['an empty prefix', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Extensions><TPX><:Speed>2</:Speed></TPX></Extensions></Trackpoint>'],
    ['another order', '<Trackpoint><DistanceMeters>2</DistanceMeters><Time>2024-05-17T06:00:01Z</Time><Cadence>3</Cadence><Cadence>4</Cadence></Trackpoint>'],
    ['a comment', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><!-- x --><Cadence>3</Cadence></Trackpoint>'],
    ['an entity', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Cadence>&#51;</Cadence></Trackpoint>'],
    ['CDATA', '<Trackpoint><Time><![CDATA[2024-05-17T06:00:01Z]]></Time></Trackpoint>'],
    ['"]]>" in text', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Cadence>3]]></Cadence></Trackpoint>'],
    ['a forbidden character', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Cadence>3\u0001</Cadence></Trackpoint>'],
    ['U+FFFF', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Cadence>3\uffff</Cadence></Trackpoint>'],
    ['a space in a close tag', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time ><Cadence>3</Cadence ></Trackpoint >'],
    ['a self-closing child', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Cadence/></Trackpoint>'],
    ['an attribute on Trackpoint', '<Trackpoint a="1"><Time>2024-05-17T06:00:01Z</Time></Trackpoint>'],
    ['a trackpoint in a trackpoint', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time><Track><Trackpoint><Time>2024-05-17T06:00:02Z</Time></Trackpoint></Track></Trackpoint>'],
    ['never closed', '<Trackpoint><Time>2024-05-17T06:00:01Z</Time>'],
    ['non-ASCII text', '<Trackpoint><Time>2024-05-17T06:00:01Z\u00a0</Time><Cadence>\u2003 5</Cadence></Trackpoint>'],
    ['outside a lap', '</Track></Lap><Trackpoint><Time>2024-05-17T06:00:01Z</Time></Trackpoint><Lap><Track>'],
  ];

  it.each(variants)('a trackpoint with %s', (_, inner) => {
    expectSame(tp(inner));
  });

  it('trackpoints nested near the depth limit', () => {
    for (const depth of [56, 57, 58, 59, 60, 61]) {
      const open = '<x>'.repeat(depth - 6);
      const close = '</x>'.repeat(depth - 6);
      expectSame(tp(`</Track></Lap>${open}<Lap><Track>${full}</Track></Lap>${close}<Lap><Track>`));
    }
  });

  it('courses and the layouts buildTcx writes', () => {
    for (const prefix of [undefined, 'ns3', 'ax']) expectSame(buildTcx([{ t: 0, d: 2, hr: 80, cad: 25, speed: 4.5, watts: 0 }, { t: 1, lat: 52.1, lon: 4.9 }, { t: 2 }], { prefix }));
  });
});
