/** The models module: registered models, training bounties and serving operators (genesis, msgs, queries). */

import { moduleAddressOf } from "../../app/addressCache.js";
import type { AppModule, ChainConfig, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import type { ModelsBankKeeper, ModelsCommunityPool, ModelsDatanetsKeeper } from "./expectedKeepers.js";
import {
  defaultModelsGenesis,
  exportModelsGenesis,
  initModelsGenesis,
  parseModelsGenesis,
} from "./genesis.js";
import { ModelsKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { modelsMsgDefs } from "./msgServer.js";
import { registerModelsQueries } from "./queryServer.js";

/** What the module is built from. */
export interface ModelsModuleDeps {
  /** The bank keeper, resolved lazily (e.g. `() => app.bankKeeper`). */
  bank: () => ModelsBankKeeper;
  /** The datanets read API, resolved lazily (e.g. `() => datanets.keeper`). */
  datanets: () => ModelsDatanetsKeeper;
  /** Balance of the `models` module account in the bond denom (for the escrow invariant). */
  escrowBalance?: (ctx: Context, address: Uint8Array, denom: string) => bigint;
  /** The distribution community pool for registration fees (default: the `community_pool` module account). */
  communityPool?: () => ModelsCommunityPool;
}

/** The invariant `models/escrow`: the `models` account holds at least the open bounties and bonds. */
export function escrowInvariant(
  keeper: ModelsKeeper,
  balance: (ctx: Context, address: Uint8Array, denom: string) => bigint,
): Invariant {
  return {
    name: "models/escrow",
    check(ctx: Context): string | undefined {
      const denom = keeper.params(ctx).minOperatorBond.denom;
      const need = keeper.escrowed(ctx);
      const have = balance(ctx, moduleAddressOf(MODULE_NAME), denom);
      return have < need ? `models account holds ${have}${denom}, escrow needs ${need}` : undefined;
    },
  };
}

/** models as an AppModule. */
export class ModelsModule implements AppModule {
  /** `models`. */
  readonly name = MODULE_NAME;
  /** The escrow account (`models`) for bounties and operator bonds. */
  readonly moduleAccounts = [{ name: MODULE_NAME, permissions: [] }];
  /** Its keeper (the read API for `attribution`). */
  readonly keeper: ModelsKeeper;
  /** `models/escrow` when a balance reader is given. */
  readonly invariants: readonly Invariant[];

  /** Build the keeper over the app's bank keeper and the datanets keeper. */
  constructor(deps: ModelsModuleDeps) {
    this.keeper = new ModelsKeeper(deps.bank, deps.datanets, deps.communityPool);
    this.invariants = deps.escrowBalance ? [escrowInvariant(this.keeper, deps.escrowBalance)] : [];
  }

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const def of modelsMsgDefs(this.keeper)) r.registerMsg(def);
    registerModelsQueries(r, this.keeper);
  }

  /** Default params, no models. */
  defaultGenesis(chain: ChainConfig): unknown {
    return defaultModelsGenesis(chain.bondDenom);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    parseModelsGenesis(json, chain.bondDenom);
  }

  /** Import state. */
  initGenesis(ctx: Context, json: unknown): undefined {
    initModelsGenesis(ctx, this.keeper, parseModelsGenesis(json, ctx.chain.bondDenom));
    return undefined;
  }

  /** Export state. */
  exportGenesis(ctx: Context): unknown {
    return exportModelsGenesis(ctx, this.keeper);
  }

  /** Return the bonds of operators whose unbonding completes now. */
  endBlock(ctx: Context): undefined {
    this.keeper.completeUnbondings(ctx);
    return undefined;
  }
}
