/** An LRU cache bounded by (approximate) bytes, with idle eviction. */

/** One cached value and its cost. */
interface Entry<V> {
  value: V;
  bytes: number;
  lastUsed: number;
}

/** LRU by bytes: inserting past the bound evicts the least recently used entries. */
export class ByteLru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private total = 0;
  /** Evictions so far. */
  evictions = 0;

  /** `maxBytes` bounds the sum of entry costs; `now` is the clock (ms). */
  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes held. */
  get bytes(): number {
    return this.total;
  }

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** A value (marks it most recently used). */
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    e.lastUsed = this.now();
    this.map.set(key, e);
    return e.value;
  }

  /** Insert; returns false (and caches nothing) when one entry alone exceeds the bound. */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.map.set(key, { value, bytes, lastUsed: this.now() });
    this.total += bytes;
    for (const [k, e] of this.map) {
      if (this.total <= this.maxBytes) break;
      this.map.delete(k);
      this.total -= e.bytes;
      this.evictions++;
    }
    return true;
  }

  /** Remove an entry. */
  delete(key: K): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.total -= e.bytes;
  }

  /** Evict entries unused for `idleMs`; returns how many. */
  evictIdle(idleMs: number): number {
    const cut = this.now() - idleMs;
    let n = 0;
    for (const [k, e] of this.map) {
      if (e.lastUsed > cut) continue;
      this.map.delete(k);
      this.total -= e.bytes;
      this.evictions++;
      n++;
    }
    return n;
  }
}
