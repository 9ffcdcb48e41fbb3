/**
 * The files a simulated watch carries, all made here with fitkit's encoder and carrying the
 * watch's own serial number, so a sync lands them under that serial (nothing is read from disk:
 * `--simulate` works from the installed package alone). Sizes cover the transport edge cases of docs/architecture.md:
 * exactly 500 bytes (a 512-byte MTP data container), exactly 1012 bytes (1024), 0 bytes, and
 * one over 1 MiB; plus a non-ASCII name. Deterministic: same model, same bytes.
 */
import { encodeFit, type FitEncoder } from '../fit/encode/encoder.js';
import { standardProfile } from '../fit/profile/profile.js';
import { semicirclesFromDegrees } from '../fit/kit/semicircles.js';

export interface WatchModel {
  /** Short id used by `--simulate` (`fr945`, `edge530`, `fr310xt`). */
  id: string;
  name: string;
  /** file_id / device_info product (garmin_product). */
  product: number;
  /** Unit id: file_id.serial_number and GarminDevice.xml's Id. */
  serial: number;
  partNumber: string;
  software: number;
  /** Folder names under GARMIN/ for activities and monitoring (they differ by model). */
  folders: { activity: string; monitor: string };
}

export const WATCH_MODELS: Record<string, WatchModel> = {
  fr945: {
    id: 'fr945',
    name: 'Forerunner 945',
    product: 3113,
    serial: 3996731245,
    partNumber: '006-B3113-00',
    software: 1910,
    folders: { activity: 'Activity', monitor: 'Monitor' },
  },
  edge530: {
    id: 'edge530',
    name: 'Edge 530',
    product: 3121,
    serial: 3343002718,
    partNumber: '006-B3121-00',
    software: 950,
    folders: { activity: 'Activities', monitor: 'Monitor' },
  },
  fr310xt: {
    id: 'fr310xt',
    name: 'Forerunner 310XT',
    product: 1018,
    serial: 3812345678,
    partNumber: '006-B1018-00',
    software: 440,
    folders: { activity: 'Activities', monitor: 'Monitor' },
  },
};

export interface WatchFile {
  /** Path under the volume or storage root, `/`-separated, e.g. `GARMIN/Activity/2024-05-01-07-12-44.fit`. */
  path: string;
  bytes: Uint8Array;
  /** Modification time (ms since epoch). */
  mtimeMs: number;
  /** The file_id type number written in it (a FIT file type; the folder's type for an empty file). */
  fileType?: number;
}

const FIT_EPOCH_MS = Date.UTC(1989, 11, 31);
const GARMIN = 1;
/** 2024-05-01T07:12:44Z in FIT seconds: the first simulated activity. */
const T0 = Math.floor((Date.UTC(2024, 4, 1, 7, 12, 44) - FIT_EPOCH_MS) / 1000);

function fitName(fitTime: number): string {
  const d = new Date(FIT_EPOCH_MS + fitTime * 1000).toISOString();
  return `${d.slice(0, 10)}-${d.slice(11, 13)}-${d.slice(14, 16)}-${d.slice(17, 19)}.fit`;
}

function header(e: FitEncoder, m: WatchModel, type: string, time: number, number?: number): void {
  e.writeMessage('file_id', { type, manufacturer: GARMIN, product: m.product, serial_number: m.serial, time_created: time, number });
  e.writeMessage('file_creator', { software_version: m.software });
}

/** An activity of `seconds` 1 Hz records: a run around a park, heart rate and cadence. */
function activity(m: WatchModel, start: number, seconds: number): Uint8Array {
  const profile = standardProfile();
  return encodeFit(profile, (e) => {
    header(e, m, 'activity', start);
    e.writeMessage('device_info', { timestamp: start, device_index: 'creator', manufacturer: GARMIN, product: m.product, serial_number: m.serial, software_version: m.software / 100 });
    e.writeMessage('event', { timestamp: start, event: 'timer', event_type: 'start' });
    let dist = 0;
    for (let i = 0; i < seconds; i++) {
      const a = (i / 600) * 2 * Math.PI;
      dist += 3 + Math.sin(i / 37);
      e.writeMessage('record', {
        timestamp: start + i,
        position_lat: semicirclesFromDegrees(47.37 + 0.004 * Math.sin(a)),
        position_long: semicirclesFromDegrees(8.54 + 0.006 * Math.cos(a)),
        distance: Math.round(dist * 100) / 100,
        enhanced_speed: 3 + Math.sin(i / 37),
        heart_rate: 120 + Math.round(30 * Math.sin(i / 300)),
        cadence: 85 + (i % 5),
        enhanced_altitude: 410 + 5 * Math.sin(i / 100),
      });
    }
    const end = start + seconds;
    e.writeMessage('event', { timestamp: end, event: 'timer', event_type: 'stop_all' });
    const summary = { timestamp: end, start_time: start, total_elapsed_time: seconds, total_timer_time: seconds, total_distance: Math.round(dist) };
    e.writeMessage('lap', { ...summary, event: 'lap', event_type: 'stop', message_index: 0 });
    e.writeMessage('session', { ...summary, event: 'session', event_type: 'stop', sport: 'running', first_lap_index: 0, num_laps: 1, message_index: 0 });
    e.writeMessage('activity', { timestamp: end, total_timer_time: seconds, num_sessions: 1, type: 'manual', event: 'activity', event_type: 'stop' });
  });
}

