/**
 * The ANT-FS host (docs/ant-fs.md): find a watch's beacon, link it to a frequency of our
 * choosing, authenticate (serial request; our stored passkey, or pairing the first time, which
 * the user accepts on the watch), then read the directory and files, erase on request, and
 * disconnect. A watch lost mid-session (out of range, §6.5) is found again — it may come back on
 * the transport frequency still linked, or reset to LINK and need the link and passkey again —
 * and the download goes on from the last good offset. Garmin's older packet-protocol watches
 * (FR405/410) are recognised and refused instead of hung on.
 *
 * Connecting is done in rounds, as Garmin's own agent does in the capture (docs/ant-fs.md): each
 * round resets the stick, sets the channel up, searches (with its own deadline: one search there
 * took 34 s), links and authenticates; a round that fails (LINK failing 8 times in a row, the
 * serial request failing, the watch not following) ends with DISCONNECT when the watch is linked,
 * and the next round starts, for about 2 minutes. Commands are tried more than 8 times each,
 * since failures come in runs of 8. A download answer that does not come within about a second
 * of the last BUSY beacon is asked for again.
 */
import type { Clock } from '../platform/clock.js';
import { pick, type Rng } from '../platform/random.js';
import type { AntStick } from '../ant/stick.js';
import { FitkitError } from '../errors.js';
import type { Beacon } from './beacon.js';
import { authCommand, AuthRequest, disconnectCommand, eraseCommand, linkCommand, pingCommand } from './command.js';
import { parseDirectory, type Directory } from './directory.js';
import { downloadBlocks, type BlockDownloadOptions, type BlockDownloadResult, type DownloadResponse } from './download.js';
import type { PasskeyStore } from './passkey-store.js';
import { AntFsRadio, LinkLost, type TransactOptions } from './radio.js';
import { AuthResponse, EraseCode } from './response.js';

/** Transport frequencies antd picks from (§2.3): clear of 50 (ANT-FS link) and 57 (ANT+). */
export const TRANSPORT_FREQUENCIES = [3, 7, 15, 20, 25, 29, 34, 40, 45, 49, 54, 60, 65, 70, 75, 80] as const;

/** Names of watches that speak Garmin's packet protocol over ANT-FS "Send Direct" (§2.8). */
const LEGACY = /^Forerunner\s*4(05|10)/i;

export interface AntFsTimeouts {
  /** One round's search for a watch's beacon (the capture: up to 34 s). */
  searchMs: number;
  /** All connect rounds together, before giving up (the capture: 5 rounds in 91 s). */
  connectMs: number;
  /** A download answer: this long after the request went out, or after the last BUSY beacon (the capture: ~1 s). */
  answerMs: number;
  /** From the LINK command to the watch's AUTH beacon on the new frequency. */
  linkMs: number;
  /** An answer to a command (§6.5: 10 s). */
  responseMs: number;
  /** The user accepting pairing on the watch (§2.4: 60 s). */
  pairingMs: number;
  /** A beacon before each command. */
  beaconMs: number;
  /** Finding the watch again after losing it mid-session. */
  reconnectMs: number;
  /**
   * A whole file: this much, plus fileMsPerKiB per KiB of its size. A backstop for a watch that
   * trickles; above the retry budget (8 failed tries of 2 × 10 s) so that one decides first.
   */
  fileBaseMs: number;
  fileMsPerKiB: number;
}

export const DEFAULT_TIMEOUTS: AntFsTimeouts = {
  searchMs: 45_000,
  connectMs: 120_000,
  answerMs: 1_000,
  linkMs: 30_000,
  responseMs: 10_000,
  pairingMs: 60_000,
  beaconMs: 5_000,
  reconnectMs: 120_000,
  fileBaseMs: 300_000,
  fileMsPerKiB: 2_000,
};

export interface AntFsHostOptions {
  clock: Clock;
  rng: Rng;
  networkKey: Uint8Array;
  /** Our ANT-FS host serial; the watch keys its pairings by it (keep it stable). */
  hostSerial: number;
  passkeys: PasskeyStore;
  /** The name the watch shows when asking to pair. */
  hostName?: string;
  /** Pair with a watch we hold no passkey for (default true). */
  pairing?: boolean;
  timeouts?: Partial<AntFsTimeouts>;
  /** A fixed transport frequency (0–124) instead of a random one of TRANSPORT_FREQUENCIES. */
  transportFrequency?: number;
  /** Search timeout after the frequency hop, units of 2.5 s (default 10, openant's). */
  linkSearchTimeout?: number;
  /** Tries per command (transfer failures, lost bursts, silences); default 12, past a run of 8. */
  commandTries?: number;
  /** LINK commands per connect round (default 10). */
  linkTries?: number;
  /** Failed tries in a row at one offset before a file is given up. */
  maxBlockFailures?: number;
  /** Times per session the watch may be lost and found again. */
  maxReconnects?: number;
  /** Largest download block we ask for; 0 = the watch decides. */
  maxBlockSize?: number;
  channel?: number;
  log?: (line: string) => void;
}

