/**
 * Consensus wire messages, transport-agnostic: typed objects with a binary (protobuf wire format)
 * encoding and a `validateConsensusMessage` (CometBFT `ValidateBasic`) the p2p layer runs before it
 * relays or delivers anything. Proposals and votes embed the `tendermint.types` protobuf encodings;
 * the envelope is our own: field 1 new-round-step (with the sender's vote and part bit arrays, which
 * peers use to send what it lacks), 2 proposal, 3 block part, 4 vote, 5 has-vote.
 */
import "../types/cosmjsFix.js";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import {
  BLOCK_PART_SIZE_BYTES,
  type BlockID,
  decodeProposal,
  decodeVote,
  encodeProposal,
  encodeVote,
  type Part,
  type PartSetHeader,
  type Proposal,
  SignedMsgType,
  type Vote,
} from "../types/block.js";
import { CodedError } from "../types/errors.js";
import { CONSENSUS_CODESPACE, ConsensusErrorCode } from "./types.js";

/** Steps of a round (CometBFT `RoundStepType`). */
export enum RoundStep {
  NewHeight = 1,
  NewRound = 2,
  Propose = 3,
  Prevote = 4,
  PrevoteWait = 5,
  Precommit = 6,
  PrecommitWait = 7,
  Commit = 8,
}

/** Largest validator set (and bit array) a message may describe. */
export const MAX_VALIDATORS = 10_000;
/** Largest number of parts a block may have (CometBFT: 100 MiB / 64 KiB). */
export const MAX_BLOCK_PARTS = 1601;

/**
 * The sender's round state, sent on every step change and periodically: peers answer with the
 * proposal, block parts and votes it lacks (this is the "ask for what is missing").
 */
export interface NewRoundStepMessage {
  kind: "newRoundStep";
  height: number;
  round: number;
  step: RoundStep;
  /** Round of the sender's last commit (-1 when none). */
  lastCommitRound: number;
  /** The sender has the proposal of (height, round). */
  hasProposal: boolean;
  /** The part set the sender is assembling (undefined: none) and which parts it has. */
  partsHeader?: PartSetHeader;
  parts: boolean[];
  /** Which validators' prevotes / precommits of (height, round) the sender has. */
  prevotes: boolean[];
  precommits: boolean[];
  /** Which precommits of the previous height (its last commit) the sender has. */
  lastCommit: boolean[];
}

/** A signed proposal. */
export interface ProposalMessage {
  kind: "proposal";
  proposal: Proposal;
}

/** One part of a proposed block. */
export interface BlockPartMessage {
  kind: "blockPart";
  height: number;
  round: number;
  part: Part;
}

/** A signed prevote or precommit. */
export interface VoteMessage {
  kind: "vote";
  vote: Vote;
}

/** The sender has a vote (so peers need not send it). */
export interface HasVoteMessage {
  kind: "hasVote";
  height: number;
  round: number;
  type: SignedMsgType;
  index: number;
}

/** Every consensus message. */
export type ConsensusMessage =
  | NewRoundStepMessage
  | ProposalMessage
  | BlockPartMessage
  | VoteMessage
  | HasVoteMessage;

// ---------------------------------------------------------------------------------------------
// Validation

