/**
 * FIT CRC-16: CRC-16/ARC (polynomial 0x8005 reflected as 0xA001, initial value 0), which the
 * FIT protocol computes with a nibble table. A byte table gives the same values in half the
 * steps; it runs over every byte decoded. Ref: FIT protocol, "CRC".
 */

const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  TABLE[n] = c;
}

/** Continues `crc` over bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}
