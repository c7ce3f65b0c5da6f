/**
 * models genesis in protobuf JSON with proto field names: `{params, models, jobs, operators,
 * next_model_id, next_job_id}`. Indexes (by owner, by status, served-by, unbonding queue) are rebuilt
 * on import.
 */
import { genesisJson, type ModuleGenesis, prefixValues } from "../../app/moduleKit.js";
import { decodeGenesisJson, uniqueGenesisIds } from "../../app/protoJson.js";
import type { Context } from "../../app/types.js";
import { ModelsCode, modelsError } from "./errors.js";
import type { ModelsKeeper } from "./keeper.js";
import { JOB_PREFIX, MODEL_PREFIX, NEXT_JOB_ID_KEY, NEXT_MODEL_ID_KEY, OPERATOR_PREFIX } from "./keys.js";
import { defaultModelsParams, validateModelsParams } from "./params.js";
import {
  big,
  GenesisState,
  type GenesisState as GenesisStateT,
  Model,
  num,
  Operator,
  Params,
  TrainingJob,
} from "./proto.js";

function bad(msg: string): never {
  throw modelsError(ModelsCode.InvalidGenesis, `models genesis: ${msg}`);
}

/** Parse and validate genesis JSON; throws `models` 16 (or 15 for params). */
export function parseModelsGenesis(json: unknown, bondDenom = "aopen"): GenesisStateT {
  const g: GenesisStateT = decodeGenesisJson(json, (o) => GenesisState.fromObject(o), bad);
  if (!g.params) g.params = defaultModelsParams(bondDenom);
  validateModelsParams(Params.create(g.params));
  const { ids, max: maxModel } = uniqueGenesisIds(g.models, (m) => big(m.id), "model", bad);
  const { max: maxJob } = uniqueGenesisIds(g.jobs, (j) => big(j.id), "job", bad);
  const ops = new Set<string>();
  for (const o of g.operators) {
    const addr = o.address ?? "";
    if (ops.has(addr)) bad(`duplicate operator ${addr}`);
    ops.add(addr);
    for (const id of o.models ?? [])
      if (!ids.has(big(id))) bad(`operator ${o.address} serves unknown model ${big(id)}`);
  }
  if (big(g.nextModelId) !== 0n && big(g.nextModelId) <= maxModel)
    bad("next_model_id must exceed every model id");
  if (big(g.nextJobId) !== 0n && big(g.nextJobId) <= maxJob) bad("next_job_id must exceed every job id");
  return g;
}

/** Import parsed genesis into state. */
export function initModelsGenesis(ctx: Context, keeper: ModelsKeeper, g: GenesisStateT): void {
  keeper.setParams(ctx, Params.create(g.params ?? defaultModelsParams(ctx.chain.bondDenom)));
  let maxModel = 0n;
  let maxJob = 0n;
  for (const m of g.models) {
    keeper.importModel(ctx, Model.create(m));
    if (big(m.id) > maxModel) maxModel = big(m.id);
  }
  for (const j of g.jobs) {
    keeper.importJob(ctx, TrainingJob.create(j));
    if (big(j.id) > maxJob) maxJob = big(j.id);
  }
  for (const o of g.operators) keeper.importOperator(ctx, Operator.create(o));
  keeper.setSequence(ctx, NEXT_MODEL_ID_KEY, big(g.nextModelId) || maxModel + 1n);
  keeper.setSequence(ctx, NEXT_JOB_ID_KEY, big(g.nextJobId) || maxJob + 1n);
}

/** Export the whole module state as genesis JSON (proto field names). */
export function exportModelsGenesis(ctx: Context, keeper: ModelsKeeper): unknown {
  const store = keeper.store(ctx);
  const g = GenesisState.create({
    params: keeper.readParams(store),
    models: prefixValues(store, MODEL_PREFIX, (b) => Model.decode(b)),
    jobs: prefixValues(store, JOB_PREFIX, (b) => TrainingJob.decode(b)),
    operators: prefixValues(store, OPERATOR_PREFIX, (b) => Operator.decode(b)),
    nextModelId: num(keeper.readSequence(store, NEXT_MODEL_ID_KEY)),
    nextJobId: num(keeper.readSequence(store, NEXT_JOB_ID_KEY)),
  });
  return genesisJson(GenesisState, g);
}

/** Default genesis JSON for a bond denom. */
export function defaultModelsGenesis(bondDenom: string): unknown {
  const g = GenesisState.create({ params: defaultModelsParams(bondDenom), nextModelId: 1, nextJobId: 1 });
  return genesisJson(GenesisState, g);
}

/** models' genesis as its module runs it. */
export const modelsGenesis: ModuleGenesis<ModelsKeeper, GenesisStateT> = {
  defaults: defaultModelsGenesis,
  parse: parseModelsGenesis,
  init: initModelsGenesis,
  export: exportModelsGenesis,
};
