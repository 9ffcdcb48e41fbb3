/**
 * What may import what, checked on the import graph of src/ (test/helpers/import-graph.ts reads
 * it with the TypeScript parser). Type-only imports are erased and load nothing; they count for
 * the folder layering (they still couple the code) but not for what a module loads at run time.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, type ImportEdge } from '../helpers/import-graph.js';

const SRC = join(import.meta.dirname, '../../src');

/** The core folder of a module path relative to src/ (`core/fit/decode/raw.ts` → `fit`), or undefined. */
const folderOf = (p: string): string | undefined => /^core\/([^/]+)\//.exec(p)?.[1];
const runtime = (e: ImportEdge) => e.kind !== 'type';

/** Modules that must run anywhere (a browser, a worker, a test) without files, devices or the CLI. */
const PURE = /^core\/(fit|formats|activity|edit|convert)\//;
const IMPURE = /^(node:)?fs(\/promises)?$|^usb(\/|$)|^@oclif\//;
/** Pure modules that still read a file, each with its reason; the test fails when one no longer does. */
const PURE_EXCEPTIONS: Record<string, string> = {
  // Profile.extendFromFile reads --profile-extra JSON; it goes with the one profile loader (issue 16).
  'core/fit/profile/profile.ts -> node:fs': 'profile additions read from a file',
};

/**
 * Core folders in layers: a folder imports only folders of lower layers (errors.ts and the
 * folder itself aside). fit and platform share a layer and may import each other only through
 * the SDK profile cache (platform/sdk-profile-cache.ts builds fit's SDK profile extract).
 */
const LAYERS: string[][] = [
  ['bytes', 'usb'],
  ['fit', 'platform'],
  ['formats', 'mtp', 'ant', 'msc', 'library'],
  ['activity', 'antfs'],
  ['validate', 'sim', 'batch', 'convert', 'edit', 'export'],
  ['sync'],
];
const SAME_LAYER_ALLOWED = new Set([
  'core/platform/profile-loader.ts -> core/fit/profile/profile.ts',
  'core/fit/profile/sdk-profile.ts -> core/platform/sdk-profile-cache.ts',
  'core/platform/sdk-profile-cache.ts -> core/fit/profile/sdk-extract.ts',
  'core/platform/sdk-profile-cache.ts -> core/fit/profile/sdk-profile.ts',
]);
const layerOf = new Map(LAYERS.flatMap((l, i) => l.map((f) => [f, i] as const)));

/** The simulators stand behind the transports: they may use these and FIT writing, nothing of sync or the library. */
const SIM_MAY_IMPORT = /^core\/(usb|mtp|ant|antfs|msc|bytes|platform|fit\/(encode|profile|kit|proto))\/|^core\/errors\.ts$|^node:(crypto|fs|os|path)$/;

const key = (e: ImportEdge) => `${e.from} -> ${e.target}`;

export function pureViolations(edges: ImportEdge[]): string[] {
  return edges.filter((e) => runtime(e) && PURE.test(e.from) && IMPURE.test(e.target) && !(key(e) in PURE_EXCEPTIONS)).map(key);
}

export function simViolations(edges: ImportEdge[]): string[] {
  const staticSim = edges.filter(
    (e) => e.kind === 'static' && e.target.startsWith('core/sim/') && (e.from === 'core/index.ts' || /^(commands|cli|hooks)\//.test(e.from) || !e.from.startsWith('core/sim/')),
  );
  const simOut = edges.filter((e) => e.from.startsWith('core/sim/') && !e.target.startsWith('core/sim/') && !SIM_MAY_IMPORT.test(e.target));
  return [...staticSim, ...simOut].map(key);
}

export function layerViolations(edges: ImportEdge[]): string[] {
  return edges
    .filter((e) => {
      const a = folderOf(e.from);
      const b = folderOf(e.target);
      if (!a || !b || a === b) return false;
      const la = layerOf.get(a);
      const lb = layerOf.get(b);
      if (la === undefined || lb === undefined) return true; // a new folder: give it a layer
      return lb > la || (lb === la && !SAME_LAYER_ALLOWED.has(key(e)));
    })
    .map(key);
}

const upward = (edges: ImportEdge[]) => edges.filter((e) => e.from.startsWith('core/') && /^(cli|commands|hooks)\//.test(e.target)).map(key);

describe('import graph of src/', () => {
  const edges = importGraph(SRC);

  it('is read: static, dynamic and type-only imports are all seen', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'core/sync/simulate.ts', target: 'core/sim/index.ts', kind: 'dynamic' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'core/sync/simulate.ts', target: 'core/sim/index.ts', kind: 'type' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'core/usb/node-usb.ts', kind: 'static', target: expect.stringMatching(/^usb/) }));
  });

  it('fit/, formats/ and activity/ load no fs, usb or oclif', () => {
    expect(pureViolations(edges)).toEqual([]);
    const present = new Set(edges.filter(runtime).map(key));
    expect(
      Object.keys(PURE_EXCEPTIONS).filter((k) => !present.has(k)),
      'an exception no longer needed: remove it',
    ).toEqual([]);
  });

  it('the simulators load only on demand, and depend on transports and FIT writing only', () => {
    expect(simViolations(edges)).toEqual([]);
  });

  it('core folders depend one way (LAYERS), and never on the CLI', () => {
    expect(layerViolations(edges)).toEqual([]);
    expect(upward(edges)).toEqual([]);
  });

  it('the rules catch what they are meant to catch', () => {
    const e = (from: string, target: string, kind: ImportEdge['kind'] = 'static'): ImportEdge => ({ from, target, specifier: target, kind });
    expect(
      pureViolations([e('core/fit/decode/raw.ts', 'node:fs'), e('core/formats/gpx.ts', 'fs/promises'), e('core/activity/gpx/track.ts', 'usb'), e('core/activity/checks/checklist.ts', '@oclif/core')]),
    ).toHaveLength(4);
    expect(pureViolations([e('core/fit/decode/raw.ts', 'node:fs', 'type'), e('core/library/walk.ts', 'node:fs')])).toEqual([]);
    expect(
      simViolations([
        e('core/index.ts', 'core/sim/index.ts'),
        e('commands/sync.ts', 'core/sim/simulate.ts'),
        e('core/sim/ant-watch.ts', 'core/library/file-id.ts'),
        e('core/sim/x.ts', 'core/sync/sources/msc-source.ts', 'type'),
      ]),
    ).toHaveLength(4);
    expect(simViolations([e('core/sync/simulate.ts', 'core/sim/index.ts', 'dynamic'), e('commands/sync.ts', 'core/sim/index.ts', 'dynamic')])).toEqual([]);
    expect(layerViolations([e('core/fit/decode/raw.ts', 'core/formats/gpx.ts'), e('core/mtp/session.ts', 'core/library/lock.ts'), e('core/newfolder/a.ts', 'core/fit/kit/time.ts')])).toHaveLength(3);
  });
});
