import { describe, expect, it } from 'vitest';
import { ContainerType, Operation, Response } from '../../../src/core/mtp/codes.js';
import { encodeData, encodeShort } from '../../../src/core/mtp/container.js';
import { findMtpInterface } from '../../../src/core/mtp/interface-probe.js';
import { MtpSession } from '../../../src/core/mtp/session.js';
import { MtpTransport } from '../../../src/core/mtp/transport.js';
import { ENDLESS_FILE_BYTES, HUGE_FILE_BYTES, generatedByte } from '../../../src/core/sim/mtp-objects.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { FAST, ScriptedDevice, fetchAll, openSession, rejection } from './sim-setup.js';

describe('a hostile watch', () => {
  it('with 10,000 files in one folder is listed in full (under the object budget)', { timeout: 60_000 }, async () => {
    const { session, warnings } = await openSession({ hostile: { manyFiles: 10_000 } });
    const files = await session.listFiles();
    expect(files.filter((f) => f.path.startsWith('GARMIN/Flood/'))).toHaveLength(10_000);
    expect(warnings).toEqual([]);
    await session.close();
  });

  it('with more objects than the budget is listed up to it, with a warning, Activity first', async () => {
    const { session, warnings, watch } = await openSession({ hostile: { manyFiles: 10_000 } }, { maxObjects: 500 });
    const files = await session.listFiles();
    expect(files.length).toBeLessThan(500);
    expect(files.filter((f) => f.path.startsWith('GARMIN/Activity/'))).toHaveLength(5);
    expect(warnings.some((w) => /more than 500 objects/.test(w))).toBe(true);
    expect(watch.operations.filter((o) => o === Operation.GetObjectInfo).length).toBeLessThanOrEqual(2 * 500);
    await session.close();
  });

  it("gets its names back as sent (.., /, NUL): sanitising is the sync engine's job", async () => {
    const { session } = await openSession({ hostile: { badNames: true } });
    const files = await session.listFiles();
    const paths = files.map((f) => f.path);
    expect(paths).toContain('GARMIN/Activity/../../evil.fit');
    expect(paths).toContain('GARMIN/Activity/nul\u0000byte.fit');
    expect(paths).toContain('GARMIN/../escape.fit');
    const evil = files.find((f) => f.path.endsWith('evil.fit'))!;
    expect(Buffer.from(await fetchAll(session, evil)).toString()).toBe('evil');
    await session.close();
  });

  it('claiming 2 GiB and "4 GiB or more": left out of listings by default, with warnings', async () => {
    const { session, warnings, watch } = await openSession({ hostile: { hugeFile: true, endlessFile: true } });
    const paths = (await session.listFiles()).map((f) => f.path);
    expect(paths).not.toContain('GARMIN/Activity/huge.fit');
    expect(paths).not.toContain('GARMIN/Activity/endless.fit');
    expect(warnings.filter((w) => /huge\.fit|endless\.fit/.test(w))).toHaveLength(2);
    // The 0xFFFFFFFF size was resolved through the ObjectSize property, not GetObjPropList.
    expect(watch.operations).toContain(Operation.GetObjectPropValue);
    expect(watch.propListCalls).toBe(0);
    await session.close();
  });

  it('2 GiB file: bounded by its claimed size at the end, by the signal from the start', async () => {
    const { session } = await openSession({ hostile: { hugeFile: true } }, { maxFileBytes: Infinity });
    const huge = (await session.listFiles()).find((f) => f.path.endsWith('huge.fit'))!;
    expect(huge.size).toBe(HUGE_FILE_BYTES);
    const tail = await fetchAll(session, huge, HUGE_FILE_BYTES - 1000);
    expect(tail.length).toBe(1000);
    expect(tail[999]).toBe(generatedByte(HUGE_FILE_BYTES - 1));
    const ac = new AbortController();
    let got = 0;
    const e = await rejection(session.download(huge, (c) => void ((got += c.length) > 3 << 20 && ac.abort()), { signal: ac.signal }));
    expect((e as Error).name).toBe('AbortError');
    expect(got).toBeLessThan(5 << 20);
    await session.close();
  });

  it('endless file: streamed by GetObject until aborted, then the stream stops', { timeout: 30_000 }, async () => {
    const { session, watch } = await openSession({ hostile: { endlessFile: true } }, { maxFileBytes: Infinity });
    const endless = (await session.listFiles()).find((f) => f.path.endsWith('endless.fit'))!;
    expect(endless.size).toBe(ENDLESS_FILE_BYTES);
    const ac = new AbortController();
    let got = 0;
    const e = await rejection(session.download(endless, (c) => void ((got += c.length) > 4 << 20 && ac.abort()), { signal: ac.signal }));
    expect((e as Error).name).toBe('AbortError');
    expect(watch.operations).toContain(Operation.GetObject);
    expect(watch.cancels.length).toBe(1);
    // The next transaction waits for the abandoned transfer, drains, and works.
    const small = (await session.listFiles()).find((f) => f.path.endsWith('Running.fit'))!;
    expect((await fetchAll(session, small)).length).toBe(1012);
    await session.close();
  });

  it('endless file on a device with GetPartialObject64: any offset, even past 4 GiB', async () => {
    const { session, watch } = await openSession({ hostile: { endlessFile: true }, partialObject64: true }, { maxFileBytes: Infinity });
    const endless = (await session.listFiles()).find((f) => f.path.endsWith('endless.fit'))!;
    const at = 5 * 2 ** 32 + 12345;
    const got = await fetchAll(session, { ...endless, size: at + 300 }, at);
    expect(Array.from(got)).toEqual(Array.from({ length: 300 }, (_, i) => generatedByte(at + i)));
    expect(watch.operations).toContain(Operation.GetPartialObject64);
    await session.close();
  });
});

