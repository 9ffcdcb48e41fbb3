import { describe, expect, it } from 'vitest';
import { BurstAssembler, burstPackets, burstSequenceByte, padTo8 } from '../../../src/core/ant/burst.js';

describe('burst sequence numbers (§1.5)', () => {
  it('numbers 0, 1, 2, 3, 1, 2, 3 … with bit 7 on the last packet', () => {
    const seq = Array.from({ length: 9 }, (_, i) => burstSequenceByte(0, i, 9));
    expect(seq).toEqual([0x00, 0x20, 0x40, 0x60, 0x20, 0x40, 0x60, 0x20, 0xc0]);
  });

  it('keeps the channel in the low bits and marks single and two-packet bursts', () => {
    expect(burstSequenceByte(0, 0, 1)).toBe(0x80);
    expect([burstSequenceByte(0, 0, 2), burstSequenceByte(0, 1, 2)]).toEqual([0x00, 0xa0]);
    expect([0, 1, 2, 3].map((i) => burstSequenceByte(3, i, 4))).toEqual([0x03, 0x23, 0x43, 0xe3]);
  });

  it('pads data to 8-byte packets', () => {
    const p = burstPackets(
      0,
      Uint8Array.from({ length: 17 }, (_, i) => i + 1),
    );
    expect(p).toHaveLength(3);
    expect([...p[2].data]).toEqual([17, 0, 0, 0, 0, 0, 0, 0]);
    expect(padTo8(new Uint8Array(0))).toHaveLength(8);
  });
});

describe('BurstAssembler', () => {
  const data = Uint8Array.from({ length: 40 }, (_, i) => i);
  const feed = (a: BurstAssembler, pk = burstPackets(0, data)) => pk.map((p) => a.push(p.sequenceByte, p.data));

  it('reassembles a burst on its last packet', () => {
    const r = feed(new BurstAssembler());
    expect(r.slice(0, -1).every((x) => x.kind === 'partial')).toBe(true);
    expect(r.at(-1)).toEqual({ kind: 'complete', data });
  });

  it('drops a burst with a missing packet and does not leak it into the next', () => {
    const a = new BurstAssembler();
    const pk = burstPackets(0, data);
    const r = feed(a, [pk[0], pk[1], pk[3], pk[4]]);
    expect(r.map((x) => x.kind)).toEqual(['partial', 'partial', 'broken', 'broken']);
    const next = feed(a, burstPackets(0, Uint8Array.of(9, 9, 9)));
    expect(next.at(-1)).toEqual({ kind: 'complete', data: Uint8Array.of(9, 9, 9, 0, 0, 0, 0, 0) });
  });

  it('starts over on a new first packet, discarding an unfinished burst', () => {
    const a = new BurstAssembler();
    const pk = burstPackets(0, data);
    a.push(pk[0].sequenceByte, pk[0].data);
    a.push(pk[1].sequenceByte, pk[1].data);
    const r = feed(a);
    expect(r.at(-1)).toEqual({ kind: 'complete', data });
  });
});
