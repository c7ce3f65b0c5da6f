/** Building the gov module over lazily available bank, staking and router (the app builds them later). */
import type { BigCoin } from "../../app/coins.js";
import type { Context, MsgDef } from "../../app/types.js";
import type { GovBankKeeper, GovStakingKeeper } from "./expectedKeepers.js";
import { GovKeeper } from "./keeper.js";
import { GovModule } from "./module.js";

/** The bank operations gov uses, plus a balance read for its invariant. */
export interface GovBank extends GovBankKeeper {
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
}

/** What `createGovModule` needs; each is called lazily, at first use. */
export interface GovDeps {
  bank: () => GovBank;
  staking: () => GovStakingKeeper;
  /** The app's message router, e.g. `(u) => app.msgDef(u)`. */
  router: (typeUrl: string) => MsgDef<unknown> | undefined;
}

/** The gov module and keeper over lazy dependencies. */
export function createGovModule(deps: GovDeps): GovModule {
  const bank: GovBank = {
    getBalance: (ctx, a, d) => deps.bank().getBalance(ctx, a, d),
    sendCoinsFromAccountToModule: (ctx: Context, f: Uint8Array, m: string, c: readonly BigCoin[]) =>
      deps.bank().sendCoinsFromAccountToModule(ctx, f, m, c),
    sendCoinsFromModuleToAccount: (ctx: Context, m: string, t: Uint8Array, c: readonly BigCoin[]) =>
      deps.bank().sendCoinsFromModuleToAccount(ctx, m, t, c),
    burnCoins: (ctx: Context, m: string, c: readonly BigCoin[]) => deps.bank().burnCoins(ctx, m, c),
  };
  const staking: GovStakingKeeper = {
    lastValidators: (ctx) => deps.staking().lastValidators(ctx),
    delegatorDelegations: (ctx, d) => deps.staking().delegatorDelegations(ctx, d),
  };
  const keeper = new GovKeeper(bank, staking, deps.router);
  return new GovModule(keeper, (ctx, a, d) => bank.getBalance(ctx, a, d));
}
