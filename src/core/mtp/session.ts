/**
 * A PTP/MTP session (docs/mtp.md) on a transaction runner: the operations
 * fitkit uses, each checked against DeviceInfo's list, with the client reactions of §3.6 —
 * DeviceBusy/StoreNotAvailable → bounded exponential backoff; SessionNotOpen and
 * InvalidTransactionID → reopen the session and retry once; anything else → MtpError.
 * GetObjPropList (0x9805) is broken on Garmin and is never sent.
 */
import { isUsbError } from '../usb/backend.js';
import { Operation, ObjectProp, Response, operationName } from './codes.js';
import { decodeDeviceInfo, decodeObjectInfo, decodeStorageInfo, decodeU32Array, type DeviceInfo, type ObjectInfo, type StorageInfo } from './datasets.js';
import { DatasetReader } from './dataset-io.js';
import { MtpError, isMtpError } from './errors.js';
import type { MtpTransport, Transaction, TransactionResult } from './transport.js';

export interface SessionOptions {
  /** The first OpenSession's timeout (libmtp: 5 s). @default 5000 */
  firstOpenTimeoutMs?: number;
  /** DeviceBusy/StoreNotAvailable retries before giving up. @default 6 */
  busyRetries?: number;
  /** First backoff delay, doubled per retry. @default 100 */
  busyDelayMs?: number;
  /** Backoff cap. @default 3000 */
  busyMaxDelayMs?: number;
  /** GetPartialObject chunk (payload bytes per transaction). @default 1 MiB */
  chunkBytes?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DownloadOptions {
  /** First byte wanted (resume). @default 0 */
  offset?: number;
  signal?: AbortSignal;
}

/** Stalls recovered mid-object before a download gives up. */
const MAX_STALL_RESUMES = 2;
const SESSION_ID = 1;

export class MtpSession {
  readonly transport: MtpTransport;
  deviceInfo: DeviceInfo | undefined;
  #o: Required<SessionOptions>;
  #open = false;
  #opened = false;

  constructor(transport: MtpTransport, options: SessionOptions = {}) {
    this.transport = transport;
    this.#o = {
      firstOpenTimeoutMs: options.firstOpenTimeoutMs ?? 5000,
      busyRetries: options.busyRetries ?? 6,
      busyDelayMs: options.busyDelayMs ?? 100,
      busyMaxDelayMs: options.busyMaxDelayMs ?? 3000,
      chunkBytes: options.chunkBytes ?? 1 << 20,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Whether DeviceInfo lists the operation (everything is assumed before DeviceInfo is read). */
  supports(operation: number): boolean {
    return this.deviceInfo === undefined || this.deviceInfo.operations.includes(operation);
  }

  /** GetDeviceInfo; allowed outside a session (transaction id 0 then). */
  async getDeviceInfo(): Promise<DeviceInfo> {
    const r = await this.#call({ operation: Operation.GetDeviceInfo, dataIn: true, transactionId: this.#open ? undefined : 0 });
    this.deviceInfo = decodeDeviceInfo(r.data);
    return this.deviceInfo;
  }

  /**
   * OpenSession(1) with transaction id 0. SessionAlreadyOpen (left over by another program) →
   * close it and open afresh, so transaction ids restart cleanly; InvalidTransactionID → retry
   * with the id 10 higher, as libmtp does; one retry after a timeout.
   */
  async open(): Promise<void> {
    let tid = 0;
    let closedStale = false;
    let timedOut = false;
    for (let attempt = 0; attempt < 6; attempt++) {
      let r: TransactionResult;
      try {
        r = await this.#call({ operation: Operation.OpenSession, params: [SESSION_ID], transactionId: tid, timeoutMs: this.#opened ? undefined : this.#o.firstOpenTimeoutMs }, { reopen: false });
      } catch (e) {
        if (isUsbError(e, 'timeout') && !timedOut) {
          timedOut = true;
          continue;
        }
        throw e;
      }
      if (r.code === Response.OK) {
        this.#open = this.#opened = true;
        this.transport.nextTransactionId = tid + 1;
        return;
      }
      if (r.code === Response.SessionAlreadyOpen && !closedStale) {
        closedStale = true;
        // The stale session's id counter is unknown; CloseSession ends it whatever it expects.
        await this.transport.run({ operation: Operation.CloseSession }).catch((e) => {
          if (isUsbError(e, 'no_device')) throw e;
        });
        continue;
      }
      if (r.code === Response.SessionAlreadyOpen) {
        // Could not close it: use it as it is.
        this.#open = this.#opened = true;
        this.transport.nextTransactionId = tid + 1;
        return;
      }
      if (r.code === Response.InvalidTransactionID) {
        tid += 10;
        continue;
      }
      throw MtpError.response(Operation.OpenSession, r.code);
    }
    throw new MtpError('mtp_response', 'OpenSession: the device refused every attempt', { operation: Operation.OpenSession });
  }

  /** CloseSession; errors are ignored (the session is over either way). */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.transport.run({ operation: Operation.CloseSession, timeoutMs: Math.min(this.transport.timeoutMs, 2000) }).catch(() => undefined);
  }

  async storageIds(): Promise<number[]> {
    const r = await this.#ok({ operation: Operation.GetStorageIDs, dataIn: true });
    return decodeU32Array(r.data, 'StorageIDs');
  }

  async storageInfo(storageId: number): Promise<StorageInfo> {
    const r = await this.#ok({ operation: Operation.GetStorageInfo, params: [storageId], dataIn: true });
    return decodeStorageInfo(r.data);
  }

