/** The auth module: accounts, account numbers, params; genesis and queries. */
import type { AppModule, ChainConfig, Context, ModuleAccountSpec, ModuleRegistrar } from "../../app/types.js";
import { authGenesisToJson, parseAuthGenesis } from "./genesis.js";
import type { AuthKeeper } from "./keeper.js";
import { FEE_COLLECTOR, MODULE_NAME, STORE_PREFIX } from "./keys.js";
import { defaultAuthParams } from "./params.js";
import { registerAuthQueries } from "./queryServer.js";

/** auth as an AppModule. */
export class AuthModule implements AppModule {
  /** `auth`. */
  readonly name = MODULE_NAME;
  /** The fee collector. */
  readonly moduleAccounts: readonly ModuleAccountSpec[] = [{ name: FEE_COLLECTOR, permissions: [] }];

  /** Wrap the keeper. */
  constructor(readonly keeper: AuthKeeper) {}

  /** Register queries. */
  register(r: ModuleRegistrar): void {
    registerAuthQueries(r, this.keeper);
  }

  /** SDK default params, no accounts. */
  defaultGenesis(chain: ChainConfig): unknown {
    return authGenesisToJson(defaultAuthParams(), [], chain.bech32Prefix);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown): void {
    parseAuthGenesis(json);
  }

  /** Import params and accounts; the next account number follows the highest imported one. */
  initGenesis(ctx: Context, json: unknown): undefined {
    const g = parseAuthGenesis(json);
    this.keeper.setParams(ctx, g.params);
    let next = 0n;
    for (const acc of g.accounts) {
      this.keeper.importAccount(ctx, acc);
      if (acc.accountNumber + 1n > next) next = acc.accountNumber + 1n;
    }
    this.keeper.setNextAccountNumber(ctx, next);
    return undefined;
  }

  /** Export params and every account. */
  exportGenesis(ctx: Context): unknown {
    const accounts = [...this.keeper.iterateAccounts(ctx.kv(STORE_PREFIX))];
    return authGenesisToJson(this.keeper.getParams(ctx), accounts, ctx.chain.bech32Prefix);
  }
}
