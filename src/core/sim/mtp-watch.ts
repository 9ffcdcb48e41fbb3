/**
 * A simulated Garmin MTP watch on the simulated USB bus (docs/architecture.md): the FR645
 * Music descriptor layout of §3.1, a DeviceInfo modelled on the Garmin logs, one storage
 * ("Primary") holding the model's FIT files and GARMIN/GarminDevice.xml, and a PTP responder
 * that enforces the session rules and answers errors as a strict device would. It reuses
 * fitkit's codecs (containers, datasets) but none of the client's engines, so it cannot share
 * the client's transport bugs.
 *
 * Data phases are emitted packet-faithfully by SimUsbDevice: a container is one run of packets
 * ending with a short packet or, when its length is a multiple of the packet size, a ZLP.
 * Variants: split header, response appended to the data, a junk byte instead of the ZLP,
 * 0xFFFFFFFF length, 64-byte packets, class 6/1/1, no "MTP" string, GetPartialObject64.
 * Faults (`mtpFaults`, plus the base class's unplug/stall at byte K and claim busy): DeviceBusy
 * for N operations, silence, a leftover open session, storages missing for a while, files
 * deleted behind the client's back, bad transaction ids on OpenSession.
 */
import type { ControlSetup } from '../usb/backend.js';
import { ALL, CANCEL_REQUEST_CODE, ClassRequest, ContainerType, Event, ObjectProp, Operation, Response } from '../mtp/codes.js';
import { HEADER_BYTES, UNKNOWN_LENGTH, decodeHeader, decodeShort, encodeDataHeader, encodeShort, readU16, readU32, writeU16, writeU32 } from '../mtp/container.js';
import { DatasetWriter } from '../mtp/dataset-io.js';
import { encodeDeviceInfo, encodeStorageInfo, encodeU32Array, type DeviceInfo } from '../mtp/datasets.js';
import { SimObjectStore, addHostile, type HostileOptions, type SimMtpFile, type SimObject } from './mtp-objects.js';
import { garminDeviceInfo, mtpWatchDescriptor, objectInfo } from './mtp-watch-identity.js';
import { SimUsbDevice } from './usb-sim.js';
import { WATCH_MODELS, garminDeviceXml, watchFiles, type WatchModel } from './watch-files.js';
import { concatBytes } from '../bytes/concat.js';
import type { Clock } from '../platform/clock.js';

export { mtpWatchDescriptor };
export const PRIMARY_STORAGE = 0x0002_0001;
export const MEDIA_STORAGE = 0x0002_0002;
export const MTP_BULK_IN = 0x81;
export const MTP_INTERRUPT_IN = 0x82;
export const MTP_BULK_OUT = 0x03;

