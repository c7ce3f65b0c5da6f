/**
 * The interfaces consensus is built against. Consensus reaches the state machine only through
 * `Application` (`src/abci/types.ts`) and everything else through the narrow interfaces declared
 * here, which the composition root (`src/node/`) implements over the real block store, signer,
 * mempool and indexer. Consensus imports no storage and no networking.
 */
import type { ConsensusParams, FinalizeBlockResponse, Timestamp } from "../abci/types.js";
import type { Block, BlockID, Commit, Evidence, Proposal, Validator, Vote } from "../types/block.js";
import type { ConsensusMessage } from "./messages.js";

/** Codespace of consensus errors. */
export const CONSENSUS_CODESPACE = "consensus";

/** Codes of consensus errors. */
export enum ConsensusErrorCode {
  /** Block store and app disagree in a way that cannot be repaired by replay. */
  HandshakeFailed = 1,
  /** The app rejected or mishandled a block this node proposed. */
  AppMisbehaved = 2,
  /** This node's key is not in the validator set, or the set is empty. */
  NotValidator = 3,
  /** Bad options (timeouts, chain id, genesis). */
  InvalidConfig = 4,
  /** Started twice, or used after stop. */
  InvalidState = 5,
  /** A validator set or change set that CometBFT would refuse (duplicates, negative power, empty). */
  InvalidValidatorSet = 6,
  /** A consensus message that fails `validateBasic` or does not decode. */
  InvalidMessage = 7,
  /** A vote that is invalid (bad signature, unknown validator, wrong height/round/type). */
  InvalidVote = 8,
  /** A validator signed two different votes for one height/round/type (evidence was recorded). */
  ConflictingVote = 9,
  /** A proposal that is invalid (bad signature, wrong proposer, bad POL round). */
  InvalidProposal = 10,
  /** A block that fails validation against the chain state. */
  InvalidBlock = 11,
  /** The write-ahead log is corrupt or cannot be written. */
  WalCorrupt = 12,
  /** Evidence that is invalid, expired or already committed. */
  InvalidEvidence = 13,
}

/** A consensus engine: the single-validator producer now, the Tendermint engine later. */
export interface ConsensusEngine {
  /** Handshake with the app (replay or InitChain as needed), then produce/follow blocks. */
  start(): Promise<void>;
  /** Finish the block in progress, then stop; no half-written height. */
  stop(): Promise<void>;
  /** The last committed height (0 before the first block). */
  readonly height: number;
}

/** Signs consensus messages with the validator key, refusing to double-sign. */
export interface Signer {
  /** 20-byte validator address. */
  readonly address: Uint8Array;
  /** 32-byte ed25519 public key. */
  readonly pubKey: Uint8Array;
  /** The vote with its signature (its timestamp may be replaced by an earlier signed one). */
  signVote(chainId: string, vote: Vote): Promise<Vote>;
  /** The proposal with its signature. */
  signProposal(chainId: string, proposal: Proposal): Promise<Proposal>;
}

