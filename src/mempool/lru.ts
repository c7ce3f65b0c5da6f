/** A bounded set of keys that forgets the least recently used one first (the mempool's seen-tx cache). */

/** An LRU set of string keys with a fixed capacity. */
export class LruSet {
  private readonly entries = new Set<string>();

  /** A set holding at most `capacity` keys (0 keeps none). */
  constructor(private readonly capacity: number) {}

  /** Number of keys held. */
  get size(): number {
    return this.entries.size;
  }

  /** True when `key` is held; marks it as recently used. */
  has(key: string): boolean {
    if (!this.entries.has(key)) return false;
    this.entries.delete(key);
    this.entries.add(key);
    return true;
  }

  /** Add `key` (or refresh it); returns false when it was already present. */
  push(key: string): boolean {
    if (this.capacity <= 0) return true;
    const existed = this.entries.delete(key);
    this.entries.add(key);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.values().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return !existed;
  }

  /** Forget `key`. */
  remove(key: string): void {
    this.entries.delete(key);
  }

  /** Forget every key. */
  clear(): void {
    this.entries.clear();
  }
}
