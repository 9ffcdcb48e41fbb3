/**
 * The ANT side of an ANT-FS host: one slave channel on the stick, set up as §1.7 says, retuned
 * for the link (§2.3), and a command/response exchange paced on the watch's beacons (§1.5):
 * a command goes out right after a beacon, a failed transfer is retried after the next one, and
 * the answer is the next burst from the watch whose response the caller recognises.
 *
 * Losing the watch (GO_TO_SEARCH, the channel closing, the watch back in LINK or talking to
 * another host) surfaces as LinkLost, for the host to recover from.
 */
import type { Clock } from '../platform/clock.js';
import { ChannelType } from '../ant/commands.js';
import { ChannelInbox } from '../ant/inbox.js';
import { Code, codeName } from '../ant/message.js';
import type { AntStick, TxOutcome } from '../ant/stick.js';
import { FitkitError } from '../errors.js';
import { decodeBeacon, PERIOD_BY_CODE, type Beacon } from './beacon.js';
import { decodeResponseBurst, type Response } from './response.js';

/** ANT-FS link-layer defaults (§1.7): 2450 MHz, 8 Hz, Garmin's search waveform. */
export const LINK_FREQUENCY = 50;
export const LINK_PERIOD_CODE = 4;
export const SEARCH_WAVEFORM = 0x0053;
/** Channel ID for the search: any device number, device type 1 (ANT-FS), any transmission type. */
export const SEARCH_DEVICE_TYPE = 1;

/** The watch went away or moved on; the host re-finds it (§6.5 "watch leaves range"). */
export class LinkLost extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LinkLost';
  }
}

export interface TransactOptions<T> {
  /** For errors and logs: "the serial request", "file 7 at offset 1024". */
  what: string;
  /** The response we want, or undefined for one to ignore (stale, another command's). */
  pick: (r: Response, beacon: Beacon | undefined) => T | undefined;
  /** A beacon that by itself answers the command (its response burst was lost). */
  pickBeacon?: (b: Beacon) => T | undefined;
  timeoutMs: number;
  /**
   * When the answer is due soon after the request (downloads): give up on it this long after
   * the request went out or after the last BUSY beacon, whichever is later (within timeoutMs).
   */
  answerMs?: number;
  /** Attempts that reached the watch (a lost or missing answer, a silence, each use one). */
  tries: number;
  /** Transfers that failed on the air, on top (default 24: three runs of 8 in a row). */
  txTries?: number;
  /** Throw this on the first silence instead of asking again (pairing waits for a person). */
  onTimeout?: () => Error;
  signal?: AbortSignal;
}

export interface RadioOptions {
  clock: Clock;
  channel: number;
  networkKey: Uint8Array;
  /** Search timeout on the transport frequency, units of 2.5 s (§2.3: openant's 10). */
  linkSearchTimeout: number;
  /** How long to wait for a beacon before a command. */
  beaconTimeoutMs: number;
  log: (line: string) => void;
}

export class AntFsRadio {
  readonly stick: AntStick;
  /** The latest beacon heard, alone or at the head of a burst. */
  lastBeacon: Beacon | undefined;
  #o: RadioOptions;
  #inbox: ChannelInbox;
  #open = false;
  #periodCode = LINK_PERIOD_CODE;

  constructor(stick: AntStick, o: RadioOptions) {
    this.stick = stick;
    this.#o = o;
    this.#inbox = new ChannelInbox(stick, o.channel, o.clock);
  }

  get periodCode(): number {
    return this.#periodCode;
  }

  /** Reset, identify, network key, channel assignment (§1.7 steps 1–6). */
  async init(signal?: AbortSignal): Promise<void> {
    const s = this.stick;
    const ch = this.#o.channel;
    await s.reset(signal);
    const [serial, version] = [await s.serialNumber(), await s.version()];
    const caps = await s.capabilities();
    this.#o.log(
      `ANT stick at ${s.location}: serial ${serial ?? '?'}, firmware ${version ?? '?'}` + (caps ? `, ${caps.maxChannels} channels, ${caps.maxNetworks} networks` : ', capabilities not reported'),
    );
    await s.setNetworkKey(0, this.#o.networkKey);
    await s.assignChannel(ch, ChannelType.SLAVE, 0);
    await s.setChannelId(ch, 0, SEARCH_DEVICE_TYPE, 0);
    await s.setSearchWaveform(ch, SEARCH_WAVEFORM);
  }

