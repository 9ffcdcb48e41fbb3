/**
 * Host → stick messages (docs/ant-fs.md), as AntMessage values ready to encode. Pure;
 * the stick engine (stick.ts) sends them and waits for their replies.
 */
import { MessageId as M, type AntMessage } from './message.js';

/** Channel types for Assign Channel: the ANT-FS host is a bidirectional slave. */
export const ChannelType = { SLAVE: 0x00, MASTER: 0x10, SHARED_SLAVE: 0x20, SHARED_MASTER: 0x30, RX_ONLY: 0x40, TX_ONLY: 0x50 } as const;

const msg = (id: number, ...payload: number[]): AntMessage => ({ id, payload: Uint8Array.from(payload) });

export const resetSystem = (): AntMessage => msg(M.RESET_SYSTEM, 0);
export const requestMessage = (channel: number, id: number): AntMessage => msg(M.REQUEST_MESSAGE, channel, id);

export function setNetworkKey(network: number, key: Uint8Array): AntMessage {
  if (key.length !== 8) throw new RangeError('an ANT network key is 8 bytes');
  return msg(M.NETWORK_KEY, network, ...key);
}

export const assignChannel = (channel: number, type: number, network: number): AntMessage => msg(M.ASSIGN_CHANNEL, channel, type, network);
export const unassignChannel = (channel: number): AntMessage => msg(M.UNASSIGN_CHANNEL, channel);

/** 0 in any field is a wildcard. */
export const setChannelId = (channel: number, deviceNumber: number, deviceType: number, transmissionType: number): AntMessage =>
  msg(M.CHANNEL_ID, channel, deviceNumber & 0xff, deviceNumber >>> 8, deviceType, transmissionType);

/** Period in 1/32768 s: 4096 = 8 Hz. */
export const setChannelPeriod = (channel: number, period: number): AntMessage => msg(M.CHANNEL_PERIOD, channel, period & 0xff, period >>> 8);

/** Units of 2.5 s; 0xFF never times out. */
export const setSearchTimeout = (channel: number, timeout: number): AntMessage => msg(M.SEARCH_TIMEOUT, channel, timeout);

/** Radio at 2400 + f MHz. */
export const setRfFrequency = (channel: number, f: number): AntMessage => msg(M.RF_FREQUENCY, channel, f);

export const setSearchWaveform = (channel: number, waveform: number): AntMessage => msg(M.SEARCH_WAVEFORM, channel, waveform & 0xff, waveform >>> 8);
export const openChannel = (channel: number): AntMessage => msg(M.OPEN_CHANNEL, channel);
export const closeChannel = (channel: number): AntMessage => msg(M.CLOSE_CHANNEL, channel);

function data(id: number, first: number, bytes: Uint8Array): AntMessage {
  if (bytes.length !== 8) throw new RangeError('ANT data messages carry exactly 8 bytes');
  const p = new Uint8Array(9);
  p[0] = first;
  p.set(bytes, 1);
  return { id, payload: p };
}

export const broadcastData = (channel: number, bytes: Uint8Array): AntMessage => data(M.BROADCAST_DATA, channel, bytes);
export const acknowledgedData = (channel: number, bytes: Uint8Array): AntMessage => data(M.ACKNOWLEDGED_DATA, channel, bytes);
/** `sequenceByte` is the whole first byte: sequence bits 7..5 and the channel (see burst.ts). */
export const burstData = (sequenceByte: number, bytes: Uint8Array): AntMessage => data(M.BURST_DATA, sequenceByte, bytes);
