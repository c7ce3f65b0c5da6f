/** The models module: registered models, training bounties and serving operators (genesis, msgs, queries). */

import { moduleAddressOf } from "../../app/addressCache.js";
import { KeeperModule, type ModuleParts } from "../../app/moduleKit.js";
import type { Context, Invariant } from "../../app/types.js";
import type { ModelsBankKeeper, ModelsCommunityPool, ModelsDatanetsKeeper } from "./expectedKeepers.js";
import { modelsGenesis } from "./genesis.js";
import { ModelsKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { modelsMsgDefs } from "./msgServer.js";
import type { GenesisState } from "./proto.js";
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

const PARTS: ModuleParts<ModelsKeeper, GenesisState> = {
  msgDefs: modelsMsgDefs,
  registerQueries: registerModelsQueries,
  genesis: modelsGenesis,
};

/** models as an AppModule. */
export class ModelsModule extends KeeperModule<ModelsKeeper, GenesisState> {
  /** `models`. */
  readonly name = MODULE_NAME;
  /** Messages, queries and genesis over the keeper. */
  protected readonly parts = PARTS;
  /** The escrow account (`models`) for bounties and operator bonds. */
  readonly moduleAccounts = [{ name: MODULE_NAME, permissions: [] }];
  /** Its keeper (the read API for `attribution`). */
  readonly keeper: ModelsKeeper;
  /** `models/escrow` when a balance reader is given. */
  readonly invariants: readonly Invariant[];

  /** Build the keeper over the app's bank keeper and the datanets keeper. */
  constructor(deps: ModelsModuleDeps) {
    super();
    this.keeper = new ModelsKeeper(deps.bank, deps.datanets, deps.communityPool);
    this.invariants = deps.escrowBalance ? [escrowInvariant(this.keeper, deps.escrowBalance)] : [];
  }

  /** Return the bonds of operators whose unbonding completes now. */
  endBlock(ctx: Context): undefined {
    this.keeper.completeUnbondings(ctx);
    return undefined;
  }
}
