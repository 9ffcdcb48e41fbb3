/**
 * What the simulated radio does to each transfer (docs/ant-fs.md): a transfer from the host (an
 * acknowledged message or a burst) gets through, fails (TRANSFER_TX_FAILED), or is held — the
 * watch goes unheard for a while (RX_FAILs) and the stick keeps the outcome to itself, as the
 * USB1 stick in Garmin's capture did for more than 3 s. A burst from the watch (an answer) gets
 * through, is cut after its first packet, or is missed entirely.
 *
 * Two models: ClusteredLoss, the capture's statistics (22 % of transfers failing, in runs of 8),
 * and CaptureScript, the capture's own session replayed fault by fault.
 */
import { CommandType, COMMAND_ID } from '../antfs/command.js';
import { seededRng, type Rng } from '../platform/random.js';

/** What a host transfer is, from its first 8 bytes. */
export type HostTransferKind = 'link' | 'serial' | 'passkey' | 'pairing' | 'download' | 'disconnect' | 'other';

export interface HostTransfer {
  kind: HostTransferKind;
  /** A burst (several packets) rather than one acknowledged message. */
  burst: boolean;
  /** The stick's round: resets seen so far (1 after the first). */
  round: number;
}

/** A burst from the watch: a download answer, an authentication answer, or anything else. */
export interface WatchTransfer {
  answer: 'download' | 'auth' | 'other';
  round: number;
}

export type HostVerdict = { verdict: 'ok' } | { verdict: 'fail' } | { verdict: 'hold'; ms: number };
export type WatchVerdict = 'ok' | 'cut' | 'missed';

export interface SimLossModel {
  toWatch(t: HostTransfer): HostVerdict;
  toHost(t: WatchTransfer): WatchVerdict;
}

export function hostTransferKind(head: Uint8Array): HostTransferKind {
  if (head[0] !== COMMAND_ID) return 'other';
  switch (head[1]) {
    case CommandType.LINK:
      return 'link';
    case CommandType.DISCONNECT:
      return 'disconnect';
    case CommandType.DOWNLOAD:
      return 'download';
    case CommandType.AUTHENTICATE:
      return head[2] === 1 ? 'serial' : head[2] === 3 ? 'passkey' : head[2] === 2 ? 'pairing' : 'other';
    default:
      return 'other';
  }
}

export interface ClusteredLossOptions {
  seed: number;
  /** Share of transfers that fail (capture: 0.22). */
  rate?: number;
  /** Length of a run of failures (capture: 8). */
  run?: number;
  /** Share of failed host transfers that are held instead (no outcome for holdMs). */
  holdShare?: number;
  holdMs?: [min: number, max: number];
  /** Share of failed watch answers missed entirely rather than cut after one packet (capture: 1 of 3). */
  missedShare?: number;
}

/**
 * Failures come in runs of `run` transfers in a row; a run starts with the probability that makes
 * `rate` of all transfers fail. Both directions share the one chain: a bad spell hits whatever is
 * on the air.
 */
export class ClusteredLoss implements SimLossModel {
  #rng: Rng;
  #left = 0;
  #start: number;
  #o: Required<Omit<ClusteredLossOptions, 'seed'>>;
  /** Counters for tests: transfers seen and failed. */
  readonly stats = { transfers: 0, failed: 0 };

