/**
 * OpenLedger's gov extension types (`openledger.gov.v1`), hand-encoded protobuf:
 * - `MsgUpdateTimelockParams { string authority = 1; uint64 execution_delay_seconds = 2; }`
 * - `QueryProposalExecutionRequest { uint64 proposal_id = 1; }` →
 *   `QueryProposalExecutionResponse { google.protobuf.Timestamp executes_at = 1; bool executed = 2;
 *   uint64 execution_delay_seconds = 3; bool queued = 4; }`
 * - `QueryTimelockParamsRequest {}` → `QueryTimelockParamsResponse { uint64 execution_delay_seconds = 1; }`
 */
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";

/** Set the timelock (gov authority only). */
export interface MsgUpdateTimelockParams {
  authority: string;
  executionDelaySeconds: bigint;
}

/** Codec of `MsgUpdateTimelockParams` (shaped like cosmjs-types' codecs, so a CosmJS Registry takes it). */
export const MsgUpdateTimelockParams = {
  typeUrl: "/openledger.gov.v1.MsgUpdateTimelockParams",
  /** Encode. */
  encode(m: MsgUpdateTimelockParams, w: BinaryWriter = BinaryWriter.create()): BinaryWriter {
    if (m.authority !== "") w.uint32(10).string(m.authority);
    if (m.executionDelaySeconds !== 0n) w.uint32(16).uint64(m.executionDelaySeconds);
    return w;
  },
  /** Decode. */
  decode(b: Uint8Array | BinaryReader, length?: number): MsgUpdateTimelockParams {
    const r = b instanceof BinaryReader ? b : new BinaryReader(b);
    const end = length === undefined ? r.len : r.pos + length;
    const m: MsgUpdateTimelockParams = { authority: "", executionDelaySeconds: 0n };
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) m.authority = r.string();
      else if (tag >>> 3 === 2) m.executionDelaySeconds = r.uint64();
      else r.skipType(tag & 7);
    }
    return m;
  },
  /** From a partial object. */
  fromPartial(o: Partial<MsgUpdateTimelockParams>): MsgUpdateTimelockParams {
    return { authority: o.authority ?? "", executionDelaySeconds: BigInt(o.executionDelaySeconds ?? 0n) };
  },
  /** From proto JSON (camelCase). */
  fromJSON(o: unknown): MsgUpdateTimelockParams {
    const j = (typeof o === "object" && o !== null ? o : {}) as Record<string, unknown>;
    return {
      authority: String(j["authority"] ?? ""),
      executionDelaySeconds: BigInt(String(j["executionDelaySeconds"] ?? "0")),
    };
  },
  /** To proto JSON (camelCase). */
  toJSON(m: MsgUpdateTimelockParams): Record<string, unknown> {
    return { authority: m.authority, executionDelaySeconds: m.executionDelaySeconds.toString() };
  },
};

/** Response type URL of `MsgUpdateTimelockParams`. */
export const MSG_UPDATE_TIMELOCK_PARAMS_RESPONSE = "/openledger.gov.v1.MsgUpdateTimelockParamsResponse";

/** Request of `/openledger.gov.v1.Query/ProposalExecution`. */
export function decodeProposalExecutionRequest(b: Uint8Array): bigint {
  const r = new BinaryReader(b);
  let id = 0n;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) id = r.uint64();
    else r.skipType(tag & 7);
  }
  return id;
}

/** Encode the request of `/openledger.gov.v1.Query/ProposalExecution`. */
export function encodeProposalExecutionRequest(id: bigint): Uint8Array {
  const w = BinaryWriter.create();
  if (id !== 0n) w.uint32(8).uint64(id);
  return w.finish();
}

/** Response of `/openledger.gov.v1.Query/ProposalExecution`. */
export interface ProposalExecution {
  executesAt?: Timestamp;
  executed: boolean;
  executionDelaySeconds: bigint;
  queued: boolean;
}

/** Encode a `ProposalExecution` response. */
export function encodeProposalExecution(e: ProposalExecution): Uint8Array {
  const w = BinaryWriter.create();
  if (e.executesAt) Timestamp.encode(e.executesAt, w.uint32(10).fork()).ldelim();
  if (e.executed) w.uint32(16).bool(true);
  if (e.executionDelaySeconds !== 0n) w.uint32(24).uint64(e.executionDelaySeconds);
  if (e.queued) w.uint32(32).bool(true);
  return w.finish();
}

/** Decode a `ProposalExecution` response. */
export function decodeProposalExecution(b: Uint8Array): ProposalExecution {
  const r = new BinaryReader(b);
  const e: ProposalExecution = { executed: false, executionDelaySeconds: 0n, queued: false };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const f = tag >>> 3;
    if (f === 1) e.executesAt = Timestamp.decode(r, r.uint32());
    else if (f === 2) e.executed = r.bool();
    else if (f === 3) e.executionDelaySeconds = r.uint64();
    else if (f === 4) e.queued = r.bool();
    else r.skipType(tag & 7);
  }
  return e;
}

/** Encode `QueryTimelockParamsResponse`. */
export function encodeTimelockParams(seconds: bigint): Uint8Array {
  const w = BinaryWriter.create();
  if (seconds !== 0n) w.uint32(8).uint64(seconds);
  return w.finish();
}

/** Decode `QueryTimelockParamsResponse`. */
export function decodeTimelockParams(b: Uint8Array): bigint {
  return decodeProposalExecutionRequest(b);
}
