/** A view of a KV store under a key prefix (SDK `prefix.Store`), read-only or writable. */
import type { KVPair, KVReader, KVStore } from "../store/types.js";
import { prefixEnd } from "../types/bytes.js";

function join(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** Read-only prefixed view. */
export class PrefixReader implements KVReader {
  /** View `parent` under `prefix`. */
  constructor(
    protected readonly parent: KVReader,
    protected readonly prefix: Uint8Array,
  ) {}

  /** Value at prefix‖key. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.parent.get(join(this.prefix, key));
  }

  /** Whether prefix‖key exists. */
  has(key: Uint8Array): boolean {
    return this.parent.has(join(this.prefix, key));
  }

  /** Iterate `[start, end)` within the prefix, yielding keys with the prefix stripped. */
  *iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<KVPair> {
    const s = start ? join(this.prefix, start) : this.prefix;
    const e = end ? join(this.prefix, end) : prefixEnd(this.prefix);
    const n = this.prefix.length;
    for (const [k, v] of this.parent.iterator(s, e, reverse)) yield [k.subarray(n), v] as const;
  }
}

/** Writable prefixed view. */
export class PrefixStore extends PrefixReader implements KVStore {
  /** View `parent` under `prefix`. */
  constructor(
    private readonly writable: KVStore,
    prefix: Uint8Array,
  ) {
    super(writable, prefix);
  }

  /** Set prefix‖key. */
  set(key: Uint8Array, value: Uint8Array): void {
    this.writable.set(join(this.prefix, key), value);
  }

  /** Delete prefix‖key. */
  delete(key: Uint8Array): void {
    this.writable.delete(join(this.prefix, key));
  }
}

/** The store prefix of a module's store key (`bank` → `bank/`). */
export function storePrefix(storeKey: string): Uint8Array {
  return new TextEncoder().encode(`${storeKey}/`);
}

/** A read-only store that rejects writes, for queries over a committed version. */
export class ReadOnlyStore implements KVStore {
  /** Wrap a reader. */
  constructor(private readonly reader: KVReader) {}
  /** Read. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.reader.get(key);
  }
  /** Existence. */
  has(key: Uint8Array): boolean {
    return this.reader.has(key);
  }
  /** Iterate. */
  iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<KVPair> {
    return this.reader.iterator(start, end, reverse);
  }
  /** Writes are a programming error in a query. */
  set(): void {
    throw new Error("write to a read-only store");
  }
  /** Deletes are a programming error in a query. */
  delete(): void {
    throw new Error("delete from a read-only store");
  }
}
