/**
 * FIT CRC-16 (the protocol's nibble-table CRC, polynomial 0xA001 reflected, initial 0).
 * Ref: FIT protocol, "CRC".
 */

const TABLE = [
  0x0000, 0xcc01, 0xd801, 0x1400, 0xf001, 0x3c00, 0x2800, 0xe401, 0xa001, 0x6c00, 0x7800, 0xb401, 0x5000, 0x9c01,
  0x8801, 0x4400,
];

/** Continues `crc` over bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    let tmp = TABLE[crc & 0xf];
    crc = ((crc >> 4) & 0x0fff) ^ tmp ^ TABLE[b & 0xf];
    tmp = TABLE[crc & 0xf];
    crc = ((crc >> 4) & 0x0fff) ^ tmp ^ TABLE[(b >> 4) & 0xf];
  }
  return crc;
}