  /** GetObjectHandles. `parent`: a folder handle, 0xFFFFFFFF for the root level, 0 for all. */
  async objectHandles(storageId: number, parent: number, format = 0): Promise<number[]> {
    const r = await this.#ok({ operation: Operation.GetObjectHandles, params: [storageId, format, parent], dataIn: true });
    return decodeU32Array(r.data, 'ObjectHandles');
  }

  async objectInfo(handle: number): Promise<ObjectInfo> {
    const r = await this.#ok({ operation: Operation.GetObjectInfo, params: [handle], dataIn: true });
    return decodeObjectInfo(r.data);
  }

  /** The 64-bit ObjectSize property, for objects whose ObjectInfo says 0xFFFFFFFF. */
  async objectSize(handle: number): Promise<number> {
    const r = await this.#ok({ operation: Operation.GetObjectPropValue, params: [handle, ObjectProp.ObjectSize], dataIn: true });
    return new DatasetReader(r.data, 'ObjectSize').u64('ObjectSize');
  }

  async deleteObject(handle: number): Promise<void> {
    // Not retried after a stall: the first attempt may have deleted it.
    await this.#ok({ operation: Operation.DeleteObject, params: [handle, 0], retryOnStall: false });
  }

  /**
   * Streams bytes [offset, size) of an object to `sink`, never more than `size`: in chunks with
   * GetPartialObject64 if advertised, else GetPartialObject, else one GetObject (whose first
   * `offset` bytes are read and dropped). A stall mid-chunk is recovered and the download
   * continues after the last byte delivered.
   */
  async download(handle: number, size: number, sink: (chunk: Uint8Array) => void | Promise<void>, options: DownloadOptions = {}): Promise<void> {
    const { offset = 0, signal } = options;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) throw new RangeError(`offset ${offset} outside the object's ${size} bytes`);
    signal?.throwIfAborted();
    if (offset === size) return;
    const use64 = this.supports(Operation.GetPartialObject64);
    const use32 = !use64 && this.supports(Operation.GetPartialObject) && size <= 0xffffffff;
    if (!use64 && !use32) return this.#downloadWhole(handle, size, sink, offset, signal);
    const operation = use64 ? Operation.GetPartialObject64 : Operation.GetPartialObject;
    let pos = offset;
    let stalls = 0;
    while (pos < size) {
      signal?.throwIfAborted();
      const want = Math.min(this.#o.chunkBytes, size - pos);
      const params = use64 ? [handle, pos % 0x1_0000_0000, Math.floor(pos / 0x1_0000_0000), want] : [handle, pos, want];
      let got = 0;
      try {
        const r = await this.#ok({ operation, params, dataIn: true, maxData: want, signal, onData: (c) => ((got += c.length), sink(c)) }, String(handle));
        if (r.params.length > 0 && r.params[0] !== got) {
          throw new MtpError('mtp_protocol', `${operationName(operation)}: response says ${r.params[0]} bytes, data phase had ${got}`, { operation, offset: pos });
        }
      } catch (e) {
        if (isMtpError(e, 'mtp_stall') && stalls < MAX_STALL_RESUMES) {
          stalls++;
          pos += got;
          continue;
        }
        throw e;
      }
      if (got === 0) {
        throw new MtpError('mtp_size_mismatch', `object ${handle} ended at byte ${pos} of the ${size} it claimed`, { offset: pos });
      }
      pos += got;
    }
  }

  async #downloadWhole(handle: number, size: number, sink: (chunk: Uint8Array) => void | Promise<void>, offset: number, signal?: AbortSignal): Promise<void> {
    let skip = offset;
    const r = await this.#ok(
      {
        operation: Operation.GetObject,
        params: [handle],
        dataIn: true,
        maxData: size,
        signal,
        onData: (c) => {
          if (skip >= c.length) {
            skip -= c.length;
            return;
          }
          const part = skip ? c.subarray(skip) : c;
          skip = 0;
          return sink(part);
        },
      },
      String(handle),
    );
    if (r.dataBytes !== size) {
      throw new MtpError('mtp_size_mismatch', `object ${handle} has ${r.dataBytes} bytes, not the ${size} it claimed`, { offset: r.dataBytes });
    }
  }

  /** #call, then any non-OK response is an MtpError. */
  async #ok(t: Transaction, what?: string): Promise<TransactionResult> {
    const r = await this.#call(t);
    if (r.code !== Response.OK) throw MtpError.response(t.operation, r.code, what);
    return r;
  }

  /** Runs a transaction with the §3.6 reactions; returns the response whatever its code. */
  async #call(t: Transaction, opts: { reopen?: boolean } = {}): Promise<TransactionResult> {
    if (!this.supports(t.operation)) {
      throw new MtpError('mtp_unsupported', `the device does not support ${operationName(t.operation)}`, { operation: t.operation });
    }
    if (t.operation === Operation.GetObjPropList) throw new Error('GetObjPropList is broken on Garmin devices and must not be sent');
    let reopened = opts.reopen === false;
    for (let busy = 0; ;) {
      const r = await this.transport.run(t);
      if (r.dataBytes > 0) return r;
      if ((r.code === Response.DeviceBusy || r.code === Response.StoreNotAvailable) && busy < this.#o.busyRetries) {
        await this.#o.sleep(Math.min(this.#o.busyMaxDelayMs, this.#o.busyDelayMs * 2 ** busy++));
        t.signal?.throwIfAborted();
        continue;
      }
      if ((r.code === Response.SessionNotOpen || r.code === Response.InvalidTransactionID) && !reopened && this.#opened) {
        reopened = true;
        // A lost count: end the session the device still holds, so the reopen starts clean.
        if (r.code === Response.InvalidTransactionID) await this.close();
        this.#open = false;
        await this.open();
        continue;
      }
      return r;
    }
  }
}
