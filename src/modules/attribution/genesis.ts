/**
 * attribution genesis in protobuf JSON with proto field names: `{params, credits, inferences, rewards,
 * row_earnings, used_nonces, next_inference_id}`. Indexes and the withdrawal queue are rebuilt on import.
 */
import { genesisJson, type ModuleGenesis } from "../../app/moduleKit.js";
import { decodeGenesisJson, uniqueGenesisIds } from "../../app/protoJson.js";
import type { Context } from "../../app/types.js";
import { readUint64BE } from "../../types/bytes.js";
import { AttributionCode, attributionError } from "./errors.js";
import { type AttributionKeeper, bech32 } from "./keeper.js";
import { CREDIT_PREFIX, INFERENCE_PREFIX, NONCE_PREFIX, REWARD_PREFIX, ROW_EARNINGS_PREFIX } from "./keys.js";
import { defaultAttributionParams, validateAttributionParams } from "./params.js";
import {
  big,
  Credit,
  GenesisState,
  type GenesisState as GenesisStateT,
  InferenceRecord,
  num,
  Params,
  RewardAccount,
  RowEarnings,
} from "./proto.js";

function bad(msg: string): never {
  throw attributionError(AttributionCode.InvalidGenesis, `attribution genesis: ${msg}`);
}

/** Parse and validate genesis JSON; throws `attribution` 16 (or 15 for params). */
export function parseAttributionGenesis(json: unknown, bondDenom = "aopen"): GenesisStateT {
  const g: GenesisStateT = decodeGenesisJson(json, (o) => GenesisState.fromObject(o), bad);
  if (!g.params) g.params = defaultAttributionParams(bondDenom);
  validateAttributionParams(Params.create(g.params), bondDenom);
  const { max: maxId } = uniqueGenesisIds(g.inferences, (r) => big(r.id), "inference", bad);
  if (big(g.nextInferenceId) !== 0n && big(g.nextInferenceId) <= maxId)
    bad("next_inference_id is not above every inference id");
  return g;
}

/** Import genesis state through the keeper. */
export function initAttributionGenesis(ctx: Context, keeper: AttributionKeeper, g: GenesisStateT): void {
  keeper.setParams(ctx, g.params ? Params.create(g.params) : defaultAttributionParams(ctx.chain.bondDenom));
  for (const c of g.credits) keeper.putCredit(ctx, Credit.create(c));
  for (const r of g.inferences) keeper.importInference(ctx, InferenceRecord.create(r));
  for (const r of g.rewards) keeper.putRewards(ctx, RewardAccount.create(r));
  for (const e of g.rowEarnings) keeper.putRowEarnings(ctx, RowEarnings.create(e));
  for (const n of g.usedNonces) keeper.markNonce(ctx, n.requester ?? "", big(n.nonce));
  keeper.setNextInferenceId(ctx, big(g.nextInferenceId) || 1n);
}

/** Export the whole module state as genesis JSON (proto field names). */
export function exportAttributionGenesis(ctx: Context, keeper: AttributionKeeper): unknown {
  const all = <T>(prefix: number, decode: (b: Uint8Array) => T): T[] =>
    [...keeper.entries(ctx, prefix)].map(([, v]) => decode(v));
  const usedNonces = [...keeper.entries(ctx, NONCE_PREFIX)].map(([k]) => {
    const len = k[0]!;
    return { requester: bech32(ctx, k.subarray(1, 1 + len)), nonce: num(readUint64BE(k, 1 + len)) };
  });
  const g = GenesisState.create({
    params: keeper.getParams(ctx),
    credits: all(CREDIT_PREFIX, (b) => Credit.decode(b)),
    inferences: all(INFERENCE_PREFIX, (b) => InferenceRecord.decode(b)),
    rewards: all(REWARD_PREFIX, (b) => RewardAccount.decode(b)),
    rowEarnings: all(ROW_EARNINGS_PREFIX, (b) => RowEarnings.decode(b)),
    usedNonces,
    nextInferenceId: num(keeper.nextInferenceId(ctx)),
  });
  return genesisJson(GenesisState, g);
}

/** Default genesis JSON for a bond denom. */
export function defaultAttributionGenesis(bondDenom: string): unknown {
  const g = GenesisState.create({ params: defaultAttributionParams(bondDenom), nextInferenceId: 1 });
  return genesisJson(GenesisState, g);
}

/** attribution' genesis as its module runs it. */
export const attributionGenesis: ModuleGenesis<AttributionKeeper, GenesisStateT> = {
  defaults: defaultAttributionGenesis,
  parse: parseAttributionGenesis,
  init: initAttributionGenesis,
  export: exportAttributionGenesis,
};
