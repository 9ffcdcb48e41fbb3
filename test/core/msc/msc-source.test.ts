import { existsSync, realpathSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { CHUNK_BYTES } from '../../../src/core/msc/file-reader.js';
import { isInside } from '../../../src/core/msc/fit-file-walker.js';
import { SIM_STORE_KEY, type SimMscVolume } from '../../../src/core/sim/msc-volume.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/watch-files.js';
import type { DeviceSession, RemoteFile } from '../../../src/core/sync/device-source.js';
import { MscProvider, MscSession, type MscProviderOptions } from '../../../src/core/sync/sources/msc-source.js';
import { simVolumes } from '../../helpers/msc-volumes.js';

const edge = WATCH_MODELS.edge530;
const sim = simVolumes();

async function openOnly(v: SimMscVolume, extra: MscProviderOptions = {}): Promise<MscSession> {
  const provider = new MscProvider({ ...v.providerOptions(), ...extra });
  const found = await provider.scan();
  expect(found).toHaveLength(1);
  return (await found[0].open()) as MscSession;
}

async function fetch(session: DeviceSession, file: RemoteFile, offset?: number): Promise<{ bytes: Buffer; chunks: number[] }> {
  const parts: Uint8Array[] = [];
  await session.download(file, (c) => void parts.push(c), { offset });
  return { bytes: Buffer.concat(parts), chunks: parts.map((p) => p.length) };
}

const byPath = (files: RemoteFile[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not listed`);
  return f;
};

describe('MscProvider against a simulated Edge 530 volume', () => {
  it('identifies the unit from GarminDevice.xml', async () => {
    const v = sim();
    const provider = new MscProvider(v.providerOptions());
    const [c] = await provider.scan();
    expect(c).toMatchObject({ transport: 'msc', location: v.mountPoint });
    expect(c.label).toContain(v.mountPoint);
    const s = (await c.open()) as MscSession;
    expect(s.identity).toEqual({ transport: 'msc', key: `msc:${edge.serial}`, model: 'Edge 530', serial: String(edge.serial), partNumber: '006-B3121-00' });
    expect(s.warnings).toEqual([]);
  });

  it('lists every FIT file with its size and time, and downloads each byte-identical', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    // Exactly the watch's FIT files: not GarminDevice.xml, not NEWFILES (host → unit), not the other stick.
    expect(files.map((f) => f.path)).toEqual(v.files.map((f) => f.path).sort());
    expect(v.files).toHaveLength(watchFiles(edge).length);
    for (const f of v.files) {
      const r = byPath(files, f.path);
      expect(r.size).toBe(f.bytes.length);
      expect(Math.round(r.mtimeMs!)).toBe(f.mtimeMs);
      const { bytes, chunks } = await fetch(s, r);
      expect(bytes.equals(Buffer.from(f.bytes))).toBe(true);
      for (const n of chunks) expect(n).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    // The >1 MiB activity came in several bounded chunks.
    const big = v.files.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    expect(big.bytes.length).toBeGreaterThan(1024 * 1024);
    expect((await fetch(s, byPath(files, big.path))).chunks.length).toBeGreaterThan(4);
    // Listing twice gives the same order.
    expect((await s.listFiles()).map((f) => f.path)).toEqual(files.map((f) => f.path));
  });

  it('reads a FAT-style volume: upper-case folders and 8.3 names', async () => {
    const v = sim({ fatNames: true });
    const s = await openOnly(v);
    const files = await s.listFiles();
    expect(files.map((f) => f.path)).toEqual(v.files.map((f) => f.path).sort());
    for (const f of files) expect(f.path).toMatch(/^GARMIN\/[A-Z]+\/[0-9A-Z]{8}\.FIT$/);
    const one = v.files[0];
    expect((await fetch(s, byPath(files, one.path))).bytes.equals(Buffer.from(one.bytes))).toBe(true);
  });

  it('resumes at an offset with exactly the remaining bytes', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    const f = v.files.find((x) => x.bytes.length > 300_000)!;
    const r = byPath(files, f.path);
    for (const offset of [1, 12_345, CHUNK_BYTES, f.bytes.length - 1, f.bytes.length]) {
      expect((await fetch(s, r, offset)).bytes.equals(Buffer.from(f.bytes.subarray(offset)))).toBe(true);
    }
    await expect(s.download(r, () => undefined, { offset: f.bytes.length + 1 })).rejects.toMatchObject({ code: 'bad_offset' });
  });

  it('fails promptly and clearly when the unit is pulled out mid-copy, and recovers when it is back', async () => {
    const v = sim();
    const provider = new MscProvider(v.providerOptions());
    const s = (await (await provider.scan())[0].open()) as MscSession;
    const files = await s.listFiles();
    const f = v.files.find((x) => x.bytes.length > 1024 * 1024)!;
    const k = 700_001;
    v.failAt(f.path, k);
    const got: Uint8Array[] = [];
    const err = await s.download(byPath(files, f.path), (c) => void got.push(c)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitkitError);
    expect(err).toMatchObject({ code: 'device_gone', file: f.path });
    expect((err as Error).message).toBe(`device removed while reading ${f.path} (EIO)`);
    // Everything before the pull arrived intact, nothing after it.
    expect(Buffer.concat(got).equals(Buffer.from(f.bytes.subarray(0, k)))).toBe(true);
    expect(v.vanishes).toBe(1);
    // The rest of the session fails the same clear way; the volume is no longer found.
    await expect(s.download(byPath(files, v.files[0].path), () => undefined)).rejects.toMatchObject({ code: 'device_gone' });
    await expect(s.listFiles()).rejects.toMatchObject({ code: 'device_gone' });
    expect(await provider.scan()).toEqual([]);
    // Plugged back in: found again, and the interrupted file resumes where it stopped.
    v.appear();
    const again = (await (await provider.scan())[0].open()) as MscSession;
    const rest = await fetch(again, byPath(await again.listFiles(), f.path), k);
    expect(Buffer.concat([...got, rest.bytes]).equals(Buffer.from(f.bytes))).toBe(true);
  });

  it('reports a file that became shorter than listed', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    const f = v.files.find((x) => x.bytes.length > 1000)!;
    v.truncate(f.path, 700);
    const err = await s.download(byPath(files, f.path), () => undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'device_file_truncated', offset: 700 });
    expect((err as Error).message).toBe(`${f.path} ends at byte 700, but the device listed ${f.bytes.length} bytes`);
  });

  it('reads a file that grew only up to its listed size', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    const f = v.files[0];
    const r = byPath(files, f.path);
    const { bytes } = await fetch(s, { ...r, size: r.size - 10 });
    expect(bytes.equals(Buffer.from(f.bytes.subarray(0, r.size - 10)))).toBe(true);
  });

  it('reports an unreadable file as such (EACCES through the hook: tests may run as root)', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    v.denyRead(v.files[1].path);
    await expect(s.download(byPath(files, v.files[1].path), () => undefined)).rejects.toMatchObject({
      code: 'device_read_denied',
      message: `cannot read ${v.files[1].path} on the device: permission denied`,
    });
    // Other files still read.
    expect((await fetch(s, byPath(files, v.files[0].path))).bytes.length).toBe(v.files[0].bytes.length);
  });

  it('stops on abort, and passes a throwing sink’s error through unchanged', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    const big = byPath(files, v.files.find((x) => x.bytes.length > 1024 * 1024)!.path);
    const ac = new AbortController();
    let chunks = 0;
    const err = await s
      .download(
        big,
        () => {
          if (++chunks === 2) ac.abort();
        },
        { signal: ac.signal },
      )
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(chunks).toBe(2);
    const boom = new Error('disk full');
    await expect(
      s.download(big, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('deletes a file on remove, and nothing else changes on the volume', async () => {
    const v = sim();
    const s = await openOnly(v);
    const files = await s.listFiles();
    const victim = byPath(files, v.files[0].path);
    await s.remove(victim);
    expect(existsSync(v.pathOf(victim.path))).toBe(false);
    expect((await s.listFiles()).map((f) => f.path)).toEqual(files.map((f) => f.path).filter((p) => p !== victim.path));
    await expect(s.remove(victim)).rejects.toMatchObject({ code: 'device_remove_failed' });
  });

  it('refuses a RemoteFile that does not point into the volume', async () => {
    const v = sim();
    const s = await openOnly(v);
    const forged: RemoteFile = { path: 'GARMIN/x.fit', size: 10, ref: '/etc/passwd' };
    await expect(s.download(forged, () => undefined)).rejects.toMatchObject({ code: 'bad_remote_file' });
    await expect(s.remove(forged)).rejects.toMatchObject({ code: 'bad_remote_file' });
    expect(existsSync('/etc/passwd')).toBe(true);
  });
});

describe('identity without a usable GarminDevice.xml', () => {
  it.each(['missing', 'malformed'] as const)('%s: falls back to msc:label:<label> and says why, without the StoreKey', async (variant) => {
    const v = sim({ deviceXml: variant });
    const s = await openOnly(v);
    expect(s.identity).toEqual({ transport: 'msc', key: 'msc:label:GARMIN' });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(variant === 'missing' ? /no GarminDevice\.xml/ : /not well-formed XML/);
    expect(s.warnings[0]).toContain('msc:label:GARMIN');
    expect(JSON.stringify([s.identity, s.warnings, s.device])).not.toContain(SIM_STORE_KEY);
    // Files are still found by walking GARMIN/.
    expect((await s.listFiles()).length).toBe(v.files.length);
  });

  it('uses the folder name for --from without a label, and the unit id when the XML is there', async () => {
    const v = sim({ deviceXml: 'missing' });
    const s = (await (await new MscProvider({ roots: [v.pathOf('GARMIN')] }).scan())[0].open()) as MscSession;
    expect(s.identity.key).toBe('msc:label:GARMIN');
    expect((await s.listFiles()).map((f) => f.path)).toEqual(v.files.map((f) => f.path).sort());
    const w = sim({ deviceXml: 'storekey', mountName: 'copy of watch' });
    const t = (await (await new MscProvider({ roots: [w.mountPoint] }).scan())[0].open()) as MscSession;
    expect(t.identity.key).toBe(`msc:${edge.serial}`);
    expect(JSON.stringify([t.identity, t.warnings, t.device])).not.toContain(SIM_STORE_KEY);
  });

  it('reads an unknown future GarminDevice.xml namespace', async () => {
    const s = await openOnly(sim({ deviceXml: 'future' }));
    expect(s.identity.key).toBe(`msc:${edge.serial}`);
    expect(s.device?.locations.length).toBe(2);
  });
});

describe('--from', () => {
  it('uses only the named folders, and fails for one that does not exist', async () => {
    const v = sim();
    const provider = new MscProvider({
      roots: [v.mountPoint],
      mountTable: () => {
        throw new Error('must not be read');
      },
    });
    const found = await provider.scan();
    expect(found.map((c) => c.location)).toEqual([v.mountPoint]);
    await expect(new MscProvider({ roots: ['/nonexistent/GARMIN'] }).scan()).rejects.toMatchObject({ code: 'from_not_found' });
  });
});

describe('a hostile volume', () => {
  it('stays bounded and inside the volume: no links followed, odd names kept in place, 10,000 files', async () => {
    const v = sim({ hostile: { outsideLinks: true, oddNames: true, manyFiles: 10_000, deepDirs: 12 } });
    const s = await openOnly(v);
    const files = await s.listFiles();
    const root = realpathSync(v.mountPoint);
    for (const f of files) {
      expect(isInside(root, realpathSync(f.ref as string))).toBe(true);
      expect(f.path.split('/')).not.toContain('..');
    }
    const paths = new Set(files.map((f) => f.path));
    for (const f of v.files) expect(paths.has(f.path)).toBe(true); // includes '..fit', '..\\..\\escape.fit', 'new\nline.fit'
    expect(files.filter((f) => f.path.includes('/BULK/'))).toHaveLength(10_000);
    expect(files).toHaveLength(v.files.length + 10_000);
    expect([...paths].filter((p) => /LINK|SECRET|OTHER|Outside|LOOP|DEEP|NewFiles/.test(p))).toEqual([]);
    expect(s.warnings.join('\n')).toMatch(/nested deeper than 8 levels/);
    // An odd name downloads from where it is.
    const odd = v.files.find((f) => f.path.endsWith('..\\..\\escape.fit'))!;
    expect((await fetch(s, byPath(files, odd.path))).bytes.equals(Buffer.from(odd.bytes))).toBe(true);
    // A link on the volume is never opened, even when handed over as a RemoteFile.
    const link: RemoteFile = { path: 'GARMIN/Activities/LINK.FIT', size: 10, ref: v.pathOf('GARMIN/Activities/LINK.FIT') };
    await expect(s.download(link, () => undefined)).rejects.toMatchObject({ code: 'device_file_unsafe' });
  });

  it('stops at the entry limit and says the listing is partial', async () => {
    const v = sim({ hostile: { manyFiles: 3000 } });
    const s = await openOnly(v, { limits: { maxEntries: 500 } });
    const files = await s.listFiles();
    expect(files.length).toBeLessThan(500);
    expect(s.warnings.join('\n')).toMatch(/stopped listing after 500 entries/);
    // The cut is the same every time.
    expect((await s.listFiles()).map((f) => f.path)).toEqual(files.map((f) => f.path));
  });
});

describe('watch: hotplug by mount-table polling', () => {
  it('reports the volume vanishing and appearing, and a GARMIN disk left unmounted', async () => {
    const v = sim();
    const provider = new MscProvider({ ...v.providerOptions(), pollMs: 5 });
    expect(await provider.scan()).toHaveLength(1);
    let changes = 0;
    const stop = provider.watch(() => changes++);
    try {
      v.vanish();
      await vi.waitFor(() => expect(changes).toBe(1), { timeout: 10_000, interval: 5 });
      expect(await provider.scan()).toEqual([]);
      v.appear();
      await vi.waitFor(() => expect(changes).toBe(2), { timeout: 10_000, interval: 5 });
      expect((await provider.scan()).map((c) => c.location)).toEqual([v.mountPoint]);
      v.unmount();
      await vi.waitFor(() => expect(changes).toBe(3), { timeout: 10_000, interval: 5 });
      expect(await provider.scan()).toEqual([]);
      expect(provider.diagnostics).toHaveLength(1);
      expect(provider.diagnostics[0]).toMatch(/is not mounted/);
    } finally {
      stop();
    }
    // Stopped: no more reports.
    const before = changes;
    v.appear();
    await new Promise((r) => setTimeout(r, 30));
    expect(changes).toBe(before);
  });
});
