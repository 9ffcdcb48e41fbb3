import { describe, expect, it } from 'vitest';
import { MtpClient, type MtpClientOptions } from '../../../src/core/mtp/client.js';
import { ContainerType, Operation, Response } from '../../../src/core/mtp/codes.js';
import { encodeData, encodeShort } from '../../../src/core/mtp/container.js';
import { findMtpInterface } from '../../../src/core/mtp/interface-probe.js';
import { MtpTransport } from '../../../src/core/mtp/transport.js';
import type { SimMtpWatchOptions } from '../../../src/core/sim/mtp-watch.js';
import { patternBytes } from '../../../src/core/sim/mtp-objects.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/watch-files.js';
import { FAST, ScriptedDevice, plugWatch, recorded } from './sim-setup.js';

const FILES = watchFiles(WATCH_MODELS.fr945);
const SETTINGS = 'GARMIN/Settings/Settings.fit'; // 500 bytes: a 512-byte data container
const SPORT = 'GARMIN/Sports/Running.fit'; // 1012 bytes: a 1024-byte data container

/** Connects through a recording wrapper and downloads the named files (all FIT files by default). */
async function fetchVia(watchOptions: SimMtpWatchOptions, clientOptions: MtpClientOptions = {}, paths?: string[]) {
  const { watch } = plugWatch(watchOptions);
  const rec = recorded(watch);
  const traces: string[] = [];
  const client = await MtpClient.connect(rec.device, { ...FAST, trace: (l) => traces.push(l), ...clientOptions });
  const listed = await client.listFiles(await client.garminRoots());
  const got = new Map<string, Uint8Array>();
  for (const path of paths ?? FILES.map((f) => f.path)) {
    const f = listed.find((x) => x.path === path);
    if (!f) throw new Error(`not listed: ${path}`);
    const parts: Uint8Array[] = [];
    await client.download(f, (c) => void parts.push(c.slice()));
    got.set(path, Buffer.concat(parts));
  }
  await client.close();
  return { got, reads: rec.reads, traces, watch, packet: watchOptions.packetSize ?? 512 };
}

function expectIdentical(got: Map<string, Uint8Array>): void {
  for (const [path, bytes] of got) {
    const want = FILES.find((f) => f.path === path)!.bytes;
    expect(Buffer.compare(bytes, want), path).toBe(0);
  }
}

describe('MTP transport: packets, ZLPs and reassembly', () => {
  it('reads 512- and 1024-byte containers with their ZLP inside the same request', async () => {
    for (const partialObject of [true, false]) {
      const { got, reads } = await fetchVia({ partialObject }, {}, [SETTINGS, SPORT]);
      expectIdentical(got);
      // Whole containers of 512 and 1024 bytes came back from requests larger than them: the
      // ZLP ended those reads, so no zero-length read was ever needed.
      expect(reads.some((r) => r.got === 512 && r.request > 512)).toBe(true);
      expect(reads.some((r) => r.got === 1024 && r.request > 1024)).toBe(true);
      expect(reads.filter((r) => r.got === 0)).toEqual([]);
      expect(reads.every((r) => r.request % 512 === 0)).toBe(true);
    }
  });

  it('skips a lingering ZLP when a read ended exactly at the container end', async () => {
    // Requests capped at one packet: the 512-byte container fills a read and its ZLP stays queued.
    const { got, reads } = await fetchVia({ partialObject: false }, { readBytes: 512 }, [SETTINGS]);
    expectIdentical(got);
    expect(reads.some((r) => r.got === 0)).toBe(true);
  });

  it('downloads everything with 64-byte full-speed packets, asking only for whole packets', async () => {
    const { got, reads } = await fetchVia({ packetSize: 64 });
    expectIdentical(got);
    expect(reads.every((r) => r.request % 64 === 0)).toBe(true);
  });

  it('reassembles a split header (the 12 header bytes alone in a transfer)', async () => {
    const { got, reads } = await fetchVia({ splitHeader: true });
    expectIdentical(got);
    expect(reads.some((r) => r.got === 12)).toBe(true);
  });

  it('keeps a response appended to the data as the next container', async () => {
    const plain = await fetchVia({}, {}, [SETTINGS, SPORT]);
    const appended = await fetchVia({ appendResponse: true }, {}, [SETTINGS, SPORT]);
    expectIdentical(appended.got);
    // Data and response in one transfer: the 500-byte file's container plus a 16-byte response.
    expect(appended.reads.some((r) => r.got === 512 + 16)).toBe(true);
    expect(appended.reads.length).toBeLessThan(plain.reads.length);
  });

  it('drops a junk byte sent instead of a ZLP', async () => {
    const { got, traces } = await fetchVia({ extraByteInsteadOfZlp: true }, {}, [SETTINGS, SPORT]);
    expectIdentical(got);
    expect(traces.some((t) => /dropped 1 junk bytes/.test(t))).toBe(true);
  });

  it('reads data containers with length 0xFFFFFFFF to their short packet', async () => {
    const a = await fetchVia({ unknownLengthData: true });
    expectIdentical(a.got);
    const b = await fetchVia({ unknownLengthData: true, partialObject: false }, {}, [SETTINGS, SPORT]);
    expectIdentical(b.got);
  });

  it('streams a multi-megabyte GetObject data phase in every emission variant', async () => {
    const big = patternBytes(3 * (1 << 20) + 5, 11);
    const variants: SimMtpWatchOptions[] = [{}, { splitHeader: true }, { appendResponse: true }, { unknownLengthData: true }, { extraByteInsteadOfZlp: true }, { packetSize: 64 }];
    for (const v of variants) {
      const { watch } = plugWatch({ ...v, partialObject: false, files: [{ path: 'GARMIN/Activity/big.fit', bytes: big }], deviceXml: false });
      const client = await MtpClient.connect(watch, FAST);
      const [f] = await client.listFiles(await client.garminRoots());
      const parts: Uint8Array[] = [];
      await client.download(f, (c) => void parts.push(c.slice()));
      expect(Buffer.compare(Buffer.concat(parts), big), JSON.stringify(v)).toBe(0);
      expect(watch.operations).toContain(Operation.GetObject);
      await client.close();
    }
  });

  it('handles split header, appended response and 64-byte packets at once', async () => {
    const { got } = await fetchVia({ splitHeader: true, appendResponse: true, packetSize: 64 });
    expectIdentical(got);
  });
});

