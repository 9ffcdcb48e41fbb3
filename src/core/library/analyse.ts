/**
 * What the library needs to know about one file's bytes: its content hash (identity in the
 * index), whether the decoder can read it through (structure and CRCs, no values), and its
 * file_id. Pure: bytes in, facts out, so it runs the same in a worker thread or inline.
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../errors.js';
import { scanFit } from '../fit/decode/decoder.js';
import { FILE_ID_PREFIX, readFileId } from './file-id.js';
import type { FileIdInfo } from './layout.js';

/** Why a file goes to quarantine: the decoder's first fatal diagnostic. */
export interface Damage {
  /** `not_fit`, `truncated`, `crc_mismatch`, or another fatal decoder code. */
  code: ErrorCode;
  message: string;
  offset: number;
}

export interface Analysis {
  sha256: string;
  size: number;
  /** Undefined when no file_id is found in the first FILE_ID_PREFIX bytes. */
  fileId?: FileIdInfo;
  /** Set when the file is not FIT or cannot be read to its end (truncated, CRC mismatch, ...). */
  damage?: Damage;
  /** FIT files in the chain (1 for a plain file). */
  chained: number;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function analyseBytes(bytes: Uint8Array): Analysis {
  return inspectBytes(bytes, sha256(bytes));
}

/** analyseBytes() for bytes whose hash is already known (a download hashed as it streamed in). */
export function inspectBytes(bytes: Uint8Array, hash: string): Analysis {
  const scan = scanFit(bytes);
  const fatal = scan.diagnostics.find((d) => d.level === 'error');
  const a: Analysis = { sha256: hash, size: bytes.length, chained: scan.files };
  if (fatal) a.damage = { code: fatal.code, message: fatal.message, offset: fatal.offset };
  if (fatal?.code !== 'not_fit') {
    const id = readFileId(bytes.subarray(0, FILE_ID_PREFIX));
    if (id) a.fileId = id;
  }
  return a;
}
