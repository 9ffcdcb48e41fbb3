/**
 * The USB facade every transport talks to (docs/architecture.md): exactly the operations MTP
 * and the ANT stick need, promise-based, with one error type. The real adapter (node-usb.ts)
 * and the simulators (../sim/) implement it; nothing above this layer imports `usb`.
 */
import { FitkitError, type ErrorCode } from '../errors.js';

export type UsbErrorKind =
  /** No answer within the timeout (the transfer was cancelled). */
  | 'timeout'
  /** The endpoint halted (LIBUSB_ERROR_PIPE / STALL); clear it with clearHalt(). */
  | 'stall'
  /** The device is gone (unplugged, re-enumerated). */
  | 'no_device'
  /** Another program holds the interface (gvfs, kio, jmtpfs, a kernel driver). */
  | 'busy'
  /** No permission to open the device node (udev rule missing). */
  | 'access'
  /** The device sent more than was asked for. */
  | 'overflow'
  /** Aborted by the caller. */
  | 'cancelled'
  | 'io';

/** The FitkitError code of each kind: `no_device` is the one `device_gone` every transport raises. */
const CODES: Record<UsbErrorKind, ErrorCode> = {
  timeout: 'timeout',
  stall: 'usb_stall',
  no_device: 'device_gone',
  busy: 'busy',
  access: 'permission_denied',
  overflow: 'usb_overflow',
  cancelled: 'cancelled',
  io: 'usb_io',
};

export class UsbError extends FitkitError {
  readonly kind: UsbErrorKind;
  constructor(kind: UsbErrorKind, message: string, options?: { cause?: unknown }) {
    super(CODES[kind], message, { cause: options?.cause });
    this.name = 'UsbError';
    this.kind = kind;
  }
}

export function isUsbError(e: unknown, kind?: UsbErrorKind): e is UsbError {
  return e instanceof UsbError && (kind === undefined || e.kind === kind);
}

export type EndpointType = 'bulk' | 'interrupt' | 'control' | 'isochronous';

export interface UsbEndpointInfo {
  /** Endpoint address with the direction bit (0x81 = IN 1, 0x03 = OUT 3). */
  address: number;
  direction: 'in' | 'out';
  type: EndpointType;
  maxPacketSize: number;
}

export interface UsbInterfaceInfo {
  configuration: number;
  number: number;
  alternate: number;
  class: number;
  subclass: number;
  protocol: number;
  /** The interface string ("MTP" on Garmin watches); undefined when the device has none. */
  name?: string;
  endpoints: UsbEndpointInfo[];
}

export interface UsbDeviceInfo {
  /** Where it is plugged in, stable while plugged: `bus-port.port` (e.g. `1-1.2`). */
  location: string;
  vendorId: number;
  productId: number;
  deviceClass: number;
  manufacturer?: string;
  product?: string;
  serial?: string;
  interfaces: UsbInterfaceInfo[];
}

export interface ControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/** One device. Transfers reject with UsbError; none is retried here. */
export interface UsbDevice {
  readonly info: UsbDeviceInfo;
  open(): Promise<void>;
  /** Detaches a bound kernel driver first when asked (and when one is bound). */
  claimInterface(number: number, options?: { detachKernelDriver?: boolean }): Promise<void>;
  releaseInterface(number: number): Promise<void>;
  /**
   * One bulk IN transfer of at most `length` bytes: completes when `length` bytes arrived or a
   * short (or zero-length) packet ended it. Ask for multiples of the packet size.
   */
  bulkIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array>;
  /** One bulk OUT transfer; an empty `data` sends a zero-length packet. */
  bulkOut(endpoint: number, data: Uint8Array, timeoutMs: number): Promise<void>;
  interruptIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array>;
  controlIn(setup: ControlSetup, length: number, timeoutMs: number): Promise<Uint8Array>;
  controlOut(setup: ControlSetup, data: Uint8Array, timeoutMs: number): Promise<void>;
  clearHalt(endpoint: number): Promise<void>;
  /** USB port reset: the device re-enumerates (expect detach/attach). Recovery only. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface UsbHotplugListener {
  attach(device: UsbDevice): void;
  /** `location` of the device that left. */
  detach(location: string): void;
}

export interface UsbBackend {
  /** Devices plugged in now (descriptors read; not opened). */
  devices(): Promise<UsbDevice[]>;
  /** Hotplug events until the returned function is called. */
  watch(listener: UsbHotplugListener): () => void;
}
