/**
 * Composition of the proof-of-stake modules: one staking keeper, distribution and slashing keepers
 * hooked to it, and the three AppModules in the order the app must run them (distribution, staking,
 * slashing: genesis, begin-block and end-block order). Bank is reached lazily, so the stack can be
 * built before the app that owns the bank keeper.
 */
import type { BigCoin } from "../../app/coins.js";
import type { AppModule, Context } from "../../app/types.js";
import type { BankKeeper } from "../bank/keeper.js";
import { DistributionKeeper } from "../distribution/keeper.js";
import { DistributionModule } from "../distribution/module.js";
import { SlashingKeeper } from "../slashing/keeper.js";
import { SlashingModule } from "../slashing/module.js";
import { StakingKeeper } from "./keeper.js";
import { StakingModule } from "./module.js";

/** The keepers and modules of the proof-of-stake stack. */
export interface StakingStack {
  staking: StakingKeeper;
  distribution: DistributionKeeper;
  slashing: SlashingKeeper;
  /** distribution, staking, slashing — add them to the app in this order. */
  modules: AppModule[];
}

/** A bank adapter over a lazily available bank keeper. */
function lazyBank(bank: () => BankKeeper) {
  return {
    getBalance: (ctx: Context, a: Uint8Array, d: string) => bank().getBalance(ctx, a, d),
    getAllBalances: (ctx: Context, a: Uint8Array) => bank().getAllBalances(ctx, a),
    isBlocked: (a: Uint8Array) => bank().isBlocked(a),
    sendCoinsFromAccountToModule: (ctx: Context, f: Uint8Array, m: string, c: readonly BigCoin[]) =>
      bank().sendCoinsFromAccountToModule(ctx, f, m, c),
    sendCoinsFromModuleToAccount: (ctx: Context, m: string, t: Uint8Array, c: readonly BigCoin[]) =>
      bank().sendCoinsFromModuleToAccount(ctx, m, t, c),
    sendCoinsFromModuleToModule: (ctx: Context, f: string, t: string, c: readonly BigCoin[]) =>
      bank().sendCoinsFromModuleToModule(ctx, f, t, c),
    burnCoins: (ctx: Context, m: string, c: readonly BigCoin[]) => bank().burnCoins(ctx, m, c),
  };
}

/** Build the stack over `bank` (called lazily, e.g. `() => app.bankKeeper`). */
export function createStakingStack(bank: () => BankKeeper): StakingStack {
  const b = lazyBank(bank);
  const staking = new StakingKeeper(b);
  const distribution = new DistributionKeeper(b, staking);
  const slashing = new SlashingKeeper(staking);
  return {
    staking,
    distribution,
    slashing,
    modules: [new DistributionModule(distribution), new StakingModule(staking), new SlashingModule(slashing)],
  };
}
