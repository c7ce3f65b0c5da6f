/** staking's codespace and codes (SDK `x/staking/types/errors.go`). */
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** staking codespace. */
export const STAKING = "staking";

/** staking error codes with the SDK's descriptions. */
export const StakingErr = {
  EmptyValidatorAddr: [2, "empty validator address"],
  NoValidatorFound: [3, "validator does not exist"],
  ValidatorOwnerExists: [
    4,
    "validator already exist for this operator address; must use new validator operator address",
  ],
  ValidatorPubKeyExists: [5, "validator already exist for this pubkey; must use new validator pubkey"],
  ValidatorPubKeyTypeNotSupported: [6, "validator pubkey type is not supported"],
  ValidatorJailed: [7, "validator for this address is currently jailed"],
  CommissionNegative: [9, "commission must be positive"],
  CommissionHuge: [10, "commission cannot be more than 100%"],
  CommissionGTMaxRate: [11, "commission cannot be more than the max rate"],
  CommissionUpdateTime: [12, "commission cannot be changed more than once in 24h"],
  CommissionChangeRateNegative: [13, "commission change rate must be positive"],
  CommissionChangeRateGTMaxRate: [14, "commission change rate cannot be more than the max rate"],
  CommissionGTMaxChangeRate: [15, "commission cannot be changed more than max change rate"],
  SelfDelegationBelowMinimum: [
    16,
    "validator's self delegation must be greater than their minimum self delegation",
  ],
  MinSelfDelegationDecreased: [17, "minimum self delegation cannot be decrease"],
  EmptyDelegatorAddr: [18, "empty delegator address"],
  NoDelegation: [19, "no delegation for (address, validator) tuple"],
  BadDelegatorAddr: [20, "delegator does not exist with address"],
  NoDelegatorForAddress: [21, "delegator does not contain delegation"],
  InsufficientShares: [22, "insufficient delegation shares"],
  DelegationValidatorEmpty: [23, "cannot delegate to an empty validator"],
  NotEnoughDelegationShares: [24, "not enough delegation shares"],
  NoUnbondingDelegation: [26, "no unbonding delegation found"],
  MaxUnbondingDelegationEntries: [
    27,
    "too many unbonding delegation entries for (delegator, validator) tuple",
  ],
  NoRedelegation: [28, "no redelegation found"],
  SelfRedelegation: [29, "cannot redelegate to the same validator"],
  TinyRedelegationAmount: [30, "too few tokens to redelegate (truncates to zero tokens)"],
  BadRedelegationDst: [31, "redelegation destination validator not found"],
  TransitiveRedelegation: [
    32,
    "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation",
  ],
  MaxRedelegationEntries: [
    33,
    "too many redelegation entries for (delegator, src-validator, dst-validator) tuple",
  ],
  DelegatorShareExRateInvalid: [34, "cannot delegate to validators with invalid (zero) ex-rate"],
  NoHistoricalInfo: [38, "no historical info found"],
  EmptyValidatorPubKey: [39, "empty validator public key"],
  CommissionLTMinRate: [40, "commission cannot be less than min rate"],
  InvalidSigner: [43, "expected authority account as only signer for proposal message"],
  BadRedelegationSrc: [44, "redelegation source validator not found"],
} as const satisfies Record<string, readonly [number, string]>;

/** A staking error: `detail: description` (or just the description). */
export function stakingError(e: readonly [number, string], detail?: string): CodedError {
  return new CodedError(STAKING, e[0], detail ? `${detail}: ${e[1]}` : e[1]);
}

/** `sdk` 7 for a malformed address field. */
export function invalidAddress(field: string, e: unknown): CodedError {
  const m = e instanceof Error ? e.message : String(e);
  return new CodedError(SDK, SdkCode.InvalidAddress, `invalid ${field} address: ${m}`);
}

/** `sdk` 18 invalid request. */
export function invalidRequest(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidRequest, `${msg}: invalid request`);
}

/** `sdk` 10 invalid coins. */
export function invalidCoins(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidCoins, `${msg}: invalid coins`);
}
