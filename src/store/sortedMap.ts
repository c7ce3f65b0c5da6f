/**
 * An ordered in-memory map from byte keys to entries, the building block of the in-memory database,
 * branch write-caches and the state store's working cache.
 *
 * Keys are held as latin1 strings (one char per byte), whose JS `<` order equals the bytewise order of
 * the keys, so sorting and binary search run on native string comparison. Point lookups are a `Map`;
 * the sorted key array is rebuilt lazily (new keys wait in a pending list that is sorted and merged at
 * the next ordered read), so a burst of writes costs O(1) each and one O(n + m log m) merge.
 * Iterators survive modification: they re-locate by their last key whenever the sorted array changes.
 */

/**
 * Node's own latin1 decoder (what `Buffer#toString("latin1")` calls), applied to the bytes directly:
 * no `Buffer` object per call. It accepts any `Uint8Array`. (Undocumented: if a Node version lacks it,
 * the `Buffer` route is used.)
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string })
  .latin1Slice;

/** Latin1 string form of bytes, ordered like the bytes. */
export const bytesKey: (b: Uint8Array) => string =
  typeof latin1Slice === "function"
    ? (b) => latin1Slice.call(b, 0, b.length)
    : (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

/** Bytes of a latin1 key string. */
export function keyBytes(s: string): Uint8Array {
  const buf = Buffer.from(s, "latin1");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Index of the first element of sorted `arr` that is `>= key` (or `> key` when `strict`). */
function lowerBound(arr: readonly string[], key: string, strict: boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = arr[mid]!;
    if (k < key || (strict && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An ordered map keyed by latin1 strings of byte keys. */
export class SortedMap<V> {
  private readonly map = new Map<string, V>();
  private sorted: string[] = [];
  private pending: string[] = [];
  private stale = 0;

  /** Number of live entries. */
  get size(): number {
    return this.map.size;
  }

  /** The entry at `k`, or undefined. */
  get(k: string): V | undefined {
    return this.map.get(k);
  }

  /** True when `k` is present. */
  has(k: string): boolean {
    return this.map.has(k);
  }

  /** Insert or replace the entry at `k`. */
  set(k: string, v: V): void {
    if (!this.map.has(k)) this.pending.push(k);
    this.map.set(k, v);
  }

  /** Remove the entry at `k` (the sorted array is compacted lazily). */
  delete(k: string): boolean {
    if (!this.map.delete(k)) return false;
    this.stale++;
    return true;
  }

  /** Remove everything. */
  clear(): void {
    this.map.clear();
    this.sorted = [];
    this.pending = [];
    this.stale = 0;
  }

  /** Every live entry, in no particular order (insertion order). */
  unordered(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /** All live keys in ascending order. */
  sortedKeys(): readonly string[] {
    this.ensureSorted();
    return this.sorted;
  }

  /**
   * Entries with `start <= key < end` (bounds as latin1 strings, optional), ascending or descending.
   * Tolerates writes during iteration: keys added behind the cursor are not revisited.
   */
  *range(start: string | undefined, end: string | undefined, reverse: boolean): Generator<[string, V]> {
    let arr = this.ensureSorted();
    let last: string | undefined;
    let i: number;
    if (!reverse) i = start === undefined ? 0 : lowerBound(arr, start, false);
    else i = (end === undefined ? arr.length : lowerBound(arr, end, false)) - 1;
    for (;;) {
      const now = this.ensureSorted();
      if (now !== arr) {
        arr = now;
        if (last !== undefined) i = reverse ? lowerBound(arr, last, false) - 1 : lowerBound(arr, last, true);
      }
      if (i < 0 || i >= arr.length) return;
      const k = arr[i]!;
      if (!reverse ? end !== undefined && k >= end : start !== undefined && k < start) return;
      last = k;
      i += reverse ? -1 : 1;
      const v = this.map.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  private ensureSorted(): string[] {
    if (this.pending.length === 0 && this.stale * 2 <= this.sorted.length) return this.sorted;
    const map = this.map;
    const add = this.pending.length > 0 ? this.pending.sort() : this.pending;
    const old = this.sorted;
    const out: string[] = [];
    let i = 0;
    let j = 0;
    let prev: string | undefined;
    while (i < old.length || j < add.length) {
      let k: string;
      if (j >= add.length || (i < old.length && old[i]! <= add[j]!)) k = old[i++]!;
      else k = add[j++]!;
      if (k === prev || !map.has(k)) continue;
      out.push(k);
      prev = k;
    }
    this.sorted = out;
    this.pending = [];
    this.stale = 0;
    return out;
  }
}