/** A transport straight on a scripted device. */
async function scripted(script: ConstructorParameters<typeof ScriptedDevice>[0]) {
  const bus = new SimUsbBus();
  const dev = new ScriptedDevice(script);
  bus.plug(dev);
  await dev.open();
  await dev.claimInterface(0);
  const t = new MtpTransport(dev, findMtpInterface(dev.info)!, FAST);
  return { dev, t };
}

const response = (tid: number, code: number = Response.OK, params: number[] = []) => ({ bytes: encodeShort(ContainerType.Response, code, tid, params) });

describe('MTP transport: protocol violations', () => {
  it('fails a response carrying the wrong transaction id, and cancels it', async () => {
    const { t, dev } = await scripted((c) => [response(c.transactionId + 1)]);
    await expect(t.run({ operation: Operation.GetStorageIDs, dataIn: true })).rejects.toMatchObject({ code: 'mtp_protocol', message: expect.stringMatching(/transaction id 2/) });
    expect(dev.cancels).toEqual([1]);
  });

  it('fails a data container of another transaction', async () => {
    const { t } = await scripted((c) => [{ bytes: encodeData(c.code, 99, new Uint8Array(8)) }, response(c.transactionId)]);
    await expect(t.run({ operation: Operation.GetStorageIDs, dataIn: true })).rejects.toMatchObject({ code: 'mtp_protocol' });
  });

  it('refuses a data phase longer than asked for before handing any of it over', async () => {
    const { t } = await scripted((c) => [{ bytes: encodeData(c.code, c.transactionId, new Uint8Array(2000)) }, response(c.transactionId, Response.OK, [2000])]);
    const seen: number[] = [];
    await expect(t.run({ operation: Operation.GetPartialObject, params: [1, 0, 1000], dataIn: true, maxData: 1000, onData: (c) => void seen.push(c.length) })).rejects.toMatchObject({
      code: 'mtp_protocol',
    });
    expect(seen).toEqual([]);
  });

  it('bounds an unknown-length data phase by what was asked for', async () => {
    const { t } = await scripted((c) => [{ bytes: encodeData(c.code, c.transactionId, new Uint8Array(5000), 0xffffffff) }, response(c.transactionId)]);
    let seen = 0;
    await expect(t.run({ operation: Operation.GetObject, params: [1], dataIn: true, maxData: 1000, onData: (c) => void (seen += c.length) })).rejects.toMatchObject({ code: 'mtp_protocol' });
    expect(seen).toBeLessThanOrEqual(1000);
  });

  it('fails an unexpected data phase and a container of the wrong type', async () => {
    const { t } = await scripted((c) => [{ bytes: encodeData(c.code, c.transactionId, new Uint8Array(4)) }, response(c.transactionId)]);
    await expect(t.run({ operation: Operation.CloseSession })).rejects.toMatchObject({ code: 'mtp_protocol', message: expect.stringMatching(/unexpected data/) });
    const s = await scripted((c) => [{ bytes: encodeShort(ContainerType.Event, 0x4002, c.transactionId, []) }]);
    await expect(s.t.run({ operation: Operation.CloseSession })).rejects.toMatchObject({ code: 'mtp_protocol', message: expect.stringMatching(/expected a response/) });
  });

  it('gives up on a device that sends nothing but zero-length packets', async () => {
    const { t } = await scripted(() => Array.from({ length: 10 }, () => ({ bytes: new Uint8Array(0) })));
    await expect(t.run({ operation: Operation.CloseSession })).rejects.toMatchObject({ code: 'mtp_protocol', message: expect.stringMatching(/zero-length/) });
  });

  it('numbers transactions from 1, skipping 0 and 0xFFFFFFFF on wrap', async () => {
    const tids: number[] = [];
    const { t } = await scripted((c) => (tids.push(c.transactionId), [response(c.transactionId)]));
    await t.run({ operation: Operation.CloseSession });
    t.nextTransactionId = 0xfffffffe;
    await t.run({ operation: Operation.CloseSession });
    await t.run({ operation: Operation.CloseSession });
    expect(tids).toEqual([1, 0xfffffffe, 1]);
  });
});

describe("the simulator's pattern bytes", () => {
  it('makes deterministic, position-dependent pattern bytes', () => {
    const a = patternBytes(200_000, 5);
    expect(Buffer.compare(a, patternBytes(200_000, 5))).toBe(0);
    expect(Buffer.compare(a, patternBytes(200_000, 6))).not.toBe(0);
    // Each 64 KiB block is stamped: a block-sized offset slip shows.
    expect(Buffer.compare(a.subarray(0, 65536), a.subarray(65536, 131072))).not.toBe(0);
  });
});
