/**
 * The models keeper: the only code that touches models' store — models, training jobs, operators, the
 * served-by index, the unbonding queue and params — and the escrow flows (bounties and operator bonds
 * in the `models` module account, registration fees to the community pool).
 */
import type { BigCoin } from "../../app/coins.js";
import { parseAccAddress, StoreKeeper } from "../../app/moduleKit.js";
import type { Context } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import type { KVReader } from "../../store/types.js";
import { readUint64BE } from "../../types/bytes.js";
import type { CodedError } from "../../types/errors.js";
import { ModelsCode, modelsError } from "./errors.js";
import { EventType, modelsEvent } from "./events.js";
import {
  COMMUNITY_POOL_MODULE,
  type ModelPrices,
  type ModelsBankKeeper,
  type ModelsCommunityPool,
  type ModelsDatanetsKeeper,
  type ModelsReader,
} from "./expectedKeepers.js";
import {
  jobByStatusKey,
  jobKey,
  MODEL_PREFIX,
  MODULE_NAME,
  modelByOwnerKey,
  modelKey,
  NEXT_JOB_ID_KEY,
  NEXT_MODEL_ID_KEY,
  operatorKey,
  PARAMS_KEY,
  STORE_PREFIX,
  servedByKey,
  UNBONDING_PREFIX,
  unbondingKey,
} from "./keys.js";
import { defaultModelsParams, type ModelsParamsView, validateModelsParams } from "./params.js";
import {
  type ArtifactInput,
  big,
  type DatanetVersion,
  type DatanetVersionInput,
  JobStatus,
  Model,
  ModelKind,
  ModelStatus,
  type Model as ModelT,
  num,
  Operator,
  OperatorStatus,
  type Operator as OperatorT,
  Params,
  type Params as ParamsT,
  TrainingJob,
  type TrainingJob as TrainingJobT,
} from "./proto.js";

const EMPTY = new Uint8Array();

/** Longest model name (characters). */
export const MAX_NAME = 128;
/** Longest description (UTF-8 bytes). */
export const MAX_DESCRIPTION_BYTES = 16_384;
/** Longest base model id (characters). */
export const MAX_BASE_MODEL = 256;
/** Longest artifact URI (characters). */
export const MAX_URI = 2048;
/** Longest training config / hyperparameters (UTF-8 bytes). */
export const MAX_CONFIG_BYTES = 16_384;
/** Longest operator endpoint (characters). */
export const MAX_ENDPOINT = 512;
/** Largest price (aopen per 1,000 tokens): 10^36. */
export const MAX_PRICE = 10n ** 36n;

const HEX64 = /^[0-9a-f]{64}$/;
const INT = /^[0-9]{1,37}$/;

/** A model's fields as RegisterModel / CompleteTrainingJob carry them. */
export interface ModelInput {
  name: string;
  description: string;
  baseModel: string;
  kind: ModelKind;
  artifact: ArtifactInput | null | undefined;
  datanets: readonly DatanetVersionInput[];
  trainingConfig: string;
  trainingLogHash: string;
  inputPrice: string;
  outputPrice: string;
}

/** What UpdateModel may change (undefined keeps the value). */
export interface ModelUpdate {
  description?: string;
  inputPrice?: string;
  outputPrice?: string;
  status?: ModelStatus;
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function bad(msg: string): CodedError {
  return modelsError(ModelsCode.InvalidModel, msg);
}

/** Decode a bech32 account address of this chain, as `sdk` 7 on failure. */
export const parseAddress = parseAccAddress;

/** A price field (empty = 0) as a bigint; throws `models` 2. */
export function parsePrice(field: string, s: string): bigint {
  if (s === "") return 0n;
  if (!INT.test(s)) throw bad(`${field} must be a non-negative integer (aopen per 1,000 tokens)`);
  const v = BigInt(s);
  if (v > MAX_PRICE) throw bad(`${field} above ${MAX_PRICE}`);
  return v;
}

function height(ctx: Context): bigint {
  return BigInt(ctx.header.height);
}

/** Models, training jobs, operators and params; escrow flows. */
export class ModelsKeeper extends StoreKeeper<ParamsT, ModelsParamsView> implements ModelsReader {
  /** `bank` and `datanets` are resolved lazily (the app builds them after the module is constructed). */
  constructor(
    private readonly bank: () => ModelsBankKeeper,
    private readonly datanets: () => ModelsDatanetsKeeper,
    private readonly communityPool?: () => ModelsCommunityPool,
  ) {
    super(STORE_PREFIX, {
      key: PARAMS_KEY,
      codec: Params,
      defaults: () => defaultModelsParams(),
      validate: validateModelsParams,
    });
  }

