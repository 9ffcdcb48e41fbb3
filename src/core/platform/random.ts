/**
 * Seeded randomness for the ANT-FS host (transport frequency, host serial) and the simulator's
 * fault schedules, so a test run repeats exactly from its seed (docs/architecture.md).
 */
import { randomBytes } from 'node:crypto';

/** Uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for choices and fault schedules (not for secrets). */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RNG seeded from the OS, for production runs. */
export function randomRng(): Rng {
  return seededRng(randomBytes(4).readUInt32LE(0));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** A random unsigned 32-bit integer. */
export function randomU32(rng: Rng): number {
  return Math.floor(rng() * 4294967296) >>> 0;
}
