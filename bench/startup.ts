/**
 * The fixed cost of each command: the whole process on a tiny input (a FIT file of 5 records, a
 * TCX of 10 trackpoints), or its --help, beside `node -e 0`, all alternated round by round.
 * Fixed cost = the command's median minus node's, wall time and CPU. Target: <= 80 ms each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallFit, writeFile } from '../test/helpers/sort-files.js';
import { writeLongTcx } from '../test/helpers/tcx-sdk.js';
import { alternate, hasGnuTime, TIME, type Cmd } from './proc.js';

export const STARTUP_TARGET_MS = 80;

export interface StartupRow {
  label: string;
  /** Over node -e 0, milliseconds (medians). */
  wallMs: number;
  cpuMs: number;
}

export interface StartupResult {
  nodeWallMs: number;
  nodeCpuMs: number;
  rows: StartupRow[];
  runs: number;
}

export function benchStartup(runs: number): StartupResult | string {
  if (!hasGnuTime()) return `${TIME} (GNU time) is not installed`;
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-bench-startup-'));
  try {
    const fit = writeFile(join(dir, 'in', 'tiny.fit'), smallFit({ records: 5 }));
    const tcx = join(dir, 'tiny.tcx');
    writeLongTcx(tcx, 10);
    const out = (name: string) => join(dir, name);
    const cli = (label: string, args: string[], ok?: number[]): [string, Cmd] => [label, { cmd: process.execPath, args: ['bin/run.js', ...args], ok }];
    const cases: [string, Cmd][] = [
      cli('--version', ['--version']),
      cli('dump --help', ['dump', '--help']),
      cli('sync --help', ['sync', '--help']),
      cli('dump tiny.fit -o x.csv', ['dump', fit, '-o', out('x.csv')]),
      cli('dump --json tiny.fit', ['dump', '--json', fit]),
      cli('fit2gpx tiny.fit -o x.gpx', ['fit2gpx', fit, '-o', out('x.gpx')]),
      cli('validate tiny.fit', ['validate', fit], [0, 1]),
      cli('repair tiny.fit -o x.fit --force', ['repair', fit, '-o', out('x.fit'), '--force']),
      cli('tcx2fit tiny.tcx -o y.fit', ['tcx2fit', tcx, '-o', out('y.fit')]),
      // After the warm-up round every run finds the file held: the fixed cost of sort.
      cli('sort in/ --to lib (held)', ['sort', join(dir, 'in'), '--to', out('lib')]),
    ];
    const base: Cmd = { cmd: process.execPath, args: ['-e', '0'] };
    const r = alternate([base, ...cases.map((c) => c[1])], runs);
    if (typeof r === 'string') return r;
    const [node, ...cmds] = r;
    return {
      nodeWallMs: node.median.seconds * 1000,
      nodeCpuMs: node.median.cpu * 1000,
      runs,
      rows: cmds.map((s, i) => ({
        label: cases[i][0],
        wallMs: (s.median.seconds - node.median.seconds) * 1000,
        cpuMs: (s.median.cpu - node.median.cpu) * 1000,
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatStartup(r: StartupResult | string): string[] {
  if (typeof r === 'string') return [`start-up not measured: ${r}`];
  return [
    `start-up: each command beside node -e 0, alternated, median of ${r.runs} (node -e 0: ${r.nodeWallMs.toFixed(0)} ms wall, ${r.nodeCpuMs.toFixed(0)} ms CPU)`,
    `  ${'command'.padEnd(34)} ${'over node, wall'.padStart(16)} ${'over node, CPU'.padStart(15)}`,
    ...r.rows.map((x) => `  ${x.label.padEnd(34)} ${(x.wallMs.toFixed(0) + ' ms').padStart(16)} ${(x.cpuMs.toFixed(0) + ' ms').padStart(15)}`),
  ];
}
