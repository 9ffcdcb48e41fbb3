/**
 * A Map whose values are made on first use. The SDK profile has ~110 messages and ~170 types; a
 * command reads a few, so converting them all at start-up was most of its cost. Iterating (or
 * `size`) makes the rest, in the order the keys were given, as an eager Map would hold them.
 */
export class LazyMap<K, V> extends Map<K, V> {
  #pending: Map<K, () => V>;
  #order: K[];

  constructor(pending: Map<K, () => V>) {
    super();
    this.#pending = pending;
    this.#order = [...pending.keys()];
  }

  #make(key: K): V | undefined {
    const make = this.#pending.get(key);
    if (!make) return undefined;
    this.#pending.delete(key);
    const value = make();
    super.set(key, value);
    return value;
  }

  /** Makes every pending value and puts the keys back in their first order. */
  #all(): void {
    if (this.#pending.size === 0) return;
    const made = new Map(super.entries());
    super.clear();
    for (const k of this.#order) {
      if (made.has(k)) super.set(k, made.get(k) as V);
      else if (this.#pending.has(k)) super.set(k, this.#pending.get(k)!());
      made.delete(k);
    }
    this.#pending.clear();
    for (const [k, v] of made) super.set(k, v);
  }

  override get(key: K): V | undefined {
    return super.has(key) ? super.get(key) : this.#make(key);
  }

  override has(key: K): boolean {
    return super.has(key) || this.#pending.has(key);
  }

  override set(key: K, value: V): this {
    this.#pending.delete(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const pending = this.#pending.delete(key);
    return super.delete(key) || pending;
  }

  override clear(): void {
    this.#pending.clear();
    super.clear();
  }

  override get size(): number {
    return super.size + this.#pending.size;
  }

  override entries(): MapIterator<[K, V]> {
    this.#all();
    return super.entries();
  }

  override keys(): MapIterator<K> {
    this.#all();
    return super.keys();
  }

  override values(): MapIterator<V> {
    this.#all();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.#all();
    super.forEach(fn, thisArg);
  }
}
