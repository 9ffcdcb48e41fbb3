import { describe, expect, it } from 'vitest';
import { Event, Operation, Response } from '../../../src/core/mtp/codes.js';
import { MtpError } from '../../../src/core/mtp/errors.js';
import { findMtpInterface } from '../../../src/core/mtp/interface-probe.js';
import { MtpSession } from '../../../src/core/mtp/session.js';
import { MtpTransport } from '../../../src/core/mtp/transport.js';
import { MtpProvider } from '../../../src/core/sync/sources/mtp-source.js';
import { isUsbError, UsbError } from '../../../src/core/usb/backend.js';
import { MTP_BULK_IN } from '../../../src/core/sim/mtp-watch.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/watch-files.js';
import { FAST, connect, fetchAll, openSession, plugWatch, rejection } from './sim-setup.js';

const FILES = watchFiles(WATCH_MODELS.fr945);
const BIG = FILES.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));

describe('DeviceBusy', () => {
  it('is retried with backoff until the watch is ready', async () => {
    const { session, watch } = await openSession();
    watch.mtpFaults.busyOps = 4;
    const files = await session.listFiles();
    expect(files).toHaveLength(FILES.length);
    expect(watch.mtpFaults.busyOps).toBe(0);
    await session.close();
  });

  it('is reported after a bounded number of retries', async () => {
    const { session, watch } = await openSession({}, { busyRetries: 3 });
    watch.mtpFaults.busyOps = 1000;
    const e = await rejection(session.listFiles());
    expect(e).toMatchObject({ code: 'mtp_response', response: Response.DeviceBusy });
    expect(watch.mtpFaults.busyOps).toBe(1000 - 4);
    await session.close();
  });

  it('during connect (GetDeviceInfo, OpenSession) is retried too', async () => {
    const { bus, watch } = plugWatch();
    watch.mtpFaults.busyOps = 2;
    const [c] = await new MtpProvider(bus, FAST).scan();
    const s = await c.open();
    expect(s.identity.model).toBe('Forerunner 945');
    await s.close();
  });
});

describe('stalls', () => {
  it('mid-file: recovered (status, clear halt) and the download resumes byte-identical', async () => {
    const { session, watch } = await openSession();
    const file = (await session.listFiles()).find((f) => f.path === BIG.path)!;
    watch.faults.stallAtInByte = { endpoint: MTP_BULK_IN, at: watch.inBytes + 500_000 };
    const before = watch.operations.length;
    const got = await fetchAll(session, file);
    expect(Buffer.compare(got, BIG.bytes)).toBe(0);
    expect(watch.faults.stallAtInByte).toBeUndefined();
    // One chunk more than the file needs: the stalled one was re-asked from where it broke.
    const chunks = watch.operations.slice(before).filter((o) => o === Operation.GetPartialObject).length;
    expect(chunks).toBe(Math.ceil(BIG.bytes.length / (1 << 20)) + 1);
    await session.close();
  });

  it('during a listing: the transaction is retried once, transparently', async () => {
    const { session, watch } = await openSession();
    watch.faults.stallAtInByte = { endpoint: MTP_BULK_IN, at: watch.inBytes + 2000 };
    expect(await session.listFiles()).toHaveLength(FILES.length);
    expect(watch.faults.stallAtInByte).toBeUndefined();
    await session.close();
  });

  it('that keep coming end in a clear error, not a loop', async () => {
    const { session, watch } = await openSession({}, { chunkBytes: 65536 });
    const file = (await session.listFiles()).find((f) => f.path === BIG.path)!;
    let chunks = 0;
    const e = await rejection(session.download(file, () => void (chunks++, watch.stall(MTP_BULK_IN))));
    expect(e).toBeInstanceOf(MtpError);
    expect(e).toMatchObject({ code: 'mtp_stall', file: BIG.path });
    expect(chunks).toBe(3);
    // The session is still usable afterwards.
    expect(await session.listFiles()).toHaveLength(FILES.length);
    await session.close();
  });
});

describe('a silent watch', () => {
  it('times out promptly with a UsbError naming the operation, after a cancel request', async () => {
    const { session, watch } = await openSession({}, { timeoutMs: 150 });
    watch.mtpFaults.silent = true;
    const e = await rejection(session.listFiles());
    expect(isUsbError(e, 'timeout')).toBe(true);
    expect((e as UsbError).message).toMatch(/GetStorageIDs: the device did not answer within 150 ms/);
    expect(watch.cancels.length).toBe(1);
    // It wakes up: the session resynchronises and carries on.
    watch.mtpFaults.silent = false;
    expect(await session.listFiles()).toHaveLength(FILES.length);
    await session.close();
  });

  it('that ignores class requests too still fails within bounded time', { timeout: 10_000 }, async () => {
    const { session, watch } = await openSession({}, { timeoutMs: 150, controlTimeoutMs: 50 });
    watch.mtpFaults.silent = true;
    watch.mtpFaults.silentControl = true;
    expect(isUsbError(await rejection(session.listFiles()), 'timeout')).toBe(true);
    await session.close();
  });

  it('at the first OpenSession: retried once, then reported', async () => {
    for (const silentOps of [1, 2]) {
      const { watch } = plugWatch();
      await watch.open();
      await watch.claimInterface(0);
      const session = new MtpSession(new MtpTransport(watch, findMtpInterface(watch.info)!, FAST), { ...FAST, firstOpenTimeoutMs: 200 });
      await session.getDeviceInfo();
      watch.mtpFaults.silentOps = silentOps;
      if (silentOps === 1) {
        await session.open();
        expect(session.isOpen).toBe(true);
      } else expect(isUsbError(await rejection(session.open()), 'timeout')).toBe(true);
      expect(watch.operations.filter((o) => o === Operation.OpenSession)).toHaveLength(2);
    }
  });

  it('during connect is a timeout error, not a hang', async () => {
    const { bus, watch } = plugWatch();
    watch.mtpFaults.silent = true;
    const [c] = await new MtpProvider(bus, { ...FAST, timeoutMs: 30 }).scan();
    expect(isUsbError(await rejection(c.open()), 'timeout')).toBe(true);
  });
});

