import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessage, type AntMessage } from '../../../src/core/ant/message.js';
import { FrameSplitter } from '../../../src/core/ant/splitter.js';

const msgs: AntMessage[] = [
  { id: 0x6f, payload: Uint8Array.of(0x20) },
  { id: 0x40, payload: Uint8Array.of(0, 1, 2) },
  { id: 0x4e, payload: Uint8Array.of(0, 0x43, 0x24, 0, 3, 0xfa, 3, 1, 0) },
  { id: 0x50, payload: Uint8Array.of(0xa0, 0xa4, 0xa4, 0xa4, 0xa4, 1, 2, 3, 4) },
];
const stream = Buffer.concat(msgs.map((m) => encodeMessage(m.id, m.payload)));
const ids = (ms: AntMessage[]) => ms.map((m) => `${m.id.toString(16)}:${Buffer.from(m.payload).toString('hex')}`);

describe('FrameSplitter', () => {
  it('splits several messages in one chunk and one message across chunks', () => {
    const s = new FrameSplitter();
    expect(ids(s.push(stream))).toEqual(ids(msgs));
    const t = new FrameSplitter();
    const out: AntMessage[] = [];
    for (const b of stream) out.push(...t.push(Uint8Array.of(b)));
    expect(ids(out)).toEqual(ids(msgs));
  });

  it('gives the same messages for any chunking, with garbage and padding between them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), (cuts, pads) => {
        // Zero padding and non-sync garbage in front of each message.
        const parts: Uint8Array[] = [];
        msgs.forEach((m, i) => {
          parts.push(new Uint8Array(pads[i]), Uint8Array.of(0x11, 0x55).subarray(0, pads[i] % 3), encodeMessage(m.id, m.payload));
        });
        const all = Buffer.concat(parts);
        const s = new FrameSplitter();
        const out: AntMessage[] = [];
        let o = 0;
        for (let i = 0; o < all.length; i++) {
          const n = cuts[i % cuts.length];
          out.push(...s.push(all.subarray(o, o + n)));
          o += n;
        }
        expect(ids(out)).toEqual(ids(msgs));
      }),
    );
  });

  it('drops a message with a bad checksum and resynchronises on the next one', () => {
    const bad = encodeMessage(0x40, [0, 1, 4]);
    bad[4] ^= 0x01;
    const s = new FrameSplitter();
    const out = s.push(Buffer.concat([bad, stream]));
    expect(ids(out)).toEqual(ids(msgs));
    expect(s.rejected).toBeGreaterThan(0);
  });

  it('treats an implausible length as corruption instead of waiting for it', () => {
    const s = new FrameSplitter();
    // A4 FF would ask for 255 payload bytes; a splitter that believed it would swallow the rest.
    const out = s.push(Buffer.concat([Uint8Array.of(0xa4, 0xff, 0x4e), stream]));
    expect(ids(out)).toEqual(ids(msgs));
  });

  it('never throws on random bytes and recovers right after them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        const s = new FrameSplitter();
        s.push(junk);
        // Flush whatever half-frame the junk left with enough non-sync bytes, then real data.
        s.push(new Uint8Array(40));
        expect(ids(s.push(stream))).toEqual(ids(msgs));
      }),
    );
  });
});
