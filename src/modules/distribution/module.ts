/** The distribution module: genesis, begin-block allocation, invariants. */
import { moduleAddressOf } from "../../app/addressCache.js";
import type { DecCoin } from "../../app/coins.js";
import type { AppModule, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { readUint64BE } from "../../types/bytes.js";
import { addDec, anyNegative, decCoinsFromCoins, decCoinsToString, subDec } from "../staking/dec.js";
import { prefixRange, splitLp } from "../staking/keys.js";
import { defaultDistrGenesis, distrGenesisToJson, parseDistrGenesis } from "./genesis.js";
import type { DistributionKeeper } from "./keeper.js";
import {
  COMMISSION,
  CURRENT,
  HISTORICAL,
  MODULE_NAME,
  OUTSTANDING,
  STARTING_INFO,
  STORE_PREFIX,
} from "./keys.js";
import { distrMsgDefs } from "./msgServer.js";
import { registerDistrQueries } from "./queryServer.js";

function valsOf(ctx: Context, prefix: number): Uint8Array[] {
  const [s, e] = prefixRange(prefix);
  return [...ctx.kv(STORE_PREFIX).iterator(s, e)].map(([k]) => splitLp(k, 1)[0]!);
}

/** distribution's invariants: no negative outstanding rewards; module balance = outstanding + community pool. */
export function distrInvariants(keeper: DistributionKeeper): Invariant[] {
  return [
    {
      name: "distribution/nonnegative-outstanding",
      check(ctx) {
        for (const v of valsOf(ctx, OUTSTANDING))
          if (anyNegative(keeper.getOutstanding(ctx, v)))
            return `negative outstanding rewards of ${toBech32(ctx.chain.valoperPrefix, v)}`;
        return undefined;
      },
    },
    {
      name: "distribution/module-account",
      check(ctx) {
        let expected: DecCoin[] = keeper.getCommunityPool(ctx);
        for (const v of valsOf(ctx, OUTSTANDING)) expected = addDec(expected, keeper.getOutstanding(ctx, v));
        const bal = decCoinsFromCoins(keeper.bank.getAllBalances(ctx, moduleAddressOf(MODULE_NAME)));
        const diff = subDec(bal, expected);
        return diff.length === 0
          ? undefined
          : `module balance ${decCoinsToString(bal)} != expected ${decCoinsToString(expected)}`;
      },
    },
  ];
}

/** distribution as an AppModule (before staking in genesis order, so staking's genesis hooks find it ready). */
export class DistributionModule implements AppModule {
  /** `distribution`. */
  readonly name = MODULE_NAME;
  /** Invariants. */
  readonly invariants: readonly Invariant[];

  /** Wrap the keeper. */
  constructor(readonly keeper: DistributionKeeper) {
    this.invariants = distrInvariants(keeper);
  }

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const d of distrMsgDefs(this.keeper)) r.registerMsg(d);
    registerDistrQueries(r, this.keeper);
  }

  /** Default params and reward stream. */
  defaultGenesis(): unknown {
    return distrGenesisToJson(defaultDistrGenesis());
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown): void {
    parseDistrGenesis(json);
  }

  /** Import. */
  initGenesis(ctx: Context, json: unknown): undefined {
    const g = parseDistrGenesis(json);
    const k = this.keeper;
    const acc = (s: string) => decodeAddress(s, ctx.chain.bech32Prefix);
    const val = (s: string) => decodeAddress(s, ctx.chain.valoperPrefix);
    k.setParams(ctx, g.params);
    k.setCommunityPool(ctx, g.communityPool);
    k.setRewardPerBlock(ctx, g.rewardPerBlock);
    for (const w of g.withdrawInfos) k.setWithdrawAddr(ctx, acc(w.delegator), acc(w.withdraw));
    for (const o of g.outstanding) k.setOutstanding(ctx, val(o.validator), o.rewards);
    for (const c of g.commissions) k.setCommission(ctx, val(c.validator), c.commission);
    for (const h of g.historical) k.setHistorical(ctx, val(h.validator), h.period, h.ratio, h.refs);
    for (const c of g.current) k.setCurrent(ctx, val(c.validator), c.rewards, c.period);
    for (const s of g.startingInfos)
      k.setStartingInfo(ctx, val(s.validator), acc(s.delegator), {
        previousPeriod: s.previousPeriod,
        stake: s.stake.toString(),
        height: s.height,
      });
    for (const e of g.slashEvents)
      k.setSlashEvent(ctx, val(e.validator), e.height, e.period, {
        validatorPeriod: e.period,
        fraction: e.fraction.toString(),
      });
    return undefined;
  }

  /** Export the whole distribution state. */
  exportGenesis(ctx: Context): unknown {
    const k = this.keeper;
    const store = ctx.kv(STORE_PREFIX);
    const vs = (b: Uint8Array) => toBech32(ctx.chain.valoperPrefix, b);
    const as = (b: Uint8Array) => toBech32(ctx.chain.bech32Prefix, b);
    const g = defaultDistrGenesis();
    g.params = k.getParams(ctx);
    g.communityPool = k.getCommunityPool(ctx);
    g.rewardPerBlock = k.getRewardPerBlock(ctx);
    g.withdrawInfos = k.withdrawAddrs(ctx).map((w) => ({ delegator: as(w.del), withdraw: as(w.to) }));
    g.outstanding = valsOf(ctx, OUTSTANDING).map((v) => ({
      validator: vs(v),
      rewards: k.getOutstanding(ctx, v),
    }));
    g.commissions = valsOf(ctx, COMMISSION).map((v) => ({
      validator: vs(v),
      commission: k.getCommission(ctx, v),
    }));
    g.current = valsOf(ctx, CURRENT).map((v) => ({ validator: vs(v), ...k.getCurrent(ctx, v) }));
    const [hs, he] = prefixRange(HISTORICAL);
    for (const [key] of store.iterator(hs, he)) {
      const v = splitLp(key.subarray(0, 2 + key[1]!), 1)[0]!;
      const period = readUint64BE(key, 2 + v.length);
      const h = k.getHistorical(ctx, v, period)!;
      g.historical.push({ validator: vs(v), period, ratio: h.ratio, refs: h.refs });
    }
    const [ss, se] = prefixRange(STARTING_INFO);
    for (const [key] of store.iterator(ss, se)) {
      const [v, d] = splitLp(key, 1);
      const i = k.getStartingInfo(ctx, v!, d!)!;
      g.startingInfos.push({
        delegator: as(d!),
        validator: vs(v!),
        previousPeriod: i.previousPeriod,
        stake: BigInt(i.stake),
        height: i.height,
      });
    }
    for (const v of valsOf(ctx, CURRENT)) {
      for (const e of k.slashEvents(ctx, v, 0n, 2n ** 63n)) {
        g.slashEvents.push({
          validator: vs(v),
          height: e.height,
          period: e.event.validatorPeriod,
          fraction: BigInt(e.event.fraction),
        });
      }
    }
    return distrGenesisToJson(g);
  }

  /** Allocate the previous block's fees and this block's reward stream. */
  beginBlock(ctx: Context): void {
    this.keeper.allocateTokens(ctx);
  }
}
