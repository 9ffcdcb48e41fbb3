import { describe, expect, it } from 'vitest';
import * as cmd from '../../../src/core/ant/commands.js';
import { codeName, decodeMessage, describeMessage, encode, encodeMessage, messageName, xorChecksum } from '../../../src/core/ant/message.js';

const hex = (s: string) => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

describe('ANT frames', () => {
  const vectors: [string, Uint8Array, string][] = [
    ['Reset System', encode(cmd.resetSystem()), 'A4 01 4A 00 EF'],
    ['Request capabilities', encode(cmd.requestMessage(0, 0x54)), 'A4 02 4D 00 54 BF'],
    ['Request serial number', encode(cmd.requestMessage(0, 0x61)), 'A4 02 4D 00 61 8A'],
    ['Request version', encode(cmd.requestMessage(0, 0x3e)), 'A4 02 4D 00 3E D5'],
    ['Assign channel 0, slave, network 0', encode(cmd.assignChannel(0, cmd.ChannelType.SLAVE, 0)), 'A4 03 42 00 00 00 E5'],
    ['Set channel ID wildcard', encode(cmd.setChannelId(0, 0, 0, 0)), 'A4 05 51 00 00 00 00 00 F0'],
    ['Set channel ID type 1', encode(cmd.setChannelId(0, 0, 1, 0)), 'A4 05 51 00 00 00 01 00 F1'],
    ['Set channel period 4096', encode(cmd.setChannelPeriod(0, 4096)), 'A4 03 43 00 00 10 F4'],
    ['Set search timeout 0xFF', encode(cmd.setSearchTimeout(0, 0xff)), 'A4 02 44 00 FF 1D'],
    ['Set RF frequency 50', encode(cmd.setRfFrequency(0, 50)), 'A4 02 45 00 32 D1'],
    ['Set search waveform 0x0053', encode(cmd.setSearchWaveform(0, 0x53)), 'A4 03 49 00 53 00 BD'],
    ['Open channel 0', encode(cmd.openChannel(0)), 'A4 01 4B 00 EE'],
    ['Close channel 0', encode(cmd.closeChannel(0)), 'A4 01 4C 00 E9'],
    ['Response: open channel 0 ok', encodeMessage(0x40, [0, 0x4b, 0]), 'A4 03 40 00 4B 00 AC'],
    ['Event: RX_FAIL', encodeMessage(0x40, [0, 1, 2]), 'A4 03 40 00 01 02 E4'],
    ['Event: CHANNEL_CLOSED', encodeMessage(0x40, [0, 1, 7]), 'A4 03 40 00 01 07 E1'],
    ['Startup, command reset', encodeMessage(0x6f, [0x20]), 'A4 01 6F 20 EA'],
    ['FR310XT LINK broadcast', encode(cmd.broadcastData(0, hex('43 24 00 03 FA 03 01 00'))), 'A4 09 4E 00 43 24 00 03 FA 03 01 00 7F'],
  ];
  for (const [name, got, want] of vectors) {
    it(`encodes ${name}`, () => {
      expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(hex(want)).toString('hex'));
      // A whole frame XORs to zero, and decodes back to itself.
      expect(xorChecksum(got)).toBe(0);
      expect(encode(decodeMessage(got)!)).toEqual(got);
    });
  }

  it('rejects a frame with a bad checksum or a bad sync byte', () => {
    const f = hex('A4 01 4A 00 EF');
    expect(decodeMessage(f)).toBeDefined();
    expect(decodeMessage(hex('A4 01 4A 00 EE'))).toBeUndefined();
    expect(decodeMessage(hex('A5 01 4A 00 EE'))).toBeUndefined();
    expect(decodeMessage(hex('A4 01 4A'))).toBeUndefined();
  });

  it('names message ids and codes', () => {
    expect(messageName(0x4b)).toBe('OPEN_CHANNEL');
    expect(codeName(31)).toBe('TRANSFER_IN_PROGRESS');
    expect(codeName(8)).toBe('EVENT_RX_FAIL_GO_TO_SEARCH');
    expect(codeName(200)).toBe('CODE_200');
    expect(describeMessage({ id: 0x40, payload: Uint8Array.of(0, 0x4b, 21) })).toBe('RESPONSE ch=0 to OPEN_CHANNEL: CHANNEL_IN_WRONG_STATE');
    expect(describeMessage({ id: 0x40, payload: Uint8Array.of(0, 1, 8) })).toBe('EVENT ch=0 EVENT_RX_FAIL_GO_TO_SEARCH');
  });

  it('never shows a network key in a trace line', () => {
    const key = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x12, 0x34, 0x56, 0x78);
    const line = describeMessage(cmd.setNetworkKey(0, key));
    expect(line).toBe('NETWORK_KEY net=0 key=<redacted>');
    expect(line.toUpperCase()).not.toMatch(/DE.?AD|BE.?EF|222/);
  });

  it('refuses data messages that are not 8 bytes and keys that are not 8 bytes', () => {
    expect(() => cmd.acknowledgedData(0, new Uint8Array(7))).toThrow(RangeError);
    expect(() => cmd.setNetworkKey(0, new Uint8Array(16))).toThrow(RangeError);
  });
});
