/** The datanets module: community-owned, versioned, curated datasets (genesis, messages, queries, invariant). */
import { moduleAddressOf } from "../../app/addressCache.js";
import { KeeperModule, type ModuleParts } from "../../app/moduleKit.js";
import type { Context, Invariant } from "../../app/types.js";
import {
  BankCommunityPool,
  COMMUNITY_POOL_MODULE,
  type CommunityPoolKeeper,
  type DatanetsBankKeeper,
} from "./expectedKeepers.js";
import { datanetsGenesis } from "./genesis.js";
import { DatanetsKeeper } from "./keeper.js";
import { DATANET_PREFIX, MODULE_NAME } from "./keys.js";
import { datanetsMsgDefs } from "./msgServer.js";
import { Datanet, type GenesisState } from "./proto.js";
import { registerDatanetsQueries } from "./queryServer.js";

/** What the module is built from. */
export interface DatanetsModuleDeps {
  /** The bank keeper, resolved lazily (e.g. `() => app.bankKeeper`). */
  bank: () => DatanetsBankKeeper;
  /** Where fees and slashes go (default: the `community_pool` module account via bank). */
  communityPool?: CommunityPoolKeeper;
}

/**
 * The invariant `datanets/stake-held`: the `datanets` escrow account holds exactly the stake of pending
 * rows (the sum of every datanet's `stake_held`, in the params' stake denom), and no total is negative.
 */
export function stakeHeldInvariant(keeper: DatanetsKeeper): Invariant {
  return {
    name: "datanets/stake-held",
    check(ctx: Context): string | undefined {
      const store = keeper.store(ctx);
      let sum = 0n;
      for (const [, v] of store.iterator(Uint8Array.of(DATANET_PREFIX), Uint8Array.of(DATANET_PREFIX + 1))) {
        const d = Datanet.decode(v);
        const held = BigInt(d.totals?.stakeHeld || "0");
        if (held < 0n) return `datanet ${d.id} holds negative stake ${held}`;
        sum += held;
      }
      const denom = keeper.readParams(store).stakePerRow?.denom ?? "";
      const escrow = keeper.bank().getBalance(ctx, moduleAddressOf(MODULE_NAME), denom);
      if (escrow !== sum) return `escrow holds ${escrow}${denom} but pending rows hold ${sum}${denom}`;
      return undefined;
    },
  };
}

const PARTS: ModuleParts<DatanetsKeeper, GenesisState> = {
  msgDefs: datanetsMsgDefs,
  registerQueries: registerDatanetsQueries,
  genesis: datanetsGenesis,
};

/** datanets as an AppModule. */
export class DatanetsModule extends KeeperModule<DatanetsKeeper, GenesisState> {
  /** `datanets`. */
  readonly name = MODULE_NAME;
  /** Messages, queries and genesis over the keeper. */
  protected readonly parts = PARTS;
  /** The escrow account (`datanets`) and the interim community pool (`community_pool`). */
  readonly moduleAccounts = [
    { name: MODULE_NAME, permissions: [] },
    { name: COMMUNITY_POOL_MODULE, permissions: [] },
  ];
  /** Its keeper (the read API for `models` / `attribution`). */
  readonly keeper: DatanetsKeeper;
  /** `datanets/stake-held`. */
  readonly invariants: readonly Invariant[];

  /** Build the keeper over the app's bank keeper. */
  constructor(deps: DatanetsModuleDeps) {
    super();
    this.keeper = new DatanetsKeeper(deps.bank, deps.communityPool ?? new BankCommunityPool(deps.bank));
    this.invariants = [stakeHeldInvariant(this.keeper)];
  }
}
