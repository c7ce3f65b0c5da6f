/** The staking module: genesis (bonding the initial set), historical info, end-block set updates, invariants. */
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "../../abci/types.js";
import { moduleAddressOf } from "../../app/addressCache.js";
import type { AppModule, ChainConfig, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { utf8 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { parseStakingGenesis, stakingGenesisToJson } from "./genesis.js";
import { consPubKeyBytes, type StakingKeeper, sharesOf, tokensOf } from "./keeper.js";
import {
  BONDED_POOL,
  key,
  LAST_POWER,
  LAST_TOTAL_POWER_KEY,
  lp,
  MODULE_NAME,
  NOT_BONDED_POOL,
  RED_QUEUE,
  STORE_PREFIX,
  timeBytes,
  UBD_QUEUE,
  VAL_QUEUE,
} from "./keys.js";
import { stakingMsgDefs } from "./msgServer.js";
import { defaultStakingParams } from "./params.js";
import { registerStakingQueries } from "./queryServer.js";

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `invalid staking genesis: ${msg}`);
}

/** Sums the invariants compare. */
function poolSums(ctx: Context, keeper: StakingKeeper): { bonded: bigint; notBonded: bigint } {
  let bonded = 0n;
  let notBonded = 0n;
  for (const v of keeper.allValidators(ctx)) {
    if (v.status === BondStatus.BOND_STATUS_BONDED) bonded += tokensOf(v);
    else notBonded += tokensOf(v);
  }
  for (const u of keeper.readUBDs(ctx.kv(STORE_PREFIX)))
    for (const e of u.entries) notBonded += BigInt(e.balance);
  return { bonded, notBonded };
}

/** staking's invariants: pools match tokens; delegation shares add up to validator shares. */
export function stakingInvariants(keeper: StakingKeeper): Invariant[] {
  return [
    {
      name: "staking/module-accounts",
      check(ctx) {
        const { bonded, notBonded } = poolSums(ctx, keeper);
        const denom = keeper.bondDenom(ctx);
        const b = keeper.bank.getBalance(ctx, moduleAddressOf(BONDED_POOL), denom);
        const nb = keeper.bank.getBalance(ctx, moduleAddressOf(NOT_BONDED_POOL), denom);
        if (b !== bonded) return `bonded pool ${b} != bonded tokens ${bonded}`;
        if (nb !== notBonded) return `not-bonded pool ${nb} != not-bonded tokens ${notBonded}`;
        return undefined;
      },
    },
    {
      name: "staking/delegator-shares",
      check(ctx) {
        const sums = new Map<string, bigint>();
        for (const d of keeper.readDelegations(ctx.kv(STORE_PREFIX))) {
          if (BigInt(d.shares) <= 0n)
            return `non-positive delegation ${d.delegatorAddress}/${d.validatorAddress}`;
          sums.set(d.validatorAddress, (sums.get(d.validatorAddress) ?? 0n) + BigInt(d.shares));
        }
        for (const v of keeper.allValidators(ctx)) {
          const s = sums.get(v.operatorAddress) ?? 0n;
          if (s !== sharesOf(v))
            return `validator ${v.operatorAddress} shares ${sharesOf(v)} != delegations ${s}`;
          if (tokensOf(v) < 0n) return `validator ${v.operatorAddress} has negative tokens`;
        }
        return undefined;
      },
    },
  ];
}

/** staking as an AppModule. */
export class StakingModule implements AppModule {
  /** `staking`. */
  readonly name = MODULE_NAME;
  /** The pools. */
  readonly moduleAccounts = [
    { name: BONDED_POOL, permissions: ["burner", "staking"] },
    { name: NOT_BONDED_POOL, permissions: ["burner", "staking"] },
  ];
  /** Pool and share invariants. */
  readonly invariants: readonly Invariant[];

