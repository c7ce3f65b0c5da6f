/** The attribution module: Proof of Attribution settlement (genesis, messages, queries, end block, invariant). */
import { moduleAddressOf } from "../../app/addressCache.js";
import { KeeperModule, type ModuleParts } from "../../app/moduleKit.js";
import type { Context, Invariant } from "../../app/types.js";
import type {
  AttributionAccountKeeper,
  AttributionBankKeeper,
  AttributionDatanetsKeeper,
  AttributionModelsKeeper,
  CommunityPoolFunder,
} from "./expectedKeepers.js";
import { attributionGenesis } from "./genesis.js";
import { type IndexProvider, StateIndexProvider } from "./indexProvider.js";
import { AttributionKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { attributionMsgDefs } from "./msgServer.js";
import type { GenesisState } from "./proto.js";
import { registerAttributionQueries } from "./queryServer.js";

/** What the module is built from (keepers resolved lazily: the app builds bank and auth after it). */
export interface AttributionModuleDeps {
  bank: () => AttributionBankKeeper;
  accounts: () => AttributionAccountKeeper;
  /** The distribution keeper (`fundCommunityPoolFromModule`). */
  communityPool: () => CommunityPoolFunder;
  models: () => AttributionModelsKeeper;
  datanets: () => AttributionDatanetsKeeper;
  /** Segment index (default: built from state, in memory). */
  index?: IndexProvider;
}

/**
 * The invariant `attribution/escrow`: the `attribution` account holds exactly the credits (available and
 * unlocking) plus the accrued, unclaimed rewards.
 */
export function escrowInvariant(keeper: AttributionKeeper): Invariant {
  return {
    name: "attribution/escrow",
    check(ctx: Context): string | undefined {
      const owed = keeper.owed(ctx);
      const have = keeper.bank().getBalance(ctx, moduleAddressOf(MODULE_NAME), ctx.chain.bondDenom);
      return have === owed ? undefined : `attribution account holds ${have} but owes ${owed}`;
    },
  };
}

const PARTS: ModuleParts<AttributionKeeper, GenesisState> = {
  msgDefs: attributionMsgDefs,
  registerQueries: registerAttributionQueries,
  genesis: attributionGenesis,
};

/** attribution as an AppModule. */
export class AttributionModule extends KeeperModule<AttributionKeeper, GenesisState> {
  /** `attribution`. */
  readonly name = MODULE_NAME;
  /** Messages, queries and genesis over the keeper. */
  protected readonly parts = PARTS;
  /** Holds escrowed credit and unclaimed rewards. */
  readonly moduleAccounts = [{ name: MODULE_NAME, permissions: [] }];
  /** Its keeper. */
  readonly keeper: AttributionKeeper;
  /** The segment index in use. */
  readonly index: IndexProvider;
  /** `attribution/escrow`. */
  readonly invariants: readonly Invariant[];

  /** Build the keeper. */
  constructor(deps: AttributionModuleDeps) {
    super();
    this.index = deps.index ?? new StateIndexProvider(deps.datanets);
    this.keeper = new AttributionKeeper({ ...deps, index: this.index });
    this.invariants = [escrowInvariant(this.keeper)];
  }

  /** Pay out matured credit withdrawals. */
  endBlock(ctx: Context): undefined {
    this.keeper.completeWithdrawals(ctx);
    return undefined;
  }
}
