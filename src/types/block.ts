/**
 * CometBFT 0.38 chain data: blocks, headers, commits, votes, proposals, validators, evidence; their
 * hashes and sign bytes computed byte-for-byte as CometBFT does (`types/block.go`, `types/canonical.go`,
 * `types/vote.go`, `types/part_set.go`, `types/results.go`, `types/params.go`), and their protobuf
 * encodings (`tendermint.types.*`) for storage and the wire.
 */
import { BinaryWriter } from "cosmjs-types/binary";
import { Block as ProtoBlock, type Block as ProtoBlockT } from "cosmjs-types/tendermint/types/block";
import {
  DuplicateVoteEvidence as ProtoDuplicateVoteEvidence,
  type DuplicateVoteEvidence as ProtoDuplicateVoteEvidenceT,
  type Evidence as ProtoEvidenceT,
} from "cosmjs-types/tendermint/types/evidence";
import {
  BlockID as ProtoBlockID,
  type BlockID as ProtoBlockIDT,
  Commit as ProtoCommit,
  CommitSig as ProtoCommitSig,
  type CommitSig as ProtoCommitSigT,
  type Commit as ProtoCommitT,
  Header as ProtoHeader,
  type Header as ProtoHeaderT,
  Proposal as ProtoProposal,
  type Proposal as ProtoProposalT,
  Vote as ProtoVote,
  type Vote as ProtoVoteT,
} from "cosmjs-types/tendermint/types/types";
import {
  SimpleValidator as ProtoSimpleValidator,
  ValidatorSet as ProtoValidatorSet,
  type Validator as ProtoValidatorT,
} from "cosmjs-types/tendermint/types/validator";
import { Consensus as ProtoConsensus } from "cosmjs-types/tendermint/version/types";
import { BlockIdFlag, type ConsensusParams, type ExecTxResult, type Timestamp } from "../abci/types.js";
import { sha256 } from "../crypto/hash.js";
import { fixCosmjsInt64Encoding } from "./cosmjsFix.js";
import { CodedError } from "./errors.js";
import { hashFromByteSlices, hashFromLeafHashes, type MerkleProof, proofsFromByteSlices } from "./merkle.js";
import { txMemo } from "./txMemo.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** CometBFT's block protocol version (`version.BlockProtocol`). */
export const BLOCK_PROTOCOL = 11n;

/** Size of one block part (`types.BlockPartSizeBytes`, 64 KiB). */
export const BLOCK_PART_SIZE_BYTES = 65536;

/** Codespace of chain-data errors (malformed blocks, commits, votes from peers or disk). */
export const BLOCK_CODESPACE = "block";

/** Codes of chain-data errors. */
export enum BlockErrorCode {
  /** Bytes do not decode to the expected protobuf message. */
  Decode = 1,
  /** A decoded value violates a basic rule (height range, hash length, inconsistent hashes…). */
  Invalid = 2,
  /** Evidence of a kind this node does not support. */
  UnsupportedEvidence = 3,
}

/**
 * Go's zero `time.Time` (0001-01-01T00:00:00Z) as a protobuf Timestamp: what CometBFT puts in absent
 * commit signatures and in a vote with no timestamp.
 */
export const GO_ZERO_TIME: Timestamp = { seconds: -62135596800n, nanos: 0 };

fixCosmjsInt64Encoding();

export { fixCosmjsInt64Encoding };

// ---------------------------------------------------------------------------------------------
// Types

/** Header of the part set a block is split into for gossip. */
export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}

/** A block's identity: header hash and part set header. */
export interface BlockID {
  hash: Uint8Array;
  partSetHeader: PartSetHeader;
}

/** Block and app protocol versions. */
export interface ConsensusVersion {
  block: bigint;
  app: bigint;
}

