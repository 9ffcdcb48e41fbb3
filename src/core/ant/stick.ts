/**
 * An ANT USB stick (USB1 0fcf:1004, ANTUSB2 0fcf:1008, ANTUSB-m 0fcf:1009; stick-models.ts),
 * docs/ant-fs.md, The ANT stick: messages over the USB pipe (usb-pipe.ts), split from its byte stream,
 * and routed: command responses to the command that waits for them, data, bursts and RF events
 * to the channel's listeners.
 *
 * Transmit pacing (§1.5): one acknowledged or burst transfer at a time per channel; a transfer
 * ends with TRANSFER_TX_COMPLETED (5) or TRANSFER_TX_FAILED (6), and TRANSFER_IN_PROGRESS (31)
 * is retried after a short wait. Retrying a failed transfer after the next beacon is the
 * caller's business (it knows what a beacon is).
 *
 * Late outcomes (docs/ant-fs.md): a USB1 stick holds an acknowledged message's outcome across
 * RX_FAILs until it hears the watch again, sometimes for more than 3 s. A transfer that times
 * out here is therefore still owed its outcome: that late 5/6 is swallowed, not taken as the
 * next transfer's. Likewise the sequence-error response (32) a USB1 stick gives to the packet
 * after a burst already reported failed.
 *
 * Timing: replies and waits run on the injected clock; only USB transfer timeouts are real
 * milliseconds, as the facade takes them.
 */
import { FitkitError } from '../errors.js';
import type { UsbDevice } from '../usb/backend.js';
import { BurstAssembler, burstPackets } from './burst.js';
import { abortError, sleep, systemClock, type Clock } from '../platform/clock.js';
import * as cmd from './commands.js';
import { Code, codeName, describeMessage, encode, MessageId as M, messageName, RF_EVENT, type AntMessage } from './message.js';
import { FrameSplitter } from './splitter.js';
import { antStickModel, type AntStickModel } from './stick-models.js';
import { UsbPipe } from './usb-pipe.js';

/** What a channel's listeners receive. */
export type ChannelItem =
  | { kind: 'broadcast'; data: Uint8Array }
  | { kind: 'acknowledged'; data: Uint8Array }
  | { kind: 'burst'; data: Uint8Array }
  /** An incoming burst was lost: TRANSFER_RX_FAILED, or packets missing on the way. */
  | { kind: 'burst_failed'; reason: string }
  | { kind: 'event'; code: number }
  /** The stick is gone or broken: nothing more will come. */
  | { kind: 'failed'; error: Error };

export type TxOutcome = 'completed' | 'failed';

export interface AntStickOptions {
  clock?: Clock;
  log?: (line: string) => void;
  /** Every message in and out, one line each; Set Network Key payloads are redacted. */
  trace?: (line: string) => void;
  /** How long a configuration command waits for its reply (§1.7: 1 s). */
  responseTimeoutMs?: number;
  /** How long an acknowledged or burst transfer may take to be reported done. */
  transferTimeoutMs?: number;
  resetTries?: number;
  /** Quiet time after the startup message before the first command (§1.7: ~0.5 s). */
  startupSettleMs?: number;
  /** Timeout of one USB IN transfer, in real ms; close() waits for the pending ones. */
  usbReadTimeoutMs?: number;
  /** IN transfers kept pending (§1.1: 2–3). */
  pendingReads?: number;
  /** Wait after Reset System on a stick that sends no startup message (USB1: ~1 s). */
  silentResetWaitMs?: number;
}

export interface AntCapabilities {
  maxChannels: number;
  maxNetworks: number;
  /** The whole reply (4–8 bytes depending on the chip). */
  raw: Uint8Array;
}

interface Waiter {
  match: (m: AntMessage) => boolean;
  resolve: (m: AntMessage) => void;
  reject: (e: Error) => void;
}

interface Expectation {
  promise: Promise<AntMessage>;
  cancel(): void;
}

const isResponse = (m: AntMessage, channel: number, id: number) => m.id === M.CHANNEL_EVENT && m.payload[0] === channel && m.payload[1] === id;

