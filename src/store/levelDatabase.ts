/** The LevelDB `Database`: classic-level with binary keys and values, one fsynced batch per flush. */
import { type ChainedBatch, ClassicLevel } from "classic-level";
import type { BatchOp, Database } from "./db.js";
import type { KVPair } from "./types.js";

/** Options for opening the LevelDB database. */
export interface LevelDatabaseOptions {
  /** LevelDB block cache size in bytes (default 64 MiB). */
  cacheSize?: number;
  /** LevelDB write buffer size in bytes (default 32 MiB). */
  writeBufferSize?: number;
  /**
   * Most table files LevelDB keeps open (default 1000). LevelDB mmaps every open table it reads, so
   * this also bounds the file-backed RSS to about this many 2 MiB tables.
   */
  maxOpenFiles?: number;
}

/**
 * `Database` over classic-level (`keyEncoding`/`valueEncoding` "view"), reads via `getSync`.
 *
 * Staged writes go straight into a native chained batch (LevelDB `WriteBatch`, copied at `stage`),
 * not a JS array of ops held until `flush`: a block stages ~35 ops per tx (~300k at 8,000 txs), and
 * held until the commit's flush they survived scavenges and were promoted to old space.
 */
export class LevelDatabase implements Database {
  private batch: ChainedBatch<ClassicLevel<Uint8Array, Uint8Array>, Uint8Array, Uint8Array> | undefined;
  private staged = 0;
  /** Why the current batch is unusable (a `stage` failed half-way); `flush` throws it. */
  private broken: unknown;

  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  /** Open (creating if missing) the LevelDB database at `path`. */
  static async open(path: string, opts: LevelDatabaseOptions = {}): Promise<LevelDatabase> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      keyEncoding: "view",
      valueEncoding: "view",
      cacheSize: opts.cacheSize ?? 64 * 1024 * 1024,
      writeBufferSize: opts.writeBufferSize ?? 32 * 1024 * 1024,
      maxOpenFiles: opts.maxOpenFiles ?? 1000,
    });
    await db.open();
    return new LevelDatabase(db);
  }

  /** Number of writes currently staged. */
  get stagedCount(): number {
    return this.staged;
  }

  /** Close the database (staged writes are dropped). */
  async close(): Promise<void> {
    this.discardStaged();
    await this.db.close();
  }

  /** Synchronous point read of flushed data. */
  getSync(key: Uint8Array): Uint8Array | undefined {
    return plain(this.db.getSync(key));
  }

  /** Asynchronous point read of flushed data. */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return plain(await this.db.get(key));
  }

  /** Ordered iteration over flushed data in `[start, end)`. */
  async *iterate(
    start?: Uint8Array,
    end?: Uint8Array,
    reverse = false,
    limit?: number,
  ): AsyncGenerator<KVPair> {
    const opts: { gte?: Uint8Array; lt?: Uint8Array; reverse: boolean; limit: number } = {
      reverse,
      limit: limit ?? -1,
    };
    if (start !== undefined) opts.gte = start;
    if (end !== undefined) opts.lt = end;
    for await (const [k, v] of this.db.iterator(opts)) yield [plain(k)!, plain(v)!];
  }

  /** Queue writes for the next flush (copied into the native batch now). */
  stage(ops: readonly BatchOp[]): void {
    if (ops.length === 0) return;
    this.batch ??= this.db.batch();
    try {
      for (const op of ops) {
        if (op.type === "put") this.batch.put(op.key, op.value);
        else this.batch.del(op.key);
      }
    } catch (e) {
      this.broken ??= e;
      throw e;
    } finally {
      this.staged += ops.length;
    }
  }

  /** Write every staged op in one atomic, fsynced LevelDB batch. */
  async flush(): Promise<void> {
    const batch = this.batch;
    const broken = this.broken;
    this.batch = undefined;
    this.broken = undefined;
    this.staged = 0;
    if (batch === undefined) return;
    if (broken !== undefined) {
      await batch.close();
      throw broken;
    }
    await batch.write({ sync: true });
  }

  /** Drop staged writes without writing them. */
  discardStaged(): void {
    const batch = this.batch;
    this.batch = undefined;
    this.broken = undefined;
    this.staged = 0;
    // Closing only releases the native batch (classic-level frees it on GC anyway).
    if (batch !== undefined) batch.close().catch(() => undefined);
  }
}

/** A plain `Uint8Array` view of a (possibly `Buffer`) result, so callers compare bytes, not classes. */
function plain(b: Uint8Array | undefined): Uint8Array | undefined {
  if (b === undefined || Object.getPrototypeOf(b) === Uint8Array.prototype) return b;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