  /** Wrap the keeper. */
  constructor(readonly keeper: StakingKeeper) {
    this.invariants = stakingInvariants(keeper);
  }

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const d of stakingMsgDefs(this.keeper)) r.registerMsg(d);
    registerStakingQueries(r, this.keeper);
  }

  /** Default params, no validators. */
  defaultGenesis(chain: ChainConfig): unknown {
    return stakingGenesisToJson({
      params: defaultStakingParams(chain.bondDenom),
      lastTotalPower: 0n,
      lastValidatorPowers: [],
      validators: [],
      delegations: [],
      unbondingDelegations: [],
      redelegations: [],
      exported: false,
    });
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    const g = parseStakingGenesis(json, chain.bondDenom);
    for (const v of g.validators) decodeAddress(v.operatorAddress, chain.valoperPrefix);
  }

  /** Import validators, delegations and entries; bond the initial set and return it. */
  initGenesis(ctx: Context, json: unknown): ValidatorUpdate[] {
    const g = parseStakingGenesis(json, ctx.chain.bondDenom);
    const k = this.keeper;
    const store = ctx.kv(STORE_PREFIX);
    const hooks = !g.exported;
    k.setParams(ctx, g.params);
    for (const v of g.validators) {
      const val = decodeAddress(v.operatorAddress, ctx.chain.valoperPrefix);
      if (k.getValidator(ctx, val)) throw bad(`duplicate validator ${v.operatorAddress}`);
      k.setValidator(ctx, v);
      k.setValidatorByConsAddr(ctx, v);
      if (v.status === BondStatus.BOND_STATUS_UNBONDING)
        store.set(key(VAL_QUEUE, timeBytes(v.unbondingTime), lp(val)), new Uint8Array());
      if (hooks) k.afterValidatorCreated(ctx, val);
    }
    for (const d of g.delegations) {
      const del = decodeAddress(d.delegatorAddress, ctx.chain.bech32Prefix);
      const val = decodeAddress(d.validatorAddress, ctx.chain.valoperPrefix);
      if (!k.getValidator(ctx, val)) throw bad(`delegation to unknown validator ${d.validatorAddress}`);
      k.importDelegation(ctx, d, del, val, hooks);
    }
    for (const u of g.unbondingDelegations) {
      const del = decodeAddress(u.delegatorAddress, ctx.chain.bech32Prefix);
      const val = decodeAddress(u.validatorAddress, ctx.chain.valoperPrefix);
      k.setUBD(ctx, u, del, val);
      for (const e of u.entries)
        store.set(key(UBD_QUEUE, timeBytes(e.completionTime), lp(del), lp(val)), new Uint8Array());
    }
    for (const r of g.redelegations) {
      const del = decodeAddress(r.delegatorAddress, ctx.chain.bech32Prefix);
      const src = decodeAddress(r.validatorSrcAddress, ctx.chain.valoperPrefix);
      const dst = decodeAddress(r.validatorDstAddress, ctx.chain.valoperPrefix);
      k.setRedelegation(ctx, r, del, src, dst);
      for (const e of r.entries)
        store.set(key(RED_QUEUE, timeBytes(e.completionTime), lp(del), lp(src), lp(dst)), new Uint8Array());
    }
    const { bonded, notBonded } = poolSums(ctx, k);
    const denom = g.params.bondDenom;
    const b = k.bank.getBalance(ctx, moduleAddressOf(BONDED_POOL), denom);
    const nb = k.bank.getBalance(ctx, moduleAddressOf(NOT_BONDED_POOL), denom);
    if (b !== bonded) throw bad(`bonded pool balance ${b} is different from bonded coins ${bonded}`);
    if (nb !== notBonded)
      throw bad(`not bonded pool balance ${nb} is different from not bonded coins ${notBonded}`);
    if (!g.exported) return k.applyValidatorSetUpdates(ctx);
    const updates: ValidatorUpdate[] = [];
    for (const p of g.lastValidatorPowers) {
      const val = decodeAddress(p.address, ctx.chain.valoperPrefix);
      const v = k.getValidator(ctx, val);
      if (!v) throw bad(`last power of unknown validator ${p.address}`);
      store.set(key(LAST_POWER, lp(val)), utf8(p.power.toString()));
      updates.push({ pubKey: consPubKeyBytes(v), power: p.power });
    }
    store.set(LAST_TOTAL_POWER_KEY, utf8(g.lastTotalPower.toString()));
    return updates;
  }

  /** Export the whole staking state. */
  exportGenesis(ctx: Context): unknown {
    const k = this.keeper;
    const store = ctx.kv(STORE_PREFIX);
    const powers = [...k.lastPowers(ctx).entries()].map(([hex, power]) => ({
      address: toBech32(ctx.chain.valoperPrefix, Buffer.from(hex, "hex")),
      power,
    }));
    return stakingGenesisToJson({
      params: k.getParams(ctx),
      lastTotalPower: k.lastTotalPower(ctx),
      lastValidatorPowers: powers,
      validators: k.allValidators(ctx),
      delegations: [...k.readDelegations(store)],
      unbondingDelegations: [...k.readUBDs(store)],
      redelegations: [...k.readRedelegations(store)],
      exported: true,
    });
  }

  /** Record historical info. */
  beginBlock(ctx: Context): void {
    this.keeper.trackHistoricalInfo(ctx);
  }

  /** The bonded set's changes; matured unbondings and redelegations. */
  endBlock(ctx: Context): ValidatorUpdate[] {
    return this.keeper.endBlock(ctx);
  }
}
