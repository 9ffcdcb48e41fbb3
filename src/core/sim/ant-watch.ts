/**
 * A simulated ANT-FS watch (docs/architecture.md), FR310XT-like by default: the ANT master
 * and ANT-FS client behind the simulated stick (ant-stick.ts), which asks it what it transmits
 * in each of its channel periods and hands it what the host sent.
 *
 * LINK beacons on 2450 MHz with its product number; the LINK command moves it to the host's
 * frequency in AUTH; the serial request answers name and serial; pairing waits for a simulated
 * user who accepts, declines or never answers; the passkey is checked against the one it gave
 * that host serial. In TRANSPORT it serves the directory (index 0) and its files in blocks of at
 * most `blockSize`, BUSY while "reading flash", with a CRC per block from the request's seed, and
 * checks the seed of a continuation (initial = 0) against the file's own CRC, answering 5 when
 * they differ. It drops back to LINK on DISCONNECT, after the command timeout, after a link the
 * host never followed, and after being out of range for a while.
 *
 * `realistic` makes it behave as the Forerunner 310XT in Garmin's capture (docs/ant-fs.md): the
 * beacon at the head of an answer burst says BUSY; after each burst it broadcasts the burst's
 * last packet once more (a broadcast that is not a beacon); an answer the host missed is not sent
 * again; directory header times are 0; the passkey accept carries client serial 0. With
 * `searchDelaysMs` a fresh search only finds it after that long (per round of the host).
 *
 * Built on the codecs (beacon, command, response, directory, CRC), never on the host engine.
 */
import { crc16 } from '../bytes/crc16.js';
import { seededRng, type Rng } from '../platform/random.js';
import { PERIOD_BY_CODE, encodeBeacon, type ClientStateName } from '../antfs/beacon.js';
import { AuthRequest, decodeCommand, type Command } from '../antfs/command.js';
import { encodeDirectory, FileFlag, FIT_DATA_TYPE, TimeFormat, type DirectoryEntry } from '../antfs/directory.js';
import { AuthResponse, DownloadCode, encodeAuthResponse, encodeDownloadResponse, encodeEraseResponse, EraseCode } from '../antfs/response.js';
import { FIT_EPOCH_S } from '../fit/kit/time.js';
import { WATCH_MODELS, watchFiles, type WatchFile, type WatchModel } from './watch-files.js';
import { concatBytes } from '../bytes/concat.js';

export const LINK_FREQUENCY = 50;

/** One file in the watch's table. */
export interface SimAntFile {
  index: number;
  dataType: number;
  subType: number;
  number: number;
  flags: number;
  /** Raw ANT-FS date (FIT seconds, or system time below 0x10000000). */
  date: number;
  bytes: Uint8Array;
  /** Listed size when it differs from bytes (unreadable entries too big to hold). */
  size?: number;
  /** Where it came from (watchFiles path), for tests. */
  source?: string;
}

export type PairingAnswer = 'accept' | 'reject' | 'ignore';

export interface SimAntWatchOptions {
  /** The ANT-FS network key the watch listens on; a host with another key never hears it. */
  networkKey: Uint8Array;
  model?: WatchModel;
  serial?: number;
  name?: string;
  /** Garmin product number in LINK beacons. */
  deviceType?: number;
  manufacturer?: number;
  /** Beacon period code: 4 = 8 Hz (310XT), 1 = 1 Hz (405). */
  periodCode?: number;
  /** Files to carry (default: watchFiles(model), plus a non-FIT entry). */
  files?: WatchFile[];
  /** A ready file table instead (e.g. fr310xt-capture.ts); `files` is then ignored. */
  table?: SimAntFile[];
  /** Behave as the FR310XT in Garmin's capture (see above). */
  realistic?: boolean;
  /** A fresh search only hears the watch this long after it began, per host round (1-based; the last repeats). */
  searchDelaysMs?: number[];
  pairingEnabled?: boolean;
  dataAvailable?: boolean;
  /** What the user does when asked to pair. */
  user?: PairingAnswer;
  /** How long the user takes to press a button. */
  userDelayMs?: number;
  /** Largest block it sends (Garmin: about 512). */
  blockSize?: number;
  /** BUSY time after a download request. */
  flashDelayMs?: number;
  /** No command for this long in AUTH/TRANSPORT: back to LINK (§2.1: 60 s). */
  commandTimeoutMs?: number;
  /** After LINK, no command on the new frequency for this long: back to LINK. */
  linkTimeoutMs?: number;
  /** Out of range longer than this: the link is lost, back to LINK when it returns. */
  lostLinkMs?: number;
  /** Act as a Forerunner 405: Garmin packet protocol, refuses the directory (§2.8). */
  legacy?: boolean;
  /** The pairing accept carries client serial 0 (310XT quirk, §2.4). */
  zeroSerialOnPairing?: boolean;
  /** Give files new indices after each completed download, or at the end of each session (antpm). */
  renumber?: 'never' | 'after-download' | 'after-session';
  /** Set the archived flag on files once downloaded. */
  archiveAfterDownload?: boolean;
  /** Hosts it is paired with: host serial → passkey. */
  passkeys?: Map<number, Uint8Array>;
  seed?: number;
}

