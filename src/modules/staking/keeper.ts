/**
 * The staking keeper: the only code that touches staking's store — validators, delegations (shares
 * as 10^18 fixed point), unbonding and redelegation entries and their queues, the bonded set and
 * its last powers, historical info, params — and the pools' token movements.
 */
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import {
  BondStatus,
  Delegation,
  HistoricalInfo,
  Params,
  Redelegation,
  UnbondingDelegation,
  type UnbondingDelegationEntry,
  Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { Header } from "cosmjs-types/tendermint/types/types";
import type { Timestamp, ValidatorUpdate } from "../../abci/types.js";
import { bech32Of } from "../../app/addressCache.js";
import type { BigCoin } from "../../app/coins.js";
import type { Context } from "../../app/types.js";
import { fromBech32 } from "../../crypto/address.js";
import { ed25519Address } from "../../crypto/ed25519.js";
import type { KVReader } from "../../store/types.js";
import { compareBytes, equalBytes, fromUtf8, toHex, uint64BE, utf8 } from "../../types/bytes.js";
import { decFromInt, decMul, decQuo, decQuoTrunc, decTruncate } from "./dec.js";
import { invalidRequest, StakingErr, stakingError } from "./errors.js";
import { completeRedelegationEvent, completeUnbondingEvent } from "./events.js";
import type { StakingBankKeeper, StakingHooks } from "./expectedKeepers.js";
import {
  BONDED_POOL,
  DELEGATION,
  DELEGATION_BY_VAL,
  HISTORICAL,
  key,
  LAST_POWER,
  LAST_TOTAL_POWER_KEY,
  lp,
  NOT_BONDED_POOL,
  PARAMS_KEY,
  POWER_REDUCTION,
  prefixRange,
  RED,
  RED_BY_DST,
  RED_BY_SRC,
  RED_QUEUE,
  STORE_PREFIX,
  splitLp,
  timeBytes,
  UBD,
  UBD_BY_VAL,
  UBD_QUEUE,
  UNBONDING_ID_KEY,
  VAL_QUEUE,
  VALIDATOR,
  VALIDATOR_BY_CONS,
} from "./keys.js";
import { defaultStakingParams } from "./params.js";

/** The type URL of an ed25519 consensus key. */
export const ED25519_PUBKEY_TYPE = "/cosmos.crypto.ed25519.PubKey";

/** `t1 <= t2`. */
export function timeLte(a: Timestamp, b: Timestamp): boolean {
  return a.seconds < b.seconds || (a.seconds === b.seconds && a.nanos <= b.nanos);
}

/** `t + seconds`. */
export function addSeconds(t: Timestamp, d: { seconds: bigint; nanos: number }): Timestamp {
  let nanos = t.nanos + d.nanos;
  let seconds = t.seconds + d.seconds;
  if (nanos >= 1_000_000_000) {
    nanos -= 1_000_000_000;
    seconds += 1n;
  }
  return { seconds, nanos };
}

/** Raw 32-byte ed25519 key of a validator's consensus pubkey Any (throws when not ed25519). */
export function consPubKeyBytes(v: Validator): Uint8Array {
  const any = v.consensusPubkey;
  if (!any || any.typeUrl !== ED25519_PUBKEY_TYPE)
    throw stakingError(StakingErr.ValidatorPubKeyTypeNotSupported);
  return Ed25519PubKey.decode(any.value).key;
}

/** Consensus address (20 bytes) of a validator. */
export function consAddrOf(v: Validator): Uint8Array {
  return ed25519Address(consPubKeyBytes(v));
}

/** Operator address bytes of a validator. */
export function valAddrOf(v: Validator): Uint8Array {
  return fromBech32(v.operatorAddress).data;
}

/** Tokens of a validator. */
export function tokensOf(v: Validator): bigint {
  return BigInt(v.tokens || "0");
}

/** Delegator shares (×10^18) of a validator. */
export function sharesOf(v: Validator): bigint {
  return BigInt(v.delegatorShares || "0");
}

/** Tokens (×10^18 decimal) of `shares`, rounded (SDK `TokensFromShares`). */
export function tokensFromShares(v: Validator, shares: bigint): bigint {
  const total = sharesOf(v);
  return total === 0n ? 0n : decQuo(shares * tokensOf(v), total);
}

/** Tokens (×10^18 decimal) of `shares`, truncated (SDK `TokensFromSharesTruncated`). */
export function tokensFromSharesTruncated(v: Validator, shares: bigint): bigint {
  const total = sharesOf(v);
  return total === 0n ? 0n : decQuoTrunc(shares * tokensOf(v), total);
}

/** Shares of `amount` tokens (SDK `SharesFromTokens`); the validator must have tokens. */
export function sharesFromTokens(v: Validator, amount: bigint): bigint {
  return (sharesOf(v) * amount) / tokensOf(v);
}

/** Consensus power: tokens / 10^18 when bonded, else 0. */
export function consensusPower(v: Validator): bigint {
  return v.status === BondStatus.BOND_STATUS_BONDED ? tokensOf(v) / POWER_REDUCTION : 0n;
}

/** Validators, delegations, unbonding, redelegation, the bonded set; hooks for distribution/slashing. */
export class StakingKeeper {
  private readonly hooks: StakingHooks[] = [];

  /** Built over bank. */
  constructor(readonly bank: StakingBankKeeper) {}

  /** Register hooks (distribution, slashing). */
  addHooks(h: StakingHooks): void {
    this.hooks.push(h);
  }

  // ---- params ----

  /** Params from a staking-prefixed reader. */
  readParams(store: KVReader): Params {
    const bz = store.get(PARAMS_KEY);
    return bz === undefined ? defaultStakingParams() : Params.decode(bz);
  }

  /** Params. */
  getParams(ctx: Context): Params {
    return this.readParams(ctx.kv(STORE_PREFIX));
  }

  /** Store params. */
  setParams(ctx: Context, p: Params): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(p).finish());
  }

  /** The bond denom. */
  bondDenom(ctx: Context): string {
    return this.getParams(ctx).bondDenom;
  }

  private coins(ctx: Context, amount: bigint): BigCoin[] {
    return amount > 0n ? [{ denom: this.bondDenom(ctx), amount }] : [];
  }

  // ---- validators ----

  /** A validator by operator address. */
  getValidator(ctx: Context, val: Uint8Array): Validator | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(VALIDATOR, lp(val)));
    return bz === undefined ? undefined : Validator.decode(bz);
  }

  /** A validator by consensus address. */
  getValidatorByConsAddr(ctx: Context, cons: Uint8Array): Validator | undefined {
    const val = ctx.kv(STORE_PREFIX).get(key(VALIDATOR_BY_CONS, lp(cons)));
    return val === undefined ? undefined : this.getValidator(ctx, val);
  }

  /** Store a validator. */
  setValidator(ctx: Context, v: Validator): void {
    ctx.kv(STORE_PREFIX).set(key(VALIDATOR, lp(valAddrOf(v))), Validator.encode(v).finish());
  }

  /** Store the consensus-address index of a validator. */
  setValidatorByConsAddr(ctx: Context, v: Validator): void {
    ctx.kv(STORE_PREFIX).set(key(VALIDATOR_BY_CONS, lp(consAddrOf(v))), valAddrOf(v));
  }

  /** Every validator in operator-address order, from a staking-prefixed reader. */
  *readValidators(store: KVReader): IterableIterator<Validator> {
    const [s, e] = prefixRange(VALIDATOR);
    for (const [, v] of store.iterator(s, e)) yield Validator.decode(v);
  }

  /** Every validator. */
  allValidators(ctx: Context): Validator[] {
    return [...this.readValidators(ctx.kv(STORE_PREFIX))];
  }

  /** Remove an unbonded validator without tokens; fires `afterValidatorRemoved`. */
  removeValidator(ctx: Context, val: Uint8Array): void {
    const v = this.getValidator(ctx, val);
    if (!v) return;
    const store = ctx.kv(STORE_PREFIX);
    const cons = consAddrOf(v);
    store.delete(key(VALIDATOR, lp(val)));
    store.delete(key(VALIDATOR_BY_CONS, lp(cons)));
    for (const h of this.hooks) h.afterValidatorRemoved?.(ctx, cons, val);
  }

  /** Add tokens from a delegation; returns the shares issued. */
  addValidatorTokensAndShares(v: Validator, amount: bigint): bigint {
    const shares = sharesOf(v);
    const issued = shares === 0n ? decFromInt(amount) : sharesFromTokens(v, amount);
    v.tokens = (tokensOf(v) + amount).toString();
    v.delegatorShares = (shares + issued).toString();
    return issued;
  }

  /** Remove delegator shares; returns the tokens they were worth (truncated). */
  removeValidatorTokensAndShares(v: Validator, delShares: bigint): bigint {
    const remaining = sharesOf(v) - delShares;
    let issued: bigint;
    if (remaining === 0n) {
      issued = tokensOf(v);
      v.tokens = "0";
    } else {
      issued = decTruncate(tokensFromShares(v, delShares));
      v.tokens = (tokensOf(v) - issued).toString();
    }
    v.delegatorShares = remaining.toString();
    return issued;
  }

  /** Jail a validator by consensus address (it leaves the bonded set at the next end block). */
  jail(ctx: Context, cons: Uint8Array): void {
    const v = this.getValidatorByConsAddr(ctx, cons);
    if (!v || v.jailed) return;
    v.jailed = true;
    this.setValidator(ctx, v);
  }

  /** Unjail a validator by consensus address. */
  unjail(ctx: Context, cons: Uint8Array): void {
    const v = this.getValidatorByConsAddr(ctx, cons);
    if (!v?.jailed) return;
    v.jailed = false;
    this.setValidator(ctx, v);
  }

  /** Fire `afterValidatorCreated`. */
  afterValidatorCreated(ctx: Context, val: Uint8Array): void {
    for (const h of this.hooks) h.afterValidatorCreated?.(ctx, val);
  }

  // ---- delegations ----

  /** A delegation. */
  getDelegation(ctx: Context, del: Uint8Array, val: Uint8Array): Delegation | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(DELEGATION, lp(del), lp(val)));
    return bz === undefined ? undefined : Delegation.decode(bz);
  }

  /** Store a delegation (and its by-validator index). */
  setDelegation(ctx: Context, d: Delegation, del: Uint8Array, val: Uint8Array): void {
    const store = ctx.kv(STORE_PREFIX);
    store.set(key(DELEGATION, lp(del), lp(val)), Delegation.encode(d).finish());
    store.set(key(DELEGATION_BY_VAL, lp(val), lp(del)), new Uint8Array());
  }

  /** Remove a delegation. */
  removeDelegation(ctx: Context, del: Uint8Array, val: Uint8Array): void {
    const store = ctx.kv(STORE_PREFIX);
    store.delete(key(DELEGATION, lp(del), lp(val)));
    store.delete(key(DELEGATION_BY_VAL, lp(val), lp(del)));
  }

  /** Genesis import of a delegation, firing the creation hooks unless the genesis is an export. */
  importDelegation(ctx: Context, d: Delegation, del: Uint8Array, val: Uint8Array, hooks: boolean): void {
    if (hooks) for (const h of this.hooks) h.beforeDelegationCreated?.(ctx, del, val);
    this.setDelegation(ctx, d, del, val);
    if (hooks) for (const h of this.hooks) h.afterDelegationModified?.(ctx, del, val);
  }

  /** A delegator's delegations. */
  delegatorDelegations(ctx: Context, del: Uint8Array): Delegation[] {
    const [s, e] = prefixRange(DELEGATION, lp(del));
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([, v]) => Delegation.decode(v));
  }

  /** Delegator addresses of a validator's delegations. */
  validatorDelegators(ctx: Context, val: Uint8Array): Uint8Array[] {
    const [s, e] = prefixRange(DELEGATION_BY_VAL, lp(val));
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k]) => splitLp(k, 1)[1]!);
  }

  /** Every delegation, from a staking-prefixed reader. */
  *readDelegations(store: KVReader): IterableIterator<Delegation> {
    const [s, e] = prefixRange(DELEGATION);
    for (const [, v] of store.iterator(s, e)) yield Delegation.decode(v);
  }

  /**
   * Delegate `amount` to `v` (SDK `Delegate`): from the delegator's account when `fromAccount`, else
   * moving tokens between pools as `tokenSrc` requires. Returns the new shares.
   */
  delegate(
    ctx: Context,
    del: Uint8Array,
    amount: bigint,
    tokenSrc: BondStatus,
    v: Validator,
    fromAccount: boolean,
  ): bigint {
    if (tokensOf(v) === 0n && sharesOf(v) > 0n) throw stakingError(StakingErr.DelegatorShareExRateInvalid);
    const val = valAddrOf(v);
    const existing = this.getDelegation(ctx, del, val);
    for (const h of this.hooks) {
      if (existing) h.beforeDelegationSharesModified?.(ctx, del, val);
      else h.beforeDelegationCreated?.(ctx, del, val);
    }
    const bonded = v.status === BondStatus.BOND_STATUS_BONDED;
    if (fromAccount) {
      this.bank.sendCoinsFromAccountToModule(
        ctx,
        del,
        bonded ? BONDED_POOL : NOT_BONDED_POOL,
        this.coins(ctx, amount),
      );
    } else if (tokenSrc === BondStatus.BOND_STATUS_BONDED && !bonded) {
      this.moveBondedToNotBonded(ctx, amount);
    } else if (tokenSrc !== BondStatus.BOND_STATUS_BONDED && bonded) {
      this.moveNotBondedToBonded(ctx, amount);
    }
    // Re-read: hooks may have changed nothing on the validator, but keep the caller's object current.
    const newShares = this.addValidatorTokensAndShares(v, amount);
    this.setValidator(ctx, v);
    const d = existing ?? {
      delegatorAddress: bech32Of(ctx.chain.bech32Prefix, del),
      validatorAddress: v.operatorAddress,
      shares: "0",
    };
    d.shares = (BigInt(d.shares) + newShares).toString();
    this.setDelegation(ctx, d, del, val);
    for (const h of this.hooks) h.afterDelegationModified?.(ctx, del, val);
    return newShares;
  }

  /** Remove `shares` of a delegation (SDK `Unbond`); returns the tokens removed from the validator. */
  unbond(ctx: Context, del: Uint8Array, val: Uint8Array, shares: bigint): bigint {
    const d = this.getDelegation(ctx, del, val);
    if (!d) throw stakingError(StakingErr.NoDelegatorForAddress);
    for (const h of this.hooks) h.beforeDelegationSharesModified?.(ctx, del, val);
    const have = BigInt(d.shares);
    if (have < shares) throw stakingError(StakingErr.NotEnoughDelegationShares);
    const v = this.getValidator(ctx, val);
    if (!v) throw stakingError(StakingErr.NoValidatorFound);
    const left = have - shares;
    if (
      equalBytes(del, val) &&
      !v.jailed &&
      decTruncate(tokensFromShares(v, left)) < BigInt(v.minSelfDelegation || "0")
    ) {
      v.jailed = true;
    }
    if (left === 0n) {
      this.removeDelegation(ctx, del, val);
    } else {
      d.shares = left.toString();
      this.setDelegation(ctx, d, del, val);
      for (const h of this.hooks) h.afterDelegationModified?.(ctx, del, val);
    }
    const amount = this.removeValidatorTokensAndShares(v, shares);
    this.setValidator(ctx, v);
    if (sharesOf(v) === 0n && v.status === BondStatus.BOND_STATUS_UNBONDED) this.removeValidator(ctx, val);
    return amount;
  }

  /** Shares to unbond for `amount` tokens (SDK `ValidateUnbondAmount`). */
  validateUnbondAmount(ctx: Context, del: Uint8Array, val: Uint8Array, amount: bigint): bigint {
    const v = this.getValidator(ctx, val);
    if (!v) throw stakingError(StakingErr.NoValidatorFound);
    const d = this.getDelegation(ctx, del, val);
    if (!d) throw stakingError(StakingErr.NoDelegation);
    if (tokensOf(v) === 0n) throw stakingError(StakingErr.DelegatorShareExRateInvalid);
    const shares = sharesFromTokens(v, amount);
    const have = BigInt(d.shares);
    if (shares > have) throw invalidRequest("invalid shares amount");
    return shares;
  }

  /** Undelegate: unbond, move the tokens to the not-bonded pool, queue the entry. Returns the completion time and amount. */
  undelegate(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    shares: bigint,
  ): { completion: Timestamp; amount: bigint } {
    const v = this.getValidator(ctx, val);
    if (!v) throw stakingError(StakingErr.NoDelegatorForAddress);
    const params = this.getParams(ctx);
    const ubd = this.getUBD(ctx, del, val);
    if (ubd && ubd.entries.length >= params.maxEntries)
      throw stakingError(StakingErr.MaxUnbondingDelegationEntries);
    const wasBonded = v.status === BondStatus.BOND_STATUS_BONDED;
    const amount = this.unbond(ctx, del, val, shares);
    if (wasBonded) this.moveBondedToNotBonded(ctx, amount);
    const completion = addSeconds(ctx.header.time, params.unbondingTime);
    if (amount > 0n) this.setUBDEntry(ctx, del, val, BigInt(ctx.header.height), completion, amount);
    return { completion, amount };
  }

  /** Begin a redelegation (SDK `BeginRedelegation`); returns the completion time and amount. */
  beginRedelegation(
    ctx: Context,
    del: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
    shares: bigint,
  ): { completion: Timestamp; amount: bigint } {
    if (equalBytes(src, dst)) throw stakingError(StakingErr.SelfRedelegation);
    const dstV = this.getValidator(ctx, dst);
    if (!dstV) throw stakingError(StakingErr.BadRedelegationDst);
    const srcV = this.getValidator(ctx, src);
    if (!srcV) throw stakingError(StakingErr.BadRedelegationSrc);
    if (this.hasReceivingRedelegation(ctx, del, src)) throw stakingError(StakingErr.TransitiveRedelegation);
    const params = this.getParams(ctx);
    const red = this.getRedelegation(ctx, del, src, dst);
    if (red && red.entries.length >= params.maxEntries) throw stakingError(StakingErr.MaxRedelegationEntries);
    const srcStatus = srcV.status;
    const amount = this.unbond(ctx, del, src, shares);
    if (amount === 0n) throw stakingError(StakingErr.TinyRedelegationAmount);
    const dstNow = this.getValidator(ctx, dst)!;
    const sharesDst = this.delegate(ctx, del, amount, srcStatus, dstNow, false);
    // completion: bonded (or gone) source → now + unbonding; unbonding → its unbonding time; unbonded → now.
    const srcAfter = this.getValidator(ctx, src);
    let completion = addSeconds(ctx.header.time, params.unbondingTime);
    let height = BigInt(ctx.header.height);
    if (srcAfter && srcAfter.status === BondStatus.BOND_STATUS_UNBONDED)
      return { completion: ctx.header.time, amount };
    if (srcAfter && srcAfter.status === BondStatus.BOND_STATUS_UNBONDING) {
      completion = srcAfter.unbondingTime;
      height = srcAfter.unbondingHeight;
    }
    this.setRedelegationEntry(ctx, del, src, dst, height, completion, amount, sharesDst);
    return { completion, amount };
  }

  /** Cancel part of an unbonding entry: re-delegate `amount` from it (SDK `CancelUnbondingDelegation`). */
  cancelUnbonding(ctx: Context, del: Uint8Array, val: Uint8Array, height: bigint, amount: bigint): void {
    const v = this.getValidator(ctx, val);
    if (!v) throw stakingError(StakingErr.NoValidatorFound);
    if (v.jailed) throw stakingError(StakingErr.ValidatorJailed);
    const ubd = this.getUBD(ctx, del, val);
    if (!ubd) throw stakingError(StakingErr.NoUnbondingDelegation);
    const idx = ubd.entries.findIndex((e) => e.creationHeight === height);
    if (idx < 0)
      throw stakingError(
        StakingErr.NoUnbondingDelegation,
        `unbonding delegation entry is not found at block height ${height}`,
      );
    const entry = ubd.entries[idx]!;
    const bal = BigInt(entry.balance);
    if (bal < amount) throw invalidRequest("amount is greater than the unbonding delegation entry balance");
    if (timeLte(entry.completionTime, ctx.header.time) && !eqTime(entry.completionTime, ctx.header.time))
      throw invalidRequest("unbonding delegation is already processed");
    this.delegate(ctx, del, amount, BondStatus.BOND_STATUS_UNBONDING, v, false);
    const left = bal - amount;
    if (left === 0n) ubd.entries.splice(idx, 1);
    else {
      entry.balance = left.toString();
      entry.initialBalance = (BigInt(entry.initialBalance) - amount).toString();
    }
    this.setUBD(ctx, ubd, del, val);
  }

  // ---- unbonding delegations ----

  /** An unbonding delegation. */
  getUBD(ctx: Context, del: Uint8Array, val: Uint8Array): UnbondingDelegation | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(UBD, lp(del), lp(val)));
    return bz === undefined ? undefined : UnbondingDelegation.decode(bz);
  }

  /** Store (or remove, when it has no entries) an unbonding delegation. */
  setUBD(ctx: Context, u: UnbondingDelegation, del: Uint8Array, val: Uint8Array): void {
    const store = ctx.kv(STORE_PREFIX);
    if (u.entries.length === 0) {
      store.delete(key(UBD, lp(del), lp(val)));
      store.delete(key(UBD_BY_VAL, lp(val), lp(del)));
      return;
    }
    store.set(key(UBD, lp(del), lp(val)), UnbondingDelegation.encode(u).finish());
    store.set(key(UBD_BY_VAL, lp(val), lp(del)), new Uint8Array());
  }

  private nextUnbondingId(ctx: Context): bigint {
    const store = ctx.kv(STORE_PREFIX);
    const bz = store.get(UNBONDING_ID_KEY);
    const id = (bz === undefined ? 0n : BigInt(fromUtf8(bz))) + 1n;
    store.set(UNBONDING_ID_KEY, utf8(id.toString()));
    return id;
  }

  /** Add an unbonding entry (merged with one of the same height and completion) and queue it. */
  setUBDEntry(
    ctx: Context,
    del: Uint8Array,
    val: Uint8Array,
    height: bigint,
    completion: Timestamp,
    amount: bigint,
  ): void {
    const u = this.getUBD(ctx, del, val) ?? {
      delegatorAddress: bech32Of(ctx.chain.bech32Prefix, del),
      validatorAddress: bech32Of(ctx.chain.valoperPrefix, val),
      entries: [],
    };
    const same = u.entries.find((e) => e.creationHeight === height && eqTime(e.completionTime, completion));
    if (same) {
      same.balance = (BigInt(same.balance) + amount).toString();
      same.initialBalance = (BigInt(same.initialBalance) + amount).toString();
    } else {
      u.entries.push({
        creationHeight: height,
        completionTime: completion,
        initialBalance: amount.toString(),
        balance: amount.toString(),
        unbondingId: this.nextUnbondingId(ctx),
        unbondingOnHoldRefCount: 0n,
      });
    }
    this.setUBD(ctx, u, del, val);
    ctx.kv(STORE_PREFIX).set(key(UBD_QUEUE, timeBytes(completion), lp(del), lp(val)), new Uint8Array());
  }

  /** A delegator's unbonding delegations. */
  delegatorUBDs(ctx: Context, del: Uint8Array): UnbondingDelegation[] {
    const [s, e] = prefixRange(UBD, lp(del));
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([, v]) => UnbondingDelegation.decode(v));
  }

  /** A validator's unbonding delegations. */
  validatorUBDs(ctx: Context, val: Uint8Array): UnbondingDelegation[] {
    const [s, e] = prefixRange(UBD_BY_VAL, lp(val));
    const out: UnbondingDelegation[] = [];
    for (const [k] of [...ctx.kv(STORE_PREFIX).iterator(s, e)]) {
      const u = this.getUBD(ctx, splitLp(k, 1)[1]!, val);
      if (u) out.push(u);
    }
    return out;
  }

  /** Every unbonding delegation, from a staking-prefixed reader. */
  *readUBDs(store: KVReader): IterableIterator<UnbondingDelegation> {
    const [s, e] = prefixRange(UBD);
    for (const [, v] of store.iterator(s, e)) yield UnbondingDelegation.decode(v);
  }

  /** Pay out matured entries of an unbonding delegation; returns the amount paid. */
  completeUnbonding(ctx: Context, del: Uint8Array, val: Uint8Array): bigint {
    const u = this.getUBD(ctx, del, val);
    if (!u) return 0n;
    let paid = 0n;
    const keep: UnbondingDelegationEntry[] = [];
    for (const e of u.entries) {
      if (timeLte(e.completionTime, ctx.header.time)) paid += BigInt(e.balance);
      else keep.push(e);
    }
    u.entries = keep;
    this.setUBD(ctx, u, del, val);
    if (paid > 0n) this.bank.sendCoinsFromModuleToAccount(ctx, NOT_BONDED_POOL, del, this.coins(ctx, paid));
    return paid;
  }

  // ---- redelegations ----

  /** A redelegation. */
  getRedelegation(ctx: Context, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Redelegation | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(RED, lp(del), lp(src), lp(dst)));
    return bz === undefined ? undefined : Redelegation.decode(bz);
  }

  /** Store (or remove, when empty) a redelegation and its indexes. */
  setRedelegation(ctx: Context, r: Redelegation, del: Uint8Array, src: Uint8Array, dst: Uint8Array): void {
    const store = ctx.kv(STORE_PREFIX);
    const keys = [key(RED_BY_SRC, lp(src), lp(del), lp(dst)), key(RED_BY_DST, lp(dst), lp(del), lp(src))];
    if (r.entries.length === 0) {
      store.delete(key(RED, lp(del), lp(src), lp(dst)));
      for (const k of keys) store.delete(k);
      return;
    }
    store.set(key(RED, lp(del), lp(src), lp(dst)), Redelegation.encode(r).finish());
    for (const k of keys) store.set(k, new Uint8Array());
  }

  private setRedelegationEntry(
    ctx: Context,
    del: Uint8Array,
    src: Uint8Array,
    dst: Uint8Array,
    height: bigint,
    completion: Timestamp,
    amount: bigint,
    sharesDst: bigint,
  ): void {
    const r = this.getRedelegation(ctx, del, src, dst) ?? {
      delegatorAddress: bech32Of(ctx.chain.bech32Prefix, del),
      validatorSrcAddress: bech32Of(ctx.chain.valoperPrefix, src),
      validatorDstAddress: bech32Of(ctx.chain.valoperPrefix, dst),
      entries: [],
    };
    r.entries.push({
      creationHeight: height,
      completionTime: completion,
      initialBalance: amount.toString(),
      sharesDst: sharesDst.toString(),
      unbondingId: this.nextUnbondingId(ctx),
      unbondingOnHoldRefCount: 0n,
    });
    this.setRedelegation(ctx, r, del, src, dst);
    ctx
      .kv(STORE_PREFIX)
      .set(key(RED_QUEUE, timeBytes(completion), lp(del), lp(src), lp(dst)), new Uint8Array());
  }

  /** True when `del` has a redelegation in progress into `dst`. */
  hasReceivingRedelegation(ctx: Context, del: Uint8Array, dst: Uint8Array): boolean {
    const [s, e] = prefixRange(RED_BY_DST, lp(dst), lp(del));
    for (const _ of ctx.kv(STORE_PREFIX).iterator(s, e)) return true;
    return false;
  }

  /** Redelegations out of a source validator. */
  redelegationsFromSrc(ctx: Context, src: Uint8Array): Redelegation[] {
    const [s, e] = prefixRange(RED_BY_SRC, lp(src));
    const out: Redelegation[] = [];
    for (const [k] of [...ctx.kv(STORE_PREFIX).iterator(s, e)]) {
      const [, del, dst] = splitLp(k, 1);
      const r = this.getRedelegation(ctx, del!, src, dst!);
      if (r) out.push(r);
    }
    return out;
  }

  /** A delegator's redelegations. */
  delegatorRedelegations(ctx: Context, del: Uint8Array): Redelegation[] {
    const [s, e] = prefixRange(RED, lp(del));
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([, v]) => Redelegation.decode(v));
  }

  /** Every redelegation, from a staking-prefixed reader. */
  *readRedelegations(store: KVReader): IterableIterator<Redelegation> {
    const [s, e] = prefixRange(RED);
    for (const [, v] of store.iterator(s, e)) yield Redelegation.decode(v);
  }

  // ---- pools ----

  /** Move tokens bonded → not bonded. */
  moveBondedToNotBonded(ctx: Context, amount: bigint): void {
    if (amount > 0n)
      this.bank.sendCoinsFromModuleToModule(ctx, BONDED_POOL, NOT_BONDED_POOL, this.coins(ctx, amount));
  }

  /** Move tokens not bonded → bonded. */
  moveNotBondedToBonded(ctx: Context, amount: bigint): void {
    if (amount > 0n)
      this.bank.sendCoinsFromModuleToModule(ctx, NOT_BONDED_POOL, BONDED_POOL, this.coins(ctx, amount));
  }

  // ---- the bonded set ----

  /** Last power of a bonded validator. */
  lastPowers(ctx: Context): Map<string, bigint> {
    const [s, e] = prefixRange(LAST_POWER);
    const out = new Map<string, bigint>();
    for (const [k, v] of ctx.kv(STORE_PREFIX).iterator(s, e))
      out.set(toHex(splitLp(k, 1)[0]!), BigInt(fromUtf8(v)));
    return out;
  }

  /** Last total power. */
  lastTotalPower(ctx: Context): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(LAST_TOTAL_POWER_KEY);
    return bz === undefined ? 0n : BigInt(fromUtf8(bz));
  }

  /** The bonded validators, by last power order (power desc, address asc). */
  lastValidators(ctx: Context): Validator[] {
    const out: Validator[] = [];
    for (const hex of this.lastPowers(ctx).keys()) {
      const v = this.getValidator(ctx, Buffer.from(hex, "hex"));
      if (v) out.push(v);
    }
    return out.sort(byPower);
  }

  /**
   * Recompute the bonded set (top `max_validators` unjailed validators by power) and return the
   * consensus updates (SDK `ApplyAndReturnValidatorSetUpdates`).
   */
  applyValidatorSetUpdates(ctx: Context): ValidatorUpdate[] {
    const store = ctx.kv(STORE_PREFIX);
    const params = this.getParams(ctx);
    const last = this.lastPowers(ctx);
    const candidates = this.allValidators(ctx)
      .filter((v) => !v.jailed && tokensOf(v) / POWER_REDUCTION > 0n)
      .sort(byPower)
      .slice(0, params.maxValidators);
    const updates: ValidatorUpdate[] = [];
    let toBonded = 0n;
    let toNotBonded = 0n;
    let total = 0n;
    for (let v of candidates) {
      const val = valAddrOf(v);
      if (v.status !== BondStatus.BOND_STATUS_BONDED) {
        v = this.bondValidator(ctx, v);
        toBonded += tokensOf(v);
      }
      const power = tokensOf(v) / POWER_REDUCTION;
      const hex = toHex(val);
      if (last.get(hex) !== power) {
        updates.push({ pubKey: consPubKeyBytes(v), power });
        store.set(key(LAST_POWER, lp(val)), utf8(power.toString()));
      }
      last.delete(hex);
      total += power;
    }
    for (const hex of [...last.keys()].sort()) {
      const val = Buffer.from(hex, "hex");
      const v = this.getValidator(ctx, val);
      store.delete(key(LAST_POWER, lp(val)));
      if (!v) continue;
      toNotBonded += tokensOf(v);
      this.beginUnbondingValidator(ctx, v);
      updates.push({ pubKey: consPubKeyBytes(v), power: 0n });
    }
    if (toBonded > toNotBonded) this.moveNotBondedToBonded(ctx, toBonded - toNotBonded);
    else if (toNotBonded > toBonded) this.moveBondedToNotBonded(ctx, toNotBonded - toBonded);
    store.set(LAST_TOTAL_POWER_KEY, utf8(total.toString()));
    return updates;
  }

  private bondValidator(ctx: Context, v: Validator): Validator {
    if (v.status === BondStatus.BOND_STATUS_UNBONDING) {
      ctx.kv(STORE_PREFIX).delete(key(VAL_QUEUE, timeBytes(v.unbondingTime), lp(valAddrOf(v))));
    }
    v.status = BondStatus.BOND_STATUS_BONDED;
    this.setValidator(ctx, v);
    for (const h of this.hooks) h.afterValidatorBonded?.(ctx, consAddrOf(v), valAddrOf(v));
    return v;
  }

  private beginUnbondingValidator(ctx: Context, v: Validator): void {
    const params = this.getParams(ctx);
    v.status = BondStatus.BOND_STATUS_UNBONDING;
    v.unbondingTime = addSeconds(ctx.header.time, params.unbondingTime);
    v.unbondingHeight = BigInt(ctx.header.height);
    this.setValidator(ctx, v);
    ctx.kv(STORE_PREFIX).set(key(VAL_QUEUE, timeBytes(v.unbondingTime), lp(valAddrOf(v))), new Uint8Array());
    for (const h of this.hooks) h.afterValidatorBeginUnbonding?.(ctx, consAddrOf(v), valAddrOf(v));
  }

  /** End block: the bonded set, then matured validators, unbondings and redelegations. */
  endBlock(ctx: Context): ValidatorUpdate[] {
    const updates = this.applyValidatorSetUpdates(ctx);
    const store = ctx.kv(STORE_PREFIX);
    const now = ctx.header.time;
    const end = key(0xff);
    const due = (prefix: number): Uint8Array[][] => {
      const [s] = prefixRange(prefix);
      const out: Uint8Array[][] = [];
      const keys: Uint8Array[] = [];
      for (const [k] of store.iterator(s, end)) {
        if (k[0] !== prefix) break;
        const t = {
          seconds: BigInt(`0x${toHex(k.subarray(1, 9))}`),
          nanos: new DataView(k.buffer, k.byteOffset + 9, 4).getUint32(0),
        };
        if (!timeLte(t, now)) break;
        keys.push(Uint8Array.from(k));
        out.push(splitLp(k, 13));
      }
      for (const k of keys) store.delete(k);
      return out;
    };
    for (const [val] of due(VAL_QUEUE)) {
      const v = this.getValidator(ctx, val!);
      if (!v || v.status !== BondStatus.BOND_STATUS_UNBONDING || !timeLte(v.unbondingTime, now)) continue;
      v.status = BondStatus.BOND_STATUS_UNBONDED;
      this.setValidator(ctx, v);
      if (sharesOf(v) === 0n) this.removeValidator(ctx, val!);
    }
    const denom = this.bondDenom(ctx);
    for (const [del, val] of due(UBD_QUEUE)) {
      const paid = this.completeUnbonding(ctx, del!, val!);
      if (paid > 0n)
        ctx.events.emit(
          completeUnbondingEvent(
            `${paid}${denom}`,
            bech32Of(ctx.chain.valoperPrefix, val!),
            bech32Of(ctx.chain.bech32Prefix, del!),
          ),
        );
    }
    for (const [del, src, dst] of due(RED_QUEUE)) {
      const r = this.getRedelegation(ctx, del!, src!, dst!);
      if (!r) continue;
      let amount = 0n;
      const keep = r.entries.filter((e) => {
        if (timeLte(e.completionTime, now)) {
          amount += BigInt(e.initialBalance);
          return false;
        }
        return true;
      });
      if (keep.length === r.entries.length) continue;
      r.entries = keep;
      this.setRedelegation(ctx, r, del!, src!, dst!);
      ctx.events.emit(
        completeRedelegationEvent(
          `${amount}${denom}`,
          r.validatorSrcAddress,
          r.validatorDstAddress,
          r.delegatorAddress,
        ),
      );
    }
    return updates;
  }

  // ---- historical info ----

  /** Record this block's header and bonded set; prune beyond `historical_entries`. */
  trackHistoricalInfo(ctx: Context): void {
    const entries = BigInt(this.getParams(ctx).historicalEntries);
    const store = ctx.kv(STORE_PREFIX);
    const h = BigInt(ctx.header.height);
    const [s] = prefixRange(HISTORICAL);
    const cutoff = key(HISTORICAL, uint64BE(h - entries > 0n ? h - entries : 0n));
    const old = [...store.iterator(s, cutoff)].map(([k]) => Uint8Array.from(k));
    for (const k of old) store.delete(k);
    if (entries === 0n) return;
    const info: HistoricalInfo = {
      header: Header.fromPartial({
        chainId: ctx.header.chainId,
        height: h,
        time: ctx.header.time,
        proposerAddress: ctx.header.proposer,
      }),
      valset: this.lastValidators(ctx),
    };
    store.set(key(HISTORICAL, uint64BE(h)), HistoricalInfo.encode(info).finish());
  }

  /** Historical info at a height. */
  getHistoricalInfo(ctx: Context, height: bigint): HistoricalInfo | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(HISTORICAL, uint64BE(height)));
    return bz === undefined ? undefined : HistoricalInfo.decode(bz);
  }

  // ---- slashing ----

  /**
   * Slash a validator for an infraction at `infractionHeight` with `power` at that time (SDK `Slash`):
   * unbonding delegations and redelegations begun at or after the infraction are slashed first, then
   * the validator's tokens; slashed tokens are burned. Returns the amount burned.
   */
  slash(ctx: Context, cons: Uint8Array, infractionHeight: number, power: bigint, fraction: bigint): bigint {
    const v = this.getValidatorByConsAddr(ctx, cons);
    if (!v || v.status === BondStatus.BOND_STATUS_UNBONDED) return 0n;
    const val = valAddrOf(v);
    const slashAmount = decTruncate(decMul(decFromInt(power * POWER_REDUCTION), fraction));
    for (const h of this.hooks) h.beforeValidatorSlashed?.(ctx, val, fraction);
    let remaining = slashAmount;
    let burned = 0n;
    if (infractionHeight < ctx.header.height) {
      for (const u of this.validatorUBDs(ctx, val)) {
        const r = this.slashUBD(ctx, u, infractionHeight, fraction);
        remaining -= r.slashed;
        burned += r.burned;
      }
      for (const r of this.redelegationsFromSrc(ctx, val)) {
        const x = this.slashRedelegation(ctx, r, infractionHeight, fraction);
        remaining -= x.slashed;
        burned += x.burned;
      }
    }
    const cur = this.getValidator(ctx, val);
    if (!cur) return burned;
    if (remaining < 0n) remaining = 0n;
    const tokens = tokensOf(cur);
    // biome-ignore lint/complexity/useMathMinMax: bigint
    const toBurn = remaining < tokens ? remaining : tokens;
    if (toBurn === 0n) return burned;
    cur.tokens = (tokens - toBurn).toString();
    this.setValidator(ctx, cur);
    const pool = cur.status === BondStatus.BOND_STATUS_BONDED ? BONDED_POOL : NOT_BONDED_POOL;
    this.bank.burnCoins(ctx, pool, this.coins(ctx, toBurn));
    return burned + toBurn;
  }

  private slashUBD(
    ctx: Context,
    u: UnbondingDelegation,
    infractionHeight: number,
    fraction: bigint,
  ): { slashed: bigint; burned: bigint } {
    let slashed = 0n;
    let burned = 0n;
    for (const e of u.entries) {
      if (e.creationHeight < BigInt(infractionHeight)) continue;
      if (timeLte(e.completionTime, ctx.header.time)) continue;
      const amt = decTruncate(decMul(decFromInt(BigInt(e.initialBalance)), fraction));
      slashed += amt;
      const bal = BigInt(e.balance);
      const take = amt < bal ? amt : bal;
      if (take === 0n) continue;
      burned += take;
      e.balance = (bal - take).toString();
    }
    const del = fromBech32(u.delegatorAddress).data;
    const val = fromBech32(u.validatorAddress).data;
    this.setUBD(ctx, u, del, val);
    if (burned > 0n) this.bank.burnCoins(ctx, NOT_BONDED_POOL, this.coins(ctx, burned));
    return { slashed, burned };
  }

  private slashRedelegation(
    ctx: Context,
    r: Redelegation,
    infractionHeight: number,
    fraction: bigint,
  ): { slashed: bigint; burned: bigint } {
    let slashed = 0n;
    let burned = 0n;
    const del = fromBech32(r.delegatorAddress).data;
    const dst = fromBech32(r.validatorDstAddress).data;
    for (const e of r.entries) {
      if (e.creationHeight < BigInt(infractionHeight)) continue;
      if (timeLte(e.completionTime, ctx.header.time)) continue;
      slashed += decTruncate(decMul(decFromInt(BigInt(e.initialBalance)), fraction));
      let shares = decMul(BigInt(e.sharesDst), fraction);
      if (shares === 0n) continue;
      const d = this.getDelegation(ctx, del, dst);
      if (!d) continue;
      if (shares > BigInt(d.shares)) shares = BigInt(d.shares);
      const dstV = this.getValidator(ctx, dst);
      if (!dstV) continue;
      const bonded = dstV.status === BondStatus.BOND_STATUS_BONDED;
      const tokens = this.unbond(ctx, del, dst, shares);
      if (tokens > 0n) {
        this.bank.burnCoins(ctx, bonded ? BONDED_POOL : NOT_BONDED_POOL, this.coins(ctx, tokens));
        burned += tokens;
      }
    }
    return { slashed, burned };
  }
}

/** Power desc, then operator address bytes asc. */
function byPower(a: Validator, b: Validator): number {
  const pa = tokensOf(a) / POWER_REDUCTION;
  const pb = tokensOf(b) / POWER_REDUCTION;
  if (pa !== pb) return pa > pb ? -1 : 1;
  return compareBytes(valAddrOf(a), valAddrOf(b));
}

function eqTime(a: Timestamp, b: Timestamp): boolean {
  return a.seconds === b.seconds && a.nanos === b.nanos;
}