export interface SimMtpWatchOptions {
  /** @default WATCH_MODELS.fr945 */
  model?: WatchModel;
  /** USB location. @default '1-1' */
  location?: string;
  /** @default 0x4c29 (Forerunner 945) */
  productId?: number;
  /** USB and MTP serial string. @default `0000` + the model's unit id in 8 hex digits (§3.8) */
  serial?: string;
  /** Storage 0x00020001's description. @default 'Primary' */
  storageName?: string;
  /** Files of storage 0x00020001 instead of the model's FIT files (GarminDevice.xml is still added). */
  files?: SimMtpFile[];
  /** Add GARMIN/GarminDevice.xml (or this text). @default true */
  deviceXml?: boolean | string;
  /** A second storage 0x00020002 (FR645 Music's "Media"). */
  mediaStorage?: { name?: string; files?: SimMtpFile[] };
  /** Bulk wMaxPacketSize: 512 (high speed) or 64 (full speed). @default 512 */
  packetSize?: number;
  /** Interface class 6/1/1 (PTP) instead of 0xFF/0xFF/0. */
  ptpClass?: boolean;
  /** Interface string; null for none (a vendor-class device without it is not MTP). @default 'MTP' */
  interfaceName?: string | null;
  /** Advertise and serve GetPartialObject64 (0x95C1), as Android does. */
  partialObject64?: boolean;
  /** Advertise GetPartialObject (0x101B). @default true */
  partialObject?: boolean;
  /** Send the 12-byte data header in its own transfer. */
  splitHeader?: boolean;
  /** Send the response in the same transfer right after the data. */
  appendResponse?: boolean;
  /** End whole-packet containers with a 1-byte junk packet instead of a ZLP. */
  extraByteInsteadOfZlp?: boolean;
  /** Object data containers carry length 0xFFFFFFFF and end with a short packet. */
  unknownLengthData?: boolean;
  /** A session left open by a previous program (id 7, transaction 41) at first plug-in. */
  sessionAlreadyOpen?: boolean;
  /** GetStorageIDs answers an empty list for this long after plug-in. */
  storageEmptyForMs?: number;
  /** After a Cancel Request, Get Device Status says busy this long. @default 20 */
  cancelBusyMs?: number;
  hostile?: HostileOptions;
  now?: () => number;
  /**
   * Time for the watch and its USB transfers (a VirtualClock: a 15 s answer costs no real time,
   * and the host's transfer timeouts are measured against it). Real time by default.
   */
  clock?: Clock;
  // Quirks users of other tools report (docs/mtp-quirks.md):
  /** Deleted, but still in GetObjectHandles: GetObjectInfo fails ('info'), or only the data ('data'). */
  ghosts?: { path: string; fail: 'info' | 'data' }[];
  /** These files come out as the right number of zero bytes, the first `times` times they are read from offset 0. */
  zeroFilled?: { path: string; times: number }[];
  /** The first transfer of each file's data is answered only after this long (~15 s on some watches). */
  firstTransferDelayMs?: number;
}

/** Faults that can be switched at any time. */
export interface MtpWatchFaults {
  /** Answer DeviceBusy to the next N operations. */
  busyOps: number;
  /** Ignore commands: the host's transfers time out (class requests are still answered). */
  silent: boolean;
  /** Ignore just the next N commands. */
  silentOps: number;
  /** Leave class requests (cancel, status) unanswered too: a hung device. */
  silentControl: boolean;
  /** Answer InvalidTransactionID to the next N OpenSession commands. */
  openSessionBadTid: number;
}

/** Object data is streamed in pieces of this size (a multiple of every packet size). */
const PIECE = 1 << 20;

export class SimMtpWatch extends SimUsbDevice {
  readonly model: WatchModel;
  readonly store = new SimObjectStore();
  readonly deviceInfo: DeviceInfo;
  readonly mtpFaults: MtpWatchFaults = { busyOps: 0, silent: false, silentOps: 0, silentControl: false, openSessionBadTid: 0 };
  /** Every operation code received, in order (ignored ones included). */
  readonly operations: number[] = [];
  /** GetObjPropList calls (a Garmin-faithful client never makes one). */
  propListCalls = 0;
  /** Transaction ids named by Cancel Requests. */
  readonly cancels: number[] = [];
  /** Commands that were not valid command containers. */
  readonly protocolErrors: string[] = [];
  #o: SimMtpWatchOptions;
  #packet: number;
  #now: () => number;
  #session = 0;
  #lastTid = 0;
  #plugs = 0;
  #pluggedAt = 0;
  #busyUntil = 0;
  /** Bumped to stop a data phase still being pumped (cancel, stall, reset). */
  #phase = 0;
  #ghosts = new Map<number, 'info' | 'data'>();
  #zeroFilled = new Map<number, number>();
  #zeroing = new Set<number>();
  /** Files whose data has been asked for once (the slow first transfer is behind them). */
  #started = new Set<number>();

