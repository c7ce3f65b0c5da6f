/**
 * The narrow view of the node the RPC server needs (CometBFT's `rpc/core.Environment`): block store,
 * state, app, mempool, indexer and p2p reads. The composition root (`src/node/`) implements it over
 * the real components; tests implement it over fixed data.
 */
import type {
  CheckTxResponse,
  ConsensusParams,
  ExecTxResult,
  FinalizeBlockResponse,
  InfoResponse,
  QueryRequest,
  QueryResponse,
  Timestamp,
} from "../abci/types.js";
import type { Block, BlockMeta, Commit, Proposal, Validator, Vote } from "../types/block.js";

/** Identity of this node as `status.node_info` reports it. */
export interface RpcNodeInfo {
  /** Node id: lower-case hex of the 20-byte p2p key address. */
  id: string;
  /** P2P listen address, e.g. `tcp://0.0.0.0:26656`. */
  listenAddr: string;
  moniker: string;
}

/** A block at one end of the chain (latest or earliest) for `status.sync_info`. */
export interface RpcChainPoint {
  height: number;
  /** Block hash; at genesis (height 0) a non-empty placeholder the env chooses. */
  hash: Uint8Array;
  appHash: Uint8Array;
  time: Timestamp;
}

/** This node's consensus key and power, for `status.validator_info`. */
export interface RpcValidatorInfo {
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  /** 0 when the node is not in the current validator set. */
  votingPower: bigint;
}

/** One connected peer for `net_info`. */
export interface RpcPeer {
  nodeInfo: RpcNodeInfo;
  isOutbound: boolean;
  remoteIp: string;
}

/** P2P state for `net_info`. */
export interface RpcNetInfo {
  listening: boolean;
  listeners: string[];
  peers: RpcPeer[];
}

/** An indexed, committed transaction. */
export interface RpcTxRecord {
  height: number;
  /** Position in its block. */
  index: number;
  /** Raw tx bytes as included. */
  tx: Uint8Array;
  result: ExecTxResult;
}

/** Ordering of search results. */
export type RpcOrder = "asc" | "desc";

/** One page of tx search results and the total number of matches. */
export interface RpcTxPage {
  txs: RpcTxRecord[];
  totalCount: number;
}

/** One page of block search results (heights) and the total number of matches. */
export interface RpcBlockPage {
  heights: number[];
  totalCount: number;
}

/** CometBFT round steps (`cstypes.RoundStepType`), 1-based as printed in `height/round/step`. */
export enum RpcRoundStep {
  NewHeight = 1,
  NewRound = 2,
  Propose = 3,
  Prevote = 4,
  PrevoteWait = 5,
  Precommit = 6,
  PrecommitWait = 7,
  Commit = 8,
}

/** The consensus engine's round state, for `consensus_state` and `dump_consensus_state`. */
export interface RpcRoundState {
  /** The height being decided (last committed + 1). */
  height: number;
  round: number;
  step: RpcRoundStep;
  /** When the current step (or height) started. */
  startTime: Timestamp;
  /** When the last block was committed. */
  commitTime: Timestamp;
  /** Validator set of `height`. */
  validators: Validator[];
  /** Index of the proposer in `validators`. */
  proposerIndex: number;
  /** Validator set of `height - 1`. */
  lastValidators: Validator[];
  /** The commit of `height - 1` (absent before the first block). */
  lastCommit?: Commit;
  /**
   * Optional (multi-validator engine): the votes of each round of `height` by validator index
   * (undefined = absent), for `height_vote_set` / `votes`.
   */
  votes?: RpcRoundVotes[];
  /** The proposal of the current round, once received. */
  proposal?: Proposal;
  /** Hash of the complete proposal block. */
  proposalBlockHash?: Uint8Array;
  /** Round of the lock (-1: none) and the locked block's hash. */
  lockedRound?: number;
  lockedBlockHash?: Uint8Array;
  /** Round of the valid value (-1: none) and its block's hash. */
  validRound?: number;
  validBlockHash?: Uint8Array;
  /** Round in which +2/3 precommitted a block (-1: not yet). */
  commitRound?: number;
  triggeredTimeoutPrecommit?: boolean;
}