/** A CometBFT block header. */
export interface Header {
  version: ConsensusVersion;
  chainId: string;
  height: number;
  time: Timestamp;
  lastBlockId: BlockID;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** One validator's signature (or absence) in a commit. */
export interface CommitSig {
  blockIdFlag: BlockIdFlag;
  validatorAddress: Uint8Array;
  timestamp: Timestamp;
  signature: Uint8Array;
}

/** +2/3 precommits for a block, one entry per validator in set order. */
export interface Commit {
  height: number;
  round: number;
  blockId: BlockID;
  signatures: CommitSig[];
}

/** The kinds of signed consensus messages. */
export enum SignedMsgType {
  Unknown = 0,
  Prevote = 1,
  Precommit = 2,
  Proposal = 32,
}

/** A prevote or precommit. Vote extensions are not used by this chain. */
export interface Vote {
  type: SignedMsgType;
  height: number;
  round: number;
  /** Zero BlockID (empty hash, zero part set header) for a nil vote. */
  blockId: BlockID;
  timestamp: Timestamp;
  validatorAddress: Uint8Array;
  validatorIndex: number;
  signature: Uint8Array;
}

/** A block proposal. */
export interface Proposal {
  height: number;
  round: number;
  /** -1 when there is no proof-of-lock round. */
  polRound: number;
  blockId: BlockID;
  timestamp: Timestamp;
  signature: Uint8Array;
}

/** Evidence that a validator signed two different votes at the same height, round and type. */
export interface DuplicateVoteEvidence {
  type: "duplicate_vote";
  voteA: Vote;
  voteB: Vote;
  totalVotingPower: bigint;
  validatorPower: bigint;
  timestamp: Timestamp;
}

/** Evidence carried by a block (only duplicate votes are supported). */
export type Evidence = DuplicateVoteEvidence;

/** The transactions of a block. */
export interface BlockData {
  txs: Uint8Array[];
}

/** A block. The block at the initial height carries an empty last commit (see `emptyCommit`). */
export interface Block {
  header: Header;
  data: BlockData;
  evidence: Evidence[];
  lastCommit: Commit;
}

/** A consensus validator with an ed25519 key. */
export interface Validator {
  /** 20-byte address: sha256(pubKey)[:20]. */
  address: Uint8Array;
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  votingPower: bigint;
  proposerPriority: bigint;
}

/** A validator set in CometBFT order (voting power desc, then address asc). */
export interface ValidatorSet {
  validators: Validator[];
  proposer?: Validator;
}

/** One part of a block's serialisation with its inclusion proof against the part set hash. */
export interface Part {
  index: number;
  bytes: Uint8Array;
  proof: MerkleProof;
}

/** A block's part set: the header that goes into its BlockID, and the parts for gossip. */
export interface PartSet {
  header: PartSetHeader;
  parts: Part[];
}

/** Block summary for the block store and RPC (`tendermint.types.BlockMeta`). */
export interface BlockMeta {
  blockId: BlockID;
  blockSize: number;
  header: Header;
  numTxs: number;
}

// ---------------------------------------------------------------------------------------------
// Constructors

/** The zero BlockID (nil vote, genesis' last block id). */
export function zeroBlockId(): BlockID {
  return { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
}

/** True when `id` is the zero BlockID. */
export function isZeroBlockId(id: BlockID): boolean {
  return id.hash.length === 0 && id.partSetHeader.total === 0 && id.partSetHeader.hash.length === 0;
}

/** The empty commit carried as `last_commit` by the block at the initial height. */
export function emptyCommit(): Commit {
  return { height: 0, round: 0, blockId: zeroBlockId(), signatures: [] };
}

/** An absent commit signature (validator did not vote), as CometBFT's `NewCommitSigAbsent`. */
export function absentCommitSig(): CommitSig {
  return {
    blockIdFlag: BlockIdFlag.Absent,
    validatorAddress: new Uint8Array(0),
    timestamp: { ...GO_ZERO_TIME },
    signature: new Uint8Array(0),
  };
}

// ---------------------------------------------------------------------------------------------
// Hashes

/**
 * A tx's hash (its id in `tx_search`/`tx`): sha256 of the raw bytes, memoised per bytes object
 * (`txMemo`). The result is shared: callers must not mutate it.
 */
export function txHash(tx: Uint8Array): Uint8Array {
  return txMemo(tx).hash;
}

/** CometBFT `Header.Hash()`: merkle root of the cdc-encoded fields; empty when validatorsHash is empty. */
export function headerHash(h: Header): Uint8Array {
  if (h.validatorsHash.length === 0) return new Uint8Array(0);
  return hashFromByteSlices([
    ProtoConsensus.encode({ block: h.version.block, app: h.version.app }).finish(),
    cdcString(h.chainId),
    cdcInt64(BigInt(h.height)),
    encodeTimestamp(h.time),
    ProtoBlockID.encode(blockIdToProto(h.lastBlockId)).finish(),
    cdcBytes(h.lastCommitHash),
    cdcBytes(h.dataHash),
    cdcBytes(h.validatorsHash),
    cdcBytes(h.nextValidatorsHash),
    cdcBytes(h.consensusHash),
    cdcBytes(h.appHash),
    cdcBytes(h.lastResultsHash),
    cdcBytes(h.evidenceHash),
    cdcBytes(h.proposerAddress),
  ]);
}

/** A block's hash: its header hash. */
export function blockHash(block: Block): Uint8Array {
  return headerHash(block.header);
}

/** CometBFT `Commit.Hash()`: merkle root of the proto-encoded CommitSigs. */
export function commitHash(commit: Commit): Uint8Array {
  return hashFromByteSlices(
    commit.signatures.map((s) => ProtoCommitSig.encode(commitSigToProto(s)).finish()),
  );
}

/** CometBFT `Data.Hash()`: merkle root of the txs' sha256 hashes. */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  return hashFromByteSlices(txs.map((tx) => txHash(tx)));
}

/** CometBFT `ValidatorSet.Hash()`: merkle root of `SimpleValidator{pub_key, voting_power}` bytes. */
export function validatorSetHash(validators: readonly Validator[]): Uint8Array {
  return hashFromByteSlices(
    validators.map((v) =>
      ProtoSimpleValidator.encode({ pubKey: { ed25519: v.pubKey }, votingPower: v.votingPower }).finish(),
    ),
  );
}

/**
 * CometBFT `ABCIResults.Hash()`: merkle root of the deterministic ExecTxResult fields, i.e. of the
 * proto bytes of `ExecTxResult{code, data, gas_wanted, gas_used}`. Each leaf is written straight
 * into a scratch buffer behind the leaf prefix and hashed there (no encoder objects, no copies).
 */
export function lastResultsHash(txResults: readonly ExecTxResult[]): Uint8Array {
  const leaves: Uint8Array[] = new Array(txResults.length);
  for (let i = 0; i < txResults.length; i++) {
    leaves[i] = deterministicResultLeafHash(txResults[i] as ExecTxResult);
  }
  return hashFromLeafHashes(leaves);
}

/** Scratch for one results-hash leaf, grown for large `data`. */
let resultLeaf = Buffer.allocUnsafe(256);

/** `leafHash` of the proto3 bytes of `ExecTxResult{code, data, gas_wanted, gas_used}`. */
function deterministicResultLeafHash(r: ExecTxResult): Uint8Array {
  // prefix + code (tag, ≤5) + data (tag, ≤8 length, bytes) + two int64 (tag, ≤10)
  const max = 1 + 6 + 9 + r.data.length + 22;
  if (resultLeaf.length < max) resultLeaf = Buffer.allocUnsafe(Math.max(max, 2 * resultLeaf.length));
  const buf = resultLeaf;
  buf[0] = 0; // merkle leaf prefix
  let pos = 1;
  if (r.code !== 0) {
    buf[pos++] = 0x08;
    pos = writeVarint(buf, pos, r.code >>> 0);
  }
  if (r.data.length !== 0) {
    buf[pos++] = 0x12;
    pos = writeVarint(buf, pos, r.data.length);
    buf.set(r.data, pos);
    pos += r.data.length;
  }
  if (r.gasWanted !== 0n) {
    buf[pos++] = 0x28;
    pos = writeVarint64(buf, pos, r.gasWanted);
  }
  if (r.gasUsed !== 0n) {
    buf[pos++] = 0x30;
    pos = writeVarint64(buf, pos, r.gasUsed);
  }
  return sha256(buf.subarray(0, pos));
}

/** Write a varint of a non-negative integer below 2^53; returns the position after it. */
function writeVarint(buf: Uint8Array, at: number, n: number): number {
  let pos = at;
  let v = n;
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos++] = v;
  return pos;
}

