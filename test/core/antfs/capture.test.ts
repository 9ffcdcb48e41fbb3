/**
 * Garmin's capture of its ANT Agent syncing a Forerunner 310XT through a USB1 stick
 * (docs/ant-fs.md), replayed: the simulated USB1 stick and realistic 310XT do what the real
 * pair did, and fitkit's host gets through each of it with every file byte-identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { ChannelType } from '../../../src/core/ant/commands.js';
import { ANT_BAUD_DIVISOR } from '../../../src/core/ant/cp210x.js';
import { AntStick } from '../../../src/core/ant/stick.js';
import { PasskeyStore } from '../../../src/core/antfs/passkey-store.js';
import { FitkitError } from '../../../src/core/errors.js';
import { FileFlag, FIT_DATA_TYPE } from '../../../src/core/antfs/directory.js';
import { Decoder, Stream } from '@garmin/fitsdk';
import { CaptureScript, type ScriptedFault } from '../../../src/core/sim/ant-loss.js';
import { captureRig, captureTable, CAPTURE_WATCH, type CaptureRig, type CaptureRigOptions } from '../../../src/core/sim/fr310xt-capture.js';
import type { DeviceSession, RemoteFile } from '../../../src/core/sync/device-source.js';
import { AntProvider, type AntFileRef, type AntProviderOptions } from '../../../src/core/sync/sources/antfs-source.js';

interface Rig extends CaptureRig {
  lines: string[];
  open(o?: AntProviderOptions): Promise<DeviceSession>;
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

const PASSKEY = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);

/** The capture's 310XT, already paired with a host of serial 0 (as the agent was). */
function rig(o: CaptureRigOptions & { paired?: boolean; loss?: ScriptedFault[] } = {}): Rig {
  const r = captureRig({ seed: 5, ...o, script: o.loss });
  const configDir = mkdtempSync(join(tmpdir(), 'fitkit-capture-'));
  cleanup.push(() => {
    r.clock.stop();
    rmSync(configDir, { recursive: true, force: true });
  });
  if (o.paired ?? true) {
    r.watch.passkeys.set(0, PASSKEY);
    new PasskeyStore(join(configDir, 'antfs')).set(CAPTURE_WATCH.serial, { passkey: PASSKEY, name: CAPTURE_WATCH.name, pairedAt: '2011-06-20T00:00:00Z', hostSerial: 0 });
  }
  const lines: string[] = [];
  onTestFailed(() => console.error(lines.slice(-40).join('\n')));
  return {
    ...r,
    lines,
    async open(p = {}) {
      const provider = new AntProvider(r.bus, {
        networkKey: r.networkKey,
        configDir,
        clock: r.clock,
        seed: 5,
        hostSerial: 0,
        env: {},
        stick: { usbReadTimeoutMs: 20 },
        log: (l) => lines.push(l),
        ...p,
      });
      const [c] = await provider.scan();
      expect(c.label).toBe('ANT stick USB1 (0fcf:1004) at 1-1.3');
      return c.open();
    },
  };
}

async function fetch(s: DeviceSession, f: RemoteFile): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await s.download(f, (c) => void parts.push(c.slice()));
  return new Uint8Array(Buffer.concat(parts));
}

function original(r: Rig, f: RemoteFile): Uint8Array {
  const e = (f.ref as AntFileRef).entry;
  return r.watch.files.find((x) => x.index === e.index)!.bytes;
}

