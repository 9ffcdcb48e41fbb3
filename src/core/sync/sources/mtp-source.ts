/**
 * Garmin watches over MTP as a sync DeviceProvider: scans the USB backend for Garmin devices
 * with an MTP interface and opens them with the MTP client (src/core/mtp). Identity comes from
 * GARMIN/GarminDevice.xml when the watch has one (model, part number, unit id), else from
 * DeviceInfo, whose serial string is read as the unit id in hex (docs/mtp.md:
 * a strong pattern, not verified on hardware).
 */
import { parseGarminDeviceXml } from '../../msc/garmin-device-xml.js';
import { isUsbError, type UsbBackend, type UsbDevice } from '../../usb/backend.js';
import { MtpClient, type MtpClientOptions } from '../../mtp/client.js';
import { Response } from '../../mtp/codes.js';
import { MtpError, isMtpError } from '../../mtp/errors.js';
import { isGarminMtp } from '../../mtp/interface-probe.js';
import type { DeviceCandidate, DeviceIdentity, DeviceProvider, DeviceSession, DownloadOptions, RemoteFile } from '../device-source.js';

export interface MtpProviderOptions extends MtpClientOptions {
  /** Files claiming more than this are left out of listings, with a warning. @default 1 GiB */
  maxFileBytes?: number;
}

/** Object dates before 1990-01-01 mean an unset clock (FIT's epoch is 1989-12-31). */
const CLOCK_SET_MS = Date.UTC(1990, 0, 1);

/** GarminDevice.xml is a few KiB; refuse to pull anything near this into memory. */
const MAX_DEVICE_XML = 1 << 20;

export class MtpProvider implements DeviceProvider {
  readonly transport = 'mtp' as const;
  #backend: UsbBackend;
  #o: MtpProviderOptions;

  constructor(backend: UsbBackend, options: MtpProviderOptions = {}) {
    this.#backend = backend;
    this.#o = options;
  }

