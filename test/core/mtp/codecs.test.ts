import { describe, expect, it } from 'vitest';
import { ContainerType, Operation, Response, describeResponse, operationName } from '../../../src/core/mtp/codes.js';
import { decodeHeader, decodeShort, encodeCommand, encodeData, encodeShort } from '../../../src/core/mtp/container.js';
import { DatasetReader, DatasetWriter } from '../../../src/core/mtp/dataset-io.js';
import { decodeDeviceInfo, decodeObjectInfo, decodeStorageInfo, decodeU32Array, encodeDeviceInfo, encodeObjectInfo, isFolder, type DeviceInfo } from '../../../src/core/mtp/datasets.js';
import { formatPtpDateTime, parsePtpDateTime } from '../../../src/core/mtp/datetime.js';
import { MtpError } from '../../../src/core/mtp/errors.js';
import { findMtpInterface, isGarminMtp } from '../../../src/core/mtp/interface-probe.js';
import { mtpWatchDescriptor } from '../../../src/core/sim/mtp-watch.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('PTP container', () => {
  it('encodes OpenSession(1) as the 16 bytes of the spec layout', () => {
    expect(hex(encodeCommand(Operation.OpenSession, 0, [1]))).toBe('10000000' + '0100' + '0210' + '00000000' + '01000000');
  });

  it('decodes a response with parameters and names its code', () => {
    const c = decodeShort(bytes('10000000 0300 0120 07000000 f4010000'));
    expect(c).toEqual({ length: 16, type: ContainerType.Response, code: Response.OK, transactionId: 7, params: [500] });
    expect(describeResponse(0x2009)).toBe('InvalidObjectHandle (0x2009)');
    expect(operationName(0x101b)).toBe('GetPartialObject');
    expect(operationName(0x9999)).toBe('0x9999');
  });

  it('round-trips a data container and an event', () => {
    const d = encodeData(Operation.GetObject, 3, Uint8Array.of(1, 2, 3));
    expect(hex(d)).toBe('0f000000' + '0200' + '0910' + '03000000' + '010203');
    const e = decodeShort(encodeShort(ContainerType.Event, 0x4003, 0xffffffff, [0x10005]));
    expect(e.params).toEqual([0x10005]);
    expect(e.transactionId).toBe(0xffffffff);
  });

  it('rejects impossible lengths and short input', () => {
    expect(() => decodeShort(bytes('0d000000 0300 0120 01000000 00'))).toThrow(MtpError);
    expect(() => decodeShort(bytes('24000000 0300 0120 01000000'))).toThrow(/length/);
    expect(() => decodeHeader(new Uint8Array(11))).toThrow(/12 bytes/);
    expect(() => encodeShort(ContainerType.Command, 1, 1, [1, 2, 3, 4, 5, 6])).toThrow(RangeError);
  });
});

describe('PTP strings and arrays', () => {
  it('writes UTF-16LE with the NUL counted, and reads non-ASCII back', () => {
    const b = new DatasetWriter().string('Zü').bytes();
    expect(hex(b)).toBe('03' + '5a00' + 'fc00' + '0000');
    expect(new DatasetReader(b, 't').string()).toBe('Zü');
    expect(hex(new DatasetWriter().string('').bytes())).toBe('00');
  });

  it('keeps embedded NULs and slashes as sent', () => {
    const b = new DatasetWriter().string('a\u0000/b').bytes();
    expect(new DatasetReader(b, 't').string()).toBe('a\u0000/b');
  });

  it('refuses counts that run past the end, with the offset', () => {
    // A u32 array claiming a billion handles in 8 bytes must not allocate.
    const e = (() => {
      try {
        decodeU32Array(bytes('00ca9a3b 01000000'), 'ObjectHandles');
      } catch (x) {
        return x as MtpError;
      }
    })();
    expect(e).toBeInstanceOf(MtpError);
    expect(e!.code).toBe('mtp_dataset');
    expect(e!.offset).toBe(4);
    expect(() => new DatasetReader(bytes('05 4100'), 't').string()).toThrow(/needs 10 bytes/);
  });
});

const garminInfo: DeviceInfo = {
  standardVersion: 100,
  vendorExtensionId: 6,
  vendorExtensionVersion: 100,
  vendorExtensionDesc: 'microsoft.com: 1.0; ',
  functionalMode: 0,
  operations: [0x1001, 0x101b, 0x9805],
  events: [0x4002],
  deviceProperties: [0xd402],
  captureFormats: [],
  playbackFormats: [0x3000, 0x3001],
  manufacturer: 'Garmin',
  model: 'vívoactive 3 Music',
  deviceVersion: '914',
  serialNumber: '0000cbd55fa8',
};

