/** bank params (SDK defaults). */
import { Params } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { isValidDenom } from "../../app/coins.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** SDK default bank params: sending enabled by default, no per-denom entries in params. */
export function defaultBankParams(): Params {
  return { sendEnabled: [], defaultSendEnabled: true };
}

/** Validate params; throws `sdk` 18. The deprecated `send_enabled` list must be empty (as SDK 0.50 requires). */
export function validateBankParams(p: Params): void {
  if (p.sendEnabled.length > 0) {
    throw new CodedError(SDK, SdkCode.InvalidRequest, "use of send_enabled in params is no longer supported");
  }
}

/** Validate a send-enabled entry's denom; throws `sdk` 10. */
export function validateSendEnabledDenom(denom: string): void {
  if (!isValidDenom(denom)) throw new CodedError(SDK, SdkCode.InvalidCoins, `invalid denom: ${denom}`);
}

export { Params as BankParams };
