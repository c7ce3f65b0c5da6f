/** models' codespace and codes (stable: clients branch on them). */
import { CodedError } from "../../types/errors.js";

/** models codespace. */
export const MODELS = "models";

/** models error codes. */
export enum ModelsCode {
  /** Malformed model fields (name, base, kind, artifact, prices, config). */
  InvalidModel = 2,
  ModelNotFound = 3,
  /** The signer is not the owner / requester / trainer / operator the message needs. */
  Unauthorized = 4,
  /** A pinned datanet version does not exist or is not published. */
  DatanetVersionNotFound = 5,
  /** A pinned datanet's visibility does not let the owner use it. */
  DatanetNotUsable = 6,
  JobNotFound = 7,
  /** The job is not in the status the message needs. */
  InvalidJobStatus = 8,
  /** Bounty or bond below the minimum or in the wrong denom. */
  InsufficientAmount = 9,
  OperatorNotFound = 10,
  OperatorExists = 11,
  /** The operator is unbonding. */
  OperatorUnbonding = 12,
  /** Serving a retired model, more than the max models, or stopping one not served. */
  InvalidServe = 13,
  InvalidOperator = 14,
  InvalidParams = 15,
  InvalidGenesis = 16,
  /** A retired model cannot be changed back or repriced. */
  ModelRetired = 17,
}

/** A models-codespace error. */
export function modelsError(code: ModelsCode, msg: string): CodedError {
  return new CodedError(MODELS, code, msg);
}
