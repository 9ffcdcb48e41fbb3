/**
 * Who the simulated MTP watch says it is: its USB descriptors (docs/mtp.md, the
 * FR645 Music layout, with the variants of §6.3), its DeviceInfo (modelled on the Garmin logs of
 * §3.4/§3.8) and the ObjectInfo it reports for a file or folder.
 */
import type { UsbDeviceInfo } from '../usb/backend.js';
import { Event, ObjectFormat, Operation } from '../mtp/codes.js';
import { encodeObjectInfo, type DeviceInfo } from '../mtp/datasets.js';
import { formatPtpDateTime } from '../mtp/datetime.js';
import type { SimObject } from './mtp-objects.js';
import type { SimMtpWatchOptions } from './mtp-watch.js';
import { WATCH_MODELS, type WatchModel } from './watch-files.js';

const BULK_IN = 0x81;
const INTERRUPT_IN = 0x82;
const BULK_OUT = 0x03;

/** The USB descriptors of §3.1 with the option's variations. */
export function mtpWatchDescriptor(options: SimMtpWatchOptions = {}): UsbDeviceInfo {
  const model = options.model ?? WATCH_MODELS.fr945;
  const packet = options.packetSize ?? 512;
  const name = options.interfaceName === undefined ? 'MTP' : (options.interfaceName ?? undefined);
  return {
    location: options.location ?? '1-1',
    vendorId: 0x091e,
    productId: options.productId ?? 0x4c29,
    deviceClass: 0,
    serial: options.serial ?? '0000' + model.serial.toString(16).padStart(8, '0'),
    interfaces: [
      {
        configuration: 1,
        number: 0,
        alternate: 0,
        class: options.ptpClass ? 6 : 0xff,
        subclass: options.ptpClass ? 1 : 0xff,
        protocol: options.ptpClass ? 1 : 0,
        name,
        endpoints: [
          { address: BULK_IN, direction: 'in', type: 'bulk', maxPacketSize: packet },
          { address: INTERRUPT_IN, direction: 'in', type: 'interrupt', maxPacketSize: 64 },
          { address: BULK_OUT, direction: 'out', type: 'bulk', maxPacketSize: packet },
        ],
      },
    ],
  };
}

/** DeviceInfo as Garmin watches report it (§3.4, §3.8): MTP vendor extension 6, 0x101B and 0x9805 listed. */
export function garminDeviceInfo(model: WatchModel, serial: string, options: SimMtpWatchOptions): DeviceInfo {
  const ops: number[] = [
    0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007, 0x1008, 0x1009, 0x100b, 0x100c, 0x100d, 0x1014, 0x1015, 0x1016, 0x1017, 0x9801, 0x9802, 0x9803, 0x9804, 0x9805, 0x9810, 0x9811,
    // Undocumented Garmin vendor operations (§3.4): listed, never used.
    0x9000, 0x9001, 0x9002, 0x9003, 0x9004, 0x9005, 0x9006, 0x9007, 0x9008, 0x9009,
  ];
  if (options.partialObject !== false) ops.push(Operation.GetPartialObject);
  if (options.partialObject64) ops.push(Operation.GetPartialObject64);
  return {
    standardVersion: 100,
    vendorExtensionId: 6,
    vendorExtensionVersion: 100,
    vendorExtensionDesc: 'microsoft.com: 1.0; ',
    functionalMode: 0,
    operations: ops,
    events: [Event.ObjectAdded, Event.ObjectRemoved, Event.StoreAdded, Event.StoreRemoved, Event.DevicePropChanged],
    deviceProperties: [0xd402, 0x5001],
    captureFormats: [],
    playbackFormats: [ObjectFormat.Undefined, ObjectFormat.Association, ObjectFormat.Text, 0x3009, 0xb982],
    manufacturer: 'Garmin',
    model: model.name,
    deviceVersion: String(model.software),
    serialNumber: serial,
  };
}

export function objectInfo(o: SimObject): Uint8Array {
  const folder = !!o.children;
  const date = formatPtpDateTime(o.mtimeMs);
  return encodeObjectInfo({
    storageId: o.storageId,
    format: o.format,
    protectionStatus: 0,
    compressedSize: o.size > 0xfffffffe ? 0xffffffff : o.size,
    thumbFormat: 0,
    thumbCompressedSize: 0,
    thumbPixWidth: 0,
    thumbPixHeight: 0,
    imagePixWidth: 0,
    imagePixHeight: 0,
    imageBitDepth: 0,
    parent: o.parent,
    associationType: folder ? 1 : 0,
    associationDesc: folder ? 1 : 0,
    sequenceNumber: 0,
    filename: o.name,
    dateCreated: date,
    dateModified: date,
    keywords: '',
  });
}
