/**
 * The MTP transaction runner (docs/mtp.md): command container on bulk OUT,
 * optional device→host data phase, response container, over a UsbDevice. It owns the
 * transaction-id counter and the recovery rules:
 *
 * - timeout → Cancel Request (class 0x64), poll Get Device Status (0x67) while busy, drain the
 *   IN pipe, then a UsbError('timeout') naming the operation;
 * - stall → Get Device Status, clear halt on both bulk endpoints, drain, retry the transaction
 *   once if nothing was handed to the caller yet, else MtpError('mtp_stall') with `delivered`;
 * - unplug → the UsbError('no_device') as is, at once, and the transport refuses further use;
 * - abort (AbortSignal) → rejects at once with the signal's reason; the transfer still in
 *   flight is remembered, and the next transaction waits for it and drains before starting.
 *
 * Every wait is bounded by a timeout, so a device that never answers cannot hang the caller.
 */
import { isUsbError, UsbError, type ControlSetup, type UsbDevice } from '../usb/backend.js';
import { CANCEL_REQUEST_CODE, ClassRequest, ContainerType, Response, operationName } from './codes.js';
import { ContainerReader, type ReadFn } from './container-reader.js';
import { MAX_SHORT_CONTAINER, decodeShort, encodeCommand, writeU16, writeU32, readU16, type ShortContainer } from './container.js';
import { MtpError } from './errors.js';
import type { MtpInterface } from './interface-probe.js';
import { concatBytes } from '../bytes/concat.js';

export interface TransportOptions {
  /** Per USB transfer (libmtp uses 60 s for Garmin's LONG_TIMEOUT). @default 60000 */
  timeoutMs?: number;
  /**
   * Largest bulk IN request; rounded down to a multiple of the packet size. The default holds a
   * 1 MiB GetPartialObject data phase, its header and an appended response in one transfer.
   * @default 1 MiB + 64 KiB
   */
  readBytes?: number;
  /** First request for a dataset of unknown size (DeviceInfo, ObjectInfo…). @default 16 KiB */
  datasetReadBytes?: number;
  /** Largest dataset accepted into memory (object data is streamed, not bounded by this). @default 16 MiB */
  maxDatasetBytes?: number;
  /** Class requests (cancel, status). @default 2000 */
  controlTimeoutMs?: number;
  /** Per read while draining the IN pipe after a cancel or stall. @default 300 */
  drainTimeoutMs?: number;
  /** Get Device Status poll interval after a cancel while the device says busy. @default 200 */
  cancelPollMs?: number;
  /** Give up polling after this long. @default 5000 */
  cancelWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** One line per notable event (cancel, stall, junk bytes). */
  trace?: (line: string) => void;
}

export interface Transaction {
  operation: number;
  params?: readonly number[];
  /** The operation has a device→host data phase (it may still answer with a bare response). */
  dataIn?: boolean;
  /** Streams the data phase here instead of collecting it (object downloads). */
  onData?: (chunk: Uint8Array) => void | Promise<void>;
  /** Most payload bytes accepted; more is a protocol error. Defaults to maxDatasetBytes. */
  maxData?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Use this transaction id instead of the next one (OpenSession sends 0). */
  transactionId?: number;
  /** Retry once after a recovered stall if no data was handed over yet. @default true */
  retryOnStall?: boolean;
}

export interface TransactionResult {
  transactionId: number;
  /** Response code (0x2001 = OK). */
  code: number;
  params: number[];
  /** The collected data phase (empty when streamed or absent). */
  data: Uint8Array;
  /** Payload bytes received, collected or streamed. */
  dataBytes: number;
}

const EMPTY: Uint8Array = new Uint8Array(0);
const MAX_DRAIN_READS = 64;

export class MtpTransport {
  readonly device: UsbDevice;
  readonly pipes: MtpInterface;
  readonly reader: ContainerReader;
  #o: Required<Omit<TransportOptions, 'trace'>> & Pick<TransportOptions, 'trace'>;
  #next = 1;
  #dead = false;
  /** A transaction was abandoned (abort): wait for its transfer and drain before the next. */
  #dirty = false;
  #orphan: Promise<unknown> | undefined;

  constructor(device: UsbDevice, pipes: MtpInterface, options: TransportOptions = {}) {
    this.device = device;
    this.pipes = pipes;
    this.#o = {
      timeoutMs: options.timeoutMs ?? 60_000,
      readBytes: options.readBytes ?? (1 << 20) + (64 << 10),
      datasetReadBytes: options.datasetReadBytes ?? 16 << 10,
      maxDatasetBytes: options.maxDatasetBytes ?? 16 << 20,
      controlTimeoutMs: options.controlTimeoutMs ?? 2000,
      drainTimeoutMs: options.drainTimeoutMs ?? 300,
      cancelPollMs: options.cancelPollMs ?? 200,
      cancelWaitMs: options.cancelWaitMs ?? 5000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: options.now ?? Date.now,
      trace: options.trace,
    };
    this.reader = new ContainerReader(pipes.packetSize, this.#o.readBytes);
  }