export interface ClientInfo {
  serial: number;
  name: string;
  /** Garmin product number from the LINK beacon (1018 = FR310XT). */
  deviceType?: number;
  manufacturer?: number;
  /** True when this session paired (the passkey was just stored). */
  paired: boolean;
  passkeyPath: string;
}

export interface FileDownloadOptions extends Omit<BlockDownloadOptions, 'index' | 'timeoutMs' | 'maxBlockSize' | 'maxFailures'> {
  timeoutMs?: number;
}

export class AntFsHost {
  readonly radio: AntFsRadio;
  client: ClientInfo | undefined;
  #o: AntFsHostOptions;
  #t: AntFsTimeouts;
  #clock: Clock;
  #log: (line: string) => void;
  #linkBeacon: Beacon | undefined;
  #reconnects = 0;
  #authenticated = false;
  /** A LINK beacon was heard (in any round). */
  #heard = false;

  constructor(stick: AntStick, o: AntFsHostOptions) {
    this.#o = o;
    this.#t = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
    this.#clock = o.clock;
    this.#log = o.log ?? (() => {});
    this.radio = new AntFsRadio(stick, {
      clock: o.clock,
      channel: o.channel ?? 0,
      networkKey: o.networkKey,
      linkSearchTimeout: o.linkSearchTimeout ?? 10,
      beaconTimeoutMs: this.#t.beaconMs,
      log: this.#log,
    });
  }

  get stickLocation(): string {
    return this.radio.stick.location;
  }

  /** Sets the stick up for ANT-FS and starts searching on the link frequency (§1.7). */
  async start(signal?: AbortSignal): Promise<void> {
    await this.radio.init(signal);
    await this.radio.openSearch();
  }

  /**
   * Finds a watch, links and authenticates, in rounds (see above): the first round uses the
   * set-up start() made; each later one resets the stick and sets it up again.
   */
  async connect(signal?: AbortSignal): Promise<ClientInfo> {
    const started = this.#clock.now();
    const deadline = started + this.#t.connectMs;
    const problems: string[] = [];
    for (let round = 1; ; round++) {
      try {
        if (round > 1) await this.start(signal);
        await this.#link(Math.min(deadline, this.#clock.now() + this.#t.searchMs), signal);
        return await this.#authenticate(this.#o.pairing ?? true, signal);
      } catch (e) {
        const reason = roundProblem(e, signal);
        if (reason === undefined) throw e;
        problems.push(reason);
        const secs = Math.round((this.#clock.now() - started) / 1000);
        if (this.#clock.now() >= deadline) {
          if (!this.#heard) {
            throw new FitkitError(
              'antfs_no_watch',
              `no ANT-FS watch in range of the ANT stick at ${this.stickLocation} (searched ${secs} s in ${round} round${round > 1 ? 's' : ''}): wake the watch, ` +
                'enable its ANT data transfer (and pairing for the first sync) and hold it near the stick; if it still is not found, check the ANT-FS network key',
            );
          }
          throw new FitkitError('antfs_connect_failed', `could not connect to the watch in ${round} rounds over ${secs} s (${summarise(problems)}); hold it near the stick and run fitkit sync again`);
        }
        this.#log(`connect round ${round} failed (${reason}); resetting the stick for round ${round + 1}`);
        await this.#endRound();
      }
    }
  }

  /** A failed round: DISCONNECT a watch linked to us (best effort), close the channel. */
  async #endRound(): Promise<void> {
    const b = this.radio.lastBeacon;
    if (b && b.state !== 'link' && b.hostSerial === this.#o.hostSerial) {
      await this.radio.send(disconnectCommand(0)).catch(() => {});
    }
    this.radio.lastBeacon = undefined;
    this.#linkBeacon = undefined;
    this.#authenticated = false;
    await this.radio.close().catch(() => {});
  }

  async directory(signal?: AbortSignal): Promise<Directory> {
    const parts: Uint8Array[] = [];
    try {
      await this.download(0, { name: 'the ANT-FS directory', sink: (c) => void parts.push(c), signal });
    } catch (e) {
      // A FIT watch always has a directory; Garmin's packet-protocol watches refuse it (§2.8).
      if (e instanceof FitkitError && e.code === 'antfs_download_refused') throw this.#legacy('it refused the directory request');
      throw e;
    }
    return parseDirectory(Buffer.concat(parts));
  }

  /** Downloads file `index` into `o.sink` (see download.ts for retries and resume). */
  download(index: number, o: FileDownloadOptions): Promise<BlockDownloadResult> {
    const timeoutMs = o.timeoutMs ?? this.#t.fileBaseMs + Math.ceil((o.expectedSize ?? 0) / 1024) * this.#t.fileMsPerKiB;
    return downloadBlocks(
      {
        clock: this.#clock,
        log: this.#log,
        request: (command, offset, what, signal) =>
          this.#transact<DownloadResponse>(command, {
            what,
            pick: (r) => (r.type === 'download' && (r.code !== 0 || r.offset === offset) ? r : undefined),
            timeoutMs: this.#t.responseMs,
            // A lost answer is not sent again by the watch: ask again after ~1 s (the capture).
            answerMs: this.#t.answerMs,
            tries: 2,
            signal,
          }),
        recover: (reason, signal) => this.#recover(reason, signal),
      },
      { ...o, index, timeoutMs, maxBlockSize: this.#o.maxBlockSize ?? 0, maxFailures: this.#o.maxBlockFailures ?? 12 },
    );
  }

