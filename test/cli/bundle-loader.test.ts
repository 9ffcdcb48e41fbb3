/**
 * The CommonJS bundles' loader (src/cli/bundle-loader.ts): V8's code cache used only for the file
 * it was made from, by this Node; `import()` served to functions compiled from the cache; the
 * build's oclif bundle comes with a cache V8 accepts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundle, makeCodeCache, readCache, wrap } from '../../src/cli/bundle-loader.js';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-bundle-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = ['exports.answer = 6 * 7;', 'exports.where = __dirname;', "exports.required = require('node:os').EOL;", "exports.sep = async () => (await __fitkitImport('node:path')).sep;"].join('\n');

function bundle(name: string, source = SOURCE): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

describe('bundle loader', () => {
  it('runs a bundle with its cache, require and import() in lazily compiled functions', async () => {
    const path = bundle('a.cjs');
    expect(makeCodeCache(pathToFileURL(path))).toBeGreaterThan(0);
    expect(readCache(path, statSync(path))).toBeDefined();
    const m = loadBundle(pathToFileURL(path));
    expect(m.answer).toBe(42);
    expect(m.where).toBe(dir);
    expect(m.required).toBe('\n');
    // sep() was never run when the cache was made: compiled from the cached script, it still imports.
    expect(await (m.sep as () => Promise<string>)()).toBe('/');
  });

  it('takes a cache as old as its bundle: an installed package has one date on every file', () => {
    const path = bundle('npm.cjs');
    makeCodeCache(pathToFileURL(path));
    const npmDate = new Date('1985-10-26T08:15:00Z');
    for (const f of [path, `${path}.cache`]) utimesSync(f, npmDate, npmDate);
    expect(readCache(path, statSync(path))).toBeDefined();
    expect(loadBundle(pathToFileURL(path)).answer).toBe(42);
  });

  it('ignores a cache made from another version of the file, or older than it, or by another Node', () => {
    const path = bundle('b.cjs');
    makeCodeCache(pathToFileURL(path));
    const st = statSync(path);
    expect(readCache(path, { size: st.size + 1, mtimeMs: st.mtimeMs })).toBeUndefined();
    utimesSync(path, st.atime, new Date(st.mtimeMs + 5000));
    expect(readCache(path, statSync(path))).toBeUndefined();
    expect(loadBundle(pathToFileURL(path)).answer).toBe(42);
    const cache = readFileSync(`${path}.cache`);
    writeFileSync(`${path}.cache`, Buffer.from(cache.toString('latin1').replace(process.version, 'v0.0.0'), 'latin1'));
    utimesSync(path, st.atime, st.mtime);
    expect(readCache(path, statSync(path))).toBeUndefined();
  });

  it('loads without a cache, and past a damaged one', () => {
    const path = bundle('c.cjs');
    expect(loadBundle(pathToFileURL(path)).answer).toBe(42);
    writeFileSync(`${path}.cache`, 'not a cache');
    expect(readCache(path, statSync(path))).toBeUndefined();
    expect(loadBundle(pathToFileURL(path)).answer).toBe(42);
  });

  it("the build's oclif bundle has a cache V8 accepts", () => {
    const path = join(root, 'dist/cli/oclif-core.cjs');
    const data = readCache(path, statSync(path));
    expect(data).toBeDefined();
    expect(new vm.Script(wrap(readFileSync(path, 'utf8')), { filename: path, cachedData: data }).cachedDataRejected).toBe(false);
  });
});