/** A day's monitoring file: one monitoring message a minute for `minutes`, steps and heart rate. */
function monitoring(m: WatchModel, start: number, minutes: number): Uint8Array {
  return encodeFit(standardProfile(), (e) => {
    header(e, m, 'monitoring_b', start);
    e.writeMessage('monitoring_info', { timestamp: start, local_timestamp: start + 7200 });
    let steps = 0;
    for (let i = 0; i < minutes; i++) {
      steps += 40 + ((i * 37) % 60);
      e.writeMessage('monitoring', { timestamp: start + 60 * i, activity_type: 'walking', cycles: steps / 2, active_calories: Math.floor(steps / 25), heart_rate: 62 + (i % 9) });
    }
  });
}

/** A small file of a settings-like type, padded to exactly `size` bytes when asked. */
function small(m: WatchModel, type: string, time: number, size?: number): Uint8Array {
  const profile = standardProfile();
  const build = (pad: number) =>
    encodeFit(profile, (e) => {
      header(e, m, type, time);
      // Padding in a manufacturer-specific message (global 0xFF00), as devices write them.
      const fields = [];
      for (let k = 0; pad > 0; k++) {
        const n = Math.min(pad, 250);
        const bytes = Uint8Array.from({ length: n }, (_, j) => (j * 7 + k) & 0xff);
        fields.push({ num: k, size: n, type: 0x0d, value: Array.from(bytes), bytes });
        pad -= n;
      }
      if (fields.length) e.writeRaw(0xff00, fields);
    });
  const base = build(0);
  if (size === undefined) return base;
  // With f padding fields of p bytes in all: 6 definition bytes + 3 per field, 1 record header, p.
  for (let f = 1; f < 16; f++) {
    const p = size - base.length - 7 - 3 * f;
    if (p > 0 && Math.ceil(p / 250) === f) {
      const b = build(p);
      if (b.length === size) return b;
    }
  }
  throw new Error(`cannot pad a ${type} file from ${base.length} to exactly ${size} bytes`);
}

const cache = new Map<string, WatchFile[]>();

/** The FIT files on a simulated watch of this model (not GarminDevice.xml). */
export function watchFiles(m: WatchModel): WatchFile[] {
  const hit = cache.get(m.id);
  if (hit) return hit;
  const at = (t: number) => FIT_EPOCH_MS + t * 1000;
  const act = m.folders.activity;
  const mon = m.folders.monitor;
  const t1 = T0 + 86400;
  const t2 = T0 + 2 * 86400;
  const big = T0 + 3 * 86400;
  const files: WatchFile[] = [
    { path: `GARMIN/${act}/${fitName(T0)}`, bytes: activity(m, T0, 1800), mtimeMs: at(T0 + 1800), fileType: 4 },
    { path: `GARMIN/${act}/${fitName(t1)}`, bytes: activity(m, t1, 95), mtimeMs: at(t1 + 95), fileType: 4 },
    { path: `GARMIN/${act}/${fitName(t2)}`, bytes: activity(m, t2, 420), mtimeMs: at(t2 + 420), fileType: 4 },
    // Over 1 MiB: many GetPartialObject chunks.
    { path: `GARMIN/${act}/${fitName(big)}`, bytes: activity(m, big, 40000), mtimeMs: at(big + 40000), fileType: 4 },
    // Zero bytes: a file the watch never finished writing.
    { path: `GARMIN/${act}/${fitName(big + 50000)}`, bytes: new Uint8Array(0), mtimeMs: at(big + 50000), fileType: 4 },
    { path: `GARMIN/${mon}/${fitName(T0 + 3600).replace('.fit', '-0.fit')}`, bytes: monitoring(m, T0 + 3600, 240), mtimeMs: at(T0 + 3600 + 240 * 60), fileType: 32 },
    { path: 'GARMIN/Settings/Settings.fit', bytes: small(m, 'settings', T0 - 86400, 500), mtimeMs: at(T0 - 86400), fileType: 2 },
    { path: 'GARMIN/Sports/Running.fit', bytes: small(m, 'sport', T0 - 86000, 1012), mtimeMs: at(T0 - 86000), fileType: 3 },
    { path: 'GARMIN/Totals/Totals.fit', bytes: small(m, 'totals', T0 - 80000), mtimeMs: at(T0 - 80000), fileType: 10 },
    { path: 'GARMIN/Courses/Zürichsee Runde.fit', bytes: small(m, 'course', T0 - 70000), mtimeMs: at(T0 - 70000), fileType: 6 },
  ];
  cache.set(m.id, files);
  return files;
}

/** GarminDevice.xml as the watch writes it (namespace GarminDevice/v2). */
export function garminDeviceXml(m: WatchModel): string {
  const dataType = (name: string, dir: string) =>
    `    <MassStorageLocation>\n      <DataType><Name>${name}</Name><File><Specification><Identifier>http://www.garmin.com/xmlschemas/FIT</Identifier></Specification>` +
    `<Location><Path>GARMIN/${dir}</Path><FileExtension>FIT</FileExtension></Location><TransferDirection>OutputFromUnit</TransferDirection></File></DataType>\n    </MassStorageLocation>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<Device xmlns="http://www.garmin.com/xmlschemas/GarminDevice/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Model>
    <PartNumber>${m.partNumber}</PartNumber>
    <SoftwareVersion>${m.software}</SoftwareVersion>
    <Description>${m.name}</Description>
  </Model>
  <Id>${m.serial}</Id>
  <MassStorageMode>
${dataType('FIT_TYPE_4', m.folders.activity)}
${dataType('FIT_TYPE_15', m.folders.monitor)}
  </MassStorageMode>
</Device>
`;
}
