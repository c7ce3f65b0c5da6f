/** The gov module: genesis, end-block lifecycle (deposit expiry, tally, timelock execution), invariants. */
import { moduleAddressOf } from "../../app/addressCache.js";
import { addCoins, type BigCoin, fromProtoCoins } from "../../app/coins.js";
import { KeeperModule, type ModuleParts } from "../../app/moduleKit.js";
import type { Context, Invariant } from "../../app/types.js";
import { type GovGenesis, govGenesis } from "./genesis.js";
import type { GovKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { govMsgDefs } from "./msgServer.js";
import { registerGovQueries } from "./queryServer.js";

/** Sum of all recorded deposits. */
function depositSum(ctx: Context, keeper: GovKeeper): BigCoin[] {
  let total: BigCoin[] = [];
  for (const p of keeper.allProposals(ctx))
    for (const d of keeper.deposits(ctx, p.id)) total = addCoins(total, fromProtoCoins(d.amount));
  return total;
}

const PARTS: ModuleParts<GovKeeper, GovGenesis> = {
  msgDefs: govMsgDefs,
  registerQueries: registerGovQueries,
  genesis: govGenesis,
};

/** The gov AppModule (its module account, with burner permission, is in the default set). */
export class GovModule extends KeeperModule<GovKeeper, GovGenesis> {
  /** `gov`. */
  readonly name = MODULE_NAME;
  /** Messages, queries and genesis over the keeper. */
  protected readonly parts = PARTS;
  /** Deposits held equal the gov account's balance of their denoms (or less, if someone sent coins). */
  readonly invariants: readonly Invariant[];

  /** Wrap a keeper; `getBalance` reads the gov account's balance for the invariant. */
  constructor(
    readonly keeper: GovKeeper,
    private readonly getBalance?: (ctx: Context, a: Uint8Array, denom: string) => bigint,
  ) {
    super();
    const bal = this.getBalance;
    this.invariants = bal
      ? [
          {
            name: "gov/module-account",
            check: (ctx) => {
              for (const c of depositSum(ctx, keeper)) {
                const have = bal(ctx, moduleAddressOf(MODULE_NAME), c.denom);
                if (have < c.amount)
                  return `gov account holds ${have}${c.denom} < deposits ${c.amount}${c.denom}`;
              }
              return undefined;
            },
          },
        ]
      : [];
  }

  /** Proposal lifecycle. */
  endBlock(ctx: Context): undefined {
    this.keeper.endBlock(ctx);
    return undefined;
  }
}
