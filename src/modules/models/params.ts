/** models' governed params: defaults and validation. */
import { isValidDenom } from "../../app/coins.js";
import { ModelsCode, modelsError } from "./errors.js";
import { big, type Params, Params as ParamsCodec } from "./proto.js";

/** Hard ceiling of max models per operator. */
export const MAX_MODELS_PER_OPERATOR_CEILING = 100_000n;
/** Hard ceiling of pinned datanet versions per model. */
export const MAX_PINNED_CEILING = 64n;

/** The default params, in `denom` (the chain's bond denom, `aopen`). */
export function defaultModelsParams(denom = "aopen"): Params {
  return ParamsCodec.create({
    registrationFee: { denom, amount: (10n ** 18n).toString() },
    minOperatorBond: { denom, amount: (100n * 10n ** 18n).toString() },
    unbondingBlocks: 100,
    maxModelsPerOperator: 1000,
    maxPinnedDatanets: 16,
    minBounty: { denom, amount: (10n ** 18n).toString() },
    claimTimeoutBlocks: 1000,
  });
}

/** The typed view of params the keeper computes with. */
export interface ModelsParamsView {
  registrationFee: { denom: string; amount: bigint };
  minOperatorBond: { denom: string; amount: bigint };
  unbondingBlocks: bigint;
  maxModelsPerOperator: bigint;
  maxPinnedDatanets: bigint;
  minBounty: { denom: string; amount: bigint };
  claimTimeoutBlocks: bigint;
}

function bad(msg: string): never {
  throw modelsError(ModelsCode.InvalidParams, `invalid params: ${msg}`);
}

function coin(field: string, c: { denom?: string | null; amount?: string | null } | null | undefined) {
  if (!c) bad(`${field} is required`);
  const denom = c.denom ?? "";
  if (!isValidDenom(denom)) bad(`${field} has an invalid denom ${JSON.stringify(denom)}`);
  const a = c.amount ?? "";
  if (!/^[0-9]{1,78}$/.test(a)) bad(`${field}.amount must be a non-negative integer`);
  return { denom, amount: BigInt(a) };
}

/** Validate params and return their typed view; throws `models` 15. */
export function validateModelsParams(p: Params): ModelsParamsView {
  const v: ModelsParamsView = {
    registrationFee: coin("registration_fee", p.registrationFee),
    minOperatorBond: coin("min_operator_bond", p.minOperatorBond),
    unbondingBlocks: big(p.unbondingBlocks),
    maxModelsPerOperator: big(p.maxModelsPerOperator),
    maxPinnedDatanets: BigInt(p.maxPinnedDatanets ?? 0),
    minBounty: coin("min_bounty", p.minBounty),
    claimTimeoutBlocks: big(p.claimTimeoutBlocks),
  };
  if (v.minOperatorBond.amount < 1n) bad("min_operator_bond must be positive");
  if (v.maxModelsPerOperator < 1n || v.maxModelsPerOperator > MAX_MODELS_PER_OPERATOR_CEILING)
    bad(`max_models_per_operator must be in [1, ${MAX_MODELS_PER_OPERATOR_CEILING}]`);
  if (v.maxPinnedDatanets < 1n || v.maxPinnedDatanets > MAX_PINNED_CEILING)
    bad(`max_pinned_datanets must be in [1, ${MAX_PINNED_CEILING}]`);
  if (v.unbondingBlocks > 10_000_000n) bad("unbonding_blocks must be at most 10,000,000");
  return v;
}