  /** (Re)opens the channel on the link frequency and period, searching without timeout (§1.7 7–8). */
  async openSearch(): Promise<void> {
    const s = this.stick;
    const ch = this.#o.channel;
    if (this.#open) await this.close();
    await s.setChannelPeriod(ch, PERIOD_BY_CODE[LINK_PERIOD_CODE]);
    await s.setSearchTimeout(ch, 0xff);
    await s.setRfFrequency(ch, LINK_FREQUENCY);
    this.#periodCode = LINK_PERIOD_CODE;
    this.#inbox.drain();
    await s.openChannel(ch);
    this.#open = true;
  }

  /** Matches the channel period to the watch's beacon period (§2.3 step 2; 1 Hz FR405s). */
  async matchPeriod(code: number): Promise<void> {
    if (code === this.#periodCode || PERIOD_BY_CODE[code] === undefined) return;
    await this.stick.setChannelPeriod(this.#o.channel, PERIOD_BY_CODE[code]);
    this.#periodCode = code;
  }

  /** Follows the watch to the transport frequency, with a short search timeout (§2.3 step 5). */
  async retune(frequency: number): Promise<void> {
    await this.stick.setRfFrequency(this.#o.channel, frequency);
    await this.stick.setSearchTimeout(this.#o.channel, this.#o.linkSearchTimeout);
    // What was heard on the old frequency is history.
    this.#inbox.drain();
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.stick.closeChannel(this.#o.channel);
  }

  /** Closes and unassigns the channel and stops listening. Never throws. */
  async shutdown(): Promise<void> {
    await this.close().catch(() => {});
    await this.stick.unassignChannel(this.#o.channel).catch(() => {});
    this.#inbox.close();
  }

  /**
   * The next beacon (a broadcast, or the head of a burst), skipping RF noise; `accept` may pass
   * over beacons. Undefined on timeout. A closed channel throws LinkLost, and so, when `linked`
   * (our host serial) is given, do GO_TO_SEARCH and a beacon showing the session is over.
   */
  async nextBeacon(timeoutMs: number, signal?: AbortSignal, accept: (b: Beacon) => boolean = () => true, linked?: number): Promise<Beacon | undefined> {
    const deadline = this.#o.clock.now() + timeoutMs;
    for (;;) {
      const item = await this.#inbox.next(deadline - this.#o.clock.now(), signal);
      if (!item) return undefined;
      if (item.kind === 'event') {
        if (item.code === Code.EVENT_CHANNEL_CLOSED || item.code === Code.EVENT_RX_SEARCH_TIMEOUT) {
          this.#open = false;
          throw new LinkLost(`channel closed (${codeName(item.code)})`);
        }
        if (linked !== undefined && item.code === Code.EVENT_RX_FAIL_GO_TO_SEARCH) throw new LinkLost('the watch went out of range (RX_FAIL_GO_TO_SEARCH)');
        continue;
      }
      const bytes = item.kind === 'broadcast' || item.kind === 'burst' ? item.data : undefined;
      const b = bytes && decodeBeacon(bytes);
      if (!b) continue;
      this.lastBeacon = b;
      if (linked !== undefined) checkLinked(b, linked);
      if (accept(b)) return b;
    }
  }

  /**
   * One transfer of `command` (acknowledged if it fits in 8 bytes, else a burst). A transfer
   * whose outcome the stick never reports is 'no_outcome', for the caller to retry like a
   * failure (USB1 holds outcomes for seconds).
   */
  async send(command: Uint8Array, signal?: AbortSignal): Promise<TxOutcome | 'no_outcome'> {
    try {
      return command.length <= 8 ? await this.stick.sendAcknowledged(this.#o.channel, command, signal) : await this.stick.sendBurst(this.#o.channel, command, signal);
    } catch (e) {
      if (e instanceof FitkitError && e.code === 'ant_timeout') return 'no_outcome';
      throw e;
    }
  }

  /**
   * Sends `command` after the next beacon and returns the response `pick` accepts; asks again
   * after a failed transfer, a lost burst or silence, up to `tries` times.
   * `linked`: the host serial the beacons must show (the watch left us otherwise).
   */
  async transact<T>(command: Uint8Array, o: TransactOptions<T>, linked?: number): Promise<T> {
    const problems: string[] = [];
    // Transfers that failed on the air count apart: they come in runs (docs/ant-fs.md), and a
    // run must not use up the tries meant for a watch that does not answer.
    const txTries = o.txTries ?? TX_TRIES;
    let txFailures = 0;
    let attempt = 0;
    while (attempt < o.tries) {
      const b = await this.nextBeacon(this.#o.beaconTimeoutMs, o.signal, undefined, linked);
      if (!b) {
        // Silence: a USB1 stick never says RX_FAIL_GO_TO_SEARCH, so this is how a watch that
        // left is noticed in a session.
        if (linked !== undefined) throw new LinkLost(`the watch has not been heard for ${Math.round(this.#o.beaconTimeoutMs / 1000)} s`);
        problems.push('no beacon');
        attempt++;
        continue;
      }
      const early = o.pickBeacon?.(b);
      if (early !== undefined) return early;
      this.#inbox.drain();
      const tx = await this.send(command, o.signal);
      if (tx !== 'completed') {
        problems.push(tx === 'failed' ? 'transfer failed' : 'the stick did not report the transfer');
        if (++txFailures >= txTries) break;
        continue;
      }
      attempt++;
      const r = await this.#awaitResponse(o, linked);
      if (r.ok) return r.value;
      if (r.reason === 'timeout' && o.onTimeout) throw o.onTimeout();
      problems.push(r.reason);
    }
    throw new FitkitError('antfs_no_response', `no usable answer from the watch to ${o.what} after ${problems.length} tries (${summarise(problems)})`);
  }

  async #awaitResponse<T>(o: TransactOptions<T>, linked: number | undefined): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    const clock = this.#o.clock;
    const hard = clock.now() + o.timeoutMs;
    let deadline = o.answerMs === undefined ? hard : Math.min(hard, clock.now() + o.answerMs);
    for (;;) {
      const item = await this.#inbox.next(deadline - clock.now(), o.signal);
      if (!item) return { ok: false, reason: deadline < hard ? 'answer lost' : 'timeout' };
      switch (item.kind) {
        case 'burst': {
          const { beacon, response } = decodeResponseBurst(item.data);
          if (beacon) this.lastBeacon = beacon;
          const v = response && o.pick(response, beacon);
          if (v !== undefined) return { ok: true, value: v };
          break;
        }
        case 'burst_failed':
          return { ok: false, reason: `burst lost (${item.reason})` };
        case 'event':
          if (item.code === Code.EVENT_RX_FAIL_GO_TO_SEARCH) throw new LinkLost('the watch went out of range (RX_FAIL_GO_TO_SEARCH)');
          if (item.code === Code.EVENT_CHANNEL_CLOSED || item.code === Code.EVENT_RX_SEARCH_TIMEOUT) {
            this.#open = false;
            throw new LinkLost(`channel closed (${codeName(item.code)})`);
          }
          break;
        case 'broadcast': {
          const b = decodeBeacon(item.data);
          if (!b) break;
          this.lastBeacon = b;
          if (linked !== undefined) checkLinked(b, linked);
          const v = o.pickBeacon?.(b);
          if (v !== undefined) return { ok: true, value: v };
          // Still BUSY: the watch is working on it.
          if (o.answerMs !== undefined && b.state === 'busy') deadline = Math.min(hard, clock.now() + o.answerMs);
          break;
        }
      }
    }
  }
}

/** A beacon in LINK, or addressed to another host, means the watch dropped our session. */
function checkLinked(b: Beacon, hostSerial: number): void {
  if (b.state === 'link') throw new LinkLost('the watch went back to LINK');
  if (b.hostSerial !== hostSerial) throw new LinkLost('the watch is talking to another host');
}

const TX_TRIES = 24;

function summarise(problems: string[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([p, n]) => (n > 1 ? `${p} ×${n}` : p)).join(', ');
}