  // ---- reads (ModelsReader) ----

  /** A model, or undefined. */
  getModel(ctx: Context, id: bigint): ModelT | undefined {
    return this.readModel(this.store(ctx), id);
  }

  /** A model from a models-prefixed reader. */
  readModel(store: KVReader, id: bigint): ModelT | undefined {
    const bz = store.get(modelKey(id));
    return bz === undefined ? undefined : Model.decode(bz);
  }

  /** A training job, or undefined. */
  getJob(ctx: Context, id: bigint): TrainingJobT | undefined {
    return this.readJob(this.store(ctx), id);
  }

  /** A job from a models-prefixed reader. */
  readJob(store: KVReader, id: bigint): TrainingJobT | undefined {
    const bz = store.get(jobKey(id));
    return bz === undefined ? undefined : TrainingJob.decode(bz);
  }

  /** An operator by bech32 address, or undefined (malformed address: `sdk` 7). */
  getOperator(ctx: Context, address: string): OperatorT | undefined {
    return this.readOperator(this.store(ctx), parseAddress(ctx, "operator", address));
  }

  /** An operator from a models-prefixed reader. */
  readOperator(store: KVReader, address: Uint8Array): OperatorT | undefined {
    const bz = store.get(operatorKey(address));
    return bz === undefined ? undefined : Operator.decode(bz);
  }

  /** True when `operator` is an active operator serving the model and the model is active. */
  isServedBy(ctx: Context, modelId: bigint, operator: string): boolean {
    let addr: Uint8Array;
    try {
      addr = decodeAddress(operator, ctx.chain.bech32Prefix);
    } catch {
      return false;
    }
    const m = this.getModel(ctx, modelId);
    if (!m || m.status !== ModelStatus.MODEL_STATUS_ACTIVE) return false;
    return this.store(ctx).has(servedByKey(modelId, addr));
  }

  /** The pinned datanet versions (empty when the model does not exist). */
  pinnedVersions(ctx: Context, modelId: bigint): DatanetVersion[] {
    return (this.getModel(ctx, modelId)?.datanets ?? []) as DatanetVersion[];
  }

  /** The model's prices (aopen per 1,000 tokens). */
  prices(ctx: Context, modelId: bigint): ModelPrices | undefined {
    const m = this.getModel(ctx, modelId);
    if (!m) return undefined;
    return { inputPer1k: BigInt(m.inputPrice || "0"), outputPer1k: BigInt(m.outputPrice || "0") };
  }

  // ---- models ----

  /** Register a model owned by `owner` (pays the registration fee). Returns its id. */
  registerModel(ctx: Context, owner: string, input: ModelInput): bigint {
    const ownerBytes = parseAddress(ctx, "owner", owner);
    const m = this.checkModel(ctx, owner, input);
    const fee = this.params(ctx).registrationFee;
    if (fee.amount > 0n) {
      const pool = this.communityPool?.();
      if (pool) pool.fundCommunityPool(ctx, ownerBytes, [fee]);
      else this.bank().sendCoinsFromAccountToModule(ctx, ownerBytes, COMMUNITY_POOL_MODULE, [fee]);
    }
    return this.createModel(ctx, ownerBytes, m, 0n);
  }

  /** Change a model's description, prices or status (owner only; a retired model stays retired). */
  updateModel(ctx: Context, owner: string, id: bigint, u: ModelUpdate): void {
    parseAddress(ctx, "owner", owner);
    const m = this.getModel(ctx, id);
    if (!m) throw modelsError(ModelsCode.ModelNotFound, `model ${id} not found`);
    if (m.owner !== owner) throw modelsError(ModelsCode.Unauthorized, `${owner} does not own model ${id}`);
    if (m.status === ModelStatus.MODEL_STATUS_RETIRED)
      throw modelsError(ModelsCode.ModelRetired, `model ${id} is retired`);
    if (u.description !== undefined) {
      if (byteLen(u.description) > MAX_DESCRIPTION_BYTES)
        throw bad(`description longer than ${MAX_DESCRIPTION_BYTES} bytes`);
      m.description = u.description;
    }
    if (u.inputPrice !== undefined) m.inputPrice = parsePrice("input_price", u.inputPrice).toString();
    if (u.outputPrice !== undefined) m.outputPrice = parsePrice("output_price", u.outputPrice).toString();
    if (u.status !== undefined) {
      if (u.status !== ModelStatus.MODEL_STATUS_ACTIVE && u.status !== ModelStatus.MODEL_STATUS_RETIRED)
        throw bad("status must be active or retired");
      m.status = u.status;
    }
    this.putModel(ctx, m);
    ctx.events.emit(
      modelsEvent(EventType.ModelUpdated, [
        ["model_id", id],
        ["status", m.status === ModelStatus.MODEL_STATUS_RETIRED ? "retired" : "active"],
        ["input_price", m.inputPrice],
        ["output_price", m.outputPrice],
      ]),
    );
  }

