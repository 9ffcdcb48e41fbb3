/**
 * `fitkit sync --simulate KIND:MODEL`: the whole sync against simulated devices — the real
 * providers, clients and sync engine on a simulated USB bus or a simulated mounted volume —
 * carrying the files of watch-files.ts (made in code with the model's serial).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AntProvider } from '../sync/sources/antfs-source.js';
import { MscProvider } from '../sync/sources/msc-source.js';
import { MtpProvider } from '../sync/sources/mtp-source.js';
import type { DeviceProvider } from '../sync/device-source.js';
import { simulatedAnt, type SimulatedAnt } from './ant-stick.js';
import { captureRig } from './fr310xt-capture.js';
import { SimMscVolume } from './msc-volume.js';
import { SimMtpWatch } from './mtp-watch.js';
import { SimUsbBus } from './usb-sim.js';
import { WATCH_MODELS } from './watch-files.js';

export interface Simulation {
  providers: DeviceProvider[];
  dispose(): Promise<void>;
}

interface Part {
  provider: DeviceProvider;
  dispose?: () => void | Promise<void>;
}

export interface SimulationOptions {
  /** Device progress lines (ANT-FS: linking, pairing, authenticating), as the real providers give them. */
  log?: (line: string) => void;
}

type Factory = (bus: SimUsbBus, o: SimulationOptions) => Part | Promise<Part>;

/** What `--simulate` accepts. */
export const SIMULATIONS: Record<string, Factory> = {
  'mtp:fr945': (bus) => {
    bus.plug(new SimMtpWatch({ model: WATCH_MODELS.fr945, location: '1-1' }));
    return { provider: new MtpProvider(bus) };
  },
  'ant:fr310xt': (bus, o) => antPart(bus, simulatedAnt({ bus, watch: { model: WATCH_MODELS.fr310xt } }), o),
  // Garmin's first ANT stick and the capture's 310XT (docs/ant-fs.md): its 65-entry directory,
  // its habits, and the capture's loss statistics (22 % of transfers failing, in runs of 8).
  'ant:fr310xt-usb1': (bus, o) => antPart(bus, captureRig({ bus, seed: 310, faults: 'clustered' }), o),
  'msc:edge530': () => {
    const vol = SimMscVolume.create({ model: WATCH_MODELS.edge530 });
    return { provider: new MscProvider(vol.providerOptions()), dispose: () => vol.dispose() };
  },
};

/**
 * The simulated radio uses its own made-up network key, and the pairing passkey goes to a
 * throw-away config folder: a simulation never touches the user's ANT-FS configuration.
 */
function antPart(bus: SimUsbBus, sim: SimulatedAnt, o: SimulationOptions): Part {
  const configDir = mkdtempSync(join(tmpdir(), 'fitkit-sim-antfs-'));
  const provider = new AntProvider(bus, { networkKey: sim.networkKey, clock: sim.clock, configDir, stick: { usbReadTimeoutMs: 20 }, log: o.log });
  return {
    provider,
    dispose: () => {
      sim.clock.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

export async function startSimulation(specs: readonly string[], o: SimulationOptions = {}): Promise<Simulation> {
  const bus = new SimUsbBus();
  const parts: Part[] = [];
  const usbProviders = new Map<string, DeviceProvider>();
  for (const spec of specs) {
    const make = SIMULATIONS[spec.toLowerCase()];
    if (!make) throw new RangeError(`unknown simulation "${spec}"; known: ${Object.keys(SIMULATIONS).join(', ')}`);
    const part = await make(bus, o);
    // One provider per USB transport: several simulated watches share the bus.
    const t = part.provider.transport;
    if (t === 'msc' || !usbProviders.has(t)) {
      parts.push(part);
      if (t !== 'msc') usbProviders.set(t, part.provider);
    } else if (part.dispose) parts.push({ provider: part.provider, dispose: part.dispose });
  }
  return {
    providers: [...new Set(parts.map((p) => p.provider))].filter((p) => p.transport === 'msc' || usbProviders.get(p.transport) === p),
    async dispose() {
      for (const p of parts) await p.dispose?.();
    },
  };
}