  get timeoutMs(): number {
    return this.#o.timeoutMs;
  }

  /** The device is gone; every further call fails with no_device. */
  get dead(): boolean {
    return this.#dead;
  }

  /** A transaction was abandoned (aborted) and its transfer may still be in flight. */
  get abandoned(): boolean {
    return this.#dirty;
  }

  /** The id the next transaction will carry. */
  get nextTransactionId(): number {
    return this.#next;
  }

  set nextTransactionId(id: number) {
    this.#next = id >>> 0 === 0 || id >>> 0 === 0xffffffff ? 1 : id >>> 0;
  }

  #takeId(): number {
    const id = this.#next;
    this.nextTransactionId = id + 1;
    return id;
  }

  async run(t: Transaction): Promise<TransactionResult> {
    if (this.#dead) throw new UsbError('no_device', 'the MTP device is gone');
    t.signal?.throwIfAborted();
    await this.#settle();
    const name = operationName(t.operation);
    for (let attempt = 0; ; attempt++) {
      const tid = t.transactionId ?? this.#takeId();
      const progress = { delivered: 0 };
      try {
        return await this.#once(t, tid, progress);
      } catch (e) {
        if (isUsbError(e, 'no_device')) {
          this.#dead = true;
          throw e;
        }
        if (t.signal?.aborted && e === t.signal.reason) {
          await this.#abandon(tid);
          throw e;
        }
        if (isUsbError(e, 'stall')) {
          this.#trace(`${name} #${tid}: endpoint stalled after ${progress.delivered} data bytes; recovering`);
          await this.#recoverStall();
          if (progress.delivered === 0 && attempt === 0 && t.retryOnStall !== false) continue;
          throw new MtpError('mtp_stall', `${name}: the device stalled the transfer after ${progress.delivered} bytes`, {
            operation: t.operation,
            delivered: progress.delivered,
            cause: e,
          });
        }
        if (isUsbError(e, 'timeout')) {
          const ms = t.timeoutMs ?? this.#o.timeoutMs;
          this.#trace(`${name} #${tid}: no answer within ${ms} ms; cancelling`);
          await this.cancel(tid);
          throw new UsbError('timeout', `${name}: the device did not answer within ${ms} ms`, { cause: e });
        }
        // A protocol error, a sink that threw, an overflow: end the transaction on the device.
        this.#trace(`${name} #${tid}: ${e instanceof Error ? e.message : String(e)}; cancelling`);
        await this.cancel(tid);
        throw e;
      }
    }
  }

  async #once(t: Transaction, tid: number, progress: { delivered: number }): Promise<TransactionResult> {
    const timeout = t.timeoutMs ?? this.#o.timeoutMs;
    const name = operationName(t.operation);
    await this.device.bulkOut(this.pipes.bulkOut, encodeCommand(t.operation, tid, t.params ?? []), timeout);
    const read: ReadFn = (length) => this.#read(length, timeout, t.signal);
    const limit = t.maxData ?? this.#o.maxDatasetBytes;
    // Size the first read to hold the whole data phase plus an appended response when small.
    const expect = t.dataIn ? (t.maxData !== undefined ? t.maxData + MAX_SHORT_CONTAINER + 12 : this.#o.datasetReadBytes - 1) : MAX_SHORT_CONTAINER;
    let h = await this.reader.header(read, expect);
    let data = EMPTY;
    let dataBytes = 0;
    if (h.type === ContainerType.Data) {
      if (!t.dataIn) throw new MtpError('mtp_protocol', `${name}: unexpected data phase`, { operation: t.operation });
      if (h.code !== t.operation || h.transactionId !== tid) {
        throw new MtpError('mtp_protocol', `${name} #${tid}: data container says operation 0x${h.code.toString(16)} #${h.transactionId}`, { operation: t.operation });
      }
      if (t.onData) {
        const sink = t.onData;
        dataBytes = await this.reader.payload(read, h, limit, (c) => {
          progress.delivered += c.length;
          return sink(c);
        });
      } else {
        const parts: Uint8Array[] = [];
        dataBytes = await this.reader.payload(read, h, Math.min(limit, this.#o.maxDatasetBytes), (c) => void parts.push(c));
        data = parts.length === 1 ? parts[0] : concatBytes(...parts);
      }
      h = await this.reader.header(read, MAX_SHORT_CONTAINER);
    }
    if (h.type !== ContainerType.Response) {
      throw new MtpError('mtp_protocol', `${name} #${tid}: expected a response container, got type ${h.type}`, { operation: t.operation });
    }
    const r = await this.reader.short(read, h);
    if (r.transactionId !== tid) {
      throw new MtpError('mtp_protocol', `${name} #${tid}: response carries transaction id ${r.transactionId}`, { operation: t.operation, response: r.code });
    }
    if (this.reader.junkBytes) {
      this.#trace(`${name} #${tid}: dropped ${this.reader.junkBytes} junk bytes between containers`);
      this.reader.junkBytes = 0;
    }
    return { transactionId: tid, code: r.code, params: r.params, data, dataBytes };
  }

  /** One bulk IN read that an AbortSignal can cut short (the transfer itself runs on). */
  #read(length: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const p = this.device.bulkIn(this.pipes.bulkIn, length, timeoutMs);
    if (!signal) return p;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#orphan = p.catch(() => undefined);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
        (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
      );
    });
  }

  /** After an abort: tell the device, and clean up lazily before the next transaction. */
  async #abandon(tid: number): Promise<void> {
    this.#dirty = true;
    await this.#control('out', ClassRequest.Cancel, cancelPayload(tid)).catch(() => undefined);
  }

  async #settle(): Promise<void> {
    if (!this.#dirty) return;
    const orphan = this.#orphan;
    this.#orphan = undefined;
    this.#dirty = false;
    if (orphan) await orphan;
    await this.drain();
  }

  /**
   * Cancel Request for transaction `tid`, then wait (bounded) while the device reports busy,
   * then drain. Failures are swallowed: this runs on the way to reporting another error.
   */
  async cancel(tid: number): Promise<void> {
    if (this.#dead) return;
    try {
      await this.#control('out', ClassRequest.Cancel, cancelPayload(tid));
      const until = this.#o.now() + this.#o.cancelWaitMs;
      while ((await this.deviceStatus()) === Response.DeviceBusy && this.#o.now() < until) await this.#o.sleep(this.#o.cancelPollMs);
    } catch (e) {
      if (isUsbError(e, 'no_device')) {
        this.#dead = true;
        return;
      }
    }
    await this.drain();
  }

  /** Get Device Status (0x67): the status code (OK, DeviceBusy, TransactionCancelled…). */
  async deviceStatus(): Promise<number> {
    const b = await this.#control('in', ClassRequest.GetDeviceStatus, 64);
    if (b.length < 4) throw new MtpError('mtp_protocol', `Get Device Status returned ${b.length} bytes`);
    return readU16(b, 2);
  }

  /** Stall recovery: status, clear both bulk halts, drain. */
  async #recoverStall(): Promise<void> {
    try {
      const status = await this.deviceStatus();
      this.#trace(`device status after stall: 0x${status.toString(16)}`);
    } catch (e) {
      if (isUsbError(e, 'no_device')) throw e;
    }
    for (const ep of [this.pipes.bulkIn, this.pipes.bulkOut]) {
      try {
        await this.device.clearHalt(ep);
      } catch (e) {
        if (isUsbError(e, 'no_device')) throw e;
      }
    }
    await this.drain();
  }

  /** Reads and discards whatever the device still has queued, until a read times out. */
  async drain(): Promise<void> {
    this.reader.reset();
    for (let i = 0; i < MAX_DRAIN_READS; i++) {
      try {
        const c = await this.device.bulkIn(this.pipes.bulkIn, this.reader.readBytes, this.#o.drainTimeoutMs);
        if (c.length) this.#trace(`drained ${c.length} bytes`);
      } catch (e) {
        if (isUsbError(e, 'no_device')) this.#dead = true;
        if (!isUsbError(e, 'overflow')) break;
      }
    }
  }

  /** One event container from the interrupt pipe, or undefined if none came in time. */
  async event(timeoutMs: number): Promise<ShortContainer | undefined> {
    try {
      return decodeShort(await this.device.interruptIn(this.pipes.interruptIn, 64, timeoutMs));
    } catch (e) {
      if (isUsbError(e, 'timeout')) return undefined;
      throw e;
    }
  }

  async #control(dir: 'in', request: number, arg: number): Promise<Uint8Array>;
  async #control(dir: 'out', request: number, arg: Uint8Array): Promise<void>;
  async #control(dir: 'in' | 'out', request: number, arg: number | Uint8Array): Promise<Uint8Array | void> {
    const setup: ControlSetup = { requestType: 'class', recipient: 'interface', request, value: 0, index: this.pipes.interface };
    if (dir === 'in') return this.device.controlIn(setup, arg as number, this.#o.controlTimeoutMs);
    return this.device.controlOut(setup, arg as Uint8Array, this.#o.controlTimeoutMs);
  }

  #trace(line: string): void {
    this.#o.trace?.(line);
  }
}

function cancelPayload(tid: number): Uint8Array {
  const b = new Uint8Array(6);
  writeU16(b, 0, CANCEL_REQUEST_CODE);
  writeU32(b, 2, tid);
  return b;
}
