/** What bank needs from auth: existence checks, account creation, module accounts. */
import type { Context } from "../../app/types.js";
import type { Account } from "../auth/keeper.js";

/** The narrow account-keeper interface bank depends on. */
export interface AccountKeeper {
  /** True when an account exists. */
  hasAccount(ctx: Context, address: Uint8Array): boolean;
  /** Create a base account with the next account number. */
  createAccount(ctx: Context, address: Uint8Array): Account;
  /** The module account `name`, created when missing. */
  getModuleAccount(ctx: Context, name: string): Account;
}
