/**
 * The Forerunner 310XT of Garmin's capture (docs/ant-fs.md), built in code: its directory of 65
 * entries — two large non-FIT entries (data type 1, not readable), the FIT singletons (device,
 * settings, locations, weight, totals, goals) numbered 0xFFFF and dated 0, sports 0–2 dated 0,
 * activities numbered 73–126, most dated in one batch restamp 2 s apart, some 0 — with small
 * valid FIT files behind the readable entries; and the rig `--simulate ant:fr310xt-usb1` and
 * the tests use: a USB1 stick, the realistic watch, and a loss model.
 */
import { randomBytes } from 'node:crypto';
import { FileFlag, FIT_DATA_TYPE } from '../antfs/directory.js';
import { encodeFit } from '../fit/encode/encoder.js';
import { standardProfile } from '../fit/profile/profile.js';
import { SimAntStick, type SimulatedAnt } from './ant-stick.js';
import { SimAntWatch, type SimAntFile, type SimAntWatchOptions } from './ant-watch.js';
import { VirtualClock } from './ant-clock.js';
import { CaptureScript, captureFaults, CAPTURE_SEARCH_DELAYS_MS, ClusteredLoss, type ScriptedFault, type SimLossModel } from './ant-loss.js';
import { SimUsbBus } from './usb-sim.js';

export const CAPTURE_WATCH = { name: 'Forerunner 310XT', product: 1018, serial: 3862158137, software: 450 } as const;

/** FIT types of the singletons, in the capture's order (8 = locations, an old type). */
const SINGLETONS = [1, 2, 8, 9, 10, 11];
/** The batch restamp: a run of activities dated 2 s apart from here (FIT seconds, 2011-06-20). */
const RESTAMP = 676_979_200;

export interface CaptureTableOptions {
  /** Activities to carry (default 54: numbers 73–126). Fewer keeps batch runs small. */
  activities?: number;
  /** Records per activity (default 12; each adds ~30 bytes). */
  records?: number;
}

/** The capture's directory, with small valid FIT files behind it (index order as listed). */
export function captureTable(o: CaptureTableOptions = {}): SimAntFile[] {
  const n = Math.min(o.activities ?? 54, 54);
  const records = o.records ?? 12;
  const table: SimAntFile[] = [];
  const add = (f: Omit<SimAntFile, 'index'>) => table.push({ index: table.length + 1, ...f });
  // The two large non-FIT entries (data type 1), not readable.
  add({ dataType: 1, subType: 0, number: 0, flags: 0, date: 0, bytes: new Uint8Array(0), size: 1_048_576 });
  add({ dataType: 1, subType: 1, number: 0, flags: 0, date: 0, bytes: new Uint8Array(0), size: 262_144 });
  for (const t of SINGLETONS) add({ dataType: FIT_DATA_TYPE, subType: t, number: 0xffff, flags: FileFlag.READ | FileFlag.WRITE, date: 0, bytes: fitFile(t, 0xffff, 0, 0) });
  for (let k = 0; k < 3; k++) add({ dataType: FIT_DATA_TYPE, subType: 3, number: k, flags: FileFlag.READ | FileFlag.WRITE, date: 0, bytes: fitFile(3, k, 0, 0) });
  for (let k = 0; k < n; k++) {
    const number = 73 + k;
    // Every fifth activity lost its date (0); the others carry the batch restamp.
    const date = k % 5 === 4 ? 0 : RESTAMP + 2 * k;
    const created = RESTAMP - 86_400 * (n - k);
    add({ dataType: FIT_DATA_TYPE, subType: 4, number, flags: FileFlag.READ | FileFlag.ERASE, date, bytes: fitFile(4, number, created, records) });
  }
  return table;
}

/** A small FIT file of type `type`: file_id, and for an activity `records` records and a session. */
function fitFile(type: number, number: number, created: number, records: number): Uint8Array {
  return encodeFit(standardProfile(), (e) => {
    e.writeMessage('file_id', {
      type,
      manufacturer: 'garmin',
      product: CAPTURE_WATCH.product,
      serial_number: CAPTURE_WATCH.serial,
      time_created: created || undefined,
      number: number === 0xffff ? undefined : number,
    });
    if (type !== 4) return;
    for (let i = 0; i < records; i++) e.writeMessage('record', { timestamp: created + i, heart_rate: 120 + (i % 30), distance: i * 3 });
    e.writeMessage('session', { timestamp: created + records, start_time: created, total_elapsed_time: records, sport: 'running', message_index: 0 });
  });
}

export interface CaptureRigOptions {
  seed?: number;
  /**
   * 'capture': the capture's five rounds with its search delays; 'capture-one-round': its faults
   * in one round; 'clustered': the capture's statistics (the default).
   */
  faults?: 'capture' | 'capture-one-round' | 'clustered' | 'none';
  /** Scripted faults of one's own instead. */
  script?: ScriptedFault[];
  table?: CaptureTableOptions;
  watch?: Partial<SimAntWatchOptions>;
  networkKey?: Uint8Array;
  clock?: VirtualClock;
  bus?: SimUsbBus;
}

export interface CaptureRig extends SimulatedAnt {
  loss?: SimLossModel;
}

/** A USB1 stick and the capture's 310XT on a virtual clock, with the chosen faults. */
export function captureRig(o: CaptureRigOptions = {}): CaptureRig {
  const seed = o.seed ?? 1;
  const clock = o.clock ?? new VirtualClock();
  const networkKey = o.networkKey ?? new Uint8Array(randomBytes(8));
  const faults = o.faults ?? 'clustered';
  const loss = o.script
    ? new CaptureScript(o.script)
    : faults === 'capture'
      ? new CaptureScript(captureFaults('rounds'))
      : faults === 'capture-one-round'
        ? new CaptureScript(captureFaults('one-round'))
        : faults === 'clustered'
          ? new ClusteredLoss({ seed })
          : undefined;
  const watch = new SimAntWatch({
    networkKey,
    serial: CAPTURE_WATCH.serial,
    name: CAPTURE_WATCH.name,
    deviceType: CAPTURE_WATCH.product,
    realistic: true,
    table: captureTable(o.table),
    archiveAfterDownload: false,
    searchDelaysMs: faults === 'capture' ? CAPTURE_SEARCH_DELAYS_MS : [],
    seed,
    ...o.watch,
  });
  const stick = new SimAntStick({ clock, productId: 0x1004, watches: [watch], loss, seed, location: '1-1.3' });
  const bus = o.bus ?? new SimUsbBus();
  bus.plug(stick);
  return { clock, bus, stick, watch, networkKey, loss };
}
