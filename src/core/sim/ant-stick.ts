/**
 * A simulated ANT USB stick (docs/architecture.md) plugged in at the USB facade: interface 0,
 * bulk OUT 0x01 and IN 0x81, 64-byte packets. It speaks the ANT serial protocol of §1 with the
 * real framing — answering malformed messages with serial errors, resets with a startup message
 * (after a stale event, as some sticks do), requests for serial, version, capabilities, channel
 * ID and status — keeps network keys and channel configuration, enforces the state rules with
 * the proper codes (21, 22, 31, 32, 40, 41), and runs each open channel against its radio: the
 * simulated watches (ant-watch.ts) that are in range, share the network key and frequency,
 * match the channel ID filter and have a compatible period.
 *
 * A searching channel starts tracking such a watch, else gives up at its search timeout
 * (RX_SEARCH_TIMEOUT, CHANNEL_CLOSED). A tracking channel delivers the watch's broadcast or
 * burst once per period, hands it the host's acknowledged or burst data in that slot
 * (TX_COMPLETED/TX_FAILED; TX_START first for bursts), reports RX_FAIL for a missed message and
 * RX_FAIL_GO_TO_SEARCH after several. Output goes out as a byte stream: several messages per USB
 * packet, or split anywhere and sprinkled with garbage when `chaos` asks.
 *
 * USB1 mode (productId 0x1004, Garmin's first stick; docs/ant-fs.md): a CP210x bridge whose UART
 * must be set up by vendor requests before any byte reaches the ANT chip (bytes sent before, or
 * at another baud rate or framing, are lost); zero bytes between messages are skipped; no
 * startup message after a reset and no TX_START for bursts; an acknowledged message's outcome
 * is held across RX_FAILs until the watch is heard again; no RX_FAIL_GO_TO_SEARCH however many
 * RX_FAILs; a failed burst reports TX_FAILED at once and a sequence error (32) to its next
 * packet; channel status reads 0x83 while tracking.
 *
 * A loss model (ant-loss.ts) may decide the fate of each transfer in both directions instead of
 * the independent rates below, and a watch may only be found some seconds into a search.
 *
 * Faults on demand (`faults`): bursts from the watch losing a packet (TRANSFER_RX_FAILED),
 * arriving with a bad checksum on the serial line, or with a wrong data byte; host transfers
 * failing; a stick that ignores resets or stops answering altogether; plus the base class's
 * unplug. Timing runs on the shared clock (a VirtualClock in tests); randomness on a seed.
 * Network keys are kept, compared and never logged.
 */
import { randomBytes } from 'node:crypto';
import { burstSequenceByte } from '../ant/burst.js';
import type { Clock } from '../platform/clock.js';
import { Code, encodeMessage, MessageId as M, RF_EVENT, StartupReason, SYNC, xorChecksum } from '../ant/message.js';
import { seededRng, type Rng } from '../platform/random.js';
import { SimUsbBus, SimUsbDevice } from './usb-sim.js';
import { SimAntWatch, type SimAntWatchOptions } from './ant-watch.js';
import { VirtualClock } from './ant-clock.js';
import { concatBytes } from '../bytes/concat.js';
import { ANT_BAUD, BAUD_CLOCK, Cp210x, LINE_8N1 } from '../ant/cp210x.js';
import { hostTransferKind, type HostVerdict, type SimLossModel } from './ant-loss.js';

const EP_OUT = 0x01;
const EP_IN = 0x81;
const PACKET = 64;
/** Serial error codes (0xAE). */
const SerialError = { NOT_SYNC: 0x00, BAD_CHECKSUM: 0x02, TOO_LARGE: 0x03 } as const;

export interface SimAntStickFaults {
  /** Chance that a burst from the watch loses a packet: part of it, then TRANSFER_RX_FAILED. */
  dropBurstRate?: number;
  /** Chance that one message of a burst reaches the host with a bad checksum. */
  corruptLineRate?: number;
  /** Chance that a burst reaches the host with one wrong data byte (valid framing). */
  corruptDataRate?: number;
  /** Chance that a transfer from the host fails (TRANSFER_TX_FAILED). */
  txFailRate?: number;
  /** Which bursts the burst faults hit: only download responses (default) or all. */
  scope?: 'downloads' | 'all';
  /** Resets to ignore before answering one. */
  ignoreResets?: number;
  /** Answer nothing at all (a hung stick). */
  mute?: boolean;
}

