import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelType } from '../../../src/core/ant/commands.js';
import { AntStick, type ChannelItem } from '../../../src/core/ant/stick.js';
import { FitkitError } from '../../../src/core/errors.js';
import { simulatedAnt, type SimulatedAnt } from '../../../src/core/sim/ant-stick.js';

const sims: SimulatedAnt[] = [];
const sticks: AntStick[] = [];
afterEach(async () => {
  for (const s of sticks.splice(0)) await s.close();
  for (const s of sims.splice(0)) s.clock.stop();
});

function sim(o: Parameters<typeof simulatedAnt>[0] = {}): SimulatedAnt {
  const s = simulatedAnt({ seed: 11, ...o });
  sims.push(s);
  return s;
}

async function open(s: SimulatedAnt, trace?: string[], log?: string[]): Promise<AntStick> {
  const stick = await AntStick.open(s.stick, { clock: s.clock, usbReadTimeoutMs: 20, trace: trace && ((l) => trace.push(l)), log: log && ((l) => log.push(l)) });
  sticks.push(stick);
  return stick;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof FitkitError ? e.code : String(e);
  }
  return 'resolved';
}

/** A slave channel on the link frequency that tracks the simulated watch. */
async function tracking(s: SimulatedAnt, stick: AntStick): Promise<ChannelItem[]> {
  const items: ChannelItem[] = [];
  stick.listen(0, (i) => items.push(i));
  await stick.reset();
  await stick.setNetworkKey(0, s.networkKey);
  await stick.assignChannel(0, ChannelType.SLAVE, 0);
  await stick.setChannelId(0, 0, 1, 0);
  await stick.setChannelPeriod(0, 4096);
  await stick.setRfFrequency(0, 50);
  await stick.openChannel(0);
  return items;
}

