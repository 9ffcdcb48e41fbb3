/**
 * Burst transfers (docs/ant-fs.md): data longer than 8 bytes goes as consecutive 0x50
 * messages of 8 bytes. The first byte of each carries the channel in bits 4..0 and a sequence in
 * bits 7..5: 0 for the first packet, then 1, 2, 3, 1, 2, 3 …, and bit 7 added on the last packet.
 */

/** The sequence/channel byte of packet `i` of `count`. */
export function burstSequenceByte(channel: number, i: number, count: number): number {
  const seq = i === 0 ? 0 : ((i - 1) % 3) + 1;
  return (seq << 5) | (i === count - 1 ? 0x80 : 0) | (channel & 0x1f);
}

/** Zero-pads to a multiple of 8 (ANT-FS commands and responses are padded so, §1.5). */
export function padTo8(data: Uint8Array): Uint8Array {
  const n = Math.max(8, Math.ceil(data.length / 8) * 8);
  if (n === data.length) return data;
  const out = new Uint8Array(n);
  out.set(data);
  return out;
}

/** The packets of a burst: sequence byte and 8 data bytes each. */
export function burstPackets(channel: number, data: Uint8Array): { sequenceByte: number; data: Uint8Array }[] {
  const padded = padTo8(data);
  const count = padded.length / 8;
  const out = [];
  for (let i = 0; i < count; i++) out.push({ sequenceByte: burstSequenceByte(channel, i, count), data: padded.subarray(i * 8, i * 8 + 8) });
  return out;
}

export type BurstPush =
  | { kind: 'partial' }
  | { kind: 'complete'; data: Uint8Array }
  /** A packet out of sequence: the burst in progress (if any) was dropped. */
  | { kind: 'broken'; reason: string };

/**
 * Reassembles incoming bursts on one channel. A sequence-0 packet starts a new burst and drops
 * any unfinished one (a failed burst's bytes must not leak into the next, as openant once let
 * them); a gap in the sequence drops the burst; the last-packet bit delivers it.
 */
export class BurstAssembler {
  #parts: Uint8Array[] = [];
  #last = -1;

  get active(): boolean {
    return this.#last >= 0;
  }

  push(sequenceByte: number, data: Uint8Array): BurstPush {
    const seq = (sequenceByte >> 5) & 0x03;
    const last = (sequenceByte & 0x80) !== 0;
    if (seq === 0) {
      this.#parts = [];
    } else if (this.#last < 0) {
      return { kind: 'broken', reason: `burst packet ${seq} without a start` };
    } else {
      const prev = this.#last;
      if (seq !== (prev % 3) + 1) {
        this.reset();
        return { kind: 'broken', reason: `burst sequence ${seq} after ${prev}` };
      }
    }
    this.#parts.push(data.slice(0, 8));
    this.#last = seq;
    if (!last) return { kind: 'partial' };
    const out = new Uint8Array(this.#parts.length * 8);
    this.#parts.forEach((p, i) => out.set(p, i * 8));
    this.reset();
    return { kind: 'complete', data: out };
  }

  /** Drops the burst in progress (TRANSFER_RX_FAILED, GO_TO_SEARCH). */
  reset(): void {
    this.#parts = [];
    this.#last = -1;
  }
}