/** Wall-clock time and timers, injectable for tests. */
export interface Clock {
  /** The current time. */
  now(): Timestamp;
  /** Call `callback` after `ms` milliseconds; returns a function that cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
}

/** What consensus stages with each block so the block store, RPC and restart can find it. */
export interface StagedBlock {
  block: Block;
  blockId: BlockID;
  /** The commit this node saw for the block (its own precommit, for a single validator). */
  seenCommit: Commit;
  /** The app's FinalizeBlock response for the block. */
  results: FinalizeBlockResponse;
  /** Validator set of this block's height (hash = header.validatorsHash). */
  validators: Validator[];
  /** Validator set of the next height (hash = header.nextValidatorsHash). */
  nextValidators: Validator[];
  /** Consensus params in force from the next height (after this block's updates). */
  nextConsensusParams: ConsensusParams;
}

/** The block store as consensus sees it. Writes are staged; the app's `commit()` flushes them. */
export interface ConsensusBlockStore {
  /** Height of the last stored block (0 when empty). */
  readonly height: number;
  /** The block at `height`. */
  loadBlock(height: number): Promise<Block | undefined>;
  /** The BlockID of the block at `height`. */
  loadBlockId(height: number): Promise<BlockID | undefined>;
  /** The commit this node saw for `height` (staged with the block; block stores keep it for the tip only). */
  loadSeenCommit(height: number): Promise<Commit | undefined>;
  /**
   * The canonical commit for `height`: block height+1's `last_commit`, or at the tip the seen commit.
   * Optional for compatibility; the engine falls back to `loadSeenCommit` without it.
   */
  loadCommit?(height: number): Promise<Commit | undefined>;
  /** FinalizeBlock results of `height`. */
  loadResults(height: number): Promise<FinalizeBlockResponse | undefined>;
  /** Validator set of `height` (available up to the stored height + 1). */
  loadValidators(height: number): Promise<Validator[] | undefined>;
  /** Consensus params in force at `height` (available up to the stored height + 1). */
  loadConsensusParams(height: number): Promise<ConsensusParams | undefined>;
  /** Stage a block and everything about it into the shared database batch. */
  stageBlock(entry: StagedBlock): void;
}

/** The mempool as consensus sees it. */
export interface ConsensusMempool {
  /**
   * Txs for a proposal within `maxBytes` (encoded) and `maxGas` (negative: unlimited), at most
   * `maxTxs` of them (default: no count limit).
   */
  reap(maxBytes: number, maxGas: number, maxTxs?: number): Uint8Array[];
  /**
   * Hold new CheckTx calls (and wait for running ones) until the next `update`: called right before
   * the app's `commit()`, so no tx is checked against the fresh check state before the mempool's own
   * txs are re-checked into it (CometBFT locks the mempool around Commit the same way).
   */
  lock?(): Promise<void>;
  /**
   * Swap each of a block's txs (decoded from the network) that the mempool holds for the held bytes
   * object with the same content, in place, so identity-keyed caches downstream (the app's decoded
   * txs, the mempool's own committed-tx lookup) know it without hashing it again.
   */
  intern?(txs: Uint8Array[]): void;
  /** Remove the txs committed at `height` (with their results, in block order) and re-check the rest. */
  update(
    height: number,
    committedTxs: readonly Uint8Array[],
    results?: readonly { readonly code: number }[],
  ): Promise<void>;
}

/** A block just committed, for RPC subscriptions and waiters. */
export interface NewBlockEvent {
  block: Block;
  blockId: BlockID;
  results: FinalizeBlockResponse;
  seenCommit: Commit;
}

/** Where consensus reports blocks (the node's indexer and RPC event bus). */
export interface ConsensusEventSink {
  /** Called after FinalizeBlock and before the app's commit: stage index writes here. */
  beforeCommit?(block: Block, blockId: BlockID, results: FinalizeBlockResponse): void | Promise<void>;
  /** Called after the block is committed and the mempool updated. */
  onNewBlock?(event: NewBlockEvent): void;
  /** Called when block production halts on an error. */
  onError?(error: unknown): void;
}

// ---------------------------------------------------------------------------------------------
// Tendermint engine interfaces (networking, write-ahead log, evidence, signatures)

/** Verifies an ed25519 signature (injectable so the simulation can use a cheap stand-in). */
export type SignatureVerifier = (pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/**
 * The network as the engine sees it: typed messages (`./messages.ts`; encode with
 * `encodeConsensusMessage`, decode + validate with `decodeConsensusMessage`) to and from peers named by
 * opaque string ids. The engine does its own catch-up: it sends `newRoundStep` (its round state with
 * vote/part bit arrays) on every step change and every `gossipIntervalMs`, and answers a peer's
 * `newRoundStep` with `sendTo` of the proposal, parts and votes that peer lacks. The transport only
 * delivers; it does not need to track peer round state.
 */
export interface ConsensusNetwork {
  /** Send to every connected peer (best effort). */
  broadcast(msg: ConsensusMessage): void;
  /** Send to one peer (best effort; unknown peers are ignored). */
  sendTo(peer: string, msg: ConsensusMessage): void;
  /**
   * Register the engine's handler for messages from peers (the transport validates them with
   * `validateConsensusMessage` first). Called once by `start()`; `undefined` unregisters (on stop).
   */
  setHandler(handler: ((peer: string, msg: ConsensusMessage) => void) | undefined): void;
}

/** One write-ahead-log record. Own messages have `peer` "". */
export type WalEntry =
  | { kind: "msg"; height: number; peer: string; msg: ConsensusMessage }
  | { kind: "timeout"; height: number; round: number; step: number }
  | { kind: "endHeight"; height: number };

/**
 * The consensus write-ahead log (CometBFT `consensus/wal.go`): every message and timeout is appended
 * before the engine acts on it (own votes and proposals fsynced before they are sent), and
 * `endHeight(h)` marks height h committed. On restart the engine replays `replay(h)` for the height
 * it is at.
 */
export interface WAL {
  /** Append a record; with `fsync` it is durable when the promise resolves. */
  append(entry: WalEntry, fsync: boolean): Promise<void>;
  /** Write (fsynced) the marker that `height` is committed; may drop or rotate older records. */
  endHeight(height: number): Promise<void>;
  /** The `msg` and `timeout` records of `height`, in append order (those after the last marker). */
  replay(height: number): Promise<WalEntry[]>;
  /** Flush and release. */
  close(): Promise<void>;
}

/** Where the engine keeps evidence of misbehaviour for inclusion in blocks. */
export interface EvidencePool {
  /** Add verified evidence (duplicates and committed evidence are ignored). */
  addEvidence(evidence: Evidence): void;
  /** Evidence to put in a proposal, within `maxBytes` encoded. */
  pendingEvidence(maxBytes: number): Evidence[];
  /** True when this evidence was already committed in a block. */
  isCommitted(evidence: Evidence): boolean;
  /** Mark evidence of the block at `height` committed and drop expired evidence. */
  update(height: number, committed: readonly Evidence[], params: ConsensusParams, blockTime: Timestamp): void;
}
