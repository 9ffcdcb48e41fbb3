/**
 * Reads a FIT file's file_id, and only that: the raw decoder skips every other record without
 * building a frame, and decoding stops at the first file_id. Devices write file_id first, so
 * the first few hundred bytes are enough; a prefix of the file (FILE_ID_PREFIX) is all that is
 * read from disk. In a chained file this is the first file's file_id, which places the chain.
 * Ref: FIT protocol, "file_id message" (required, first in every file).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { RawValue } from '../fit/decode/frames.js';
import { RawDecoder } from '../fit/decode/raw.js';
import { FIT_MIN_ABSOLUTE } from '../fit/kit/time.js';
import type { FileIdInfo } from './layout.js';

/** How much of a file to read looking for file_id. */
export const FILE_ID_PREFIX = 64 * 1024;

const FILE_ID = 0;
const STOP = Symbol('file_id found');

/** A single valid integer element, or undefined (absent, invalid sentinel, array, string). */
function scalar(v: RawValue | undefined, invalid: number): number | undefined {
  return typeof v === 'number' && v !== invalid ? v : undefined;
}

/**
 * file_id from the start of a FIT file, or undefined when the bytes hold no file_id before they
 * end (not FIT, damaged early, or a file that simply lacks one).
 */
export function readFileId(bytes: Uint8Array): FileIdInfo | undefined {
  let found: FileIdInfo | undefined;
  const raw = new RawDecoder(
    (f) => {
      if (f.kind !== 'data' || f.globalNum !== FILE_ID) return;
      const info: FileIdInfo = {};
      f.definition.fields.forEach((d, i) => {
        const v = f.values[i];
        if (d.num === 0) info.type = scalar(v, 0xff);
        else if (d.num === 1) info.manufacturer = scalar(v, 0xffff);
        else if (d.num === 2) info.product = scalar(v, 0xffff);
        else if (d.num === 3) info.serial = d.size === 4 ? scalar(v, 0) : undefined;
        else if (d.num === 4) {
          const t = scalar(v, 0xffffffff);
          // Below FIT_MIN_ABSOLUTE a date_time counts seconds since power-up, not a date.
          info.timeCreated = t !== undefined && t >= FIT_MIN_ABSOLUTE ? t : undefined;
        }
      });
      found = info;
      throw STOP;
    },
    // Take (skip) every record but file_id, so no frame or value is built for them.
    { onRecord: (def) => def.globalNum !== FILE_ID },
  );
  try {
    raw.push(bytes);
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return found;
}

/** Reads the first FILE_ID_PREFIX bytes of `path` and returns its file_id, if any. */
export function readFileIdFromFile(path: string, prefix = FILE_ID_PREFIX): FileIdInfo | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(prefix);
    let n = 0;
    for (let r; n < prefix && (r = readSync(fd, buf, n, prefix - n, n)) > 0;) n += r;
    return readFileId(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
