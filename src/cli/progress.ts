/** A progress bar on stderr when it is a terminal; nothing otherwise (pipes, CI, --json). */
import { createRequire } from 'node:module';

/** cli-progress (CommonJS, ~10 ms to load) is required only when a bar is shown. */
const load = () => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

export function progressBar(label: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return NONE;
  const { SingleBar, Presets } = load();
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} files, {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
