/** The profile's lazily converted tables behave as the eager Map they replace. */
import { describe, expect, it } from 'vitest';
import { LazyMap } from '../../../src/core/fit/profile/lazy-map.js';

function lazy(keys: string[]) {
  const made: string[] = [];
  const map = new LazyMap(new Map(keys.map((k) => [k, () => (made.push(k), k.toUpperCase())])));
  return { map, made };
}

describe('LazyMap', () => {
  it('makes a value on first get, once, and none for has or size', () => {
    const { map, made } = lazy(['a', 'b', 'c']);
    expect(map.has('b')).toBe(true);
    expect(map.has('z')).toBe(false);
    expect(map.size).toBe(3);
    expect(made).toEqual([]);
    expect(map.get('b')).toBe('B');
    expect(map.get('b')).toBe('B');
    expect(map.get('z')).toBeUndefined();
    expect(made).toEqual(['b']);
  });

  it('iterates in the first order whatever was made before; later keys come last; set and delete win', () => {
    const { map } = lazy(['a', 'b', 'c', 'd']);
    map.get('c');
    map.set('b', 'b2');
    map.set('e', 'E');
    map.delete('d');
    const eager = new Map([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
      ['d', 'D'],
    ]);
    eager.get('c');
    eager.set('b', 'b2');
    eager.set('e', 'E');
    eager.delete('d');
    expect([...map]).toEqual([...eager]);
    expect([...map.keys()]).toEqual([...eager.keys()]);
    expect([...map.values()]).toEqual([...eager.values()]);
    expect(map.size).toBe(eager.size);
    const seen: string[] = [];
    map.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['a=A', 'b=b2', 'c=C', 'e=E']);
  });

  it('a deleted key is never made; clear leaves nothing', () => {
    const { map, made } = lazy(['a', 'b']);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.get('a')).toBeUndefined();
    map.clear();
    expect(map.size).toBe(0);
    expect([...map]).toEqual([]);
    expect(made).toEqual([]);
  });
});