  // ---- training jobs ----

  /** Post a training bounty (escrowed in the `models` account). Returns the job id. */
  requestTraining(
    ctx: Context,
    requester: string,
    pins: readonly DatanetVersionInput[],
    baseModel: string,
    method: ModelKind,
    hyperparameters: string,
    bounty: BigCoin,
  ): bigint {
    const from = parseAddress(ctx, "requester", requester);
    const datanets = this.checkPins(ctx, requester, pins);
    checkBase(baseModel);
    checkKind(method);
    if (byteLen(hyperparameters) > MAX_CONFIG_BYTES)
      throw bad(`hyperparameters longer than ${MAX_CONFIG_BYTES} bytes`);
    const min = this.params(ctx).minBounty;
    if (bounty.denom !== min.denom || bounty.amount < min.amount || bounty.amount <= 0n)
      throw modelsError(
        ModelsCode.InsufficientAmount,
        `bounty must be at least ${min.amount}${min.denom} (and positive), got ${bounty.amount}${bounty.denom}`,
      );
    this.bank().sendCoinsFromAccountToModule(ctx, from, MODULE_NAME, [bounty]);
    const id = this.take(ctx, NEXT_JOB_ID_KEY);
    const job = TrainingJob.create({
      id: num(id),
      requester,
      datanets,
      baseModel,
      method,
      hyperparameters,
      bounty: { denom: bounty.denom, amount: bounty.amount.toString() },
      status: JobStatus.JOB_STATUS_OPEN,
      createdHeight: ctx.header.height,
    });
    this.putJob(ctx, job, undefined);
    ctx.events.emit(
      modelsEvent(EventType.TrainingRequested, [
        ["job_id", id],
        ["requester", requester],
        ["bounty", `${bounty.amount}${bounty.denom}`],
      ]),
    );
    return id;
  }

  /** Claim an open job (not one's own). */
  claimJob(ctx: Context, trainer: string, id: bigint): void {
    parseAddress(ctx, "trainer", trainer);
    const job = this.mustJob(ctx, id);
    if (job.status !== JobStatus.JOB_STATUS_OPEN)
      throw modelsError(ModelsCode.InvalidJobStatus, `job ${id} is not open`);
    const prev = job.status;
    job.status = JobStatus.JOB_STATUS_CLAIMED;
    job.trainer = trainer;
    job.claimedHeight = ctx.header.height;
    this.putJob(ctx, job, prev);
    ctx.events.emit(
      modelsEvent(EventType.TrainingClaimed, [
        ["job_id", id],
        ["trainer", trainer],
      ]),
    );
  }

  /** Deliver a claimed job: registers the model for the requester and pays the bounty to the trainer. */
  completeJob(
    ctx: Context,
    trainer: string,
    id: bigint,
    input: Omit<ModelInput, "baseModel" | "kind" | "datanets">,
  ): bigint {
    const trainerBytes = parseAddress(ctx, "trainer", trainer);
    const job = this.mustJob(ctx, id);
    if (job.status !== JobStatus.JOB_STATUS_CLAIMED)
      throw modelsError(ModelsCode.InvalidJobStatus, `job ${id} is not claimed`);
    if (job.trainer !== trainer)
      throw modelsError(ModelsCode.Unauthorized, `job ${id} is claimed by ${job.trainer}`);
    const m = this.checkModel(ctx, job.requester, {
      ...input,
      baseModel: job.baseModel,
      kind: job.method,
      datanets: job.datanets,
    });
    const modelId = this.createModel(ctx, parseAddress(ctx, "requester", job.requester), m, id);
    const bounty = { denom: job.bounty?.denom ?? "", amount: BigInt(job.bounty?.amount || "0") };
    if (bounty.amount > 0n)
      this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, trainerBytes, [bounty]);
    const prev = job.status;
    job.status = JobStatus.JOB_STATUS_COMPLETED;
    job.resultModelId = num(modelId);
    this.putJob(ctx, job, prev);
    ctx.events.emit(
      modelsEvent(EventType.TrainingCompleted, [
        ["job_id", id],
        ["trainer", trainer],
        ["model_id", modelId],
        ["bounty", `${bounty.amount}${bounty.denom}`],
      ]),
    );
    return modelId;
  }