  constructor(options: SimMtpWatchOptions = {}) {
    const model = options.model ?? WATCH_MODELS.fr945;
    super(mtpWatchDescriptor(options));
    this.#o = options;
    this.model = model;
    this.#packet = options.packetSize ?? 512;
    if (options.clock) {
      this.clock = options.clock;
      this.yieldBeforeIn = false;
    }
    this.#now = options.now ?? (options.clock ? () => options.clock!.now() : Date.now);
    this.deviceInfo = garminDeviceInfo(model, this.info.serial!, options);
    const primary = this.store.addStorage(PRIMARY_STORAGE, options.storageName ?? 'Primary');
    const files: SimMtpFile[] = options.files ?? watchFiles(model).map((f) => ({ path: f.path, bytes: f.bytes, mtimeMs: f.mtimeMs }));
    for (const f of files) this.store.addFile(primary.id, f);
    if (options.deviceXml !== false) {
      const xml = new TextEncoder().encode(typeof options.deviceXml === 'string' ? options.deviceXml : garminDeviceXml(model));
      this.store.addFile(primary.id, { path: 'GARMIN/GarminDevice.xml', bytes: xml, mtimeMs: Date.UTC(2024, 0, 1) });
    }
    if (options.hostile) addHostile(this.store, primary.id, options.hostile);
    if (options.mediaStorage) {
      const media = this.store.addStorage(MEDIA_STORAGE, options.mediaStorage.name ?? 'Media');
      for (const f of options.mediaStorage.files ?? [{ path: 'Music/track.mp3', bytes: new Uint8Array(100) }]) this.store.addFile(media.id, f);
    }
    for (const g of options.ghosts ?? []) {
      const h = this.handleOf(g.path);
      if (h !== undefined) this.#ghosts.set(h, g.fail);
    }
    for (const z of options.zeroFilled ?? []) {
      const h = this.handleOf(z.path);
      if (h !== undefined) this.#zeroFilled.set(h, z.times);
    }
  }

  /** Handle of the object at `path` in storage 0x00020001. */
  handleOf(path: string, storageId = PRIMARY_STORAGE): number | undefined {
    return this.store.find(storageId, path);
  }

  /** Deletes a file on the watch (as its owner would); emits ObjectRemoved. */
  removeFile(path: string, storageId = PRIMARY_STORAGE): boolean {
    const h = this.handleOf(path, storageId);
    if (h === undefined || !this.store.remove(h)) return false;
    this.emitEvent(Event.ObjectRemoved, h);
    return true;
  }

  /** Queues an event container on the interrupt endpoint. */
  emitEvent(code: number, ...params: number[]): void {
    this.sendIn(MTP_INTERRUPT_IN, encodeShort(ContainerType.Event, code, 0xffffffff, params.slice(0, 3)));
  }

  get sessionOpen(): boolean {
    return this.#session !== 0;
  }

  // ---- USB side ---------------------------------------------------------------------------------

  protected override onReset(): void {
    this.#plugs++;
    this.#pluggedAt = this.#now();
    this.#phase++;
    this.#busyUntil = 0;
    const leftover = this.#plugs === 1 && this.#o.sessionAlreadyOpen;
    this.#session = leftover ? 7 : 0;
    this.#lastTid = leftover ? 41 : 0;
  }

  protected override onClose(): void {
    this.#phase++;
  }

  protected override onHalt(endpoint: number): void {
    // The device gave up the data phase it was sending: drop it and its response.
    if (endpoint === MTP_BULK_IN) {
      this.#phase++;
      this.flushIn(MTP_BULK_IN);
    }
  }

  protected override onControlOut(setup: ControlSetup, data: Uint8Array): void | Promise<void> {
    if (this.mtpFaults.silentControl) return never();
    if (setup.requestType !== 'class') return super.onControlOut(setup, data);
    if (setup.request === ClassRequest.Cancel) {
      if (data.length < 6 || readU16(data, 0) !== CANCEL_REQUEST_CODE) return super.onControlOut(setup, data);
      this.cancels.push(readU32(data, 2));
      this.#phase++;
      this.flushIn(MTP_BULK_IN);
      this.#busyUntil = this.#now() + (this.#o.cancelBusyMs ?? 20);
      return;
    }
    if (setup.request === ClassRequest.DeviceReset) {
      this.#phase++;
      this.flushIn(MTP_BULK_IN);
      this.#session = 0;
      return;
    }
    return super.onControlOut(setup, data);
  }

