/** attribution's codespace and codes (stable: clients branch on them). */
import { CodedError } from "../../types/errors.js";

/** attribution codespace. */
export const ATTRIBUTION = "attribution";

/** attribution error codes. */
export enum AttributionCode {
  /** Malformed request, amount, address or output. */
  InvalidRequest = 2,
  /** The request signature does not verify (or the pubkey does not match the requester). */
  InvalidSignature = 3,
  /** No pubkey in the message and none on chain for the requester. */
  MissingPubKey = 4,
  /** The requester already used this nonce. */
  NonceUsed = 5,
  /** The request's expiry height has passed. */
  RequestExpired = 6,
  /** The request is for another chain. */
  WrongChain = 7,
  ModelNotFound = 8,
  /** The operator does not serve the model (or the model is not active). */
  NotServing = 9,
  /** The computed fee is above the request's max fee. */
  FeeAboveMax = 10,
  /** The requester's credit with the operator does not cover the fee. */
  InsufficientCredit = 11,
  /** A pinned datanet version is not published. */
  VersionNotPublished = 12,
  /** The output is longer than params.max_output_bytes. */
  OutputTooLarge = 13,
  /** Nothing to claim. */
  NothingToClaim = 14,
  InvalidParams = 15,
  InvalidGenesis = 16,
  InferenceNotFound = 17,
  /** The segment index of a datanet version could not be built. */
  IndexUnavailable = 18,
}

/** An attribution-codespace error. */
export function attributionError(code: AttributionCode, msg: string): CodedError {
  return new CodedError(ATTRIBUTION, code, msg);
}
