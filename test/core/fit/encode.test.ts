/** The FIT encoder: values through the profile, local types reused, streaming, header and CRC. */
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { messageToObject } from '../../../src/core/fit/decode/values.js';
import { encodeFit, FitEncoder } from '../../../src/core/fit/encode/encoder.js';
import { BufferSink, type FitSink } from '../../../src/core/fit/encode/sink.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { crc16 } from '../../../src/core/bytes/crc16.js';

const profile = standardProfile();
const start = new Date('2024-05-01T06:00:00Z');

function sdkOk(bytes: Uint8Array): boolean {
  return new Decoder(Stream.fromByteArray(Array.from(bytes))).checkIntegrity();
}

function definitionsIn(bytes: Uint8Array): { count: number; locals: Set<number> } {
  const locals = new Set<number>();
  let count = 0;
  decodeFit(bytes, {
    onFrame: (f) => {
      if (f.kind === 'definition') {
        count++;
        locals.add(f.local);
      }
    },
  });
  return { count, locals };
}

describe('FitEncoder', () => {
  it('converts interpreted values: Date, enum names, scale and offset, strings, arrays, subfields', () => {
    const bytes = encodeFit(profile, (e) => {
      e.writeMessage('file_id', { type: 'activity', manufacturer: 'development', product: 7, serial_number: 123456, time_created: start });
      e.writeMessage('record', {
        timestamp: start,
        position_lat: 495000000,
        position_long: -1000,
        heart_rate: 150,
        cadence: 28,
        distance: 1234.56,
        enhanced_speed: 4.321,
        power: 250,
        altitude: -12.4,
      });
      e.writeMessage('event', { timestamp: start, event: 'timer', event_type: 'start', timer_trigger: 0 }); // manual (a subfield: shown as its number)
      e.writeMessage('device_info', { timestamp: start, device_index: 'creator', product_name: 'fitkit tcx2fit' });
      e.writeMessage('session', { timestamp: start, time_in_hr_zone: [1, 2.5, null, 4], total_strokes: 99 });
    });
    const r = decodeFit(bytes);
    expect(r.diagnostics).toEqual([]);
    const objs = r.messages.map((m) => messageToObject(m, { dates: 'iso', enums: true, profile }));
    expect(objs[0].fields).toMatchObject({ type: 'activity', manufacturer: 'development', serial_number: 123456, time_created: '2024-05-01T06:00:00.000Z' });
    expect(objs[1].fields).toMatchObject({ position_lat: 495000000, position_long: -1000, heart_rate: 150, cadence: 28, distance: 1234.56, enhanced_speed: 4.321, power: 250 });
    expect(objs[1].fields.altitude).toBeCloseTo(-12.4, 9);
    expect(objs[2].fields).toMatchObject({ event: 'timer', event_type: 'start', timer_trigger: 0 }); // manual (a subfield: shown as its number)
    expect(objs[3].fields).toMatchObject({ device_index: 'creator', product_name: 'fitkit tcx2fit' });
    expect(objs[4].fields.time_in_hr_zone).toEqual([1, 2.5, null, 4]);
    expect(objs[4].fields.total_cycles ?? objs[4].fields.total_strokes).toBe(99);
    expect(sdkOk(bytes)).toBe(true);
  });

  it('writes developer fields described by field_description, and 64-bit values', () => {
    const bytes = encodeFit(profile, (e) => {
      e.writeMessage('developer_data_id', { developer_data_index: 0, application_id: Array.from({ length: 16 }, (_, i) => i) });
      e.writeMessage('field_description', { developer_data_index: 0, field_definition_number: 1, fit_base_type_id: 0x84, field_name: 'stroke_power', units: 'W', scale: 10 });
      e.writeMessage('field_description', { developer_data_index: 0, field_definition_number: 2, fit_base_type_id: 0x07, field_name: 'note' });
      e.writeMessage('record', { timestamp: start, heart_rate: 120 }, { developer: { stroke_power: 312.5, note: 'catch' } });
      // uint64 via the raw layer: a field the profile does not know, stored as the SDK would.
      e.writeRaw(20, [
        { num: 253, size: 4, type: 0x86, value: 1 },
        { num: 200, size: 8, type: 0x8f, value: 0xfedcba9876543210n },
      ]);
    });
    const r = decodeFit(bytes);
    expect(r.diagnostics).toEqual([]);
    const rec = messageToObject(r.messages[3]);
    expect(rec.developer).toEqual({ stroke_power: 312.5, note: 'catch' });
    expect(messageToObject(r.messages[4]).fields.unknown_200).toBe(0xfedcba9876543210n);
    expect(sdkOk(bytes)).toBe(true);
  });

  it('reuses local definitions: one per shape, rotating 16 local types least-recently-used first', () => {
    const same = encodeFit(profile, (e) => {
      for (let i = 0; i < 1000; i++) e.writeMessage('record', { timestamp: new Date(start.getTime() + i * 1000), heart_rate: 100 + (i % 50) });
    });
    expect(definitionsIn(same).count).toBe(1);
    // 17 shapes (record with 1..17 fields) written twice in turn: with 16 local types the oldest
    // is always the one needed next, so every message needs a definition.
    const fields = [
      'heart_rate',
      'cadence',
      'power',
      'distance',
      'altitude',
      'speed',
      'temperature',
      'resistance',
      'calories',
      'grade',
      'enhanced_speed',
      'enhanced_altitude',
      'cycle_length',
      'vertical_speed',
      'left_right_balance',
      'accumulated_power',
    ];
    const shape = (k: number) => Object.fromEntries([['timestamp', start], ...fields.slice(0, k).map((f) => [f, 1])]);
    const lru = encodeFit(profile, (e) => {
      for (let round = 0; round < 2; round++) for (let k = 0; k < 17; k++) e.writeMessage('record', shape(k));
      // The 16 most recent shapes are still defined: writing them again adds no definition.
      for (let k = 16; k >= 1; k--) e.writeMessage('record', shape(k));
    });
    const d = definitionsIn(lru);
    expect(d.count).toBe(34);
    expect([...d.locals].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(sdkOk(lru)).toBe(true);
  });

  it('streams chunks to a sink and patches the header at the end; same bytes as a buffer', () => {
    const chunks: Uint8Array[] = [];
    const patches: { offset: number; bytes: Uint8Array }[] = [];
    const sink: FitSink = { write: (c) => void chunks.push(c), patch: (offset, bytes) => void patches.push({ offset, bytes }) };
    const build = (e: FitEncoder) => {
      for (let i = 0; i < 20000; i++) e.writeMessage('record', { timestamp: new Date(start.getTime() + i * 1000), distance: i * 2.5, heart_rate: 120 });
    };
    const e = new FitEncoder(profile, sink);
    build(e);
    const size = e.finish();
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024);
    expect(patches).toHaveLength(1);
    expect(patches[0].offset).toBe(0);
    const whole = encodeFit(profile, build);
    expect(whole.length).toBe(size);
    const joined = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      joined.set(c, o);
      o += c.length;
    }
    joined.set(patches[0].bytes, 0);
    expect(joined).toEqual(whole);
    // Header: 14 bytes, protocol 2.0, data size, ".FIT", header CRC; file CRC over everything.
    const dv = new DataView(whole.buffer);
    expect(whole[0]).toBe(14);
    expect(whole[1]).toBe(0x20);
    expect(dv.getUint32(4, true)).toBe(size - 16);
    expect(new TextDecoder().decode(whole.subarray(8, 12))).toBe('.FIT');
    expect(dv.getUint16(12, true)).toBe(crc16(whole, 0, 12));
    expect(crc16(whole)).toBe(0);
    expect(sdkOk(whole)).toBe(true);
    expect(decodeFit(whole).messages).toHaveLength(20000);
  });

  it('a prepared message writes the bytes writeMessage writes, and the same errors', () => {
    const names = ['timestamp', 'position_lat', 'position_long', 'distance', 'speed', 'enhanced_speed', 'heart_rate', 'cadence', 'power', 'altitude', 'enhanced_altitude', 'temperature'];
    const rows: (number | undefined)[][] = [];
    for (let i = 0; i < 300; i++) {
      // Fields come and go (new shapes, more than 16 of them: the local types rotate); negatives, scales, fractions.
      const on = (k: number) => ((i * 7 + k * 13) % (k + 3) !== 0 ? 1 : 0);
      rows.push([
        1e9 + i,
        on(1) ? -123456789 + i * 1000 : undefined,
        on(2) ? 987654321 - i : undefined,
        on(3) ? i * 3.14159 : undefined,
        on(4) ? (i % 50) / 7 : undefined,
        on(5) ? (i % 50) / 7 : undefined,
        on(6) ? 60 + (i % 150) : undefined,
        on(7) ? i % 200 : undefined,
        on(8) ? i * 5 : undefined,
        on(9) ? -400 + i : undefined,
        on(10) ? -400 + i * 1.5 : undefined,
        on(11) ? -20 + (i % 60) : undefined,
      ]);
    }
    const event = (e: FitEncoder, i: number) => i % 37 === 0 && e.writeMessage('event', { timestamp: 1e9 + i, event: 'timer', event_type: 'start' });
    const plainOf = (rs: (number | undefined)[][]) =>
      encodeFit(profile, (e) =>
        rs.forEach((r, i) => {
          e.writeMessage('record', Object.fromEntries(names.map((n, k) => [n, r[k]])));
          event(e, i);
        }),
      );
    const preparedOf = (rs: (number | undefined)[][]) =>
      encodeFit(profile, (e) => {
        const record = e.prepare('record', names);
        rs.forEach((r, i) => {
          record.write(r);
          event(e, i);
        });
      });
    const plain = plainOf(rows);
    const prepared = preparedOf(rows);
    expect(definitionsIn(plain).count).toBeGreaterThan(16);
    expect(Buffer.from(prepared).equals(Buffer.from(plain))).toBe(true);
    expect(sdkOk(prepared)).toBe(true);
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    for (const bad of [[1e9, undefined, undefined, undefined, undefined, undefined, 300], [1e9, 2 ** 31], [1e9, undefined, undefined, -5], [NaN]]) {
      expect(errorOf(() => plainOf([bad]))).not.toBe('no error');
      expect(errorOf(() => preparedOf([bad]))).toBe(errorOf(() => plainOf([bad])));
    }
    expect(() => encodeFit(profile, (e) => e.prepare('file_id', ['product_name']))).toThrow(/numbers of 32 bits or less/);
  });

  it('rejects what it cannot encode, naming the field', () => {
    const e = new FitEncoder(profile, new BufferSink());
    expect(() => e.writeMessage('no_such_message', {})).toThrow(/unknown message/);
    expect(() => e.writeMessage('record', { no_such_field: 1 })).toThrow(/record has no field no_such_field/);
    expect(() => e.writeMessage('record', { heart_rate: 300 })).toThrow(/record\.heart_rate: 300 does not fit uint8/);
    expect(() => e.writeMessage('file_id', { type: 'not_a_file_type' })).toThrow(/not a value of file/);
    expect(() => e.writeMessage('record', {}, { developer: { x: 1 } })).toThrow(/no field_description/);
    e.finish();
    expect(() => e.finish()).toThrow(/already finished/);
  });
});
