/**
 * `openledgerd infer`, `openledgerd attribution explain|sign-request`, `tx attribution …` and
 * `query attribution …`: paid, attributed inference from the command line.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { parseCoins } from "../../client/amount.js";
import { ChainClient, DEFAULT_NODE, DEFAULT_PREFIX } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { toBech32 } from "../../crypto/address.js";
import {
  QueryCreditRequest,
  QueryCreditResponse,
  QueryExplainRequest,
  QueryExplainResponse,
  QueryInferenceRequest,
  QueryInferenceResponse,
  QueryInferencesByAddressRequest,
  QueryInferencesByModelRequest,
  QueryInferencesResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
  QueryRowEarningsRequest,
  QueryRowEarningsResponse,
} from "../../modules/attribution/proto.js";
import { QUERY_SERVICE } from "../../modules/attribution/queryServer.js";
import { type InferenceRequestData, requestProto, signRequest } from "../../modules/attribution/request.js";
import {
  attributionTxExtras,
  parseSignedRequest,
  REQUEST_HEADER,
  type SignedRequest,
  signedRequestJson,
} from "../../serve/settle.js";
import type { CodedError } from "../../types/errors.js";
import { emit, type GlobalOptions, runCommand, stringifyJson } from "../output.js";
import { protoJson } from "./datanets.js";
import { addKeyringOptions, type KeyringFlags, keyringFromFlags } from "./keys.js";
import { addQueryOptions, type QueryFlags, withClient } from "./query.js";
import { addTxOptions, runTx, type TxFlags } from "./tx.js";

const PKG = "/openledger.attribution.v1";

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

function posInt(s: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(s) || BigInt(s) === 0n)
    throw bad(`invalid ${what} ${JSON.stringify(s)}: a positive integer`);
  return Number(s);
}

function bondCoin(s: string): { denom: string; amount: string } {
  const c = parseCoins(s);
  if (c.length !== 1) throw bad("amount must be one coin, e.g. 5OPEN or 1000aopen");
  return { denom: c[0]!.denom, amount: c[0]!.amount.toString() };
}

function amountAopen(s: string, what: string): bigint {
  const c = parseCoins(s);
  if (c.length !== 1 || c[0]!.denom !== "aopen")
    throw bad(`${what} must be one coin, e.g. 1OPEN or 1000aopen`);
  return c[0]!.amount;
}

/** An attribution message. */
export function attributionMsg(name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `${PKG}.${name}`, value };
}

function subcommand(program: Command, parent: string): Command {
  const p = program.commands.find((c) => c.name() === parent);
  if (!p) throw new Error(`no ${parent} command`);
  return p;
}

function print(g: GlobalOptions, value: unknown, text?: () => string[]): void {
  emit(g.output, value, text ?? (() => [stringifyJson(value)]));
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
      if (!flags.from) throw bad("--from is required");
      await runTx(g, flags, flags.from, (from) => build(from, args, flags), attributionTxExtras());
    });
  });
}

