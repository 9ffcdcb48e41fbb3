/**
 * The ANT-FS network key must appear in no output (docs/ant-fs.md). This runs whole
 * sessions with debug tracing on — pairing, faults, downloads, a damaged file, an erase — and
 * the failure paths (rejected passkey, malformed key in the environment, broken config file, a
 * silent stick, an unplugged stick), collects every log and trace line, every error (message,
 * stack, causes, JSON) and everything written to the console, and looks for the key in hex,
 * decimal-list and base64 forms.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import type { DeviceSession } from '../../../src/core/sync/device-source.js';
import type { AntFileRef } from '../../../src/core/sync/sources/antfs-source.js';
import { disposeRigs, fetchFile, rig, smallFiles } from './sim-setup.js';

afterEach(() => {
  vi.restoreAllMocks();
  disposeRigs();
});

/** A random made-up key with eight distinct non-zero bytes, so no form of it occurs by chance. */
function madeUpKey(): Uint8Array {
  for (;;) {
    const k = new Uint8Array(randomBytes(8));
    if (new Set(k).size === 8 && !k.includes(0)) return k;
  }
}

function forms(key: Uint8Array): { hex: string[]; exact: string[] } {
  const h = Buffer.from(key).toString('hex');
  const pairs = h.match(/../g)!;
  const dec = [...key].map(String);
  const b64 = Buffer.from(key).toString('base64');
  return {
    // Compared without regard to case.
    hex: [h, ...[' ', ':', '-', ', 0x', ',0x', '\\x'].map((sep) => pairs.join(sep))],
    exact: [dec.join(','), dec.join(', '), dec.join(' '), dec.join(';'), b64, b64.replace(/=+$/, ''), Buffer.from(key).toString('base64url')],
  };
}

function describeError(e: unknown, depth = 0): string {
  if (!(e instanceof Error) || depth > 5) return String(e);
  const own = JSON.stringify(e, Object.getOwnPropertyNames(e));
  const one = 'oneLine' in e && typeof e.oneLine === 'function' ? String(e.oneLine()) : '';
  return [e.message, e.stack, own, one, describeError(e.cause, depth + 1)].join('\n');
}

it('never appears in logs, traces, errors or console output of whole sessions, failures included', async () => {
  const key = madeUpKey();
  const out: string[] = [];
  const errors: unknown[] = [];
  for (const m of ['log', 'error', 'warn', 'info', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' ')));
  const capture = (s: { write: (...a: never[]) => boolean }) => vi.spyOn(s as NodeJS.WriteStream, 'write').mockImplementation((chunk: unknown) => (out.push(String(chunk)), true));
  capture(process.stdout);
  capture(process.stderr);
  const attempt = async (p: Promise<unknown>) => p.catch((e: unknown) => void errors.push(e));
  const keyHex = Buffer.from(key).toString('hex').toUpperCase();

  // 1. A full session, key from the environment: pairing, faults, a damaged file, an erase.
  const r = rig({ networkKey: key, watch: { files: smallFiles() } });
  const trace = (l: string) => r.lines.push(l);
  r.stick.faults = { dropBurstRate: 0.1, corruptLineRate: 0.1, corruptDataRate: 0.1, scope: 'all' };
  const env = { FITKIT_ANTFS_NETWORK_KEY: keyHex };
  const s = await r.open({ networkKey: undefined, env, trace });
  const files = await s.listFiles();
  const damaged = files.find((f) => f.size > 0)!;
  r.watch.faults.damaged = [r.watch.files.find((w) => w.index === (damaged.ref as AntFileRef).entry.index)!.source!];
  for (const f of files) await attempt(fetchFile(s, f));
  await attempt(fetchFile(s, damaged));
  await attempt(fetchFile(s, damaged));
  await attempt(s.remove!(files.find((f) => f !== damaged && (f.ref as AntFileRef).entry.subType === 4)!));
  await s.close();
  expect(errors.length).toBeGreaterThanOrEqual(3);

  // 2. The key from antfs.json; the watch has forgotten us: passkey rejected.
  writeFileSync(join(r.configDir, 'antfs.json'), JSON.stringify({ networkKey: keyHex.toLowerCase() }));
  r.watch.passkeys.clear();
  await attempt(r.open({ networkKey: undefined, trace }));

  // 3. A malformed key in the environment, and a broken config file that contains the key.
  await attempt(r.open({ networkKey: undefined, env: { FITKIT_ANTFS_NETWORK_KEY: keyHex + '7' }, trace }));
  writeFileSync(join(r.configDir, 'antfs.json'), `{"networkKey": "${keyHex}",,}`);
  await attempt(r.open({ networkKey: undefined, trace }));

  // 4. A stick that stops answering, and one pulled out mid-download.
  const mute = rig({ networkKey: key });
  mute.stick.faults.mute = true;
  await attempt(mute.open({ trace: (l) => mute.lines.push(l) }));
  const gone = rig({ networkKey: key, watch: { files: smallFiles() } });
  const g: DeviceSession = await gone.open({ trace: (l) => gone.lines.push(l) });
  const f = (await g.listFiles()).find((x) => x.size > 2000)!;
  await attempt(g.download(f, () => gone.stick.unplug()));
  await g.close();

  const codes = errors.map((e) => (e as { code?: string }).code);
  expect(codes).toEqual(expect.arrayContaining(['antfs_download_failed', 'antfs_file_given_up', 'antfs_passkey_rejected', 'antfs_bad_network_key', 'ant_timeout', 'device_gone']));
  const corpus = [...r.lines, ...mute.lines, ...gone.lines, ...out, ...r.watch.log, ...errors.map((e) => describeError(e))].join('\n');
  // The corpus is real: traces show the key being set (redacted) and the data that moved.
  expect(corpus).toContain('> NETWORK_KEY net=0 key=<redacted>');
  expect(corpus).toContain('< BURST_DATA');
  expect(corpus.length).toBeGreaterThan(100_000);
  const lower = corpus.toLowerCase();
  const { hex, exact } = forms(key);
  for (const h of hex) expect(lower.includes(h.toLowerCase()), `key as ${h}`).toBe(false);
  for (const x of exact) expect(corpus.includes(x), `key as ${x}`).toBe(false);
});