export interface SimAntWatchFaults {
  /** Download requests to leave unanswered (the host must time out and ask again). */
  ignoreRequests?: number;
  /** Download requests to answer NOT_READY (3). */
  notReady?: number;
  /** Walk out of range once this many more file bytes have gone out in download responses. */
  leaveRangeAfterBytes?: number;
  /** How long it stays away (default 30 s: long enough to lose the link). */
  outOfRangeMs?: number;
  /** Reject every passkey, as after a reset of the watch. */
  rejectPasskey?: boolean;
  /** Files (by watchFiles path) whose every block goes out with a wrong CRC: a damaged file. */
  damaged?: string[];
}

export type Transmission = { kind: 'broadcast'; data: Uint8Array } | { kind: 'burst'; data: Uint8Array; cutAfterPackets?: number };

interface Pending {
  readyAt: number;
  data: Uint8Array;
  /** After it went out. */
  then?: () => void;
  /** File bytes it carries (for the out-of-range fault). */
  fileBytes?: number;
}

const FOLDER_TYPES: Record<string, number> = { Activity: 4, Activities: 4, Monitor: 32, Settings: 2, Sports: 3, Totals: 10, Courses: 6, Workouts: 5 };

export class SimAntWatch {
  readonly serial: number;
  readonly name: string;
  readonly deviceType: number;
  readonly manufacturer: number;
  readonly networkKey: Uint8Array;
  /** ANT channel ID of the master: device number = low 16 bits of the serial, type 1, transmission type 5. */
  readonly deviceNumber: number;
  readonly antDeviceType = 1;
  readonly transmissionType = 5;
  files: SimAntFile[];
  passkeys: Map<number, Uint8Array>;
  faults: SimAntWatchFaults = {};
  /** What happened, for tests: commands received, pairings, downloads completed. */
  readonly log: string[] = [];
  /** Completed downloads per source path. */
  readonly downloads = new Map<string, number>();
  user: PairingAnswer;
  #o: Required<Omit<SimAntWatchOptions, 'model' | 'files' | 'table' | 'passkeys' | 'seed' | 'networkKey'>>;
  /** Realistic: the last packet of the burst just sent, broadcast once more. */
  #echo: Uint8Array | undefined;
  #rng: Rng;
  #state: ClientStateName = 'link';
  #frequency = LINK_FREQUENCY;
  #periodCode: number;
  #hostSerial = 0;
  #lastCommandAt = 0;
  #linkedAt = 0;
  #commandSinceLink = false;
  #pending: Pending | undefined;
  #busyUntil = 0;
  #away = false;
  #awayUntil = 0;
  #awaySince = 0;
  #directory: Uint8Array | undefined;
  #nextIndex: number;
  #powerOnMs: number | undefined;
  #prefix = new WeakMap<Uint8Array, { offset: number; crc: number }>();

