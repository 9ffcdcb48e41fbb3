/**
 * ANT-FS watches as sync devices: each ANT USB stick (0fcf:1004 USB1, 0fcf:1008 ANTUSB2,
 * 0fcf:1009 ANTUSB-m; ant/stick-models.ts) is a candidate; opening it sets the stick up, finds a watch in range, links and authenticates
 * (pairing on first contact), and gives a DeviceSession over the watch's FIT files.
 *
 * Configuration (see antfs/network-key.ts and antfs/passkey-store.ts):
 *   network key  FITKIT_ANTFS_NETWORK_KEY, else `<config dir>/antfs.json` {"networkKey": "…"}
 *   passkeys     `<config dir>/antfs/passkeys/<serial>.json`, mode 0600
 *   host serial  `<config dir>/antfs/host.json`
 *
 * Files are listed under stable paths (antfs/file-name.ts); their directory index is looked up
 * again before a download when the watch has shown it renumbers. A file whose download fails
 * `giveUpAfter` times in one session is refused for the rest of it, so a damaged file cannot
 * eat the session; the sync state keeps the count across sessions.
 */
import { join } from 'node:path';
import { systemClock, type Clock } from '../../platform/clock.js';
import { randomRng, seededRng } from '../../platform/random.js';
import { AntStick, type AntStickOptions } from '../../ant/stick.js';
import { ANT_STICKS, antStickModel } from '../../ant/stick-models.js';
import { crc16 } from '../../bytes/crc16.js';
import { FitkitError } from '../../errors.js';
import { configDir } from '../../platform/xdg.js';
import { entryTimeMs, isFitEntry, isReadable, type Directory, type DirectoryEntry } from '../../antfs/directory.js';
import { entryPaths } from '../../antfs/file-name.js';
import { AntFsHost, type AntFsTimeouts, type ClientInfo } from '../../antfs/host.js';
import { loadNetworkKey } from '../../antfs/network-key.js';
import { PasskeyStore } from '../../antfs/passkey-store.js';
import type { UsbBackend, UsbDevice } from '../../usb/backend.js';
import type { DeviceCandidate, DeviceIdentity, DeviceProvider, DeviceSession, DownloadOptions, RemoteFile } from '../device-source.js';

export { ANT_STICKS };

export function isAntStick(d: UsbDevice): boolean {
  return antStickModel(d.info) !== undefined;
}

export interface AntProviderOptions {
  /** The ANT-FS network key; by default read at open() from the environment or config file. */
  networkKey?: Uint8Array;
  env?: NodeJS.ProcessEnv;
  /** fitkit's config dir (default: XDG from `env`); passkeys and the host serial live in its `antfs/`. */
  configDir?: string;
  clock?: Clock;
  /** Seeds the transport-frequency choice and a first host serial; default: random. */
  seed?: number;
  /** Our ANT-FS host serial; default: made once and kept in `<config dir>/antfs/host.json`. */
  hostSerial?: number;
  /** Pair with watches we hold no passkey for (default true; false in unattended runs). */
  pairing?: boolean;
  /** Shown on the watch when pairing (default "fitkit"). */
  hostName?: string;
  timeouts?: Partial<AntFsTimeouts>;
  transportFrequency?: number;
  maxBlockSize?: number;
  maxBlockFailures?: number;
  maxReconnects?: number;
  commandTries?: number;
  /** Failed downloads of one file in a session before it is refused (default 2). */
  giveUpAfter?: number;
  /** Idle time after which an open session PINGs the watch (default 20 s; its timeout is 60 s). */
  keepAliveMs?: number;
  /** Stick driver knobs (USB read timeout, reply timeouts). */
  stick?: Omit<AntStickOptions, 'clock' | 'log' | 'trace'>;
  /** Progress and problems, one line each. Never includes the network key. */
  log?: (line: string) => void;
  /** Every ANT message as hex (debugging); Set Network Key is redacted. */
  trace?: (line: string) => void;
}

export class AntProvider implements DeviceProvider {
  readonly transport = 'ant' as const;
  #backend: UsbBackend;
  #o: AntProviderOptions;

  constructor(backend: UsbBackend, options: AntProviderOptions = {}) {
    this.#backend = backend;
    this.#o = options;
  }

  async scan(): Promise<DeviceCandidate[]> {
    const devices = await this.#backend.devices();
    return devices.filter(isAntStick).map((d) => {
      const s = antStickModel(d.info)!;
      return {
        transport: 'ant',
        location: d.info.location,
        label: `ANT stick ${s.name} (0fcf:${s.productId.toString(16)}) at ${d.info.location}`,
        open: (signal?: AbortSignal) => this.#open(d, signal),
      };
    });
  }

  watch(changed: () => void): () => void {
    return this.#backend.watch({ attach: (d) => isAntStick(d) && changed(), detach: () => changed() });
  }

