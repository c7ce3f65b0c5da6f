/** staking's `cosmos.staking.v1beta1.Msg` service: stateless checks, then the keeper; SDK events. */

import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { BondStatus, type Description, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  MsgBeginRedelegate,
  MsgBeginRedelegateResponse,
  MsgCancelUnbondingDelegation,
  MsgCancelUnbondingDelegationResponse,
  MsgCreateValidator,
  MsgCreateValidatorResponse,
  MsgDelegate,
  MsgDelegateResponse,
  MsgEditValidator,
  MsgEditValidatorResponse,
  MsgUndelegate,
  MsgUndelegateResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import type { ChainConfig, Context, MsgDef } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { ed25519Address } from "../../crypto/ed25519.js";
import {
  cancelUnbondingAmino,
  createValidatorAmino,
  delegateAmino,
  editValidatorAmino,
  redelegateAmino,
  undelegateAmino,
} from "./amino.js";
import { formatDecString, ONE } from "./dec.js";
import { invalidAddress, invalidRequest, StakingErr, stakingError } from "./errors.js";
import {
  cancelUnbondEvent,
  createValidatorEvent,
  delegateEvent,
  editValidatorEvent,
  redelegateEvent,
  unbondEvent,
} from "./events.js";
import { ED25519_PUBKEY_TYPE, type StakingKeeper, tokensOf } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { validateStakingParams } from "./params.js";

const EMPTY = new Uint8Array();
/** Name of the gov module, whose account is every params authority. */
export const GOV_MODULE = "gov";
/** Keep a description field unchanged in MsgEditValidator. */
export const DO_NOT_MODIFY = "[do-not-modify]";
const DAY_SECONDS = 86_400n;

/** Decode an account address field. */
export function accAddr(field: string, s: string, chain: ChainConfig): Uint8Array {
  try {
    return decodeAddress(s, chain.bech32Prefix);
  } catch (e) {
    throw invalidAddress(field, e);
  }
}

/** Decode a validator operator address field. */
export function valAddr(s: string, chain: ChainConfig): Uint8Array {
  if (s === "") throw stakingError(StakingErr.EmptyValidatorAddr);
  try {
    return decodeAddress(s, chain.valoperPrefix);
  } catch (e) {
    throw invalidAddress("validator", e);
  }
}

/** A positive amount of the bond denom (or `sdk` 18 with the SDK's wording). */
export function bondAmount(ctx: Context, c: Coin | undefined, what: string, keeper: StakingKeeper): bigint {
  if (!c || !/^[0-9]{1,78}$/.test(c.amount) || BigInt(c.amount) <= 0n)
    throw invalidRequest(`invalid ${what} amount`);
  const denom = keeper.bondDenom(ctx);
  if (c.denom !== denom) throw invalidRequest(`invalid coin denomination: got ${c.denom}, expected ${denom}`);
  return BigInt(c.amount);
}

function wireDec(s: string, what: string): bigint {
  if (!/^[0-9]{1,40}$/.test(s)) throw invalidRequest(`invalid ${what}`);
  return BigInt(s);
}

function checkDescription(d: Description): void {
  const limits: [string, string, number][] = [
    ["moniker", d.moniker, 70],
    ["identity", d.identity, 3000],
    ["website", d.website, 140],
    ["security contact", d.securityContact, 140],
    ["details", d.details, 280],
  ];
  for (const [name, v, max] of limits) {
    if (v !== DO_NOT_MODIFY && v.length > max)
      throw invalidRequest(`invalid ${name} length; got: ${v.length}, max: ${max}`);
  }
}

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
  if (authority !== gov)
    throw stakingError(StakingErr.InvalidSigner, `invalid authority; expected ${gov}, got ${authority}`);
}

