/**
 * The p2p layer's own wire messages: one protobuf envelope per gossip message or request/response,
 * with a oneof field number per kind. Blocks and commits are CometBFT's protobuf types. Consensus
 * messages (proposals, parts, votes, round steps) are the engine's own encoding
 * (`src/consensus/messages.ts`), carried as opaque bytes and validated with its `validateBasic`.
 * Decoding checks sizes and shapes and throws a coded `p2p` error (`Decode` / `Invalid`); nothing a
 * peer sends can crash the node.
 *
 * Envelope fields: 6 status, 7 tx batch, 8 consensus (direct), 10 block request, 11 block response,
 * 12 no block, 13 status request, 14 evidence (gossip, or pushed as a request answered by ack), 20 ack.
 */
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import "../types/cosmjsFix.js";
import {
  type Block,
  type Commit,
  decodeBlock,
  decodeCommit,
  decodeEvidence,
  type Evidence,
  encodeBlock,
  encodeCommit,
  encodeEvidence,
} from "../types/block.js";
import { CodedError } from "../types/errors.js";

/** Codespace of p2p errors. */
export const P2P_CODESPACE = "p2p";

/** Codes of p2p errors. */
export enum P2PErrorCode {
  /** Bytes are not a valid message. */
  Decode = 1,
  /** A decoded message breaks a basic rule (sizes, ranges, signatures). */
  Invalid = 2,
  /** Message or request larger than allowed. */
  TooLarge = 3,
  /** A peer exceeded its request rate. */
  RateLimited = 4,
  /** The peer is banned. */
  Banned = 5,
  /** Bad address / peer id / configuration. */
  InvalidConfig = 6,
  /** A request failed or timed out. */
  RequestFailed = 7,
}

/** Largest gossip message (a block part is 64 KiB plus proof; a tx batch up to this). */
export const MAX_GOSSIP_BYTES = 4 * 1024 * 1024;
/** Largest request. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Largest response (a block with its commit). */
export const MAX_RESPONSE_BYTES = 110 * 1024 * 1024;
/** Most txs in one gossiped batch. */
export const MAX_TX_BATCH = 1024;
/** Most evidence items in one message. */
export const MAX_EVIDENCE_BATCH = 64;
/** Largest evidence message (a duplicate-vote item is well under 1 KiB). */
export const MAX_EVIDENCE_BYTES = 256 * 1024;

/** A p2p message. */
export type WireMessage =
  | { kind: "status"; height: number; base: number; moniker?: string; listenAddr?: string }
  | { kind: "txs"; txs: Uint8Array[] }
  | { kind: "consensus"; payload: Uint8Array }
  | { kind: "blockRequest"; height: number }
  | { kind: "blockResponse"; block: Block; commit: Commit }
  | { kind: "noBlock"; height: number }
  | { kind: "statusRequest" }
  | { kind: "evidence"; evidence: Evidence[] }
  | { kind: "ack" };

/** Kinds of `WireMessage`. */
export type WireKind = WireMessage["kind"];

const FIELD: Record<WireKind, number> = {
  status: 6,
  txs: 7,
  consensus: 8,
  blockRequest: 10,
  blockResponse: 11,
  noBlock: 12,
  statusRequest: 13,
  evidence: 14,
  ack: 20,
};

/** Encode a message into its envelope. */
export function encodeMessage(m: WireMessage): Uint8Array {
  const w = BinaryWriter.create();
  w.uint32((FIELD[m.kind] << 3) | 2).bytes(encodeBody(m));
  return w.finish();
}

/** Decode an envelope (at most `maxBytes`); coded error when malformed. */
export function decodeMessage(bytes: Uint8Array, maxBytes = MAX_RESPONSE_BYTES): WireMessage {
  if (!(bytes instanceof Uint8Array)) throw decodeError("message must be bytes");
  if (bytes.length > maxBytes) {
    throw new CodedError(
      P2P_CODESPACE,
      P2PErrorCode.TooLarge,
      `message of ${bytes.length} bytes exceeds ${maxBytes}`,
    );
  }
  let m: WireMessage;
  try {
    const r = new BinaryReader(bytes);
    const tag = r.uint32();
    if ((tag & 7) !== 2) throw decodeError("envelope field must be length-delimited");
    const field = tag >>> 3;
    const body = r.bytes();
    if (r.pos !== bytes.length) throw decodeError("trailing bytes after the envelope field");
    m = decodeBody(field, body);
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw decodeError(e instanceof Error ? e.message : String(e));
  }
  validateMessageBasic(m);
  return m;
}

