/** distribution's `cosmos.distribution.v1beta1.Query` service (read-only), plus `openledger.distribution.v1.Query/RewardStream`. */
import {
  QueryCommunityPoolResponse,
  QueryDelegationRewardsRequest,
  QueryDelegationRewardsResponse,
  QueryDelegationTotalRewardsRequest,
  QueryDelegationTotalRewardsResponse,
  QueryDelegatorValidatorsRequest,
  QueryDelegatorValidatorsResponse,
  QueryDelegatorWithdrawAddressRequest,
  QueryDelegatorWithdrawAddressResponse,
  QueryParamsResponse,
  QueryValidatorCommissionRequest,
  QueryValidatorCommissionResponse,
  QueryValidatorDistributionInfoRequest,
  QueryValidatorDistributionInfoResponse,
  QueryValidatorOutstandingRewardsRequest,
  QueryValidatorOutstandingRewardsResponse,
  QueryValidatorSlashesRequest,
  QueryValidatorSlashesResponse,
} from "cosmjs-types/cosmos/distribution/v1beta1/query";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import type { DecCoin } from "../../app/coins.js";
import { EventManager } from "../../app/events.js";
import { decodeRequest, invalidArgument } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { createBranch } from "../../store/index.js";
import { addDec, toProtoDecCoins } from "../staking/dec.js";
import { pageArray } from "../staking/queryServer.js";
import { DistrErr, distrError } from "./errors.js";
import type { DistributionKeeper } from "./keeper.js";
import { REWARD_SOURCE } from "./keys.js";
import { QueryRewardStreamResponse } from "./rewardStream.js";

const SERVICE = "/cosmos.distribution.v1beta1.Query";

