/** The bank module: balances, supply, metadata, send-enabled; genesis, messages, queries, invariant. */
import { addCoins, type BigCoin } from "../../app/coins.js";
import type { AppModule, ChainConfig, Context, Invariant, ModuleRegistrar } from "../../app/types.js";
import { toBech32 } from "../../crypto/address.js";
import { bankGenesisToJson, parseBankGenesis } from "./genesis.js";
import type { BankKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_PREFIX } from "./keys.js";
import { bankMsgDefs } from "./msgServer.js";
import { defaultBankParams } from "./params.js";
import { registerBankQueries } from "./queryServer.js";

/** The invariant `total supply == sum of balances` (and no negative balance). */
export function totalSupplyInvariant(keeper: BankKeeper): Invariant {
  return {
    name: "bank/total-supply",
    check(ctx: Context): string | undefined {
      const store = ctx.kv(STORE_PREFIX);
      let sum: BigCoin[] = [];
      for (const { coins } of keeper.readAllAccountBalances(store)) {
        for (const c of coins) if (c.amount <= 0n) return `non-positive balance ${c.amount}${c.denom}`;
        sum = addCoins(sum, coins);
      }
      const supply = keeper.readAllSupply(store);
      const same =
        supply.length === sum.length &&
        supply.every((c, i) => c.denom === sum[i]!.denom && c.amount === sum[i]!.amount);
      if (!same) {
        const f = (cs: BigCoin[]) => cs.map((c) => `${c.amount}${c.denom}`).join(",");
        return `total supply ${f(supply)} != sum of balances ${f(sum)}`;
      }
      return undefined;
    },
  };
}

/** bank as an AppModule. */
export class BankModule implements AppModule {
  /** `bank`. */
  readonly name = MODULE_NAME;
  /** `bank/total-supply`. */
  readonly invariants: readonly Invariant[];

  /** Wrap the keeper. */
  constructor(readonly keeper: BankKeeper) {
    this.invariants = [totalSupplyInvariant(keeper)];
  }

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const def of bankMsgDefs(this.keeper)) r.registerMsg(def);
    registerBankQueries(r, this.keeper);
  }

  /** Default params, nothing else. */
  defaultGenesis(): unknown {
    return bankGenesisToJson({ params: defaultBankParams(), denomMetadata: [], sendEnabled: [] }, [], []);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    parseBankGenesis(json, chain.bech32Prefix);
  }

  /** Import balances (supply = their sum), metadata, send-enabled flags and params. */
  initGenesis(ctx: Context, json: unknown): undefined {
    const g = parseBankGenesis(json, ctx.chain.bech32Prefix);
    this.keeper.setParams(ctx, g.state.params);
    for (const b of g.balances) this.keeper.importBalances(ctx, b.address, b.coins);
    for (const c of g.supply) this.keeper.setSupply(ctx, c.denom, c.amount);
    for (const md of g.state.denomMetadata) this.keeper.setDenomMetadata(ctx, md);
    for (const se of g.state.sendEnabled) this.keeper.setSendEnabled(ctx, se.denom, se.enabled);
    return undefined;
  }

  /** Export the whole bank state. */
  exportGenesis(ctx: Context): unknown {
    const store = ctx.kv(STORE_PREFIX);
    const balances = [...this.keeper.readAllAccountBalances(store)].map((b) => ({
      address: toBech32(ctx.chain.bech32Prefix, b.address),
      addressBytes: b.address,
      coins: b.coins,
    }));
    return bankGenesisToJson(
      {
        params: this.keeper.readParams(store),
        denomMetadata: this.keeper.readAllDenomMetadata(store),
        sendEnabled: this.keeper.readAllSendEnabled(store),
      },
      balances,
      this.keeper.readAllSupply(store),
    );
  }
}
