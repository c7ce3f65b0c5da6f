/**
 * Branch (write-cache) stores: writes and deletes stay in an ordered cache over a parent `KVStore`
 * until `write()` applies them to the parent in key order. Reads fall through to the parent;
 * iteration merges the parent's ordered pairs with the cached writes, deletes hiding parent keys.
 */
import { bytesKey, SortedMap } from "./sortedMap.js";
import type { BranchStore, KVPair, KVReader, KVStore } from "./types.js";

/** A cached write: a value, or `undefined` for a delete. */
interface CacheEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

/**
 * Merge a parent's ordered pairs with an ordered cache of writes (deletes as `undefined`), both in
 * the same direction; cached entries win on equal keys and deletes are dropped.
 */
export function* mergeIterators(
  parent: Iterator<KVPair>,
  cache: Iterator<[string, CacheEntry]>,
  reverse: boolean,
): Generator<KVPair> {
  let p = parent.next();
  let c = cache.next();
  let pKey: string | undefined = p.done ? undefined : bytesKey(p.value[0]);
  for (;;) {
    if (c.done) {
      if (p.done) return;
      yield p.value;
      p = parent.next();
      continue;
    }
    const [ck, entry] = c.value;
    if (p.done || pKey === undefined) {
      if (entry.value !== undefined) yield [entry.key, entry.value];
      c = cache.next();
      continue;
    }
    const cmp = ck < pKey ? -1 : ck > pKey ? 1 : 0;
    if (cmp === 0) {
      if (entry.value !== undefined) yield [entry.key, entry.value];
      c = cache.next();
      p = parent.next();
      pKey = p.done ? undefined : bytesKey(p.value[0]);
    } else if (cmp < 0 !== reverse) {
      if (entry.value !== undefined) yield [entry.key, entry.value];
      c = cache.next();
    } else {
      yield p.value;
      p = parent.next();
      pKey = p.done ? undefined : bytesKey(p.value[0]);
    }
  }
}

/** A write-cache over a parent store. */
export class Branch implements BranchStore {
  private readonly cache = new SortedMap<CacheEntry>();

  /** A branch over `parent`. */
  constructor(private readonly parent: KVStore) {}

  /** Number of cached writes (sets and deletes). */
  get pendingWrites(): number {
    return this.cache.size;
  }

  /** The value at `key`: the cached write if any, else the parent's. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(bytesKey(key), key);
  }

  /** True when `key` has a value. */
  has(key: Uint8Array): boolean {
    return this.hasKeyed(bytesKey(key), key);
  }

  /** Cache a write of `value` at `key`. */
  set(key: Uint8Array, value: Uint8Array): void {
    if (value === undefined || value === null) throw new TypeError("value must not be undefined");
    this.cache.set(bytesKey(key), { key, value });
  }

  /** Cache a delete of `key`. */
  delete(key: Uint8Array): void {
    this.cache.set(bytesKey(key), { key, value: undefined });
  }

  /** Merged ordered iteration over `[start, end)`. */
  iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<KVPair> {
    const s = start === undefined ? undefined : bytesKey(start);
    const e = end === undefined ? undefined : bytesKey(end);
    return mergeIterators(
      this.parent.iterator(start, end, reverse),
      this.cache.range(s, e, reverse),
      reverse,
    );
  }

  /** Apply the cached writes to the parent in key order and clear them. */
  write(): void {
    const p = this.parent;
    if (p instanceof Branch) {
      // A parent branch keeps its own order: hand it the entries (immutable) with their string keys.
      for (const [k, e] of this.cache.unordered()) p.cache.set(k, e);
      this.cache.clear();
      return;
    }
    const keys = this.cache.sortedKeys();
    for (const k of keys) {
      const e = this.cache.get(k)!;
      if (e.value === undefined) this.parent.delete(e.key);
      else this.parent.set(e.key, e.value);
    }
    this.cache.clear();
  }

  /** A new branch on top of this one. */
  branch(): BranchStore {
    return new Branch(this);
  }

  /** `get` with the key's string form already computed (passed down through nested branches). */
  private getKeyed(k: string, key: Uint8Array): Uint8Array | undefined {
    const e = this.cache.get(k);
    if (e !== undefined) return e.value;
    const p = this.parent;
    return p instanceof Branch ? p.getKeyed(k, key) : p.get(key);
  }

  /** `has` with the key's string form already computed. */
  private hasKeyed(k: string, key: Uint8Array): boolean {
    const e = this.cache.get(k);
    if (e !== undefined) return e.value !== undefined;
    const p = this.parent;
    return p instanceof Branch ? p.hasKeyed(k, key) : p.has(key);
  }
}

/** A branch (write-cache) over `parent`; nest with `branch()`, apply with `write()`. */
export function createBranch(parent: KVStore): BranchStore {
  return new Branch(parent);
}

/** A read-only view of a reader (writes are a type error, and throw at run time). */
export function readOnly(reader: KVReader): KVReader {
  return {
    get: (k) => reader.get(k),
    has: (k) => reader.has(k),
    iterator: (s, e, r) => reader.iterator(s, e, r),
  };
}

/** A plain in-memory `KVStore` (no versions, no hashes), for tests and scratch state. */
export class MemoryKVStore implements KVStore {
  private readonly data = new SortedMap<KVPair>();

  /** Number of keys. */
  get size(): number {
    return this.data.size;
  }

  /** The value at `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.data.get(bytesKey(key))?.[1];
  }

  /** True when `key` has a value. */
  has(key: Uint8Array): boolean {
    return this.data.has(bytesKey(key));
  }

  /** Set `key` to `value`. */
  set(key: Uint8Array, value: Uint8Array): void {
    if (value === undefined || value === null) throw new TypeError("value must not be undefined");
    this.data.set(bytesKey(key), [key, value]);
  }

  /** Remove `key`. */
  delete(key: Uint8Array): void {
    this.data.delete(bytesKey(key));
  }

  /** Ordered iteration over `[start, end)`. */
  *iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<KVPair> {
    const s = start === undefined ? undefined : bytesKey(start);
    const e = end === undefined ? undefined : bytesKey(end);
    for (const [, pair] of this.data.range(s, e, reverse)) yield pair;
  }
}
