/** What distribution needs from bank. */
import type { BigCoin } from "../../app/coins.js";
import type { Context } from "../../app/types.js";

/** The narrow bank interface distribution depends on. */
export interface DistrBankKeeper {
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  getAllBalances(ctx: Context, address: Uint8Array): BigCoin[];
  isBlocked(address: Uint8Array): boolean;
  sendCoinsFromAccountToModule(
    ctx: Context,
    from: Uint8Array,
    module: string,
    coins: readonly BigCoin[],
  ): void;
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: Uint8Array, coins: readonly BigCoin[]): void;
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, coins: readonly BigCoin[]): void;
}