  /** Cancel an open job, or a claimed one past the claim timeout; refunds the bounty. */
  cancelJob(ctx: Context, requester: string, id: bigint): void {
    const to = parseAddress(ctx, "requester", requester);
    const job = this.mustJob(ctx, id);
    if (job.requester !== requester)
      throw modelsError(ModelsCode.Unauthorized, `${requester} did not request job ${id}`);
    if (job.status === JobStatus.JOB_STATUS_CLAIMED) {
      const deadline = big(job.claimedHeight) + this.params(ctx).claimTimeoutBlocks;
      if (height(ctx) < deadline)
        throw modelsError(
          ModelsCode.InvalidJobStatus,
          `job ${id} is claimed; it can be cancelled from height ${deadline}`,
        );
    } else if (job.status !== JobStatus.JOB_STATUS_OPEN) {
      throw modelsError(ModelsCode.InvalidJobStatus, `job ${id} is completed or cancelled`);
    }
    const bounty = { denom: job.bounty?.denom ?? "", amount: BigInt(job.bounty?.amount || "0") };
    if (bounty.amount > 0n) this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, to, [bounty]);
    const prev = job.status;
    job.status = JobStatus.JOB_STATUS_CANCELLED;
    this.putJob(ctx, job, prev);
    ctx.events.emit(
      modelsEvent(EventType.TrainingCancelled, [
        ["job_id", id],
        ["requester", requester],
      ]),
    );
  }

  // ---- operators ----

  /** Become an operator, bonding at least the minimum. */
  registerOperator(ctx: Context, operator: string, endpoint: string, bond: BigCoin): void {
    const addr = parseAddress(ctx, "operator", operator);
    checkEndpoint(endpoint);
    const store = this.store(ctx);
    const existing = this.readOperator(store, addr);
    if (existing)
      throw modelsError(
        existing.status === OperatorStatus.OPERATOR_STATUS_UNBONDING
          ? ModelsCode.OperatorUnbonding
          : ModelsCode.OperatorExists,
        `operator ${operator} already exists`,
      );
    const min = this.params(ctx).minOperatorBond;
    if (bond.denom !== min.denom || bond.amount < min.amount)
      throw modelsError(
        ModelsCode.InsufficientAmount,
        `bond must be at least ${min.amount}${min.denom}, got ${bond.amount}${bond.denom}`,
      );
    this.bank().sendCoinsFromAccountToModule(ctx, addr, MODULE_NAME, [bond]);
    this.putOperator(
      ctx,
      addr,
      Operator.create({
        address: operator,
        endpoint,
        bond: bond.amount.toString(),
        models: [],
        status: OperatorStatus.OPERATOR_STATUS_ACTIVE,
      }),
    );
    ctx.events.emit(
      modelsEvent(EventType.OperatorRegistered, [
        ["operator", operator],
        ["endpoint", endpoint],
        ["bond", `${bond.amount}${bond.denom}`],
      ]),
    );
  }

  /** Change the endpoint (non-empty) and/or add bond (positive). */
  updateOperator(ctx: Context, operator: string, endpoint: string, addBond: BigCoin | undefined): void {
    const addr = parseAddress(ctx, "operator", operator);
    const op = this.mustActiveOperator(ctx, addr, operator);
    if (endpoint !== "") {
      checkEndpoint(endpoint);
      op.endpoint = endpoint;
    }
    if (addBond && addBond.amount > 0n) {
      const denom = this.params(ctx).minOperatorBond.denom;
      if (addBond.denom !== denom)
        throw modelsError(ModelsCode.InsufficientAmount, `bond must be in ${denom}, got ${addBond.denom}`);
      this.bank().sendCoinsFromAccountToModule(ctx, addr, MODULE_NAME, [addBond]);
      op.bond = (BigInt(op.bond || "0") + addBond.amount).toString();
    }
    this.putOperator(ctx, addr, op);
    ctx.events.emit(
      modelsEvent(EventType.OperatorUpdated, [
        ["operator", operator],
        ["endpoint", op.endpoint],
        ["bond", op.bond],
      ]),
    );
  }

  /** Start serving `serve` (active models) and stop serving `stop`. Returns the models served now. */
  serveModels(ctx: Context, operator: string, serve: readonly bigint[], stop: readonly bigint[]): bigint[] {
    const addr = parseAddress(ctx, "operator", operator);
    const op = this.mustActiveOperator(ctx, addr, operator);
    if (serve.length === 0 && stop.length === 0)
      throw modelsError(ModelsCode.InvalidServe, "nothing to serve or stop");
    const served = new Set(op.models.map((x) => big(x)));
    const seen = new Set<bigint>();
    const store = this.store(ctx);
    for (const id of stop) {
      if (seen.has(id)) throw modelsError(ModelsCode.InvalidServe, `model ${id} listed twice`);
      seen.add(id);
      if (!served.has(id))
        throw modelsError(ModelsCode.InvalidServe, `model ${id} is not served by ${operator}`);
      served.delete(id);
      store.delete(servedByKey(id, addr));
    }
    for (const id of serve) {
      if (seen.has(id)) throw modelsError(ModelsCode.InvalidServe, `model ${id} listed twice`);
      seen.add(id);
      const m = this.getModel(ctx, id);
      if (!m) throw modelsError(ModelsCode.ModelNotFound, `model ${id} not found`);
      if (m.status !== ModelStatus.MODEL_STATUS_ACTIVE)
        throw modelsError(ModelsCode.InvalidServe, `model ${id} is retired`);
      if (served.has(id)) throw modelsError(ModelsCode.InvalidServe, `model ${id} is already served`);
      served.add(id);
      store.set(servedByKey(id, addr), EMPTY);
    }
    const max = this.params(ctx).maxModelsPerOperator;
    if (BigInt(served.size) > max)
      throw modelsError(ModelsCode.InvalidServe, `an operator may serve at most ${max} models`);
    const list = [...served].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    op.models = list.map(num);
    this.putOperator(ctx, addr, op);
    ctx.events.emit(
      modelsEvent(EventType.ModelsServed, [
        ["operator", operator],
        ["serve", serve.join(",")],
        ["stop", stop.join(",")],
        ["count", list.length],
      ]),
    );
    return list;
  }

  /** Stop serving everything and start unbonding; returns the height at which the bond returns. */
  unbondOperator(ctx: Context, operator: string): bigint {
    const addr = parseAddress(ctx, "operator", operator);
    const op = this.mustActiveOperator(ctx, addr, operator);
    const store = this.store(ctx);
    for (const id of op.models) store.delete(servedByKey(big(id), addr));
    const at = height(ctx) + this.params(ctx).unbondingBlocks;
    op.models = [];
    op.status = OperatorStatus.OPERATOR_STATUS_UNBONDING;
    op.unbondingHeight = num(at);
    this.putOperator(ctx, addr, op);
    store.set(unbondingKey(at, addr), EMPTY);
    ctx.events.emit(
      modelsEvent(EventType.OperatorUnbonding, [
        ["operator", operator],
        ["completion_height", at],
      ]),
    );
    return at;
  }

  /** End block: return the bonds of operators whose unbonding completes at or before this height. */
  completeUnbondings(ctx: Context): void {
    const store = this.store(ctx);
    const end = unbondingKey(height(ctx) + 1n);
    const due: Uint8Array[] = [];
    for (const [k] of store.iterator(Uint8Array.of(UNBONDING_PREFIX), end)) due.push(Uint8Array.from(k));
    for (const k of due) {
      const addr = k.subarray(10, 10 + (k[9] ?? 0));
      store.delete(k);
      const op = this.readOperator(store, addr);
      if (!op) continue;
      const amount = BigInt(op.bond || "0");
      const denom = this.params(ctx).minOperatorBond.denom;
      if (amount > 0n)
        this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, Uint8Array.from(addr), [
          { denom, amount },
        ]);
      store.delete(operatorKey(addr));
      ctx.events.emit(
        modelsEvent(EventType.OperatorUnbonded, [
          ["operator", op.address],
          ["returned", `${amount}${denom}`],
        ]),
      );
    }
  }

  // ---- genesis ----

  /** Store a model and its index (genesis import). */
  importModel(ctx: Context, m: ModelT): void {
    this.putModel(ctx, m);
    this.store(ctx).set(modelByOwnerKey(parseAddress(ctx, "owner", m.owner), big(m.id)), EMPTY);
  }

  /** Store a job and its index (genesis import). */
  importJob(ctx: Context, j: TrainingJobT): void {
    this.putJob(ctx, j, undefined);
  }

  /** Store an operator, its served-by index and its unbonding entry (genesis import). */
  importOperator(ctx: Context, op: OperatorT): void {
    const addr = parseAddress(ctx, "operator", op.address);
    this.putOperator(ctx, addr, op);
    const store = this.store(ctx);
    for (const id of op.models) store.set(servedByKey(big(id), addr), EMPTY);
    if (op.status === OperatorStatus.OPERATOR_STATUS_UNBONDING)
      store.set(unbondingKey(big(op.unbondingHeight), addr), EMPTY);
  }

  /** Sum of escrowed bounties (open / claimed jobs) and bonds: what the `models` account must hold. */
  escrowed(ctx: Context): bigint {
    const store = this.store(ctx);
    let total = 0n;
    for (const status of [JobStatus.JOB_STATUS_OPEN, JobStatus.JOB_STATUS_CLAIMED]) {
      const p = jobByStatusKey(status);
      for (const [k] of store.iterator(p, jobByStatusKey(status + 1))) {
        const j = this.readJob(store, readUint64BE(k, k.length - 8));
        total += BigInt(j?.bounty?.amount || "0");
      }
    }
    for (const [, v] of store.iterator(Uint8Array.of(0x30), Uint8Array.of(0x31)))
      total += BigInt(Operator.decode(v).bond || "0");
    return total;
  }

  // ---- private ----

  private createModel(ctx: Context, ownerBytes: Uint8Array, m: ModelT, jobId: bigint): bigint {
    const id = this.take(ctx, NEXT_MODEL_ID_KEY);
    m.id = num(id);
    m.status = ModelStatus.MODEL_STATUS_ACTIVE;
    m.createdHeight = ctx.header.height;
    m.jobId = num(jobId);
    this.putModel(ctx, m);
    this.store(ctx).set(modelByOwnerKey(ownerBytes, id), EMPTY);
    ctx.events.emit(
      modelsEvent(EventType.ModelRegistered, [
        ["model_id", id],
        ["owner", m.owner],
        ["kind", ModelKind[m.kind] ?? String(m.kind)],
        ["artifact_sha256", m.artifact?.sha256 ?? ""],
        ["datanets", m.datanets.map((d) => `${big(d.datanetId)}@${big(d.version)}`).join(",")],
        ["job_id", jobId],
      ]),
    );
    return id;
  }

  private checkModel(ctx: Context, owner: string, i: ModelInput): ModelT {
    const name = i.name.trim();
    if (name.length === 0 || i.name.length > MAX_NAME) throw bad(`name must be 1 to ${MAX_NAME} characters`);
    if (byteLen(i.description) > MAX_DESCRIPTION_BYTES)
      throw bad(`description longer than ${MAX_DESCRIPTION_BYTES} bytes`);
    checkBase(i.baseModel);
    checkKind(i.kind);
    const a = i.artifact;
    if (!a) throw bad("artifact is required");
    const sha = a.sha256 ?? "";
    if (!HEX64.test(sha)) throw bad("artifact.sha256 must be 64 lowercase hex characters");
    const size = big(a.size);
    if (size < 1n) throw bad("artifact.size must be positive");
    const uri = a.uri ?? "";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (uri.length === 0 || uri.length > MAX_URI || /[\u0000-\u001f\u007f\s]/.test(uri))
      throw bad(`artifact.uri must be 1 to ${MAX_URI} characters without spaces or control characters`);
    if (byteLen(i.trainingConfig) > MAX_CONFIG_BYTES)
      throw bad(`training_config longer than ${MAX_CONFIG_BYTES} bytes`);
    if (i.trainingLogHash !== "" && !HEX64.test(i.trainingLogHash))
      throw bad("training_log_hash must be empty or 64 lowercase hex characters");
    const inputPrice = parsePrice("input_price", i.inputPrice);
    const outputPrice = parsePrice("output_price", i.outputPrice);
    const datanets = this.checkPins(ctx, owner, i.datanets);
    return Model.create({
      owner,
      name: i.name,
      description: i.description,
      baseModel: i.baseModel,
      kind: i.kind,
      artifact: { sha256: sha, size: num(size), uri },
      datanets,
      trainingConfig: i.trainingConfig,
      trainingLogHash: i.trainingLogHash,
      inputPrice: inputPrice.toString(),
      outputPrice: outputPrice.toString(),
    });
  }

  /** Pins must be published versions of datanets the owner may use, at least one, no duplicates. */
  private checkPins(ctx: Context, owner: string, pins: readonly DatanetVersionInput[]): DatanetVersion[] {
    const max = this.params(ctx).maxPinnedDatanets;
    if (pins.length === 0) throw bad("at least one datanet version must be pinned");
    if (BigInt(pins.length) > max) throw bad(`at most ${max} datanet versions may be pinned`);
    const seen = new Set<bigint>();
    const out: DatanetVersion[] = [];
    const dn = this.datanets();
    for (const p of pins) {
      const id = big(p.datanetId);
      const v = big(p.version);
      if (id === 0n || v === 0n) throw bad("pinned datanet id and version must be positive");
      if (seen.has(id)) throw bad(`datanet ${id} pinned twice`);
      seen.add(id);
      if (!dn.getVersion(ctx, id, v))
        throw modelsError(ModelsCode.DatanetVersionNotFound, `datanet ${id} has no published version ${v}`);
      if (!dn.isUsableBy(ctx, id, owner))
        throw modelsError(ModelsCode.DatanetNotUsable, `datanet ${id} is not usable by ${owner}`);
      out.push({ datanetId: num(id), version: num(v) } as DatanetVersion);
    }
    return out;
  }

  private mustJob(ctx: Context, id: bigint): TrainingJobT {
    const j = this.getJob(ctx, id);
    if (!j) throw modelsError(ModelsCode.JobNotFound, `job ${id} not found`);
    return j;
  }

  private mustActiveOperator(ctx: Context, addr: Uint8Array, operator: string): OperatorT {
    const op = this.readOperator(this.store(ctx), addr);
    if (!op) throw modelsError(ModelsCode.OperatorNotFound, `operator ${operator} not found`);
    if (op.status === OperatorStatus.OPERATOR_STATUS_UNBONDING)
      throw modelsError(ModelsCode.OperatorUnbonding, `operator ${operator} is unbonding`);
    return op;
  }

  private putModel(ctx: Context, m: ModelT): void {
    this.store(ctx).set(modelKey(big(m.id)), Model.encode(m).finish());
  }

  private putJob(ctx: Context, j: TrainingJobT, prevStatus: JobStatus | undefined): void {
    const store = this.store(ctx);
    const id = big(j.id);
    if (prevStatus !== undefined) store.delete(jobByStatusKey(prevStatus, id));
    store.set(jobByStatusKey(j.status, id), EMPTY);
    store.set(jobKey(id), TrainingJob.encode(j).finish());
  }

  private putOperator(ctx: Context, addr: Uint8Array, op: OperatorT): void {
    this.store(ctx).set(operatorKey(addr), Operator.encode(op).finish());
  }
}

function checkBase(base: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (base.length === 0 || base.length > MAX_BASE_MODEL || /[\u0000-\u001f\u007f\s]/.test(base))
    throw bad(`base_model must be 1 to ${MAX_BASE_MODEL} characters without spaces`);
}

function checkKind(kind: ModelKind): void {
  if (
    kind !== ModelKind.MODEL_KIND_LORA &&
    kind !== ModelKind.MODEL_KIND_QLORA &&
    kind !== ModelKind.MODEL_KIND_FULL &&
    kind !== ModelKind.MODEL_KIND_NGRAM
  )
    throw bad("kind must be lora, qlora, full or ngram");
}

function checkEndpoint(endpoint: string): void {
  if (endpoint.length === 0 || endpoint.length > MAX_ENDPOINT || !/^https?:\/\/[^\s]+$/.test(endpoint))
    throw modelsError(
      ModelsCode.InvalidOperator,
      `endpoint must be an http(s) URL of at most ${MAX_ENDPOINT} characters`,
    );
}

/** First key of the models prefix range (for iteration by callers). */
export const MODELS_RANGE = [Uint8Array.of(MODEL_PREFIX), Uint8Array.of(MODEL_PREFIX + 1)] as const;
