/**
 * TCX (Garmin Training Center Database v2) written as text: Activities with Laps, Tracks and
 * Trackpoints, speed, run cadence and watts in the ActivityExtension v2 (TPX per trackpoint, LX
 * per lap). Element order and value ranges follow the schemas, so the output validates against
 * TrainingCenterDatabasev2.xsd and ActivityExtensionv2.xsd: Calories, Intensity and
 * TriggerMethod are always written (the schema requires them), heart rates below 1 and
 * cadences above 254 are left out (the schema's ranges).
 * Ref: https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd, ActivityExtensionv2.xsd
 */
import { escapeXml, isoTime } from './gpx.js';

export const TCX_NS = 'http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2';
export const AX_NS = 'http://www.garmin.com/xmlschemas/ActivityExtension/v2';

export type TcxSport = 'Running' | 'Biking' | 'Other';
export type TcxTrigger = 'Manual' | 'Distance' | 'Location' | 'Time' | 'HeartRate';

export interface TcxOutPoint {
  /** Unix ms. */
  time: number;
  lat?: number;
  lon?: number;
  altitude?: number;
  distance?: number;
  heartRate?: number;
  cadence?: number;
  speed?: number;
  watts?: number;
}

export interface TcxOutLap {
  /** Unix ms. */
  start: number;
  totalTime: number;
  distance: number;
  maxSpeed?: number;
  calories?: number;
  avgHeartRate?: number;
  maxHeartRate?: number;
  intensity: 'Active' | 'Resting';
  cadence?: number;
  trigger: TcxTrigger;
  avgSpeed?: number;
  avgWatts?: number;
  maxWatts?: number;
  points: TcxOutPoint[];
}

export interface TcxOutActivity {
  sport: TcxSport;
  /** Unix ms: the Activity's Id. */
  id: number;
  laps: TcxOutLap[];
  notes?: string;
}

const num = (v: number, places: number) => String(Number(v.toFixed(places)));
const byte = (v: number | undefined, min: number) => (v !== undefined && Number.isFinite(v) && Math.round(v) >= min && Math.round(v) <= 254 ? Math.round(v) : undefined);
const ushort = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v >= 0 && v <= 65535 ? Math.round(v) : undefined);

