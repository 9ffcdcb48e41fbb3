/**
 * ANT-FS commands, host → client (docs/ant-fs.md). Each starts `44 <id>` and is
 * zero-padded to a multiple of 8: exactly 8 bytes go as one acknowledged message, longer ones
 * as a burst. Decoders are here for the simulated watch.
 */
import { padTo8 } from '../ant/burst.js';
import { readU16, readU32, writeU16, writeU32 } from '../bytes/le.js';

export const COMMAND_ID = 0x44;

export const CommandType = {
  LINK: 0x02,
  DISCONNECT: 0x03,
  AUTHENTICATE: 0x04,
  PING: 0x05,
  DOWNLOAD: 0x09,
  UPLOAD: 0x0a,
  ERASE: 0x0b,
  UPLOAD_DATA: 0x0c,
  SEND_DIRECT: 0x0d,
} as const;

export const AuthRequest = { PASS_THROUGH: 0, SERIAL: 1, PAIRING: 2, PASSKEY: 3 } as const;

export type Command =
  | { type: 'link'; frequency: number; periodCode: number; hostSerial: number }
  | { type: 'disconnect'; kind: number }
  | { type: 'auth'; request: number; hostSerial: number; data: Uint8Array }
  | { type: 'ping' }
  | { type: 'download'; index: number; offset: number; initial: boolean; crcSeed: number; maxBlock: number }
  | { type: 'erase'; index: number }
  | { type: 'other'; id: number };

export function linkCommand(frequency: number, periodCode: number, hostSerial: number): Uint8Array {
  const b = new Uint8Array(8);
  b.set([COMMAND_ID, CommandType.LINK, frequency, periodCode]);
  writeU32(b, 4, hostSerial);
  return b;
}

/** Disconnect; kind 0 = back to LINK, 1 = back to broadcast (§2.7). */
export function disconnectCommand(kind = 0): Uint8Array {
  return Uint8Array.of(COMMAND_ID, CommandType.DISCONNECT, kind, 0, 0, 0, 0, 0);
}

/** Authenticate: the serial request, pairing (data = host name) or passkey exchange (data = key). */
export function authCommand(request: number, hostSerial: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  b.set([COMMAND_ID, CommandType.AUTHENTICATE, request, data.length]);
  writeU32(b, 4, hostSerial);
  b.set(data, 8);
  return padTo8(b);
}

export function pingCommand(): Uint8Array {
  return Uint8Array.of(COMMAND_ID, CommandType.PING, 1, 0, 0, 0, 0, 0);
}

/** Download Request (16 bytes, §2.5); maxBlock 0 = no limit from the host. */
export function downloadCommand(index: number, offset: number, initial: boolean, crcSeed: number, maxBlock = 0): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = COMMAND_ID;
  b[1] = CommandType.DOWNLOAD;
  writeU16(b, 2, index);
  writeU32(b, 4, offset);
  b[9] = initial ? 1 : 0;
  writeU16(b, 10, crcSeed);
  writeU32(b, 12, maxBlock);
  return b;
}

export function eraseCommand(index: number): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = COMMAND_ID;
  b[1] = CommandType.ERASE;
  writeU16(b, 2, index);
  return b;
}

export function decodeCommand(b: Uint8Array): Command | undefined {
  if (b.length < 8 || b[0] !== COMMAND_ID) return undefined;
  switch (b[1]) {
    case CommandType.LINK:
      return { type: 'link', frequency: b[2], periodCode: b[3], hostSerial: readU32(b, 4) };
    case CommandType.DISCONNECT:
      return { type: 'disconnect', kind: b[2] };
    case CommandType.AUTHENTICATE:
      return { type: 'auth', request: b[2], hostSerial: readU32(b, 4), data: b.slice(8, 8 + b[3]) };
    case CommandType.PING:
      return { type: 'ping' };
    case CommandType.DOWNLOAD:
      if (b.length < 16) return undefined;
      return { type: 'download', index: readU16(b, 2), offset: readU32(b, 4), initial: b[9] === 1, crcSeed: readU16(b, 10), maxBlock: readU32(b, 12) };
    case CommandType.ERASE:
      return { type: 'erase', index: readU16(b, 2) };
    default:
      return { type: 'other', id: b[1] };
  }
}