  constructor(o: SimAntWatchOptions) {
    const model = o.model ?? WATCH_MODELS.fr310xt;
    const legacy = o.legacy ?? false;
    this.networkKey = o.networkKey.slice();
    this.serial = o.serial ?? model.serial;
    this.name = o.name ?? (legacy ? 'Forerunner 405' : model.name);
    this.deviceType = o.deviceType ?? (legacy ? 717 : model.product);
    this.manufacturer = o.manufacturer ?? 1;
    this.deviceNumber = this.serial & 0xffff;
    this.#o = {
      serial: this.serial,
      name: this.name,
      deviceType: this.deviceType,
      manufacturer: this.manufacturer,
      periodCode: o.periodCode ?? (legacy ? 1 : 4),
      pairingEnabled: o.pairingEnabled ?? true,
      dataAvailable: o.dataAvailable ?? true,
      user: o.user ?? 'accept',
      userDelayMs: o.userDelayMs ?? 4000,
      blockSize: o.blockSize ?? 512,
      flashDelayMs: o.flashDelayMs ?? 150,
      commandTimeoutMs: o.commandTimeoutMs ?? 60_000,
      linkTimeoutMs: o.linkTimeoutMs ?? 20_000,
      lostLinkMs: o.lostLinkMs ?? 10_000,
      legacy,
      zeroSerialOnPairing: o.zeroSerialOnPairing ?? true,
      renumber: o.renumber ?? 'never',
      archiveAfterDownload: o.archiveAfterDownload ?? true,
      realistic: o.realistic ?? false,
      searchDelaysMs: o.searchDelaysMs ?? [],
    };
    this.user = this.#o.user;
    this.#periodCode = this.#o.periodCode;
    this.#rng = seededRng(o.seed ?? 310);
    this.passkeys = o.passkeys ?? new Map();
    this.files = o.table ?? buildTable(o.files ?? watchFiles(model));
    this.#nextIndex = Math.max(0, ...this.files.map((f) => f.index)) + 1;
  }

  // ---- radio view -----------------------------------------------------------------------------

  get state(): ClientStateName {
    return this.#state;
  }
  get frequency(): number {
    return this.#frequency;
  }
  /** Channel period in 1/32768 s. */
  get channelPeriod(): number {
    return PERIOD_BY_CODE[this.#periodCode] ?? 4096;
  }
  get hostSerial(): number {
    return this.#hostSerial;
  }

  /** How long a fresh search in host round `round` (1-based) takes to hear this watch. */
  searchDelayMs(round: number): number {
    const d = this.#o.searchDelaysMs;
    return d.length ? d[Math.min(Math.max(round, 1), d.length) - 1] : 0;
  }

  inRange(now: number): boolean {
    if (this.#away && now >= this.#awayUntil) {
      this.#away = false;
      // Away long enough and the link is gone: the watch starts over in LINK.
      if (now - this.#awaySince > this.#o.lostLinkMs) this.#toLink('lost the host');
    }
    return !this.#away;
  }

  /** Walk away now (for `ms`, or until enterRange()). */
  leaveRange(now: number, ms = Number.POSITIVE_INFINITY): void {
    this.#away = true;
    this.#awaySince = now;
    this.#awayUntil = now + ms;
    this.#pending = undefined;
    this.log.push('left range');
  }

  enterRange(): void {
    this.#awayUntil = 0;
  }

  // ---- what the stick calls -------------------------------------------------------------------

  /** The watch's transmission in this channel period. */
  transmit(now: number): Transmission {
    this.#powerOnMs ??= now - 3_600_000;
    this.#timeouts(now);
    if (this.#echo) {
      const data = this.#echo;
      this.#echo = undefined;
      return { kind: 'broadcast', data };
    }
    const p = this.#pending;
    if (p && now >= p.readyAt) {
      this.#pending = undefined;
      this.#busyUntil = 0;
      // The real 310XT's answer burst starts with a BUSY beacon; it is back in TRANSPORT after.
      const head = this.#beacon();
      if (this.#state === 'busy') this.#state = 'transport';
      const data = concatBytes(this.#o.realistic ? head : this.#beacon(), p.data);
      if (this.#o.realistic) this.#echo = data.slice(data.length - 8);
      const limit = this.faults.leaveRangeAfterBytes;
      if (p.fileBytes && limit !== undefined) {
        if (p.fileBytes > limit) {
          this.faults.leaveRangeAfterBytes = undefined;
          // Gone in the middle of this burst: the host gets part of it, then RX failures.
          this.leaveRange(now, this.faults.outOfRangeMs ?? 30_000);
          return { kind: 'burst', data, cutAfterPackets: Math.max(1, Math.floor(data.length / 16)) };
        }
        this.faults.leaveRangeAfterBytes = limit - p.fileBytes;
      }
      p.then?.();
      return { kind: 'burst', data };
    }
    return { kind: 'broadcast', data: this.#beacon() };
  }

  /** What the host sent (acknowledged or burst) arrived; the stick reports it delivered. */
  receive(now: number, bytes: Uint8Array): void {
    this.#timeouts(now);
    const c = decodeCommand(bytes);
    if (!c) return;
    this.log.push(describe(c));
    if (c.type === 'link') return this.#link(now, c);
    if (this.#state === 'link') return;
    this.#lastCommandAt = now;
    this.#commandSinceLink = true;
    switch (c.type) {
      case 'disconnect':
        return this.#toLink('disconnect');
      case 'auth':
        return this.#auth(now, c);
      case 'ping':
        return;
      case 'download':
        return this.#download(now, c);
      case 'erase':
        return this.#erase(now, c.index);
    }
  }

  // ---- states ---------------------------------------------------------------------------------

  #beacon(): Uint8Array {
    return encodeBeacon({
      requestToSend: false,
      dataAvailable: this.#o.dataAvailable,
      uploadEnabled: false,
      pairingEnabled: this.#o.pairingEnabled,
      periodCode: this.#periodCode,
      state: this.#state,
      authType: 3,
      deviceType: this.deviceType,
      manufacturer: this.manufacturer,
      hostSerial: this.#hostSerial,
    });
  }

  #timeouts(now: number): void {
    if (this.#state === 'link') return;
    if (this.#state === 'busy' && this.#busyUntil && now >= this.#busyUntil && !this.#pending) this.#state = 'transport';
    if (!this.#commandSinceLink && now - this.#linkedAt > this.#o.linkTimeoutMs) return this.#toLink('the host did not follow the link');
    if (now - this.#lastCommandAt > this.#o.commandTimeoutMs) this.#toLink('command timeout');
  }

  #toLink(why: string): void {
    if (this.#state !== 'link') this.log.push(`back to LINK: ${why}`);
    this.#echo = undefined;
    if (this.#state !== 'link' && this.#o.renumber === 'after-session') this.#renumber();
    this.#state = 'link';
    this.#frequency = LINK_FREQUENCY;
    this.#periodCode = this.#o.periodCode;
    this.#hostSerial = 0;
    this.#pending = undefined;
  }

  #link(now: number, c: Extract<Command, { type: 'link' }>): void {
    if (this.#state !== 'link' || this.#frequency !== LINK_FREQUENCY) return;
    this.#state = 'auth';
    this.#hostSerial = c.hostSerial;
    // Both retune after the acknowledgement: from the next period on, the new frequency.
    this.#frequency = c.frequency;
    if (c.periodCode !== 7 && PERIOD_BY_CODE[c.periodCode] !== undefined) this.#periodCode = c.periodCode;
    this.#linkedAt = now;
    this.#lastCommandAt = now;
    this.#commandSinceLink = false;
  }

  #auth(now: number, c: Extract<Command, { type: 'auth' }>): void {
    if (this.#state !== 'auth' || c.hostSerial !== this.#hostSerial || this.#pending) return;
    const reply = (data: Uint8Array, delay = 0, then?: () => void) => (this.#pending = { readyAt: now + delay, data, then });
    switch (c.request) {
      case AuthRequest.SERIAL:
        return void reply(encodeAuthResponse(AuthResponse.NOT_APPLICABLE, this.serial, Buffer.from(this.name, 'latin1')));
      case AuthRequest.PASSKEY: {
        const known = this.passkeys.get(c.hostSerial);
        const ok = !this.faults.rejectPasskey && known !== undefined && equal(known, c.data);
        this.log.push(ok ? 'passkey accepted' : 'passkey rejected');
        const serial = ok && this.#o.realistic ? 0 : this.serial;
        return void reply(encodeAuthResponse(ok ? AuthResponse.ACCEPT : AuthResponse.REJECT, serial), 0, () => (ok ? (this.#state = 'transport') : this.#toLink('passkey rejected')));
      }
      case AuthRequest.PAIRING: {
        if (!this.#o.pairingEnabled) return void reply(encodeAuthResponse(AuthResponse.REJECT, this.serial), 0, () => this.#toLink('pairing disabled'));
        this.log.push(`pairing prompt: ${Buffer.from(c.data).toString('latin1')}`);
        if (this.user === 'ignore') return;
        if (this.user === 'reject') return void reply(encodeAuthResponse(AuthResponse.REJECT, this.serial), this.#o.userDelayMs, () => this.#toLink('pairing declined'));
        const passkey = Uint8Array.from({ length: 8 }, () => Math.floor(this.#rng() * 256));
        const host = c.hostSerial;
        return void reply(encodeAuthResponse(AuthResponse.ACCEPT, this.#o.zeroSerialOnPairing ? 0 : this.serial, passkey), this.#o.userDelayMs, () => {
          this.passkeys.set(host, passkey);
          this.log.push('paired');
          this.#state = 'transport';
        });
      }
    }
  }

  #download(now: number, c: Extract<Command, { type: 'download' }>): void {
    if ((this.#state !== 'transport' && this.#state !== 'busy') || this.#pending) return;
    if (this.faults.ignoreRequests) {
      this.faults.ignoreRequests--;
      return;
    }
    const respond = (code: number, total = 0, data = new Uint8Array(0), crc = 0, then?: () => void) => {
      this.#state = 'busy';
      this.#busyUntil = now + this.#o.flashDelayMs;
      this.#pending = { readyAt: this.#busyUntil, data: encodeDownloadResponse({ code, offset: c.offset, total, data, crc }), then, fileBytes: c.index ? data.length : 0 };
    };
    if (this.faults.notReady) {
      this.faults.notReady--;
      return respond(DownloadCode.NOT_READY);
    }
    // Garmin's packet-protocol watches have no FIT directory to give (§2.8).
    if (this.#o.legacy) return respond(DownloadCode.NOT_FOUND);
    let bytes: Uint8Array;
    let file: SimAntFile | undefined;
    if (c.index === 0) {
      if (c.offset === 0 || !this.#directory) this.#directory = this.#directoryBytes(now);
      bytes = this.#directory;
    } else {
      file = this.files.find((f) => f.index === c.index);
      if (!file) return respond(DownloadCode.NOT_FOUND);
      if (!(file.flags & FileFlag.READ)) return respond(DownloadCode.NOT_DOWNLOADABLE);
      bytes = file.bytes;
    }
    if (c.offset > bytes.length) return respond(DownloadCode.INVALID_REQUEST, bytes.length);
    // A continuation must carry the CRC of everything before it (§2.5, §6.2).
    if (!c.initial && c.offset > 0 && c.crcSeed !== this.#crcBefore(bytes, c.offset)) {
      this.log.push(`bad CRC seed for file ${c.index} at ${c.offset}`);
      return respond(DownloadCode.CRC_INCORRECT, bytes.length);
    }
    const cap = c.maxBlock ? Math.min(c.maxBlock, this.#o.blockSize) : this.#o.blockSize;
    const n = Math.min(cap, bytes.length - c.offset);
    const data = bytes.slice(c.offset, c.offset + n);
    const last = c.offset + n === bytes.length;
    const crc = crc16(data, 0, n, c.crcSeed) ^ (file?.source && this.faults.damaged?.includes(file.source) ? 0x5a5a : 0);
    respond(DownloadCode.OK, bytes.length, data, crc, last && file ? () => this.#downloaded(file) : undefined);
  }

  /** CRC of bytes[0, offset), extended from the last one asked for (downloads move forward). */
  #crcBefore(bytes: Uint8Array, offset: number): number {
    let p = this.#prefix.get(bytes);
    if (!p || p.offset > offset) p = { offset: 0, crc: 0 };
    p = { offset, crc: crc16(bytes, p.offset, offset, p.crc) };
    this.#prefix.set(bytes, p);
    return p.crc;
  }

  #downloaded(file: SimAntFile): void {
    const key = file.source ?? String(file.index);
    this.downloads.set(key, (this.downloads.get(key) ?? 0) + 1);
    if (this.#o.archiveAfterDownload) file.flags |= FileFlag.ARCHIVED;
    if (this.#o.renumber === 'after-download') this.#renumber();
  }

  #erase(now: number, index: number): void {
    if (this.#state !== 'transport' || this.#pending) return;
    const file = this.files.find((f) => f.index === index);
    const ok = file !== undefined && (file.flags & FileFlag.ERASE) !== 0;
    if (ok) this.files = this.files.filter((f) => f !== file);
    this.log.push(`erase ${index}: ${ok ? 'done' : 'refused'}`);
    this.#pending = { readyAt: now + this.#o.flashDelayMs, data: encodeEraseResponse(ok ? EraseCode.OK : EraseCode.FAILED) };
  }

  /** New indices for every file, in a shuffled order (antpm's observation, §2.6). */
  #renumber(): void {
    const order = this.files.map((f) => ({ f, k: this.#rng() })).sort((a, b) => a.k - b.k);
    for (const { f } of order) f.index = this.#nextIndex++;
    this.files.sort((a, b) => a.index - b.index);
  }

  #directoryBytes(now: number): Uint8Array {
    const entries: DirectoryEntry[] = this.files.map((f) => ({
      index: f.index,
      dataType: f.dataType,
      subType: f.subType,
      number: f.number,
      dataFlags: 0,
      flags: f.flags,
      size: f.size ?? f.bytes.length,
      date: f.date,
    }));
    // The capture's 310XT leaves both header times 0.
    const systemTime = this.#o.realistic ? 0 : Math.floor((now - (this.#powerOnMs ?? now)) / 1000);
    const modified = this.#o.realistic ? 0 : Math.max(0, ...this.files.map((f) => f.date));
    return encodeDirectory({ version: 0x01, timeFormat: TimeFormat.AUTO, systemTime, modified, entries });
  }
}

/**
 * The file table from watch files: index from 1 in order, FIT type from file_id (or the folder
 * for an empty file), dates from mtime. Realistic extras (§6.2): the Totals file carries a
 * "system time" date, and a non-FIT entry (data type 1) sits among them.
 */
export function buildTable(files: WatchFile[]): SimAntFile[] {
  const table: SimAntFile[] = files.map((w, i) => {
    const folder = w.path.split('/')[1] ?? '';
    const subType = w.fileType ?? FOLDER_TYPES[folder] ?? 4;
    const date = Math.floor(w.mtimeMs / 1000) - FIT_EPOCH_S;
    const flags = FileFlag.READ | (subType === 4 || subType === 32 || subType === 15 ? FileFlag.ERASE : FileFlag.WRITE) | (i === 0 ? FileFlag.ARCHIVED : 0);
    return { index: i + 1, dataType: FIT_DATA_TYPE, subType, number: subType === 4 ? 0 : i, flags, date, bytes: w.bytes, source: w.path };
  });
  const totals = table.find((f) => f.subType === 10);
  if (totals) totals.date = 0x00054321;
  table.push({ index: table.length + 1, dataType: 1, subType: 0, number: 0, flags: FileFlag.READ, date: table[0]?.date ?? 0, bytes: Uint8Array.from({ length: 100 }, (_, k) => k) });
  return table;
}

function describe(c: Command): string {
  switch (c.type) {
    case 'link':
      return `LINK ${2400 + c.frequency} MHz, period code ${c.periodCode}, host ${c.hostSerial}`;
    case 'auth':
      return `AUTH request ${c.request}`;
    case 'download':
      return `DOWNLOAD ${c.index} at ${c.offset}${c.initial ? ' (initial)' : ''}`;
    case 'erase':
      return `ERASE ${c.index}`;
    case 'disconnect':
      return 'DISCONNECT';
    case 'ping':
      return 'PING';
    default:
      return `command 0x${c.id.toString(16)}`;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