/** The TCX document for `activities`, piece by piece to `out` (one string per trackpoint). */
export function writeTcx(activities: TcxOutActivity[], out: (s: string) => void, creator = 'fitkit'): void {
  out(
    `<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="${TCX_NS}" xmlns:ns3="${AX_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
      ` xsi:schemaLocation="${TCX_NS} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd ${AX_NS} http://www.garmin.com/xmlschemas/ActivityExtensionv2.xsd">\n`,
  );
  out('  <Activities>\n');
  for (const a of activities) {
    out(`    <Activity Sport="${a.sport}">\n      <Id>${isoTime(a.id)}</Id>\n`);
    for (const lap of a.laps) writeLap(lap, a.sport, out);
    if (a.notes) out(`      <Notes>${escapeXml(a.notes)}</Notes>\n`);
    out('    </Activity>\n');
  }
  out('  </Activities>\n');
  out(
    `  <Author xsi:type="Application_t">\n    <Name>${escapeXml(creator)}</Name>\n    <Build><Version><VersionMajor>0</VersionMajor><VersionMinor>1</VersionMinor></Version></Build>\n` +
      '    <LangID>en</LangID>\n    <PartNumber>000-00000-00</PartNumber>\n  </Author>\n',
  );
  out('</TrainingCenterDatabase>\n');
}

function writeLap(l: TcxOutLap, sport: TcxSport, out: (s: string) => void): void {
  let s = `      <Lap StartTime="${isoTime(l.start)}">\n`;
  s += `        <TotalTimeSeconds>${num(Math.max(0, l.totalTime), 3)}</TotalTimeSeconds>\n`;
  s += `        <DistanceMeters>${num(Math.max(0, l.distance), 2)}</DistanceMeters>\n`;
  if (l.maxSpeed !== undefined && Number.isFinite(l.maxSpeed)) s += `        <MaximumSpeed>${num(l.maxSpeed, 3)}</MaximumSpeed>\n`;
  s += `        <Calories>${ushort(l.calories) ?? 0}</Calories>\n`;
  const avgHr = byte(l.avgHeartRate, 1);
  const maxHr = byte(l.maxHeartRate, 1);
  if (avgHr !== undefined) s += `        <AverageHeartRateBpm><Value>${avgHr}</Value></AverageHeartRateBpm>\n`;
  if (maxHr !== undefined) s += `        <MaximumHeartRateBpm><Value>${maxHr}</Value></MaximumHeartRateBpm>\n`;
  s += `        <Intensity>${l.intensity}</Intensity>\n`;
  const cad = byte(l.cadence, 0);
  if (cad !== undefined && sport !== 'Running') s += `        <Cadence>${cad}</Cadence>\n`;
  s += `        <TriggerMethod>${l.trigger}</TriggerMethod>\n`;
  out(s);
  if (l.points.length > 0) {
    out('        <Track>\n');
    for (const p of l.points) out(trackpoint(p, sport));
    out('        </Track>\n');
  }
  const lx: string[] = [];
  if (l.avgSpeed !== undefined && Number.isFinite(l.avgSpeed)) lx.push(`<ns3:AvgSpeed>${num(l.avgSpeed, 3)}</ns3:AvgSpeed>`);
  if (cad !== undefined && sport === 'Running') lx.push(`<ns3:AvgRunCadence>${cad}</ns3:AvgRunCadence>`);
  const aw = ushort(l.avgWatts);
  const mw = ushort(l.maxWatts);
  if (aw !== undefined) lx.push(`<ns3:AvgWatts>${aw}</ns3:AvgWatts>`);
  if (mw !== undefined) lx.push(`<ns3:MaxWatts>${mw}</ns3:MaxWatts>`);
  if (lx.length > 0) out(`        <Extensions><ns3:LX>${lx.join('')}</ns3:LX></Extensions>\n`);
  out('      </Lap>\n');
}

function trackpoint(p: TcxOutPoint, sport: TcxSport): string {
  let s = `          <Trackpoint>\n            <Time>${isoTime(p.time)}</Time>\n`;
  if (p.lat !== undefined && p.lon !== undefined) {
    s += `            <Position><LatitudeDegrees>${num(p.lat, 7)}</LatitudeDegrees><LongitudeDegrees>${num(p.lon, 7)}</LongitudeDegrees></Position>\n`;
  }
  if (p.altitude !== undefined && Number.isFinite(p.altitude)) s += `            <AltitudeMeters>${num(p.altitude, 2)}</AltitudeMeters>\n`;
  if (p.distance !== undefined && Number.isFinite(p.distance)) s += `            <DistanceMeters>${num(p.distance, 2)}</DistanceMeters>\n`;
  const hr = byte(p.heartRate, 1);
  if (hr !== undefined) s += `            <HeartRateBpm><Value>${hr}</Value></HeartRateBpm>\n`;
  const cad = byte(p.cadence, 0);
  if (cad !== undefined && sport !== 'Running') s += `            <Cadence>${cad}</Cadence>\n`;
  const tpx: string[] = [];
  if (p.speed !== undefined && Number.isFinite(p.speed)) tpx.push(`<ns3:Speed>${num(p.speed, 3)}</ns3:Speed>`);
  if (cad !== undefined && sport === 'Running') tpx.push(`<ns3:RunCadence>${cad}</ns3:RunCadence>`);
  const w = ushort(p.watts);
  if (w !== undefined) tpx.push(`<ns3:Watts>${w}</ns3:Watts>`);
  if (tpx.length > 0) s += `            <Extensions><ns3:TPX>${tpx.join('')}</ns3:TPX></Extensions>\n`;
  return s + '          </Trackpoint>\n';
}
