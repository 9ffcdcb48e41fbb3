/** Garmin's own decoder as the oracle for tcx2fit output, and TCX built in tests. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';

export interface SdkResult {
  integrity: boolean;
  errors: unknown[];
  // The SDK's messages, camelCase fields (lapMesgs, sessionMesgs, recordMesgs…).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's untyped output, read field by field in tests
  messages: Record<string, Record<string, any>[]>;
}

export function sdkDecode(fit: Uint8Array): SdkResult {
  const integrity = new Decoder(Stream.fromByteArray(Array.from(fit))).checkIntegrity();
  const { messages, errors } = new Decoder(Stream.fromByteArray(Array.from(fit))).read({ convertTypesToStrings: true });
  return { integrity, errors, messages: messages as SdkResult['messages'] };
}

export interface TpSpec {
  t: number;
  d?: number;
  hr?: number;
  cad?: number;
  speed?: number;
  watts?: number;
  lat?: number;
  lon?: number;
}

/** A Coxswain-shaped TCX (default namespace on TPX/LX, or a prefix when `prefix` is given). */
export function buildTcx(points: TpSpec[], opts: { start?: string; steps?: number; calories?: number; prefix?: string } = {}): string {
  const start = new Date(opts.start ?? '2024-05-17T06:34:18Z');
  const p = opts.prefix ? `${opts.prefix}:` : '';
  const ext = opts.prefix ? ` xmlns:${opts.prefix}="http://www.garmin.com/xmlschemas/ActivityExtension/v2"` : '';
  const inner = opts.prefix ? '' : ' xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"';
  const tps = points.map((x) =>
    [
      '        <Trackpoint>',
      `          <Time>${new Date(start.getTime() + x.t * 1000).toISOString()}</Time>`,
      x.lat !== undefined ? `          <Position><LatitudeDegrees>${x.lat}</LatitudeDegrees><LongitudeDegrees>${x.lon}</LongitudeDegrees></Position>` : '',
      x.d !== undefined ? `          <DistanceMeters>${x.d}</DistanceMeters>` : '',
      x.hr !== undefined ? `          <HeartRateBpm><Value>${x.hr}</Value></HeartRateBpm>` : '',
      x.cad !== undefined ? `          <Cadence>${x.cad}</Cadence>` : '',
      x.speed !== undefined || x.watts !== undefined
        ? `          <Extensions><${p}TPX${inner}>${x.speed !== undefined ? `<${p}Speed>${x.speed}</${p}Speed>` : ''}${x.watts !== undefined ? `<${p}Watts>${x.watts}</${p}Watts>` : ''}</${p}TPX></Extensions>`
        : '',
      '        </Trackpoint>',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"${ext}>`,
    `<Activities><Activity Sport="Other"><Id>${start.toISOString()}</Id>`,
    `<Lap StartTime="${start.toISOString()}">`,
    opts.calories !== undefined ? `<Calories>${opts.calories}</Calories>` : '',
    '      <Track>',
    ...tps,
    '      </Track>',
    opts.steps !== undefined ? `<Extensions><${p}LX${inner}><${p}Steps>${opts.steps}</${p}Steps></${p}LX></Extensions>` : '',
    '</Lap><Notes>Created by Coxswain</Notes></Activity></Activities></TrainingCenterDatabase>',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A long Coxswain-style rowing workout written to `path` in pieces (never one big string):
 * `n` trackpoints at 1 Hz with distance, heart rate, stroke rate, speed and power.
 */
export function writeLongTcx(path: string, n: number, start = '2024-05-17T06:00:00Z'): void {
  const t0 = new Date(start).getTime();
  const fd = openSync(path, 'w');
  try {
    writeSync(
      fd,
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n<Activities><Activity Sport="Other"><Id>${start}</Id>\n<Lap StartTime="${start}"><TotalTimeSeconds>${n}</TotalTimeSeconds><Track>\n`,
    );
    let chunk = '';
    for (let i = 0; i < n; i++) {
      chunk += `<Trackpoint><Time>${new Date(t0 + i * 1000).toISOString()}</Time><Position><LatitudeDegrees>0.0</LatitudeDegrees><LongitudeDegrees>0.0</LongitudeDegrees></Position><DistanceMeters>${3 * i}</DistanceMeters><HeartRateBpm><Value>${120 + (i % 40)}</Value></HeartRateBpm><Cadence>${20 + (i % 9)}</Cadence><Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>3.0</Speed><Watts>${100 + (i % 50)}</Watts></TPX></Extensions></Trackpoint>\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, `${chunk}</Track></Lap><Notes>Created by Coxswain</Notes></Activity></Activities></TrainingCenterDatabase>\n`);
  } finally {
    closeSync(fd);
  }
}