describe('the USB1 stick (0fcf:1004)', () => {
  it('is set up through its CP210x bridge, sends 00 00 after each message, resets without a startup message; status 0x83 reads as tracking', async () => {
    const r = rig({ faults: 'none' });
    const log: string[] = [];
    const out: number[][] = [];
    const write = r.stick.bulkOut.bind(r.stick);
    r.stick.bulkOut = (ep, data, t) => (out.push([...data]), write(ep, data, t));
    const stick = await AntStick.open(r.stick, { clock: r.clock, usbReadTimeoutMs: 20, log: (l) => log.push(l) });
    expect(r.stick.uartLog).toEqual([`IFC_ENABLE 1`, `SET_BAUDDIV ${ANT_BAUD_DIVISOR}`, 'SET_LINE_CTL 0x800', 'SET_FLOW cts', 'PURGE 0xf']);
    expect(3_686_400 / ANT_BAUD_DIVISOR).toBeGreaterThan(49_000);
    expect(3_686_400 / ANT_BAUD_DIVISOR).toBeLessThan(51_000);
    await stick.reset();
    expect(log.join('\n')).toContain('no startup message expected');
    // Reset System, then the agent's two zero bytes.
    expect(out[0]).toEqual([0xa4, 0x01, 0x4a, 0x00, 0xef, 0x00, 0x00]);
    await stick.setNetworkKey(0, r.networkKey);
    await stick.assignChannel(0, ChannelType.SLAVE, 0);
    await stick.setChannelId(0, 0, 1, 0);
    await stick.setChannelPeriod(0, 4096);
    await stick.setSearchTimeout(0, 0xff);
    await stick.setRfFrequency(0, 50);
    await stick.openChannel(0);
    const beacon = new Promise<void>((resolve) => stick.listen(0, (i) => i.kind === 'broadcast' && resolve()));
    await beacon;
    expect(await stick.request(0, 0x52)).toEqual(Uint8Array.of(0, 0x83));
    expect(await stick.channelState(0)).toBe('tracking');
    await stick.close();
    expect(r.stick.uartLog.at(-1)).toBe('IFC_ENABLE 0');
    expect(r.stick.stats.uartDropped).toBe(0);
  });

  it('a host that skips the bridge set-up gets nothing through (the simulated bridge is strict)', async () => {
    const r = rig({ faults: 'none' });
    await r.stick.open();
    await r.stick.claimInterface(0);
    await r.stick.bulkOut(0x01, Uint8Array.of(0xa4, 0x02, 0x4d, 0x00, 0x61, 0x8a), 1000);
    expect(r.stick.stats.uartDropped).toBe(6);
    expect(r.stick.stats.hostMessages).toBe(0);
  });
});

