/**
 * Accumulated components: a field stored in few bits that rolls over (e.g. 12-bit distance in
 * compressed_speed_distance) adds up to a full value across messages.
 * Ref: FIT protocol, "Accumulated fields".
 */
export class Accumulator {
  #last = new Map<number, number>();
  #total = new Map<number, number>();

  /** A native value of the destination field resets the running total. */
  set(mesgNum: number, fieldNum: number, value: number): void {
    const key = mesgNum * 256 + fieldNum;
    this.#last.set(key, value);
    this.#total.set(key, value);
  }

  accumulate(mesgNum: number, fieldNum: number, value: number, bits: number): number {
    const key = mesgNum * 256 + fieldNum;
    const last = this.#last.get(key) ?? 0;
    const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    const total = (this.#total.get(key) ?? 0) + (((value - last) & mask) >>> 0);
    this.#last.set(key, value);
    this.#total.set(key, total);
    return total;
  }
}
