/**
 * The ANT-FS beacon (docs/ant-fs.md): 8 bytes the watch broadcasts every channel
 * period, also the first packet of every burst it sends. Encoded here too, for the simulator.
 */

export const BEACON_ID = 0x43;

export const ClientState = { LINK: 0, AUTH: 1, TRANSPORT: 2, BUSY: 3 } as const;
export type ClientStateName = 'link' | 'auth' | 'transport' | 'busy';
const STATE_NAMES: ClientStateName[] = ['link', 'auth', 'transport', 'busy'];

export const AuthType = { PASS_THROUGH: 0, PAIRING_ONLY: 2, PASSKEY_AND_PAIRING: 3 } as const;

/** Beacon period codes → ANT channel period (1/32768 s); 7 means "keep the current period". */
export const PERIOD_BY_CODE: Readonly<Record<number, number>> = { 0: 65536, 1: 32768, 2: 16384, 3: 8192, 4: 4096 };
export const KEEP_PERIOD = 7;

export interface Beacon {
  /** Status 1 bit 6. */
  requestToSend: boolean;
  /** Status 1 bit 5: the watch has new data. */
  dataAvailable: boolean;
  uploadEnabled: boolean;
  /** Status 1 bit 3 (not bit 7 as antd tests). */
  pairingEnabled: boolean;
  periodCode: number;
  state: ClientStateName;
  authType: number;
  /** In LINK: the watch's product number (Garmin product id, e.g. 1018 for the FR310XT). */
  deviceType?: number;
  /** In LINK: the manufacturer (Garmin = 1). */
  manufacturer?: number;
  /** In AUTH, TRANSPORT and BUSY: the host serial the watch is talking to. */
  hostSerial?: number;
}

export function isBeacon(bytes: Uint8Array, offset = 0): boolean {
  return bytes.length >= offset + 8 && bytes[offset] === BEACON_ID;
}

export function decodeBeacon(bytes: Uint8Array, offset = 0): Beacon | undefined {
  if (!isBeacon(bytes, offset)) return undefined;
  const s1 = bytes[offset + 1];
  const state = STATE_NAMES[bytes[offset + 2] & 0x0f];
  if (!state) return undefined;
  const b: Beacon = {
    requestToSend: (s1 & 0x40) !== 0,
    dataAvailable: (s1 & 0x20) !== 0,
    uploadEnabled: (s1 & 0x10) !== 0,
    pairingEnabled: (s1 & 0x08) !== 0,
    periodCode: s1 & 0x07,
    state,
    authType: bytes[offset + 3],
  };
  const o = offset + 4;
  if (state === 'link') {
    b.deviceType = bytes[o] | (bytes[o + 1] << 8);
    b.manufacturer = bytes[o + 2] | (bytes[o + 3] << 8);
  } else {
    b.hostSerial = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
  }
  return b;
}

export function encodeBeacon(b: Beacon): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = BEACON_ID;
  out[1] = (b.requestToSend ? 0x40 : 0) | (b.dataAvailable ? 0x20 : 0) | (b.uploadEnabled ? 0x10 : 0) | (b.pairingEnabled ? 0x08 : 0) | (b.periodCode & 7);
  out[2] = STATE_NAMES.indexOf(b.state);
  out[3] = b.authType;
  if (b.state === 'link') {
    const t = b.deviceType ?? 0;
    const m = b.manufacturer ?? 0;
    out.set([t & 0xff, t >>> 8, m & 0xff, m >>> 8], 4);
  } else {
    const s = b.hostSerial ?? 0;
    out.set([s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, s >>> 24], 4);
  }
  return out;
}
