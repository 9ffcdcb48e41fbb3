/**
 * The Silicon Labs CP210x USB-to-UART bridge in front of the ANT chip on Garmin's first ANT stick
 * ("USB1", 0fcf:1004). Before any ANT byte flows, the UART is set up with vendor requests to
 * interface 0, as Garmin's ANT Agent does in a usbmon capture (docs/ant-fs.md): enable, baud-rate
 * divisor for ~50 kbaud (the ANT chip's rate; not 115200), 8 data bits no parity 1 stop bit,
 * CTS/RTS flow control, purge both FIFOs. Disabled again at the end.
 *
 * Request numbers and field layouts as in Silicon Labs AN571 (and Linux's cp210x driver).
 */
import type { ControlSetup, UsbDevice } from '../usb/backend.js';

export const Cp210x = {
  IFC_ENABLE: 0x00,
  SET_BAUDDIV: 0x01,
  SET_LINE_CTL: 0x03,
  PURGE: 0x12,
  SET_FLOW: 0x13,
} as const;

/** The bridge's baud-rate generator: baud = BAUD_CLOCK / divisor. */
export const BAUD_CLOCK = 3_686_400;
/** The ANT chip's UART rate on the USB1 stick. */
export const ANT_BAUD = 50_000;
/** Nearest divisor: 74, i.e. 49 816 baud. */
export const ANT_BAUD_DIVISOR = Math.round(BAUD_CLOCK / ANT_BAUD);
/** SET_LINE_CTL: word length 8 in bits 15..8, parity none (0) in 7..4, one stop bit (0) in 3..0. */
export const LINE_8N1 = 0x0800;
/** PURGE: transmit and receive queues, both directions. */
export const PURGE_ALL = 0x000f;
/** SET_FLOW: DTR held active (1) + CTS handshake (bit 3); RTS driven by flow control (0x80). */
export const FLOW_CTS = { controlHandshake: 0x09, flowReplace: 0x80, xonLimit: 128, xoffLimit: 128 } as const;

const setup = (request: number, value: number): ControlSetup => ({ requestType: 'vendor', recipient: 'interface', request, value, index: 0 });

/** The 16-byte SET_FLOW block: four little-endian u32. */
export function flowBlock(f: { controlHandshake: number; flowReplace: number; xonLimit: number; xoffLimit: number } = FLOW_CTS): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, f.controlHandshake, true);
  v.setUint32(4, f.flowReplace, true);
  v.setUint32(8, f.xonLimit, true);
  v.setUint32(12, f.xoffLimit, true);
  return b;
}

/** Sets the UART up for the ANT chip (interface 0 claimed). */
export async function cp210xStart(device: UsbDevice, timeoutMs = 1000): Promise<void> {
  const none = new Uint8Array(0);
  await device.controlOut(setup(Cp210x.IFC_ENABLE, 1), none, timeoutMs);
  await device.controlOut(setup(Cp210x.SET_BAUDDIV, ANT_BAUD_DIVISOR), none, timeoutMs);
  await device.controlOut(setup(Cp210x.SET_LINE_CTL, LINE_8N1), none, timeoutMs);
  await device.controlOut(setup(Cp210x.SET_FLOW, 0), flowBlock(), timeoutMs);
  await device.controlOut(setup(Cp210x.PURGE, PURGE_ALL), none, timeoutMs);
}

/** Disables the UART. Never throws (the stick may be gone). */
export async function cp210xStop(device: UsbDevice, timeoutMs = 500): Promise<void> {
  await device.controlOut(setup(Cp210x.IFC_ENABLE, 0), new Uint8Array(0), timeoutMs).catch(() => {});
}
