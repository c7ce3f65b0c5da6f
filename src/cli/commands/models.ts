/** `openledgerd tx models …` and `openledgerd query models …`. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type EncodeObject, Registry } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from "@cosmjs/stargate";
import type { Command } from "commander";
import { parseCoins } from "../../client/amount.js";
import type { ChainClient, SignAndBroadcastOptions } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { parsePin } from "../../factory/train.js";
import {
  JobStatus,
  ModelKind,
  ModelStatus,
  QueryJobRequest,
  QueryJobResponse,
  QueryJobsRequest,
  QueryJobsResponse,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryOperatorRequest,
  QueryOperatorResponse,
  QueryOperatorsRequest,
  QueryOperatorsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "../../modules/models/proto.js";
import { QUERY_SERVICE } from "../../modules/models/queryServer.js";
import { modelsAminoConverters, modelsRegistryTypes } from "../../modules/models/registry.js";
import type { CodedError } from "../../types/errors.js";
import { emit, type GlobalOptions, runCommand, stringifyJson } from "../output.js";
import { protoJson } from "./datanets.js";
import { addQueryOptions, type QueryFlags, withClient } from "./query.js";
import { addTxOptions, runTx, type TxFlags } from "./tx.js";

const PKG = "/openledger.models.v1";

/** A registry with the standard messages and models'. */
export function modelsRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...modelsRegistryTypes]);
}

/** Amino converters with the standard messages and models'. */
export function modelsAminoTypes(): AminoTypes {
  return new AminoTypes({ ...createDefaultAminoConverters(), ...modelsAminoConverters() });
}

/** Registry and amino options for signing models messages. */
export function modelsTxExtras(): Partial<SignAndBroadcastOptions> {
  return { registry: modelsRegistry(), aminoTypes: modelsAminoTypes() };
}

/** A models message. */
export function modelsMsg(name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `${PKG}.${name}`, value };
}

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

/** A positive integer id. */
export function parseId(s: string, what = "id"): number {
  if (!/^[0-9]{1,15}$/.test(s) || BigInt(s) === 0n)
    throw bad(`invalid ${what} ${JSON.stringify(s)}: a positive integer`);
  return Number(s);
}

/** `lora|qlora|full|ngram` → ModelKind. */
export function parseKind(s: string): ModelKind {
  const v = (ModelKind as unknown as Record<string, number>)[`MODEL_KIND_${s.toUpperCase()}`];
  if (typeof v !== "number" || v === 0)
    throw bad(`invalid kind ${JSON.stringify(s)}: lora, qlora, full or ngram`);
  return v as ModelKind;
}

/** `ID@VERSION` → proto DatanetVersion fields. */
export function parsePins(list: readonly string[]): { datanetId: number; version: number }[] {
  return list.map((s) => {
    try {
      const p = parsePin(s);
      return { datanetId: Number(p.datanetId), version: Number(p.version) };
    } catch (e) {
      throw bad((e as Error).message);
    }
  });
}