/** A session on a scripted device that claims one object of `claimed` bytes but has `actual`. */
async function shortObject(claimed: number, actual: number, partial: boolean) {
  const bus = new SimUsbBus();
  const dev = new ScriptedDevice((c) => {
    const resp = (params: number[] = []) => ({ bytes: encodeShort(ContainerType.Response, Response.OK, c.transactionId, params) });
    if (c.code === Operation.GetPartialObject) {
      const n = Math.max(0, Math.min(c.params[2], actual - c.params[1]));
      return [{ bytes: encodeData(c.code, c.transactionId, new Uint8Array(n)) }, resp([n])];
    }
    return [{ bytes: encodeData(c.code, c.transactionId, new Uint8Array(actual)) }, resp()];
  });
  bus.plug(dev);
  await dev.open();
  await dev.claimInterface(0);
  const s = new MtpSession(new MtpTransport(dev, findMtpInterface(dev.info)!, FAST), { chunkBytes: 1024 });
  s.deviceInfo = { operations: partial ? [Operation.GetPartialObject, Operation.GetObject] : [Operation.GetObject] } as MtpSession['deviceInfo'];
  let got = 0;
  const e = await rejection(s.download(1, claimed, (c) => void (got += c.length)));
  return { e, got };
}

describe('a watch whose object is shorter or longer than it claimed', () => {
  it('GetPartialObject: stops with a size error where the data ran out', async () => {
    const { e, got } = await shortObject(5000, 3000, true);
    expect(e).toMatchObject({ code: 'mtp_size_mismatch', offset: 3000 });
    expect(got).toBe(3000);
  });

  it('GetObject: a short object is a size error, a long one is refused before delivery', async () => {
    expect((await shortObject(5000, 3000, false)).e).toMatchObject({ code: 'mtp_size_mismatch' });
    const long = await shortObject(3000, 5000, false);
    expect(long.e).toMatchObject({ code: 'mtp_protocol' });
    expect(long.got).toBe(0);
  });
});
