/** distribution's codespace and codes (SDK `x/distribution/types/errors.go`). */
import { CodedError } from "../../types/errors.js";

/** distribution codespace. */
export const DISTRIBUTION = "distribution";

/** distribution error codes with the SDK's descriptions. */
export const DistrErr = {
  EmptyDelegatorAddr: [2, "delegator address is empty"],
  EmptyWithdrawAddr: [3, "withdraw address is empty"],
  EmptyValidatorAddr: [4, "validator address is empty"],
  EmptyDelegationDistInfo: [5, "no delegation distribution info"],
  NoValidatorDistInfo: [6, "no validator distribution info"],
  NoValidatorCommission: [7, "no validator commission to withdraw"],
  SetWithdrawAddrDisabled: [8, "set withdraw address disabled"],
  BadDistribution: [9, "community pool does not have sufficient coins to distribute"],
  InvalidProposalAmount: [10, "invalid community pool spend proposal amount"],
  EmptyProposalRecipient: [11, "invalid community pool spend proposal recipient"],
  NoValidatorExists: [12, "validator does not exist"],
  NoDelegationExists: [13, "delegation does not exist"],
} as const satisfies Record<string, readonly [number, string]>;

/** A distribution error: `detail: description`. */
export function distrError(e: readonly [number, string], detail?: string): CodedError {
  return new CodedError(DISTRIBUTION, e[0], detail ? `${detail}: ${e[1]}` : e[1]);
}