export class AntStick {
  readonly device: UsbDevice;
  readonly location: string;
  /** Messages the splitter had to throw away (bad checksum, garbage), for diagnostics. */
  get lineErrors(): number {
    return this.#splitter.rejected;
  }
  #clock: Clock;
  #log: (line: string) => void;
  #trace?: (line: string) => void;
  #o: Required<Omit<AntStickOptions, 'clock' | 'log' | 'trace'>>;
  #pipe!: UsbPipe;
  #splitter = new FrameSplitter();
  #assemblers = new Map<number, BurstAssembler>();
  #listeners = new Map<number, Set<(item: ChannelItem) => void>>();
  #waiters = new Set<Waiter>();
  #closed = false;
  #failure: Error | undefined;
  #resetting = false;
  #txQueue = new Map<number, Promise<unknown>>();
  /** Per channel: transfers that timed out whose outcome (5/6) may still arrive, until when. */
  #owed = new Map<number, { count: number; until: number }>();
  /** Per channel: a burst failed; the stick may still refuse its next packet with code 32. */
  #burstAborted = new Set<number>();
  /** What kind of stick this is (USB1 has a serial bridge and no startup message). */
  readonly model: AntStickModel;

  private constructor(device: UsbDevice, o: AntStickOptions) {
    this.device = device;
    this.location = device.info.location;
    this.model = antStickModel(device.info) ?? { vendorId: device.info.vendorId, productId: device.info.productId, name: 'ANT stick', startupMessage: true, outPadding: 0 };
    this.#clock = o.clock ?? systemClock;
    this.#log = o.log ?? (() => {});
    this.#trace = o.trace;
    this.#o = {
      responseTimeoutMs: o.responseTimeoutMs ?? 1000,
      transferTimeoutMs: o.transferTimeoutMs ?? 4000,
      resetTries: o.resetTries ?? 3,
      startupSettleMs: o.startupSettleMs ?? 500,
      usbReadTimeoutMs: o.usbReadTimeoutMs ?? 500,
      pendingReads: o.pendingReads ?? 2,
      silentResetWaitMs: o.silentResetWaitMs ?? 1000,
    };
  }

  /** Opens the device, claims interface 0 (detaching a kernel driver) and starts reading. */
  static async open(device: UsbDevice, o: AntStickOptions = {}): Promise<AntStick> {
    const stick = new AntStick(device, o);
    stick.#pipe = await UsbPipe.open(device, {
      readTimeoutMs: stick.#o.usbReadTimeoutMs,
      pendingReads: stick.#o.pendingReads,
      onData: (chunk) => stick.#feed(chunk),
      onFailure: (e) => stick.#fail(e),
      log: stick.#log,
      bridge: stick.model.bridge,
      outPadding: stick.model.outPadding,
    });
    return stick;
  }

  // ---- events ---------------------------------------------------------------------------------

  /** Subscribes to a channel's data and events; returns the unsubscribe function. */
  listen(channel: number, fn: (item: ChannelItem) => void): () => void {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(fn);
    if (this.#failure) fn({ kind: 'failed', error: this.#failure });
    return () => set.delete(fn);
  }

  // ---- system ---------------------------------------------------------------------------------

  /**
   * Reset System, then wait for the startup message, ignoring the stale events some sticks send
   * first (antfs-cli #136); the first reset may go unanswered (antd logs), so it is resent.
   */
  async reset(signal?: AbortSignal): Promise<void> {
    this.#resetting = true;
    this.#owed.clear();
    this.#burstAborted.clear();
    try {
      if (!this.model.startupMessage) {
        // USB1: no startup message comes; Garmin's agent waits about a second (docs/ant-fs.md).
        await this.#write(cmd.resetSystem());
        await sleep(this.#clock, this.#o.silentResetWaitMs, signal);
        for (const a of this.#assemblers.values()) a.reset();
        this.#log(`ANT stick at ${this.location} reset (${this.model.name}: no startup message expected)`);
        return;
      }
      for (let i = 0; i < this.#o.resetTries; i++) {
        const startup = this.#expect((m) => m.id === M.STARTUP, this.#o.responseTimeoutMs, signal);
        await this.#write(cmd.resetSystem()).catch((e) => (startup.cancel(), Promise.reject(e)));
        try {
          const m = await startup.promise;
          this.#log(`ANT stick at ${this.location} started (reason 0x${(m.payload[0] ?? 0).toString(16)})`);
          for (const a of this.#assemblers.values()) a.reset();
          await sleep(this.#clock, this.#o.startupSettleMs, signal);
          return;
        } catch (e) {
          if (!(e instanceof FitkitError && e.code === 'ant_timeout')) throw e;
          this.#log(`ANT stick at ${this.location}: no answer to Reset System (try ${i + 1} of ${this.#o.resetTries})`);
        }
      }
      throw new FitkitError('ant_timeout', `the ANT stick at ${this.location} did not answer Reset System (${this.#o.resetTries} tries); unplug it and plug it back in`);
    } finally {
      this.#resetting = false;
    }
  }

  /** Request Message: the requested message's payload, or undefined if the stick stays silent. */
  async request(channel: number, id: number, timeoutMs = this.#o.responseTimeoutMs): Promise<Uint8Array | undefined> {
    const reply = this.#expect((m) => m.id === id, timeoutMs);
    await this.#write(cmd.requestMessage(channel, id)).catch((e) => (reply.cancel(), Promise.reject(e)));
    try {
      return (await reply.promise).payload;
    } catch (e) {
      if (e instanceof FitkitError && e.code === 'ant_timeout') return undefined;
      throw e;
    }
  }

  async serialNumber(): Promise<number | undefined> {
    const p = await this.request(0, M.SERIAL_NUMBER);
    return p && p.length >= 4 ? (p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24)) >>> 0 : undefined;
  }

  async version(): Promise<string | undefined> {
    const p = await this.request(0, M.VERSION);
    if (!p) return undefined;
    const end = p.indexOf(0);
    return String.fromCharCode(...p.subarray(0, end < 0 ? p.length : end));
  }

  /**
   * Channel Status (§1.4): the state in bits 1..0. Only those bits are read: a USB1 stick
   * reports 0x83 for a tracking slave channel.
   */
  async channelState(channel: number): Promise<'unassigned' | 'assigned' | 'searching' | 'tracking' | undefined> {
    const p = await this.request(channel, M.CHANNEL_STATUS);
    if (!p || p.length < 2) return undefined;
    return (['unassigned', 'assigned', 'searching', 'tracking'] as const)[p[1] & 3];
  }

  /** Optional: some firmware states never answer it (§1.4), hence the short wait. */
  async capabilities(timeoutMs = 300): Promise<AntCapabilities | undefined> {
    const p = await this.request(0, M.CAPABILITIES, timeoutMs);
    return p && p.length >= 2 ? { maxChannels: p[0], maxNetworks: p[1], raw: p } : undefined;
  }

  // ---- channel configuration (each waits for its 0x40 response, code 0) ------------------------

  setNetworkKey(network: number, key: Uint8Array): Promise<void> {
    return this.#command(cmd.setNetworkKey(network, key)).then(() => {});
  }
  assignChannel(channel: number, type: number, network: number): Promise<void> {
    return this.#command(cmd.assignChannel(channel, type, network)).then(() => {});
  }
  async unassignChannel(channel: number): Promise<void> {
    await this.#command(cmd.unassignChannel(channel), [Code.CHANNEL_IN_WRONG_STATE]);
  }
  setChannelId(channel: number, deviceNumber: number, deviceType: number, transmissionType: number): Promise<void> {
    return this.#command(cmd.setChannelId(channel, deviceNumber, deviceType, transmissionType)).then(() => {});
  }
  setChannelPeriod(channel: number, period: number): Promise<void> {
    return this.#command(cmd.setChannelPeriod(channel, period)).then(() => {});
  }
  setSearchTimeout(channel: number, timeout: number): Promise<void> {
    return this.#command(cmd.setSearchTimeout(channel, timeout)).then(() => {});
  }
  setRfFrequency(channel: number, f: number): Promise<void> {
    return this.#command(cmd.setRfFrequency(channel, f)).then(() => {});
  }
  setSearchWaveform(channel: number, waveform: number): Promise<void> {
    return this.#command(cmd.setSearchWaveform(channel, waveform)).then(() => {});
  }
  openChannel(channel: number): Promise<void> {
    this.#assembler(channel).reset();
    return this.#command(cmd.openChannel(channel)).then(() => {});
  }

  /**
   * Close Channel is answered at once, but the channel is only closed at CHANNEL_CLOSED (7)
   * (§1.3); a channel that is not open (search timed out) answers CHANNEL_IN_WRONG_STATE.
   */
  async closeChannel(channel: number): Promise<void> {
    const closed = this.#expect((m) => isResponse(m, channel, RF_EVENT) && m.payload[2] === Code.EVENT_CHANNEL_CLOSED, 2 * this.#o.responseTimeoutMs);
    let code: number;
    try {
      code = await this.#command(cmd.closeChannel(channel), [Code.CHANNEL_IN_WRONG_STATE]);
    } catch (e) {
      closed.cancel();
      throw e;
    }
    if (code !== Code.RESPONSE_NO_ERROR) return closed.cancel();
    try {
      await closed.promise;
    } catch (e) {
      if (!(e instanceof FitkitError && e.code === 'ant_timeout')) throw e;
      this.#log(`ANT stick at ${this.location}: channel ${channel} did not report CHANNEL_CLOSED`);
    }
  }

  // ---- data -----------------------------------------------------------------------------------

  /** One acknowledged message (8 bytes); resolves when the stick reports how it went. */
  sendAcknowledged(channel: number, data: Uint8Array, signal?: AbortSignal): Promise<TxOutcome> {
    return this.#transfer(channel, M.ACKNOWLEDGED_DATA, [cmd.acknowledgedData(channel, data)], signal);
  }

  /** A burst (any length; zero-padded to 8), all packets back to back (§1.5). */
  sendBurst(channel: number, data: Uint8Array, signal?: AbortSignal): Promise<TxOutcome> {
    const packets = burstPackets(channel, data).map((p) => cmd.burstData(p.sequenceByte, p.data));
    return this.#transfer(channel, M.BURST_DATA, packets, signal);
  }

  // ---- teardown -------------------------------------------------------------------------------

  /** Stops reading, releases the interface and closes the device. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectAll(new FitkitError('ant_closed', `the ANT stick at ${this.location} was closed`));
    await this.#pipe.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * One transfer at a time per channel (§1.5): its end is only known by channel and message id,
   * so a second one in flight could take the first one's answer.
   */
  #transfer(channel: number, id: number, messages: AntMessage[], signal?: AbortSignal): Promise<TxOutcome> {
    const prev = this.#txQueue.get(channel) ?? Promise.resolve();
    const run = prev.then(() => this.#transferNow(channel, id, messages, signal));
    this.#txQueue.set(
      channel,
      run.catch(() => {}),
    );
    return run;
  }

  async #transferNow(channel: number, id: number, messages: AntMessage[], signal?: AbortSignal): Promise<TxOutcome> {
    if (id === M.BURST_DATA) this.#burstAborted.delete(channel);
    for (let attempt = 0; ; attempt++) {
      const done = this.#expect(
        (m) => m.id === M.CHANNEL_EVENT && m.payload[0] === channel && ((m.payload[1] === RF_EVENT && isTransferEnd(m.payload[2])) || (m.payload[1] === id && m.payload[2] !== Code.RESPONSE_NO_ERROR)),
        this.#o.transferTimeoutMs,
        signal,
      );
      try {
        for (const m of messages) await this.#write(m);
      } catch (e) {
        done.cancel();
        throw e;
      }
      let r: AntMessage;
      try {
        r = await done.promise;
      } catch (e) {
        // Its outcome may still come (USB1 holds it): not to be taken for the next transfer's.
        if (e instanceof FitkitError && e.code === 'ant_timeout') {
          // Bounded: an outcome that never comes must not swallow later ones for ever.
          this.#owed.set(channel, { count: (this.#owed.get(channel)?.count ?? 0) + 1, until: this.#clock.now() + LATE_OUTCOME_MS });
        }
        throw e;
      }
      const code = r.payload[2];
      if (r.payload[1] === RF_EVENT) {
        const ok = code === Code.EVENT_TRANSFER_TX_COMPLETED;
        if (!ok && id === M.BURST_DATA && messages.length > 1) this.#burstAborted.add(channel);
        return ok ? 'completed' : 'failed';
      }
      // A previous transfer is still going: give it a moment (§1.5).
      if (code === Code.TRANSFER_IN_PROGRESS && attempt < 3) {
        await sleep(this.#clock, 100, signal);
        continue;
      }
      this.#log(`ANT stick at ${this.location}: ${messageName(id)} on channel ${channel} refused: ${codeName(code)}`);
      return 'failed';
    }
  }

  /** Sends a configuration command and returns its response code; codes other than 0 and `allowed` throw. */
  async #command(m: AntMessage, allowed: number[] = []): Promise<number> {
    const channel = m.payload[0];
    const reply = this.#expect((r) => isResponse(r, channel, m.id), this.#o.responseTimeoutMs);
    try {
      await this.#write(m);
    } catch (e) {
      reply.cancel();
      throw e;
    }
    let r: AntMessage;
    try {
      r = await reply.promise;
    } catch (e) {
      if (e instanceof FitkitError && e.code === 'ant_timeout') {
        throw new FitkitError('ant_timeout', `the ANT stick at ${this.location} did not answer ${messageName(m.id)} within ${this.#o.responseTimeoutMs} ms`);
      }
      throw e;
    }
    const code = r.payload[2];
    if (code !== Code.RESPONSE_NO_ERROR && !allowed.includes(code)) {
      throw new FitkitError('ant_response', `the ANT stick at ${this.location} refused ${messageName(m.id)} on channel ${channel}: ${codeName(code)}`);
    }
    return code;
  }

  #expect(match: (m: AntMessage) => boolean, timeoutMs: number, signal?: AbortSignal): Expectation {
    let cancel = () => {};
    const promise = new Promise<AntMessage>((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      if (this.#closed) return reject(new FitkitError('ant_closed', `the ANT stick at ${this.location} was closed`));
      const done = () => {
        this.#waiters.delete(w);
        stopTimer();
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        match,
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
      };
      const onAbort = () => w.reject(abortError(signal!));
      const stopTimer = this.#clock.setTimer(timeoutMs, () => w.reject(new FitkitError('ant_timeout', `no reply from the ANT stick at ${this.location} within ${timeoutMs} ms`)));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(w);
      cancel = () => {
        if (this.#waiters.has(w)) {
          done();
          resolve({ id: -1, payload: new Uint8Array(0) });
        }
      };
    });
    // A caller that stopped waiting (its write failed) must not leave an unhandled rejection.
    promise.catch(() => {});
    return { promise, cancel: () => cancel() };
  }

  async #write(m: AntMessage): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new FitkitError('ant_closed', `the ANT stick at ${this.location} was closed`);
    this.#trace?.(`> ${describeMessage(m)}`);
    await this.#pipe.write(encode(m));
  }

  #feed(chunk: Uint8Array): void {
    for (const m of this.#splitter.push(chunk)) {
      this.#trace?.(`< ${describeMessage(m)}`);
      this.#dispatch(m);
    }
  }

  #dispatch(m: AntMessage): void {
    const p = m.payload;
    if (!this.#stale(m)) for (const w of [...this.#waiters]) if (w.match(m)) w.resolve(m);
    switch (m.id) {
      case M.BROADCAST_DATA:
      case M.ACKNOWLEDGED_DATA:
        if (p.length >= 9) this.#emit(p[0] & 0x1f, { kind: m.id === M.BROADCAST_DATA ? 'broadcast' : 'acknowledged', data: p.slice(1, 9) });
        return;
      case M.BURST_DATA: {
        if (p.length < 9) return;
        const ch = p[0] & 0x1f;
        const r = this.#assembler(ch).push(p[0], p.subarray(1, 9));
        if (r.kind === 'complete') this.#emit(ch, { kind: 'burst', data: r.data });
        else if (r.kind === 'broken') this.#emit(ch, { kind: 'burst_failed', reason: r.reason });
        return;
      }
      case M.CHANNEL_EVENT: {
        if (p.length < 3 || p[1] !== RF_EVENT) return;
        const ch = p[0];
        const code = p[2];
        if (code === Code.EVENT_TRANSFER_RX_FAILED || code === Code.EVENT_RX_FAIL_GO_TO_SEARCH) {
          const a = this.#assembler(ch);
          if (a.active || code === Code.EVENT_TRANSFER_RX_FAILED) this.#emit(ch, { kind: 'burst_failed', reason: codeName(code) });
          a.reset();
        }
        this.#emit(ch, { kind: 'event', code });
        return;
      }
      case M.STARTUP:
        // A reset we did not ask for: every channel is gone.
        if (!this.#resetting) {
          this.#log(`ANT stick at ${this.location} restarted by itself`);
          for (const ch of this.#listeners.keys()) this.#emit(ch, { kind: 'event', code: Code.EVENT_CHANNEL_CLOSED });
        }
        return;
      case M.SERIAL_ERROR:
        this.#log(`ANT stick at ${this.location} reported a serial error 0x${(p[0] ?? 0).toString(16)}`);
        return;
    }
  }

  /** A late outcome of a transfer that timed out, or the 32 that trails a failed burst. */
  #stale(m: AntMessage): boolean {
    if (m.id !== M.CHANNEL_EVENT || m.payload.length < 3) return false;
    const [ch, id, code] = m.payload;
    if (id === RF_EVENT && (code === Code.EVENT_TRANSFER_TX_COMPLETED || code === Code.EVENT_TRANSFER_TX_FAILED)) {
      const owed = this.#owed.get(ch);
      if (!owed || this.#clock.now() > owed.until) return false;
      if (--owed.count === 0) this.#owed.delete(ch);
      this.#log(`ANT stick at ${this.location}: a late transfer outcome on channel ${ch} (${codeName(code)}) ignored`);
      return true;
    }
    if (id === RF_EVENT && (code === Code.EVENT_CHANNEL_CLOSED || code === Code.EVENT_RX_FAIL_GO_TO_SEARCH)) this.#owed.delete(ch);
    if (id === M.BURST_DATA && code === Code.TRANSFER_SEQUENCE_NUMBER_ERROR && this.#burstAborted.has(ch)) {
      this.#burstAborted.delete(ch);
      return true;
    }
    return false;
  }

  #emit(channel: number, item: ChannelItem): void {
    const set = this.#listeners.get(channel);
    if (set) for (const fn of [...set]) fn(item);
  }

  #assembler(channel: number): BurstAssembler {
    let a = this.#assemblers.get(channel);
    if (!a) this.#assemblers.set(channel, (a = new BurstAssembler()));
    return a;
  }

  #fail(e: Error): void {
    if (this.#failure) return;
    this.#failure = e;
    this.#rejectAll(e);
    for (const ch of this.#listeners.keys()) this.#emit(ch, { kind: 'failed', error: e });
  }

  #rejectAll(e: Error): void {
    for (const w of [...this.#waiters]) w.reject(e);
  }
}

/** How long a timed-out transfer's outcome is waited for before a 5/6 counts as new again. */
const LATE_OUTCOME_MS = 10_000;

function isTransferEnd(code: number): boolean {
  return code === Code.EVENT_TRANSFER_TX_COMPLETED || code === Code.EVENT_TRANSFER_TX_FAILED || code === Code.EVENT_CHANNEL_CLOSED || code === Code.EVENT_RX_FAIL_GO_TO_SEARCH;
}