export interface SimAntStickOptions {
  clock: Clock;
  /** The radio: watches that may be in range. */
  watches?: SimAntWatch[];
  /** 0x1004: USB1 (CP210x bridge and its habits, see above). */
  productId?: 0x1004 | 0x1008 | 0x1009;
  /** Decides each transfer's fate (both directions) instead of the independent fault rates. */
  loss?: SimLossModel;
  location?: string;
  serial?: number;
  version?: string;
  /** Capabilities reply (4–8 bytes, §1.4); null: never answers the request. */
  capabilities?: Uint8Array | null;
  /** Delay from Reset System to the startup message. */
  startupDelayMs?: number;
  /** A stale RX_FAIL event before the startup message (antfs-cli #136). */
  staleEventOnReset?: boolean;
  /** Missed messages in a row before RX_FAIL_GO_TO_SEARCH. */
  missesToSearch?: number;
  /** Chance that a watch's message is missed in a period (RX_FAIL). */
  lossRate?: number;
  /** Output chaos: split messages anywhere, and garbage bytes between them (a probability). */
  chaos?: { split?: boolean; garbage?: number };
  seed?: number;
}

interface SimChannel {
  n: number;
  state: 'unassigned' | 'assigned' | 'searching' | 'tracking';
  type: number;
  net: number;
  deviceNumber: number;
  deviceType: number;
  transmissionType: number;
  /** 1/32768 s. */
  period: number;
  /** Units of 2.5 s; 0xFF = never. */
  searchTimeout: number;
  frequency: number;
  searchStartedAt: number;
  watch?: SimAntWatch;
  ticks: number;
  misses: number;
  cancelTick?: () => void;
  pendingTx?: Uint8Array;
  /** Decided when a USB1 burst began. */
  pendingVerdict?: HostVerdict;
  burstIn?: { parts: Uint8Array[]; last: number; verdict?: HostVerdict };
  /** USB1: a failed burst's next packet gets code 32; the rest of it is dropped. */
  burstAborted?: 'next' | 'rest';
  /** The watch goes unheard until then (a fade; a held transfer's outcome waits for its end). */
  fadeUntil?: number;
  /** A search opened by the host (not one after losing the watch): the watch's search delay applies. */
  fresh?: boolean;
}

export class SimAntStick extends SimUsbDevice {
  readonly watches: SimAntWatch[];
  override faults: SimAntStickFaults & SimUsbDevice['faults'] = {};
  /** The virtual clock advances when the event loop idles: IN transfers must not add a turn. */
  protected override yieldBeforeIn = false;
  /** Counters for tests: faults applied, messages seen. */
  readonly stats = { resets: 0, droppedBursts: 0, corruptLine: 0, corruptData: 0, txFailed: 0, serialErrors: 0, hostMessages: 0, uartDropped: 0, held: 0, cutAnswers: 0, missedAnswers: 0 };
  /** USB1: the vendor requests the host made to the CP210x, in order (`name value`). */
  readonly uartLog: string[] = [];
  readonly usb1: boolean;
  #uart = { enabled: false, divisor: 0, line: -1, flow: false };
  #clock: Clock;
  #o: SimAntStickOptions;
  #rng: Rng;
  #maxChannels: number;
  #maxNetworks: number;
  #networks: (Uint8Array | undefined)[] = [];
  #channels: SimChannel[] = [];
  #out: Uint8Array[] = [];
  #inBuf = new Uint8Array(0);
  #startupTimer: (() => void) | undefined;