  constructor(o: ClusteredLossOptions) {
    this.#rng = seededRng(o.seed ^ 0x5eed);
    this.#o = { rate: o.rate ?? 0.22, run: o.run ?? 8, holdShare: o.holdShare ?? 0.05, holdMs: o.holdMs ?? [1250, 3500], missedShare: o.missedShare ?? 1 / 3 };
    // Runs of r after good spells of mean g: r / (g + r) = rate → g = r (1 − rate) / rate.
    const good = (this.#o.run * (1 - this.#o.rate)) / this.#o.rate;
    this.#start = 1 / good;
  }

  #fails(): boolean {
    this.stats.transfers++;
    if (this.#left === 0 && this.#rng() < this.#start) this.#left = this.#o.run;
    if (this.#left === 0) return false;
    this.#left--;
    this.stats.failed++;
    return true;
  }

  toWatch(): HostVerdict {
    if (!this.#fails()) return { verdict: 'ok' };
    if (this.#rng() < this.#o.holdShare) {
      const [a, b] = this.#o.holdMs;
      return { verdict: 'hold', ms: a + Math.floor(this.#rng() * (b - a)) };
    }
    return { verdict: 'fail' };
  }

  toHost(): WatchVerdict {
    if (!this.#fails()) return 'ok';
    return this.#rng() < this.#o.missedShare ? 'missed' : 'cut';
  }
}

/** One scripted fault: the n-th transfers of a kind (1-based, counted per round or overall). */
export interface ScriptedFault {
  /** A host transfer, or a watch answer: 'answer' (download) or 'auth-answer'. */
  kind: HostTransferKind | 'answer' | 'auth-answer';
  /** Only in this round (resets seen); any round when absent. */
  round?: number;
  /** Which occurrences of `kind` (in the round when `round` is given, else overall). */
  at: number[];
  verdict: 'fail' | 'hold' | 'cut' | 'missed';
  holdMs?: number;
}

/** Faults as listed; everything else gets through. */
export class CaptureScript implements SimLossModel {
  #faults: ScriptedFault[];
  #seen = new Map<string, number>();
  /** What was applied, for tests: `round r: kind #n verdict`. */
  readonly applied: string[] = [];

  constructor(faults: ScriptedFault[]) {
    this.#faults = faults;
  }

  #count(kind: string, round: number): { inRound: number; overall: number } {
    const k1 = `${kind}@${round}`;
    const inRound = (this.#seen.get(k1) ?? 0) + 1;
    const overall = (this.#seen.get(kind) ?? 0) + 1;
    this.#seen.set(k1, inRound);
    this.#seen.set(kind, overall);
    return { inRound, overall };
  }

  #match(kind: ScriptedFault['kind'], round: number): ScriptedFault | undefined {
    const n = this.#count(kind, round);
    const f = this.#faults.find((x) => x.kind === kind && (x.round === undefined ? x.at.includes(n.overall) : x.round === round && x.at.includes(n.inRound)));
    if (f) this.applied.push(`round ${round}: ${kind} #${f.round === undefined ? n.overall : n.inRound} ${f.verdict}`);
    return f;
  }

  toWatch(t: HostTransfer): HostVerdict {
    const f = this.#match(t.kind, t.round);
    if (!f || f.verdict === 'cut' || f.verdict === 'missed') return { verdict: 'ok' };
    return f.verdict === 'hold' ? { verdict: 'hold', ms: f.holdMs ?? 3000 } : { verdict: 'fail' };
  }

  toHost(t: WatchTransfer): WatchVerdict {
    if (t.answer === 'other') return 'ok';
    const f = this.#match(t.answer === 'download' ? 'answer' : 'auth-answer', t.round);
    return f?.verdict === 'cut' || f?.verdict === 'missed' ? f.verdict : 'ok';
  }
}

/** First LINK beacon heard after this long of search, per round (the capture's five rounds). */
export const CAPTURE_SEARCH_DELAYS_MS = [10_000, 17_000, 7_000, 34_000, 18_000];

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Downloads: 9 request bursts fail, 2 answers are cut after their first packet, 1 is missed (the capture). */
const DOWNLOAD_FAULTS: ScriptedFault[] = [
  { kind: 'download', at: [2, 5, 6, 11, 17, 18, 19, 26, 31], verdict: 'fail' },
  { kind: 'answer', at: [4, 13], verdict: 'cut' },
  { kind: 'answer', at: [8], verdict: 'missed' },
];

/**
 * The capture's faults (docs/ant-fs.md). 'rounds': five connect rounds as in the capture — the
 * first four each fail for the capture's reason until the host starts another (round 1 LINK
 * failing, round 2 the serial request, round 3 a LINK with no outcome for 3 s then failing,
 * round 4 the serial answer broken after its first packet then the request failing), round 5
 * connects with the passkey's first transfer failing. 'one-round': the same kinds of fault in a
 * row as the capture had them (LINK 8 times, a LINK with no outcome for 3 s, the serial request
 * 8 times, its answer broken once, the passkey once), for a host to outlast without a reset.
 * Both with the capture's download faults.
 */
export function captureFaults(shape: 'rounds' | 'one-round' = 'rounds', linkTries = 10, txTries = 24): ScriptedFault[] {
  if (shape === 'one-round') {
    return [
      { kind: 'link', at: range(1, 8), verdict: 'fail' },
      { kind: 'link', at: [9], verdict: 'hold', holdMs: 3_000 },
      { kind: 'serial', at: range(1, 8), verdict: 'fail' },
      { kind: 'auth-answer', at: [1], verdict: 'cut' },
      { kind: 'passkey', at: [1], verdict: 'fail' },
      ...DOWNLOAD_FAULTS,
    ];
  }
  return [
    { kind: 'link', round: 1, at: range(1, linkTries), verdict: 'fail' },
    { kind: 'serial', round: 2, at: range(1, txTries), verdict: 'fail' },
    { kind: 'link', round: 3, at: [1], verdict: 'hold', holdMs: 3_000 },
    { kind: 'link', round: 3, at: range(2, linkTries), verdict: 'fail' },
    { kind: 'auth-answer', round: 4, at: [1], verdict: 'cut' },
    { kind: 'serial', round: 4, at: range(2, txTries + 1), verdict: 'fail' },
    { kind: 'passkey', round: 5, at: [1], verdict: 'fail' },
    ...DOWNLOAD_FAULTS,
  ];
}
