import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryIndex, type IndexEntry } from '../../../src/core/library/library-index.js';

const entry = (n: number): IndexEntry => ({ sha256: `h${n}`, size: n, path: `1/Activities/${n}.fit`, origin: `/src/${n}.fit`, kind: 'sorted', at: '2024-01-01T00:00:00Z' });

describe('library index (append-only JSONL journal)', () => {
  it('finds entries by hash and path after a reload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-index-'));
    const a = LibraryIndex.load(dir);
    expect(a.size).toBe(0);
    a.append([entry(1), entry(2)]);
    a.append([entry(3)]);
    a.close();
    const b = LibraryIndex.load(dir);
    expect(b.size).toBe(3);
    expect(b.byHash('h2')?.path).toBe('1/Activities/2.fit');
    expect(b.hasPath('1/Activities/3.fit')).toBe(true);
    expect(b.hasPath('1/Activities/4.fit')).toBe(false);
    expect(readFileSync(join(dir, 'index.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('survives a torn last line (a crash mid-append) and starts the next entry on a fresh line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-index-'));
    const a = LibraryIndex.load(dir);
    a.append([entry(1)]);
    a.close();
    appendFileSync(join(dir, 'index.jsonl'), JSON.stringify(entry(2)).slice(0, 25));
    const b = LibraryIndex.load(dir);
    expect(b.size).toBe(1);
    expect(b.skippedLines).toBe(1);
    b.append([entry(3)]);
    b.close();
    const c = LibraryIndex.load(dir);
    expect([c.size, c.skippedLines]).toEqual([2, 1]);
    expect(c.byHash('h3')).toBeDefined();
  });

  it('keeps the first copy of a content when a hash appears twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-index-'));
    const a = LibraryIndex.load(dir);
    a.append([entry(1), { ...entry(1), path: 'other.fit' }]);
    expect(a.byHash('h1')?.path).toBe('1/Activities/1.fit');
    expect(a.hasPath('other.fit')).toBe(true);
    a.close();
  });
});