  async #open(device: UsbDevice, signal?: AbortSignal): Promise<DeviceSession> {
    const o = this.#o;
    const env = o.env ?? process.env;
    const dir = o.configDir ?? configDir(env);
    const networkKey = o.networkKey ?? loadNetworkKey({ env, configDir: dir });
    const clock = o.clock ?? systemClock;
    const rng = o.seed === undefined ? randomRng() : seededRng(o.seed);
    const passkeys = new PasskeyStore(join(dir, 'antfs'));
    const hostSerial = o.hostSerial ?? passkeys.hostSerial(rng);
    const log = o.log ?? (() => {});
    const stick = await AntStick.open(device, { ...o.stick, clock, log, trace: o.trace });
    const host = new AntFsHost(stick, {
      clock,
      rng,
      networkKey,
      hostSerial,
      passkeys,
      hostName: o.hostName,
      pairing: o.pairing,
      timeouts: o.timeouts,
      transportFrequency: o.transportFrequency,
      maxBlockSize: o.maxBlockSize,
      maxBlockFailures: o.maxBlockFailures,
      maxReconnects: o.maxReconnects,
      commandTries: o.commandTries,
      log,
    });
    try {
      await host.start(signal);
      const client = await host.connect(signal);
      return new AntFsSession(host, client, { clock, log, giveUpAfter: o.giveUpAfter ?? 2, keepAliveMs: o.keepAliveMs ?? 20_000 });
    } catch (e) {
      await host.disconnect();
      await stick.close();
      throw e;
    }
  }
}

/** RemoteFile.ref of an ANT-FS file: its directory entry as listed. */
export interface AntFileRef {
  entry: DirectoryEntry;
}

export interface FileFailure {
  count: number;
  last: Error;
}

interface SessionOptions {
  clock: Clock;
  log: (line: string) => void;
  giveUpAfter: number;
  keepAliveMs: number;
}

export class AntFsSession implements DeviceSession {
  readonly identity: DeviceIdentity;
  readonly client: ClientInfo;
  #host: AntFsHost;
  #o: SessionOptions;
  #dir: Directory | undefined;
  /** Whether the directory must be read again before using an index. */
  #stale = false;
  /** Learned on the first re-read: does this watch renumber files within a session? */
  #renumbers: boolean | undefined;
  #failures = new Map<string, FileFailure>();
  /**
   * CRC of the bytes delivered from offset 0, per path, before and after the last chunk (the
   * caller may or may not have kept the chunk its sink threw on): a resume continues the chain.
   */
  #chains = new Map<string, Map<number, number>>();
  /** Downloads finished since the directory was last read. */
  #completedSinceRead = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #busy = 0;
  #stopKeepAlive: () => void = () => {};

  constructor(host: AntFsHost, client: ClientInfo, o: SessionOptions) {
    this.#host = host;
    this.client = client;
    this.#o = o;
    this.identity = { transport: 'ant', key: `ant:${client.serial}`, model: client.name, serial: String(client.serial) };
    this.#armKeepAlive();
  }

  /** Files whose downloads failed in this session, with the last error. */
  failures(): ReadonlyMap<string, FileFailure> {
    return this.#failures;
  }

