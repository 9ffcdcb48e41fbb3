/**
 * What one channel received, in order, for an engine that handles it step by step: the ANT-FS
 * host waits for "the next thing" with a deadline instead of juggling callbacks. Bounded: when
 * nobody reads (a slow sink), the oldest items are dropped, beacons first.
 */
import { abortError, type Clock } from '../platform/clock.js';
import type { AntStick, ChannelItem } from './stick.js';

export class ChannelInbox {
  #items: ChannelItem[] = [];
  #waiter: ((item: ChannelItem | undefined) => void) | undefined;
  #unlisten: () => void;
  #clock: Clock;
  #capacity: number;
  #error: Error | undefined;

  constructor(stick: AntStick, channel: number, clock: Clock, capacity = 256) {
    this.#clock = clock;
    this.#capacity = capacity;
    this.#unlisten = stick.listen(channel, (item) => this.#push(item));
  }

  /** The next item, or undefined when `timeoutMs` passes first. Rejects if the stick failed. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<ChannelItem | undefined> {
    if (this.#error) return Promise.reject(this.#error);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const head = this.#items.shift();
    if (head) return Promise.resolve(head);
    if (timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const finish = (item: ChannelItem | undefined, err?: Error) => {
        this.#waiter = undefined;
        stop();
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(item);
      };
      const onAbort = () => finish(undefined, abortError(signal!));
      const stop = this.#clock.setTimer(timeoutMs, () => finish(undefined));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiter = (item) => (item?.kind === 'failed' ? finish(undefined, item.error) : finish(item));
    });
  }

  /** Forgets everything received so far (before sending a command whose answer we want). */
  drain(): void {
    this.#items = [];
  }

  close(): void {
    this.#unlisten();
    this.#items = [];
  }

  #push(item: ChannelItem): void {
    if (item.kind === 'failed') this.#error = item.error;
    if (this.#waiter) return this.#waiter(item);
    if (item.kind === 'failed') return;
    this.#items.push(item);
    if (this.#items.length > this.#capacity) {
      const i = this.#items.findIndex((x) => x.kind === 'broadcast');
      this.#items.splice(i < 0 ? 0 : i, 1);
    }
  }
}
