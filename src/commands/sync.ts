import { homedir } from 'node:os';
import { join } from 'node:path';
import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { syncProgress } from '../cli/sync-progress.js';
import { syncJson, syncSummaryText } from '../cli/sync-summary.js';
import { plural } from '../cli/plural.js';
import { FitkitError } from '../core/errors.js';
import { parseTypeFilter } from '../core/library/layout.js';
import { checkLibraryState } from '../core/library/library-dirs.js';
import { openLibrary } from '../core/library/library.js';
import { startSimulation, SIMULATIONS, type Simulation } from '../core/sync/simulate.js';
import type { DeviceProvider, Transport } from '../core/sync/device-source.js';
import { installCommand } from '../core/sync/install-command.js';
import { realProviders } from '../core/sync/providers.js';
import type { DeviceSyncReport } from '../core/sync/sync-device.js';
import { SyncService, type DeviceError } from '../core/sync/sync-service.js';

const TRANSPORTS: readonly Transport[] = ['mtp', 'msc', 'ant'];

export default class Sync extends BaseCommand {
  static override description = `Copy new FIT files off connected watches into a library, sorted by serial and type.

Finds Garmin devices over USB mass storage (a mounted GARMIN disk, or --from PATH), MTP (newer
watches; fitkit's own client, no jmtpfs) and ANT-FS (an ANT USB stick; older watches). Files the
library already holds are skipped by device path, size and time, then by content hash; the rest
are downloaded to a temporary file, checked, and sorted into LIBRARY/<serial>/<TypeDir>/ (damaged
ones into LIBRARY/_quarantine/). --watch keeps running and syncs each device when it arrives;
--install writes the udev rule and systemd unit that run it as a service.`;

  static override examples = [
    '<%= config.bin %> sync --simulate mtp:fr945 --to /tmp/FitSync',
    '<%= config.bin %> sync',
    '<%= config.bin %> sync --from /media/$USER/GARMIN --to ~/FitSync --types activity',
    '<%= config.bin %> sync --watch --min-interval 300',
    'sudo <%= config.bin %> sync --install --user pi',
    '<%= config.bin %> sync --install --print --user pi',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    to: Flags.string({ description: 'library folder (created if missing) [default: ~/FitSync; with --install: /var/lib/fitkit/FitSync]' }),
    from: Flags.string({ description: 'a mounted mass-storage device (its root or its GARMIN folder); repeatable', multiple: true }),
    transport: Flags.string({ description: 'only these transports (comma list of mtp, msc, ant)' }),
    types: Flags.string({ description: 'only these file types (comma list, e.g. activity,monitoring_b)' }),
    delete: Flags.boolean({ description: 'delete each file from the device once its library copy is verified' }),
    watch: Flags.boolean({ description: 'keep running: sync each device when it is plugged in (or comes into ANT range)' }),
    'min-interval': Flags.integer({ description: 'with --watch: seconds before the same device is synced again', default: 60, min: 0 }),
    'idle-timeout': Flags.integer({ description: 'seconds without data before a download is given up', default: 60, min: 1 }),
    simulate: Flags.string({ description: `a simulated device instead of real ones: ${Object.keys(SIMULATIONS).join(', ')}; repeatable`, multiple: true }),
    install: Flags.boolean({ description: 'write the udev rule and systemd unit for running `sync --watch` as a service' }),
    print: Flags.boolean({ description: 'with --install: print them instead of writing', dependsOn: ['install'] }),
    user: Flags.string({ description: 'with --install: the user the service runs as, who gets access to the devices' }),
    group: Flags.string({ description: "with --install: a group given access to the devices (default: the user's)" }),
    wait: Flags.integer({ description: 'seconds to wait for another run on the same library', default: 60, min: 0 }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Sync);
    if (flags.install) {
      const extraArgs = flags['min-interval'] !== 60 ? ['--min-interval', String(flags['min-interval'])] : [];
      const out = installCommand({ user: flags.user, group: flags.group, library: flags.to, print: flags.print, extraArgs });
      if (!this.jsonEnabled()) this.log(out.text);
      return out;
    }
    const profile = this.loadProfile(flags['profile-extra']);
    let types;
    let transports: Set<Transport>;
    try {
      types = flags.types === undefined ? undefined : parseTypeFilter(flags.types, profile);
      transports = parseTransports(flags.transport);
    } catch (e) {
      this.error((e as Error).message, { exit: 2 });
    }
    const json = this.jsonEnabled();
    const log = (line: string) => (json ? process.stderr.write(line + '\n') : this.log(line));
    // Device lines (ANT-FS linking and pairing: "accept fitkit on the watch") go to the person:
    // in the --watch log, else on stderr (above the progress bars on a terminal).
    const progress = syncProgress(!json && !flags.watch && process.stderr.isTTY === true);
    const deviceLog = flags.watch ? log : (line: string) => progress.log(line);
    const library = flags.to ?? join(homedir(), 'FitSync');
    // A library that cannot be made, or whose state folder holds links or others' files: one line, before any device.
    checkLibraryState(openLibrary(library));
    let sim: Simulation | undefined;
    let providers: DeviceProvider[];
    if (flags.simulate?.length) {
      try {
        sim = await startSimulation(flags.simulate, { log: deviceLog });
      } catch (e) {
        this.error((e as Error).message, { exit: 2 });
      }
      providers = sim.providers.filter((p) => transports.has(p.transport));
    } else {
      providers = realProviders({ transports, from: flags.from, log: deviceLog });
    }
    const base = {
      library,
      profile,
      types,
      delete: flags.delete,
      idleTimeoutMs: flags['idle-timeout'] * 1000,
      lockTimeoutMs: flags.wait * 1000,
      providers,
    };
    try {
      if (flags.watch) return await this.#watch(new SyncService({ ...base, minIntervalMs: flags['min-interval'] * 1000, log }));
      const svc = new SyncService({ ...base, onEvent: (e) => progress.event(e) });
      let result: { reports: DeviceSyncReport[]; errors: DeviceError[] };
      try {
        result = await svc.syncOnce();
      } finally {
        progress.stop();
      }
      if (!json) this.log(syncSummaryText(result.reports, result.errors, library));
      const failed = result.reports.reduce((n, r) => n + r.totals.failed + r.totals.given_up, 0);
      if (result.errors.length > 0 || failed > 0 || result.reports.some((r) => r.interrupted)) {
        process.exitCode = 1;
        if (!json) throw new FitkitError('sync_incomplete', `${plural(result.errors.length, 'device error')}, ${plural(failed, 'file')} not copied`);
      }
      return syncJson(result);
    } finally {
      await sim?.dispose();
    }
  }

  /** Runs until SIGINT/SIGTERM; then cancels jobs, closes sessions and returns. */
  async #watch(svc: SyncService): Promise<{ stopped: string }> {
    let stop!: (signal: string) => void;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const onSignal = (s: NodeJS.Signals) => stop(s);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Hotplug sources may hold no handle open (a simulated bus, a quiet poll): stay alive anyway.
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      await svc.start();
      const signal = await stopped;
      this.log(`stopping (${signal})`);
      await svc.stop();
      return { stopped: signal };
    } finally {
      clearInterval(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

function parseTransports(list: string | undefined): Set<Transport> {
  if (list === undefined) return new Set(TRANSPORTS);
  const out = new Set<Transport>();
  for (const t of list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    if (!(TRANSPORTS as string[]).includes(t)) throw new RangeError(`unknown transport "${t}"; known: ${TRANSPORTS.join(', ')}`);
    out.add(t as Transport);
  }
  return out;
}