describe('AntStick over the simulated ANTUSB-m', () => {
  it('claims interface 0, detaching the kernel driver', async () => {
    const s = sim();
    const claim = vi.spyOn(s.stick, 'claimInterface');
    await open(s);
    expect(claim).toHaveBeenCalledWith(0, { detachKernelDriver: true });
  });

  it('resets past a stale event, reads serial, version and capabilities', async () => {
    const s = sim();
    const trace: string[] = [];
    const stick = await open(s, trace);
    await stick.reset();
    expect(trace.indexOf('< EVENT ch=0 EVENT_RX_FAIL')).toBeLessThan(trace.indexOf('< STARTUP 20'));
    expect(await stick.serialNumber()).toBe(1420869);
    expect(await stick.version()).toBe('AJK1.04RAF');
    expect(await stick.capabilities()).toMatchObject({ maxChannels: 8, maxNetworks: 8 });
  });

  it('resends a reset the stick ignored; treats capabilities as optional', async () => {
    const s = sim({ stick: { capabilities: null } });
    s.stick.faults.ignoreResets = 2;
    const log: string[] = [];
    const stick = await open(s, undefined, log);
    await stick.reset();
    expect(s.stick.stats.resets).toBe(1);
    expect(log.filter((l) => l.includes('no answer to Reset System'))).toHaveLength(2);
    expect(await stick.capabilities()).toBeUndefined();
  });

  it('gives up on a silent stick after bounded resets, with a clear error', async () => {
    const s = sim();
    s.stick.faults.mute = true;
    const stick = await open(s);
    const e = await stick.reset().catch((x: FitkitError) => x);
    expect(e).toBeInstanceOf(FitkitError);
    expect((e as FitkitError).code).toBe('ant_timeout');
    expect((e as FitkitError).message).toMatch(/did not answer Reset System \(3 tries\); unplug it and plug it back in/);
  });

  it('turns refusals into errors that name the command and the code', async () => {
    const s = sim();
    const stick = await open(s);
    await tracking(s, stick);
    const e = await stick.openChannel(0).catch((x: FitkitError) => x);
    expect((e as FitkitError).code).toBe('ant_response');
    expect((e as FitkitError).message).toContain('OPEN_CHANNEL on channel 0: CHANNEL_IN_WRONG_STATE');
    expect(await codeOf(stick.setNetworkKey(9, s.networkKey))).toBe('ant_response');
  });

  it('sends bursts numbered 0,1,2,3,1 … with the last bit, back to back, and reports completion', async () => {
    const s = sim();
    const trace: string[] = [];
    const stick = await open(s, trace);
    await tracking(s, stick);
    const data = Uint8Array.from({ length: 40 }, (_, i) => i);
    expect(await stick.sendBurst(0, data)).toBe('completed');
    const seq = trace.filter((l) => l.startsWith('> BURST_DATA')).map((l) => l.split(' ')[2]);
    expect(seq).toEqual(['00', '20', '40', '60', 'A0']);
    const afterLast = trace.slice(trace.findIndex((l) => l.startsWith('> BURST_DATA A0')));
    expect(afterLast.findIndex((l) => l.includes('EVENT_TRANSFER_TX_START'))).toBeLessThan(afterLast.findIndex((l) => l.includes('EVENT_TRANSFER_TX_COMPLETED')));
  });

  it('keeps one transfer in flight per channel, and reports TX_FAILED as failed', async () => {
    const s = sim();
    const trace: string[] = [];
    const stick = await open(s, trace);
    await tracking(s, stick);
    const a = stick.sendAcknowledged(0, new Uint8Array(8));
    const b = stick.sendBurst(0, new Uint8Array(16));
    expect(await Promise.all([a, b])).toEqual(['completed', 'completed']);
    // The burst went out only after the acknowledged message completed: no TRANSFER_IN_PROGRESS.
    const done = trace.findIndex((l) => l.includes('EVENT_TRANSFER_TX_COMPLETED'));
    expect(trace.findIndex((l) => l.startsWith('> BURST_DATA'))).toBeGreaterThan(done);
    expect(trace.some((l) => l.includes('TRANSFER_IN_PROGRESS'))).toBe(false);
    s.stick.faults.txFailRate = 1;
    expect(await stick.sendAcknowledged(0, new Uint8Array(8))).toBe('failed');
  });

  it('delivers broadcasts and whole bursts to channel listeners', async () => {
    const s = sim();
    const stick = await open(s);
    const items = await tracking(s, stick);
    // A LINK command puts the watch in AUTH; its serial answer comes back as a burst.
    await stick.sendAcknowledged(0, Uint8Array.of(0x44, 0x02, 50, 4, 1, 0, 0, 0));
    await stick.sendAcknowledged(0, Uint8Array.of(0x44, 0x04, 0x01, 0, 1, 0, 0, 0));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => items.some((i) => i.kind === 'burst') && (clearInterval(t), resolve()), 1);
    });
    expect(items.some((i) => i.kind === 'broadcast' && i.data[0] === 0x43)).toBe(true);
    const burst = items.find((i) => i.kind === 'burst') as { data: Uint8Array };
    expect(Buffer.from(burst.data.subarray(16, 32)).toString('latin1')).toContain('Forerunner 310XT');
  });

  it('survives a chaotic byte stream (split packets, garbage with sync bytes)', async () => {
    const s = sim({ stick: { chaos: { split: true, garbage: 0.5 } } });
    const stick = await open(s);
    const items = await tracking(s, stick);
    for (let i = 0; i < 5; i++) expect(await stick.sendAcknowledged(0, new Uint8Array(8))).toBe('completed');
    expect(items.filter((i) => i.kind === 'broadcast').length).toBeGreaterThan(3);
  });

  it('fails every wait at once when the stick is unplugged', async () => {
    const s = sim();
    const stick = await open(s);
    const items = await tracking(s, stick);
    s.stick.unplug();
    expect(await codeOf(stick.setRfFrequency(0, 3))).toBe('device_gone');
    expect(items.some((i) => i.kind === 'failed')).toBe(true);
  });

  it('says who holds a busy stick', async () => {
    const s = sim();
    s.stick.faults.claimBusy = true;
    const e = await AntStick.open(s.stick, { clock: s.clock }).catch((x: FitkitError) => x);
    expect((e as FitkitError).code).toBe('ant_stick_busy');
    expect((e as FitkitError).message).toMatch(/in use by another program/);
  });
});