/** The staking message definitions, bound to a keeper. */
export function stakingMsgDefs(keeper: StakingKeeper): MsgDef<unknown>[] {
  const createValidator: MsgDef<MsgCreateValidator> = {
    typeUrl: MsgCreateValidator.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgCreateValidator.decode(b),
    encode: (m) => MsgCreateValidator.encode(m).finish(),
    signers: (m, chain) => [valAddr(m.validatorAddress, chain)],
    amino: createValidatorAmino,
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      if (!m.pubkey) throw stakingError(StakingErr.EmptyValidatorPubKey);
      const d = m.description;
      if (
        !d ||
        (d.moniker === "" &&
          d.identity === "" &&
          d.website === "" &&
          d.securityContact === "" &&
          d.details === "")
      )
        throw invalidRequest("empty description");
      checkDescription(d);
      const c = m.commission;
      if (!c) throw invalidRequest("empty commission");
      const rate = wireDec(c.rate, "commission rate");
      const maxRate = wireDec(c.maxRate, "commission max rate");
      const maxChange = wireDec(c.maxChangeRate, "commission max change rate");
      if (maxRate > ONE) throw stakingError(StakingErr.CommissionHuge);
      if (rate > maxRate) throw stakingError(StakingErr.CommissionGTMaxRate);
      if (maxChange > maxRate) throw stakingError(StakingErr.CommissionChangeRateGTMaxRate);
      if (!/^[0-9]{1,78}$/.test(m.minSelfDelegation) || BigInt(m.minSelfDelegation) <= 0n)
        throw invalidRequest("minimum self delegation must be a positive integer");
      const amount = bondAmount(ctx, m.value, "delegation", keeper);
      if (amount < BigInt(m.minSelfDelegation)) throw stakingError(StakingErr.SelfDelegationBelowMinimum);
      const params = keeper.getParams(ctx);
      if (rate < BigInt(params.minCommissionRate || "0"))
        throw stakingError(
          StakingErr.CommissionLTMinRate,
          `cannot set validator commission to less than minimum rate of ${formatDecString(BigInt(params.minCommissionRate))}`,
        );
      if (keeper.getValidator(ctx, val)) throw stakingError(StakingErr.ValidatorOwnerExists);
      if (m.pubkey.typeUrl !== ED25519_PUBKEY_TYPE)
        throw stakingError(
          StakingErr.ValidatorPubKeyTypeNotSupported,
          `got: ${m.pubkey.typeUrl.slice(0, 100)}, expected: [ed25519]`,
        );
      let pk: Uint8Array;
      try {
        pk = Ed25519PubKey.decode(m.pubkey.value).key;
      } catch {
        pk = EMPTY;
      }
      if (pk.length !== 32) throw invalidRequest("invalid ed25519 consensus public key");
      const v: Validator = {
        operatorAddress: bech32Of(ctx.chain.valoperPrefix, val),
        consensusPubkey: { typeUrl: ED25519_PUBKEY_TYPE, value: Ed25519PubKey.encode({ key: pk }).finish() },
        jailed: false,
        status: BondStatus.BOND_STATUS_UNBONDED,
        tokens: "0",
        delegatorShares: "0",
        description: { ...d },
        unbondingHeight: 0n,
        unbondingTime: { seconds: 0n, nanos: 0 },
        commission: {
          commissionRates: {
            rate: rate.toString(),
            maxRate: maxRate.toString(),
            maxChangeRate: maxChange.toString(),
          },
          updateTime: ctx.header.time,
        },
        minSelfDelegation: m.minSelfDelegation,
        unbondingOnHoldRefCount: 0n,
        unbondingIds: [],
      };
      if (keeper.getValidatorByConsAddr(ctx, ed25519Address(pk)))
        throw stakingError(StakingErr.ValidatorPubKeyExists);
      keeper.setValidator(ctx, v);
      keeper.setValidatorByConsAddr(ctx, v);
      keeper.afterValidatorCreated(ctx, val);
      keeper.delegate(ctx, val, amount, BondStatus.BOND_STATUS_UNBONDED, v, true);
      ctx.events.emit(createValidatorEvent(v.operatorAddress, `${amount}${params.bondDenom}`));
      return { typeUrl: MsgCreateValidatorResponse.typeUrl, value: EMPTY };
    },
  };
  const editValidator: MsgDef<MsgEditValidator> = {
    typeUrl: MsgEditValidator.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgEditValidator.decode(b),
    encode: (m) => MsgEditValidator.encode(m).finish(),
    signers: (m, chain) => [valAddr(m.validatorAddress, chain)],
    amino: editValidatorAmino,
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      const d = m.description;
      if (
        !d ||
        (d.moniker === "" &&
          d.identity === "" &&
          d.website === "" &&
          d.securityContact === "" &&
          d.details === "")
      )
        throw invalidRequest("empty description");
      checkDescription(d);
      const newRate = m.commissionRate ? wireDec(m.commissionRate, "commission rate") : undefined;
      if (newRate !== undefined && newRate > ONE)
        throw invalidRequest("commission rate must be between 0 and 1 (inclusive)");
      const newMin = m.minSelfDelegation ? m.minSelfDelegation : undefined;
      if (newMin !== undefined && (!/^[0-9]{1,78}$/.test(newMin) || BigInt(newMin) <= 0n))
        throw invalidRequest("minimum self delegation must be a positive integer");
      const v = keeper.getValidator(ctx, val);
      if (!v) throw stakingError(StakingErr.NoValidatorFound);
      const keep = (n: string, o: string) => (n === DO_NOT_MODIFY ? o : n);
      v.description = {
        moniker: keep(d.moniker, v.description.moniker),
        identity: keep(d.identity, v.description.identity),
        website: keep(d.website, v.description.website),
        securityContact: keep(d.securityContact, v.description.securityContact),
        details: keep(d.details, v.description.details),
      };
      if (newRate !== undefined) {
        const cr = v.commission.commissionRates;
        if (ctx.header.time.seconds - v.commission.updateTime.seconds < DAY_SECONDS)
          throw stakingError(StakingErr.CommissionUpdateTime);
        const cur = BigInt(cr.rate);
        if (newRate > BigInt(cr.maxRate)) throw stakingError(StakingErr.CommissionGTMaxRate);
        const diff = newRate > cur ? newRate - cur : 0n;
        if (diff > BigInt(cr.maxChangeRate)) throw stakingError(StakingErr.CommissionGTMaxChangeRate);
        if (newRate < BigInt(keeper.getParams(ctx).minCommissionRate || "0"))
          throw stakingError(StakingErr.CommissionLTMinRate);
        cr.rate = newRate.toString();
        v.commission.updateTime = ctx.header.time;
      }
      if (newMin !== undefined) {
        if (BigInt(newMin) < BigInt(v.minSelfDelegation))
          throw stakingError(StakingErr.MinSelfDelegationDecreased);
        if (BigInt(newMin) > tokensOf(v)) throw stakingError(StakingErr.SelfDelegationBelowMinimum);
        v.minSelfDelegation = newMin;
      }
      keeper.setValidator(ctx, v);
      ctx.events.emit(
        editValidatorEvent(formatDecString(BigInt(v.commission.commissionRates.rate)), v.minSelfDelegation),
      );
      return { typeUrl: MsgEditValidatorResponse.typeUrl, value: EMPTY };
    },
  };
  const delegate: MsgDef<MsgDelegate> = {
    typeUrl: MsgDelegate.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgDelegate.decode(b),
    encode: (m) => MsgDelegate.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: delegateAmino,
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const amount = bondAmount(ctx, m.amount, "delegation", keeper);
      const v = keeper.getValidator(ctx, val);
      if (!v) throw stakingError(StakingErr.NoValidatorFound);
      const shares = keeper.delegate(ctx, del, amount, BondStatus.BOND_STATUS_UNBONDED, v, true);
      ctx.events.emit(
        delegateEvent(
          m.validatorAddress,
          m.delegatorAddress,
          `${amount}${m.amount!.denom}`,
          formatDecString(shares),
        ),
      );
      return { typeUrl: MsgDelegateResponse.typeUrl, value: EMPTY };
    },
  };
  const undelegate: MsgDef<MsgUndelegate> = {
    typeUrl: MsgUndelegate.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUndelegate.decode(b),
    encode: (m) => MsgUndelegate.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: undelegateAmino,
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const amount = bondAmount(ctx, m.amount, "shares", keeper);
      const shares = keeper.validateUnbondAmount(ctx, del, val, amount);
      const r = keeper.undelegate(ctx, del, val, shares);
      const coin = { denom: m.amount!.denom, amount: r.amount.toString() };
      ctx.events.emit(
        unbondEvent(m.validatorAddress, m.delegatorAddress, `${r.amount}${coin.denom}`, r.completion),
      );
      return {
        typeUrl: MsgUndelegateResponse.typeUrl,
        value: MsgUndelegateResponse.encode({ completionTime: r.completion, amount: coin }).finish(),
      };
    },
  };
  const redelegate: MsgDef<MsgBeginRedelegate> = {
    typeUrl: MsgBeginRedelegate.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgBeginRedelegate.decode(b),
    encode: (m) => MsgBeginRedelegate.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: redelegateAmino,
    handle(ctx, m) {
      const src = valAddr(m.validatorSrcAddress, ctx.chain);
      const dst = valAddr(m.validatorDstAddress, ctx.chain);
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const amount = bondAmount(ctx, m.amount, "shares", keeper);
      const shares = keeper.validateUnbondAmount(ctx, del, src, amount);
      const r = keeper.beginRedelegation(ctx, del, src, dst, shares);
      ctx.events.emit(
        redelegateEvent(
          m.validatorSrcAddress,
          m.validatorDstAddress,
          `${amount}${m.amount!.denom}`,
          r.completion,
        ),
      );
      return {
        typeUrl: MsgBeginRedelegateResponse.typeUrl,
        value: MsgBeginRedelegateResponse.encode({ completionTime: r.completion }).finish(),
      };
    },
  };
  const cancel: MsgDef<MsgCancelUnbondingDelegation> = {
    typeUrl: MsgCancelUnbondingDelegation.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgCancelUnbondingDelegation.decode(b),
    encode: (m) => MsgCancelUnbondingDelegation.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: cancelUnbondingAmino,
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const amount = bondAmount(ctx, m.amount, "amount", keeper);
      if (m.creationHeight <= 0n) throw invalidRequest("invalid height");
      keeper.cancelUnbonding(ctx, del, val, m.creationHeight, amount);
      ctx.events.emit(
        cancelUnbondEvent(
          `${amount}${m.amount!.denom}`,
          m.validatorAddress,
          m.delegatorAddress,
          m.creationHeight,
        ),
      );
      return { typeUrl: MsgCancelUnbondingDelegationResponse.typeUrl, value: EMPTY };
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: MsgUpdateParams.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUpdateParams.decode(b),
    encode: (m) => MsgUpdateParams.encode(m).finish(),
    signers: (m, chain) => [accAddr("authority", m.authority, chain)],
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      validateStakingParams(m.params);
      keeper.setParams(ctx, m.params);
      return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: EMPTY };
    },
  };
  return [
    createValidator,
    editValidator,
    delegate,
    undelegate,
    redelegate,
    cancel,
    updateParams,
  ] as MsgDef<unknown>[];
}
