/** What gov needs from bank, staking and the app's message router. */
import type { Delegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { BigCoin } from "../../app/coins.js";
import type { BankEscrow } from "../../app/moduleKit.js";
import type { Context, MsgDef } from "../../app/types.js";

/** The narrow bank interface gov depends on (escrow, refunds, burns). */
export interface GovBankKeeper extends BankEscrow {
  /** Burn deposits (as the params say, e.g. of vetoed proposals). */
  burnCoins(ctx: Context, module: string, coins: readonly BigCoin[]): void;
}

/** The narrow staking interface the tally reads. */
export interface GovStakingKeeper {
  /** The bonded validators. */
  lastValidators(ctx: Context): Validator[];
  /** A delegator's delegations (shares ×10^18). */
  delegatorDelegations(ctx: Context, del: Uint8Array): Delegation[];
}

/** Finds the message definition of a type URL (the app's router: `(u) => app.msgDef(u)`). */
export type MsgRouter = (typeUrl: string) => MsgDef<unknown> | undefined;