  /** Erase (§2.7): only ever asked for by the caller, after a verified copy. */
  async erase(index: number, name: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      try {
        const r = await this.#transact(eraseCommand(index), {
          what: `the erase of ${name}`,
          pick: (x) => (x.type === 'erase' ? x : undefined),
          timeoutMs: this.#t.responseMs,
          tries: this.#o.commandTries ?? 12,
          signal,
        });
        if (r.code !== EraseCode.OK) throw new FitkitError('antfs_erase_failed', `${name}: the watch did not erase it (code ${r.code})`, { file: name });
        return;
      } catch (e) {
        if (!(e instanceof LinkLost)) throw e;
        await this.#recover(e.message, signal);
      }
    }
  }

  /**
   * PING (§2.1): keeps the watch from dropping back to LINK while we are busy elsewhere. It has
   * no answer; a lost watch shows up as LinkLost, for the next command to recover from.
   */
  async ping(signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const b = await this.radio.nextBeacon(this.#t.beaconMs, signal, undefined, this.#o.hostSerial);
      if (b && (await this.radio.send(pingCommand(), signal)) === 'completed') return;
    }
  }

  /** Disconnect (back to LINK), close and unassign the channel. Never throws. */
  async disconnect(): Promise<void> {
    if (this.#authenticated || this.#linkBeacon) {
      try {
        const b = await this.radio.nextBeacon(1000);
        if (b && b.state !== 'link') await this.radio.send(disconnectCommand(0));
      } catch {
        // best effort: the watch drops back to LINK on its own after its command timeout
      }
    }
    this.#authenticated = false;
    this.#linkBeacon = undefined;
    await this.radio.shutdown();
  }

  // ---- link -----------------------------------------------------------------------------------

  /**
   * §2.3: a LINK beacon, the LINK command, both retune, the AUTH beacon naming us. Within one
   * round: LINK is sent again after the next beacon when it fails or its outcome never comes, up
   * to linkTries; a watch that does not follow ends the round.
   */
  async #link(deadline: number, signal?: AbortSignal): Promise<void> {
    const hostSerial = this.#o.hostSerial;
    const maxTries = this.#o.linkTries ?? 10;
    const searchStart = this.#clock.now();
    for (let tries = 0; ;) {
      const left = deadline - this.#clock.now();
      let b: Beacon | undefined;
      try {
        b = left > 0 ? await this.radio.nextBeacon(left, signal, (x) => x.state === 'link') : undefined;
      } catch (e) {
        if (!(e instanceof LinkLost)) throw e;
        // The search channel closed (it should not: no search timeout); open it again.
        await this.radio.openSearch();
        continue;
      }
      if (!b) {
        throw new FitkitError('antfs_no_watch', `no LINK beacon within ${Math.round((this.#clock.now() - searchStart) / 1000)} s`);
      }
      if (!this.#heard || tries === 0) this.#log(`heard a watch in LINK after ${((this.#clock.now() - searchStart) / 1000).toFixed(1)} s of search`);
      this.#heard = true;
      this.#linkBeacon = b;
      await this.radio.matchPeriod(b.periodCode);
      const freq = this.#o.transportFrequency ?? pick(this.#o.rng, TRANSPORT_FREQUENCIES);
      const tx = await this.radio.send(linkCommand(freq, this.radio.periodCode, hostSerial), signal);
      if (tx !== 'completed') {
        // Retried after the next beacon (§1.5).
        if (++tries >= maxTries) throw new FitkitError('antfs_link_failed', `LINK failed ${tries} times in a row (${tx === 'failed' ? 'transmit failed' : 'no outcome'})`);
        continue;
      }
      await this.radio.retune(freq);
      try {
        const auth = await this.radio.nextBeacon(this.#t.linkMs, signal, (x) => x.state !== 'link' && x.hostSerial === hostSerial);
        if (auth) {
          this.#log(`linked to a watch (product ${b.deviceType}, manufacturer ${b.manufacturer}) on ${2400 + freq} MHz`);
          return;
        }
      } catch (e) {
        if (!(e instanceof LinkLost)) throw e;
      }
      throw new FitkitError('antfs_link_failed', `the watch did not follow to ${2400 + freq} MHz`);
    }
  }

  // ---- authentication -------------------------------------------------------------------------

  /** §2.4: serial request; then our passkey, or pairing the first time. */
  async #authenticate(allowPairing: boolean, signal?: AbortSignal, expectSerial?: number): Promise<ClientInfo> {
    const hostSerial = this.#o.hostSerial;
    const tries = this.#o.commandTries ?? 12;
    const id = await this.#transact(authCommand(AuthRequest.SERIAL, hostSerial), {
      what: 'the serial request',
      pick: (r) => (r.type === 'auth' ? r : undefined),
      timeoutMs: this.#t.responseMs,
      tries,
      signal,
    });
    const serial = id.clientSerial;
    const name = ascii(id.data) || 'ANT-FS watch';
    if (expectSerial !== undefined && serial !== expectSerial) throw gone(`a different watch answered (serial ${serial}, expected ${expectSerial})`);
    const store = this.#o.passkeys;
    const info: ClientInfo = {
      serial,
      name,
      deviceType: this.#linkBeacon?.deviceType,
      manufacturer: this.#linkBeacon?.manufacturer,
      paired: false,
      passkeyPath: store.pathFor(serial),
    };
    this.client = info;
    if (LEGACY.test(name)) throw this.#legacy('by its name');
    const who = `${name} (serial ${serial})`;
    const stored = store.get(serial);
    if (stored) {
      const r = await this.#transact(authCommand(AuthRequest.PASSKEY, hostSerial, stored.passkey), {
        what: 'the passkey',
        pick: (x) => (x.type === 'auth' ? x.result : undefined),
        // The answer burst may be lost while the watch already moved on to TRANSPORT.
        pickBeacon: (b) => (b.state === 'transport' || b.state === 'busy' ? AuthResponse.ACCEPT : undefined),
        timeoutMs: this.#t.responseMs,
        tries,
        signal,
      });
      if (r !== AuthResponse.ACCEPT) {
        throw new FitkitError(
          'antfs_passkey_rejected',
          `${who} rejected the passkey fitkit stored for it (the watch was reset or paired with another host): delete ${info.passkeyPath} and run fitkit sync again to pair, then accept the request on the watch`,
          { file: info.passkeyPath },
        );
      }
      this.#authenticated = true;
      this.#log(`authenticated with ${who} using its stored passkey`);
      return info;
    }
    if (!allowPairing) {
      throw new FitkitError('antfs_pairing_required', `${who} is not paired with fitkit: run fitkit sync with pairing allowed and accept the request on the watch`);
    }
    if (this.radio.lastBeacon && !this.radio.lastBeacon.pairingEnabled) {
      throw new FitkitError(
        'antfs_pairing_disabled',
        `${who} is not paired with fitkit and does not allow pairing: enable pairing (and data transfer) in the watch's ANT settings, then run fitkit sync again`,
      );
    }
    const hostName = this.#o.hostName ?? 'fitkit';
    this.#log(`pairing with ${who}: accept "${hostName}" on the watch within ${Math.round(this.#t.pairingMs / 1000)} s`);
    const r = await this.#transact(authCommand(AuthRequest.PAIRING, hostSerial, Buffer.from(hostName, 'latin1')), {
      what: 'the pairing request',
      pick: (x) => (x.type === 'auth' ? x : undefined),
      // Accepted, but the answer with the passkey was lost on the way (the watch does not send it again).
      pickBeacon: (b) => (b.state === 'transport' || b.state === 'busy' ? LOST_ACCEPT : undefined),
      timeoutMs: this.#t.pairingMs,
      tries,
      onTimeout: () =>
        new FitkitError('antfs_pairing_timeout', `${who} did not answer the pairing request within ${Math.round(this.#t.pairingMs / 1000)} s: accept "${hostName}" on the watch when it asks`),
      signal,
    });
    if (r === LOST_ACCEPT) {
      this.#authenticated = true;
      this.#log(`${who} accepted pairing but its passkey was lost on the way: this sync goes on, the next one pairs again`);
      return info;
    }
    if (r.result !== AuthResponse.ACCEPT || r.data.length === 0) {
      throw new FitkitError('antfs_pairing_rejected', `pairing was declined on ${who}: run fitkit sync again and accept "${hostName}" on the watch`);
    }
    // The accept may carry client serial 0 (310XT quirk): the serial request's answer counts.
    const path = store.set(serial, { passkey: r.data, name, pairedAt: new Date(this.#clock.now()).toISOString(), hostSerial });
    info.paired = true;
    this.#authenticated = true;
    this.#log(`paired with ${who}; its passkey is stored in ${path}`);
    return info;
  }

  // ---- recovery -------------------------------------------------------------------------------

  /**
   * The watch is gone (§6.5): first listen on the transport frequency, where a short loss ends
   * with the watch still linked; once the channel gives up, search, link and authenticate again
   * with the passkey (never pairing here), insisting on the same serial.
   */
  async #recover(reason: string, signal?: AbortSignal): Promise<void> {
    const client = this.client;
    if (!client) throw gone(reason);
    const max = this.#o.maxReconnects ?? 3;
    if (++this.#reconnects > max) throw gone(`lost ${client.name} (serial ${client.serial}) ${this.#reconnects} times this session; last: ${reason}`);
    this.#log(`lost ${client.name} (${reason}); looking for it again`);
    const hostSerial = this.#o.hostSerial;
    const deadline = this.#clock.now() + this.#t.reconnectMs;
    try {
      const b = await this.radio.nextBeacon(this.#t.reconnectMs, signal, (x) => x.state !== 'link' && x.hostSerial === hostSerial);
      if (b?.state === 'transport' || b?.state === 'busy') {
        this.#log(`${client.name} is back, still linked`);
        return;
      }
      if (b?.state === 'auth') {
        await this.#authenticate(false, signal, client.serial);
        return;
      }
    } catch (e) {
      if (!(e instanceof LinkLost)) throw e;
    }
    try {
      await this.radio.openSearch();
      await this.#link(deadline, signal);
      await this.#authenticate(false, signal, client.serial);
      this.#log(`${client.name} is back`);
    } catch (e) {
      if (e instanceof LinkLost) throw gone(`lost ${client.name} again while reconnecting (${e.message})`);
      if (e instanceof FitkitError && e.code === 'antfs_no_watch') throw gone(`${client.name} did not come back in range within ${Math.round(this.#t.reconnectMs / 1000)} s (${reason})`);
      if (e instanceof FitkitError && (e.code === 'antfs_link_failed' || e.code === 'antfs_no_response')) throw gone(`could not link ${client.name} again (${e.message}; first: ${reason})`);
      throw e;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  #transact<T>(command: Uint8Array, o: TransactOptions<T>): Promise<T> {
    return this.radio.transact(command, o, this.#o.hostSerial);
  }

  #legacy(how: string): FitkitError {
    const c = this.client;
    const who = c ? `${c.name} (serial ${c.serial})` : 'the watch';
    return new FitkitError(
      'antfs_unsupported_legacy',
      `${who} is not supported: it speaks Garmin's older packet protocol over ANT (Forerunner 405/410 generation), not ANT-FS file transfer (recognised ${how})`,
    );
  }
}

/** The pairing answer was lost but the watch shows it accepted (it moved on to TRANSPORT). */
const LOST_ACCEPT = { type: 'auth', result: AuthResponse.ACCEPT, clientSerial: 0, data: new Uint8Array(0), lost: true } as const;

/** Why a connect round failed, when another round may do better; undefined for the rest. */
function roundProblem(e: unknown, signal?: AbortSignal): string | undefined {
  if (signal?.aborted) return undefined;
  if (e instanceof LinkLost) return `lost the watch: ${e.message}`;
  if (e instanceof FitkitError && ['antfs_no_response', 'antfs_link_failed', 'antfs_no_watch'].includes(e.code)) return e.message;
  return undefined;
}

function summarise(problems: string[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([p, n]) => (n > 1 ? `${p} ×${n}` : p)).join('; ');
}

function gone(reason: string): FitkitError {
  return new FitkitError('device_gone', reason);
}

/** The watch's name: Latin-1, trailing NULs stripped (§2.4). */
function ascii(b: Uint8Array): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  const nul = b.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return Buffer.from(b.subarray(0, end)).toString('latin1').trim();
}
