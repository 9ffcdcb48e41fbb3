import { existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../../src/core/platform/clock.js';
import { SimAntStick } from '../../../src/core/sim/ant-stick.js';
import { SimUsbDevice } from '../../../src/core/sim/usb-sim.js';
import { watchFiles } from '../../../src/core/sim/watch-files.js';
import type { RemoteFile } from '../../../src/core/sync/device-source.js';
import { AntProvider, type AntFileRef, type AntFsSession } from '../../../src/core/sync/sources/antfs-source.js';
import { disposeRigs, expectAllIdentical, fetchFile, MODEL, original, rejection, rig, smallFiles } from './sim-setup.js';

afterEach(disposeRigs);

const downloadsOf = (log: string[]) => log.filter((l) => l.startsWith('DOWNLOAD'));
const count = (log: string[], s: string) => log.filter((l) => l.includes(s)).length;
const byType = (files: RemoteFile[], subType: number) => files.filter((f) => (f.ref as AntFileRef).entry.subType === subType);
const biggestSmall = (files: RemoteFile[]) => files.filter((f) => f.size < 200_000).sort((a, b) => b.size - a.size)[0];

class OtherUsbDevice extends SimUsbDevice {
  protected onOut(): void {}
}

describe('AntProvider.scan', () => {
  it('offers one candidate per ANT stick (0fcf:1004, 1008 and 1009) and nothing else; hotplug of any of them is noticed', async () => {
    const r = rig();
    r.bus.plug(new SimAntStick({ clock: r.clock, productId: 0x1008, location: '1-2' }));
    r.bus.plug(new OtherUsbDevice({ location: '1-3', vendorId: 0x091e, productId: 0x4b48, deviceClass: 0, interfaces: [] }));
    const p = r.provider();
    let changes = 0;
    const stop = p.watch(() => changes++);
    r.bus.plug(new SimAntStick({ clock: r.clock, productId: 0x1004, location: '1-5' }));
    stop();
    expect(changes).toBe(1);
    const c = await p.scan();
    expect(c.map((x) => [x.transport, x.location, x.label])).toEqual([
      ['ant', '1-1.4', 'ANT stick ANTUSB-m (0fcf:1009) at 1-1.4'],
      ['ant', '1-2', 'ANT stick ANTUSB2 (0fcf:1008) at 1-2'],
      ['ant', '1-5', 'ANT stick USB1 (0fcf:1004) at 1-5'],
    ]);
  });
});

describe('ANT-FS sessions with a simulated FR310XT', () => {
  it('pairs on first contact (passkey stored 0600), then authenticates with it; every file byte-identical, the same listing twice', async () => {
    const r = rig();
    const s1 = await r.open();
    expect(s1.identity).toEqual({ transport: 'ant', key: `ant:${MODEL.serial}`, model: 'Forerunner 310XT', serial: String(MODEL.serial) });
    const keyFile = join(r.configDir, 'antfs', 'passkeys', `${MODEL.serial}.json`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(r.configDir, 'antfs', 'passkeys')).mode & 0o777).toBe(0o700);
    expect(r.watch.log).toContain('pairing prompt: fitkit');
    expect(r.watch.log).toContain('paired');
    const list1 = await s1.listFiles();
    // FIT files only: the watch's non-FIT entry is not listed.
    expect(list1).toHaveLength(watchFiles(MODEL).length);
    expect(new Set(list1.map((f) => f.path)).size).toBe(list1.length);
    await expectAllIdentical(r, s1, list1, watchFiles(MODEL));
    await s1.close();
    expect(r.watch.state).toBe('link');

    const s2 = await r.open();
    expect(count(r.watch.log, 'pairing prompt')).toBe(1);
    expect(r.watch.log.at(-1)).toBe('passkey accepted');
    const list2 = await s2.listFiles();
    const view = (l: RemoteFile[]) => l.map((f) => `${f.path} ${f.size} ${f.mtimeMs}`).sort();
    expect(view(list2)).toEqual(view(list1));
    // The same bytes again, for the sync engine's "nothing new" run.
    for (const f of byType(list2, 4).slice(0, 3)) expect(Buffer.compare(await fetchFile(s2, f), original(r, f))).toBe(0);
    await s2.close();
    expect(r.lines.some((l) => l.startsWith('authenticated with Forerunner 310XT (serial 3812345678) using its stored passkey'))).toBe(true);
  });

  it('asks again for dropped, corrupted and wrong bursts and still gets every byte right', async () => {
    const r = rig({ watch: { files: smallFiles() }, stick: { chaos: { split: true, garbage: 0.05 } } });
    r.stick.faults = { dropBurstRate: 0.1, corruptLineRate: 0.1, corruptDataRate: 0.1 };
    const s = await r.open();
    const files = await s.listFiles();
    await expectAllIdentical(r, s, files, smallFiles());
    await s.close();
    expect(r.stick.stats.droppedBursts).toBeGreaterThan(0);
    expect(r.stick.stats.corruptLine).toBeGreaterThan(0);
    expect(r.stick.stats.corruptData).toBeGreaterThan(0);
    // A bad block is asked for again at its own offset, as a continuation, not from the start.
    const d = downloadsOf(r.watch.log);
    const repeats = d.filter((l, i) => i > 0 && l === d[i - 1] && !l.endsWith('(initial)'));
    expect(repeats.length).toBeGreaterThan(0);
  });

  it('finds a watch that walked out of range mid-file, links and authenticates again, and goes on at the last good offset', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const f = biggestSmall(await s.listFiles());
    r.watch.faults = { leaveRangeAfterBytes: 20_000, outOfRangeMs: 30_000 };
    expect(Buffer.compare(await fetchFile(s, f), original(r, f))).toBe(0);
    await s.close();
    const log = r.watch.log;
    expect(log).toContain('left range');
    expect(log).toContain('back to LINK: lost the host');
    expect(count(log, 'LINK 24')).toBe(2);
    const relink = log.lastIndexOf(log.filter((l) => l.startsWith('LINK 24'))[1]);
    expect(log.slice(relink)).toContain('passkey accepted');
    const next = downloadsOf(log.slice(relink))[0];
    expect(next).toMatch(/^DOWNLOAD \d+ at [1-9]\d*$/);
    expect(r.lines.some((l) => l.includes('looking for it again'))).toBe(true);
  });

  it('picks a watch back up that was only briefly out of range, still linked', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const f = biggestSmall(await s.listFiles());
    r.watch.faults = { leaveRangeAfterBytes: 10_000, outOfRangeMs: 3_000 };
    expect(Buffer.compare(await fetchFile(s, f), original(r, f))).toBe(0);
    await s.close();
    expect(r.watch.log).toContain('left range');
    expect(count(r.watch.log, 'LINK 24')).toBe(1);
    expect(r.lines.some((l) => l.endsWith('is back, still linked'))).toBe(true);
  });

  it('resumes at an offset the caller gives: chained in the same session, block by block in a new one', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s1 = await r.open();
    const f = biggestSmall(await s1.listFiles());
    const want = original(r, f);
    const head: Uint8Array[] = [];
    let n = 0;
    const stop = new Error('disk full');
    await expect(
      s1.download(f, (c) => {
        head.push(c.slice());
        n += c.length;
        if (n >= 3000) throw stop;
      }),
    ).rejects.toBe(stop);
    const tail = await fetchFile(s1, f, n);
    expect(Buffer.compare(Buffer.concat([...head, tail]), want)).toBe(0);
    expect(r.watch.log).toContain(`DOWNLOAD ${(f.ref as AntFileRef).entry.index} at ${n}`);
    await s1.close();

    const s2 = await r.open();
    const g = (await s2.listFiles()).find((x) => x.path === f.path)!;
    expect(Buffer.compare(await fetchFile(s2, g, 1000), want.subarray(1000))).toBe(0);
    expect(r.watch.log).toContain(`DOWNLOAD ${(g.ref as AntFileRef).entry.index} at 1000 (initial)`);
    await s2.close();
  });

  it('follows a watch that renumbers files after each download: same paths, right bytes', async () => {
    const r = rig({ watch: { files: smallFiles(), renumber: 'after-download' } });
    const s1 = await r.open();
    const list1 = await s1.listFiles();
    await expectAllIdentical(r, s1, list1, smallFiles());
    await s1.close();
    expect(r.lines.some((l) => l.includes('renumbers its files'))).toBe(true);
    const s2 = await r.open();
    const list2 = await s2.listFiles();
    expect(list2.map((f) => f.path).sort()).toEqual(list1.map((f) => f.path).sort());
    expect(list2.map((f) => (f.ref as AntFileRef).entry.index).sort()).not.toEqual(list1.map((f) => (f.ref as AntFileRef).entry.index).sort());
    await s2.close();
  });

  it('retries a silent watch a bounded number of times, then fails that file clearly and goes on', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const files = await s.listFiles();
    const [a, b, c] = files.filter((f) => f.size > 0);
    r.watch.faults.ignoreRequests = 3;
    expect(Buffer.compare(await fetchFile(s, a), original(r, a))).toBe(0);
    // (Listing again after a download also tells the session this watch keeps its indices.)
    await s.listFiles();
    r.watch.faults.ignoreRequests = 1000;
    const e = await rejection(fetchFile(s, b));
    expect(e.code).toBe('antfs_download_failed');
    expect(e.file).toBe(b.path);
    expect(e.message).toMatch(/gave up at byte 0 after 12 failed tries in a row \(last: no usable answer from the watch to .* \(answer lost ×2\)\)/);
    r.watch.faults.ignoreRequests = 0;
    expect(Buffer.compare(await fetchFile(s, c), original(r, c))).toBe(0);
    await s.close();
  });

  it('gives up on a file that trickles past its time budget', async () => {
    const r = rig({ watch: { files: smallFiles(), flashDelayMs: 4_000 } });
    const s = await r.open({ timeouts: { fileBaseMs: 20_000, fileMsPerKiB: 0 } });
    const f = biggestSmall(await s.listFiles());
    const e = await rejection(fetchFile(s, f));
    expect(e.code).toBe('antfs_file_timeout');
    expect(e.message).toMatch(/not downloaded within 20 s \(\d+ bytes received\)/);
    await s.close();
  });

  it('gives a damaged file up for the session after repeated failures, without asking the watch again', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = (await r.open()) as AntFsSession;
    const files = await s.listFiles();
    const bad = files.find((f) => f.size > 0)!;
    const source = r.watch.files.find((w) => w.bytes === original(r, bad))!.source!;
    r.watch.faults.damaged = [source];
    for (let i = 0; i < 2; i++) expect((await rejection(fetchFile(s, bad))).message).toContain('bad CRC in the block at byte 0');
    const before = downloadsOf(r.watch.log).length;
    const e = await rejection(fetchFile(s, bad));
    expect(e.code).toBe('antfs_file_given_up');
    expect(e.message).toContain(`${bad.path}: failed 2 times this session`);
    expect(downloadsOf(r.watch.log).length).toBe(before);
    expect(s.failures().get(bad.path)?.count).toBe(2);
    const good = files.find((f) => f !== bad && f.size > 0)!;
    expect(Buffer.compare(await fetchFile(s, good), original(r, good))).toBe(0);
    await s.close();
  });

  it('keeps an idle session alive with PINGs; without them the watch times out and is linked again', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const f = biggestSmall(await s.listFiles());
    await sleep(r.clock, 65_000); // the engine busy elsewhere, past the watch's 60 s command timeout
    expect(Buffer.compare(await fetchFile(s, f), original(r, f))).toBe(0);
    await s.close();
    expect(count(r.watch.log, 'PING')).toBeGreaterThanOrEqual(3);
    expect(count(r.watch.log, 'LINK 24')).toBe(1);

    const q = rig({ watch: { files: smallFiles() } });
    const t = await q.open({ keepAliveMs: 0 });
    const g = biggestSmall(await t.listFiles());
    await sleep(q.clock, 65_000);
    expect(Buffer.compare(await fetchFile(t, g), original(q, g))).toBe(0);
    await t.close();
    expect(q.watch.log).toContain('back to LINK: command timeout');
    expect(count(q.watch.log, 'LINK 24')).toBe(2);
  });

  it('stops a download when its signal aborts, with the caller’s reason, and stays usable', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const f = biggestSmall(await s.listFiles());
    const ac = new AbortController();
    const reason = new Error('idle timeout');
    let got = 0;
    await expect(
      s.download(
        f,
        (c) => {
          got += c.length;
          if (got > 2000) ac.abort(reason);
        },
        { signal: ac.signal },
      ),
    ).rejects.toBe(reason);
    expect(got).toBeLessThan(f.size);
    expect((s as AntFsSession).failures().size).toBe(0);
    expect(Buffer.compare(await fetchFile(s, f), original(r, f))).toBe(0);
    await s.close();
  });

  it('erases a file on request; the next listing no longer has it', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const act = byType(await s.listFiles(), 4).find((f) => f.size > 0)!;
    await fetchFile(s, act);
    await s.remove!(act);
    expect((await s.listFiles()).map((f) => f.path)).not.toContain(act.path);
    expect(r.watch.log.some((l) => /^erase \d+: done$/.test(l))).toBe(true);
    await s.close();
  });

  it('ends at once with device_gone when the stick is pulled mid-download, and closes quietly', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    const s = await r.open();
    const f = biggestSmall(await s.listFiles());
    const e = await rejection(s.download(f, () => r.stick.unplug()));
    expect(e.code).toBe('device_gone');
    await expect(s.close()).resolves.toBeUndefined();
  });
});