/** Register `infer`, `attribution …`, `tx attribution …` and `query attribution …`. */
export function registerAttributionCommands(program: Command): void {
  registerTx(subcommand(program, "tx").command("attribution").description("attribution module transactions"));
  registerQuery(
    subcommand(program, "query").command("attribution").description("attribution module queries"),
  );
  registerInfer(program);
  const a = program.command("attribution").description("Proof of Attribution tools");
  q(
    addQueryOptions(
      a
        .command("explain")
        .description("which datanet rows a text would be attributed to under a model (dry run)")
        .requiredOption("--model <id>", "model id")
        .requiredOption("--text <text>", "the text to attribute"),
    ),
    "Explain",
    QueryExplainResponse as never,
    (_a, f) =>
      QueryExplainRequest.encode({
        modelId: posInt(f["model"] ?? "", "model"),
        text: f["text"] ?? "",
      }).finish(),
  );
  addKeyringOptions(
    a
      .command("sign-request")
      .description(
        "sign an inference request (ADR-036) and print its JSON (for the gateway header or settle)",
      )
      .requiredOption("--model <id>", "model id")
      .requiredOption("--prompt <text>", "the prompt")
      .requiredOption("--from <key>", "requester key")
      .option("--node <url>", "CometBFT RPC endpoint", DEFAULT_NODE)
      .option("--max-fee <coin>", "largest fee accepted", "1OPEN")
      .option("--nonce <n>", "request nonce (default: milliseconds since the epoch)")
      .option("--expiry-blocks <n>", "blocks the request stays valid", "100"),
  ).action(async (f: SignFlags, c: Command) =>
    runCommand(c, async (g) => {
      const client = ChainClient.connect(f.node);
      try {
        const s = await signedRequest(g, client, f);
        print(g, signedRequestJson(s));
      } finally {
        client.disconnect();
      }
    }),
  );
}

interface SignFlags extends KeyringFlags {
  node: string;
  model: string;
  prompt: string;
  from: string;
  maxFee: string;
  nonce?: string;
  expiryBlocks: string;
}

async function signedRequest(g: GlobalOptions, client: ChainClient, f: SignFlags): Promise<SignedRequest> {
  const kr = keyringFromFlags(f, g);
  const info = await kr.find(f.from);
  const key = await kr.unlock(info.name);
  try {
    const status = await client.status();
    const height = BigInt(status.sync_info.latest_block_height);
    const req: InferenceRequestData = {
      chainId: await client.chainId(),
      modelId: BigInt(posInt(f.model, "--model")),
      requester: toBech32(DEFAULT_PREFIX, key.address),
      promptSha256: createHash("sha256").update(f.prompt, "utf8").digest("hex"),
      maxFee: amountAopen(f.maxFee, "--max-fee"),
      nonce: f.nonce !== undefined ? BigInt(posInt(f.nonce, "--nonce")) : BigInt(Date.now()),
      expiryHeight: height + BigInt(posInt(f.expiryBlocks, "--expiry-blocks")),
    };
    return { request: req, signature: signRequest(req, key.privateKey), pubKey: key.publicKey };
  } finally {
    key.privateKey.fill(0);
  }
}

interface InferFlags extends SignFlags {
  gateway: string;
  maxTokens: string;
  temperature: string;
  seed: string;
}

