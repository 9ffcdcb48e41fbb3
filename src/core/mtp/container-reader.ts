/**
 * Reassembles containers from the bulk IN pipe (docs/mtp.md). The device sends each
 * container as packets of wMaxPacketSize; a USB read ends when the request is filled or a short
 * or zero-length packet arrives. So:
 *
 * - reassembly is driven by the container's length field, never by where reads end;
 * - every request is a multiple of the packet size (less than a full packet is an overflow),
 *   and the last read of a container asks for *more* than what is left, so the ZLP that ends a
 *   whole-packet container terminates that same read instead of lingering in the pipe;
 * - bytes past the container's end (a response the device appended to its data) are kept and
 *   parsed as the next container;
 * - a ZLP that still lingers (a container that ended exactly where a full read ended) is
 *   skipped when the next header is read;
 * - a header never spans a transfer end (a split header arrives alone, all 12 bytes), so 1–11
 *   bytes ending a transfer are junk (stacks that send a byte instead of a ZLP) and dropped;
 * - a 0xFFFFFFFF length means "ends with a short packet".
 */
import { HEADER_BYTES, UNKNOWN_LENGTH, decodeHeader, decodeShort, type ContainerHeader, type ShortContainer } from './container.js';
import { MtpError } from './errors.js';
import { concatBytes } from '../bytes/concat.js';

/** One bulk IN transfer of `length` bytes (a multiple of the packet size). */
export type ReadFn = (length: number) => Promise<Uint8Array>;

const EMPTY: Uint8Array = new Uint8Array(0);
/** Stray zero-length packets tolerated in a row before the device is declared broken. */
const MAX_EMPTY_READS = 4;

export class ContainerReader {
  readonly packetSize: number;
  /** Largest single request, a multiple of the packet size. */
  readonly readBytes: number;
  /** Junk bytes dropped so far (for traces and tests). */
  junkBytes = 0;
  #buf: Uint8Array = EMPTY;
  /** Whether the last read that filled #buf ended its USB transfer (short packet or ZLP). */
  #ended = true;

  constructor(packetSize: number, readBytes: number) {
    if (!(packetSize > 0)) throw new RangeError(`bad packet size ${packetSize}`);
    this.packetSize = packetSize;
    this.readBytes = Math.max(packetSize, Math.floor(readBytes / packetSize) * packetSize);
  }

  /** Forgets buffered bytes (after a cancel, stall or drain). */
  reset(): void {
    this.#buf = EMPTY;
    this.#ended = true;
  }

  /** Buffered bytes not yet consumed (a surplus from the last read). */
  get buffered(): number {
    return this.#buf.length;
  }

  /** A request strictly larger than `bytes` (so a closing ZLP lands in it), capped at readBytes. */
  request(bytes: number): number {
    if (bytes >= this.readBytes) return this.readBytes;
    return (Math.floor(bytes / this.packetSize) + 1) * this.packetSize;
  }

  async #pull(read: ReadFn, want: number): Promise<Uint8Array> {
    const chunk = await read(want);
    this.#ended = chunk.length < want || chunk.length % this.packetSize !== 0;
    return chunk;
  }

  /**
   * The next container's header; its bytes stay buffered. `expect` is the largest container the
   * caller expects next: it sizes the first read so a small container ends within it.
   */
  async header(read: ReadFn, expect: number): Promise<ContainerHeader> {
    let empty = 0;
    while (this.#buf.length < HEADER_BYTES) {
      if (this.#buf.length > 0 && this.#ended) {
        this.junkBytes += this.#buf.length;
        this.#buf = EMPTY;
      }
      const chunk = await this.#pull(read, this.request(Math.max(expect, HEADER_BYTES) - this.#buf.length));
      if (chunk.length === 0) {
        if (++empty > MAX_EMPTY_READS) throw new MtpError('mtp_protocol', 'the device keeps sending zero-length packets instead of a container');
        continue;
      }
      empty = 0;
      this.#buf = this.#buf.length ? concatBytes(this.#buf, chunk) : chunk;
    }
    return decodeHeader(this.#buf);
  }

  /** The rest of a command/response/event container whose header was just read. */
  async short(read: ReadFn, h: ContainerHeader): Promise<ShortContainer> {
    if (h.length < HEADER_BYTES || h.length > HEADER_BYTES + 20 || (h.length - HEADER_BYTES) % 4 !== 0) {
      throw new MtpError('mtp_protocol', `container type ${h.type} with impossible length ${h.length}`);
    }
    let empty = 0;
    while (this.#buf.length < h.length) {
      const chunk = await this.#pull(read, this.request(h.length - this.#buf.length));
      if (chunk.length === 0 && ++empty > MAX_EMPTY_READS) throw new MtpError('mtp_protocol', `container of ${h.length} bytes cut short`);
      if (chunk.length) this.#buf = concatBytes(this.#buf, chunk);
    }
    const c = decodeShort(this.#buf);
    this.#buf = this.#buf.subarray(h.length);
    return c;
  }

  /**
   * Streams a data container's payload to `sink` in the pieces the reads deliver (no copies);
   * returns the payload length. More than `limit` payload bytes is an error raised before
   * they reach the sink: a device cannot push more than was asked for or claimed.
   */
  async payload(read: ReadFn, h: ContainerHeader, limit: number, sink: (chunk: Uint8Array) => void | Promise<void>): Promise<number> {
    const unknown = h.length === UNKNOWN_LENGTH;
    if (!unknown && h.length < HEADER_BYTES) throw new MtpError('mtp_protocol', `data container with impossible length ${h.length}`);
    let left = unknown ? Infinity : h.length - HEADER_BYTES;
    if (left > limit && !unknown) {
      throw new MtpError('mtp_protocol', `data phase of ${left} bytes where at most ${limit} were expected`);
    }
    let delivered = 0;
    const give = async (bytes: Uint8Array) => {
      if (bytes.length === 0) return;
      if (delivered + bytes.length > limit) throw new MtpError('mtp_protocol', `data phase runs past the ${limit} bytes expected`);
      delivered += bytes.length;
      left -= bytes.length;
      await sink(bytes);
    };
    this.#buf = this.#buf.subarray(HEADER_BYTES);
    const first = this.#take(left);
    const headerAlone = first.length === 0 && this.#ended;
    await give(first);
    // Unknown length: the container ends with the transfer that carries its last bytes.
    if (unknown && this.#ended && !headerAlone) return delivered;
    let empty = 0;
    while (left > 0) {
      const chunk = await this.#pull(read, unknown ? this.readBytes : this.request(left));
      if (chunk.length === 0) {
        if (unknown) break;
        if (++empty > MAX_EMPTY_READS) throw new MtpError('mtp_protocol', `data phase ended ${left} bytes early`);
        continue;
      }
      empty = 0;
      if (chunk.length > left) {
        this.#buf = chunk.subarray(left);
        await give(chunk.subarray(0, left));
      } else await give(chunk);
      if (unknown && this.#ended) break;
    }
    return delivered;
  }

  /** Takes up to `n` buffered bytes. */
  #take(n: number): Uint8Array {
    if (this.#buf.length <= n) {
      const all = this.#buf;
      this.#buf = EMPTY;
      return all;
    }
    const part = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return part;
  }
}
