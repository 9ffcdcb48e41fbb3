/**
 * Loads a pre-linked CommonJS bundle (scripts/bundle-*.mjs) with V8's code cache: the compiled
 * code the build saved beside it (BUNDLE.cache, written by makeCodeCache) spares compiling it again
 * on every start, most of what loading oclif cost (Node 20 has no compile cache of its own).
 *
 * The cache is used only if it was made by this Node from a file of the bundle's size (both in the
 * cache's header), and is not older than the bundle: a bundle written again after its cache (a
 * partial build) is compiled afresh. Not the mtime itself: an installed package's files all carry
 * npm's one fixed date. V8 checks its own version and flags and may still reject a cache. Without a
 * usable cache the bundle is compiled as it is: slower, same result.
 *
 * A function V8 compiles lazily from a cached script cannot call `import()` on Node 20 (the
 * script's host options are lost: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). So the build rewrites
 * the bundles' `await import(x)` as `await __fitkitImport(x)`, served from here.
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const MAGIC = 'fitkit-code-cache-1';
/** `import()` for the bundles: absolute URLs, or packages found from dist/cli/ as from the bundle. */
const importHere = (specifier: string): Promise<unknown> => import(specifier);

interface Stamp {
  magic: string;
  size: number;
  node: string;
}

/** What readCache() compares: the bundle's size and mtime. */
type Bundle = { size: number; mtimeMs: number };

type Wrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string, importer: typeof importHere) => void;

/** The bundle's exports. */
export function loadBundle(url: URL): Record<string, unknown> {
  const path = fileURLToPath(url);
  const fd = openSync(path, 'r');
  let source: string;
  let st: Bundle;
  try {
    st = fstatSync(fd);
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  return run(compile(path, source, readCache(path, st)), path);
}

/**
 * Compiles the bundle and runs its top level (so the functions that run at every load are in the
 * cache compiled), then saves its code beside it. Only that: a cache holding the functions that
 * loading oclif's configuration runs too was bigger and took as long to read as they take to compile.
 */
export function makeCodeCache(url: URL): number {
  const path = fileURLToPath(url);
  const { size } = statSync(path);
  const script = compile(path, readFileSync(path, 'utf8'), undefined);
  run(script, path);
  const data = script.createCachedData();
  const stamp = Buffer.from(JSON.stringify({ magic: MAGIC, size, node: process.version } satisfies Stamp));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(stamp.length);
  writeFileSync(`${path}.cache`, Buffer.concat([head, stamp, data]));
  return data.length;
}

/** The bundle as a function of what CommonJS gives a module, and of `__fitkitImport`. */
export function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname, __fitkitImport) {${source}\n})`;
}

function compile(path: string, source: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(wrap(source), { filename: path, cachedData });
}

function run(script: vm.Script, path: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as Wrapper)(module.exports, createRequire(path), module, path, dirname(path), importHere);
  return module.exports;
}

/** The saved code of the bundle at `path` (its size and mtime `st`), if it may be used (see above). */
export function readCache(path: string, st: Bundle): Buffer | undefined {
  let buf: Buffer;
  let cacheTime: number;
  try {
    const fd = openSync(`${path}.cache`, 'r');
    try {
      cacheTime = fstatSync(fd).mtimeMs;
      buf = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  try {
    const len = buf.readUInt32LE(0);
    const stamp = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as Stamp;
    if (stamp.magic !== MAGIC || stamp.size !== st.size || stamp.node !== process.version || cacheTime < st.mtimeMs) return undefined;
    return buf.subarray(4 + len);
  } catch {
    return undefined;
  }
}
