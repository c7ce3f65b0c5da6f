/**
 * `openledgerd factory train`: the reference trainer. Reads pinned datanet versions over RPC, trains an
 * n-gram model with interpolated modified Kneser–Ney smoothing, writes `model.olm`,
 * `training-config.json` and `training.log` into `--out`, and optionally registers the model
 * (`--register`) or completes a claimed training job (`--job ID`).
 */
import type { Command } from "commander";
import { ChainClient, DEFAULT_PREFIX } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { toBech32 } from "../../crypto/address.js";
import { NGRAM_BASE_MODEL } from "../../factory/ngram.js";
import { type Pin, parsePin, trainFromChain } from "../../factory/train.js";
import {
  big,
  ModelKind,
  QueryJobRequest,
  QueryJobResponse,
  QueryModelsRequest,
  QueryModelsResponse,
} from "../../modules/models/proto.js";
import { CodedError, SDK } from "../../types/errors.js";
import { emit, type GlobalOptions, kvLines, runCommand } from "../output.js";
import { keyringFromFlags } from "./keys.js";
import { modelsMsg, modelsQuery, modelsTxExtras } from "./models.js";
import { addTxOptions, type TxFlags, txOptionsFromFlags } from "./tx.js";

interface TrainFlags extends TxFlags {
  datanet: string[];
  base: string;
  order: string;
  out?: string;
  register?: boolean;
  job?: string;
  name?: string;
  description: string;
  inputPrice: string;
  outputPrice: string;
  artifactUri?: string;
}

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

/** Register `factory train`. */
export function registerFactoryCommands(program: Command): void {
  const factory = program.command("factory").description("Model Factory: train models on datanets");
  addTxOptions(
    factory
      .command("train")
      .description(
        "train an n-gram KN model on pinned datanet versions; optionally register it or complete a job",
      )
      .option(
        "--datanet <id@version>",
        "datanet version to train on (repeatable)",
        (v: string, p: string[]) => [...p, v],
        [],
      )
      .option("--base <id>", "base model (only ngram-kn-v1 is trained here)", NGRAM_BASE_MODEL)
      .option("--order <n>", "n-gram order (1–6)", "3")
      .option("--out <dir>", "output dir for model.olm, training-config.json, training.log")
      .option("--register", "register the model (RegisterModel) with --from")
      .option("--job <id>", "complete this claimed training job (its datanets are used) with --from")
      .option("--name <name>", "model name (default: ngram-<sha256 prefix>)")
      .option("--description <text>", "model description", "")
      .option("--input-price <aopen>", "aopen per 1,000 input tokens", "0")
      .option("--output-price <aopen>", "aopen per 1,000 output tokens", "0")
      .option("--artifact-uri <uri>", "URI to record instead of the artifact's file:// path"),
    true,
  ).action(async (flags: TrainFlags, c: Command) => runCommand(c, (g) => train(g, flags)));
}

async function train(g: GlobalOptions, f: TrainFlags): Promise<void> {
  if (!f.out) throw bad("--out is required");
  if (f.base !== NGRAM_BASE_MODEL)
    throw bad(`this trainer trains ${NGRAM_BASE_MODEL} only (see the README for LoRA)`);
  if (!/^[1-6]$/.test(f.order)) throw bad("--order must be 1 to 6");
  if (f.register && f.job) throw bad("--register and --job are exclusive");
  if ((f.register || f.job) && !f.from) throw bad("--from is required with --register or --job");
  if ((f.register || f.job) && !f.yes) throw bad("registering signs a transaction: pass --yes");
  const client = ChainClient.connect(f.node);
  try {
    const query = (path: string, data: Uint8Array) => client.abciQuery(path, data);
    let pins: Pin[];
    const jobId = f.job ? BigInt(f.job) : 0n;
    if (f.job) {
      if (!/^[0-9]{1,15}$/.test(f.job) || jobId === 0n) throw bad("--job must be a positive integer");
      const job = await modelsQuery(
        client,
        "Job",
        QueryJobRequest.encode({ id: Number(jobId) }).finish(),
        (b) => QueryJobResponse.decode(b),
      );
      if (job.job?.method !== ModelKind.MODEL_KIND_NGRAM) throw bad(`job ${jobId} is not an ngram job`);
      pins = (job.job.datanets ?? []).map((d) => ({ datanetId: big(d.datanetId), version: big(d.version) }));
    } else {
      if (f.datanet.length === 0) throw bad("give at least one --datanet ID@VERSION");
      try {
        pins = f.datanet.map(parsePin);
      } catch (e) {
        throw bad((e as Error).message);
      }
    }
    const r = await trainFromChain(query, pins, Number(f.order), f.out);
    const out: Record<string, unknown> = {
      artifact: r.artifactPath,
      uri: f.artifactUri ?? r.uri,
      sha256: r.sha256,
      size: r.size,
      order: Number(f.order),
      rows: r.rows,
      tokens: r.tokens,
      vocab: r.vocab,
      datanets: r.pins.map((p) => `${p.datanetId}@${p.version}`),
      training_log_hash: r.logHash,
    };
    if (f.register || f.job) {
      const options = txOptionsFromFlags(f);
      const kr = keyringFromFlags(f, g);
      const key = await kr.unlock((await kr.find(f.from!)).name);
      const address = toBech32(options.prefix ?? DEFAULT_PREFIX, key.address);
      const artifact = { sha256: r.sha256, size: r.size, uri: f.artifactUri ?? r.uri };
      const name = f.name ?? `ngram-${r.sha256.slice(0, 12)}`;
      const common = {
        name,
        description: f.description,
        artifact,
        trainingConfig: r.config,
        trainingLogHash: r.logHash,
        inputPrice: f.inputPrice,
        outputPrice: f.outputPrice,
      };
      const msg = f.job
        ? modelsMsg("MsgCompleteTrainingJob", { trainer: address, jobId: Number(jobId), ...common })
        : modelsMsg("MsgRegisterModel", {
            owner: address,
            baseModel: NGRAM_BASE_MODEL,
            kind: ModelKind.MODEL_KIND_NGRAM,
            datanets: r.pins.map((p) => ({ datanetId: Number(p.datanetId), version: Number(p.version) })),
            ...common,
          });
      try {
        const res = await client.signAndBroadcast({
          ...options,
          ...modelsTxExtras(),
          gas: options.gas ?? "auto",
          broadcastMode: "block",
          privateKey: key.privateKey,
          messages: [msg],
        });
        if (res.code !== 0)
          throw new CodedError(
            res.codespace || SDK,
            res.code,
            `transaction failed (${res.txhash}): ${res.raw_log}`,
          );
        out["txhash"] = res.txhash;
      } finally {
        key.privateKey.fill(0);
      }
      if (f.job) {
        const job = await modelsQuery(
          client,
          "Job",
          QueryJobRequest.encode({ id: Number(jobId) }).finish(),
          (b) => QueryJobResponse.decode(b),
        );
        out["model_id"] = big(job.job?.resultModelId).toString();
      } else {
        const owner = address;
        const list = await modelsQuery(
          client,
          "Models",
          QueryModelsRequest.encode({ owner, pagination: { limit: 1, reverse: true } }).finish(),
          (b) => QueryModelsResponse.decode(b),
        );
        out["model_id"] = big(list.models[0]?.id).toString();
      }
    }
    emit(g.output, out, () =>
      kvLines(Object.entries(out).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)])),
    );
  } finally {
    client.disconnect();
  }
}
