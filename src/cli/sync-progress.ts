/** Two bars on a terminal while a device syncs: files and bytes. Nothing when not a TTY. */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { SyncEvent } from '../core/sync/sync-device.js';

export interface SyncProgress {
  event(e: SyncEvent): void;
  /** A line for the person watching (pairing: "accept ... on the watch"), above the bars. */
  log(line: string): void;
  stop(): void;
}

const toStderr = (line: string) => void process.stderr.write(`fitkit: ${line}\n`);

export function syncProgress(enabled: boolean): SyncProgress {
  if (!enabled) return { event() {}, log: toStderr, stop() {} };
  const multi = new MultiBar({ format: '{label} [{bar}] {value}/{total} {unit}', stream: process.stderr, hideCursor: true, clearOnComplete: true, autopadding: true }, Presets.shades_classic);
  let files: SingleBar | undefined;
  let bytes: SingleBar | undefined;
  let nFiles = 0;
  let kb = 0;
  return {
    event(e) {
      if (e.kind === 'listed') {
        files?.stop();
        bytes?.stop();
        nFiles = 0;
        kb = 0;
        const who = e.device.model ?? e.device.key;
        files = multi.create(e.toDownload, 0, { label: `${who} files`, unit: 'files' });
        bytes = multi.create(Math.ceil(e.bytes / 1024), 0, { label: `${who} data `, unit: 'KiB' });
      } else if (e.kind === 'bytes') {
        kb += e.bytes / 1024;
        bytes?.update(Math.floor(kb));
      } else if (e.kind === 'done' && e.file.outcome !== 'known' && e.file.outcome !== 'given_up') {
        files?.update(++nFiles);
      }
    },
    log(line) {
      multi.log(`fitkit: ${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