  listFiles(signal?: AbortSignal): Promise<RemoteFile[]> {
    return this.#serial(async () => {
      const dir = await this.#readDirectory(signal);
      const fit = dir.entries.filter((e) => isFitEntry(e) && isReadable(e));
      const skipped = dir.entries.filter((e) => !fit.includes(e));
      if (skipped.length) {
        const what = skipped.map((e) => `#${e.index} (${isFitEntry(e) ? `FIT type ${e.subType}` : `data type ${e.dataType}`}, ${e.size} bytes${isReadable(e) ? '' : ', not readable'})`);
        this.#o.log(`${this.client.name}: ${skipped.length} directory entr${skipped.length === 1 ? 'y' : 'ies'} skipped (not readable FIT files): ${what.join(', ')}`);
      }
      const paths = entryPaths(fit);
      const files = fit.map((entry, i): RemoteFile => ({ path: paths[i], size: entry.size, mtimeMs: entryTimeMs(entry), ref: { entry } satisfies AntFileRef }));
      // Newest activities first (§2.5: a first sync can take an hour), then the rest by index.
      const rank = (f: RemoteFile) => ((f.ref as AntFileRef).entry.subType === 4 ? 0 : 1);
      return files.sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? (b.mtimeMs ?? 0) - (a.mtimeMs ?? 0) : 0));
    });
  }

  download(file: RemoteFile, sink: (chunk: Uint8Array) => void | Promise<void>, options: DownloadOptions = {}): Promise<void> {
    return this.#serial(async () => {
      const given = this.#failures.get(file.path);
      if (given && given.count >= this.#o.giveUpAfter) {
        throw new FitkitError('antfs_file_given_up', `${file.path}: failed ${given.count} times this session (last: ${given.last.message}); not tried again until the next sync`, {
          file: file.path,
        });
      }
      const offset = options.offset ?? 0;
      const crcSeed = offset === 0 ? 0 : this.#chains.get(file.path)?.get(offset);
      let running = crcSeed === undefined ? undefined : { bytes: offset, crc: crcSeed };
      try {
        const index = await this.#indexOf(file, options.signal);
        const r = await this.#host.download(index, {
          name: file.path,
          offset,
          crcSeed,
          expectedSize: file.size,
          signal: options.signal,
          sink: async (chunk) => {
            if (running) {
              const next = { bytes: running.bytes + chunk.length, crc: crc16(chunk, 0, chunk.length, running.crc) };
              this.#chains.set(
                file.path,
                new Map([
                  [running.bytes, running.crc],
                  [next.bytes, next.crc],
                ]),
              );
              running = next;
            }
            await sink(chunk);
          },
        });
        if (r.delivered > 0) {
          this.#completedSinceRead++;
          if (this.#renumbers !== false) this.#stale = true;
        }
      } catch (e) {
        if (!isSessionProblem(e, options.signal)) {
          const f = this.#failures.get(file.path);
          this.#failures.set(file.path, { count: (f?.count ?? 0) + 1, last: e as Error });
          if (e instanceof FitkitError && !e.file) e.file = file.path;
        }
        throw e;
      }
    });
  }

  remove(file: RemoteFile): Promise<void> {
    return this.#serial(async () => {
      const index = await this.#indexOf(file);
      await this.#host.erase(index, file.path);
      this.#stale = true;
    });
  }

  /** Disconnects the watch, closes the channel and releases the stick. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopKeepAlive();
    // Let a running operation end (its caller aborts it first), but not for ever.
    let stop = () => {};
    const cap = new Promise<void>((resolve) => (stop = this.#o.clock.setTimer(15_000, resolve)));
    await Promise.race([this.#queue.catch(() => {}), cap]);
    stop();
    try {
      await this.#host.disconnect();
    } finally {
      await this.#host.radio.stick.close();
    }
  }

  async #readDirectory(signal?: AbortSignal): Promise<Directory> {
    const before = this.#dir;
    const dir = await this.#host.directory(signal);
    // Only a download in between can show whether this watch renumbers (antpm's observation).
    if (before && this.#renumbers === undefined && this.#completedSinceRead > 0) {
      const old = new Map(before.entries.map((e) => [identity(e), e.index]));
      this.#renumbers = dir.entries.some((e) => old.has(identity(e)) && old.get(identity(e)) !== e.index);
      if (this.#renumbers) this.#o.log(`${this.client.name} renumbers its files after downloads; re-reading its directory before each one`);
    }
    this.#dir = dir;
    this.#stale = false;
    this.#completedSinceRead = 0;
    return dir;
  }

  /** The file's index now (§2.6: indices are not identities). */
  async #indexOf(file: RemoteFile, signal?: AbortSignal): Promise<number> {
    const want = (file.ref as AntFileRef).entry;
    if (!this.#dir || this.#stale) await this.#readDirectory(signal);
    const found = this.#dir!.entries.find((e) => identity(e) === identity(want) && e.size === want.size) ?? this.#dir!.entries.find((e) => identity(e) === identity(want));
    if (!found) throw new FitkitError('antfs_file_changed', `${file.path}: no longer on the watch as listed; list the files again`, { file: file.path });
    return found.index;
  }

  /** Runs operations one at a time; the keep-alive waits for a quiet spell after the last one. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new FitkitError('antfs_closed', 'the ANT-FS session is closed'));
    this.#busy++;
    this.#stopKeepAlive();
    const run = this.#queue.then(op, op).finally(() => {
      if (--this.#busy === 0) this.#armKeepAlive();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #armKeepAlive(): void {
    if (this.#closed || this.#o.keepAliveMs <= 0) return;
    this.#stopKeepAlive();
    this.#stopKeepAlive = this.#o.clock.setTimer(this.#o.keepAliveMs, () => {
      this.#stopKeepAlive = () => {};
      if (this.#closed || this.#busy) return;
      // A failed ping is not an error: the next operation finds the watch again if it must.
      this.#serial(() => this.#host.ping()).catch((e: Error) => this.#o.log(`keep-alive ping to ${this.client.name} failed: ${e.message}`));
    });
  }
}

function identity(e: DirectoryEntry): string {
  return `${e.dataType}/${e.subType}/${e.number}/${e.date}`;
}

/** Not the file's fault: the session ended or the caller stopped it. */
function isSessionProblem(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return e instanceof FitkitError && (e.code === 'device_gone' || e.code === 'cancelled' || e.code === 'ant_closed' || e.code === 'ant_timeout' || e.code === 'ant_usb');
}
