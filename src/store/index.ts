/**
 * The state store: databases (`MemoryDatabase`, `LevelDatabase`), branch write-caches
 * (`createBranch`), the versioned authenticated `StateStore`, and proof verification (`verifyProof`).
 */
export { Branch, createBranch, MemoryKVStore, mergeIterators, readOnly } from "./branch.js";
export { type BatchOp, Bucket, bucketKey, type Database } from "./db.js";
export { LevelDatabase, type LevelDatabaseOptions } from "./levelDatabase.js";
export { MemoryDatabase } from "./memoryDatabase.js";
export { PROOF_TYPE, proofValue, verifyProof } from "./proof.js";
export {
  type CommitStats,
  DEFAULT_CACHE_BYTES,
  DEFAULT_CACHE_SIZE,
  DEFAULT_KEEP_RECENT,
  StateStore,
  type StateStoreOptions,
} from "./stateStore.js";
export { EMPTY_ROOT, STORE_CODESPACE, StoreCode } from "./tree.js";
export type {
  BranchStore,
  CommitStore,
  KVPair,
  KVReader,
  KVStore,
  ProofOp,
  ProvenRead,
} from "./types.js";

import { EMPTY_ROOT } from "./tree.js";

/** Root hash of an empty state (sha256 of the empty string), as bytes. */
export const EMPTY_ROOT_HASH: Uint8Array = new Uint8Array(Buffer.from(EMPTY_ROOT, "latin1"));
