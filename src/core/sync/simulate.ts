/**
 * `fitkit sync --simulate KIND:MODEL`: the whole sync against simulated devices — the real
 * providers, clients and sync engine on a simulated USB bus or a simulated mounted volume —
 * carrying the files of sim/watch-files.ts (made in code with the model's serial). The
 * simulators (`fitkit/sim`) are loaded only here, when a simulation starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AntProvider } from './sources/antfs-source.js';
import { MscProvider } from './sources/msc-source.js';
import { MtpProvider } from './sources/mtp-source.js';
import type { DeviceProvider } from './device-source.js';

type Sim = typeof import('../sim/index.js');
type SimUsbBus = InstanceType<Sim['SimUsbBus']>;

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

type Factory = (sim: Sim, bus: SimUsbBus, o: SimulationOptions) => Part;

/** What `--simulate` accepts. */
export const SIMULATIONS: Record<string, Factory> = {
  'mtp:fr945': (sim, bus) => {
    bus.plug(new sim.SimMtpWatch({ model: sim.WATCH_MODELS.fr945, location: '1-1' }));
    return { provider: new MtpProvider(bus) };
  },
  'ant:fr310xt': (sim, bus, o) => antPart(bus, sim.simulatedAnt({ bus, watch: { model: sim.WATCH_MODELS.fr310xt } }), o),
  // Garmin's first ANT stick and the capture's 310XT (docs/ant-fs.md): its 65-entry directory,
  // its habits, and the capture's loss statistics (22 % of transfers failing, in runs of 8).
  'ant:fr310xt-usb1': (sim, bus, o) => antPart(bus, sim.captureRig({ bus, seed: 310, faults: 'clustered' }), o),
  'msc:edge530': (sim) => {
    const vol = sim.SimMscVolume.create({ model: sim.WATCH_MODELS.edge530 });
    return { provider: new MscProvider(vol.providerOptions()), dispose: () => vol.dispose() };
  },
};

/**
 * The simulated radio uses its own made-up network key, and the pairing passkey goes to a
 * throw-away config folder: a simulation never touches the user's ANT-FS configuration.
 */
function antPart(bus: SimUsbBus, sim: ReturnType<Sim['simulatedAnt']>, o: SimulationOptions): Part {
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
  const factories = specs.map((spec) => {
    const make = SIMULATIONS[spec.toLowerCase()];
    if (!make) throw new RangeError(`unknown simulation "${spec}"; known: ${Object.keys(SIMULATIONS).join(', ')}`);
    return make;
  });
  const sim = await import('../sim/index.js');
  const bus = new sim.SimUsbBus();
  const parts: Part[] = [];
  const usbProviders = new Map<string, DeviceProvider>();
  for (const make of factories) {
    const part = make(sim, bus, o);
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