describe('unplug', () => {
  it('mid-file surfaces UsbError no_device promptly; close() still resolves', { timeout: 10_000 }, async () => {
    const { session, watch } = await openSession({}, { timeoutMs: 60_000, chunkBytes: 65536 });
    const file = (await session.listFiles()).find((f) => f.path === BIG.path)!;
    watch.faults.unplugAtInByte = watch.inBytes + 700_000;
    let got = 0;
    const e = await rejection(session.download(file, (c) => void (got += c.length)));
    expect(isUsbError(e, 'no_device')).toBe(true);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(700_000);
    await expect(session.close()).resolves.toBeUndefined();
    // Nothing else is tried on a dead device.
    expect(isUsbError(await rejection(session.listFiles()), 'no_device')).toBe(true);
  });

  it('during a listing fails it the same way', async () => {
    const { session, watch } = await openSession({}, { timeoutMs: 60_000 });
    setTimeout(() => watch.unplug(), 0);
    const e = await rejection(
      (async () => {
        for (;;) await session.listFiles();
      })(),
    );
    expect(isUsbError(e, 'no_device')).toBe(true);
  });
});

describe('objects changing behind our back', () => {
  it('a file deleted after listing fails alone, with a clear message; others still download', async () => {
    const { session, watch } = await openSession();
    const files = await session.listFiles();
    const gone = files.find((f) => f.path.endsWith('Settings.fit'))!;
    expect(watch.removeFile(gone.path)).toBe(true);
    const e = await rejection(fetchAll(session, gone));
    expect(e).toMatchObject({ code: 'mtp_response', response: Response.InvalidObjectHandle, file: gone.path });
    expect((e as Error).message).toMatch(/no longer on the watch/);
    const other = files.find((f) => f.path.endsWith('Running.fit'))!;
    expect((await fetchAll(session, other)).length).toBe(1012);
    expect((await session.listFiles()).map((f) => f.path)).not.toContain(gone.path);
    await session.close();
  });

  it('the watch reports ObjectRemoved on its interrupt endpoint', async () => {
    const { client, watch } = await connect();
    watch.removeFile('GARMIN/Totals/Totals.fit');
    const ev = await client.transport.event(100);
    expect(ev).toMatchObject({ code: Event.ObjectRemoved });
    expect(await client.transport.event(5)).toBeUndefined();
    await client.close();
  });
});

describe('claiming and storage start-up', () => {
  it('claim refused: one line naming the culprits and the fixes', async () => {
    const { bus, watch } = plugWatch();
    watch.faults.claimBusy = true;
    const [c] = await new MtpProvider(bus, FAST).scan();
    const e = await rejection(c.open());
    expect(e).toMatchObject({ code: 'mtp_claim_busy' });
    const m = (e as Error).message;
    expect(m).toMatch(/gvfs/);
    expect(m).toMatch(/jmtpfs/);
    expect(m).toMatch(/systemctl --user stop gvfs-daemon/);
    expect(m).toMatch(/MTP_NO_PROBE/);
    expect(m).not.toMatch(/\n/);
  });

  it('an empty storage list right after plug-in is waited out', async () => {
    const { session, watch } = await openSession({ storageEmptyForMs: 40 });
    expect(await session.listFiles()).toHaveLength(FILES.length);
    expect(watch.operations.filter((o) => o === Operation.GetStorageIDs).length).toBeGreaterThan(1);
    await session.close();
  });

  it('a watch that never shows a GARMIN folder is reported as such', async () => {
    const { session } = await openSession({ storageEmptyForMs: 1e9 }, { storageWaitMs: 30 });
    expect(session.identity.model).toBe('Forerunner 945');
    expect(await rejection(session.listFiles())).toMatchObject({ code: 'mtp_no_garmin_folder' });
    await session.close();
  });
});

describe('abort', () => {
  it('stops a download at once; the session recovers for the next file', async () => {
    const { session, watch } = await openSession();
    const files = await session.listFiles();
    const big = files.find((f) => f.path === BIG.path)!;
    const ac = new AbortController();
    let got = 0;
    const e = await rejection(
      session.download(
        big,
        (c) => {
          got += c.length;
          ac.abort();
        },
        { signal: ac.signal },
      ),
    );
    expect((e as Error).name).toBe('AbortError');
    expect(got).toBeLessThan(big.size);
    expect(watch.cancels.length).toBe(1);
    const small = files.find((f) => f.path.endsWith('Running.fit'))!;
    expect((await fetchAll(session, small)).length).toBe(1012);
    await session.close();
  });

  it('cuts short a transfer the watch never answers, long before its timeout', { timeout: 10_000 }, async () => {
    const { session, watch } = await openSession({}, { timeoutMs: 60_000 });
    const files = await session.listFiles();
    watch.mtpFaults.silent = true;
    const e = await rejection(fetchAll(session, files[0], 0, AbortSignal.timeout(30)));
    expect((e as Error).name).toBe('TimeoutError');
    // close() does not wait for the abandoned transfer either.
    await session.close();
  });
});