describe('datasets', () => {
  it('round-trips DeviceInfo, non-ASCII model included', () => {
    expect(decodeDeviceInfo(encodeDeviceInfo(garminInfo))).toEqual(garminInfo);
  });

  it('reads a DeviceInfo that stops before its trailing strings', () => {
    const full = encodeDeviceInfo(garminInfo);
    const cut = full.subarray(0, full.length - (1 + 2 * 13) - (1 + 2 * 4) - (1 + 2 * 19) - (1 + 2 * 7));
    const d = decodeDeviceInfo(cut);
    expect(d.operations).toEqual([0x1001, 0x101b, 0x9805]);
    expect(d.manufacturer).toBe('');
    expect(d.serialNumber).toBe('');
  });

  it('decodes an ObjectInfo laid out by hand (52 fixed bytes, then strings)', () => {
    const fixed = new Uint8Array(52);
    const v = new DataView(fixed.buffer);
    v.setUint32(0, 0x00020001, true);
    v.setUint16(4, 0x3000, true);
    v.setUint32(8, 500, true);
    v.setUint32(38, 0x10002, true);
    const str = (s: string) => (s ? [s.length + 1, ...[...s].flatMap((c) => [c.charCodeAt(0), 0]), 0, 0] : [0]);
    const b = Uint8Array.from([...fixed, ...str('a.fit'), ...str('20240501T071244'), ...str('20240502T000000Z'), ...str('')]);
    const o = decodeObjectInfo(b);
    expect(o).toMatchObject({ storageId: 0x00020001, format: 0x3000, compressedSize: 500, parent: 0x10002, filename: 'a.fit', dateModified: '20240502T000000Z', keywords: '' });
    expect(isFolder(o)).toBe(false);
    expect(encodeObjectInfo(o)).toEqual(b);
  });

  it('refuses an ObjectInfo shifted by a 64-bit size field', () => {
    const b = new Uint8Array(52 + 4 + 3 * 2 + 3);
    b[56] = 3; // the filename count, 4 bytes late
    expect(() => decodeObjectInfo(b)).toThrow(/shifted by 4 bytes/);
  });

  it('decodes a StorageInfo with 64-bit capacities', () => {
    const w = new DatasetWriter().u16(3).u16(2).u16(0).u64(3_900_000_000).u64(5_000_000_123).u32(0xffffffff).string('Internal Storage').string('');
    expect(decodeStorageInfo(w.bytes())).toMatchObject({ maxCapacity: 3_900_000_000, freeSpaceInBytes: 5_000_000_123, description: 'Internal Storage' });
  });
});

describe('PTP DateTime', () => {
  it('parses the zone forms, treating no zone as UTC', () => {
    expect(parsePtpDateTime('20240501T071244')).toBe(Date.UTC(2024, 4, 1, 7, 12, 44));
    expect(parsePtpDateTime('20240501T071244.5Z')).toBe(Date.UTC(2024, 4, 1, 7, 12, 44, 500));
    expect(parsePtpDateTime('20240501T071244+0200')).toBe(Date.UTC(2024, 4, 1, 5, 12, 44));
    expect(parsePtpDateTime('20240501T071244-0130')).toBe(Date.UTC(2024, 4, 1, 8, 42, 44));
  });

  it('rejects empty and malformed strings', () => {
    for (const s of ['', '2024-05-01', '20241301T000000', '20240501T256000', 'garbage']) expect(parsePtpDateTime(s), s).toBeUndefined();
  });

  it('formats what it parses', () => {
    const t = Date.UTC(2023, 11, 31, 23, 59, 58);
    expect(formatPtpDateTime(t)).toBe('20231231T235958');
    expect(parsePtpDateTime(formatPtpDateTime(t))).toBe(t);
  });
});

describe('MTP interface probe', () => {
  it('finds the Garmin vendor-class interface by its "MTP" string', () => {
    const d = mtpWatchDescriptor();
    expect(findMtpInterface(d)).toEqual({ configuration: 1, interface: 0, alternate: 0, bulkIn: 0x81, bulkOut: 0x03, interruptIn: 0x82, packetSize: 512, outPacketSize: 512 });
    expect(isGarminMtp(d)).toBe(true);
  });

  it('accepts class 6/1/1 without a string and 64-byte packets', () => {
    const d = mtpWatchDescriptor({ ptpClass: true, interfaceName: null, packetSize: 64 });
    expect(findMtpInterface(d)?.packetSize).toBe(64);
  });

  it('ignores a vendor-class interface without "MTP", other vendors and wrong endpoint sets', () => {
    expect(findMtpInterface(mtpWatchDescriptor({ interfaceName: null }))).toBeUndefined();
    expect(findMtpInterface(mtpWatchDescriptor({ interfaceName: 'ADB Interface' }))).toBeUndefined();
    const other = { ...mtpWatchDescriptor(), vendorId: 0x18d1 };
    expect(findMtpInterface(other)).toBeDefined();
    expect(isGarminMtp(other)).toBe(false);
    const d = mtpWatchDescriptor();
    d.interfaces[0].endpoints = d.interfaces[0].endpoints.filter((e) => e.type === 'bulk');
    expect(findMtpInterface(d)).toBeUndefined();
  });
});