  protected override onControlIn(setup: ControlSetup, length: number): Uint8Array | Promise<Uint8Array> {
    if (this.mtpFaults.silentControl) return never();
    if (setup.requestType !== 'class' || setup.request !== ClassRequest.GetDeviceStatus) return super.onControlIn(setup, length);
    const halted = [MTP_BULK_IN, MTP_BULK_OUT].filter((ep) => this.isHalted(ep));
    const code = this.#now() < this.#busyUntil ? Response.DeviceBusy : halted.length ? Response.TransactionCancelled : Response.OK;
    const b = new Uint8Array(4 + 4 * halted.length);
    writeU16(b, 0, b.length);
    writeU16(b, 2, code);
    halted.forEach((ep, i) => writeU32(b, 4 + 4 * i, ep));
    return b;
  }

  protected override onOut(endpoint: number, data: Uint8Array): void {
    if (endpoint !== MTP_BULK_OUT) return;
    let cmd;
    try {
      const h = decodeHeader(data);
      if (h.type !== ContainerType.Command || h.length !== data.length) throw new Error(`type ${h.type}, length ${h.length} of ${data.length}`);
      cmd = decodeShort(data);
    } catch (e) {
      this.protocolErrors.push(e instanceof Error ? e.message : String(e));
      return;
    }
    this.operations.push(cmd.code);
    if (this.mtpFaults.silent) return;
    if (this.mtpFaults.silentOps > 0) {
      this.mtpFaults.silentOps--;
      return;
    }
    this.#phase++;
    this.#transaction(cmd.code, cmd.transactionId, cmd.params);
  }

  // ---- the responder ------------------------------------------------------------------------------

