/** An in-memory `Database` with the same stage/flush semantics as the LevelDB one; for tests and tools. */
import type { BatchOp, Database } from "./db.js";
import { bytesKey, keyBytes, SortedMap } from "./sortedMap.js";
import type { KVPair } from "./types.js";

/** In-memory `Database`: flushed data in an ordered map, staged writes in a queue until `flush()`. */
export class MemoryDatabase implements Database {
  private readonly data = new SortedMap<Uint8Array>();
  private staged: BatchOp[] = [];
  private closed = false;
  /** Number of flushes performed (for tests). */
  flushCount = 0;

  /** Number of writes currently staged. */
  get stagedCount(): number {
    return this.staged.length;
  }

  /** Number of flushed keys. */
  get size(): number {
    return this.data.size;
  }

  /** Close the database; later calls throw. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** Synchronous point read of flushed data. */
  getSync(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.data.get(bytesKey(key));
  }

  /** Asynchronous point read of flushed data. */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.getSync(key);
  }

  /** Ordered iteration over flushed data in `[start, end)`. */
  async *iterate(
    start?: Uint8Array,
    end?: Uint8Array,
    reverse = false,
    limit?: number,
  ): AsyncGenerator<KVPair> {
    this.assertOpen();
    let n = 0;
    const s = start === undefined ? undefined : bytesKey(start);
    const e = end === undefined ? undefined : bytesKey(end);
    for (const [k, v] of this.data.range(s, e, reverse)) {
      if (limit !== undefined && limit >= 0 && n >= limit) return;
      n++;
      yield [keyBytes(k), v];
    }
  }

  /** Queue writes for the next flush. */
  stage(ops: readonly BatchOp[]): void {
    this.assertOpen();
    for (const op of ops) this.staged.push(op);
  }

  /** Apply every staged op, in order, atomically. */
  async flush(): Promise<void> {
    this.assertOpen();
    const ops = this.staged;
    this.staged = [];
    for (const op of ops) {
      if (op.type === "put") this.data.set(bytesKey(op.key), op.value);
      else this.data.delete(bytesKey(op.key));
    }
    this.flushCount++;
  }

  /** Drop staged writes. */
  discardStaged(): void {
    this.staged = [];
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("database is closed");
  }
}