function acc(ctx: Context, s: string, what: string): Uint8Array {
  if (s === "") throw invalidArgument(`empty ${what} address`);
  try {
    return decodeAddress(s, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidArgument((e as Error).message);
  }
}

function val(ctx: Context, s: string): Uint8Array {
  if (s === "") throw invalidArgument("empty validator address");
  try {
    return decodeAddress(s, ctx.chain.valoperPrefix);
  } catch (e) {
    throw invalidArgument((e as Error).message);
  }
}

/** A scratch context whose writes are discarded (reward calculation increments periods). */
function scratch(ctx: Context): Context {
  return ctx.with(createBranch(ctx.store), ctx.gasMeter, new EventManager());
}

function pendingRewards(ctx: Context, keeper: DistributionKeeper, v: Uint8Array, d: Uint8Array): DecCoin[] {
  const c = scratch(ctx);
  const end = keeper.incrementValidatorPeriod(c, v);
  return keeper.calculateDelegationRewards(c, v, d, end);
}

/** Register every distribution query. */
export function registerDistrQueries(r: ModuleRegistrar, keeper: DistributionKeeper): void {
  const q = (name: string, h: (ctx: Context, data: Uint8Array) => Uint8Array) =>
    r.registerQuery(`${SERVICE}/${name}`, h);
  const mustVal = (ctx: Context, v: Uint8Array, s: string): void => {
    if (!keeper.staking.getValidator(ctx, v)) throw distrError(DistrErr.NoValidatorExists, s);
  };
  q("Params", (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish());
  q("ValidatorDistributionInfo", (ctx, data) => {
    const req = decodeRequest(QueryValidatorDistributionInfoRequest.decode, data);
    const v = val(ctx, req.validatorAddress);
    mustVal(ctx, v, req.validatorAddress);
    const self = keeper.staking.getDelegation(ctx, v, v);
    if (!self) throw distrError(DistrErr.NoDelegationExists);
    return QueryValidatorDistributionInfoResponse.encode({
      operatorAddress: bech32Of(ctx.chain.bech32Prefix, v),
      selfBondRewards: toProtoDecCoins(pendingRewards(ctx, keeper, v, v)),
      commission: toProtoDecCoins(keeper.getCommission(ctx, v)),
    }).finish();
  });
  q("ValidatorOutstandingRewards", (ctx, data) => {
    const req = decodeRequest(QueryValidatorOutstandingRewardsRequest.decode, data);
    const v = val(ctx, req.validatorAddress);
    mustVal(ctx, v, req.validatorAddress);
    return QueryValidatorOutstandingRewardsResponse.encode({
      rewards: { rewards: toProtoDecCoins(keeper.getOutstanding(ctx, v)) },
    }).finish();
  });
  q("ValidatorCommission", (ctx, data) => {
    const req = decodeRequest(QueryValidatorCommissionRequest.decode, data);
    const v = val(ctx, req.validatorAddress);
    mustVal(ctx, v, req.validatorAddress);
    return QueryValidatorCommissionResponse.encode({
      commission: { commission: toProtoDecCoins(keeper.getCommission(ctx, v)) },
    }).finish();
  });
  q("ValidatorSlashes", (ctx, data) => {
    const req = decodeRequest(QueryValidatorSlashesRequest.decode, data);
    if (req.endingHeight < req.startingHeight)
      throw invalidArgument("starting height greater than ending height");
    const v = val(ctx, req.validatorAddress);
    const evs = keeper.slashEvents(ctx, v, req.startingHeight, req.endingHeight).map((e) => e.event);
    const p = pageArray(evs, req.pagination);
    return QueryValidatorSlashesResponse.encode({ slashes: p.items, pagination: p.pagination }).finish();
  });
  q("DelegationRewards", (ctx, data) => {
    const req = decodeRequest(QueryDelegationRewardsRequest.decode, data);
    const d = acc(ctx, req.delegatorAddress, "delegator");
    const v = val(ctx, req.validatorAddress);
    mustVal(ctx, v, req.validatorAddress);
    if (!keeper.staking.getDelegation(ctx, d, v)) throw distrError(DistrErr.NoDelegationExists);
    return QueryDelegationRewardsResponse.encode({
      rewards: toProtoDecCoins(pendingRewards(ctx, keeper, v, d)),
    }).finish();
  });
  q("DelegationTotalRewards", (ctx, data) => {
    const req = decodeRequest(QueryDelegationTotalRewardsRequest.decode, data);
    const d = acc(ctx, req.delegatorAddress, "delegator");
    let total: DecCoin[] = [];
    const rewards = keeper.staking.delegatorDelegations(ctx, d).map((del) => {
      const v = decodeAddress(del.validatorAddress, ctx.chain.valoperPrefix);
      const r = pendingRewards(ctx, keeper, v, d);
      total = addDec(total, r);
      return { validatorAddress: del.validatorAddress, reward: toProtoDecCoins(r) };
    });
    return QueryDelegationTotalRewardsResponse.encode({ rewards, total: toProtoDecCoins(total) }).finish();
  });
  q("DelegatorValidators", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorValidatorsRequest.decode, data);
    const d = acc(ctx, req.delegatorAddress, "delegator");
    return QueryDelegatorValidatorsResponse.encode({
      validators: keeper.staking.delegatorDelegations(ctx, d).map((x) => x.validatorAddress),
    }).finish();
  });
  q("DelegatorWithdrawAddress", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorWithdrawAddressRequest.decode, data);
    const d = acc(ctx, req.delegatorAddress, "delegator");
    return QueryDelegatorWithdrawAddressResponse.encode({
      withdrawAddress: bech32Of(ctx.chain.bech32Prefix, keeper.getWithdrawAddr(ctx, d)),
    }).finish();
  });
  q("CommunityPool", (ctx) =>
    QueryCommunityPoolResponse.encode({ pool: toProtoDecCoins(keeper.getCommunityPool(ctx)) }).finish(),
  );
  r.registerQuery("/openledger.distribution.v1.Query/RewardStream", (ctx) => {
    const denom = keeper.staking.bondDenom(ctx);
    return QueryRewardStreamResponse.encode({
      amountPerBlock: keeper.getRewardPerBlock(ctx).toString(),
      source: REWARD_SOURCE,
      sourceBalance: keeper.bank.getBalance(ctx, moduleAddressOf(REWARD_SOURCE), denom).toString(),
    });
  });
}
