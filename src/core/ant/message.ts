/**
 * ANT serial messages (docs/ant-fs.md): `A4 len id payload… xor`, the same in both
 * directions over USB. Message ids and channel response/event codes with their names, the frame
 * encoder and a one-line description for traces, which never shows a network key.
 */

export const SYNC = 0xa4;
/** We never enable advanced burst or extended data, so longer payloads are corruption (§1.2). */
export const MAX_PAYLOAD = 32;

export const MessageId = {
  CHANNEL_EVENT: 0x40,
  UNASSIGN_CHANNEL: 0x41,
  ASSIGN_CHANNEL: 0x42,
  CHANNEL_PERIOD: 0x43,
  SEARCH_TIMEOUT: 0x44,
  RF_FREQUENCY: 0x45,
  NETWORK_KEY: 0x46,
  SEARCH_WAVEFORM: 0x49,
  RESET_SYSTEM: 0x4a,
  OPEN_CHANNEL: 0x4b,
  CLOSE_CHANNEL: 0x4c,
  REQUEST_MESSAGE: 0x4d,
  BROADCAST_DATA: 0x4e,
  ACKNOWLEDGED_DATA: 0x4f,
  BURST_DATA: 0x50,
  CHANNEL_ID: 0x51,
  CHANNEL_STATUS: 0x52,
  CAPABILITIES: 0x54,
  VERSION: 0x3e,
  SERIAL_NUMBER: 0x61,
  STARTUP: 0x6f,
  SERIAL_ERROR: 0xae,
} as const;

/** In a 0x40 message, this message-id byte marks an RF event rather than a command response. */
export const RF_EVENT = 0x01;

/** Channel response and event codes (§1.4). */
export const Code = {
  RESPONSE_NO_ERROR: 0,
  EVENT_RX_SEARCH_TIMEOUT: 1,
  EVENT_RX_FAIL: 2,
  EVENT_TX: 3,
  EVENT_TRANSFER_RX_FAILED: 4,
  EVENT_TRANSFER_TX_COMPLETED: 5,
  EVENT_TRANSFER_TX_FAILED: 6,
  EVENT_CHANNEL_CLOSED: 7,
  EVENT_RX_FAIL_GO_TO_SEARCH: 8,
  EVENT_CHANNEL_COLLISION: 9,
  EVENT_TRANSFER_TX_START: 10,
  EVENT_TRANSFER_NEXT_DATA_BLOCK: 17,
  CHANNEL_IN_WRONG_STATE: 21,
  CHANNEL_NOT_OPENED: 22,
  CHANNEL_ID_NOT_SET: 24,
  CLOSE_ALL_CHANNELS: 25,
  TRANSFER_IN_PROGRESS: 31,
  TRANSFER_SEQUENCE_NUMBER_ERROR: 32,
  TRANSFER_IN_ERROR: 33,
  MESSAGE_SIZE_EXCEEDS_LIMIT: 39,
  INVALID_MESSAGE: 40,
  INVALID_NETWORK_NUMBER: 41,
  INVALID_LIST_ID: 48,
  INVALID_SCAN_TX_CHANNEL: 49,
  INVALID_PARAMETER_PROVIDED: 51,
  EVENT_SERIAL_QUE_OVERFLOW: 52,
  EVENT_QUE_OVERFLOW: 53,
  NVM_FULL_ERROR: 64,
  NVM_WRITE_ERROR: 65,
} as const;

/** Startup reasons (0x6F payload). */
export const StartupReason = { POWER_ON: 0x00, HARDWARE_RESET: 0x01, WATCHDOG: 0x02, COMMAND_RESET: 0x20, SYNC_RESET: 0x40, SUSPEND: 0x80 } as const;

const idNames = new Map<number, string>(Object.entries(MessageId).map(([k, v]) => [v, k]));
const codeNames = new Map<number, string>(Object.entries(Code).map(([k, v]) => [v, k]));

export function messageName(id: number): string {
  return idNames.get(id) ?? `MESSAGE_0x${hex2(id)}`;
}

export function codeName(code: number): string {
  return codeNames.get(code) ?? `CODE_${code}`;
}

export interface AntMessage {
  id: number;
  payload: Uint8Array;
}

/** XOR of bytes[start, end): a whole valid frame XORs to 0. */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

/** The frame for one message: sync, length, id, payload, checksum. */
export function encodeMessage(id: number, payload: ArrayLike<number> = []): Uint8Array {
  const n = payload.length;
  const out = new Uint8Array(n + 4);
  out[0] = SYNC;
  out[1] = n;
  out[2] = id;
  for (let i = 0; i < n; i++) out[3 + i] = payload[i];
  out[n + 3] = xorChecksum(out, 0, n + 3);
  return out;
}

export function encode(m: AntMessage): Uint8Array {
  return encodeMessage(m.id, m.payload);
}

/** Reads one whole frame at the start of `bytes`, or undefined when it is not one. */
export function decodeMessage(bytes: Uint8Array): AntMessage | undefined {
  if (bytes.length < 4 || bytes[0] !== SYNC) return undefined;
  const n = bytes[1];
  if (n > MAX_PAYLOAD || bytes.length < n + 4 || xorChecksum(bytes, 0, n + 4) !== 0) return undefined;
  return { id: bytes[2], payload: bytes.slice(3, 3 + n) };
}

/**
 * One line for a debug trace. The payload of Set Network Key is never shown (§1.6): only the
 * network number and that a key was sent.
 */
export function describeMessage(m: AntMessage): string {
  const name = messageName(m.id);
  if (m.id === MessageId.NETWORK_KEY) return `${name} net=${m.payload[0] ?? '?'} key=<redacted>`;
  if (m.id === MessageId.CHANNEL_EVENT && m.payload.length >= 3) {
    const [ch, of, code] = m.payload;
    return of === RF_EVENT ? `EVENT ch=${ch} ${codeName(code)}` : `RESPONSE ch=${ch} to ${messageName(of)}: ${codeName(code)}`;
  }
  return `${name} ${hex(m.payload)}`;
}

export function hex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i ? ' ' : '') + hex2(bytes[i]);
  return s;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}
