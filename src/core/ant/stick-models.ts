/**
 * The ANT USB sticks fitkit drives (docs/ant-fs.md) and what differs
 * between them. The ANT messages are the same; the byte pipe and a few habits are not:
 *
 * - USB1 (0fcf:1004), Garmin's first stick: a CP210x USB-UART bridge in front of the ANT chip
 *   (cp210x.ts). Garmin's agent appends two zero bytes after each message (the chip skips bytes
 *   before a sync byte); after Reset System the chip sends no startup message, so the host just
 *   waits about a second.
 * - ANTUSB2 (0fcf:1008) and ANTUSB-m (0fcf:1009): native USB ANT nodes that answer a reset with
 *   a startup message.
 */
import type { UsbDeviceInfo } from '../usb/backend.js';

export interface AntStickModel {
  vendorId: number;
  productId: number;
  name: string;
  /** A USB-serial bridge to set up before ANT traffic. */
  bridge?: 'cp210x';
  /** Answers Reset System with a startup message (0x6F). */
  startupMessage: boolean;
  /** Zero bytes written after each message. */
  outPadding: number;
}

export const ANT_STICKS: readonly AntStickModel[] = [
  { vendorId: 0x0fcf, productId: 0x1004, name: 'USB1', bridge: 'cp210x', startupMessage: false, outPadding: 2 },
  { vendorId: 0x0fcf, productId: 0x1008, name: 'ANTUSB2', startupMessage: true, outPadding: 0 },
  { vendorId: 0x0fcf, productId: 0x1009, name: 'ANTUSB-m', startupMessage: true, outPadding: 0 },
];

export function antStickModel(info: Pick<UsbDeviceInfo, 'vendorId' | 'productId'>): AntStickModel | undefined {
  return ANT_STICKS.find((s) => s.vendorId === info.vendorId && s.productId === info.productId);
}
