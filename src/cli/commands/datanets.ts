/**
 * `openledgerd tx datanets …` and `openledgerd query datanets …`. `contribute` and `add-rows` upload files
 * (.txt, .md, .jsonl, .csv up to 5 MB) split into rows and sent in size-bounded batches, one tx each,
 * with a progress bar on stderr; a progress file records finished batches so an interrupted upload
 * resumes where it stopped.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { type EncodeObject, Registry } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from "@cosmjs/stargate";
import type { Command } from "commander";
import { toProtoNames } from "../../app/protoJson.js";
import { ChainClient, DEFAULT_PREFIX, type SignAndBroadcastOptions } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { sha256 } from "../../crypto/hash.js";
import { DATANETS, DatanetsCode } from "../../modules/datanets/errors.js";
import {
  big,
  ContributionMode,
  DatanetStatus,
  QueryContributorRequest,
  QueryContributorResponse,
  QueryDatanetRequest,
  QueryDatanetResponse,
  QueryDatanetsRequest,
  QueryDatanetsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryRowProofRequest,
  QueryRowProofResponse,
  QueryRowRequest,
  QueryRowResponse,
  QueryRowsRequest,
  QueryRowsResponse,
  QueryVersionRequest,
  QueryVersionResponse,
  QueryVersionsRequest,
  QueryVersionsResponse,
  RowStatus,
  Visibility,
} from "../../modules/datanets/proto.js";
import { QUERY_SERVICE } from "../../modules/datanets/queryServer.js";
import { datanetsAminoConverters, datanetsRegistryTypes } from "../../modules/datanets/registry.js";
import {
  batchRows,
  dedupe,
  fileKind,
  MAX_INPUT_BYTES,
  type MarkdownSplit,
  splitRows,
} from "../../modules/datanets/split.js";
import { CodedError, SDK } from "../../types/errors.js";
import { verifyMerkleProof } from "../../types/merkle.js";
import { emit, type GlobalOptions, kvLines, outputSink, runCommand, stringifyJson } from "../output.js";
import { keyringFromFlags } from "./keys.js";
import { addQueryOptions, type QueryFlags, withClient } from "./query.js";
import { addTxOptions, runTx, type TxFlags, txOptionsFromFlags } from "./tx.js";

/** Default content bytes per upload batch (one tx each; txs are capped at 1 MiB). */
export const DEFAULT_BATCH_BYTES = 256 * 1024;
/** Largest batch: `--gas auto` simulates through abci_query, whose hex-encoded tx must fit a 1 MiB RPC body. */
export const MAX_BATCH_BYTES = 400 * 1024;

const PKG = "/openledger.datanets.v1";

/** A registry with the standard messages and datanets'. */
export function datanetsRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...datanetsRegistryTypes]);
}

/** Amino converters with the standard messages and datanets'. */
export function datanetsAminoTypes(): AminoTypes {
  return new AminoTypes({ ...createDefaultAminoConverters(), ...datanetsAminoConverters() });
}

const JSON_OPTS = { longs: String, enums: String, bytes: String, defaults: true, arrays: true } as const;

interface ToObject<M> {
  toObject(m: M, o: typeof JSON_OPTS): Record<string, unknown>;
}

/** Proto JSON (proto field names) of a generated message. */
export function protoJson<M>(codec: ToObject<M>, m: M): unknown {
  return toProtoNames(codec.toObject(m, JSON_OPTS));
}

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

function parseId(s: string, what = "id"): number {
  if (!/^[0-9]{1,15}$/.test(s) || BigInt(s) === 0n)
    throw bad(`invalid ${what} ${JSON.stringify(s)}: a positive integer`);
  return Number(s);
}

function parseIds(list: readonly string[]): number[] {
  return list
    .flatMap((s) => s.split(","))
    .filter((s) => s !== "")
    .map((s) => parseId(s, "row id"));
}