/** Write an int64 as a varint (negative values as 64-bit two's complement); returns the position after. */
function writeVarint64(buf: Uint8Array, at: number, n: bigint): number {
  if (n > 0n && n <= 9007199254740991n) return writeVarint(buf, at, Number(n));
  let pos = at;
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** CometBFT `EvidenceList.Hash()`: merkle root of each evidence's proto bytes. */
export function evidenceHash(evidence: readonly Evidence[]): Uint8Array {
  return hashFromByteSlices(
    evidence.map((e) => ProtoDuplicateVoteEvidence.encode(duplicateVoteToProto(e)).finish()),
  );
}

/** Hash of one piece of evidence (CometBFT `DuplicateVoteEvidence.Hash()`). */
export function evidenceItemHash(e: Evidence): Uint8Array {
  return sha256(ProtoDuplicateVoteEvidence.encode(duplicateVoteToProto(e)).finish());
}

/** CometBFT `ConsensusParams.Hash()`: sha256 of `HashedParams{block_max_bytes, block_max_gas}`. */
export function consensusParamsHash(params: ConsensusParams): Uint8Array {
  const w = BinaryWriter.create();
  if (params.block.maxBytes !== 0) w.uint32(8).int64(BigInt(params.block.maxBytes));
  if (params.block.maxGas !== 0) w.uint32(16).int64(BigInt(params.block.maxGas));
  return sha256(w.finish());
}

// ---------------------------------------------------------------------------------------------
// Sign bytes

/** CometBFT `VoteSignBytes`: the length-delimited CanonicalVote. */
export function voteSignBytes(chainId: string, vote: Vote): Uint8Array {
  const w = BinaryWriter.create();
  if (vote.type !== 0) w.uint32(8).int32(vote.type);
  if (vote.height !== 0) w.uint32(17).sfixed64(BigInt(vote.height));
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  if (!isZeroBlockId(vote.blockId)) writeCanonicalBlockId(w.uint32(34).fork(), vote.blockId).ldelim();
  w.uint32(42).bytes(encodeTimestamp(vote.timestamp));
  if (chainId !== "") w.uint32(50).string(chainId);
  return delimited(w.finish());
}

/** CometBFT `ProposalSignBytes`: the length-delimited CanonicalProposal. */
export function proposalSignBytes(chainId: string, proposal: Proposal): Uint8Array {
  const w = BinaryWriter.create();
  w.uint32(8).int32(SignedMsgType.Proposal);
  if (proposal.height !== 0) w.uint32(17).sfixed64(BigInt(proposal.height));
  if (proposal.round !== 0) w.uint32(25).sfixed64(BigInt(proposal.round));
  if (proposal.polRound !== 0) w.uint32(32).int64(BigInt(proposal.polRound));
  if (!isZeroBlockId(proposal.blockId)) writeCanonicalBlockId(w.uint32(42).fork(), proposal.blockId).ldelim();
  w.uint32(50).bytes(encodeTimestamp(proposal.timestamp));
  if (chainId !== "") w.uint32(58).string(chainId);
  return delimited(w.finish());
}

// ---------------------------------------------------------------------------------------------
// Part sets and block ids

/** Split bytes into parts of `partSize` with merkle proofs (CometBFT `NewPartSetFromData`). */
export function makePartSet(data: Uint8Array, partSize = BLOCK_PART_SIZE_BYTES): PartSet {
  const total = Math.ceil(data.length / partSize);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < total; i++)
    chunks.push(data.subarray(i * partSize, Math.min(data.length, (i + 1) * partSize)));
  const { root, proofs } = proofsFromByteSlices(chunks);
  const parts = chunks.map((bytes, index) => ({ index, bytes, proof: proofs[index] as MerkleProof }));
  return { header: { total, hash: root }, parts };
}

