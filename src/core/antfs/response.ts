/**
 * ANT-FS responses, client → host (docs/ant-fs.md). They arrive as a burst
 * whose first 8 bytes are the watch's current beacon; the response starts at byte 8 with
 * `44 <command id | 0x80>`. Encoders are here for the simulated watch.
 */
import { padTo8 } from '../ant/burst.js';
import { decodeBeacon, type Beacon } from './beacon.js';
import { COMMAND_ID, CommandType } from './command.js';
import { readU32, writeU16, writeU32 } from '../bytes/le.js';

export const AuthResponse = { NOT_APPLICABLE: 0, ACCEPT: 1, REJECT: 2 } as const;

/** Download response codes (§2.5). */
export const DownloadCode = { OK: 0, NOT_FOUND: 1, NOT_DOWNLOADABLE: 2, NOT_READY: 3, INVALID_REQUEST: 4, CRC_INCORRECT: 5 } as const;
export const DOWNLOAD_CODE_NAMES = ['ok', 'does not exist', 'not downloadable', 'not ready', 'invalid request', 'CRC seed incorrect'];

export const EraseCode = { OK: 0, FAILED: 1, NOT_READY: 2 } as const;

export type Response =
  | { type: 'auth'; result: number; clientSerial: number; data: Uint8Array }
  | { type: 'download'; code: number; size: number; offset: number; total: number; data: Uint8Array; crc: number }
  | { type: 'erase'; code: number }
  | { type: 'other'; id: number };

export interface ResponseBurst {
  beacon: Beacon | undefined;
  response: Response | undefined;
}

/** Splits a burst from the watch into its beacon and its response (either may be absent). */
export function decodeResponseBurst(burst: Uint8Array): ResponseBurst {
  return { beacon: decodeBeacon(burst, 0), response: burst.length > 8 ? decodeResponse(burst.subarray(8)) : undefined };
}

export function decodeResponse(b: Uint8Array): Response | undefined {
  if (b.length < 8 || b[0] !== COMMAND_ID) return undefined;
  switch (b[1]) {
    case CommandType.AUTHENTICATE | 0x80: {
      const n = Math.min(b[3], b.length - 8);
      return { type: 'auth', result: b[2], clientSerial: readU32(b, 4), data: b.slice(8, 8 + n) };
    }
    case CommandType.DOWNLOAD | 0x80: {
      const code = b[2];
      if (b.length < 16) return { type: 'download', code, size: 0, offset: 0, total: 0, data: new Uint8Array(0), crc: 0 };
      const size = readU32(b, 4);
      const offset = readU32(b, 8);
      const total = readU32(b, 12);
      // Data, padded, then an 8-byte footer whose last two bytes are the CRC.
      if (code !== DownloadCode.OK || 16 + size + 8 > b.length) {
        return { type: 'download', code: code === DownloadCode.OK ? -1 : code, size, offset, total, data: new Uint8Array(0), crc: 0 };
      }
      const footer = 16 + Math.ceil(size / 8) * 8;
      const crc = b.length >= footer + 8 ? b[footer + 6] | (b[footer + 7] << 8) : -1;
      return { type: 'download', code, size, offset, total, data: b.slice(16, 16 + size), crc };
    }
    case CommandType.ERASE | 0x80:
      return { type: 'erase', code: b[2] };
    default:
      return { type: 'other', id: b[1] };
  }
}

export function encodeAuthResponse(result: number, clientSerial: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  b.set([COMMAND_ID, CommandType.AUTHENTICATE | 0x80, result, data.length]);
  writeU32(b, 4, clientSerial);
  b.set(data, 8);
  return padTo8(b);
}

/** A download response; `crc` covers `data` continued from the request's seed (§2.5). */
export function encodeDownloadResponse(r: { code: number; offset: number; total: number; data: Uint8Array; crc: number }): Uint8Array {
  if (r.code !== DownloadCode.OK) {
    const b = new Uint8Array(16);
    b.set([COMMAND_ID, CommandType.DOWNLOAD | 0x80, r.code]);
    writeU32(b, 12, r.total);
    return b;
  }
  const footer = 16 + Math.ceil(r.data.length / 8) * 8;
  const b = new Uint8Array(footer + 8);
  b.set([COMMAND_ID, CommandType.DOWNLOAD | 0x80, r.code]);
  writeU32(b, 4, r.data.length);
  writeU32(b, 8, r.offset);
  writeU32(b, 12, r.total);
  b.set(r.data, 16);
  writeU16(b, footer + 6, r.crc);
  return b;
}

export function encodeEraseResponse(code: number): Uint8Array {
  return Uint8Array.of(COMMAND_ID, CommandType.ERASE | 0x80, code, 0, 0, 0, 0, 0);
}
