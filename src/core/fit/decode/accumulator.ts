/**
 * Accumulated components: a field stored in few bits that rolls over (e.g. 12-bit distance in
 * compressed_speed_distance) adds up to a full value across messages.
 * Ref: FIT protocol, "Accumulated fields".
 */
export class Accumulator {
  /** mesgNum * 256 + fieldNum → [last value, running total]. */
  #fields = new Map<number, [number, number]>();

  /** A native value of the destination field resets the running total. */
  set(mesgNum: number, fieldNum: number, value: number): void {
    const key = mesgNum * 256 + fieldNum;
    const f = this.#fields.get(key);
    if (f) {
      f[0] = value;
      f[1] = value;
    } else {
      this.#fields.set(key, [value, value]);
    }
  }

  accumulate(mesgNum: number, fieldNum: number, value: number, bits: number): number {
    const key = mesgNum * 256 + fieldNum;
    let f = this.#fields.get(key);
    if (!f) this.#fields.set(key, (f = [0, 0]));
    const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    f[1] += ((value - f[0]) & mask) >>> 0;
    f[0] = value;
    return f[1];
  }
}
