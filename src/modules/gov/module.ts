/** The gov module: genesis, end-block lifecycle (deposit expiry, tally, timelock execution), invariants. */
import { moduleAddressOf } from "../../app/addressCache.js";
import { addCoins, type BigCoin, fromProtoCoins } from "../../app/coins.js";
import type { AppModule, ChainConfig, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { defaultGovGenesisJson, type GovGenesis, govGenesisToJson, parseGovGenesis } from "./genesis.js";
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

/** The gov AppModule (its module account, with burner permission, is in the default set). */
export class GovModule implements AppModule {
  /** `gov`. */
  readonly name = MODULE_NAME;
  /** Deposits held equal the gov account's balance of their denoms (or less, if someone sent coins). */
  readonly invariants: readonly Invariant[];

  /** Wrap a keeper; `getBalance` reads the gov account's balance for the invariant. */
  constructor(
    readonly keeper: GovKeeper,
    private readonly getBalance?: (ctx: Context, a: Uint8Array, denom: string) => bigint,
  ) {
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

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const d of govMsgDefs(this.keeper)) r.registerMsg(d);
    registerGovQueries(r, this.keeper);
  }

  /** Default genesis (SDK defaults with the bond denom, one-day timelock). */
  defaultGenesis(chain: ChainConfig): unknown {
    return defaultGovGenesisJson(chain.bondDenom);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    parseGovGenesis(json, chain.bondDenom);
  }

  /** Import genesis. */
  initGenesis(ctx: Context, json: unknown): undefined {
    const g = parseGovGenesis(json, ctx.chain.bondDenom);
    const k = this.keeper;
    k.setParams(ctx, g.params);
    k.setExecutionDelay(ctx, g.executionDelay);
    k.setConstitution(ctx, g.constitution);
    k.setNextProposalId(ctx, g.startingProposalId);
    for (const p of g.proposals) k.importProposal(ctx, p);
    for (const d of g.deposits) k.setDeposit(ctx, d, decodeAddress(d.depositor, ctx.chain.bech32Prefix));
    for (const v of g.votes) k.setVote(ctx, v, decodeAddress(v.voter, ctx.chain.bech32Prefix));
    return undefined;
  }

  /** Export genesis. */
  exportGenesis(ctx: Context): unknown {
    const k = this.keeper;
    const proposals = k.allProposals(ctx);
    const g: GovGenesis = {
      startingProposalId: k.nextProposalId(ctx),
      params: k.getParams(ctx),
      constitution: k.getConstitution(ctx),
      executionDelay: k.getExecutionDelay(ctx),
      proposals,
      deposits: proposals.flatMap((p) => k.deposits(ctx, p.id)),
      votes: proposals.flatMap((p) => k.votes(ctx, p.id)),
    };
    return govGenesisToJson(g);
  }

  /** Proposal lifecycle. */
  endBlock(ctx: Context): undefined {
    this.keeper.endBlock(ctx);
    return undefined;
  }
}