  #transaction(op: number, tid: number, p: number[]): void {
    const respond = (code: number, params: number[] = []) => this.#respond(tid, code, params);
    // DeviceBusy still consumes the transaction id (checked first where there is one).
    const busy = () => {
      if (this.mtpFaults.busyOps <= 0) return false;
      this.mtpFaults.busyOps--;
      respond(Response.DeviceBusy);
      return true;
    };
    const sessionless = op === Operation.GetDeviceInfo || op === Operation.OpenSession || op === Operation.CloseSession;
    if (sessionless && busy()) return;
    if (!this.deviceInfo.operations.includes(op)) return respond(Response.OperationNotSupported);
    if (op === Operation.GetDeviceInfo) return this.#data(op, tid, encodeDeviceInfo(this.deviceInfo));
    if (op === Operation.OpenSession) {
      if (this.mtpFaults.openSessionBadTid > 0) {
        this.mtpFaults.openSessionBadTid--;
        return respond(Response.InvalidTransactionID);
      }
      if (!p[0]) return respond(Response.InvalidParameter);
      if (this.#session) return respond(Response.SessionAlreadyOpen, [this.#session]);
      this.#session = p[0];
      this.#lastTid = tid;
      return respond(Response.OK);
    }
    if (!this.#session) return respond(Response.SessionNotOpen);
    if (op === Operation.CloseSession) {
      this.#session = 0;
      return respond(Response.OK);
    }
    const expected = this.#lastTid + 1 >= 0xffffffff ? 1 : this.#lastTid + 1;
    if (tid !== expected) return respond(Response.InvalidTransactionID);
    this.#lastTid = tid;
    if (busy()) return;
    switch (op) {
      case Operation.GetStorageIDs: {
        const empty = this.#now() - this.#pluggedAt < (this.#o.storageEmptyForMs ?? 0);
        return this.#data(op, tid, encodeU32Array(empty ? [] : [...this.store.storages.keys()]));
      }
      case Operation.GetStorageInfo: {
        const s = this.store.storages.get(p[0]);
        if (!s) return respond(Response.InvalidStorageID);
        const free = Math.max(0, s.capacity - this.store.used(s.id));
        return this.#data(
          op,
          tid,
          encodeStorageInfo({
            storageType: 3,
            filesystemType: 2,
            accessCapability: 0,
            maxCapacity: s.capacity,
            freeSpaceInBytes: free,
            freeSpaceInObjects: 0xffffffff,
            description: s.description,
            volumeIdentifier: '',
          }),
        );
      }
      case Operation.GetObjectHandles:
        return this.#handles(op, tid, p[0], p[1] ?? 0, p[2] ?? 0);
      case Operation.GetObjectInfo: {
        const o = this.store.objects.get(p[0]);
        if (!o || this.#ghosts.get(p[0]) === 'info') return respond(Response.InvalidObjectHandle);
        return this.#data(op, tid, objectInfo(o));
      }
      case Operation.GetObject: {
        const o = this.#file(p[0], respond);
        if (o) this.#objectData(op, tid, o, 0, o.size, []);
        return;
      }
      case Operation.GetPartialObject:
      case Operation.GetPartialObject64: {
        const o = this.#file(p[0], respond);
        if (!o) return;
        const wide = op === Operation.GetPartialObject64;
        const offset = wide ? p[1] + p[2] * 0x1_0000_0000 : p[1];
        const max = wide ? p[3] : p[2];
        if (offset > o.size) return respond(Response.InvalidParameter);
        // Clamped to the object's end; the byte count goes back as response parameter 1.
        const n = Math.min(max, o.size - offset);
        return this.#slowFirst(o, () => this.#objectData(op, tid, this.#zeros(o, offset), offset, n, [n]));
      }
      case Operation.DeleteObject:
        if (!this.store.remove(p[0])) return respond(Response.InvalidObjectHandle);
        return respond(Response.OK);
      case Operation.GetObjectPropValue: {
        const o = this.store.objects.get(p[0]);
        if (!o) return respond(Response.InvalidObjectHandle);
        if (p[1] === ObjectProp.ObjectSize) return this.#data(op, tid, new DatasetWriter().u64(o.size).bytes());
        if (p[1] === ObjectProp.ObjectFileName) return this.#data(op, tid, new DatasetWriter().string(o.name).bytes());
        return respond(Response.ObjectPropNotSupported);
      }
      case Operation.GetObjPropList:
        // Garmin lists it but answers with a response instead of data (libmtp #146, #309); the
        // exact code is our guess.
        this.propListCalls++;
        return respond(Response.SpecificationByDepthUnsupported);
      default:
        return respond(Response.OperationNotSupported);
    }
  }

  #handles(op: number, tid: number, storageId: number, format: number, parent: number): void {
    if (storageId !== ALL && !this.store.storages.has(storageId)) return this.#respond(tid, Response.InvalidStorageID);
    let list: number[];
    if (parent === 0) {
      list = [...this.store.objects.values()].filter((o) => storageId === ALL || o.storageId === storageId).map((o) => o.handle);
    } else if (parent === ALL) {
      list = [...this.store.storages.values()].filter((s) => storageId === ALL || s.id === storageId).flatMap((s) => s.roots);
    } else {
      const folder = this.store.objects.get(parent);
      if (!folder) return this.#respond(tid, Response.InvalidObjectHandle);
      if (!folder.children) return this.#respond(tid, Response.InvalidParentObject);
      list = folder.children;
    }
    if (format) list = list.filter((h) => this.store.objects.get(h)!.format === format);
    this.#data(op, tid, encodeU32Array(list));
  }

  #file(handle: number, respond: (code: number) => void): SimObject | undefined {
    const o = this.store.objects.get(handle);
    if (!o || this.#ghosts.has(handle)) respond(Response.InvalidObjectHandle);
    else if (o.children) respond(Response.InvalidObjectFormatCode);
    else return o;
    return undefined;
  }

