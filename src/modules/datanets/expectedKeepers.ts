/**
 * What datanets needs from other modules (narrow interfaces), and what it offers to the later `models`
 * and `attribution` modules (`DatanetsReader`, implemented by `DatanetsKeeper`).
 */
import type { BigCoin } from "../../app/coins.js";
import type { BankBalanceReader, BankEscrow, BankModuleTransfer } from "../../app/moduleKit.js";
import type { Context } from "../../app/types.js";
import type { ContributorRecord, Datanet, Row, Version } from "./proto.js";

/** Name of the module account that holds the community pool until a distribution module exists. */
export const COMMUNITY_POOL_MODULE = "community_pool";

/**
 * The bank methods datanets uses (the app's `BankKeeper` satisfies it): the escrow invariant's balance
 * read, stakes and fees in, refunds out, slashes from the escrow to the pool.
 */
export type DatanetsBankKeeper = BankBalanceReader & BankEscrow & BankModuleTransfer;

/**
 * Where fees and slashes go. Today `BankCommunityPool` pays a `community_pool` module account; the
 * distribution module will provide an implementation that funds its `FeePool.community_pool`.
 */
export interface CommunityPoolKeeper {
  /** Fund the pool from an account (fees). */
  fundFromAccount(ctx: Context, from: Uint8Array, coins: readonly BigCoin[]): void;
  /** Fund the pool from a module account (slashes out of the escrow). */
  fundFromModule(ctx: Context, module: string, coins: readonly BigCoin[]): void;
}

/** The community pool as a plain module account, via bank. */
export class BankCommunityPool implements CommunityPoolKeeper {
  /** Over a bank keeper (resolved lazily: the app builds its bank keeper after the module). */
  constructor(private readonly bank: () => DatanetsBankKeeper) {}

  /** Send to the `community_pool` module account. */
  fundFromAccount(ctx: Context, from: Uint8Array, coins: readonly BigCoin[]): void {
    this.bank().sendCoinsFromAccountToModule(ctx, from, COMMUNITY_POOL_MODULE, coins);
  }

  /** Move from a module account to `community_pool`. */
  fundFromModule(ctx: Context, module: string, coins: readonly BigCoin[]): void {
    this.bank().sendCoinsFromModuleToModule(ctx, module, COMMUNITY_POOL_MODULE, coins);
  }
}

/** One row of a version, in position order. */
export interface VersionRow {
  /** 0-based position in the datanet's accepted rows (= index of the merkle leaf). */
  position: bigint;
  row: Row;
}

/**
 * The read API `models` and `attribution` depend on (declare it as their expected keeper). Addresses
 * are bech32 strings; amounts bigint.
 */
export interface DatanetsReader {
  /** A datanet, or undefined. */
  getDatanet(ctx: Context, id: bigint): Datanet | undefined;
  /** A version (0 = current), or undefined. */
  getVersion(ctx: Context, datanetId: bigint, number: bigint): Version | undefined;
  /** The rows of a version in order (contributor, content, sha256 on each row). */
  iterateVersionRows(ctx: Context, datanetId: bigint, version: bigint): IterableIterator<VersionRow>;
  /** True when `address` may train on the datanet (published or archived, and public or a member). */
  isUsableBy(ctx: Context, datanetId: bigint, address: string): boolean;
  /** A contributor's record in a datanet, or undefined. */
  getContributor(ctx: Context, datanetId: bigint, address: string): ContributorRecord | undefined;
  /** Reward multiplier (10^18 = 1.0) after the penalty reduction. */
  rewardMultiplier(ctx: Context, datanetId: bigint, address: string): bigint;
}

/** What attribution may write: rewards paid to contributors (bookkeeping only; it moves the coins). */
export interface DatanetsRewardsRecorder extends DatanetsReader {
  /** Add `amount` to the contributor's `rewards_earned`. */
  recordRewards(ctx: Context, datanetId: bigint, address: string, amount: bigint): void;
}
