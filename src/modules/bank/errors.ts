/** bank's codespace and codes (SDK `x/bank/types/errors.go`), plus the root errors it returns. */
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** bank codespace. */
export const BANK = "bank";

/** bank error codes. */
export enum BankCode {
  NoInputs = 2,
  NoOutputs = 3,
  InputOutputMismatch = 4,
  SendDisabled = 5,
  DenomMetadataNotFound = 6,
  InvalidKey = 7,
  DuplicateEntry = 8,
  MultipleSenders = 9,
}

/** Codespace of gov errors used for authority checks. */
export const GOV = "gov";
/** gov `ErrInvalidSigner`. */
export const GOV_INVALID_SIGNER = 13;

/** A bank-codespace error; the message ends with the SDK's description. */
export function bankError(code: BankCode, msg: string): CodedError {
  return new CodedError(BANK, code, msg);
}

/** `sdk` 5 with the SDK's wording. */
export function insufficientFunds(spendable: string, need: string): CodedError {
  return new CodedError(
    SDK,
    SdkCode.InsufficientFunds,
    `spendable balance ${spendable} is smaller than ${need}: insufficient funds`,
  );
}

/** `sdk` 4: the address may not receive funds. */
export function blockedAddress(address: string): CodedError {
  return new CodedError(
    SDK,
    SdkCode.Unauthorized,
    `${address} is not allowed to receive funds: unauthorized`,
  );
}

/** `sdk` 7 for a malformed address field. */
export function invalidAddress(field: string, e: unknown): CodedError {
  const m = e instanceof Error ? e.message : String(e);
  return new CodedError(SDK, SdkCode.InvalidAddress, `invalid ${field} address: ${m}`);
}

/** gov `ErrInvalidSigner`: the authority is not the gov module account. */
export function invalidAuthority(expected: string, got: string): CodedError {
  return new CodedError(
    GOV,
    GOV_INVALID_SIGNER,
    `invalid authority; expected ${expected}, got ${got}: expected gov account as only signer for proposal message`,
  );
}