  async scan(): Promise<DeviceCandidate[]> {
    const out: DeviceCandidate[] = [];
    for (const d of await this.#backend.devices()) {
      if (!isGarminMtp(d.info)) continue;
      out.push({
        transport: 'mtp',
        location: d.info.location,
        label: `Garmin MTP ${hex4(d.info.vendorId)}:${hex4(d.info.productId)} at ${d.info.location}`,
        open: (signal) => openSession(d, this.#o, signal),
      });
    }
    return out;
  }

  watch(changed: () => void): () => void {
    return this.#backend.watch({ attach: () => changed(), detach: () => changed() });
  }
}

async function openSession(device: UsbDevice, options: MtpProviderOptions, signal?: AbortSignal): Promise<DeviceSession> {
  signal?.throwIfAborted();
  const client = await MtpClient.connect(device, options);
  try {
    signal?.throwIfAborted();
    const xml = await readDeviceXml(client, options, signal);
    return new MtpDeviceSession(client, identityOf(device, client, xml), options);
  } catch (e) {
    await client.close();
    throw e;
  }
}

interface DeviceXml {
  model?: string;
  partNumber?: string;
  unitId?: string;
}

/** GARMIN/GarminDevice.xml's few identity fields, or undefined when absent or unreadable. */
async function readDeviceXml(client: MtpClient, options: MtpProviderOptions, signal?: AbortSignal): Promise<DeviceXml | undefined> {
  try {
    for (const root of await client.garminRoots(signal)) {
      const file = await client.findFile(root, 'GarminDevice.xml', signal);
      if (file) return parseDeviceXml(await client.readSmall(file, MAX_DEVICE_XML));
    }
  } catch (e) {
    if (isUsbError(e, 'no_device') || signal?.aborted) throw e;
    // The file may hold key material (§4.4): the message names the failure, never the content.
    options.onWarning?.(`GarminDevice.xml not read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}

/** Model/Description, Model/PartNumber and Id, by the one GarminDevice.xml reader (msc/garmin-device-xml.ts). */
function parseDeviceXml(bytes: Uint8Array): DeviceXml | undefined {
  const { device } = parseGarminDeviceXml(new TextDecoder().decode(bytes));
  return device && { model: device.model, partNumber: device.partNumber, unitId: device.unitId };
}

function identityOf(device: UsbDevice, client: MtpClient, xml: DeviceXml | undefined): DeviceIdentity {
  const info = client.deviceInfo;
  const { vendorId, productId, serial: usbSerial, location } = device.info;
  const serialString = usbSerial || info.serialNumber || undefined;
  const id = serialString ?? (xml?.unitId ? xml.unitId : `at-${location}`);
  return {
    transport: 'mtp',
    key: `mtp:${hex4(vendorId)}:${hex4(productId)}:${id}`,
    model: xml?.model ?? (info.model || undefined),
    serial: xml?.unitId ?? unitIdFromHex(info.serialNumber || usbSerial),
    partNumber: xml?.partNumber,
  };
}

/** `0000ee3a4e6d` → `3996731245`: the MTP serial read as a hex unit id (§3.8, inferred). */
export function unitIdFromHex(serial: string | undefined): string | undefined {
  if (!serial || !/^[0-9a-f]{1,16}$/i.test(serial)) return undefined;
  const n = BigInt('0x' + serial);
  return n > 0n && n <= 0xffffffffn ? n.toString() : undefined;
}

class MtpDeviceSession implements DeviceSession {
  readonly identity: DeviceIdentity;
  #client: MtpClient;
  #o: MtpProviderOptions;

  constructor(client: MtpClient, identity: DeviceIdentity, options: MtpProviderOptions) {
    this.#client = client;
    this.identity = identity;
    this.#o = options;
  }

  async listFiles(signal?: AbortSignal): Promise<RemoteFile[]> {
    const roots = await this.#client.garminRoots(signal);
    const files = await this.#client.listFiles(roots, {
      signal,
      filter: (name) => name.toLowerCase().endsWith('.fit'),
      // Storage names only when two storages both have a GARMIN folder (else paths collide).
      prefixStorage: roots.length > 1,
    });
    const max = this.#o.maxFileBytes ?? 1 << 30;
    const out: RemoteFile[] = [];
    // A watch whose clock was never set dates everything 1989: no date is better than that one
    // (the library takes the time from the FIT file's time_created anyway).
    const unset = files.filter((f) => f.mtimeMs !== undefined && f.mtimeMs < CLOCK_SET_MS).length;
    if (unset) this.#o.onWarning?.(`${unset} file${unset === 1 ? ' is' : 's are'} dated before 1990 (the watch's clock looks unset): their dates are ignored`);
    for (const f of files) {
      if (f.size > max) {
        this.#o.onWarning?.(`skipping ${f.path}: claims ${f.size} bytes, more than the ${max} a FIT file can plausibly have`);
        continue;
      }
      out.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs !== undefined && f.mtimeMs < CLOCK_SET_MS ? undefined : f.mtimeMs, ref: f.handle });
    }
    return out;
  }

  async download(file: RemoteFile, sink: (chunk: Uint8Array) => void | Promise<void>, options: DownloadOptions = {}): Promise<void> {
    try {
      await this.#client.download({ handle: handleOf(file), size: file.size }, sink, { offset: options.offset, signal: options.signal });
    } catch (e) {
      throw fileError(e, file);
    }
  }

  async remove(file: RemoteFile): Promise<void> {
    try {
      await this.#client.remove({ handle: handleOf(file) });
    } catch (e) {
      throw fileError(e, file);
    }
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

function handleOf(file: RemoteFile): number {
  if (typeof file.ref !== 'number') throw new TypeError(`${file.path}: not a file listed by this MTP session`);
  return file.ref;
}

/** Names the file on MTP errors; a vanished object gets a message saying what happened. */
function fileError(e: unknown, file: RemoteFile): unknown {
  if (isMtpError(e, 'mtp_response') && (e.response === Response.InvalidObjectHandle || e.response === Response.InvalidParentObject)) {
    return new MtpError('mtp_response', `no longer on the watch (deleted or moved since it was listed)`, { file: file.path, response: e.response, operation: e.operation, cause: e });
  }
  if (isMtpError(e)) e.file = file.path;
  return e;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
