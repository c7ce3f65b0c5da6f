/**
 * The interfaces consensus is built against. Consensus reaches the state machine only through
 * `Application` (`src/abci/types.ts`) and everything else through the narrow interfaces declared
 * here, which the composition root (`src/node/`) implements over the real block store, signer,
 * mempool and indexer. Consensus imports no storage and no networking.
 */
import type { ConsensusParams, FinalizeBlockResponse, Timestamp } from "../abci/types.js";
import type { Block, BlockID, Commit, Proposal, Validator, Vote } from "../types/block.js";

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
  /** The commit this node saw for `height` (staged with the block). */
  loadSeenCommit(height: number): Promise<Commit | undefined>;
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
  /** Txs for a proposal within `maxBytes` (encoded) and `maxGas` (negative: unlimited). */
  reap(maxBytes: number, maxGas: number): Uint8Array[];
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