function oneCoin(s: string, what: string): { denom: string; amount: string } {
  const c = parseCoins(s);
  if (c.length !== 1) throw bad(`${what} must be one coin, e.g. 5OPEN or 1000aopen`);
  return { denom: c[0]!.denom, amount: c[0]!.amount.toString() };
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Artifact flags: a local file (hashed here) or explicit sha256 / size / uri. */
interface ArtifactFlags {
  artifact?: string;
  artifactSha256?: string;
  artifactSize?: string;
  artifactUri?: string;
}

function addArtifactOptions(cmd: Command): Command {
  return cmd
    .option(
      "--artifact <file>",
      "artifact file: hashed here; its file:// URI is recorded unless --artifact-uri",
    )
    .option("--artifact-sha256 <hex>", "sha256 of the artifact (with --artifact-size and --artifact-uri)")
    .option("--artifact-size <bytes>", "artifact size in bytes")
    .option(
      "--artifact-uri <uri>",
      "where gateways fetch it: file://, http(s)://, or a name in their artifact dir",
    );
}

/** The artifact record from flags. */
export function artifactOf(f: ArtifactFlags): { sha256: string; size: number; uri: string } {
  if (f.artifact) {
    const bytes = readFileSync(f.artifact);
    return {
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
      uri: f.artifactUri ?? pathToFileURL(resolve(f.artifact)).href,
    };
  }
  if (!f.artifactSha256 || !f.artifactSize || !f.artifactUri)
    throw bad("give --artifact FILE, or --artifact-sha256, --artifact-size and --artifact-uri");
  return {
    sha256: f.artifactSha256.toLowerCase(),
    size: parseId(f.artifactSize, "size"),
    uri: f.artifactUri,
  };
}

interface ModelFlags extends TxFlags, ArtifactFlags {
  name?: string;
  description?: string;
  base?: string;
  kind?: string;
  datanet: string[];
  trainingConfig?: string;
  trainingConfigFile?: string;
  trainingLogHash?: string;
  inputPrice?: string;
  outputPrice?: string;
}

function requireFrom(flags: TxFlags): string {
  if (!flags.from) throw bad("--from is required");
  return flags.from;
}

function txCmd(
  cmd: Command,
  build: (from: string, args: string[], f: Record<string, unknown>) => EncodeObject[],
): void {
  addTxOptions(cmd, true).action(async (...all: unknown[]) => {
    const c = all[all.length - 1] as Command;
    const flags = all[all.length - 2] as TxFlags & Record<string, unknown>;
    const args = all.slice(0, -2).map((a) => a as string);
    await runCommand(c, async (g) => {
      await runTx(g, flags, requireFrom(flags), (from) => build(from, args, flags), modelsTxExtras());
    });
  });
}

function subcommand(program: Command, parent: string): Command {
  const p = program.commands.find((c) => c.name() === parent);
  if (!p) throw new Error(`no ${parent} command`);
  return p;
}

/** Register `tx models …` and `query models …` (after the `tx` and `query` groups exist). */
export function registerModelsCommands(program: Command): void {
  registerTx(subcommand(program, "tx").command("models").description("models module transactions"));
  registerQuery(subcommand(program, "query").command("models").description("models module queries"));
}

function registerTx(tx: Command): void {
  txCmd(
    addArtifactOptions(
      tx
        .command("register")
        .description("register a trained model (pays the registration fee)")
        .option("--name <name>", "model name")
        .option("--description <text>", "description", "")
        .option("--base <id>", "base model id", "ngram-kn-v1")
        .option("--kind <k>", "lora, qlora, full or ngram", "ngram")
        .option("--datanet <id@version>", "pinned datanet version (repeatable)", collect, [])
        .option("--training-config <json>", "training config", "")
        .option("--training-config-file <path>", "read the training config from a file")
        .option("--training-log-hash <hex>", "sha256 of the training log", "")
        .option("--input-price <aopen>", "aopen per 1,000 input tokens", "0")
        .option("--output-price <aopen>", "aopen per 1,000 output tokens", "0"),
    ),
    (owner, _a, raw) => {
      const f = raw as unknown as ModelFlags;
      if (!f.name) throw bad("--name is required");
      return [
        modelsMsg("MsgRegisterModel", {
          owner,
          name: f.name,
          description: f.description ?? "",
          baseModel: f.base ?? "",
          kind: parseKind(f.kind ?? ""),
          artifact: artifactOf(f),
          datanets: parsePins(f.datanet),
          trainingConfig: f.trainingConfigFile
            ? readFileSync(f.trainingConfigFile, "utf8")
            : (f.trainingConfig ?? ""),
          trainingLogHash: f.trainingLogHash ?? "",
          inputPrice: f.inputPrice ?? "0",
          outputPrice: f.outputPrice ?? "0",
        }),
      ];
    },
  );
  txCmd(
    tx
      .command("update <model_id>")
      .description("change a model's description, prices or status (owner); retiring is final")
      .option("--description <text>", "new description")
      .option("--input-price <aopen>", "aopen per 1,000 input tokens")
      .option("--output-price <aopen>", "aopen per 1,000 output tokens")
      .option("--status <s>", "active or retired"),
    (owner, [id], f) => {
      const status = f["status"] as string | undefined;
      let s = ModelStatus.MODEL_STATUS_UNSPECIFIED;
      if (status === "active") s = ModelStatus.MODEL_STATUS_ACTIVE;
      else if (status === "retired") s = ModelStatus.MODEL_STATUS_RETIRED;
      else if (status !== undefined) throw bad("--status must be active or retired");
      return [
        modelsMsg("MsgUpdateModel", {
          owner,
          modelId: parseId(id!),
          description: (f["description"] as string | undefined) ?? "",
          inputPrice: (f["inputPrice"] as string | undefined) ?? "",
          outputPrice: (f["outputPrice"] as string | undefined) ?? "",
          status: s,
        }),
      ];
    },
  );
  txCmd(
    tx
      .command("request-training")
      .description("post a training bounty (escrowed until completion or cancellation)")
      .option("--datanet <id@version>", "datanet version to train on (repeatable)", collect, [])
      .option("--base <id>", "base model id", "ngram-kn-v1")
      .option("--method <k>", "lora, qlora, full or ngram", "ngram")
      .option("--hyperparameters <json>", "hyperparameters", "{}")
      .option("--bounty <coin>", "bounty, e.g. 5OPEN"),
    (requester, _a, f) => {
      if (!f["bounty"]) throw bad("--bounty is required");
      return [
        modelsMsg("MsgRequestTraining", {
          requester,
          datanets: parsePins(f["datanet"] as string[]),
          baseModel: f["base"],
          method: parseKind(f["method"] as string),
          hyperparameters: f["hyperparameters"],
          bounty: oneCoin(f["bounty"] as string, "--bounty"),
        }),
      ];
    },
  );
  txCmd(tx.command("claim-job <job_id>").description("claim an open training job"), (trainer, [id]) => [
    modelsMsg("MsgClaimTrainingJob", { trainer, jobId: parseId(id!) }),
  ]);
  txCmd(
    addArtifactOptions(
      tx
        .command("complete-job <job_id>")
        .description("deliver a claimed job: registers the model for the requester, pays the bounty")
        .option("--name <name>", "model name")
        .option("--description <text>", "description", "")
        .option("--training-config <json>", "training config", "")
        .option("--training-log-hash <hex>", "sha256 of the training log", "")
        .option("--input-price <aopen>", "aopen per 1,000 input tokens", "0")
        .option("--output-price <aopen>", "aopen per 1,000 output tokens", "0"),
    ),
    (trainer, [id], raw) => {
      const f = raw as unknown as ModelFlags;
      if (!f.name) throw bad("--name is required");
      return [
        modelsMsg("MsgCompleteTrainingJob", {
          trainer,
          jobId: parseId(id!),
          name: f.name,
          description: f.description ?? "",
          artifact: artifactOf(f),
          trainingConfig: f.trainingConfig ?? "",
          trainingLogHash: f.trainingLogHash ?? "",
          inputPrice: f.inputPrice ?? "0",
          outputPrice: f.outputPrice ?? "0",
        }),
      ];
    },
  );
  txCmd(
    tx.command("cancel-job <job_id>").description("cancel a job you requested; refunds the bounty"),
    (requester, [id]) => [modelsMsg("MsgCancelTrainingJob", { requester, jobId: parseId(id!) })],
  );
  txCmd(
    tx
      .command("register-operator")
      .description("become a serving operator (bonds stake)")
      .option("--endpoint <url>", "base URL of your gateway's OpenAI-compatible API")
      .option("--bond <coin>", "bond, e.g. 100OPEN"),
    (operator, _a, f) => {
      if (!f["endpoint"] || !f["bond"]) throw bad("--endpoint and --bond are required");
      return [
        modelsMsg("MsgRegisterOperator", {
          operator,
          endpoint: f["endpoint"],
          bond: oneCoin(f["bond"] as string, "--bond"),
        }),
      ];
    },
  );
  txCmd(
    tx
      .command("update-operator")
      .description("change your endpoint and/or add bond")
      .option("--endpoint <url>", "new endpoint")
      .option("--add-bond <coin>", "bond to add"),
    (operator, _a, f) => [
      modelsMsg("MsgUpdateOperator", {
        operator,
        endpoint: (f["endpoint"] as string | undefined) ?? "",
        ...(f["addBond"] ? { addBond: oneCoin(f["addBond"] as string, "--add-bond") } : {}),
      }),
    ],
  );
  txCmd(
    tx
      .command("serve-models")
      .description("start and/or stop serving models")
      .option("--serve <ids>", "comma-separated model ids to serve", "")
      .option("--stop <ids>", "comma-separated model ids to stop serving", ""),
    (operator, _a, f) => {
      const ids = (s: string) =>
        s
          .split(",")
          .filter((x) => x !== "")
          .map((x) => parseId(x, "model id"));
      return [
        modelsMsg("MsgServeModels", {
          operator,
          serve: ids(f["serve"] as string),
          stop: ids(f["stop"] as string),
        }),
      ];
    },
  );
  txCmd(
    tx.command("unbond-operator").description("stop serving and unbond (bond returns after the delay)"),
    (operator) => [modelsMsg("MsgUnbondOperator", { operator })],
  );
}

interface PageFlags extends QueryFlags {
  limit?: string;
  pageKey?: string;
  countTotal?: boolean;
}

function addPage(cmd: Command): Command {
  return addQueryOptions(cmd)
    .option("--limit <n>", "page size")
    .option("--page-key <base64>", "resume at this next_key")
    .option("--count-total", "count all matches");
}

function pageOf(f: PageFlags) {
  return {
    limit: f.limit ? parseId(f.limit, "limit") : 0,
    key: f.pageKey ? Buffer.from(f.pageKey, "base64") : new Uint8Array(),
    countTotal: f.countTotal ?? false,
  };
}

/** Run a models query. */
export async function modelsQuery<T>(
  c: ChainClient,
  path: string,
  data: Uint8Array,
  decode: (b: Uint8Array) => T,
): Promise<T> {
  return decode(await c.abciQuery(`${QUERY_SERVICE}/${path}`, data));
}

function print(g: GlobalOptions, value: unknown): void {
  emit(g.output, value, () => [stringifyJson(value)]);
}

type Codec<T> = { decode(b: Uint8Array): T; toObject(m: T, o: never): Record<string, unknown> };

function q<T>(
  cmd: Command,
  path: string,
  codec: Codec<T>,
  req: (args: string[], f: PageFlags & Record<string, string>) => Uint8Array,
): void {
  cmd.action(async (...all: unknown[]) => {
    const c = all[all.length - 1] as Command;
    const f = all[all.length - 2] as PageFlags & Record<string, string>;
    const args = all.slice(0, -2).map((a) => a as string);
    await runCommand(c, async (g) => {
      const data = req(args, f);
      const r = await withClient(f, (cl) => modelsQuery(cl, path, data, (b) => codec.decode(b)));
      print(g, protoJson(codec as never, r));
    });
  });
}

function registerQuery(qc: Command): void {
  q(
    addQueryOptions(qc.command("params").description("the module's params")),
    "Params",
    QueryParamsResponse as never,
    () => QueryParamsRequest.encode({}).finish(),
  );
  q(
    addQueryOptions(qc.command("model <id>").description("a model")),
    "Model",
    QueryModelResponse as never,
    ([id]) => QueryModelRequest.encode({ id: parseId(id!) }).finish(),
  );
  q(
    addPage(
      qc
        .command("models")
        .description("models, optionally by owner and status")
        .option("--owner <address>", "only this owner's")
        .option("--status <s>", "active or retired"),
    ),
    "Models",
    QueryModelsResponse as never,
    (_a, f) =>
      QueryModelsRequest.encode({
        owner: f["owner"] ?? "",
        status:
          f["status"] === "active"
            ? ModelStatus.MODEL_STATUS_ACTIVE
            : f["status"] === "retired"
              ? ModelStatus.MODEL_STATUS_RETIRED
              : 0,
        pagination: pageOf(f),
      }).finish(),
  );
  q(
    addQueryOptions(qc.command("job <id>").description("a training job")),
    "Job",
    QueryJobResponse as never,
    ([id]) => QueryJobRequest.encode({ id: parseId(id!) }).finish(),
  );
  q(
    addPage(
      qc
        .command("jobs")
        .description("training jobs")
        .option("--status <s>", "open, claimed, completed or cancelled"),
    ),
    "Jobs",
    QueryJobsResponse as never,
    (_a, f) => {
      const s = f["status"];
      const status = s
        ? (JobStatus as unknown as Record<string, number>)[`JOB_STATUS_${s.toUpperCase()}`]
        : 0;
      if (status === undefined) throw bad("--status must be open, claimed, completed or cancelled");
      return QueryJobsRequest.encode({ status, pagination: pageOf(f) }).finish();
    },
  );
  q(
    addQueryOptions(qc.command("operator <address>").description("a serving operator")),
    "Operator",
    QueryOperatorResponse as never,
    ([a]) => QueryOperatorRequest.encode({ address: a! }).finish(),
  );
  q(
    addPage(qc.command("operators").description("serving operators")),
    "Operators",
    QueryOperatorsResponse as never,
    (_a, f) => QueryOperatorsRequest.encode({ pagination: pageOf(f) }).finish(),
  );
}
