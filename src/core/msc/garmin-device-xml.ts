/**
 * GARMIN/GarminDevice.xml: who the unit is and where it keeps each data type
 * (docs/mass-storage.md). Elements are matched by local name, so the GarminDevice/v2 namespace, a future version
 * or a prefix all read the same. Only the fields below are copied out: the file also carries
 * device-specific key material (Extensions/IQAppExt/StoreKey), which must never reach a log, an
 * error message or the library — so neither the raw text nor the parsed tree is kept, and
 * failure reasons name the XML error kind and line, never the offending text.
 */
import { open } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type TransferDirection = 'OutputFromUnit' | 'InputToUnit' | 'InputOutput';

/** One `MassStorageMode/DataType/File`: a folder (and maybe base name) for one data type. */
export interface GarminDataLocation {
  /** DataType Name, e.g. `FIT_TYPE_4`, `FITBinary`, `GPSData`. */
  dataType: string;
  /** FIT file type for `FIT_TYPE_N` (N) and `FITBinary` (1, the device file). */
  fitType?: number;
  /** Folder relative to the volume root, `/`-separated as written (e.g. `GARMIN/ACTIVITY`). */
  path: string;
  baseName?: string;
  /** Without the dot, e.g. `FIT`. */
  extension?: string;
  direction?: TransferDirection;
}

export interface GarminDeviceInfo {
  /** Model/Description, e.g. "Forerunner 935". */
  model?: string;
  /** Model/PartNumber, e.g. `006-B2691-00`. */
  partNumber?: string;
  /** Garmin product id from the part number (2691 in `006-B2691-00`): FIT file_id.product. */
  productId?: number;
  /** Model/SoftwareVersion: firmware version × 100 (2100 = 21.00). */
  softwareVersion?: number;
  /** Id: the unit id, i.e. the serial number, as decimal text. */
  unitId?: string;
  displayName?: string;
  /** Every MassStorageMode data location, in document order. */
  locations: GarminDataLocation[];
}

export type GarminDeviceXmlResult = { device: GarminDeviceInfo; reason?: undefined } | { device?: undefined; reason: string };

type Node = Record<string, unknown>;

const ARRAYS = new Set(['DataType', 'File', 'MassStorageLocation', 'Location']);
const DIRECTIONS = new Set<string>(['OutputFromUnit', 'InputToUnit', 'InputOutput']);

function text(n: unknown): string | undefined {
  if (typeof n === 'string') return n.trim() || undefined;
  if (typeof n === 'number') return String(n);
  if (n && typeof n === 'object' && '#text' in n) return text((n as Node)['#text']);
  return undefined;
}

function child(n: unknown, name: string): unknown {
  return n && typeof n === 'object' ? (n as Node)[name] : undefined;
}

function list(n: unknown): unknown[] {
  return n === undefined ? [] : Array.isArray(n) ? n : [n];
}

/** DataType elements directly under MassStorageMode or wrapped in MassStorageLocation (both seen). */
function dataTypes(mode: unknown): unknown[] {
  return [...list(child(mode, 'DataType')), ...list(child(mode, 'MassStorageLocation')).flatMap((l) => list(child(l, 'DataType')))];
}

function fitTypeOf(name: string): number | undefined {
  if (name === 'FITBinary') return 1;
  const m = /^FIT_TYPE_(\d{1,3})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function locations(mode: unknown): GarminDataLocation[] {
  const out: GarminDataLocation[] = [];
  for (const dt of dataTypes(mode)) {
    const dataType = text(child(dt, 'Name'));
    if (!dataType) continue;
    for (const file of list(child(dt, 'File'))) {
      const direction = text(child(file, 'TransferDirection'));
      for (const loc of list(child(file, 'Location'))) {
        const path = text(child(loc, 'Path'));
        if (path === undefined) continue;
        const entry: GarminDataLocation = { dataType, path: path.replace(/\\/g, '/') };
        const fitType = fitTypeOf(dataType);
        if (fitType !== undefined) entry.fitType = fitType;
        const baseName = text(child(loc, 'BaseName'));
        if (baseName) entry.baseName = baseName;
        const extension = text(child(loc, 'FileExtension'));
        if (extension) entry.extension = extension;
        if (direction && DIRECTIONS.has(direction)) entry.direction = direction as TransferDirection;
        out.push(entry);
      }
    }
  }
  return out;
}

/** Parses GarminDevice.xml text; malformed or foreign documents give a reason instead. */
export function parseGarminDeviceXml(xml: string): GarminDeviceXmlResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { reason: `GarminDevice.xml is not well-formed XML (${valid.err.code} at line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = new XMLParser({
      ignoreAttributes: true,
      removeNSPrefix: true,
      parseTagValue: false,
      processEntities: false,
      isArray: (name) => ARRAYS.has(name),
    }).parse(xml) as Node;
  } catch {
    return { reason: 'GarminDevice.xml could not be parsed' };
  }
  const root = doc.Device;
  if (!root || typeof root !== 'object') return { reason: 'GarminDevice.xml has no <Device> root element' };
  const model = child(root, 'Model');
  const device: GarminDeviceInfo = { locations: locations(child(root, 'MassStorageMode')) };
  const description = text(child(model, 'Description'));
  if (description) device.model = description;
  const partNumber = text(child(model, 'PartNumber'));
  if (partNumber) {
    device.partNumber = partNumber;
    const m = /^\d{3}-B(\d{1,5})-\d{2}$/i.exec(partNumber);
    if (m) device.productId = Number(m[1]);
  }
  const software = text(child(model, 'SoftwareVersion'));
  if (software && /^\d{1,9}$/.test(software)) device.softwareVersion = Number(software);
  const id = text(child(root, 'Id'));
  // A unit id is decimal; anything else would make a poor (and unsafe) state key.
  if (id && /^\d{1,20}$/.test(id)) device.unitId = id.replace(/^0+(?=\d)/, '');
  const displayName = text(child(root, 'DisplayName'));
  if (displayName) device.displayName = displayName;
  return { device };
}

/** FIT locations the unit writes (OutputFromUnit or InputOutput, extension FIT). */
export function fitOutputLocations(device: GarminDeviceInfo): GarminDataLocation[] {
  return device.locations.filter((l) => l.extension?.toUpperCase() === 'FIT' && l.direction !== 'InputToUnit');
}

/** Real files are 10–60 KB; anything far larger is not a GarminDevice.xml worth parsing. */
export const MAX_DEVICE_XML_BYTES = 1024 * 1024;

/** Reads and parses a GarminDevice.xml file; unreadable or oversized files give a reason. */
export async function readGarminDeviceXml(path: string): Promise<GarminDeviceXmlResult> {
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(MAX_DEVICE_XML_BYTES + 1);
      let n = 0;
      for (let r; n < buf.length && (r = (await fh.read(buf, n, buf.length - n, n)).bytesRead) > 0;) n += r;
      if (n > MAX_DEVICE_XML_BYTES) return { reason: `GarminDevice.xml is larger than ${MAX_DEVICE_XML_BYTES} bytes; ignored` };
      text = new TextDecoder().decode(buf.subarray(0, n));
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { reason: `GarminDevice.xml cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return parseGarminDeviceXml(text);
}