describe('ANT-FS authentication and configuration problems', () => {
  it('a rejected passkey: a clear error saying how to pair again, and nothing paired behind the user’s back', async () => {
    const r = rig({ watch: { files: smallFiles() } });
    await (await r.open()).close();
    const keyFile = join(r.configDir, 'antfs', 'passkeys', `${MODEL.serial}.json`);
    r.watch.passkeys.clear(); // the watch was reset
    const e = await rejection(r.open());
    expect(e.code).toBe('antfs_passkey_rejected');
    expect(e.message).toContain(`Forerunner 310XT (serial ${MODEL.serial}) rejected the passkey`);
    expect(e.message).toContain(`delete ${keyFile} and run fitkit sync again to pair`);
    expect(existsSync(keyFile)).toBe(true);
    expect(count(r.watch.log, 'pairing prompt')).toBe(1);
    // Following the instructions works.
    unlinkSync(keyFile);
    const s = await r.open();
    expect(count(r.watch.log, 'pairing prompt')).toBe(2);
    expect(existsSync(keyFile)).toBe(true);
    await s.close();
  });

  it('pairing declined, never answered, disabled on the watch, or not allowed: each says what to do', async () => {
    const declined = rig({ watch: { user: 'reject' } });
    expect((await rejection(declined.open())).code).toBe('antfs_pairing_rejected');
    expect(existsSync(join(declined.configDir, 'antfs', 'passkeys', `${MODEL.serial}.json`))).toBe(false);
    const ignored = rig({ watch: { user: 'ignore' } });
    const t = await rejection(ignored.open());
    expect(t.code).toBe('antfs_pairing_timeout');
    expect(t.message).toMatch(/did not answer the pairing request within 60 s: accept "fitkit" on the watch/);
    const disabled = rig({ watch: { pairingEnabled: false } });
    expect((await rejection(disabled.open())).message).toContain("enable pairing (and data transfer) in the watch's ANT settings");
    const unattended = rig();
    const u = await rejection(unattended.open({ pairing: false }));
    expect(u.code).toBe('antfs_pairing_required');
    expect(unattended.watch.log.some((l) => l.startsWith('pairing prompt'))).toBe(false);
  });

  it('a Forerunner 405 is recognised as the old packet protocol and refused before pairing', async () => {
    const r = rig({ watch: { legacy: true } });
    const e = await rejection(r.open());
    expect(e.code).toBe('antfs_unsupported_legacy');
    expect(e.message).toMatch(/^Forerunner 405 \(serial \d+\) is not supported: it speaks Garmin's older packet protocol/);
    expect(r.watch.log.some((l) => l.startsWith('pairing prompt') || l.startsWith('DOWNLOAD'))).toBe(false);
    expect(r.watch.log).toContain('DISCONNECT');
  });

  it('a packet-protocol watch with an unknown name is caught when it refuses the directory', async () => {
    const r = rig({ watch: { legacy: true, name: 'Mystery 1' } });
    const s = await r.open();
    const e = await rejection(s.listFiles());
    expect(e.code).toBe('antfs_unsupported_legacy');
    expect(e.message).toContain('recognised it refused the directory request');
    await s.close();
  });

  it('no network key: a clear error naming where to put it; scanning still works', async () => {
    const r = rig();
    const p = r.provider({ networkKey: undefined, env: {} });
    const [c] = await p.scan();
    expect(c?.transport).toBe('ant');
    const e = await rejection(c.open());
    expect(e.code).toBe('antfs_no_network_key');
    expect(e.message).toContain('FITKIT_ANTFS_NETWORK_KEY');
    expect(e.message).toContain(join(r.configDir, 'antfs.json'));
    // And the stick was not touched.
    expect(r.stick.stats.hostMessages).toBe(0);
  });

  it('a wrong network key behaves like no watch in range, with a hint to check the key', async () => {
    const r = rig();
    const other = r.networkKey.map((b) => b ^ 0xff);
    const e = await rejection(r.open({ networkKey: other }));
    expect(e.code).toBe('antfs_no_watch');
    expect(e.message).toMatch(/no ANT-FS watch in range of the ANT stick at 1-1\.4 \(searched 120 s in \d+ rounds\).*check the ANT-FS network key/);
    expect(r.watch.log).toEqual([]);
  });

  it('a stick that stops answering gives a clear error, not a hang', async () => {
    const r = rig();
    r.stick.faults.mute = true;
    const e = await rejection(r.open());
    expect(e.code).toBe('ant_timeout');
    expect(e.message).toContain('did not answer Reset System (3 tries)');
  });
});

describe('AntProvider with real config sources', () => {
  it('takes the key from FITKIT_ANTFS_NETWORK_KEY and keeps its host serial across runs', async () => {
    const r = rig({ watch: { files: smallFiles().slice(0, 2) } });
    const env = { FITKIT_ANTFS_NETWORK_KEY: Buffer.from(r.networkKey).toString('hex') };
    await (await r.open({ networkKey: undefined, env })).close();
    const hosts = r.watch.log.filter((l) => l.startsWith('LINK')).map((l) => l.split('host ')[1]);
    await (await new AntProvider(r.bus, { env, configDir: r.configDir, clock: r.clock, seed: 99, stick: { usbReadTimeoutMs: 20 } }).scan())[0].open().then((s) => s.close());
    const after = r.watch.log.filter((l) => l.startsWith('LINK')).map((l) => l.split('host ')[1]);
    expect(after).toHaveLength(2);
    expect(after[1]).toBe(hosts[0]);
    expect(count(r.watch.log, 'pairing prompt')).toBe(1);
    expect(count(r.watch.log, 'passkey accepted')).toBe(1);
  });
});