  constructor(o: SimAntStickOptions) {
    const productId = o.productId ?? 0x1009;
    super({
      location: o.location ?? '1-1.4',
      vendorId: 0x0fcf,
      productId,
      deviceClass: 0,
      manufacturer: 'Dynastream Innovations',
      product: productId === 0x1004 ? 'ANT USB Stick' : productId === 0x1008 ? 'ANT USBStick2' : 'ANT USB-m Stick',
      serial: String(o.serial ?? 1420869),
      interfaces: [
        {
          configuration: 1,
          number: 0,
          alternate: 0,
          class: 0xff,
          subclass: 0,
          protocol: 0,
          endpoints: [
            { address: EP_IN, direction: 'in', type: 'bulk', maxPacketSize: PACKET },
            { address: EP_OUT, direction: 'out', type: 'bulk', maxPacketSize: PACKET },
          ],
        },
      ],
    });
    this.#o = o;
    this.usb1 = productId === 0x1004;
    this.#clock = o.clock;
    this.#rng = seededRng(o.seed ?? 1);
    this.watches = o.watches ?? [];
    const caps = this.#capabilities();
    this.#maxChannels = caps?.[0] ?? 8;
    this.#maxNetworks = caps?.[1] ?? 8;
    this.#powerOn();
  }

  /** The state of channel `n`, for tests. */
  channelState(n: number): SimChannel['state'] | undefined {
    return this.#channels[n]?.state;
  }

  override unplug(): void {
    this.#stopAll();
    super.unplug();
  }

  protected override onReset(): void {
    this.#powerOn();
  }

  protected override onClose(): void {
    this.#stopAll();
  }

  /** USB1: the CP210x's vendor requests (cp210x.ts); anything else stalls. */
  protected override onControlOut(setup: Parameters<SimUsbDevice['onControlOut']>[0], data: Uint8Array): void | Promise<void> {
    if (!this.usb1 || setup.requestType !== 'vendor' || setup.recipient !== 'interface') return super.onControlOut(setup, data);
    const u = this.#uart;
    switch (setup.request) {
      case Cp210x.IFC_ENABLE:
        u.enabled = setup.value === 1;
        this.uartLog.push(`IFC_ENABLE ${setup.value}`);
        if (!u.enabled) this.#stopAll();
        return;
      case Cp210x.SET_BAUDDIV:
        u.divisor = setup.value;
        this.uartLog.push(`SET_BAUDDIV ${setup.value}`);
        return;
      case Cp210x.SET_LINE_CTL:
        u.line = setup.value;
        this.uartLog.push(`SET_LINE_CTL 0x${setup.value.toString(16)}`);
        return;
      case Cp210x.SET_FLOW: {
        const v = new DataView(data.buffer, data.byteOffset, data.length);
        u.flow = data.length >= 16 && (v.getUint32(0, true) & 0x08) !== 0;
        this.uartLog.push(`SET_FLOW ${u.flow ? 'cts' : 'none'}`);
        return;
      }
      case Cp210x.PURGE:
        this.uartLog.push(`PURGE 0x${setup.value.toString(16)}`);
        this.#inBuf = new Uint8Array(0);
        this.#out = [];
        return;
      default:
        return super.onControlOut(setup, data);
    }
  }

