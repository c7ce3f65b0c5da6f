/**
 * The distribution keeper: fee and reward-stream allocation by the previous block's signers' power,
 * validator commission, delegator rewards by lazy F1 accounting (periods, historical reward ratios
 * with reference counts, slash events), the community pool, withdraw addresses.
 */
import {
  DelegatorStartingInfo,
  FeePool,
  Params,
  ValidatorAccumulatedCommission,
  ValidatorCurrentRewards,
  ValidatorHistoricalRewards,
  ValidatorOutstandingRewards,
  ValidatorSlashEvent,
} from "cosmjs-types/cosmos/distribution/v1beta1/distribution";
import { BlockIdFlag } from "../../abci/types.js";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { type BigCoin, coinsToString, type DecCoin } from "../../app/coins.js";
import { makeEvent } from "../../app/events.js";
import type { Context } from "../../app/types.js";
import type { KVReader } from "../../store/types.js";
import { fromUtf8, readUint64BE, uint64BE, utf8 } from "../../types/bytes.js";
import { FEE_COLLECTOR } from "../auth/keys.js";
import {
  addDec,
  anyNegative,
  decCoinsFromCoins,
  decCoinsToString,
  decFromInt,
  decMulTrunc,
  decQuoTrunc,
  fromProtoDecCoins,
  intersectDec,
  mulDecCoins,
  mulDecCoinsTrunc,
  ONE,
  quoDecCoinsTrunc,
  subDec,
  toProtoDecCoins,
  truncateDecCoins,
} from "../staking/dec.js";
import type { StakingHooks } from "../staking/expectedKeepers.js";
import {
  type StakingKeeper,
  tokensFromShares,
  tokensFromSharesTruncated,
  tokensOf,
  valAddrOf,
} from "../staking/keeper.js";
import { key, lp, prefixRange, splitLp } from "../staking/keys.js";
import { DistrErr, distrError } from "./errors.js";
import type { DistrBankKeeper } from "./expectedKeepers.js";
import {
  COMMISSION,
  CURRENT,
  FEE_POOL_KEY,
  HISTORICAL,
  MODULE_NAME,
  OUTSTANDING,
  PARAMS_KEY,
  REWARD_SOURCE,
  REWARD_STREAM_KEY,
  SLASH_EVENT,
  STARTING_INFO,
  STORE_PREFIX,
  WITHDRAW_ADDR,
} from "./keys.js";
import { DEFAULT_REWARD_PER_BLOCK, defaultDistrParams } from "./params.js";

/** Fees, reward stream, commission, F1 delegator rewards, community pool. */
export class DistributionKeeper {
  /** Built over bank and staking; registers its staking hooks. */
  constructor(
    readonly bank: DistrBankKeeper,
    readonly staking: StakingKeeper,
  ) {
    staking.addHooks(this.hooks());
  }

  // ---- params, pool, stream ----

  /** Params from a distribution-prefixed reader. */
  readParams(store: KVReader): Params {
    const bz = store.get(PARAMS_KEY);
    return bz === undefined ? defaultDistrParams() : Params.decode(bz);
  }

  /** Params. */
  getParams(ctx: Context): Params {
    return this.readParams(ctx.kv(STORE_PREFIX));
  }