function registerInfer(program: Command): void {
  addKeyringOptions(
    program
      .command("infer")
      .description("sign a paid inference request, call a gateway, print the answer and who was paid")
      .requiredOption("--model <id>", "model id")
      .requiredOption("--prompt <text>", "the prompt")
      .requiredOption("--from <key>", "requester key (must have credit with the gateway's operator)")
      .option("--gateway <url>", "serving gateway", "http://127.0.0.1:8080")
      .option("--node <url>", "CometBFT RPC endpoint", DEFAULT_NODE)
      .option("--max-fee <coin>", "largest fee accepted", "1OPEN")
      .option("--nonce <n>", "request nonce (default: milliseconds since the epoch)")
      .option("--expiry-blocks <n>", "blocks the request stays valid", "100")
      .option("--max-tokens <n>", "largest answer", "64")
      .option("--temperature <x>", "sampling temperature", "0")
      .option("--seed <n>", "sampling seed", "0"),
  ).action(async (f: InferFlags, c: Command) =>
    runCommand(c, async (g) => {
      const client = ChainClient.connect(f.node);
      let signed: SignedRequest;
      try {
        signed = await signedRequest(g, client, f);
      } finally {
        client.disconnect();
      }
      const header = Buffer.from(JSON.stringify(signedRequestJson(signed)), "utf8").toString("base64");
      let res: Response;
      try {
        res = await fetch(`${f.gateway.replace(/\/$/, "")}/v1/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", [REQUEST_HEADER]: header },
          body: JSON.stringify({
            model: f.model,
            prompt: f.prompt,
            max_tokens: posInt(f.maxTokens, "--max-tokens"),
            temperature: Number(f.temperature),
            seed: Number(f.seed),
          }),
        });
      } catch (e) {
        throw clientError(ClientCode.NodeUnreachable, `gateway ${f.gateway}: ${(e as Error).message}`);
      }
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) {
        const err = (body["error"] as Record<string, unknown> | undefined)?.["message"];
        throw clientError(ClientCode.BadResponse, `gateway ${res.status}: ${String(err ?? "")}`);
      }
      const answer = String((body["choices"] as Record<string, unknown>[] | undefined)?.[0]?.["text"] ?? "");
      const settlement = ((body["openledger"] ?? {}) as Record<string, unknown>)["settlement"] as
        | Record<string, unknown>
        | undefined;
      const view = { answer, settlement: settlement ?? null, usage: body["usage"] ?? null };
      print(g, view, () => inferLines(answer, settlement));
      if (settlement?.["code"] !== 0) {
        throw clientError(
          ClientCode.BadResponse,
          `settlement failed: ${stringifyJson(settlement ?? "none")}`,
        );
      }
    }),
  );
}

function inferLines(answer: string, s: Record<string, unknown> | undefined): string[] {
  const out = [answer, ""];
  if (!s) return [...out, "not settled (the gateway has no settler)"];
  out.push(`settlement tx: ${String(s["tx_hash"] ?? "")} (code ${String(s["code"] ?? "?")})`);
  const inf = s["inference"] as Record<string, unknown> | undefined;
  if (inf) {
    const split = inf["split"] as Record<string, string>;
    out.push(`inference ${String(inf["id"])}: fee ${String(inf["fee"])}aopen`);
    out.push(`  platform (community pool) ${split["platform"]}`);
    out.push(`  model owner ${split["owner"]}, operator ${split["operator"]}, stakers ${split["stakers"]}`);
    for (const r of (inf["rows"] as Record<string, unknown>[]) ?? []) {
      out.push(
        `  row ${String(r["row_id"])} (datanet ${String(r["datanet_id"])}) ${String(r["contributor"])}: ${String(r["ppm"])} ppm → ${String(r["amount"])}`,
      );
    }
    if (inf["unattributed"])
      out.push("  no row matched: contributors' share paid by the unattributed policy");
  }
  return out;
}

function registerTx(tx: Command): void {
  txCmd(
    tx
      .command("deposit-credit <operator> <amount>")
      .description("escrow credit for inferences served by an operator"),
    (from, [operator, amount]) => [
      attributionMsg("MsgDepositCredit", { requester: from, operator, amount: bondCoin(amount!) }),
    ],
  );
  txCmd(
    tx
      .command("withdraw-credit <operator> <amount>")
      .description("start withdrawing credit (paid back after the governed delay)"),
    (from, [operator, amount]) => [
      attributionMsg("MsgWithdrawCredit", { requester: from, operator, amount: bondCoin(amount!) }),
    ],
  );
  txCmd(
    tx
      .command("settle")
      .description("settle a served inference (operator): a signed request JSON file and the output")
      .requiredOption("--request-file <path>", "signed request JSON (from `attribution sign-request`)")
      .option("--output-text <text>", "the served output")
      .option("--output-file <path>", "read the served output from a file")
      .option("--input-tokens <n>", "prompt tokens", "0"),
    (from, _a, f) => {
      const s = parseSignedRequest(JSON.parse(readFileSync(String(f["requestFile"]), "utf8")) as unknown);
      const output = f["outputFile"]
        ? readFileSync(String(f["outputFile"]), "utf8")
        : String(f["outputText"] ?? "");
      const n = String(f["inputTokens"] ?? "0");
      if (!/^[0-9]{1,12}$/.test(n)) throw bad("--input-tokens must be a non-negative integer");
      return [
        attributionMsg("MsgSettleInference", {
          operator: from,
          request: requestProto(s.request),
          signature: s.signature,
          pubkey: s.pubKey,
          inputTokens: Number(n),
          output,
        }),
      ];
    },
  );
  txCmd(tx.command("claim").description("claim accrued attribution rewards"), (from) => [
    attributionMsg("MsgClaimRewards", { claimant: from }),
  ]);
}

interface PageFlags extends QueryFlags {
  limit?: string;
  pageKey?: string;
  countTotal?: boolean;
  reverse?: boolean;
}

function addPage(cmd: Command): Command {
  return addQueryOptions(cmd)
    .option("--limit <n>", "page size")
    .option("--page-key <base64>", "resume at this next_key")
    .option("--count-total", "count all matches")
    .option("--reverse", "newest first");
}

function pageOf(f: PageFlags) {
  return {
    limit: f.limit ? posInt(f.limit, "limit") : 0,
    key: f.pageKey ? Buffer.from(f.pageKey, "base64") : new Uint8Array(),
    countTotal: f.countTotal ?? false,
    reverse: f.reverse ?? false,
  };
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
      const r = await withClient(f, async (cl) =>
        codec.decode(await cl.abciQuery(`${QUERY_SERVICE}/${path}`, data)),
      );
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
    addQueryOptions(qc.command("inference <id>").description("a settled inference")),
    "Inference",
    QueryInferenceResponse as never,
    ([id]) => QueryInferenceRequest.encode({ id: posInt(id!, "id") }).finish(),
  );
  q(
    addPage(qc.command("inferences-by-model <model_id>").description("a model's settled inferences")),
    "InferencesByModel",
    QueryInferencesResponse as never,
    ([id], f) =>
      QueryInferencesByModelRequest.encode({
        modelId: posInt(id!, "model id"),
        pagination: pageOf(f),
      }).finish(),
  );
  for (const [name, path, what] of [
    ["inferences-by-requester", "InferencesByRequester", "a requester's settled inferences"],
    ["inferences-by-operator", "InferencesByOperator", "an operator's settled inferences"],
    ["inferences-by-contributor", "InferencesByContributor", "settled inferences that paid a contributor"],
  ] as const) {
    q(
      addPage(qc.command(`${name} <address>`).description(what)),
      path,
      QueryInferencesResponse as never,
      ([address], f) =>
        QueryInferencesByAddressRequest.encode({ address: address!, pagination: pageOf(f) }).finish(),
    );
  }
  q(
    addQueryOptions(qc.command("rewards <address>").description("accrued and claimed rewards of an address")),
    "Rewards",
    QueryRewardsResponse as never,
    ([address]) => QueryRewardsRequest.encode({ address: address! }).finish(),
  );
  q(
    addQueryOptions(qc.command("row-earnings <row_id>").description("a row's lifetime earnings")),
    "RowEarnings",
    QueryRowEarningsResponse as never,
    ([id]) => QueryRowEarningsRequest.encode({ rowId: posInt(id!, "row id") }).finish(),
  );
  q(
    addQueryOptions(
      qc.command("credit <requester> <operator>").description("a requester's credit with an operator"),
    ),
    "Credit",
    QueryCreditResponse as never,
    ([requester, operator]) =>
      QueryCreditRequest.encode({ requester: requester!, operator: operator! }).finish(),
  );
  q(
    addQueryOptions(
      qc
        .command("explain")
        .description("dry-run attribution of a text under a model")
        .requiredOption("--model <id>", "model id")
        .requiredOption("--text <text>", "the text"),
    ),
    "Explain",
    QueryExplainResponse as never,
    (_a, f) =>
      QueryExplainRequest.encode({
        modelId: posInt(f["model"] ?? "", "model"),
        text: f["text"] ?? "",
      }).finish(),
  );
}