describe("the capture's session, replayed", () => {
  it('five rounds as in the capture (searches of 10, 17, 7, 34 and 18 s): connects in the fifth and gets every file byte-identical', async () => {
    const r = rig({ faults: 'capture' });
    const s = await r.open();
    const applied = (r.loss as CaptureScript).applied;
    // Each round's reason happened, and the host went on to the next round.
    for (const a of ['round 1: link #8 fail', 'round 2: serial #8 fail', 'round 3: link #1 hold', 'round 4: auth-answer #1 cut', 'round 5: passkey #1 fail']) expect(applied).toContain(a);
    expect(r.lines.filter((l) => /^connect round \d failed/.test(l))).toHaveLength(4);
    const searches = r.lines.flatMap((l) => /heard a watch in LINK after ([\d.]+) s/.exec(l)?.[1] ?? []).map(Number);
    expect(searches.map(Math.floor)).toEqual([10, 17, 7, 34, 18]);
    // A round that ended linked sent DISCONNECT (rounds 2 and 4 failed after the link).
    expect(r.watch.log.filter((l) => l === 'DISCONNECT').length).toBeGreaterThanOrEqual(2);
    expect(r.watch.log).toContain('passkey accepted');
    const files = await s.listFiles();
    for (const f of files) expect(Buffer.compare(await fetch(s, f), original(r, f))).toBe(0);
    // The capture's download faults all happened: 9 failed requests, 2 cut answers, 1 missed.
    expect(applied.filter((a) => a.includes('download #'))).toHaveLength(9);
    expect(applied.filter((a) => /answer #\d+ cut/.test(a) && !a.includes('auth'))).toHaveLength(2);
    expect(applied.filter((a) => a.includes('missed'))).toHaveLength(1);
    expect(r.stick.stats.held).toBe(1);
    // Continuations carry the CRC of everything so far (initial 0), and the watch agreed with it.
    expect(r.watch.log).toContain('DOWNLOAD 0 at 512');
    expect(r.watch.log.some((l) => l.startsWith('bad CRC seed'))).toBe(false);
    await s.close();
  });

  it('the same faults in one round (LINK failing 8 times, no outcome for 3 s, serial request 8 times and its answer broken): no reset needed', async () => {
    const r = rig({ faults: 'capture-one-round' });
    const s = await r.open();
    const applied = (r.loss as CaptureScript).applied;
    for (const a of ['round 1: link #8 fail', 'round 1: link #9 hold', 'round 1: serial #8 fail', 'round 1: auth-answer #1 cut', 'round 1: passkey #1 fail']) expect(applied).toContain(a);
    expect(r.lines.some((l) => l.startsWith('connect round'))).toBe(false);
    expect(r.stick.stats.resets).toBe(1);
    const files = await s.listFiles();
    expect(files.length).toBe(63);
    await s.close();
  });

  it('an acknowledged message whose outcome takes 6 s: a retry, not an escaped timeout, and the late outcome is not taken for the next one', async () => {
    const r = rig({ loss: [{ kind: 'link', at: [1], verdict: 'hold', holdMs: 6_000 }] });
    const s = await r.open();
    expect(r.lines.join('\n')).toContain('a late transfer outcome on channel 0 (EVENT_TRANSFER_TX_FAILED) ignored');
    expect(r.watch.log.filter((l) => l.startsWith('LINK'))).toHaveLength(1);
    expect((await s.listFiles()).length).toBe(63);
    await s.close();
  });

  it('a watch that never takes LINK is given up after about 2 minutes of rounds, with the reason', async () => {
    const r = rig({ loss: [{ kind: 'link', at: Array.from({ length: 5000 }, (_, i) => i + 1), verdict: 'fail' }] });
    const t0 = r.clock.now();
    const e = await r.open().then(
      () => undefined,
      (x: FitkitError) => x,
    );
    expect(e?.code).toBe('antfs_connect_failed');
    expect(e?.message).toMatch(/^could not connect to the watch in (\d+) rounds over 12\d s \(LINK failed 10 times in a row \(transmit failed\) ×\d+/);
    expect(r.clock.now() - t0).toBeGreaterThanOrEqual(120_000);
    expect(r.stick.stats.resets).toBe(Number(/in (\d+) rounds/.exec(e!.message)![1]));
  });

  it('request bursts that fail come back as TX_FAILED then a sequence error (32) to the next packet, which is not taken for the retry', async () => {
    const r = rig({
      loss: [
        { kind: 'passkey', at: [1, 2, 3], verdict: 'fail' },
        { kind: 'download', at: [1, 2, 3, 4, 5, 6, 7, 8], verdict: 'fail' },
      ],
    });
    const trace: string[] = [];
    const s = await r.open({ trace: (l) => trace.push(l) });
    const files = await s.listFiles();
    const failed = trace.flatMap((l, k) => (l === '< EVENT ch=0 EVENT_TRANSFER_TX_FAILED' ? [k] : []));
    expect(failed.length).toBeGreaterThanOrEqual(11);
    // Each failed burst: TX_FAILED first, then the stick's 32 to the packet after.
    for (const k of failed.slice(0, 3)) expect(trace.slice(k, k + 4)).toContain('< RESPONSE ch=0 to BURST_DATA: TRANSFER_SEQUENCE_NUMBER_ERROR');
    expect(trace.some((l) => l.includes('TRANSFER_TX_START'))).toBe(false);
    expect(Buffer.compare(await fetch(s, files[0]), original(r, files[0]))).toBe(0);
    await s.close();
  });
});

describe("the capture's watch", () => {
  it('answers after exactly one BUSY beacon, heads the answer with a BUSY beacon, then broadcasts its last packet once more', async () => {
    const r = rig({ faults: 'none' });
    const trace: string[] = [];
    const s = await r.open({ trace: (l) => trace.push(l) });
    await s.listFiles();
    const beaconState = (l: string) => (l.startsWith('< BROADCAST_DATA 00 43 ') ? Number.parseInt(l.split(' ')[5], 16) & 0x0f : undefined);
    let answers = 0;
    for (let k = 0; k < trace.length; k++) {
      // A download request (a burst from us starting 44 09) that completed...
      if (!trace[k].startsWith('> BURST_DATA 00 44 09')) continue;
      const done = trace.indexOf('< EVENT ch=0 EVENT_TRANSFER_TX_COMPLETED', k);
      const head = trace.findIndex((l, i) => i > done && l.startsWith('< BURST_DATA 00 43 '));
      if (done < 0 || head < 0) continue;
      answers++;
      // ...then one BUSY beacon, then the answer, whose first packet is a BUSY beacon.
      expect(
        trace
          .slice(done, head)
          .filter((l) => beaconState(l) !== undefined)
          .map(beaconState),
      ).toEqual([3]);
      expect(Number.parseInt(trace[head].split(' ')[5], 16) & 0x0f).toBe(3);
      // After the last packet (bit 7 set), the same 8 bytes once more as a broadcast, not a beacon.
      const last = trace.findIndex((l, i) => i > head && /^< BURST_DATA [89A-F][0-9A-F] /.test(l));
      const echo = trace.findIndex((l, i) => i > last && l.startsWith('< BROADCAST_DATA'));
      // (The last answer of the session may be followed by the close instead.)
      if (echo < 0 && !trace.slice(last).some((l) => l.startsWith('< BROADCAST_DATA'))) continue;
      expect(trace[echo].slice('< BROADCAST_DATA 00'.length)).toBe(trace[last].slice('< BURST_DATA 00'.length));
    }
    expect(answers).toBeGreaterThanOrEqual(3);
    await s.close();
  });
});

describe("the capture's directory", () => {
  it('65 entries: FIT singletons 0xFFFF dated 0, sports 0–2, activities 73–126; the two non-FIT entries skipped and reported', async () => {
    const r = rig({ faults: 'none' });
    const s = await r.open();
    const files = await s.listFiles();
    const entries = files.map((f) => (f.ref as AntFileRef).entry);
    expect(r.watch.files).toHaveLength(65);
    expect(files).toHaveLength(63);
    const singletons = entries.filter((e) => e.number === 0xffff);
    expect(singletons.map((e) => e.subType).sort((a, b) => a - b)).toEqual([1, 2, 8, 9, 10, 11]);
    for (const e of singletons) expect(e.date).toBe(0);
    expect(entries.filter((e) => e.subType === 3).map((e) => [e.number, e.date])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    const acts = entries
      .filter((e) => e.subType === 4)
      .map((e) => e.number)
      .sort((a, b) => a - b);
    expect([acts[0], acts.at(-1), acts.length]).toEqual([73, 126, 54]);
    expect(files.find((f) => (f.ref as AntFileRef).entry.subType === 1)!.path).toBe('ANT-FS/Device/sys0_1_65535.fit');
    const dated = entries
      .filter((e) => e.subType === 4 && e.date)
      .map((e) => e.date)
      .sort((a, b) => a - b);
    expect(new Set(dated.slice(1).map((d, i) => (d - dated[i]) % 2))).toEqual(new Set([0]));
    const report = r.lines.find((l) => l.includes('skipped (not readable FIT files)'))!;
    expect(report).toMatch(/2 directory entries skipped .*#1 \(data type 1, 1048576 bytes, not readable\), #2 \(data type 1, 262144 bytes, not readable\)/);
    // Every file behind the table is a whole FIT file by the SDK's integrity check.
    for (const f of r.watch.files.filter((x) => x.dataType === FIT_DATA_TYPE)) expect(new Decoder(Stream.fromByteArray([...f.bytes])).checkIntegrity()).toBe(true);
    expect(r.watch.files.filter((x) => !(x.flags & FileFlag.READ))).toHaveLength(2);
    await s.close();
  });

  it('captureTable with fewer activities keeps the other entries', () => {
    const t = captureTable({ activities: 3 });
    expect(t).toHaveLength(2 + 6 + 3 + 3);
  });
});
