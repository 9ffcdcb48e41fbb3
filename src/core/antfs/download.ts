/**
 * Downloading one ANT-FS file in blocks (docs/ant-fs.md). Each block is verified
 * against the CRC the watch sends, computed from the seed we asked with, and goes to the sink
 * only then. The traced Garmin host's continuation is followed: initial = 1 at offset 0, then
 * initial = 0 with the running CRC as seed, so the watch can check we hold what it sent.
 *
 * Faults: a lost or damaged block (burst failed, CRC mismatch, silence) is asked for again at
 * the same offset and seed; losing the watch hands over to `recover` and goes on at the same
 * offset afterwards. A resume at an offset whose CRC we do not know (the caller holds those
 * bytes), or a watch that rejects our seed (code 5), continues in openant's style instead:
 * initial = 1 and seed 0 on every request, each block verified alone; nothing already handed to
 * the sink is fetched twice. "Does not exist", "not downloadable" and "invalid request" end the
 * file at once; everything else is bounded by `maxFailures` tries in a row and `timeoutMs`.
 */
import { crc16 } from '../bytes/crc16.js';
import { abortError, holding, sleep, type Clock } from '../platform/clock.js';
import { FitkitError } from '../errors.js';
import { downloadCommand } from './command.js';
import { LinkLost } from './radio.js';
import { DOWNLOAD_CODE_NAMES, DownloadCode, type Response } from './response.js';

export type DownloadResponse = Extract<Response, { type: 'download' }>;

export interface BlockLink {
  clock: Clock;
  /** Sends a download request; resolves with the watch's answer for that offset. */
  request(command: Uint8Array, offset: number, what: string, signal?: AbortSignal): Promise<DownloadResponse>;
  /** Finds the watch again after LinkLost (throws when it cannot). */
  recover(reason: string, signal?: AbortSignal): Promise<void>;
  log(line: string): void;
}

export interface BlockDownloadOptions {
  index: number;
  /** The file's name in messages. */
  name: string;
  /** First byte wanted. */
  offset?: number;
  /** CRC of the bytes before `offset`, when known: lets the continuation be checked by the watch. */
  crcSeed?: number;
  /** Size the listing claimed; an answer with another total means the file changed since. */
  expectedSize?: number;
  sink: (chunk: Uint8Array) => void | Promise<void>;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Largest block we accept; 0 lets the watch choose (Garmin caps at about 512). */
  maxBlockSize: number;
  /** Failed tries in a row, at one offset, before giving the file up. */
  maxFailures: number;
}

export interface BlockDownloadResult {
  total: number;
  /** Bytes handed to the sink. */
  delivered: number;
  /** CRC-16 of the whole file, when it was downloaded from 0 as one chain. */
  crc?: number;
  /** Blocks asked for again, and times the watch had to be found again. */
  retries: number;
  recoveries: number;
}

export async function downloadBlocks(link: BlockLink, o: BlockDownloadOptions): Promise<BlockDownloadResult> {
  const clock = link.clock;
  const start = o.offset ?? 0;
  let offset = start;
  let chained = start === 0 || o.crcSeed !== undefined;
  let crc = start === 0 ? 0 : (o.crcSeed ?? 0);
  let total = o.expectedSize;
  let failures = 0;
  let retries = 0;
  let recoveries = 0;
  let problem = '';
  const deadline = clock.now() + o.timeoutMs;
  const fail = (why: string) => {
    failures++;
    retries++;
    problem = why;
  };

  while (total === undefined || offset < total) {
    if (o.signal?.aborted) throw abortError(o.signal);
    if (failures >= o.maxFailures) {
      throw new FitkitError('antfs_download_failed', `${o.name}: gave up at byte ${offset} after ${failures} failed tries in a row (last: ${problem})`, { file: o.name, offset });
    }
    if (clock.now() > deadline) {
      throw new FitkitError('antfs_file_timeout', `${o.name}: not downloaded within ${Math.round(o.timeoutMs / 1000)} s (${offset - start} bytes received)`, { file: o.name, offset });
    }
    const initial = offset === 0 || !chained;
    const seed = chained ? crc : 0;
    const what = `${o.name} at byte ${offset}`;
    let r: DownloadResponse;
    try {
      r = await link.request(downloadCommand(o.index, offset, initial, seed, o.maxBlockSize), offset, what, o.signal);
    } catch (e) {
      if (e instanceof LinkLost) {
        recoveries++;
        await link.recover(e.message, o.signal);
        continue;
      }
      if (e instanceof FitkitError && e.code === 'antfs_no_response') {
        fail(e.message);
        continue;
      }
      throw e;
    }
    switch (r.code) {
      case DownloadCode.OK: {
        if (crc16(r.data, 0, r.data.length, seed) !== r.crc) {
          fail(`bad CRC in the block at byte ${offset}`);
          continue;
        }
        if (o.expectedSize !== undefined && r.total !== o.expectedSize) {
          throw new FitkitError('antfs_file_changed', `${o.name}: the watch now says ${r.total} bytes, not the ${o.expectedSize} it listed; list the files again`, { file: o.name });
        }
        total = r.total;
        if ((r.data.length === 0 && offset < total) || offset + r.data.length > total) {
          fail(`a block of ${r.data.length} bytes at byte ${offset} of ${total}`);
          continue;
        }
        if (r.data.length) await holding(clock, () => o.sink(r.data));
        offset += r.data.length;
        crc = r.crc;
        failures = 0;
        continue;
      }
      case DownloadCode.NOT_READY:
        fail('the watch was not ready');
        // Back off: the watch is busy reading its flash.
        await sleep(clock, Math.min(1000 * 2 ** (failures - 1), 8000), o.signal);
        continue;
      case DownloadCode.CRC_INCORRECT:
        // The watch disagrees with our seed: go on block by block from here (see above).
        link.log(`${o.name}: the watch rejected the CRC seed at byte ${offset}; continuing without chaining`);
        chained = false;
        fail('the watch rejected our CRC seed');
        continue;
      case DownloadCode.NOT_FOUND:
      case DownloadCode.NOT_DOWNLOADABLE:
      case DownloadCode.INVALID_REQUEST:
        throw new FitkitError(`antfs_download_refused`, `${o.name}: the watch answered "${DOWNLOAD_CODE_NAMES[r.code]}" (code ${r.code})`, { file: o.name, offset });
      default:
        fail(r.code < 0 ? 'a malformed response' : `unknown response code ${r.code}`);
    }
  }
  const whole = start === 0 && chained;
  return { total: total ?? 0, delivered: offset - start, crc: whole ? crc : undefined, retries, recoveries };
}
