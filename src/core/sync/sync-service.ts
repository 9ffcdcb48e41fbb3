/**
 * Every connected device into the library, once (`fitkit sync`) or as a service that reacts to
 * hotplug (`fitkit sync --watch`).
 *
 * Watch mode: providers report that devices may have changed; after a short debounce all
 * providers are scanned and the present set is compared with the last one. An arrival is
 * synced unless that device (transport + location) finished a sync less than `minIntervalMs`
 * ago — which also swallows the detach/attach bounce of a USB reset. A departure cancels the
 * device's running job (its transfers fail anyway). ANT sticks stay plugged in while watches come
 * and go in radio range, so a present stick is searched again every `minIntervalMs`.
 * Jobs run one at a time (a Pi has one USB bus worth sharing); each logs one line per event.
 */
import { FitkitError } from '../errors.js';
import { isUsbError } from '../usb/backend.js';
import type { DeviceCandidate, DeviceProvider, DeviceSession } from './device-source.js';
import { syncDevice, type DeviceSyncReport, type SyncDeviceOptions } from './sync-device.js';

export interface DeviceError {
  transport: string;
  location: string;
  label: string;
  error: string;
}

export interface SyncServiceOptions extends Omit<SyncDeviceOptions, 'signal'> {
  providers: readonly DeviceProvider[];
  /** Watch mode: no device is synced twice within this interval (default 60 s). */
  minIntervalMs?: number;
  /** Wait for hotplug events to settle before scanning (default 300 ms). */
  debounceMs?: number;
  /** Tries to open a device that says busy or denies access (it may still be starting), with backoff from 500 ms. */
  openAttempts?: number;
  /** One line per event (journald-friendly: no colour, no timestamp). */
  log?: (line: string) => void;
  onReport?: (r: DeviceSyncReport) => void;
  onDeviceError?: (e: DeviceError) => void;
}

interface Job {
  ac: AbortController;
  done: Promise<void>;
}

const keyOf = (c: DeviceCandidate) => `${c.transport}@${c.location}`;

export class SyncService {
  readonly #o: SyncServiceOptions;
  #present = new Map<string, DeviceCandidate>();
  #jobs = new Map<string, Job>();
  #lastSync = new Map<string, number>();
  #queue: Promise<void> = Promise.resolve();
  #stops: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #tick: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #rescan = false;
  #stopped = false;

  constructor(options: SyncServiceOptions) {
    this.#o = options;
  }

