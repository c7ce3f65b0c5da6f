/** The datanets module: community-owned, versioned, curated datasets (genesis, messages, queries, invariant). */
import { moduleAddressOf } from "../../app/addressCache.js";
import type { AppModule, ChainConfig, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import {
  BankCommunityPool,
  COMMUNITY_POOL_MODULE,
  type CommunityPoolKeeper,
  type DatanetsBankKeeper,
} from "./expectedKeepers.js";
import {
  defaultDatanetsGenesis,
  exportDatanetsGenesis,
  initDatanetsGenesis,
  parseDatanetsGenesis,
} from "./genesis.js";
import { DatanetsKeeper } from "./keeper.js";
import { DATANET_PREFIX, MODULE_NAME } from "./keys.js";
import { datanetsMsgDefs } from "./msgServer.js";
import { Datanet } from "./proto.js";
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

/** datanets as an AppModule. */
export class DatanetsModule implements AppModule {
  /** `datanets`. */
  readonly name = MODULE_NAME;
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
    this.keeper = new DatanetsKeeper(deps.bank, deps.communityPool ?? new BankCommunityPool(deps.bank));
    this.invariants = [stakeHeldInvariant(this.keeper)];
  }

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const def of datanetsMsgDefs(this.keeper)) r.registerMsg(def);
    registerDatanetsQueries(r, this.keeper);
  }

  /** Default params, no datanets. */
  defaultGenesis(chain: ChainConfig): unknown {
    return defaultDatanetsGenesis(chain.bondDenom);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    parseDatanetsGenesis(json, chain.bondDenom);
  }

  /** Import state. */
  initGenesis(ctx: Context, json: unknown): undefined {
    initDatanetsGenesis(ctx, this.keeper, parseDatanetsGenesis(json, ctx.chain.bondDenom));
    return undefined;
  }

  /** Export state. */
  exportGenesis(ctx: Context): unknown {
    return exportDatanetsGenesis(ctx, this.keeper);
  }
}
