/**
 * The reference trainer's pipeline: read pinned datanet versions' rows over RPC (`abci_query` of the
 * datanets queries, paginated), train the n-gram KN model, write the artifact, its training config and
 * log, and hash them. Registration (RegisterModel / CompleteTrainingJob) is the CLI's part.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tokenizeToStrings } from "../attribution/engine/tokenizer.js";
import {
  big,
  QueryRowsRequest,
  QueryRowsResponse,
  QueryVersionRequest,
  QueryVersionResponse,
} from "../modules/datanets/proto.js";
import { NGRAM_BASE_MODEL, serializeArtifact, trainNgram } from "./ngram.js";

/** An `abci_query` of a gRPC path: request bytes in, response bytes out (throws on a nonzero code). */
export type QueryFn = (path: string, data: Uint8Array) => Promise<Uint8Array>;

/** A pinned datanet version. */
export interface Pin {
  datanetId: bigint;
  version: bigint;
}

/** Rows of one pinned version, in position order. */
export interface PinnedRows extends Pin {
  /** Hex merkle root of the version. */
  root: string;
  rows: string[];
}

/** What `trainFromChain` produced. */
export interface TrainResult {
  artifactPath: string;
  /** `file://` URI of the artifact. */
  uri: string;
  sha256: string;
  size: number;
  /** The training config (JSON text, also written to `training-config.json`). */
  config: string;
  /** sha256 of `training.log`. */
  logHash: string;
  rows: number;
  tokens: number;
  vocab: number;
  pins: PinnedRows[];
}

/** Parse `ID@VERSION` (both positive integers). */
export function parsePin(s: string): Pin {
  const m = /^([0-9]{1,15})@([0-9]{1,15})$/.exec(s);
  if (!m || BigInt(m[1]!) === 0n || BigInt(m[2]!) === 0n)
    throw new RangeError(`invalid datanet version ${JSON.stringify(s)}: expected ID@VERSION`);
  return { datanetId: BigInt(m[1]!), version: BigInt(m[2]!) };
}

/** Read a published version's rows in order, `pageSize` per query. */
export async function readVersionRows(query: QueryFn, pin: Pin, pageSize = 500): Promise<PinnedRows> {
  const v = QueryVersionResponse.decode(
    await query(
      "/openledger.datanets.v1.Query/Version",
      QueryVersionRequest.encode({ datanetId: Number(pin.datanetId), number: Number(pin.version) }).finish(),
    ),
  ).version;
  if (!v) throw new RangeError(`datanet ${pin.datanetId} has no version ${pin.version}`);
  const rows: string[] = [];
  let key: Uint8Array = new Uint8Array();
  for (;;) {
    const r = QueryRowsResponse.decode(
      await query(
        "/openledger.datanets.v1.Query/Rows",
        QueryRowsRequest.encode({
          datanetId: Number(pin.datanetId),
          version: Number(pin.version),
          pagination: { key, limit: pageSize },
        }).finish(),
      ),
    );
    for (const row of r.rows) rows.push(row.content ?? "");
    const next = r.pagination?.nextKey;
    if (!next || next.length === 0) break;
    key = next;
  }
  if (BigInt(rows.length) !== big(v.rowCount))
    throw new RangeError(
      `datanet ${pin.datanetId}@${pin.version}: read ${rows.length} rows, version has ${big(v.rowCount)}`,
    );
  return { ...pin, root: Buffer.from(v.root ?? new Uint8Array()).toString("hex"), rows };
}

/**
 * The text a row trains on: a row that is a JSON object with a string `text` (or else `content`) field
 * (as `.jsonl` uploads store them) trains on that field; any other row on its whole content.
 */
export function rowText(content: string): string {
  if (!content.startsWith("{")) return content;
  try {
    const v = JSON.parse(content) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o["text"] === "string") return o["text"];
      if (typeof o["content"] === "string") return o["content"];
    }
  } catch {
    // not JSON: the content itself
  }
  return content;
}

function sha256Hex(b: Uint8Array | string): string {
  return createHash("sha256").update(b).digest("hex");
}

/** Train an n-gram model of `order` on pinned rows already read; writes into `outDir`. */
export function trainOnRows(pins: readonly PinnedRows[], order: number, outDir: string): TrainResult {
  const sequences: string[][] = [];
  let tokens = 0;
  for (const p of pins) {
    for (const r of p.rows) {
      const t = tokenizeToStrings(rowText(r));
      tokens += t.length;
      sequences.push(t);
    }
  }
  const datanets = pins.map((p) => ({
    datanet_id: p.datanetId.toString(),
    version: p.version.toString(),
    root: p.root,
    rows: p.rows.length,
  }));
  const artifact = trainNgram(sequences, order, { base_model: NGRAM_BASE_MODEL, datanets });
  const bytes = serializeArtifact(artifact);
  mkdirSync(outDir, { recursive: true });
  const artifactPath = resolve(join(outDir, "model.olm"));
  writeFileSync(artifactPath, bytes);
  const config = JSON.stringify({
    trainer: "openledgerd factory train",
    base_model: NGRAM_BASE_MODEL,
    method: "ngram",
    order,
    smoothing: "interpolated-modified-kneser-ney",
    tokenizer: artifact.tokenizer,
    datanets,
  });
  writeFileSync(join(outDir, "training-config.json"), `${config}\n`);
  const sha = sha256Hex(bytes);
  const log = [
    `rows ${sequences.length}`,
    `tokens ${tokens}`,
    `vocab ${artifact.vocab.length}`,
    ...artifact.grams.map(
      (g, i) => `order ${i + 1}: ${g.length} grams, discounts ${artifact.discounts[i]!.join(" ")}`,
    ),
    `artifact sha256 ${sha} size ${bytes.length}`,
    "",
  ].join("\n");
  writeFileSync(join(outDir, "training.log"), log);
  return {
    artifactPath,
    uri: pathToFileURL(artifactPath).href,
    sha256: sha,
    size: bytes.length,
    config,
    logHash: sha256Hex(log),
    rows: sequences.length,
    tokens,
    vocab: artifact.vocab.length,
    pins: [...pins],
  };
}

/** Read every pin over RPC and train. */
export async function trainFromChain(
  query: QueryFn,
  pins: readonly Pin[],
  order: number,
  outDir: string,
): Promise<TrainResult> {
  const read: PinnedRows[] = [];
  for (const p of pins) read.push(await readVersionRows(query, p));
  return trainOnRows(read, order, outDir);
}