  get #log(): (line: string) => void {
    return this.#o.log ?? (() => {});
  }

  /** One pass over every device present now; resolves with the reports. */
  async syncOnce(): Promise<{ reports: DeviceSyncReport[]; errors: DeviceError[] }> {
    const reports: DeviceSyncReport[] = [];
    const errors: DeviceError[] = [];
    for (const c of await this.#scanAll(errors)) {
      const r = await this.#run(c, new AbortController().signal, errors);
      if (r) reports.push(r);
    }
    return { reports, errors };
  }

  /** Starts watching: syncs what is present, then every arrival. */
  async start(): Promise<void> {
    this.#stopped = false;
    for (const p of this.#o.providers) this.#stops.push(p.watch(() => this.#changed()));
    const interval = this.#o.minIntervalMs ?? 60_000;
    this.#tick = setInterval(() => this.#periodic(), Math.max(1000, interval));
    this.#tick.unref?.();
    this.#log(`watching for devices (${this.#o.providers.map((p) => p.transport).join(', ')}); library ${this.#o.library}`);
    await this.#scan();
  }

  /** Stops watching, cancels running jobs and waits for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#stops.splice(0)) s();
    clearTimeout(this.#timer);
    clearInterval(this.#tick);
    for (const j of this.#jobs.values()) j.ac.abort();
    await this.#scanning;
    await this.#queue;
  }

  /** Resolves when no scan is pending and no job is queued or running (for tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.#scanning;
      await this.#queue;
      if (!this.#scanning && !this.#timer && this.#jobs.size === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #changed(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#scan();
    }, this.#o.debounceMs ?? 300);
  }

  async #scan(): Promise<void> {
    if (this.#scanning) {
      this.#rescan = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      do {
        this.#rescan = false;
        const found = await this.#scanAll([]);
        const now = new Map(found.map((c) => [keyOf(c), c]));
        for (const [k, c] of this.#present) {
          if (!now.has(k)) {
            this.#log(`detached: ${c.label}`);
            this.#jobs.get(k)?.ac.abort();
          }
        }
        const prev = this.#present;
        this.#present = now;
        for (const [k, c] of now) {
          if (!prev.has(k)) {
            this.#log(`attached: ${c.label}`);
            this.#schedule(k, c);
          }
        }
      } while (this.#rescan && !this.#stopped);
    })().finally(() => (this.#scanning = undefined));
    return this.#scanning;
  }

  /** ANT sticks: look for a watch in range again. */
  #periodic(): void {
    for (const [k, c] of this.#present) if (c.transport === 'ant') this.#schedule(k, c, true);
  }

  #schedule(k: string, c: DeviceCandidate, quiet = false): void {
    if (this.#stopped || this.#jobs.has(k)) return;
    const last = this.#lastSync.get(k);
    const min = this.#o.minIntervalMs ?? 60_000;
    if (last !== undefined && Date.now() - last < min) {
      if (!quiet) this.#log(`skipped: ${c.label} (synced ${Math.round((Date.now() - last) / 1000)} s ago; --min-interval ${Math.round(min / 1000)} s)`);
      return;
    }
    const ac = new AbortController();
    const job: Job = { ac, done: Promise.resolve() };
    this.#jobs.set(k, job);
    job.done = this.#queue = this.#queue.then(async () => {
      try {
        if (!ac.signal.aborted && this.#present.has(k)) await this.#run(c, ac.signal, []);
      } finally {
        this.#lastSync.set(k, Date.now());
        this.#jobs.delete(k);
      }
    });
  }

  async #scanAll(errors: DeviceError[]): Promise<DeviceCandidate[]> {
    const out: DeviceCandidate[] = [];
    for (const p of this.#o.providers) {
      try {
        out.push(...(await p.scan()));
      } catch (e) {
        const err = { transport: p.transport, location: '', label: `${p.transport} devices`, error: (e as Error).message };
        errors.push(err);
        this.#log(`error: scanning ${p.transport}: ${err.error}`);
      }
    }
    return out;
  }

  async #open(c: DeviceCandidate, signal: AbortSignal): Promise<DeviceSession> {
    const attempts = this.#o.openAttempts ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await c.open(signal);
      } catch (e) {
        const retry = isUsbError(e, 'busy') || isUsbError(e, 'access');
        if (!retry || i >= attempts || signal.aborted) throw e;
        await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
      }
    }
  }

  /** Opens, syncs and closes one device; errors are logged and returned, never thrown. */
  async #run(c: DeviceCandidate, signal: AbortSignal, errors: DeviceError[]): Promise<DeviceSyncReport | undefined> {
    const t0 = Date.now();
    let session: DeviceSession | undefined;
    try {
      session = await this.#open(c, signal);
      const id = session.identity;
      const name = `${id.model ?? c.label}${id.serial ? ` (${id.serial})` : ''}`;
      this.#log(`syncing: ${name} over ${c.transport}`);
      const r = await syncDevice(session, { ...this.#o, signal });
      const t = r.totals;
      const mb = (t.downloadedBytes / 1e6).toFixed(1);
      this.#log(
        `synced: ${name}: ${t.copied} new, ${t.duplicate} duplicate, ${t.quarantined} quarantined, ${t.failed} failed, ${t.known} already held; ` +
          `${mb} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s${r.interrupted ? `; stopped: ${r.interrupted}` : ''}`,
      );
      this.#o.onReport?.(r);
      return r;
    } catch (e) {
      const msg = e instanceof FitkitError ? e.oneLine() : (e as Error).message;
      const err = { transport: c.transport, location: c.location, label: c.label, error: msg };
      errors.push(err);
      this.#o.onDeviceError?.(err);
      this.#log(`error: ${c.label}: ${msg}`);
      return undefined;
    } finally {
      await session?.close().catch(() => {});
    }
  }
}
