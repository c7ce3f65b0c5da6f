/** distribution params (SDK defaults) and the OpenLedger reward-stream extension. */
import { Params } from "cosmjs-types/cosmos/distribution/v1beta1/distribution";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { ONE } from "../staking/dec.js";

/** Default reward stream: 1 OPEN per block from `community_rewards` (governed; see README). */
export const DEFAULT_REWARD_PER_BLOCK = 10n ** 18n;

/** SDK defaults: 2% community tax, withdraw addresses enabled. */
export function defaultDistrParams(): Params {
  return {
    communityTax: (ONE / 50n).toString(),
    baseProposerReward: "0",
    bonusProposerReward: "0",
    withdrawAddrEnabled: true,
  };
}

/** Throw `sdk` 18 on invalid params. */
export function validateDistrParams(p: Params): void {
  for (const [name, v] of [
    ["community tax", p.communityTax],
    ["base proposer reward", p.baseProposerReward || "0"],
    ["bonus proposer reward", p.bonusProposerReward || "0"],
  ] as const) {
    if (!/^[0-9]{1,19}$/.test(v) || BigInt(v) > ONE)
      throw new CodedError(SDK, SdkCode.InvalidRequest, `${name} must be between 0 and 1: invalid request`);
  }
}

export { Params };
