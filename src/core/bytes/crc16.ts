/**
 * FIT CRC-16: CRC-16/ARC (polynomial 0x8005 reflected as 0xA001, initial value 0), which the
 * FIT protocol computes with a nibble table. Byte tables give the same values in fewer steps;
 * it runs over every byte decoded, so long runs go four bytes a step ("slicing by 4": table k
 * holds the CRC of a byte followed by k zero bytes). Ref: FIT protocol, "CRC".
 */

const T0 = new Uint16Array(256);
const T1 = new Uint16Array(256);
const T2 = new Uint16Array(256);
const T3 = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  T0[n] = c;
}
for (let n = 0; n < 256; n++) {
  T1[n] = (T0[n] >>> 8) ^ T0[T0[n] & 0xff];
  T2[n] = (T1[n] >>> 8) ^ T0[T1[n] & 0xff];
  T3[n] = (T2[n] >>> 8) ^ T0[T2[n] & 0xff];
}

/** Continues `crc` over bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let i = start;
  for (const last = end - 4; i <= last; i += 4) {
    crc ^= bytes[i] | (bytes[i + 1] << 8);
    crc = T3[crc & 0xff] ^ T2[crc >>> 8] ^ T1[bytes[i + 2]] ^ T0[bytes[i + 3]];
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]) & 0xff];
  return crc;
}
