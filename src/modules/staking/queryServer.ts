/** staking's `cosmos.staking.v1beta1.Query` service (read-only), with SDK error strings. */
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  QueryDelegationRequest,
  QueryDelegationResponse,
  QueryDelegatorDelegationsRequest,
  QueryDelegatorDelegationsResponse,
  QueryDelegatorUnbondingDelegationsRequest,
  QueryDelegatorUnbondingDelegationsResponse,
  QueryDelegatorValidatorRequest,
  QueryDelegatorValidatorResponse,
  QueryDelegatorValidatorsRequest,
  QueryDelegatorValidatorsResponse,
  QueryHistoricalInfoRequest,
  QueryHistoricalInfoResponse,
  QueryParamsResponse,
  QueryPoolResponse,
  QueryRedelegationsRequest,
  QueryRedelegationsResponse,
  QueryUnbondingDelegationRequest,
  QueryUnbondingDelegationResponse,
  QueryValidatorDelegationsRequest,
  QueryValidatorDelegationsResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
  QueryValidatorUnbondingDelegationsRequest,
  QueryValidatorUnbondingDelegationsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/query";
import {
  BondStatus,
  bondStatusFromJSON,
  type Delegation,
  type DelegationResponse,
  type Redelegation,
  type RedelegationResponse,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { moduleAddressOf } from "../../app/addressCache.js";
import { decodeRequest, invalidArgument, notFound } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { readUint64BE, uint64BE } from "../../types/bytes.js";
import { decTruncate } from "./dec.js";
import { type StakingKeeper, tokensFromShares } from "./keeper.js";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keys.js";

const SERVICE = "/cosmos.staking.v1beta1.Query";

/** Page an in-memory list with SDK semantics (`next_key` is the 8-byte index of the next item). */
export function pageArray<T>(
  items: readonly T[],
  page: PageRequest | undefined,
): { items: T[]; pagination: PageResponse } {
  const limitReq = page?.limit ?? 0n;
  const limit = Number(limitReq === 0n ? 100n : limitReq > 10_000n ? 10_000n : limitReq);
  const key = page?.key && page.key.length > 0 ? page.key : undefined;
  if (key && (page?.offset ?? 0n) > 0n)
    throw invalidArgument("paginate: invalid request, either offset or key is expected, got both");
  let start = key
    ? key.length === 8
      ? Number(readUint64BE(key))
      : items.length
    : Number(page?.offset ?? 0n);
  if (start > items.length) start = items.length;
  const list = page?.reverse ? [...items].reverse() : items;
  const out = list.slice(start, start + limit);
  const next = start + limit < list.length ? uint64BE(start + limit) : new Uint8Array();
  const total = page?.countTotal && !key ? BigInt(items.length) : 0n;
  return { items: out, pagination: { nextKey: next, total } };
}

function parseAcc(ctx: Context, s: string, what = "delegator"): Uint8Array {
  if (s === "") throw invalidArgument(`${what} address cannot be empty`);
  try {
    return decodeAddress(s, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidArgument((e as Error).message);
  }
}

function parseVal(ctx: Context, s: string, what = "validator"): Uint8Array {
  if (s === "") throw invalidArgument(`${what} address cannot be empty`);
  try {
    return decodeAddress(s, ctx.chain.valoperPrefix);
  } catch (e) {
    throw invalidArgument((e as Error).message);
  }
}

/** Delegation with its token balance. */
export function delegationResponse(ctx: Context, keeper: StakingKeeper, d: Delegation): DelegationResponse {
  const v = keeper.getValidator(ctx, decodeAddress(d.validatorAddress, ctx.chain.valoperPrefix));
  const amount = v ? decTruncate(tokensFromShares(v, BigInt(d.shares))) : 0n;
  return { delegation: d, balance: { denom: keeper.bondDenom(ctx), amount: amount.toString() } };
}

function redelegationResponse(ctx: Context, keeper: StakingKeeper, r: Redelegation): RedelegationResponse {
  const dst = keeper.getValidator(ctx, decodeAddress(r.validatorDstAddress, ctx.chain.valoperPrefix));
  return {
    redelegation: r,
    entries: r.entries.map((e) => ({
      redelegationEntry: e,
      balance: (dst ? decTruncate(tokensFromShares(dst, BigInt(e.sharesDst))) : 0n).toString(),
    })),
  };
}

/** Register every staking query. */
export function registerStakingQueries(r: ModuleRegistrar, keeper: StakingKeeper): void {
  const q = (name: string, h: (ctx: Context, data: Uint8Array) => Uint8Array) =>
    r.registerQuery(`${SERVICE}/${name}`, h);
  const mustVal = (ctx: Context, val: Uint8Array, s: string): Validator => {
    const v = keeper.getValidator(ctx, val);
    if (!v) throw notFound(`validator ${s} not found`);
    return v;
  };

  q("Validators", (ctx, data) => {
    const req = decodeRequest(QueryValidatorsRequest.decode, data);
    let status: BondStatus | undefined;
    if (req.status !== "") {
      status = bondStatusFromJSON(req.status);
      if (status === BondStatus.UNRECOGNIZED || status === BondStatus.BOND_STATUS_UNSPECIFIED)
        throw invalidArgument(`invalid validator status ${req.status}`);
    }
    const all = keeper.allValidators(ctx).filter((v) => status === undefined || v.status === status);
    const p = pageArray(all, req.pagination);
    return QueryValidatorsResponse.encode({ validators: p.items, pagination: p.pagination }).finish();
  });
  q("Validator", (ctx, data) => {
    const req = decodeRequest(QueryValidatorRequest.decode, data);
    const v = mustVal(ctx, parseVal(ctx, req.validatorAddr), req.validatorAddr);
    return QueryValidatorResponse.encode({ validator: v }).finish();
  });
  q("ValidatorDelegations", (ctx, data) => {
    const req = decodeRequest(QueryValidatorDelegationsRequest.decode, data);
    const val = parseVal(ctx, req.validatorAddr);
    const ds = keeper
      .validatorDelegators(ctx, val)
      .map((del) => keeper.getDelegation(ctx, del, val))
      .filter((d): d is Delegation => d !== undefined);
    const p = pageArray(ds, req.pagination);
    return QueryValidatorDelegationsResponse.encode({
      delegationResponses: p.items.map((d) => delegationResponse(ctx, keeper, d)),
      pagination: p.pagination,
    }).finish();
  });
  q("ValidatorUnbondingDelegations", (ctx, data) => {
    const req = decodeRequest(QueryValidatorUnbondingDelegationsRequest.decode, data);
    const p = pageArray(keeper.validatorUBDs(ctx, parseVal(ctx, req.validatorAddr)), req.pagination);
    return QueryValidatorUnbondingDelegationsResponse.encode({
      unbondingResponses: p.items,
      pagination: p.pagination,
    }).finish();
  });
  q("Delegation", (ctx, data) => {
    const req = decodeRequest(QueryDelegationRequest.decode, data);
    const del = parseAcc(ctx, req.delegatorAddr);
    const val = parseVal(ctx, req.validatorAddr);
    const d = keeper.getDelegation(ctx, del, val);
    if (!d)
      throw notFound(
        `delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`,
      );
    return QueryDelegationResponse.encode({
      delegationResponse: delegationResponse(ctx, keeper, d),
    }).finish();
  });
  q("UnbondingDelegation", (ctx, data) => {
    const req = decodeRequest(QueryUnbondingDelegationRequest.decode, data);
    const u = keeper.getUBD(ctx, parseAcc(ctx, req.delegatorAddr), parseVal(ctx, req.validatorAddr));
    if (!u)
      throw notFound(
        `unbonding delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`,
      );
    return QueryUnbondingDelegationResponse.encode({ unbond: u }).finish();
  });
  q("DelegatorDelegations", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorDelegationsRequest.decode, data);
    const p = pageArray(keeper.delegatorDelegations(ctx, parseAcc(ctx, req.delegatorAddr)), req.pagination);
    return QueryDelegatorDelegationsResponse.encode({
      delegationResponses: p.items.map((d) => delegationResponse(ctx, keeper, d)),
      pagination: p.pagination,
    }).finish();
  });
  q("DelegatorUnbondingDelegations", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorUnbondingDelegationsRequest.decode, data);
    const p = pageArray(keeper.delegatorUBDs(ctx, parseAcc(ctx, req.delegatorAddr)), req.pagination);
    return QueryDelegatorUnbondingDelegationsResponse.encode({
      unbondingResponses: p.items,
      pagination: p.pagination,
    }).finish();
  });
  q("Redelegations", (ctx, data) => {
    const req = decodeRequest(QueryRedelegationsRequest.decode, data);
    let list: Redelegation[];
    if (req.delegatorAddr !== "" && req.srcValidatorAddr !== "" && req.dstValidatorAddr !== "") {
      const r = keeper.getRedelegation(
        ctx,
        parseAcc(ctx, req.delegatorAddr),
        parseVal(ctx, req.srcValidatorAddr),
        parseVal(ctx, req.dstValidatorAddr),
      );
      if (!r)
        throw notFound(
          `redelegation not found for delegator address ${req.delegatorAddr} from validator address ${req.srcValidatorAddr}`,
        );
      list = [r];
    } else if (req.delegatorAddr !== "") {
      const del = parseAcc(ctx, req.delegatorAddr);
      list = keeper
        .delegatorRedelegations(ctx, del)
        .filter((r) => req.srcValidatorAddr === "" || r.validatorSrcAddress === req.srcValidatorAddr);
    } else if (req.srcValidatorAddr !== "") {
      list = keeper.redelegationsFromSrc(ctx, parseVal(ctx, req.srcValidatorAddr));
    } else {
      throw invalidArgument("delegator address or source validator address cannot be empty");
    }
    const p = pageArray(list, req.pagination);
    return QueryRedelegationsResponse.encode({
      redelegationResponses: p.items.map((r) => redelegationResponse(ctx, keeper, r)),
      pagination: p.pagination,
    }).finish();
  });
  q("DelegatorValidators", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorValidatorsRequest.decode, data);
    const vals = keeper
      .delegatorDelegations(ctx, parseAcc(ctx, req.delegatorAddr))
      .map((d) => keeper.getValidator(ctx, decodeAddress(d.validatorAddress, ctx.chain.valoperPrefix)))
      .filter((v): v is Validator => v !== undefined);
    const p = pageArray(vals, req.pagination);
    return QueryDelegatorValidatorsResponse.encode({
      validators: p.items,
      pagination: p.pagination,
    }).finish();
  });
  q("DelegatorValidator", (ctx, data) => {
    const req = decodeRequest(QueryDelegatorValidatorRequest.decode, data);
    const del = parseAcc(ctx, req.delegatorAddr);
    const val = parseVal(ctx, req.validatorAddr);
    if (!keeper.getDelegation(ctx, del, val))
      throw notFound(
        `delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`,
      );
    return QueryDelegatorValidatorResponse.encode({
      validator: mustVal(ctx, val, req.validatorAddr),
    }).finish();
  });
  q("HistoricalInfo", (ctx, data) => {
    const req = decodeRequest(QueryHistoricalInfoRequest.decode, data);
    if (req.height < 0n) throw invalidArgument("height cannot be negative");
    const h = keeper.getHistoricalInfo(ctx, req.height);
    if (!h) throw notFound(`historical info for height ${req.height} not found`);
    return QueryHistoricalInfoResponse.encode({ hist: h }).finish();
  });
  q("Pool", (ctx) => {
    const denom = keeper.bondDenom(ctx);
    return QueryPoolResponse.encode({
      pool: {
        notBondedTokens: keeper.bank.getBalance(ctx, moduleAddressOf(NOT_BONDED_POOL), denom).toString(),
        bondedTokens: keeper.bank.getBalance(ctx, moduleAddressOf(BONDED_POOL), denom).toString(),
      },
    }).finish();
  });
  q("Params", (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish());
}
