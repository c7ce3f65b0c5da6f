/**
 * The state store's contracts. Reads and writes are synchronous: the state machine runs as plain
 * deterministic code, and the LevelDB backend serves point reads with `getSync` and iteration from
 * the authenticated tree, so no state transition awaits I/O.
 */

/** One key/value pair from an iterator. */
export type KVPair = readonly [key: Uint8Array, value: Uint8Array];

/** Read-only view of a key/value store. Iteration is in key order over `[start, end)`. */
export interface KVReader {
  /** The value at `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** True when `key` has a value. */
  has(key: Uint8Array): boolean;
  /** Pairs with `start <= key < end` (either bound optional), ascending or, with `reverse`, descending. */
  iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<KVPair>;
}

/** A writable key/value store. */
export interface KVStore extends KVReader {
  /** Set `key` to `value` (value may be empty but not undefined). */
  set(key: Uint8Array, value: Uint8Array): void;
  /** Remove `key`; a no-op when absent. */
  delete(key: Uint8Array): void;
}

/**
 * A write-cache over a parent store: reads fall through, writes stay here until `write()` pushes them
 * to the parent, or the branch is dropped. Branches nest, which is how the app snapshots state around
 * each transaction and each message.
 */
export interface BranchStore extends KVStore {
  /** Apply this branch's writes to its parent, in key order, and clear them. */
  write(): void;
  /** A new branch on top of this one. */
  branch(): BranchStore;
}

/** A proof operation as ABCI `ProofOp` carries it. */
export interface ProofOp {
  /** Proof type, e.g. `openledger:iavl`. */
  type: string;
  /** The key the proof is about. */
  key: Uint8Array;
  /** Serialised proof. */
  data: Uint8Array;
}

/** The result of a read with proof at a committed version. */
export interface ProvenRead {
  /** The value, or undefined for a non-existence proof. */
  value: Uint8Array | undefined;
  /** Proof of the value (existence) or of its absence (non-existence) against the version's root. */
  proof: ProofOp[];
  /** The root hash the proof verifies against (the app hash of that version). */
  root: Uint8Array;
}

/**
 * The application's committed, versioned, authenticated state. The working state of the block being
 * executed is a `KVStore` (`working`); `computeHash()` yields the app hash of the working state, and
 * `commit()` stages the new version into the shared database batch (see `Database`) and flushes that
 * batch, so whatever the block store staged for the same height lands in the same atomic write.
 */
export interface CommitStore {
  /** The last committed version (block height); 0 before genesis. */
  readonly version: number;
  /** Root hash of the last committed version (app hash); the empty-tree hash at version 0. */
  readonly lastHash: Uint8Array;
  /** The mutable working state built on top of the last committed version. */
  readonly working: KVStore;
  /** Root hash the working state would commit to. Deterministic; may be called more than once. */
  computeHash(): Uint8Array;
  /**
   * Make the working state version `version` (= last + 1, or the initial height), stage it and flush
   * the shared database in one atomic batch; returns the committed root hash.
   */
  commit(version: number): Promise<Uint8Array>;
  /** Drop uncommitted working changes. */
  rollbackWorking(): void;
  /** Read-only view at a retained committed version; throws a coded error when pruned or in the future. */
  readAt(version: number): KVReader;
  /** Read `key` at a retained committed version with an existence or non-existence proof. */
  proveAt(version: number, key: Uint8Array): ProvenRead;
  /** Oldest version still readable. */
  readonly earliestVersion: number;
}
