/**
 * Finding the MTP interface of a USB device (docs/mtp.md): an interface with
 * exactly one bulk IN, one bulk OUT and one interrupt IN endpoint that is either class 6/1/1
 * (Still Image / PTP) or names itself "MTP" in its interface string. Product ids are never
 * consulted: most Garmin watches are unknown to every list and still work.
 */
import type { UsbDeviceInfo, UsbInterfaceInfo } from '../usb/backend.js';

export const GARMIN_VENDOR_ID = 0x091e;

export interface MtpInterface {
  configuration: number;
  interface: number;
  alternate: number;
  bulkIn: number;
  bulkOut: number;
  interruptIn: number;
  /** wMaxPacketSize of the bulk IN endpoint: drives request sizes and ZLP handling. */
  packetSize: number;
  /** wMaxPacketSize of the bulk OUT endpoint. */
  outPacketSize: number;
}

/** The endpoints, if the interface is an MTP one; undefined otherwise. */
export function probeInterface(i: UsbInterfaceInfo): MtpInterface | undefined {
  if (i.endpoints.length !== 3) return undefined;
  const bulkIn = i.endpoints.filter((e) => e.type === 'bulk' && e.direction === 'in');
  const bulkOut = i.endpoints.filter((e) => e.type === 'bulk' && e.direction === 'out');
  const intIn = i.endpoints.filter((e) => e.type === 'interrupt' && e.direction === 'in');
  if (bulkIn.length !== 1 || bulkOut.length !== 1 || intIn.length !== 1) return undefined;
  const ptpClass = i.class === 6 && i.subclass === 1 && i.protocol === 1;
  const mtpName = i.name !== undefined && i.name.includes('MTP');
  if (!ptpClass && !mtpName) return undefined;
  return {
    configuration: i.configuration,
    interface: i.number,
    alternate: i.alternate,
    bulkIn: bulkIn[0].address,
    bulkOut: bulkOut[0].address,
    interruptIn: intIn[0].address,
    packetSize: bulkIn[0].maxPacketSize,
    outPacketSize: bulkOut[0].maxPacketSize,
  };
}

/** The first MTP interface of the device (any configuration or alternate setting). */
export function findMtpInterface(info: UsbDeviceInfo): MtpInterface | undefined {
  for (const i of info.interfaces) {
    const found = probeInterface(i);
    if (found) return found;
  }
  return undefined;
}

/** A Garmin device with an MTP interface: what `fitkit sync` picks up over MTP. */
export function isGarminMtp(info: UsbDeviceInfo): boolean {
  return info.vendorId === GARMIN_VENDOR_ID && findMtpInterface(info) !== undefined;
}
