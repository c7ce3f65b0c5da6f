/** What staking needs from bank, and the hooks other modules (distribution, slashing) implement. */
import type { BigCoin } from "../../app/coins.js";
import type { Context } from "../../app/types.js";

/** The narrow bank interface staking depends on. */
export interface StakingBankKeeper {
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  sendCoinsFromAccountToModule(
    ctx: Context,
    from: Uint8Array,
    module: string,
    coins: readonly BigCoin[],
  ): void;
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: Uint8Array, coins: readonly BigCoin[]): void;
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, coins: readonly BigCoin[]): void;
  burnCoins(ctx: Context, module: string, coins: readonly BigCoin[]): void;
}

/** Staking hooks (SDK `StakingHooks`); every method optional. Addresses are raw bytes. */
export interface StakingHooks {
  afterValidatorCreated?(ctx: Context, val: Uint8Array): void;
  afterValidatorBonded?(ctx: Context, cons: Uint8Array, val: Uint8Array): void;
  afterValidatorRemoved?(ctx: Context, cons: Uint8Array, val: Uint8Array): void;
  afterValidatorBeginUnbonding?(ctx: Context, cons: Uint8Array, val: Uint8Array): void;
  beforeDelegationCreated?(ctx: Context, del: Uint8Array, val: Uint8Array): void;
  beforeDelegationSharesModified?(ctx: Context, del: Uint8Array, val: Uint8Array): void;
  afterDelegationModified?(ctx: Context, del: Uint8Array, val: Uint8Array): void;
  beforeValidatorSlashed?(ctx: Context, val: Uint8Array, fraction: bigint): void;
}
