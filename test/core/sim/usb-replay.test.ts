import { describe, expect, it } from 'vitest';
import { MtpClient } from '../../../src/core/mtp/client.js';
import { patternBytes } from '../../../src/core/sim/mtp-objects.js';
import { SimMtpWatch, mtpWatchDescriptor } from '../../../src/core/sim/mtp-watch.js';
import { SimReplayDevice, UsbTransferRecorder, replayTransfers, type UsbTransfer } from '../../../src/core/sim/usb-replay.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/watch-files.js';
import { FAST } from '../mtp/sim-setup.js';

const BIG = patternBytes(3 * (1 << 20) + 100);

/** Downloads every file of a simulated FR945 (plus a 3 MiB one, several GetPartialObject chunks), recording only the downloads. */
async function recordDownloads(): Promise<{ transfers: UsbTransfer[]; files: Uint8Array[] }> {
  const files = [...watchFiles(WATCH_MODELS.fr945).map((f) => ({ path: f.path, bytes: f.bytes })), { path: 'GARMIN/Activity/big.fit', bytes: BIG }];
  const bus = new SimUsbBus();
  bus.plug(new SimMtpWatch({ files, deviceXml: false }));
  const recorder = new UsbTransferRecorder();
  const [device] = await recorder.backend(bus).devices();
  const client = await MtpClient.connect(device, FAST);
  const listed = await client.listFiles(await client.garminRoots());
  const got: Uint8Array[] = [];
  recorder.recording = true;
  for (const f of files) {
    const parts: Uint8Array[] = [];
    await client.download(
      listed.find((x) => x.path === f.path)!,
      (c) => void parts.push(c.slice()),
    );
    got.push(Buffer.concat(parts));
  }
  recorder.recording = false;
  await client.close();
  files.forEach((f, i) => expect(Buffer.compare(got[i], f.bytes), f.path).toBe(0));
  return { transfers: recorder.transfers, files: files.map((f) => f.bytes) };
}

describe('USB transfer replay (the MTP bench floor)', () => {
  it('records only while recording, and replays exactly the recorded transfers with no protocol on either side', async () => {
    const { transfers, files } = await recordDownloads();
    const outs = transfers.filter((t) => t.dir === 'out');
    const ins = transfers.filter((t) => t.dir === 'in');
    // One command per chunk (the 3 MiB file takes four), a data phase and a response each.
    expect(outs.length).toBe(files.length + 3);
    expect(ins.length).toBe(2 * outs.length);
    const payload = files.reduce((n, f) => n + f.length, 0);
    const inBytes = ins.reduce((n, t) => n + t.data.length, 0);
    expect(inBytes).toBe(payload + outs.length * (12 + 16)); // + data header and response per chunk
    // Some data phase fills whole packets, so a ZLP ends it: the replay must end it the same way.
    expect(ins.some((t) => t.data.length > 0 && t.data.length % 512 === 0 && t.data.length < t.length)).toBe(true);

    const replay = new SimReplayDevice(mtpWatchDescriptor(), transfers);
    new SimUsbBus().plug(replay);
    const again = new UsbTransferRecorder();
    const host = again.wrap(replay);
    await host.open();
    await host.claimInterface(0);
    again.recording = true;
    expect(await replayTransfers(host, transfers)).toBe(inBytes);
    expect(again.transfers.map((t) => [t.dir, t.endpoint, t.dir === 'in' ? t.length : 0, Buffer.from(t.data).toString('base64')])).toEqual(
      transfers.map((t) => [t.dir, t.endpoint, t.dir === 'in' ? t.length : 0, Buffer.from(t.data).toString('base64')]),
    );
    expect(replay.outBytes).toBe(outs.reduce((n, t) => n + t.data.length, 0));
    expect(replay.inBytes).toBe(inBytes);
  });

  it('refuses a replay that does not start with an OUT transfer, and a replay that comes out different', async () => {
    expect(() => new SimReplayDevice(mtpWatchDescriptor(), [{ dir: 'in', endpoint: 0x81, length: 512, data: new Uint8Array(4) }])).toThrow(/starts with an OUT/);
    const recorded: UsbTransfer[] = [
      { dir: 'out', endpoint: 0x03, data: new Uint8Array(12) },
      { dir: 'in', endpoint: 0x81, length: 512, data: new Uint8Array(20) },
    ];
    const device = new SimReplayDevice(mtpWatchDescriptor(), recorded);
    new SimUsbBus().plug(device);
    await device.open();
    await device.claimInterface(0);
    // The host expects 24 bytes where the device sends the 20 it recorded.
    await expect(replayTransfers(device, [recorded[0], { dir: 'in', endpoint: 0x81, length: 512, data: new Uint8Array(24) }], 100)).rejects.toThrow('20 bytes where 24 were recorded');
  });
});