/** The part set of a block's proto encoding (CometBFT `Block.MakePartSet(BlockPartSizeBytes)`). */
export function makeBlockPartSet(block: Block): PartSet {
  return makePartSet(encodeBlock(block));
}

/** A block's BlockID: its header hash and the header of its part set. */
export function makeBlockId(block: Block): BlockID {
  return { hash: blockHash(block), partSetHeader: makeBlockPartSet(block).header };
}

/**
 * Fill a header's derived hashes from the block body (CometBFT `Block.fillHeader`): lastCommitHash,
 * dataHash and evidenceHash. Returns a new block.
 */
export function fillHeader(block: Block): Block {
  return {
    ...block,
    header: {
      ...block.header,
      lastCommitHash: commitHash(block.lastCommit),
      dataHash: dataHash(block.data.txs),
      evidenceHash: evidenceHash(block.evidence),
    },
  };
}

/**
 * Stateless checks of a block (CometBFT `Block.ValidateBasic` subset): positive height, hash lengths,
 * and header hashes that match the body. Throws a coded error.
 */
export function validateBlockBasic(block: Block): void {
  const h = block.header;
  if (!Number.isSafeInteger(h.height) || h.height <= 0) invalid(`invalid height ${h.height}`);
  if (h.chainId.length > 50) invalid("chain id too long");
  for (const [name, v] of [
    ["last_commit_hash", h.lastCommitHash],
    ["data_hash", h.dataHash],
    ["validators_hash", h.validatorsHash],
    ["next_validators_hash", h.nextValidatorsHash],
    ["consensus_hash", h.consensusHash],
    ["last_results_hash", h.lastResultsHash],
    ["evidence_hash", h.evidenceHash],
  ] as const) {
    if (v.length !== 32) invalid(`${name} must be 32 bytes`);
  }
  if (h.proposerAddress.length !== 20) invalid("proposer_address must be 20 bytes");
  if (!equal(h.lastCommitHash, commitHash(block.lastCommit))) invalid("wrong last_commit_hash");
  if (!equal(h.dataHash, dataHash(block.data.txs))) invalid("wrong data_hash");
  if (!equal(h.evidenceHash, evidenceHash(block.evidence))) invalid("wrong evidence_hash");
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Proto-encode a block (`tendermint.types.Block`). */
export function encodeBlock(block: Block): Uint8Array {
  return ProtoBlock.encode(blockToProto(block)).finish();
}

/** Decode a block; malformed bytes give a coded error. */
export function decodeBlock(bytes: Uint8Array): Block {
  const pb = decodeWith("block", () => ProtoBlock.decode(bytes));
  return blockFromProto(pb);
}

/** Proto-encode a header. */
export function encodeHeader(header: Header): Uint8Array {
  return ProtoHeader.encode(headerToProto(header)).finish();
}

/** Decode a header; malformed bytes give a coded error. */
export function decodeHeader(bytes: Uint8Array): Header {
  return headerFromProto(decodeWith("header", () => ProtoHeader.decode(bytes)));
}

/** Proto-encode a commit (`tendermint.types.Commit`). */
export function encodeCommit(commit: Commit): Uint8Array {
  return ProtoCommit.encode(commitToProto(commit)).finish();
}

/** Decode a commit; malformed bytes give a coded error. */
export function decodeCommit(bytes: Uint8Array): Commit {
  return commitFromProto(decodeWith("commit", () => ProtoCommit.decode(bytes)));
}

/** Proto-encode a BlockID. */
export function encodeBlockId(id: BlockID): Uint8Array {
  return ProtoBlockID.encode(blockIdToProto(id)).finish();
}

/** Decode a BlockID; malformed bytes give a coded error. */
export function decodeBlockId(bytes: Uint8Array): BlockID {
  return blockIdFromProto(decodeWith("block id", () => ProtoBlockID.decode(bytes)));
}

/** Proto-encode a vote (`tendermint.types.Vote`). */
export function encodeVote(vote: Vote): Uint8Array {
  return ProtoVote.encode(voteToProto(vote)).finish();
}

/** Decode a vote; malformed bytes give a coded error. */
export function decodeVote(bytes: Uint8Array): Vote {
  return voteFromProto(decodeWith("vote", () => ProtoVote.decode(bytes)));
}

/** Proto-encode a proposal (`tendermint.types.Proposal`). */
export function encodeProposal(p: Proposal): Uint8Array {
  return ProtoProposal.encode(proposalToProto(p)).finish();
}

/** Decode a proposal; malformed bytes give a coded error. */
export function decodeProposal(bytes: Uint8Array): Proposal {
  const pb = decodeWith("proposal", () => ProtoProposal.decode(bytes));
  if (pb.type !== (SignedMsgType.Proposal as number)) invalid("proposal has wrong type");
  return {
    height: toHeight(pb.height, "proposal height"),
    round: pb.round,
    polRound: pb.polRound,
    blockId: blockIdFromProto(pb.blockId),
    timestamp: timestampFromProto(pb.timestamp),
    signature: pb.signature,
  };
}

/** Proto-encode a validator set (`tendermint.types.ValidatorSet`). */
export function encodeValidatorSet(set: ValidatorSet): Uint8Array {
  const total = set.validators.reduce((acc, v) => acc + v.votingPower, 0n);
  return ProtoValidatorSet.encode({
    validators: set.validators.map(validatorToProto),
    proposer: set.proposer === undefined ? undefined : validatorToProto(set.proposer),
    totalVotingPower: total,
  }).finish();
}

/** Decode a validator set; malformed bytes or non-ed25519 keys give a coded error. */
export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  const pb = decodeWith("validator set", () => ProtoValidatorSet.decode(bytes));
  const set: ValidatorSet = { validators: pb.validators.map(validatorFromProto) };
  if (pb.proposer !== undefined) set.proposer = validatorFromProto(pb.proposer);
  return set;
}