  /** The object as served: all zeros for a download (from offset 0 on) while its fault lasts. */
  #zeros(o: SimObject, offset: number): SimObject {
    if (offset === 0) {
      const left = this.#zeroFilled.get(o.handle) ?? 0;
      if (left > 0) {
        this.#zeroFilled.set(o.handle, left - 1);
        this.#zeroing.add(o.handle);
      } else this.#zeroing.delete(o.handle);
    }
    return this.#zeroing.has(o.handle) ? { ...o, read: (_at, len) => new Uint8Array(len) } : o;
  }

  /** The first data transfer of each file waits firstTransferDelayMs (on the watch's clock). */
  #slowFirst(o: SimObject, go: () => void): void {
    const delay = this.#o.firstTransferDelayMs ?? 0;
    if (delay <= 0 || this.#started.has(o.handle)) return go();
    this.#started.add(o.handle);
    const phase = this.#phase;
    this.clock.setTimer(delay, () => {
      if (phase === this.#phase && !this.gone) go();
    });
  }

  #respond(tid: number, code: number, params: number[] = []): void {
    this.sendIn(MTP_BULK_IN, encodeShort(ContainerType.Response, code, tid, params));
  }

  /** A dataset's data phase and the OK response. */
  #data(op: number, tid: number, payload: Uint8Array): void {
    this.#emit(op, tid, payload.length, (o, n) => payload.subarray(o, o + n), HEADER_BYTES + payload.length, []);
  }

  /** Object bytes [offset, offset+n) as a data phase, then OK with `params`. */
  #objectData(op: number, tid: number, o: SimObject, offset: number, n: number, params: number[]): void {
    const lengthField = this.#o.unknownLengthData || n + HEADER_BYTES > UNKNOWN_LENGTH ? UNKNOWN_LENGTH : n + HEADER_BYTES;
    this.#emit(op, tid, n, (at, len) => o.read(offset + at, len), lengthField, params);
  }

  /**
   * Emits a data container and the response. Small ones go out as one segment; large ones are
   * pumped in PIECE-sized segments as the host reads, all continuing one USB transfer (every
   * segment but the last is whole packets, without ZLP), so a 2 GB or endless object never
   * sits in memory and a cancel stops the flow.
   */
  #emit(op: number, tid: number, n: number, read: (at: number, len: number) => Uint8Array, lengthField: number, params: number[]): void {
    const header = encodeDataHeader(op, tid, n, lengthField);
    const response = encodeShort(ContainerType.Response, Response.OK, tid, params);
    const total = HEADER_BYTES + n;
    const append = !!this.#o.appendResponse;
    const junk = !!this.#o.extraByteInsteadOfZlp;
    // The closing segment: ZLP rule by the base class unless the junk-byte variant is on.
    const finish = (last: Uint8Array) => {
      if (append) this.sendIn(MTP_BULK_IN, concatBytes(last, response), !junk);
      else this.sendIn(MTP_BULK_IN, last, !junk);
      if (junk && total % this.#packet === 0) this.sendIn(MTP_BULK_IN, Uint8Array.of(0), false);
      if (!append) this.sendIn(MTP_BULK_IN, response);
    };
    let at = 0;
    if (this.#o.splitHeader) {
      this.sendIn(MTP_BULK_IN, header);
      if (n === 0) return void this.sendIn(MTP_BULK_IN, response);
    } else {
      // The first packet carries the header, so later segments stay packet-aligned.
      const first = Math.min(n, this.#packet - HEADER_BYTES);
      const lead = concatBytes(header, read(0, first));
      at = first;
      if (at >= n) return finish(lead);
      this.sendIn(MTP_BULK_IN, lead, false);
    }
    if (n - at <= PIECE) return finish(read(at, n - at));
    const phase = this.#phase;
    const pump = async () => {
      while (phase === this.#phase && !this.gone) {
        if (this.pendingIn(MTP_BULK_IN) >= PIECE) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const len = Math.min(PIECE, n - at);
        const piece = read(at, len);
        at += len;
        if (at >= n || piece.length < len) return finish(piece);
        this.sendIn(MTP_BULK_IN, piece, false);
      }
    };
    void pump();
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