  /** USB1: bytes reach the ANT chip only through an enabled UART at its rate and framing. */
  #uartReady(): boolean {
    const u = this.#uart;
    if (!u.enabled || u.line !== LINE_8N1 || !u.divisor) return false;
    return Math.abs(BAUD_CLOCK / u.divisor - ANT_BAUD) / ANT_BAUD < 0.03;
  }

  // ---- host → stick ---------------------------------------------------------------------------

  protected override onOut(endpoint: number, data: Uint8Array): void {
    if (endpoint !== EP_OUT || this.faults.mute) return;
    if (this.usb1 && !this.#uartReady()) {
      this.stats.uartDropped += data.length;
      return;
    }
    let buf = concatBytes(this.#inBuf, data);
    while (buf.length > 0) {
      // USB1: the zeros Garmin's agent appends after each message are skipped by the chip.
      if (this.usb1 && buf[0] === 0) {
        buf = buf.subarray(1);
        continue;
      }
      if (buf[0] !== SYNC) {
        this.#send(M.SERIAL_ERROR, [SerialError.NOT_SYNC, buf[0]]);
        this.stats.serialErrors++;
        buf = buf.subarray(1);
        continue;
      }
      if (buf.length < 4 || buf.length < buf[1] + 4) break;
      const n = buf[1];
      if (n > 32) {
        this.#send(M.SERIAL_ERROR, [SerialError.TOO_LARGE]);
        this.stats.serialErrors++;
        buf = new Uint8Array(0);
        break;
      }
      const frame = buf.subarray(0, n + 4);
      buf = buf.subarray(n + 4);
      if (xorChecksum(frame) !== 0) {
        this.#send(M.SERIAL_ERROR, [SerialError.BAD_CHECKSUM, ...frame.subarray(0, Math.min(frame.length, 8))]);
        this.stats.serialErrors++;
        continue;
      }
      this.stats.hostMessages++;
      this.#handle(frame[2], frame.slice(3, 3 + n));
    }
    this.#inBuf = buf.slice();
    this.#flush();
  }

  #handle(id: number, p: Uint8Array): void {
    const ch = this.#channels[p[0]];
    const respond = (code: number, channel = p[0]) => this.#send(M.CHANNEL_EVENT, [channel, id, code]);
    const needChannel = (states: SimChannel['state'][]): SimChannel | undefined => {
      if (!ch) return void respond(Code.INVALID_MESSAGE);
      if (!states.includes(ch.state)) return void respond(Code.CHANNEL_IN_WRONG_STATE);
      return ch;
    };
    const configurable: SimChannel['state'][] = ['assigned', 'searching', 'tracking'];
    switch (id) {
      case M.RESET_SYSTEM:
        return this.#reset();
      case M.REQUEST_MESSAGE:
        return this.#request(p[0], p[1]);
      case M.NETWORK_KEY:
        if (p.length !== 9) return respond(Code.INVALID_MESSAGE);
        if (p[0] >= this.#maxNetworks) return respond(Code.INVALID_NETWORK_NUMBER);
        this.#networks[p[0]] = p.slice(1, 9);
        return respond(Code.RESPONSE_NO_ERROR);
      case M.ASSIGN_CHANNEL: {
        const c = needChannel(['unassigned']);
        if (!c) return;
        if (p[2] >= this.#maxNetworks) return respond(Code.INVALID_NETWORK_NUMBER);
        Object.assign(c, { state: 'assigned', type: p[1], net: p[2] });
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.UNASSIGN_CHANNEL: {
        const c = needChannel(['assigned']);
        if (!c) return;
        this.#channels[c.n] = newChannel(c.n);
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.CHANNEL_ID: {
        const c = needChannel(configurable);
        if (!c) return;
        Object.assign(c, { deviceNumber: p[1] | (p[2] << 8), deviceType: p[3], transmissionType: p[4] });
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.CHANNEL_PERIOD: {
        const c = needChannel(configurable);
        if (!c) return;
        c.period = p[1] | (p[2] << 8) || 65536;
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.SEARCH_TIMEOUT: {
        const c = needChannel(configurable);
        if (!c) return;
        c.searchTimeout = p[1];
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.RF_FREQUENCY: {
        const c = needChannel(configurable);
        if (!c) return;
        if (p[1] > 124) return respond(Code.INVALID_PARAMETER_PROVIDED);
        c.frequency = p[1];
        return respond(Code.RESPONSE_NO_ERROR);
      }
      case M.SEARCH_WAVEFORM:
        return needChannel(configurable) && respond(Code.RESPONSE_NO_ERROR);
      case M.OPEN_CHANNEL: {
        const c = needChannel(['assigned']);
        if (!c) return;
        c.state = 'searching';
        c.searchStartedAt = this.#clock.now();
        c.ticks = 0;
        c.misses = 0;
        c.fresh = true;
        c.fadeUntil = undefined;
        respond(Code.RESPONSE_NO_ERROR);
        return this.#scheduleTick(c);
      }
      case M.CLOSE_CHANNEL: {
        const c = needChannel(['searching', 'tracking']);
        if (!c) return;
        respond(Code.RESPONSE_NO_ERROR);
        this.#closeChannel(c);
        return;
      }
      case M.BROADCAST_DATA:
        return;
      case M.ACKNOWLEDGED_DATA:
      case M.BURST_DATA:
        return this.#hostData(id, p);
      default:
        return respond(Code.INVALID_MESSAGE);
    }
  }

  #request(channel: number, id: number): void {
    const c = this.#channels[channel];
    switch (id) {
      case M.SERIAL_NUMBER: {
        const s = this.#o.serial ?? 1420869;
        return this.#send(M.SERIAL_NUMBER, [s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, s >>> 24]);
      }
      case M.VERSION:
        return this.#send(M.VERSION, [...Buffer.from(this.#o.version ?? 'AJK1.04RAF', 'latin1'), 0]);
      case M.CAPABILITIES: {
        const caps = this.#capabilities();
        if (caps) this.#send(M.CAPABILITIES, [...caps]);
        return;
      }
      case M.CHANNEL_ID: {
        if (!c) return this.#send(M.CHANNEL_EVENT, [channel, M.REQUEST_MESSAGE, Code.INVALID_MESSAGE]);
        const w = c.state === 'tracking' ? c.watch : undefined;
        const dn = w ? w.deviceNumber : c.deviceNumber;
        return this.#send(M.CHANNEL_ID, [channel, dn & 0xff, dn >>> 8, w ? w.antDeviceType : c.deviceType, w ? w.transmissionType : c.transmissionType]);
      }
      case M.CHANNEL_STATUS: {
        if (!c) return this.#send(M.CHANNEL_EVENT, [channel, M.REQUEST_MESSAGE, Code.INVALID_MESSAGE]);
        const st = { unassigned: 0, assigned: 1, searching: 2, tracking: 3 }[c.state];
        // USB1 reads 0x83 for a tracking slave (the capture): only bits 1..0 are the state.
        const extra = this.usb1 && c.state === 'tracking' ? 0x80 : 0;
        return this.#send(M.CHANNEL_STATUS, [channel, (c.type & 0xf0) | ((c.net & 3) << 2) | st | extra]);
      }
      default:
        return this.#send(M.CHANNEL_EVENT, [channel, M.REQUEST_MESSAGE, Code.INVALID_MESSAGE]);
    }
  }

  /** Acknowledged data or a burst packet from the host: held for the watch's next slot. */
  #hostData(id: number, p: Uint8Array): void {
    if (p.length !== 9) return this.#send(M.CHANNEL_EVENT, [p[0] & 0x1f, id, Code.INVALID_MESSAGE]);
    const n = p[0] & 0x1f;
    const c = this.#channels[n];
    const respond = (code: number) => this.#send(M.CHANNEL_EVENT, [n, id, code]);
    if (!c || (c.state !== 'searching' && c.state !== 'tracking')) return respond(Code.CHANNEL_NOT_OPENED);
    const seq = (p[0] >> 5) & 3;
    const last = (p[0] & 0x80) !== 0;
    if (id === M.BURST_DATA && c.burstAborted && seq !== 0) {
      // USB1: the rest of a burst that already failed.
      if (c.burstAborted === 'next') respond(Code.TRANSFER_SEQUENCE_NUMBER_ERROR);
      c.burstAborted = last ? undefined : 'rest';
      return;
    }
    c.burstAborted = undefined;
    if (c.pendingTx) return respond(Code.TRANSFER_IN_PROGRESS);
    const data = p.slice(1, 9);
    if (id === M.ACKNOWLEDGED_DATA) {
      c.pendingTx = data;
      return;
    }
    if (seq === 0 && this.usb1 && !last && this.#o.loss) {
      // USB1 sends a burst as its packets arrive: its fate is known after the first one.
      const verdict = this.#o.loss.toWatch({ kind: hostTransferKind(data), burst: true, round: this.stats.resets });
      if (verdict.verdict === 'fail') {
        this.stats.txFailed++;
        c.burstIn = undefined;
        c.burstAborted = 'next';
        this.#event(n, Code.EVENT_TRANSFER_TX_FAILED);
        return;
      }
      c.burstIn = { parts: [data], last: 0, verdict };
      return;
    }
    if (seq === 0) c.burstIn = { parts: [data], last: 0 };
    else if (!c.burstIn || seq !== (c.burstIn.last % 3) + 1) {
      c.burstIn = undefined;
      return respond(Code.TRANSFER_SEQUENCE_NUMBER_ERROR);
    } else {
      c.burstIn.parts.push(data);
      c.burstIn.last = seq;
    }
    if (last && c.burstIn) {
      c.pendingTx = concatBytes(...c.burstIn.parts);
      c.pendingVerdict = c.burstIn.verdict;
      c.burstIn = undefined;
      if (!this.usb1) this.#event(n, Code.EVENT_TRANSFER_TX_START);
    }
  }

  // ---- radio ----------------------------------------------------------------------------------

  #scheduleTick(c: SimChannel): void {
    c.cancelTick?.();
    const ms = (c.period / 32768) * 1000;
    c.cancelTick = this.#clock.setTimer(ms, () => {
      c.cancelTick = undefined;
      this.#tick(c);
      this.#flush();
    });
  }

  #tick(c: SimChannel): void {
    if (this.gone || (c.state !== 'searching' && c.state !== 'tracking')) return;
    const now = this.#clock.now();
    this.#scheduleTick(c);
    if (c.state === 'searching') {
      const w = this.watches.find((x) => this.#hears(c, x, now) && (!c.fresh || now - c.searchStartedAt >= x.searchDelayMs(this.stats.resets)));
      if (!w) {
        if (c.pendingTx) this.#txDone(c, false);
        if (c.searchTimeout !== 0xff && now - c.searchStartedAt >= c.searchTimeout * 2500) {
          this.#event(c.n, Code.EVENT_RX_SEARCH_TIMEOUT);
          this.#closeChannel(c);
        }
        return;
      }
      Object.assign(c, { state: 'tracking', watch: w, ticks: 0, misses: 0, fresh: false });
    }
    const w = c.watch!;
    // A master slower than our channel transmits in every k-th of our periods.
    const every = Math.max(1, Math.round(w.channelPeriod / c.period));
    if (c.ticks++ % every !== 0) return;
    const fading = c.fadeUntil !== undefined && now < c.fadeUntil;
    if (!fading && c.fadeUntil !== undefined) {
      // The watch is heard again: a held outcome comes now (the transfer did not get through).
      c.fadeUntil = undefined;
      if (c.pendingTx) this.#txDone(c, false);
    }
    if (fading || !this.#hears(c, w, now) || this.#rng() < (this.#o.lossRate ?? 0)) {
      c.misses++;
      this.#event(c.n, Code.EVENT_RX_FAIL);
      // USB1 holds the outcome until the watch is heard again; the others fail it at once.
      if (c.pendingTx && !this.usb1) this.#txDone(c, false);
      if (!this.usb1 && c.misses >= (this.#o.missesToSearch ?? 8)) {
        this.#event(c.n, Code.EVENT_RX_FAIL_GO_TO_SEARCH);
        Object.assign(c, { state: 'searching', watch: undefined, searchStartedAt: now });
      }
      return;
    }
    c.misses = 0;
    if (c.pendingTx) {
      const v = this.#verdict(c, c.pendingTx);
      if (v.verdict === 'hold') {
        // A fade starts: RX_FAILs, and the outcome held until it ends.
        this.stats.held++;
        c.fadeUntil = now + v.ms;
        c.misses++;
        this.#event(c.n, Code.EVENT_RX_FAIL);
        return;
      }
    }
    const tx = w.transmit(now);
    if (tx.kind === 'broadcast') this.#send(M.BROADCAST_DATA, [c.n, ...tx.data]);
    else this.#burstToHost(c.n, tx.data, tx.cutAfterPackets);
    if (c.pendingTx) {
      const data = c.pendingTx;
      const fail = c.pendingVerdict!.verdict !== 'ok';
      if (!fail) w.receive(now, data);
      else this.stats.txFailed++;
      this.#txDone(c, !fail);
    }
  }

  /** The fate of the host's pending transfer, decided once. */
  #verdict(c: SimChannel, data: Uint8Array): HostVerdict {
    if (!c.pendingVerdict) {
      const loss = this.#o.loss;
      c.pendingVerdict = loss
        ? loss.toWatch({ kind: hostTransferKind(data), burst: data.length > 8, round: this.stats.resets })
        : { verdict: this.#rng() < (this.faults.txFailRate ?? 0) ? 'fail' : 'ok' };
    }
    // Held once: after the fade it fails (see #tick).
    const v = c.pendingVerdict!;
    if (v.verdict === 'hold') c.pendingVerdict = { verdict: 'fail' };
    return v;
  }

  #hears(c: SimChannel, w: SimAntWatch, now: number): boolean {
    const key = this.#networks[c.net];
    if (!key || !equal(key, w.networkKey) || !w.inRange(now) || w.frequency !== c.frequency) return false;
    if (c.deviceNumber && c.deviceNumber !== w.deviceNumber) return false;
    if (c.deviceType & 0x7f && (c.deviceType & 0x7f) !== w.antDeviceType) return false;
    if (c.transmissionType && c.transmissionType !== w.transmissionType) return false;
    return w.channelPeriod % c.period === 0 || c.period % w.channelPeriod === 0;
  }

  /** The watch's burst to the host, with the burst faults applied. */
  #burstToHost(ch: number, data: Uint8Array, cutAfter?: number): void {
    const packets = data.length / 8;
    if (this.#o.loss && packets > 1) {
      const answer = data[8] === 0x44 && data[9] === 0x89 ? 'download' : data[8] === 0x44 && data[9] === 0x84 ? 'auth' : 'other';
      const v = this.#o.loss.toHost({ answer, round: this.stats.resets });
      if (v === 'missed') {
        // Not heard at all: to the host this period is an RX_FAIL.
        this.stats.missedAnswers++;
        this.#event(ch, Code.EVENT_RX_FAIL);
        return;
      }
      if (v === 'cut') {
        this.stats.cutAnswers++;
        cutAfter = 1;
      }
    }
    const eligible = (this.faults.scope ?? 'downloads') === 'all' || (data[8] === 0x44 && data[9] === 0x89);
    const roll = (rate: number | undefined) => eligible && packets > 1 && this.#rng() < (rate ?? 0);
    let stopAt = cutAfter;
    if (stopAt === undefined && roll(this.faults.dropBurstRate)) {
      stopAt = 1 + Math.floor(this.#rng() * (packets - 1));
      this.stats.droppedBursts++;
    }
    if (roll(this.faults.corruptDataRate)) {
      data = data.slice();
      const k = 8 + Math.floor(this.#rng() * (data.length - 8));
      data[k] ^= 1 << Math.floor(this.#rng() * 8);
      this.stats.corruptData++;
    }
    const badLine = roll(this.faults.corruptLineRate) ? Math.floor(this.#rng() * packets) : -1;
    if (badLine >= 0) this.stats.corruptLine++;
    for (let i = 0; i < packets; i++) {
      if (stopAt !== undefined && i >= stopAt) {
        this.#event(ch, Code.EVENT_TRANSFER_RX_FAILED);
        return;
      }
      const frame = encodeMessage(M.BURST_DATA, [burstSequenceByte(ch, i, packets), ...data.subarray(i * 8, i * 8 + 8)]);
      if (i === badLine) frame[4 + Math.floor(this.#rng() * 8)] ^= 0x10;
      this.#out.push(frame);
    }
  }

  #txDone(c: SimChannel, ok: boolean): void {
    c.pendingTx = undefined;
    c.pendingVerdict = undefined;
    this.#event(c.n, ok ? Code.EVENT_TRANSFER_TX_COMPLETED : Code.EVENT_TRANSFER_TX_FAILED);
  }

  #closeChannel(c: SimChannel): void {
    c.cancelTick?.();
    c.cancelTick = undefined;
    if (c.pendingTx) this.#txDone(c, false);
    Object.assign(c, { state: 'assigned', watch: undefined, burstIn: undefined, burstAborted: undefined, fadeUntil: undefined });
    this.#event(c.n, Code.EVENT_CHANNEL_CLOSED);
  }

  // ---- system ---------------------------------------------------------------------------------

  #reset(): void {
    if (this.faults.ignoreResets) {
      this.faults.ignoreResets--;
      return;
    }
    this.stats.resets++;
    this.#stopAll();
    this.#powerOn();
    // USB1 sends no startup message at all.
    if (this.usb1) return;
    this.#startupTimer = this.#clock.setTimer(this.#o.startupDelayMs ?? 20, () => {
      this.#startupTimer = undefined;
      if (this.gone) return;
      if (this.#o.staleEventOnReset ?? true) this.#event(0, Code.EVENT_RX_FAIL);
      this.#send(M.STARTUP, [StartupReason.COMMAND_RESET]);
      this.#flush();
    });
  }

  #powerOn(): void {
    this.#networks = [];
    this.#channels = Array.from({ length: this.#maxChannels ?? 8 }, (_, n) => newChannel(n));
    this.#inBuf = new Uint8Array(0);
  }

  #stopAll(): void {
    this.#startupTimer?.();
    this.#startupTimer = undefined;
    for (const c of this.#channels) {
      c.cancelTick?.();
      c.cancelTick = undefined;
    }
    this.#out = [];
  }

  #capabilities(): Uint8Array | null {
    return this.#o.capabilities === undefined ? Uint8Array.of(8, 8, 0, 0xba, 0x36, 0, 0xdf) : this.#o.capabilities;
  }

  // ---- stick → host ---------------------------------------------------------------------------

  #event(ch: number, code: number): void {
    this.#send(M.CHANNEL_EVENT, [ch, RF_EVENT, code]);
  }

  #send(id: number, payload: ArrayLike<number>): void {
    this.#out.push(encodeMessage(id, payload));
  }

  /** Queued messages to the IN endpoint: packed into 64-byte packets, or cut up by `chaos`. */
  #flush(): void {
    if (this.#out.length === 0 || this.gone) return;
    const chaos = this.#o.chaos;
    const parts: Uint8Array[] = [];
    for (const m of this.#out) {
      if (chaos?.garbage && this.#rng() < chaos.garbage) {
        parts.push(this.#rng() < 0.5 ? new Uint8Array(1 + Math.floor(this.#rng() * 4)) : randomGarbage(this.#rng));
      }
      parts.push(m);
    }
    this.#out = [];
    const stream = concatBytes(...parts);
    for (let o = 0; o < stream.length;) {
      const n = chaos?.split ? 1 + Math.floor(this.#rng() * PACKET) : PACKET;
      this.sendIn(EP_IN, stream.slice(o, o + n), false);
      o += n;
    }
  }
}

function newChannel(n: number): SimChannel {
  return { n, state: 'unassigned', type: 0, net: 0, deviceNumber: 0, deviceType: 0, transmissionType: 0, period: 8192, searchTimeout: 12, frequency: 66, searchStartedAt: 0, ticks: 0, misses: 0 };
}

/** Garbage that may contain sync bytes, so the host's splitter has to resynchronise. */
function randomGarbage(rng: Rng): Uint8Array {
  return Uint8Array.from({ length: 1 + Math.floor(rng() * 6) }, () => (rng() < 0.3 ? SYNC : Math.floor(rng() * 256)));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface SimulatedAnt {
  clock: VirtualClock;
  bus: SimUsbBus;
  stick: SimAntStick;
  watch: SimAntWatch;
  /** The made-up network key both sides use (random unless given). */
  networkKey: Uint8Array;
}

/**
 * One simulated ANT stick with an FR310XT-like watch in range, on a virtual clock, plugged into
 * `bus` (a new one unless given): what `--simulate ant:fr310xt` and the tests use. The key is
 * random unless given. The AntProvider must get the same clock and key.
 */
export function simulatedAnt(
  o: { networkKey?: Uint8Array; seed?: number; watch?: Partial<SimAntWatchOptions>; stick?: Partial<SimAntStickOptions>; clock?: VirtualClock; bus?: SimUsbBus } = {},
): SimulatedAnt {
  const clock = o.clock ?? new VirtualClock();
  const networkKey = o.networkKey ?? new Uint8Array(randomBytes(8));
  const watch = new SimAntWatch({ seed: o.seed, ...o.watch, networkKey: o.watch?.networkKey ?? networkKey });
  const stick = new SimAntStick({ seed: o.seed, ...o.stick, clock, watches: [watch, ...(o.stick?.watches ?? [])] });
  const bus = o.bus ?? new SimUsbBus();
  bus.plug(stick);
  return { clock, bus, stick, watch, networkKey };
}
