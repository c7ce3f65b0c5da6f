/**
 * Settlement from the gateway: the requester's signed inference request travels with the completion
 * call (header `x-openledger-request`, base64 of the JSON below, or the body field `openledger_request`
 * holding the JSON itself):
 * `{"request":{"chain_id","model_id","requester","prompt_sha256","max_fee","nonce","expiry_height"},
 *   "signature":<base64 r‖s>,"pubkey":<base64 33-byte key, optional>}`.
 * The gateway checks that it matches the call (model, prompt hash), serves, then hands the output to a
 * `Settler`; `chainSettler` signs MsgSettleInference with the operator's key (one at a time, so account
 * sequences never collide), waits for inclusion and reads the inference record back.
 */
import { createHash } from "node:crypto";
import { Registry } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from "@cosmjs/stargate";
import type { ChainClient } from "../client/client.js";
import {
  type InferenceRecord,
  QueryInferencesByAddressRequest,
  QueryInferencesResponse,
} from "../modules/attribution/proto.js";
import { attributionAminoConverters, attributionRegistryTypes } from "../modules/attribution/registry.js";
import { type InferenceRequestData, requestProto } from "../modules/attribution/request.js";
import { fromBase64 } from "../types/bytes.js";

/** The header carrying a signed request. */
export const REQUEST_HEADER = "x-openledger-request";
/** The body field carrying a signed request. */
export const REQUEST_BODY_FIELD = "openledger_request";

/** A requester-signed inference request. */
export interface SignedRequest {
  request: InferenceRequestData;
  signature: Uint8Array;
  pubKey: Uint8Array;
}

/** What the gateway settles after serving. */
export interface SettleJob {
  signed: SignedRequest;
  inputTokens: number;
  output: string;
}

/** The outcome of a settlement, returned with the completion (`openledger` field). */
export interface SettleResult {
  tx_hash: string;
  code: number;
  log: string;
  inference?: Record<string, unknown>;
}

/** Settles served inferences on chain. */
export type Settler = (job: SettleJob) => Promise<SettleResult>;

/** The JSON form of a signed request (what clients send). */
export function signedRequestJson(s: SignedRequest): Record<string, unknown> {
  const r = s.request;
  return {
    request: {
      chain_id: r.chainId,
      model_id: r.modelId.toString(),
      requester: r.requester,
      prompt_sha256: r.promptSha256,
      max_fee: r.maxFee.toString(),
      nonce: r.nonce.toString(),
      expiry_height: r.expiryHeight.toString(),
    },
    signature: Buffer.from(s.signature).toString("base64"),
    ...(s.pubKey.length > 0 ? { pubkey: Buffer.from(s.pubKey).toString("base64") } : {}),
  };
}

function int(v: unknown, what: string): bigint {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^[0-9]{1,20}$/.test(s)) throw new Error(`${what} must be an integer string`);
  return BigInt(s);
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Error(`${what} must be a string`);
  return v;
}

/** Parse a signed request from its JSON form; throws an Error saying what is wrong. */
export function parseSignedRequest(v: unknown): SignedRequest {
  if (typeof v !== "object" || v === null) throw new Error("signed request must be an object");
  const o = v as Record<string, unknown>;
  const r = o["request"] as Record<string, unknown> | undefined;
  if (typeof r !== "object" || r === null) throw new Error("`request` must be an object");
  return {
    request: {
      chainId: str(r["chain_id"], "chain_id"),
      modelId: int(r["model_id"], "model_id"),
      requester: str(r["requester"], "requester"),
      promptSha256: str(r["prompt_sha256"], "prompt_sha256"),
      maxFee: int(r["max_fee"], "max_fee"),
      nonce: int(r["nonce"], "nonce"),
      expiryHeight: int(r["expiry_height"], "expiry_height"),
    },
    signature: fromBase64(str(o["signature"], "signature")),
    pubKey: o["pubkey"] === undefined ? new Uint8Array() : fromBase64(str(o["pubkey"], "pubkey")),
  };
}

/** The signed request of a call (header first, then body field), or undefined when there is none. */
export function signedRequestOf(
  header: string | string[] | undefined,
  body: Record<string, unknown>,
): SignedRequest | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && h !== "") {
    return parseSignedRequest(JSON.parse(Buffer.from(h, "base64").toString("utf8")) as unknown);
  }
  const b = body[REQUEST_BODY_FIELD];
  return b === undefined ? undefined : parseSignedRequest(b);
}