/** One round's votes by validator index (undefined: no vote from that validator yet). */
export interface RpcRoundVotes {
  round: number;
  prevotes: (Vote | undefined)[];
  precommits: (Vote | undefined)[];
}

/** Everything the RPC reads or asks of the node. Async methods may hit LevelDB. */
export interface RpcEnv {
  /** The chain id (`node_info.network`, block headers). */
  chainId(): string;
  /** This node's p2p identity. */
  nodeInfo(): RpcNodeInfo;
  /** The node's validator key and current voting power. */
  validatorInfo(): RpcValidatorInfo;
  /** The latest committed block (height 0 before the first block). */
  latest(): RpcChainPoint;
  /** The lowest block still stored (the block store base). */
  earliest(): RpcChainPoint;
  /** True while the node is syncing (`catching_up`). */
  catchingUp(): boolean;

  /** The block at `height`, or undefined when not stored. */
  loadBlock(height: number): Promise<Block | undefined>;
  /** The block meta (block id, size, header, tx count) at `height`. */
  loadBlockMeta(height: number): Promise<BlockMeta | undefined>;
  /** The block with this header hash. */
  loadBlockByHash(hash: Uint8Array): Promise<Block | undefined>;
  /**
   * The commit for the block at `height`: the canonical one (from block height+1), or at the tip
   * the commit this node saw.
   */
  loadCommit(height: number): Promise<Commit | undefined>;
  /** The app's FinalizeBlock response for `height`. */
  loadResults(height: number): Promise<FinalizeBlockResponse | undefined>;
  /** The validator set at `height` (available up to the latest height + 1). */
  loadValidators(height: number): Promise<Validator[] | undefined>;
  /** Consensus params in force at `height`. */
  consensusParams(height: number): Promise<ConsensusParams>;
  /** The genesis document as JSON text. */
  genesisJson(): string;

  /** ABCI Query against committed state. */
  abciQuery(req: QueryRequest): Promise<QueryResponse>;
  /** ABCI Info. */
  abciInfo(): Promise<InfoResponse>;
  /** CheckTx only, without adding to the mempool (`check_tx`). */
  checkTx(tx: Uint8Array): Promise<CheckTxResponse>;
  /**
   * CheckTx and, when it passes, add to the mempool. Throws with CometBFT's text when the mempool
   * refuses before CheckTx (`tx already exists in cache`, `mempool is full…`, `tx too large…`).
   */
  broadcastTx(tx: Uint8Array): Promise<CheckTxResponse>;
  /** sha256 of tx bytes, when the node already has it (e.g. the mempool's); else the RPC hashes them. */
  txHash?(tx: Uint8Array): Uint8Array;
  /**
   * Resolve with the tx once it is committed and indexed (also when it already is), or undefined
   * after `timeoutMs` or when `signal` aborts.
   */
  waitForTx(hash: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<RpcTxRecord | undefined>;
  /** An indexed tx by hash. */
  getTx(hash: Uint8Array): Promise<RpcTxRecord | undefined>;
  /**
   * Txs matching a CometBFT query, sorted by (height, index) in `order`, page `page` (1-based) of
   * `perPage`; an out-of-range page yields no txs (the RPC reports the error from `totalCount`).
   * Throws with the parser's text on a malformed query.
   */
  searchTxs(query: string, page: number, perPage: number, order: RpcOrder): Promise<RpcTxPage>;
  /** Block heights matching a CometBFT query (`block.height`, finalize-block events), paged as `searchTxs`. */
  searchBlocks(query: string, page: number, perPage: number, order: RpcOrder): Promise<RpcBlockPage>;

  /** Number of txs in the mempool. */
  mempoolSize(): number;
  /** Total bytes of txs in the mempool. */
  mempoolBytes(): number;
  /** Up to `limit` mempool txs in reap order. */
  mempoolTxs(limit: number): Uint8Array[];

  /** P2P listeners and peers. */
  netInfo(): RpcNetInfo;

  /** The consensus round state; absent or undefined when the engine exposes none. */
  consensusState?(): RpcRoundState | undefined;
}
