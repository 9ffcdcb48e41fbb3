import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/platform/random.js';
import { FitkitError } from '../../../src/core/errors.js';
import { loadNetworkKey, NETWORK_KEY_ENV } from '../../../src/core/antfs/network-key.js';
import { PasskeyStore } from '../../../src/core/antfs/passkey-store.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fitkit-antfs-conf-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Made up for the test; not any real ANT network key.
const KEY = Uint8Array.of(0x3c, 0x91, 0x07, 0xe2, 0x5a, 0x44, 0xb8, 0x1f);
const KEY_HEX = Buffer.from(KEY).toString('hex');

function thrown(f: () => unknown): FitkitError {
  try {
    f();
  } catch (e) {
    if (e instanceof FitkitError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('the ANT-FS network key', () => {
  it('comes from FITKIT_ANTFS_NETWORK_KEY, with separators allowed', () => {
    expect(loadNetworkKey({ env: { [NETWORK_KEY_ENV]: KEY_HEX }, configDir: tmp() })).toEqual(KEY);
    expect(loadNetworkKey({ env: { [NETWORK_KEY_ENV]: KEY_HEX.toUpperCase().replace(/(..)(?!$)/g, '$1:') }, configDir: tmp() })).toEqual(KEY);
  });

  it('comes from <config dir>/antfs.json when the environment has none; the environment wins', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'antfs.json'), JSON.stringify({ networkKey: KEY_HEX }));
    expect(loadNetworkKey({ env: {}, configDir: dir })).toEqual(KEY);
    expect(loadNetworkKey({ env: { [NETWORK_KEY_ENV]: '0102030405060708' }, configDir: dir })).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  });

  it('uses the XDG config dir by default', () => {
    const xdg = tmp();
    mkdirSync(join(xdg, 'fitkit'));
    writeFileSync(join(xdg, 'fitkit', 'antfs.json'), JSON.stringify({ networkKey: KEY_HEX }));
    expect(loadNetworkKey({ env: { XDG_CONFIG_HOME: xdg } })).toEqual(KEY);
  });

  it('missing: one line that says exactly where to put it', () => {
    const dir = tmp();
    const e = thrown(() => loadNetworkKey({ env: {}, configDir: dir }));
    expect(e.code).toBe('antfs_no_network_key');
    expect(e.message).toContain(NETWORK_KEY_ENV);
    expect(e.message).toContain(join(dir, 'antfs.json'));
    expect(e.message).toContain('"networkKey"');
    expect(e.message).not.toContain('\n');
  });

  it('malformed: says where, never echoes what it read', () => {
    const dir = tmp();
    const bad = KEY_HEX + 'ff';
    const e1 = thrown(() => loadNetworkKey({ env: { [NETWORK_KEY_ENV]: bad }, configDir: dir }));
    expect(e1.code).toBe('antfs_bad_network_key');
    expect(e1.message).toContain(NETWORK_KEY_ENV);
    expect(e1.message.toLowerCase()).not.toContain(KEY_HEX);
    // Broken JSON around the key: JSON.parse's own message would quote it.
    writeFileSync(join(dir, 'antfs.json'), `{ "networkKey": "${KEY_HEX}", }`);
    const e2 = thrown(() => loadNetworkKey({ env: {}, configDir: dir }));
    expect(e2.code).toBe('antfs_bad_network_key');
    expect(e2.message).toContain('not valid JSON');
    expect(JSON.stringify({ m: e2.message, s: e2.stack, c: String(e2.cause) }).toLowerCase()).not.toContain(KEY_HEX);
  });
});

describe('PasskeyStore', () => {
  it('stores a passkey per watch serial, mode 0600 in a 0700 folder, and reads it back', () => {
    const store = new PasskeyStore(join(tmp(), 'antfs'));
    const passkey = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const path = store.set(3812345678, { passkey, name: 'Forerunner 310XT', pairedAt: '2024-06-01T08:00:00.000Z', hostSerial: 42 });
    expect(path).toBe(store.pathFor(3812345678));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(store.dir, 'passkeys')).mode & 0o777).toBe(0o700);
    expect(store.get(3812345678)).toEqual({ passkey, name: 'Forerunner 310XT', pairedAt: '2024-06-01T08:00:00.000Z', hostSerial: 42 });
    expect(store.get(1)).toBeUndefined();
    expect(store.delete(3812345678)).toBe(true);
    expect(store.get(3812345678)).toBeUndefined();
  });

  it('says what to do with a damaged passkey file', () => {
    const store = new PasskeyStore(join(tmp(), 'antfs'));
    store.set(5, { passkey: Uint8Array.of(1) });
    writeFileSync(store.pathFor(5), '{"passkey": 12}');
    const e = thrown(() => store.get(5));
    expect(e.code).toBe('antfs_passkey_file');
    expect(e.message).toContain(`delete it and run fitkit sync again to pair`);
  });

  it('makes the host serial once and keeps it (the watch binds its pairing to it)', () => {
    const store = new PasskeyStore(join(tmp(), 'antfs'));
    const a = store.hostSerial(seededRng(1));
    const b = store.hostSerial(seededRng(2));
    expect(a).toBe(b);
    expect(a).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(store.dir, 'host.json'), 'utf8'))).toEqual({ hostSerial: a });
    expect(statSync(join(store.dir, 'host.json')).mode & 0o777).toBe(0o600);
  });
});