function parseEnum<T extends number>(
  s: string,
  prefix: string,
  e: Record<string, T | string>,
  what: string,
): T {
  const v = e[`${prefix}${s.toUpperCase().replace(/-/g, "_")}`];
  if (typeof v !== "number") throw bad(`invalid ${what} ${JSON.stringify(s)}`);
  return v as T;
}

function requireFrom(flags: TxFlags): string {
  if (!flags.from) throw bad("--from is required");
  return flags.from;
}

function extras(): Partial<SignAndBroadcastOptions> {
  return { registry: datanetsRegistry(), aminoTypes: datanetsAminoTypes() };
}

function m(name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `${PKG}.${name}`, value };
}

async function query<T>(
  c: ChainClient,
  path: string,
  data: Uint8Array,
  decode: (b: Uint8Array) => T,
): Promise<T> {
  return decode(await c.abciQuery(`${QUERY_SERVICE}/${path}`, data));
}

/** Metadata flags of create / update. */
interface MetaFlags extends TxFlags {
  name?: string;
  summary?: string;
  description?: string;
  descriptionFile?: string;
  tags?: string;
  license?: string;
  visibility?: string;
  mode?: string;
  allowlist?: string;
  stakePerRow?: string;
  maxRowBytes?: string;
}

function addMetaOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "datanet name")
    .option("--summary <text>", "one-line summary")
    .option("--description <markdown>", "description (Markdown)")
    .option("--description-file <path>", "read the description from a Markdown file")
    .option("--tags <a,b>", "comma-separated lowercase tags")
    .option("--license <spdx>", "license of the data, e.g. CC-BY-4.0")
    .option("--visibility <v>", "public or private")
    .option("--mode <m>", "contribution mode: open or allowlist")
    .option("--allowlist <addrs>", "comma-separated addresses allowed to contribute (allowlist mode)")
    .option("--stake-per-row <aopen>", "stake per contributed row in aopen (at least the chain's minimum)")
    .option("--max-row-bytes <n>", "largest row in bytes (at most the chain's maximum)");
}

function metaValue(f: MetaFlags, base: Record<string, unknown>): Record<string, unknown> {
  const v: Record<string, unknown> = { ...base };
  if (f.name !== undefined) v["name"] = f.name;
  if (f.summary !== undefined) v["summary"] = f.summary;
  if (f.descriptionFile !== undefined) v["description"] = readFileSync(f.descriptionFile, "utf8");
  else if (f.description !== undefined) v["description"] = f.description;
  if (f.tags !== undefined) v["tags"] = f.tags.split(",").filter((t) => t !== "");
  if (f.license !== undefined) v["license"] = f.license;
  if (f.visibility !== undefined)
    v["visibility"] = parseEnum(f.visibility, "VISIBILITY_", Visibility, "visibility");
  const policy = { ...((base["policy"] as Record<string, unknown> | undefined) ?? {}) };
  if (f.mode !== undefined)
    policy["mode"] = parseEnum(f.mode, "CONTRIBUTION_MODE_", ContributionMode, "mode");
  if (f.allowlist !== undefined) policy["allowlist"] = f.allowlist.split(",").filter((a) => a !== "");
  if (f.stakePerRow !== undefined) policy["stakePerRow"] = f.stakePerRow;
  if (f.maxRowBytes !== undefined) policy["maxRowBytes"] = parseId(f.maxRowBytes, "max row bytes");
  v["policy"] = policy;
  return v;
}

// ---- uploads ----

/** Flags of contribute / add-rows. */
interface UploadFlags extends TxFlags {
  split: string;
  batchBytes: string;
  progressFile?: string;
  rowLicense?: string;
  rowMetadata?: string;
}

/** What the progress file records. */
interface Progress {
  file: string;
  sha256: string;
  datanetId: number;
  kind: "contribute" | "add-rows";
  batches: number;
  rows: number;
  /** Per batch: tx hash once committed. */
  done: Record<string, string>;
  /** Batch being sent when the process stopped (resumed carefully). */
  sending?: number;
}