/** Check a signed request against the call; returns what is wrong, or undefined. */
export function mismatch(s: SignedRequest, modelId: bigint, prompt: string): string | undefined {
  if (s.request.modelId !== modelId) return "the signed request is for another model";
  const sha = createHash("sha256").update(prompt, "utf8").digest("hex");
  if (s.request.promptSha256 !== sha) return "the signed request's prompt_sha256 does not match the prompt";
  return undefined;
}

/** JSON of an inference record for HTTP replies and CLI output. */
export function recordJson(r: InferenceRecord): Record<string, unknown> {
  const s = r.split;
  return {
    id: String(r.id),
    model_id: String(r.modelId),
    requester: r.requester,
    operator: r.operator,
    fee: r.fee,
    split: {
      platform: s?.platform ?? "0",
      owner: s?.owner ?? "0",
      operator: s?.operator ?? "0",
      stakers: s?.stakers ?? "0",
      contributors: s?.contributors ?? "0",
      penalty_to_pool: s?.penaltyToPool ?? "0",
      unattributed_to_pool: s?.unattributedToPool ?? "0",
    },
    rows: (r.rows ?? []).map((x) => ({
      row_id: String(x.rowId),
      datanet_id: String(x.datanetId),
      contributor: x.contributor,
      ppm: x.ppm,
      amount: x.amount,
    })),
    datanets: (r.datanets ?? []).map((d) => ({
      datanet_id: String(d.datanetId),
      ppm: d.ppm,
      amount: d.amount,
    })),
    unattributed: r.unattributed,
    height: String(r.height),
  };
}

/** Find the record of (requester, nonce) among the requester's latest inferences. */
export async function findInference(
  client: ChainClient,
  requester: string,
  nonce: bigint,
): Promise<InferenceRecord | undefined> {
  const b = await client.abciQuery(
    "/openledger.attribution.v1.Query/InferencesByRequester",
    QueryInferencesByAddressRequest.encode({
      address: requester,
      pagination: { limit: 50, reverse: true },
    }).finish(),
  );
  return (QueryInferencesResponse.decode(b).inferences as InferenceRecord[]).find(
    (r) => BigInt(String(r.nonce)) === nonce,
  );
}

/** Registry and amino types with attribution's messages (for signing MsgSettleInference). */
export function attributionTxExtras(): { registry: Registry; aminoTypes: AminoTypes } {
  return {
    registry: new Registry([...defaultRegistryTypes, ...attributionRegistryTypes]),
    aminoTypes: new AminoTypes({ ...createDefaultAminoConverters(), ...attributionAminoConverters() }),
  };
}

/** Fees of settlement txs. */
export interface SettleFeeOptions {
  /** Gas limit, or `auto` to simulate (default). */
  gas?: bigint | "auto";
  /** Fee = gas × price (e.g. the node's minimum gas price). */
  gasPrice?: { denom: string; price: { numerator: bigint; scale: number } };
}

/** A settler signing with the operator's key over `client` (settlements run one at a time). */
export function chainSettler(
  client: ChainClient,
  operatorKey: Uint8Array,
  operator: string,
  fees: SettleFeeOptions = {},
): Settler {
  let queue: Promise<unknown> = Promise.resolve();
  const extras = attributionTxExtras();
  const run = async (job: SettleJob): Promise<SettleResult> => {
    const r = await client.signAndBroadcast({
      privateKey: operatorKey,
      messages: [
        {
          typeUrl: "/openledger.attribution.v1.MsgSettleInference",
          value: {
            operator,
            request: requestProto(job.signed.request),
            signature: job.signed.signature,
            pubkey: job.signed.pubKey,
            inputTokens: job.inputTokens,
            output: job.output,
          },
        },
      ],
      gas: fees.gas ?? "auto",
      ...(fees.gasPrice ? { gasPrice: fees.gasPrice } : {}),
      broadcastMode: "block",
      ...extras,
    });
    const out: SettleResult = { tx_hash: r.txhash, code: r.code, log: r.code === 0 ? "" : r.raw_log };
    if (r.code === 0) {
      const rec = await findInference(client, job.signed.request.requester, job.signed.request.nonce);
      if (rec) out.inference = recordJson(rec);
    }
    return out;
  };
  return (job) => {
    const p = queue.then(() => run(job));
    queue = p.catch(() => undefined);
    return p;
  };
}