/** CometBFT `ValidateBasic` of each message: stateless checks. Throws a coded error. */
export function validateConsensusMessage(msg: ConsensusMessage): void {
  switch (msg.kind) {
    case "newRoundStep": {
      checkHeight(msg.height);
      checkRound(msg.round);
      if (!Number.isInteger(msg.step) || msg.step < RoundStep.NewHeight || msg.step > RoundStep.Commit)
        bad("invalid step");
      if (!Number.isSafeInteger(msg.lastCommitRound) || msg.lastCommitRound < -1)
        bad("invalid last commit round");
      if (msg.partsHeader !== undefined) checkPartSetHeader(msg.partsHeader);
      if (msg.parts.length > MAX_BLOCK_PARTS) bad("parts bit array too long");
      for (const bits of [msg.prevotes, msg.precommits, msg.lastCommit]) {
        if (bits.length > MAX_VALIDATORS) bad("vote bit array too long");
      }
      return;
    }
    case "proposal": {
      const p = msg.proposal;
      checkHeight(p.height);
      checkRound(p.round);
      if (!Number.isSafeInteger(p.polRound) || p.polRound < -1 || (p.polRound >= 0 && p.polRound >= p.round))
        bad("invalid POL round");
      checkBlockId(p.blockId);
      if (p.blockId.hash.length === 0) bad("proposal for a nil block");
      checkSignature(p.signature);
      return;
    }
    case "blockPart": {
      checkHeight(msg.height);
      checkRound(msg.round);
      const part = msg.part;
      if (!Number.isSafeInteger(part.index) || part.index < 0 || part.index >= MAX_BLOCK_PARTS)
        bad("invalid part index");
      if (part.bytes.length > BLOCK_PART_SIZE_BYTES) bad("part too big");
      const pr = part.proof;
      if (pr.index !== part.index || pr.total <= 0 || pr.total > MAX_BLOCK_PARTS || part.index >= pr.total)
        bad("invalid part proof");
      if (pr.leafHash.length !== 32 || pr.aunts.length > 100 || pr.aunts.some((a) => a.length !== 32))
        bad("invalid part proof hashes");
      return;
    }
    case "vote": {
      const v = msg.vote;
      if (v.type !== SignedMsgType.Prevote && v.type !== SignedMsgType.Precommit) bad("invalid vote type");
      checkHeight(v.height);
      checkRound(v.round);
      checkBlockId(v.blockId);
      if (v.validatorAddress.length !== 20) bad("validator address must be 20 bytes");
      if (
        !Number.isSafeInteger(v.validatorIndex) ||
        v.validatorIndex < 0 ||
        v.validatorIndex >= MAX_VALIDATORS
      )
        bad("invalid validator index");
      checkSignature(v.signature);
      return;
    }
    case "hasVote": {
      checkHeight(msg.height);
      checkRound(msg.round);
      if (msg.type !== SignedMsgType.Prevote && msg.type !== SignedMsgType.Precommit)
        bad("invalid vote type");
      if (!Number.isSafeInteger(msg.index) || msg.index < 0 || msg.index >= MAX_VALIDATORS)
        bad("invalid index");
      return;
    }
    default:
      bad("unknown message");
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encode a message for the wire. */
export function encodeConsensusMessage(msg: ConsensusMessage): Uint8Array {
  const w = BinaryWriter.create();
  switch (msg.kind) {
    case "newRoundStep": {
      const m = w.uint32(10).fork();
      m.uint32(8).int64(BigInt(msg.height));
      m.uint32(16).int32(msg.round);
      m.uint32(24).uint32(msg.step);
      m.uint32(32).int32(msg.lastCommitRound);
      m.uint32(40).bool(msg.hasProposal);
      if (msg.partsHeader !== undefined) {
        m.uint32(50)
          .fork()
          .uint32(8)
          .uint32(msg.partsHeader.total)
          .uint32(18)
          .bytes(msg.partsHeader.hash)
          .ldelim();
      }
      writeBits(m, 7, msg.parts);
      writeBits(m, 8, msg.prevotes);
      writeBits(m, 9, msg.precommits);
      writeBits(m, 10, msg.lastCommit);
      m.ldelim();
      break;
    }
    case "proposal":
      w.uint32(18).bytes(encodeProposal(msg.proposal));
      break;
    case "blockPart": {
      const m = w.uint32(26).fork();
      m.uint32(8).int64(BigInt(msg.height));
      m.uint32(16).int32(msg.round);
      m.uint32(24).uint32(msg.part.index);
      m.uint32(34).bytes(msg.part.bytes);
      m.uint32(40).uint32(msg.part.proof.total);
      m.uint32(48).uint32(msg.part.proof.index);
      m.uint32(58).bytes(msg.part.proof.leafHash);
      for (const a of msg.part.proof.aunts) m.uint32(66).bytes(a);
      m.ldelim();
      break;
    }
    case "vote":
      w.uint32(34).bytes(encodeVote(msg.vote));
      break;
    case "hasVote": {
      const m = w.uint32(42).fork();
      m.uint32(8).int64(BigInt(msg.height));
      m.uint32(16).int32(msg.round);
      m.uint32(24).int32(msg.type);
      m.uint32(32).uint32(msg.index);
      m.ldelim();
      break;
    }
  }
  return w.finish();
}

/** Decode and validate a message; malformed bytes give a coded error (never a crash). */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  let msg: ConsensusMessage | undefined;
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if ((tag & 7) !== 2) {
        r.skipType(tag & 7);
        continue;
      }
      const body = r.bytes();
      if (field === 1) msg = decodeNewRoundStep(body);
      else if (field === 2) msg = { kind: "proposal", proposal: decodeProposal(body) };
      else if (field === 3) msg = decodeBlockPart(body);
      else if (field === 4) msg = { kind: "vote", vote: decodeVote(body) };
      else if (field === 5) msg = decodeHasVote(body);
    }
  } catch (e) {
    if (e instanceof CodedError && e.codespace === CONSENSUS_CODESPACE) throw e;
    bad(`cannot decode consensus message: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (msg === undefined) return bad("empty consensus message");
  validateConsensusMessage(msg);
  return msg;
}

function decodeNewRoundStep(body: Uint8Array): NewRoundStepMessage {
  const r = new BinaryReader(body);
  const m: NewRoundStepMessage = {
    kind: "newRoundStep",
    height: 0,
    round: 0,
    step: RoundStep.NewHeight,
    lastCommitRound: -1,
    hasProposal: false,
    parts: [],
    prevotes: [],
    precommits: [],
    lastCommit: [],
  };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        m.height = toSafe(r.int64());
        break;
      case 2:
        m.round = r.int32();
        break;
      case 3:
        m.step = r.uint32() as RoundStep;
        break;
      case 4:
        m.lastCommitRound = r.int32();
        break;
      case 5:
        m.hasProposal = r.bool();
        break;
      case 6: {
        const h = new BinaryReader(r.bytes());
        const psh: PartSetHeader = { total: 0, hash: new Uint8Array(0) };
        while (h.pos < h.len) {
          const t = h.uint32();
          if (t >>> 3 === 1) psh.total = h.uint32();
          else if (t >>> 3 === 2) psh.hash = h.bytes();
          else h.skipType(t & 7);
        }
        m.partsHeader = psh;
        break;
      }
      case 7:
        m.parts = readBits(r);
        break;
      case 8:
        m.prevotes = readBits(r);
        break;
      case 9:
        m.precommits = readBits(r);
        break;
      case 10:
        m.lastCommit = readBits(r);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return m;
}

function decodeBlockPart(body: Uint8Array): BlockPartMessage {
  const r = new BinaryReader(body);
  let height = 0;
  let round = 0;
  const part: Part = {
    index: 0,
    bytes: new Uint8Array(0),
    proof: { total: 0, index: 0, leafHash: new Uint8Array(0), aunts: [] },
  };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        height = toSafe(r.int64());
        break;
      case 2:
        round = r.int32();
        break;
      case 3:
        part.index = r.uint32();
        break;
      case 4:
        part.bytes = r.bytes();
        break;
      case 5:
        part.proof.total = r.uint32();
        break;
      case 6:
        part.proof.index = r.uint32();
        break;
      case 7:
        part.proof.leafHash = r.bytes();
        break;
      case 8:
        part.proof.aunts.push(r.bytes());
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return { kind: "blockPart", height, round, part };
}

function decodeHasVote(body: Uint8Array): HasVoteMessage {
  const r = new BinaryReader(body);
  const m: HasVoteMessage = { kind: "hasVote", height: 0, round: 0, type: SignedMsgType.Unknown, index: 0 };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        m.height = toSafe(r.int64());
        break;
      case 2:
        m.round = r.int32();
        break;
      case 3:
        m.type = r.int32() as SignedMsgType;
        break;
      case 4:
        m.index = r.uint32();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Bit arrays

/** Pack booleans: a varint count then the bits, little-endian within bytes. */
function writeBits(w: BinaryWriter, field: number, bits: readonly boolean[]): void {
  if (bits.length === 0) return;
  const packed = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) packed[i >> 3] = (packed[i >> 3] as number) | (1 << (i & 7));
  });
  w.uint32((field << 3) | 2)
    .fork()
    .uint32(8)
    .uint32(bits.length)
    .uint32(18)
    .bytes(packed)
    .ldelim();
}

function readBits(r: BinaryReader): boolean[] {
  const inner = new BinaryReader(r.bytes());
  let n = 0;
  let packed: Uint8Array = new Uint8Array(0);
  while (inner.pos < inner.len) {
    const t = inner.uint32();
    if (t >>> 3 === 1) n = inner.uint32();
    else if (t >>> 3 === 2) packed = inner.bytes();
    else inner.skipType(t & 7);
  }
  if (n > MAX_VALIDATORS || packed.length < Math.ceil(n / 8)) bad("malformed bit array");
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((((packed[i >> 3] as number) >> (i & 7)) & 1) === 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Private

function checkHeight(h: number): void {
  if (!Number.isSafeInteger(h) || h <= 0) bad(`invalid height ${h}`);
}

function checkRound(r: number): void {
  if (!Number.isSafeInteger(r) || r < 0) bad(`invalid round ${r}`);
}

function checkPartSetHeader(p: PartSetHeader): void {
  if (!Number.isSafeInteger(p.total) || p.total < 0 || p.total > MAX_BLOCK_PARTS)
    bad("invalid part set total");
  if (p.hash.length !== 0 && p.hash.length !== 32) bad("part set hash must be 32 bytes");
}

function checkBlockId(id: BlockID): void {
  if (id.hash.length !== 0 && id.hash.length !== 32) bad("block hash must be 32 bytes");
  checkPartSetHeader(id.partSetHeader);
  if ((id.hash.length === 0) !== (id.partSetHeader.total === 0 && id.partSetHeader.hash.length === 0))
    bad("block id must be complete or nil");
}

function checkSignature(sig: Uint8Array): void {
  if (sig.length === 0) bad("signature is missing");
  if (sig.length > 64) bad("signature is too big");
}

function toSafe(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < 0n) bad("height out of range");
  return Number(n);
}

function bad(message: string): never {
  throw new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.InvalidMessage, message);
}