function loadProgress(path: string, fresh: Progress): Progress {
  if (!existsSync(path)) return fresh;
  let p: Progress;
  try {
    p = JSON.parse(readFileSync(path, "utf8")) as Progress;
  } catch {
    throw bad(`progress file ${path} is unreadable; delete it to start over`);
  }
  if (
    p.sha256 !== fresh.sha256 ||
    p.datanetId !== fresh.datanetId ||
    p.kind !== fresh.kind ||
    p.batches !== fresh.batches
  ) {
    throw bad(
      `progress file ${path} belongs to another upload (file, datanet, command or batch size differ); delete it or pass --progress-file`,
    );
  }
  return p;
}

function saveProgress(path: string, p: Progress): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(p, null, 2)}\n`);
  renameSync(tmp, path);
}

function bar(done: number, total: number, rows: number, bytes: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} batches, ${rows} rows, ${(bytes / 1048576).toFixed(2)} MiB`;
}

/** Upload a file as rows (contribute or add-rows), resumably. Returns a summary. */
export async function uploadFile(
  g: GlobalOptions,
  flags: UploadFlags,
  kind: "contribute" | "add-rows",
  datanetId: number,
  file: string,
): Promise<Record<string, unknown>> {
  const from = requireFrom(flags);
  if (!existsSync(file)) throw bad(`no such file ${file}`);
  const size = statSync(file).size;
  if (size > MAX_INPUT_BYTES) throw bad(`${file} is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
  const bytes = readFileSync(file);
  const fileSha = Buffer.from(sha256(bytes)).toString("hex");
  const batchBytes = parseId(flags.batchBytes, "--batch-bytes");
  if (batchBytes > MAX_BATCH_BYTES)
    throw bad(
      `--batch-bytes must be at most ${MAX_BATCH_BYTES} (simulation sends the tx hex-encoded; RPC bodies are capped at 1 MiB)`,
    );
  const split = flags.split as MarkdownSplit;
  if (split !== "headings" && split !== "paragraphs") throw bad("--split must be headings or paragraphs");
  const options = txOptionsFromFlags(flags);
  const client = ChainClient.connect(flags.node);
  try {
    const params = await query(
      client,
      "Params",
      QueryParamsRequest.encode({}).finish(),
      (b) => QueryParamsResponse.decode(b).params!,
    );
    const d = await query(
      client,
      "Datanet",
      QueryDatanetRequest.encode({ id: datanetId }).finish(),
      (b) => QueryDatanetResponse.decode(b).datanet!,
    );
    const policyMax = Number(big(d.policy?.maxRowBytes));
    const chainMax = Number(big(params.maxRowBytes));
    const maxRow = policyMax > 0 && policyMax < chainMax ? policyMax : chainMax;
    const { rows, dropped } = dedupe(splitRows(bytes.toString("utf8"), fileKind(file), maxRow, split));
    if (rows.length === 0) throw bad(`${file} has no rows`);
    const batches = batchRows(rows, batchBytes, Number(big(params.maxRowsPerMessage)));
    const path = flags.progressFile ?? `${file}.progress.json`;
    const progress = loadProgress(path, {
      file: basename(file),
      sha256: fileSha,
      datanetId,
      kind,
      batches: batches.length,
      rows: rows.length,
      done: {},
    });
    const kr = keyringFromFlags(flags, g);
    const info = await kr.find(from);
    const key = await kr.unlock(info.name);
    const address = toBech32(options.prefix ?? DEFAULT_PREFIX, key.address);
    const err = outputSink().stderr;
    const tty = process.stderr.isTTY === true;
    let sentRows = 0;
    let sentBytes = 0;
    const count = (b: string[]) => {
      sentRows += b.length;
      sentBytes += b.reduce((n, r) => n + Buffer.byteLength(r), 0);
    };
    try {
      for (let i = 0; i < batches.length; i++) {
        const batch = batches[i]!;
        if (progress.done[String(i)] !== undefined) {
          count(batch);
          continue;
        }
        const resumed = progress.sending === i;
        progress.sending = i;
        saveProgress(path, progress);
        const rowsMsg = batch.map((content) => ({
          content,
          license: flags.rowLicense ?? "",
          metadata: flags.rowMetadata ?? "",
        }));
        const msg =
          kind === "contribute"
            ? m("MsgContribute", { contributor: address, datanetId, rows: rowsMsg })
            : m("MsgAddRows", { owner: address, datanetId, rows: rowsMsg });
        // A batch that was in flight when an earlier run stopped may already be on chain: then the
        // node refuses it (in simulation or execution) as duplicate rows, and it counts as sent.
        const isDup = (codespace: string, code: number) =>
          resumed && codespace === DATANETS && code === DatanetsCode.DuplicateRow;
        let txhash: string;
        try {
          const r = await client.signAndBroadcast({
            ...options,
            ...extras(),
            gas: options.gas ?? "auto",
            broadcastMode: "block",
            privateKey: key.privateKey,
            messages: [msg],
          });
          if (r.code !== 0 && !isDup(r.codespace, r.code)) {
            throw new CodedError(
              r.codespace || SDK,
              r.code,
              `batch ${i + 1}/${batches.length} failed (${r.txhash}): ${r.raw_log}`,
            );
          }
          txhash = r.txhash;
        } catch (e) {
          if (!(e instanceof CodedError) || !isDup(e.codespace, e.code)) throw e;
          txhash = "already-committed";
        }
        progress.done[String(i)] = txhash;
        delete progress.sending;
        saveProgress(path, progress);
        count(batch);
        const line = bar(Object.keys(progress.done).length, batches.length, sentRows, sentBytes);
        err(tty ? `\r${line}` : `${line}\n`);
      }
      if (tty) err("\n");
    } finally {
      key.privateKey.fill(0);
    }
    return {
      datanet_id: String(datanetId),
      file,
      rows: rows.length,
      duplicates_dropped: dropped,
      batches: batches.length,
      progress_file: path,
      txhashes: batches.map((_, i) => progress.done[String(i)]),
    };
  } finally {
    client.disconnect();
  }
}

// ---- registration ----

function subcommand(program: Command, parent: string): Command {
  const p = program.commands.find((c) => c.name() === parent);
  if (!p) throw new Error(`no ${parent} command`);
  return p;
}

/** Register `tx datanets …` and `query datanets …` (after the `tx` and `query` groups exist). */
export function registerDatanetsCommands(program: Command): void {
  registerTx(subcommand(program, "tx").command("datanets").description("datanets module transactions"));
  registerQuery(subcommand(program, "query").command("datanets").description("datanets module queries"));
}

function simpleTx(
  cmd: Command,
  build: (
    from: string,
    args: string[],
    flags: TxFlags & Record<string, string | undefined>,
  ) => EncodeObject[],
): void {
  addTxOptions(cmd, true).action(async (...all: unknown[]) => {
    const c = all[all.length - 1] as Command;
    const flags = all[all.length - 2] as TxFlags & Record<string, string | undefined>;
    const args = all.slice(0, -2).flatMap((a) => (Array.isArray(a) ? (a as string[]) : [a as string]));
    await runCommand(c, async (g) => {
      await runTx(g, flags, requireFrom(flags), (from) => build(from, args, flags), extras());
    });
  });
}

function registerTx(tx: Command): void {
  simpleTx(
    addMetaOptions(tx.command("create").description("create a draft datanet (pays the create fee)")),
    (owner, _a, f) => {
      const v = metaValue(f as MetaFlags, { owner, visibility: Visibility.VISIBILITY_PUBLIC, tags: [] });
      if (!v["name"]) throw bad("--name is required");
      return [m("MsgCreateDatanet", v)];
    },
  );

  addMetaOptions(
    addTxOptions(tx.command("update <datanet_id>").description("change a datanet's metadata (owner)"), true),
  ).action(async (id: string, flags: MetaFlags, c: Command) =>
    runCommand(c, async (g) => {
      const datanetId = parseId(id);
      const cur = await withClient(flags, (cl) =>
        query(
          cl,
          "Datanet",
          QueryDatanetRequest.encode({ id: datanetId }).finish(),
          (b) => QueryDatanetResponse.decode(b).datanet!,
        ),
      );
      const base = {
        datanetId,
        name: cur.name,
        summary: cur.summary,
        description: cur.description,
        tags: cur.tags,
        license: cur.license,
        visibility: cur.visibility,
        policy: {
          mode: cur.policy?.mode ?? 0,
          allowlist: cur.policy?.allowlist ?? [],
          stakePerRow: cur.policy?.stakePerRow ?? "",
          maxRowBytes: Number(big(cur.policy?.maxRowBytes)),
        },
      };
      await runTx(
        g,
        flags,
        requireFrom(flags),
        (owner) => [m("MsgUpdateDatanet", { owner, ...metaValue(flags, base) })],
        extras(),
      );
    }),
  );

  for (const [name, kind, desc] of [
    ["add-rows", "add-rows", "add a file's rows to a draft datanet (owner)"],
    ["contribute", "contribute", "contribute a file's rows to a published datanet (stakes per row)"],
  ] as const) {
    addTxOptions(
      tx.command(`${name} <datanet_id> <file>`).description(`${desc}; .txt, .md, .jsonl or .csv up to 5 MB`),
      true,
    )
      .option("--split <how>", "Markdown: split on headings or paragraphs", "headings")
      .option("--batch-bytes <n>", "content bytes per tx", String(DEFAULT_BATCH_BYTES))
      .option("--progress-file <path>", "where progress is recorded (default <file>.progress.json)")
      .option("--row-license <spdx>", "license recorded on every row")
      .option("--row-metadata <text>", "metadata recorded on every row")
      .action(async (id: string, file: string, flags: UploadFlags, c: Command) =>
        runCommand(c, async (g) => {
          if (!flags.yes) throw clientError(ClientCode.NotConfirmed, "uploads send many txs: pass --yes");
          const summary = await uploadFile(g, flags, kind, parseId(id), file);
          emit(g.output, summary, () =>
            kvLines(
              Object.entries(summary).map(([k, v]) => [k, Array.isArray(v) ? v.length : (v as string)]),
            ),
          );
        }),
      );
  }

  simpleTx(
    tx.command("delete-rows <datanet_id> <row_ids...>").description("delete draft rows (owner)"),
    (owner, [id, ...ids]) => [m("MsgDeleteRows", { owner, datanetId: parseId(id!), rowIds: parseIds(ids) })],
  );
  simpleTx(
    tx.command("publish <datanet_id>").description("publish a draft as version 1 (pays the publish fee)"),
    (owner, [id]) => [m("MsgPublishDatanet", { owner, datanetId: parseId(id!) })],
  );
  simpleTx(
    tx
      .command("withdraw <datanet_id> <row_ids...>")
      .description("withdraw pending rows; the stake comes back"),
    (contributor, [id, ...ids]) => [
      m("MsgWithdrawContribution", { contributor, datanetId: parseId(id!), rowIds: parseIds(ids) }),
    ],
  );
  simpleTx(
    tx
      .command("review <datanet_id>")
      .description("accept and reject pending rows (owner or curator); accepting publishes a version")
      .option("--accept <ids>", "comma-separated row ids to accept, in the order they enter the version")
      .option("--reject <ids>", "comma-separated row ids to reject (stake slashed)")
      .option("--reason <text>", "rejection reason", ""),
    (reviewer, [id], f) => {
      const accept = parseIds(f["accept"] ? [f["accept"]] : []);
      const reject = parseIds(f["reject"] ? [f["reject"]] : []).map((rowId) => ({
        rowId,
        reason: f["reason"] ?? "",
      }));
      if (accept.length + reject.length === 0) throw bad("give --accept and/or --reject");
      return [m("MsgReviewContributions", { reviewer, datanetId: parseId(id!), accept, reject })];
    },
  );
  const addr = (a: string) => {
    decodeAddress(a, DEFAULT_PREFIX);
    return a;
  };
  simpleTx(
    tx.command("add-curator <datanet_id> <address>").description("add a curator (owner)"),
    (owner, [id, a]) => [m("MsgAddCurator", { owner, datanetId: parseId(id!), curator: addr(a!) })],
  );
  simpleTx(
    tx.command("remove-curator <datanet_id> <address>").description("remove a curator (owner)"),
    (owner, [id, a]) => [m("MsgRemoveCurator", { owner, datanetId: parseId(id!), curator: addr(a!) })],
  );
  simpleTx(
    tx.command("transfer <datanet_id> <new_owner>").description("transfer ownership (owner)"),
    (owner, [id, a]) => [m("MsgTransferOwnership", { owner, datanetId: parseId(id!), newOwner: addr(a!) })],
  );
  simpleTx(tx.command("archive <datanet_id>").description("archive a datanet (owner)"), (owner, [id]) => [
    m("MsgArchiveDatanet", { owner, datanetId: parseId(id!) }),
  ]);
}

interface PageFlags extends QueryFlags {
  limit?: string;
  offset?: string;
  pageKey?: string;
  countTotal?: boolean;
}

function addPageOptions(cmd: Command): Command {
  return addQueryOptions(cmd)
    .option("--limit <n>", "page size")
    .option("--offset <n>", "skip this many")
    .option("--page-key <base64>", "resume at this next_key")
    .option("--count-total", "count all matches");
}

function pageOf(f: PageFlags) {
  return {
    limit: f.limit ? parseId(f.limit, "limit") : 0,
    offset: f.offset ? Number(f.offset) : 0,
    key: f.pageKey ? Buffer.from(f.pageKey, "base64") : new Uint8Array(),
    countTotal: f.countTotal ?? false,
  };
}

function print(g: GlobalOptions, value: unknown): void {
  emit(g.output, value, () => [stringifyJson(value)]);
}

function registerQuery(q: Command): void {
  addQueryOptions(q.command("params").description("the module's params")).action(
    async (f: QueryFlags, c: Command) =>
      runCommand(c, async (g) => {
        const r = await withClient(f, (cl) =>
          query(cl, "Params", QueryParamsRequest.encode({}).finish(), (b) => QueryParamsResponse.decode(b)),
        );
        print(g, protoJson(QueryParamsResponse, r));
      }),
  );
  addQueryOptions(q.command("datanet <id>").description("a datanet")).action(
    async (id: string, f: QueryFlags, c: Command) =>
      runCommand(c, async (g) => {
        const r = await withClient(f, (cl) =>
          query(cl, "Datanet", QueryDatanetRequest.encode({ id: parseId(id) }).finish(), (b) =>
            QueryDatanetResponse.decode(b),
          ),
        );
        print(g, protoJson(QueryDatanetResponse, r));
      }),
  );
  addPageOptions(
    q
      .command("list")
      .description("datanets, optionally by owner, tag or status")
      .option("--owner <address>", "only this owner's")
      .option("--tag <tag>", "only with this tag")
      .option("--status <s>", "draft, published or archived"),
  ).action(async (f: PageFlags & { owner?: string; tag?: string; status?: string }, c: Command) =>
    runCommand(c, async (g) => {
      const req = QueryDatanetsRequest.encode({
        owner: f.owner ?? "",
        tag: f.tag ?? "",
        status: f.status ? parseEnum(f.status, "DATANET_STATUS_", DatanetStatus, "status") : 0,
        pagination: pageOf(f),
      }).finish();
      const r = await withClient(f, (cl) =>
        query(cl, "Datanets", req, (b) => QueryDatanetsResponse.decode(b)),
      );
      print(g, protoJson(QueryDatanetsResponse, r));
    }),
  );
  addPageOptions(
    q
      .command("rows <datanet_id>")
      .description("rows of a datanet, by version, status or contributor")
      .option("--at-version <n>", "the rows of this version, in order")
      .option("--status <s>", "draft, pending, accepted, rejected or withdrawn")
      .option("--contributor <address>", "only this contributor's"),
  ).action(
    async (
      id: string,
      f: PageFlags & { atVersion?: string; status?: string; contributor?: string },
      c: Command,
    ) =>
      runCommand(c, async (g) => {
        const req = QueryRowsRequest.encode({
          datanetId: parseId(id),
          version: f.atVersion ? parseId(f.atVersion, "version") : 0,
          status: f.status ? parseEnum(f.status, "ROW_STATUS_", RowStatus, "status") : 0,
          contributor: f.contributor ?? "",
          pagination: pageOf(f),
        }).finish();
        const r = await withClient(f, (cl) => query(cl, "Rows", req, (b) => QueryRowsResponse.decode(b)));
        print(g, protoJson(QueryRowsResponse, r));
      }),
  );
  addQueryOptions(q.command("row <id>").description("a row")).action(
    async (id: string, f: QueryFlags, c: Command) =>
      runCommand(c, async (g) => {
        const r = await withClient(f, (cl) =>
          query(cl, "Row", QueryRowRequest.encode({ id: parseId(id) }).finish(), (b) =>
            QueryRowResponse.decode(b),
          ),
        );
        print(g, protoJson(QueryRowResponse, r));
      }),
  );
  addQueryOptions(
    q.command("version <datanet_id> [number]").description("a version (current when no number)"),
  ).action(async (id: string, n: string | undefined, f: QueryFlags, c: Command) =>
    runCommand(c, async (g) => {
      const req = QueryVersionRequest.encode({
        datanetId: parseId(id),
        number: n ? parseId(n, "version") : 0,
      }).finish();
      const r = await withClient(f, (cl) => query(cl, "Version", req, (b) => QueryVersionResponse.decode(b)));
      print(g, protoJson(QueryVersionResponse, r));
    }),
  );
  addPageOptions(q.command("versions <datanet_id>").description("a datanet's versions")).action(
    async (id: string, f: PageFlags, c: Command) =>
      runCommand(c, async (g) => {
        const req = QueryVersionsRequest.encode({ datanetId: parseId(id), pagination: pageOf(f) }).finish();
        const r = await withClient(f, (cl) =>
          query(cl, "Versions", req, (b) => QueryVersionsResponse.decode(b)),
        );
        print(g, protoJson(QueryVersionsResponse, r));
      }),
  );
  addQueryOptions(
    q
      .command("row-proof <row_id>")
      .description("a row's merkle proof against a version root, verified locally")
      .option("--at-version <n>", "version (default: current)"),
  ).action(async (id: string, f: QueryFlags & { atVersion?: string }, c: Command) =>
    runCommand(c, async (g) => {
      const req = QueryRowProofRequest.encode({
        rowId: parseId(id),
        version: f.atVersion ? parseId(f.atVersion, "version") : 0,
      }).finish();
      const r = await withClient(f, (cl) =>
        query(cl, "RowProof", req, (b) => QueryRowProofResponse.decode(b)),
      );
      const p = r.proof!;
      const verified = verifyMerkleProof(
        {
          total: Number(big(p.total)),
          index: Number(big(p.index)),
          leafHash: p.leafHash ?? new Uint8Array(),
          aunts: p.aunts ?? [],
        },
        r.version!.root ?? new Uint8Array(),
        sha256(Buffer.from(r.row!.content ?? "", "utf8")),
      );
      const out = { ...(protoJson(QueryRowProofResponse, r) as Record<string, unknown>), verified };
      print(g, out);
      if (!verified)
        throw clientError(ClientCode.BadResponse, "the proof does not verify against the version root");
    }),
  );
  addQueryOptions(
    q.command("contributor <datanet_id> <address>").description("a contributor's record in a datanet"),
  ).action(async (id: string, address: string, f: QueryFlags, c: Command) =>
    runCommand(c, async (g) => {
      const req = QueryContributorRequest.encode({ datanetId: parseId(id), address }).finish();
      const r = await withClient(f, (cl) =>
        query(cl, "Contributor", req, (b) => QueryContributorResponse.decode(b)),
      );
      print(g, protoJson(QueryContributorResponse, r));
    }),
  );
}
