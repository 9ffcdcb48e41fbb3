/** Garmin's own decoder as the oracle for tcx2fit output, and TCX built in tests. */
import { Decoder, Stream } from '@garmin/fitsdk';

export interface SdkResult {
  integrity: boolean;
  errors: unknown[];
  // The SDK's messages, camelCase fields (lapMesgs, sessionMesgs, recordMesgs…).
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
  const tps = points.map((x) => [
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
  ].filter(Boolean).join('\n'));
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
  ].filter(Boolean).join('\n');
}
