/** What attribution needs from other modules (narrow interfaces, satisfied by their keepers). */
import type { BigCoin } from "../../app/coins.js";
import type { BankBalanceReader, BankEscrow, BankModuleTransfer } from "../../app/moduleKit.js";
import type { Context } from "../../app/types.js";
import type { VersionRow } from "../datanets/expectedKeepers.js";
import type { Datanet, Row, Version } from "../datanets/proto.js";
import type { DatanetVersion, Model } from "../models/proto.js";

/**
 * The bank methods attribution uses (the app's `BankKeeper` satisfies it): the escrow invariant's balance
 * read, deposits in, claims and withdrawals out, the stakers' share to the fee collector.
 */
export type AttributionBankKeeper = BankBalanceReader & BankEscrow & BankModuleTransfer;

/** The account read attribution needs: a requester's on-chain pubkey. */
export interface AttributionAccountKeeper {
  /** The account, or undefined. */
  getAccount(ctx: Context, address: Uint8Array): { pubKey: Uint8Array | undefined } | undefined;
}

/** The community pool (the distribution keeper satisfies it): platform fees and penalty reductions. */
export interface CommunityPoolFunder {
  /** Move coins from a module account into the community pool. */
  fundCommunityPoolFromModule(ctx: Context, module: string, coins: readonly BigCoin[]): void;
}

/** The models read API (the models keeper's `ModelsReader`). */
export interface AttributionModelsKeeper {
  /** A model, or undefined. */
  getModel(ctx: Context, id: bigint): Model | undefined;
  /** True when `operator` is an active operator serving the (active) model. */
  isServedBy(ctx: Context, modelId: bigint, operator: string): boolean;
  /** The model's pinned datanet versions. */
  pinnedVersions(ctx: Context, modelId: bigint): DatanetVersion[];
  /** The model's prices (aopen per 1,000 tokens). */
  prices(ctx: Context, modelId: bigint): { inputPer1k: bigint; outputPer1k: bigint } | undefined;
}

/** The datanets read API and reward bookkeeping (the datanets keeper satisfies it). */
export interface AttributionDatanetsKeeper {
  /** A datanet, or undefined. */
  getDatanet(ctx: Context, id: bigint): Datanet | undefined;
  /** A version, or undefined. */
  getVersion(ctx: Context, datanetId: bigint, number: bigint): Version | undefined;
  /** A row, or undefined. */
  getRow(ctx: Context, id: bigint): Row | undefined;
  /** The rows of a version in position order. */
  iterateVersionRows(ctx: Context, datanetId: bigint, version: bigint): IterableIterator<VersionRow>;
  /** Reward multiplier (10^18 = 1.0) after the penalty reduction. */
  rewardMultiplier(ctx: Context, datanetId: bigint, address: string): bigint;
  /** Add to a contributor's `rewards_earned`. */
  recordRewards(ctx: Context, datanetId: bigint, address: string, amount: bigint): void;
}
