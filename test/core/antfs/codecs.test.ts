import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/core/bytes/crc16.js';
import { decodeBeacon, encodeBeacon } from '../../../src/core/antfs/beacon.js';
import { authCommand, AuthRequest, decodeCommand, downloadCommand, linkCommand } from '../../../src/core/antfs/command.js';
import { decodeResponse, decodeResponseBurst, encodeAuthResponse, encodeDownloadResponse } from '../../../src/core/antfs/response.js';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => parseInt(b, 16)),
  );
const show = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ANT-FS CRC (§2.5)', () => {
  it('is CRC-16/ARC: "123456789" gives 0xBB3D', () => {
    expect(crc16(Buffer.from('123456789', 'ascii'))).toBe(0xbb3d);
  });

  it('continues: CRC(whole) = CRC(part 2, seed = CRC(part 1)), at any cut', () => {
    const data = Uint8Array.from({ length: 1500 }, (_, i) => (i * 37 + 11) & 0xff);
    const whole = crc16(data);
    for (const cut of [0, 1, 512, 1024, 1499, 1500]) expect(crc16(data.subarray(cut), 0, data.length - cut, crc16(data.subarray(0, cut)))).toBe(whole);
  });
});

describe('beacons (§2.2 observed vectors)', () => {
  it('FR310XT in LINK: data available, 8 Hz, product 1018, Garmin', () => {
    expect(decodeBeacon(hex('43 24 00 03 FA 03 01 00'))).toEqual({
      requestToSend: false,
      dataAvailable: true,
      uploadEnabled: false,
      pairingEnabled: false,
      periodCode: 4,
      state: 'link',
      authType: 3,
      deviceType: 1018,
      manufacturer: 1,
    });
  });

  it('FR610 in LINK has pairing enabled (bit 3); in AUTH it names the host serial', () => {
    const link = decodeBeacon(hex('43 2C 00 03 41 05 01 00'))!;
    expect([link.pairingEnabled, link.dataAvailable, link.deviceType]).toEqual([true, true, 1345]);
    const auth = decodeBeacon(hex('43 2C 01 03 8B 00 00 00'))!;
    expect([auth.state, auth.hostSerial, auth.deviceType]).toEqual(['auth', 0x8b, undefined]);
  });

  it('encodes what it decodes, and rejects non-beacons', () => {
    for (const v of ['43 24 00 03 FA 03 01 00', '43 2C 01 03 8B 00 00 00', '43 0C 03 03 78 56 34 12']) expect(show(encodeBeacon(decodeBeacon(hex(v))!))).toBe(show(hex(v)));
    expect(decodeBeacon(hex('44 84 00 0E EC 6A 66 E4'))).toBeUndefined();
  });
});

describe('commands and responses (§2.3–2.5 traces)', () => {
  it('LINK to 2407 MHz, 8 Hz, host serial 0x8B', () => {
    expect(show(linkCommand(7, 4, 0x8b))).toBe(show(hex('44 02 07 04 8B 00 00 00')));
  });

  it('the first directory request and a continuation of file 6 at 0x200 with seed 0xD83B', () => {
    expect(show(downloadCommand(0, 0, true, 0))).toBe(show(hex('44 09 00 00 00 00 00 00 00 01 00 00 00 00 00 00')));
    const cont = downloadCommand(6, 0x200, false, 0xd83b);
    expect(show(cont)).toBe(show(hex('44 09 06 00 00 02 00 00 00 00 3B D8 00 00 00 00')));
    expect(decodeCommand(cont)).toEqual({ type: 'download', index: 6, offset: 0x200, initial: false, crcSeed: 0xd83b, maxBlock: 0 });
  });

  it('the serial request fits one acknowledged message; a passkey needs a burst', () => {
    expect(authCommand(AuthRequest.SERIAL, 0x8b)).toHaveLength(8);
    const pk = authCommand(AuthRequest.PASSKEY, 0x8b, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(show(pk)).toBe(show(hex('44 04 03 08 8B 00 00 00 01 02 03 04 05 06 07 08')));
  });

  it('reads the FR610 serial answer: serial and name, without padding', () => {
    const burst = Buffer.concat([hex('43 2C 01 03 8B 00 00 00'), hex('44 84 00 0E EC 6A 66 E4'), Buffer.from('Forerunner 610\0\0', 'latin1')]);
    const { beacon, response } = decodeResponseBurst(burst);
    expect(beacon?.state).toBe('auth');
    expect(response).toMatchObject({ type: 'auth', result: 0, clientSerial: 0xe4666aec });
    expect(Buffer.from((response as { data: Uint8Array }).data).toString('latin1')).toBe('Forerunner 610');
    expect(show(encodeAuthResponse(0, 0xe4666aec, Buffer.from('Forerunner 610', 'latin1')))).toBe(show(burst.subarray(8)));
  });

  it('reads the pairing accept with client serial 0 (the 310XT quirk)', () => {
    const r = decodeResponse(new Uint8Array(Buffer.concat([hex('44 84 01 08 00 00 00 00'), hex('11 22 33 44 55 66 77 88')])));
    expect(r).toEqual({ type: 'auth', result: 1, clientSerial: 0, data: hex('11 22 33 44 55 66 77 88') });
  });

  it('round-trips a download block, padded so the footer ends on 8 bytes, CRC last', () => {
    const data = Uint8Array.from({ length: 92 }, (_, i) => i);
    const enc = encodeDownloadResponse({ code: 0, offset: 512, total: 604, data, crc: 0xabcd });
    expect(enc.length % 8).toBe(0);
    expect(enc.length).toBe(16 + 96 + 8);
    expect([enc.at(-2), enc.at(-1)]).toEqual([0xcd, 0xab]);
    expect(decodeResponse(enc)).toEqual({ type: 'download', code: 0, size: 92, offset: 512, total: 604, data, crc: 0xabcd });
  });

  it('marks a truncated OK block as malformed (code -1) and keeps error codes', () => {
    const enc = encodeDownloadResponse({ code: 0, offset: 0, total: 604, data: new Uint8Array(512), crc: 1 });
    expect(decodeResponse(enc.subarray(0, 100))).toMatchObject({ type: 'download', code: -1 });
    expect(decodeResponse(encodeDownloadResponse({ code: 1, offset: 0, total: 0, data: new Uint8Array(0), crc: 0 }))).toMatchObject({ code: 1 });
  });
});
