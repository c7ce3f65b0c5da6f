/**
 * The node's one database. Every part that persists (state tree, flat state index, block store,
 * tx index, evidence) writes under its own `Bucket` prefix of the same LevelDB, so a block, its
 * results and the state it produces land in one atomic batch: parts `stage()` their writes and the
 * app's commit `flush()`es them together.
 */
import type { KVPair } from "./types.js";

/** One staged write. */
export type BatchOp =
  | { readonly type: "put"; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: "del"; readonly key: Uint8Array };

/** The shared database handle every persistent part is given by the composition root. */
export interface Database {
  /** Synchronous point read of the last flushed value (LevelDB `getSync`), ignoring staged writes. */
  getSync(key: Uint8Array): Uint8Array | undefined;
  /** Asynchronous point read of the last flushed value. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Ordered iteration over flushed data in `[start, end)`. */
  iterate(start?: Uint8Array, end?: Uint8Array, reverse?: boolean, limit?: number): AsyncIterable<KVPair>;
  /** Queue writes for the next flush. */
  stage(ops: readonly BatchOp[]): void;
  /** Number of writes currently staged. */
  readonly stagedCount: number;
  /** Write every staged op in one atomic, fsynced batch. */
  flush(): Promise<void>;
  /** Drop staged writes without writing them. */
  discardStaged(): void;
  /** Close the database. */
  close(): Promise<void>;
}

/**
 * The whole key space, one prefix byte a part. Never reuse a prefix; a retired one stays here,
 * marked deprecated.
 */
export enum Bucket {
  /** Node metadata: schema version, last committed height. */
  meta = 0x01,
  /** Merkle tree nodes of the application state. */
  stateTree = 0x10,
  /** Tree roots by version. */
  stateRoots = 0x11,
  /** Flat latest-value index of application state (key → value) for O(1) reads. */
  stateFlat = 0x12,
  /** Tree nodes orphaned at a version, for pruning. */
  stateOrphans = 0x13,
  /** Blocks by height. */
  blocks = 0x20,
  /** Height by block hash. */
  blockByHash = 0x21,
  /** Commit (signatures) for a height. */
  commits = 0x22,
  /** FinalizeBlock results by height. */
  blockResults = 0x23,
  /** Validator set by height. */
  validators = 0x24,
  /** Tx location (height, index) by hash. */
  txByHash = 0x30,
  /**
   * Tx height index (height, index → tx hash) and, written by versions before `txEventGroups`, one
   * event-index entry per tx attribute (composite key → tx hash; still searched).
   */
  txEvents = 0x31,
  /** Block event index. */
  blockEvents = 0x32,
  /** Tx event index, one entry per (composite key, value, height) listing the (index, event) pairs. */
  txEventGroups = 0x33,
  /** Committed evidence markers: evidence height (8, BE) + evidence hash → evidence time (seconds). */
  evidence = 0x40,
  /** Pending (not yet committed) evidence: evidence height (8, BE) + evidence hash → encoded evidence. */
  evidencePending = 0x41,
}

/** Prefix `key` with a bucket byte. */
export function bucketKey(bucket: Bucket, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = bucket;
  out.set(key, 1);
  return out;
}