/** Stateless checks of a decoded message. Throws a coded `p2p` `Invalid` error. */
export function validateMessageBasic(m: WireMessage): void {
  switch (m.kind) {
    case "status":
      if (!Number.isSafeInteger(m.height) || m.height < 0) invalid("negative height");
      if (!Number.isSafeInteger(m.base) || m.base < 0 || m.base > m.height) invalid("base above height");
      if ((m.moniker?.length ?? 0) > 128 || (m.listenAddr?.length ?? 0) > 256)
        invalid("status strings too long");
      return;
    case "txs":
      if (m.txs.length === 0) invalid("empty tx batch");
      if (m.txs.length > MAX_TX_BATCH) invalid(`more than ${MAX_TX_BATCH} txs in a batch`);
      if (m.txs.some((t) => t.length === 0)) invalid("empty tx");
      return;
    case "consensus":
      if (m.payload.length === 0) invalid("empty consensus message");
      return;
    case "blockRequest":
    case "noBlock":
      if (!Number.isSafeInteger(m.height) || m.height <= 0) invalid(`invalid height ${m.height}`);
      return;
    case "evidence":
      if (m.evidence.length === 0) invalid("empty evidence list");
      if (m.evidence.length > MAX_EVIDENCE_BATCH) invalid(`more than ${MAX_EVIDENCE_BATCH} evidence items`);
      for (const ev of m.evidence) {
        const { voteA: a, voteB: b } = ev;
        if (!Number.isSafeInteger(a.height) || a.height <= 0 || a.height !== b.height)
          invalid("evidence votes must share a positive height");
        if (a.signature.length === 0 || b.signature.length === 0) invalid("unsigned vote in evidence");
        if (ev.validatorPower <= 0n || ev.totalVotingPower < ev.validatorPower)
          invalid("evidence powers out of range");
      }
      return;
    default:
      return;
  }
}

// ---- private ----

function encodeBody(m: WireMessage): Uint8Array {
  const w = BinaryWriter.create();
  switch (m.kind) {
    case "status":
      w.uint32(8).int64(BigInt(m.height)).uint32(16).int64(BigInt(m.base));
      if (m.moniker) w.uint32(26).string(m.moniker);
      if (m.listenAddr) w.uint32(34).string(m.listenAddr);
      break;
    case "txs":
      for (const tx of m.txs) w.uint32(10).bytes(tx);
      break;
    case "consensus":
      return m.payload;
    case "blockRequest":
    case "noBlock":
      w.uint32(8).int64(BigInt(m.height));
      break;
    case "blockResponse":
      w.uint32(10).bytes(encodeBlock(m.block)).uint32(18).bytes(encodeCommit(m.commit));
      break;
    case "evidence":
      for (const ev of m.evidence) w.uint32(10).bytes(encodeEvidence(ev));
      break;
    case "statusRequest":
    case "ack":
      break;
  }
  return w.finish();
}

function decodeBody(field: number, body: Uint8Array): WireMessage {
  switch (field) {
    case 6: {
      const f = fields(body);
      const moniker = f.string(3);
      const listenAddr = f.string(4);
      return {
        kind: "status",
        height: f.int(1),
        base: f.int(2),
        ...(moniker !== undefined ? { moniker } : {}),
        ...(listenAddr !== undefined ? { listenAddr } : {}),
      };
    }
    case 7:
      return { kind: "txs", txs: fields(body).bytesList(1) };
    case 8:
      return { kind: "consensus", payload: body };
    case 10:
      return { kind: "blockRequest", height: fields(body).int(1) };
    case 11: {
      const f = fields(body);
      const block = f.bytes(1);
      const commit = f.bytes(2);
      if (!block || !commit) throw decodeError("block response needs a block and a commit");
      return { kind: "blockResponse", block: decodeBlock(block), commit: decodeCommit(commit) };
    }
    case 12:
      return { kind: "noBlock", height: fields(body).int(1) };
    case 13:
      return { kind: "statusRequest" };
    case 14:
      return { kind: "evidence", evidence: fields(body).bytesList(1).map(decodeEvidence) };
    case 20:
      return { kind: "ack" };
    default:
      throw decodeError(`unknown message field ${field}`);
  }
}

/** A flat protobuf field reader: varints (as safe integers) and length-delimited bytes. */
function fields(bytes: Uint8Array) {
  const ints = new Map<number, number>();
  const lists = new Map<number, Uint8Array[]>();
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (wt === 0) {
      const n = Number(r.int64());
      if (!Number.isSafeInteger(n)) throw decodeError(`field ${no} out of range`);
      ints.set(no, n);
    } else if (wt === 2) {
      const list = lists.get(no) ?? [];
      if (list.length >= MAX_TX_BATCH) throw decodeError(`too many entries in field ${no}`);
      list.push(r.bytes());
      lists.set(no, list);
    } else {
      r.skipType(wt);
    }
  }
  return {
    int: (no: number): number => ints.get(no) ?? 0,
    bytes: (no: number): Uint8Array | undefined => lists.get(no)?.at(-1),
    bytesList: (no: number): Uint8Array[] => lists.get(no) ?? [],
    string: (no: number): string | undefined => {
      const b = lists.get(no)?.at(-1);
      return b === undefined ? undefined : new TextDecoder("utf-8", { fatal: true }).decode(b);
    },
  };
}

function decodeError(message: string): CodedError {
  return new CodedError(P2P_CODESPACE, P2PErrorCode.Decode, message);
}

function invalid(message: string): never {
  throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, message);
}
