/** The block store's coded errors (codespace `blockstore`). */
import { CodedError } from "../types/errors.js";

/** Codespace of block store errors. */
export const BLOCKSTORE_CODESPACE = "blockstore";

/** Stable block store error codes. */
export enum BlockStoreErrorCode {
  /** A staged block is not at the next height. */
  NonContiguousHeight = 1,
  /** The block id, seen commit or block disagree with each other. */
  Mismatch = 2,
  /** A height argument is out of range (not a positive safe integer). */
  InvalidHeight = 3,
  /** A retain height above the latest height. */
  InvalidRetainHeight = 4,
}

/** A block store error with a stable code. */
export function blockStoreError(code: BlockStoreErrorCode, message: string): CodedError {
  return new CodedError(BLOCKSTORE_CODESPACE, code, message);
}
