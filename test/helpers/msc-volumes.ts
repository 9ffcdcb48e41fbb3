/** Simulated mass-storage volumes for a test file, all disposed after its last test. */
import { afterAll } from 'vitest';
import { SimMscVolume, type SimMscOptions } from '../../src/core/sim/msc-volume.js';

/** Call at the top level of a test file (or a describe): registers the clean-up there. */
export function simVolumes(): (opts?: SimMscOptions) => SimMscVolume {
  const vols: SimMscVolume[] = [];
  afterAll(() => vols.forEach((v) => v.dispose()));
  return (opts = {}) => {
    const v = SimMscVolume.create(opts);
    vols.push(v);
    return v;
  };
}
