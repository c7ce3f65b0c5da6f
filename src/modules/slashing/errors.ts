/** slashing's codespace and codes (SDK `x/slashing/types/errors.go`). */
import { CodedError } from "../../types/errors.js";

/** slashing codespace. */
export const SLASHING = "slashing";

/** slashing error codes with the SDK's descriptions. */
export const SlashErr = {
  NoValidatorForAddress: [2, "address is not associated with any known validator"],
  BadValidatorAddr: [3, "validator does not exist for that address"],
  ValidatorJailed: [4, "validator still jailed; cannot be unjailed"],
  ValidatorNotJailed: [5, "validator not jailed; cannot be unjailed"],
  MissingSelfDelegation: [6, "validator has no self-delegation; cannot be unjailed"],
  SelfDelegationTooLowToUnjail: [7, "validator's self delegation less than minimum; cannot be unjailed"],
  NoSigningInfoFound: [8, "no validator signing info found"],
} as const satisfies Record<string, readonly [number, string]>;

/** A slashing error: `detail: description`. */
export function slashError(e: readonly [number, string], detail?: string): CodedError {
  return new CodedError(SLASHING, e[0], detail ? `${detail}: ${e[1]}` : e[1]);
}
