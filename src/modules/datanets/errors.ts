/** datanets' codespace and codes (stable: clients branch on them). */
import { CodedError } from "../../types/errors.js";

/** datanets codespace. */
export const DATANETS = "datanets";

/** datanets error codes. */
export enum DatanetsCode {
  /** Malformed datanet metadata or policy. */
  InvalidDatanet = 2,
  DatanetNotFound = 3,
  RowNotFound = 4,
  /** The signer is not the owner (or curator) the message needs. */
  Unauthorized = 5,
  /** The datanet is not in the status the message needs (e.g. publish of a published datanet). */
  InvalidDatanetStatus = 6,
  /** A row is larger than the max row bytes. */
  RowTooLarge = 7,
  /** A row's content is already in the datanet (or twice in the message). */
  DuplicateRow = 8,
  /** Empty, malformed or too many rows / row ids. */
  InvalidRows = 9,
  /** Contributing to a private datanet, or not on the allowlist. */
  NotAllowed = 10,
  /** The datanet is archived. */
  Archived = 11,
  /** A row is not in the status the message needs (e.g. withdrawing an accepted row). */
  InvalidRowStatus = 12,
  InvalidParams = 13,
  VersionNotFound = 14,
  /** Adding an existing curator, removing a missing one, or the owner as curator. */
  InvalidCurator = 15,
  InvalidGenesis = 16,
  /** The row is not part of the requested version. */
  RowNotInVersion = 17,
}

/** A datanets-codespace error. */
export function datanetsError(code: DatanetsCode, msg: string): CodedError {
  return new CodedError(DATANETS, code, msg);
}