  /** Store params. */
  setParams(ctx: Context, p: Params): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(p).finish());
  }

  /** Reward stream per block (bond denom units). */
  getRewardPerBlock(ctx: Context): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(REWARD_STREAM_KEY);
    return bz === undefined ? DEFAULT_REWARD_PER_BLOCK : BigInt(fromUtf8(bz));
  }

  /** Set the reward stream per block. */
  setRewardPerBlock(ctx: Context, amount: bigint): void {
    ctx.kv(STORE_PREFIX).set(REWARD_STREAM_KEY, utf8(amount.toString()));
  }

  /** The community pool. */
  getCommunityPool(ctx: Context): DecCoin[] {
    const bz = ctx.kv(STORE_PREFIX).get(FEE_POOL_KEY);
    return bz === undefined ? [] : fromProtoDecCoins(FeePool.decode(bz).communityPool);
  }

  /** Set the community pool. */
  setCommunityPool(ctx: Context, pool: DecCoin[]): void {
    ctx.kv(STORE_PREFIX).set(FEE_POOL_KEY, FeePool.encode({ communityPool: toProtoDecCoins(pool) }).finish());
  }

  private addToCommunityPool(ctx: Context, coins: DecCoin[]): void {
    if (coins.length > 0) this.setCommunityPool(ctx, addDec(this.getCommunityPool(ctx), coins));
  }

  /** Fund the community pool from an account (MsgFundCommunityPool; datanets' fees). */
  fundCommunityPool(ctx: Context, from: Uint8Array, coins: readonly BigCoin[]): void {
    this.bank.sendCoinsFromAccountToModule(ctx, from, MODULE_NAME, coins);
    this.addToCommunityPool(ctx, decCoinsFromCoins(coins));
  }

  /** Fund the community pool from another module account. */
  fundCommunityPoolFromModule(ctx: Context, module: string, coins: readonly BigCoin[]): void {
    this.bank.sendCoinsFromModuleToModule(ctx, module, MODULE_NAME, coins);
    this.addToCommunityPool(ctx, decCoinsFromCoins(coins));
  }

  /** Pay from the community pool (MsgCommunityPoolSpend). */
  distributeFromCommunityPool(ctx: Context, to: Uint8Array, coins: readonly BigCoin[]): void {
    const left = subDec(this.getCommunityPool(ctx), decCoinsFromCoins(coins));
    if (anyNegative(left)) throw distrError(DistrErr.BadDistribution);
    this.setCommunityPool(ctx, left);
    this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, to, coins);
  }

  // ---- withdraw address ----

  /** Where a delegator's rewards go (itself by default). */
  getWithdrawAddr(ctx: Context, del: Uint8Array): Uint8Array {
    return ctx.kv(STORE_PREFIX).get(key(WITHDRAW_ADDR, lp(del))) ?? del;
  }

  /** Set a delegator's withdraw address (removed when it is the delegator). */
  setWithdrawAddr(ctx: Context, del: Uint8Array, to: Uint8Array): void {
    const k = key(WITHDRAW_ADDR, lp(del));
    if (Buffer.compare(del, to) === 0) ctx.kv(STORE_PREFIX).delete(k);
    else ctx.kv(STORE_PREFIX).set(k, to);
  }

  /** Every explicit withdraw address. */
  withdrawAddrs(ctx: Context): { del: Uint8Array; to: Uint8Array }[] {
    const [s, e] = prefixRange(WITHDRAW_ADDR);
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k, v]) => ({
      del: splitLp(k, 1)[0]!,
      to: Uint8Array.from(v),
    }));
  }

  // ---- per-validator records ----

  private getDecs(ctx: Context, prefix: number, val: Uint8Array): DecCoin[] {
    const bz = ctx.kv(STORE_PREFIX).get(key(prefix, lp(val)));
    if (bz === undefined) return [];
    if (prefix === OUTSTANDING) return fromProtoDecCoins(ValidatorOutstandingRewards.decode(bz).rewards);
    return fromProtoDecCoins(ValidatorAccumulatedCommission.decode(bz).commission);
  }

  /** Outstanding (not yet withdrawn) rewards of a validator, commission included. */
  getOutstanding(ctx: Context, val: Uint8Array): DecCoin[] {
    return this.getDecs(ctx, OUTSTANDING, val);
  }

  /** Set outstanding rewards. */
  setOutstanding(ctx: Context, val: Uint8Array, r: DecCoin[]): void {
    ctx
      .kv(STORE_PREFIX)
      .set(
        key(OUTSTANDING, lp(val)),
        ValidatorOutstandingRewards.encode({ rewards: toProtoDecCoins(r) }).finish(),
      );
  }

  /** Accumulated commission. */
  getCommission(ctx: Context, val: Uint8Array): DecCoin[] {
    return this.getDecs(ctx, COMMISSION, val);
  }

  /** Set accumulated commission. */
  setCommission(ctx: Context, val: Uint8Array, c: DecCoin[]): void {
    ctx
      .kv(STORE_PREFIX)
      .set(
        key(COMMISSION, lp(val)),
        ValidatorAccumulatedCommission.encode({ commission: toProtoDecCoins(c) }).finish(),
      );
  }

  /** True when distribution tracks the validator. */
  hasValidator(ctx: Context, val: Uint8Array): boolean {
    return ctx.kv(STORE_PREFIX).has(key(CURRENT, lp(val)));
  }

  /** Current rewards and period. */
  getCurrent(ctx: Context, val: Uint8Array): { rewards: DecCoin[]; period: bigint } {
    const bz = ctx.kv(STORE_PREFIX).get(key(CURRENT, lp(val)));
    if (bz === undefined) return { rewards: [], period: 0n };
    const c = ValidatorCurrentRewards.decode(bz);
    return { rewards: fromProtoDecCoins(c.rewards), period: c.period };
  }

  /** Set current rewards. */
  setCurrent(ctx: Context, val: Uint8Array, rewards: DecCoin[], period: bigint): void {
    ctx
      .kv(STORE_PREFIX)
      .set(
        key(CURRENT, lp(val)),
        ValidatorCurrentRewards.encode({ rewards: toProtoDecCoins(rewards), period }).finish(),
      );
  }

  /** Historical rewards of a period. */
  getHistorical(
    ctx: Context,
    val: Uint8Array,
    period: bigint,
  ): { ratio: DecCoin[]; refs: number } | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(HISTORICAL, lp(val), uint64BE(period)));
    if (bz === undefined) return undefined;
    const h = ValidatorHistoricalRewards.decode(bz);
    return { ratio: fromProtoDecCoins(h.cumulativeRewardRatio), refs: h.referenceCount };
  }

  /** Set historical rewards of a period. */
  setHistorical(ctx: Context, val: Uint8Array, period: bigint, ratio: DecCoin[], refs: number): void {
    ctx.kv(STORE_PREFIX).set(
      key(HISTORICAL, lp(val), uint64BE(period)),
      ValidatorHistoricalRewards.encode({
        cumulativeRewardRatio: toProtoDecCoins(ratio),
        referenceCount: refs,
      }).finish(),
    );
  }

  private incrementRef(ctx: Context, val: Uint8Array, period: bigint): void {
    const h = this.getHistorical(ctx, val, period);
    if (!h) throw new Error(`historical rewards of period ${period} missing`);
    this.setHistorical(ctx, val, period, h.ratio, h.refs + 1);
  }

  private decrementRef(ctx: Context, val: Uint8Array, period: bigint): void {
    const h = this.getHistorical(ctx, val, period);
    if (!h) throw new Error(`historical rewards of period ${period} missing`);
    if (h.refs <= 1) ctx.kv(STORE_PREFIX).delete(key(HISTORICAL, lp(val), uint64BE(period)));
    else this.setHistorical(ctx, val, period, h.ratio, h.refs - 1);
  }

  /** Delegator starting info. */
  getStartingInfo(ctx: Context, val: Uint8Array, del: Uint8Array): DelegatorStartingInfo | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(key(STARTING_INFO, lp(val), lp(del)));
    return bz === undefined ? undefined : DelegatorStartingInfo.decode(bz);
  }

  /** Set delegator starting info. */
  setStartingInfo(ctx: Context, val: Uint8Array, del: Uint8Array, i: DelegatorStartingInfo): void {
    ctx.kv(STORE_PREFIX).set(key(STARTING_INFO, lp(val), lp(del)), DelegatorStartingInfo.encode(i).finish());
  }

  /** Slash events of a validator between heights (inclusive), in order. */
  slashEvents(
    ctx: Context,
    val: Uint8Array,
    from: bigint,
    to: bigint,
  ): { height: bigint; event: ValidatorSlashEvent }[] {
    const [s] = prefixRange(SLASH_EVENT, lp(val), uint64BE(from));
    const [, e] = prefixRange(SLASH_EVENT, lp(val), uint64BE(to));
    const base = 1 + 1 + val.length;
    return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k, v]) => ({
      height: readUint64BE(k, base),
      event: ValidatorSlashEvent.decode(v),
    }));
  }

  /** Store a slash event. */
  setSlashEvent(
    ctx: Context,
    val: Uint8Array,
    height: bigint,
    period: bigint,
    ev: ValidatorSlashEvent,
  ): void {
    ctx
      .kv(STORE_PREFIX)
      .set(
        key(SLASH_EVENT, lp(val), uint64BE(height), uint64BE(period)),
        ValidatorSlashEvent.encode(ev).finish(),
      );
  }

  // ---- F1 ----

  /** Start tracking a validator (SDK `initializeValidator`). */
  initializeValidator(ctx: Context, val: Uint8Array): void {
    this.setHistorical(ctx, val, 0n, [], 1);
    this.setCurrent(ctx, val, [], 1n);
    this.setCommission(ctx, val, []);
    this.setOutstanding(ctx, val, []);
  }

  /** Close the current period; returns it (SDK `IncrementValidatorPeriod`). */
  incrementValidatorPeriod(ctx: Context, val: Uint8Array): bigint {
    const v = this.staking.getValidator(ctx, val);
    const cur = this.getCurrent(ctx, val);
    let current: DecCoin[];
    const tokens = v ? tokensOf(v) : 0n;
    if (tokens === 0n) {
      this.addToCommunityPool(ctx, cur.rewards);
      this.setOutstanding(ctx, val, subDec(this.getOutstanding(ctx, val), cur.rewards));
      current = [];
    } else {
      current = quoDecCoinsTrunc(cur.rewards, decFromInt(tokens));
    }
    const prev = this.getHistorical(ctx, val, cur.period - 1n);
    if (!prev) throw new Error(`historical rewards of period ${cur.period - 1n} missing`);
    this.decrementRef(ctx, val, cur.period - 1n);
    this.setHistorical(ctx, val, cur.period, addDec(prev.ratio, current), 1);
    this.setCurrent(ctx, val, [], cur.period + 1n);
    return cur.period;
  }

  private initializeDelegation(ctx: Context, val: Uint8Array, del: Uint8Array): void {
    const prev = this.getCurrent(ctx, val).period - 1n;
    this.incrementRef(ctx, val, prev);
    const v = this.staking.getValidator(ctx, val);
    const d = this.staking.getDelegation(ctx, del, val);
    const stake = v && d ? tokensFromSharesTruncated(v, BigInt(d.shares)) : 0n;
    this.setStartingInfo(ctx, val, del, {
      previousPeriod: prev,
      stake: stake.toString(),
      height: BigInt(ctx.header.height),
    });
  }

  private rewardsBetween(
    ctx: Context,
    val: Uint8Array,
    start: bigint,
    end: bigint,
    stake: bigint,
  ): DecCoin[] {
    const s = this.getHistorical(ctx, val, start);
    const e = this.getHistorical(ctx, val, end);
    if (!s || !e) throw new Error("historical rewards missing");
    const diff = subDec(e.ratio, s.ratio);
    if (anyNegative(diff)) throw new Error("negative rewards should not be possible");
    return mulDecCoinsTrunc(diff, stake);
  }

  /** Rewards of a delegation up to `endingPeriod` (SDK `CalculateDelegationRewards`). */
  calculateDelegationRewards(
    ctx: Context,
    val: Uint8Array,
    del: Uint8Array,
    endingPeriod: bigint,
  ): DecCoin[] {
    const info = this.getStartingInfo(ctx, val, del);
    if (!info || info.height === BigInt(ctx.header.height)) return [];
    let startPeriod = info.previousPeriod;
    let stake = BigInt(info.stake);
    let rewards: DecCoin[] = [];
    const height = BigInt(ctx.header.height);
    if (height > info.height) {
      for (const { event } of this.slashEvents(ctx, val, info.height, height)) {
        const end = event.validatorPeriod;
        if (end > startPeriod) {
          rewards = addDec(rewards, this.rewardsBetween(ctx, val, startPeriod, end, stake));
          stake = decMulTrunc(stake, ONE - BigInt(event.fraction));
          startPeriod = end;
        }
      }
    }
    const v = this.staking.getValidator(ctx, val);
    const d = this.staking.getDelegation(ctx, del, val);
    const current = v && d ? tokensFromShares(v, BigInt(d.shares)) : 0n;
    if (stake > current) stake = current;
    return addDec(rewards, this.rewardsBetween(ctx, val, startPeriod, endingPeriod, stake));
  }

  /** Withdraw a delegation's rewards to its withdraw address (SDK `withdrawDelegationRewards`). */
  withdrawDelegationRewards(ctx: Context, val: Uint8Array, del: Uint8Array): BigCoin[] {
    if (!this.getStartingInfo(ctx, val, del)) throw distrError(DistrErr.EmptyDelegationDistInfo);
    const end = this.incrementValidatorPeriod(ctx, val);
    const raw = this.calculateDelegationRewards(ctx, val, del, end);
    const outstanding = this.getOutstanding(ctx, val);
    const rewards = intersectDec(raw, outstanding);
    const { coins, change } = truncateDecCoins(rewards);
    if (coins.length > 0)
      this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, this.getWithdrawAddr(ctx, del), coins);
    this.setOutstanding(ctx, val, subDec(outstanding, rewards));
    this.addToCommunityPool(ctx, change);
    const info = this.getStartingInfo(ctx, val, del)!;
    this.decrementRef(ctx, val, info.previousPeriod);
    ctx.kv(STORE_PREFIX).delete(key(STARTING_INFO, lp(val), lp(del)));
    ctx.events.emit(
      makeEvent("withdraw_rewards", [
        ["amount", coins.length > 0 ? coinsToString(coins) : `0${this.staking.bondDenom(ctx)}`],
        ["validator", bech32Of(ctx.chain.valoperPrefix, val)],
        ["delegator", bech32Of(ctx.chain.bech32Prefix, del)],
      ]),
    );
    return coins;
  }

  /** Withdraw a delegation's rewards and start a new accrual (SDK `WithdrawDelegationRewards`). */
  withdrawDelegatorReward(ctx: Context, val: Uint8Array, del: Uint8Array): BigCoin[] {
    const coins = this.withdrawDelegationRewards(ctx, val, del);
    this.initializeDelegation(ctx, val, del);
    return coins;
  }

  /** Withdraw a validator's accumulated commission to the operator's withdraw address. */
  withdrawValidatorCommission(ctx: Context, val: Uint8Array): BigCoin[] {
    const acc = this.getCommission(ctx, val);
    if (acc.length === 0) throw distrError(DistrErr.NoValidatorCommission);
    const { coins, change } = truncateDecCoins(acc);
    this.setCommission(ctx, val, change);
    this.setOutstanding(ctx, val, subDec(this.getOutstanding(ctx, val), decCoinsFromCoins(coins)));
    if (coins.length > 0)
      this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, this.getWithdrawAddr(ctx, val), coins);
    ctx.events.emit(makeEvent("withdraw_commission", [["amount", coinsToString(coins)]]));
    return coins;
  }

  /** Add rewards to a validator: commission to it, the rest to its delegators' current period. */
  allocateTokensToValidator(ctx: Context, val: Uint8Array, rate: bigint, tokens: DecCoin[]): void {
    const commission = mulDecCoins(tokens, rate);
    const shared = subDec(tokens, commission);
    const valStr = bech32Of(ctx.chain.valoperPrefix, val);
    ctx.events.emit(
      makeEvent("commission", [
        ["amount", decCoinsToString(commission)],
        ["validator", valStr],
      ]),
    );
    this.setCommission(ctx, val, addDec(this.getCommission(ctx, val), commission));
    const cur = this.getCurrent(ctx, val);
    this.setCurrent(ctx, val, addDec(cur.rewards, shared), cur.period);
    ctx.events.emit(
      makeEvent("rewards", [
        ["amount", decCoinsToString(tokens)],
        ["validator", valStr],
      ]),
    );
    this.setOutstanding(ctx, val, addDec(this.getOutstanding(ctx, val), tokens));
  }

  /**
   * Begin block (height > 1): move the reward stream and the collected fees into distribution, then
   * split them by the power of the previous block's signers, less community tax (SDK `AllocateTokens`).
   */
  allocateTokens(ctx: Context): void {
    if (ctx.header.height <= 1) return;
    const denom = this.staking.bondDenom(ctx);
    const perBlock = this.getRewardPerBlock(ctx);
    if (perBlock > 0n) {
      const have = this.bank.getBalance(ctx, moduleAddressOf(REWARD_SOURCE), denom);
      // biome-ignore lint/complexity/useMathMinMax: bigint
      const amt = have < perBlock ? have : perBlock;
      if (amt > 0n) {
        this.bank.sendCoinsFromModuleToModule(ctx, REWARD_SOURCE, FEE_COLLECTOR, [{ denom, amount: amt }]);
        ctx.events.emit(
          makeEvent("reward_stream", [
            ["amount", `${amt}${denom}`],
            ["source", REWARD_SOURCE],
          ]),
        );
      }
    }
    const feesInt = this.bank.getAllBalances(ctx, moduleAddressOf(FEE_COLLECTOR));
    if (feesInt.length === 0) return;
    this.bank.sendCoinsFromModuleToModule(ctx, FEE_COLLECTOR, MODULE_NAME, feesInt);
    const fees = decCoinsFromCoins(feesInt);
    const votes = (ctx.header.lastCommit?.votes ?? []).filter((v) => v.blockIdFlag === BlockIdFlag.Commit);
    let total = 0n;
    for (const v of votes) total += v.power;
    if (total === 0n) {
      this.addToCommunityPool(ctx, fees);
      return;
    }
    let remaining = fees;
    const tax = BigInt(this.getParams(ctx).communityTax || "0");
    const feeMultiplier = mulDecCoinsTrunc(fees, ONE - tax);
    for (const vote of votes) {
      const v = this.staking.getValidatorByConsAddr(ctx, vote.address);
      if (!v) continue;
      const fraction = decQuoTrunc(decFromInt(vote.power), decFromInt(total));
      const reward = mulDecCoinsTrunc(feeMultiplier, fraction);
      this.allocateTokensToValidator(ctx, valAddrOf(v), BigInt(v.commission.commissionRates.rate), reward);
      remaining = subDec(remaining, reward);
    }
    this.addToCommunityPool(ctx, remaining);
  }

  // ---- hooks ----

  private hooks(): StakingHooks {
    return {
      afterValidatorCreated: (ctx, val) => this.initializeValidator(ctx, val),
      afterValidatorRemoved: (ctx, _cons, val) => this.afterValidatorRemoved(ctx, val),
      beforeDelegationCreated: (ctx, _del, val) => {
        this.incrementValidatorPeriod(ctx, val);
      },
      beforeDelegationSharesModified: (ctx, del, val) => {
        this.withdrawDelegationRewards(ctx, val, del);
      },
      afterDelegationModified: (ctx, del, val) => this.initializeDelegation(ctx, val, del),
      beforeValidatorSlashed: (ctx, val, fraction) => {
        const period = this.incrementValidatorPeriod(ctx, val);
        this.incrementRef(ctx, val, period);
        this.setSlashEvent(ctx, val, BigInt(ctx.header.height), period, {
          validatorPeriod: period,
          fraction: fraction.toString(),
        });
      },
    };
  }

  private afterValidatorRemoved(ctx: Context, val: Uint8Array): void {
    let outstanding = this.getOutstanding(ctx, val);
    const commission = this.getCommission(ctx, val);
    if (commission.length > 0) {
      outstanding = subDec(outstanding, commission);
      const { coins, change } = truncateDecCoins(commission);
      this.addToCommunityPool(ctx, change);
      if (coins.length > 0)
        this.bank.sendCoinsFromModuleToAccount(ctx, MODULE_NAME, this.getWithdrawAddr(ctx, val), coins);
    }
    this.addToCommunityPool(ctx, outstanding);
    const store = ctx.kv(STORE_PREFIX);
    for (const p of [OUTSTANDING, COMMISSION, CURRENT]) store.delete(key(p, lp(val)));
    for (const p of [HISTORICAL, SLASH_EVENT]) {
      const [s, e] = prefixRange(p, lp(val));
      for (const k of [...store.iterator(s, e)].map(([k]) => Uint8Array.from(k))) store.delete(k);
    }
  }
}
