/**
 * What models needs from other modules (narrow interfaces), and the read API it offers to the
 * attribution module (`ModelsReader`, implemented by `ModelsKeeper`).
 */
import type { BigCoin } from "../../app/coins.js";
import type { BankEscrow } from "../../app/moduleKit.js";
import type { Context } from "../../app/types.js";
import type { Version } from "../datanets/proto.js";
import type { DatanetVersion, Model } from "./proto.js";

/** Module account that receives registration fees until a distribution module takes them. */
export const COMMUNITY_POOL_MODULE = "community_pool";

/**
 * The bank methods models uses (the app's `BankKeeper` satisfies it): bounties, bonds and fees in,
 * payouts and refunds out of the escrow.
 */
export type ModelsBankKeeper = BankEscrow;

/** The datanets read API models needs (the datanets keeper's `DatanetsReader` satisfies it). */
export interface ModelsDatanetsKeeper {
  /** A published version (0 = current), or undefined. */
  getVersion(ctx: Context, datanetId: bigint, number: bigint): Version | undefined;
  /** True when `address` may train on the datanet (published/archived, and public or a member). */
  isUsableBy(ctx: Context, datanetId: bigint, address: string): boolean;
}

/** Prices of a model, aopen per 1,000 tokens. */
export interface ModelPrices {
  inputPer1k: bigint;
  outputPer1k: bigint;
}

/** The read API the attribution module depends on (declare it as its expected keeper). */
export interface ModelsReader {
  /** A model, or undefined. */
  getModel(ctx: Context, id: bigint): Model | undefined;
  /** True when `operator` (bech32) is an active operator serving the model. */
  isServedBy(ctx: Context, modelId: bigint, operator: string): boolean;
  /** The datanet versions the model was trained on (empty when the model does not exist). */
  pinnedVersions(ctx: Context, modelId: bigint): DatanetVersion[];
  /** The model's prices, or undefined when it does not exist. */
  prices(ctx: Context, modelId: bigint): ModelPrices | undefined;
}

/** The distribution module's community pool (fees go there when it is wired; else a module account). */
export interface ModelsCommunityPool {
  /** Move `coins` from an account into the community pool. */
  fundCommunityPool(ctx: Context, from: Uint8Array, coins: readonly BigCoin[]): void;
}