/** Proto-encode evidence (`tendermint.types.DuplicateVoteEvidence`). */
export function encodeEvidence(e: Evidence): Uint8Array {
  return ProtoDuplicateVoteEvidence.encode(duplicateVoteToProto(e)).finish();
}

/** Decode duplicate-vote evidence; malformed bytes give a coded error. */
export function decodeEvidence(bytes: Uint8Array): Evidence {
  return duplicateVoteFromProto(decodeWith("evidence", () => ProtoDuplicateVoteEvidence.decode(bytes)));
}

/** Proto-encode a protobuf Timestamp (as gogoproto's StdTimeMarshal). */
export function encodeTimestamp(t: Timestamp): Uint8Array {
  const w = BinaryWriter.create();
  if (t.seconds !== 0n) w.uint32(8).int64(t.seconds);
  if (t.nanos !== 0) w.uint32(16).int32(t.nanos);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Proto conversions (exported for the wire layers that embed these messages)

/** Domain → cosmjs-types BlockID. */
export function blockIdToProto(id: BlockID): ProtoBlockIDT {
  return { hash: id.hash, partSetHeader: { total: id.partSetHeader.total, hash: id.partSetHeader.hash } };
}

/** cosmjs-types BlockID → domain. */
export function blockIdFromProto(pb: ProtoBlockIDT | undefined): BlockID {
  if (pb === undefined) return zeroBlockId();
  const psh = pb.partSetHeader ?? { total: 0, hash: new Uint8Array(0) };
  return { hash: pb.hash, partSetHeader: { total: psh.total, hash: psh.hash } };
}

/** Domain → cosmjs-types Header. */
export function headerToProto(h: Header): ProtoHeaderT {
  return {
    version: { block: h.version.block, app: h.version.app },
    chainId: h.chainId,
    height: BigInt(h.height),
    time: { seconds: h.time.seconds, nanos: h.time.nanos },
    lastBlockId: blockIdToProto(h.lastBlockId),
    lastCommitHash: h.lastCommitHash,
    dataHash: h.dataHash,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    consensusHash: h.consensusHash,
    appHash: h.appHash,
    lastResultsHash: h.lastResultsHash,
    evidenceHash: h.evidenceHash,
    proposerAddress: h.proposerAddress,
  };
}

/** cosmjs-types Header → domain. */
export function headerFromProto(pb: ProtoHeaderT | undefined): Header {
  if (pb === undefined) invalid("missing header");
  return {
    version: { block: pb.version?.block ?? 0n, app: pb.version?.app ?? 0n },
    chainId: pb.chainId,
    height: toHeight(pb.height, "header height"),
    time: timestampFromProto(pb.time),
    lastBlockId: blockIdFromProto(pb.lastBlockId),
    lastCommitHash: pb.lastCommitHash,
    dataHash: pb.dataHash,
    validatorsHash: pb.validatorsHash,
    nextValidatorsHash: pb.nextValidatorsHash,
    consensusHash: pb.consensusHash,
    appHash: pb.appHash,
    lastResultsHash: pb.lastResultsHash,
    evidenceHash: pb.evidenceHash,
    proposerAddress: pb.proposerAddress,
  };
}

/** Domain → cosmjs-types Commit. */
export function commitToProto(c: Commit): ProtoCommitT {
  return {
    height: BigInt(c.height),
    round: c.round,
    blockId: blockIdToProto(c.blockId),
    signatures: c.signatures.map(commitSigToProto),
  };
}

/** cosmjs-types Commit → domain. */
export function commitFromProto(pb: ProtoCommitT | undefined): Commit {
  if (pb === undefined) return emptyCommit();
  return {
    height: toHeight(pb.height, "commit height"),
    round: pb.round,
    blockId: blockIdFromProto(pb.blockId),
    signatures: pb.signatures.map((s) => ({
      blockIdFlag: toBlockIdFlag(s.blockIdFlag),
      validatorAddress: s.validatorAddress,
      timestamp: timestampFromProto(s.timestamp),
      signature: s.signature,
    })),
  };
}

/** Domain → cosmjs-types Vote (no extensions). */
export function voteToProto(v: Vote): ProtoVoteT {
  return {
    type: v.type as number,
    height: BigInt(v.height),
    round: v.round,
    blockId: blockIdToProto(v.blockId),
    timestamp: { seconds: v.timestamp.seconds, nanos: v.timestamp.nanos },
    validatorAddress: v.validatorAddress,
    validatorIndex: v.validatorIndex,
    signature: v.signature,
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
}

/** cosmjs-types Vote → domain. */
export function voteFromProto(pb: ProtoVoteT | undefined): Vote {
  if (pb === undefined) invalid("missing vote");
  const type = pb.type as number;
  if (type !== SignedMsgType.Prevote && type !== SignedMsgType.Precommit && type !== SignedMsgType.Unknown) {
    invalid(`invalid vote type ${type}`);
  }
  return {
    type: type as SignedMsgType,
    height: toHeight(pb.height, "vote height"),
    round: pb.round,
    blockId: blockIdFromProto(pb.blockId),
    timestamp: timestampFromProto(pb.timestamp),
    validatorAddress: pb.validatorAddress,
    validatorIndex: pb.validatorIndex,
    signature: pb.signature,
  };
}

/** Domain → cosmjs-types Proposal. */
export function proposalToProto(p: Proposal): ProtoProposalT {
  return {
    type: SignedMsgType.Proposal as number,
    height: BigInt(p.height),
    round: p.round,
    polRound: p.polRound,
    blockId: blockIdToProto(p.blockId),
    timestamp: { seconds: p.timestamp.seconds, nanos: p.timestamp.nanos },
    signature: p.signature,
  };
}

/** Domain → cosmjs-types Block. */
export function blockToProto(b: Block): ProtoBlockT {
  return {
    header: headerToProto(b.header),
    data: { txs: b.data.txs },
    evidence: { evidence: b.evidence.map((e) => ({ duplicateVoteEvidence: duplicateVoteToProto(e) })) },
    lastCommit: commitToProto(b.lastCommit),
  };
}

/** cosmjs-types Block → domain. */
export function blockFromProto(pb: ProtoBlockT): Block {
  return {
    header: headerFromProto(pb.header),
    data: { txs: pb.data?.txs ?? [] },
    evidence: (pb.evidence?.evidence ?? []).map(evidenceFromProto),
    lastCommit: commitFromProto(pb.lastCommit),
  };
}

// ---------------------------------------------------------------------------------------------
// Private

function cdcString(s: string): Uint8Array {
  if (s === "") return new Uint8Array(0);
  return BinaryWriter.create().uint32(10).string(s).finish();
}

function cdcInt64(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  return BinaryWriter.create().uint32(8).int64(n).finish();
}

function cdcBytes(b: Uint8Array): Uint8Array {
  if (b.length === 0) return new Uint8Array(0);
  return BinaryWriter.create().uint32(10).bytes(b).finish();
}

function writeCanonicalBlockId(w: BinaryWriter, id: BlockID): BinaryWriter {
  if (id.hash.length !== 0) w.uint32(10).bytes(id.hash);
  const psh = w.uint32(18).fork();
  if (id.partSetHeader.total !== 0) psh.uint32(8).uint32(id.partSetHeader.total);
  if (id.partSetHeader.hash.length !== 0) psh.uint32(18).bytes(id.partSetHeader.hash);
  return psh.ldelim();
}

function delimited(body: Uint8Array): Uint8Array {
  return BinaryWriter.create().bytes(body).finish();
}

function commitSigToProto(s: CommitSig): ProtoCommitSigT {
  return {
    blockIdFlag: s.blockIdFlag as number,
    validatorAddress: s.validatorAddress,
    timestamp: { seconds: s.timestamp.seconds, nanos: s.timestamp.nanos },
    signature: s.signature,
  };
}

function duplicateVoteToProto(e: Evidence): ProtoDuplicateVoteEvidenceT {
  return {
    voteA: voteToProto(e.voteA),
    voteB: voteToProto(e.voteB),
    totalVotingPower: e.totalVotingPower,
    validatorPower: e.validatorPower,
    timestamp: { seconds: e.timestamp.seconds, nanos: e.timestamp.nanos },
  };
}

function duplicateVoteFromProto(pb: ProtoDuplicateVoteEvidenceT): Evidence {
  if (pb.voteA === undefined || pb.voteB === undefined) invalid("duplicate vote evidence misses a vote");
  return {
    type: "duplicate_vote",
    voteA: voteFromProto(pb.voteA),
    voteB: voteFromProto(pb.voteB),
    totalVotingPower: pb.totalVotingPower,
    validatorPower: pb.validatorPower,
    timestamp: timestampFromProto(pb.timestamp),
  };
}

function evidenceFromProto(pb: ProtoEvidenceT): Evidence {
  if (pb.duplicateVoteEvidence !== undefined) return duplicateVoteFromProto(pb.duplicateVoteEvidence);
  throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.UnsupportedEvidence, "unsupported evidence type");
}

function validatorToProto(v: Validator): ProtoValidatorT {
  return {
    address: v.address,
    pubKey: { ed25519: v.pubKey },
    votingPower: v.votingPower,
    proposerPriority: v.proposerPriority,
  };
}

function validatorFromProto(pb: ProtoValidatorT): Validator {
  const key = pb.pubKey?.ed25519;
  if (key === undefined || key.length !== 32) invalid("validator key must be a 32-byte ed25519 key");
  return {
    address: pb.address,
    pubKey: key,
    votingPower: pb.votingPower,
    proposerPriority: pb.proposerPriority,
  };
}

function timestampFromProto(t: { seconds: bigint; nanos: number } | undefined): Timestamp {
  if (t === undefined) return { seconds: 0n, nanos: 0 };
  if (t.nanos < 0 || t.nanos > 999_999_999) invalid("timestamp nanos out of range");
  return { seconds: t.seconds, nanos: t.nanos };
}

function toHeight(h: bigint, what: string): number {
  if (h < 0n || h > BigInt(Number.MAX_SAFE_INTEGER)) invalid(`${what} out of range`);
  return Number(h);
}

function toBlockIdFlag(flag: number): BlockIdFlag {
  if (flag < BlockIdFlag.Unknown || flag > BlockIdFlag.Nil) invalid(`invalid block id flag ${flag}`);
  return flag as BlockIdFlag;
}

function decodeWith<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CodedError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.Decode, `cannot decode ${what}: ${msg}`);
  }
}

function invalid(message: string): never {
  throw new CodedError(BLOCK_CODESPACE, BlockErrorCode.Invalid, message);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
