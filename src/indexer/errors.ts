/** The indexer's coded errors (codespace `indexer`). */
import { CodedError } from "../types/errors.js";

/** Codespace of indexer errors. */
export const INDEXER_CODESPACE = "indexer";

/** Stable indexer error codes. */
export enum IndexerErrorCode {
  /** The query does not parse. */
  InvalidQuery = 1,
  /** Bad arguments to an indexer call (height, mismatched result count). */
  InvalidRequest = 2,
}

/** An indexer error with a stable code. */
export function indexerError(code: IndexerErrorCode, message: string): CodedError {
  return new CodedError(INDEXER_CODESPACE, code, message);
}
