/**
 * The one interface between consensus and the state machine, shaped like ABCI 2.0 (CometBFT 0.38):
 * the block producer / Tendermint engine calls these methods and nothing else of the app.
 */

/** An event attribute; keys and values are plain strings, as CometBFT 0.38 prints them. */
export interface EventAttribute {
  key: string;
  value: string;
  index: boolean;
}

/** An ABCI event. */
export interface AbciEvent {
  type: string;
  attributes: EventAttribute[];
}

/** Result of executing one tx in a block (ABCI `ExecTxResult`). */
export interface ExecTxResult {
  code: number;
  /** Protobuf `TxMsgData` on success, empty on failure. */
  data: Uint8Array;
  log: string;
  info: string;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
  codespace: string;
}

/** A validator as consensus knows it: ed25519 public key and voting power. */
export interface ValidatorUpdate {
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  /** Voting power; 0 removes the validator. */
  power: bigint;
}

/** A point in time: seconds and nanoseconds since the Unix epoch (as protobuf Timestamp). */
export interface Timestamp {
  seconds: bigint;
  nanos: number;
}

/** How a validator took part in the last commit. */
export enum BlockIdFlag {
  Unknown = 0,
  Absent = 1,
  Commit = 2,
  Nil = 3,
}

/** One validator's participation in the last block's commit, as the app sees it. */
export interface VoteInfo {
  /** 20-byte consensus address. */
  address: Uint8Array;
  power: bigint;
  blockIdFlag: BlockIdFlag;
}

/** The previous block's commit as the app sees it (ABCI `CommitInfo`). */
export interface CommitInfo {
  round: number;
  votes: VoteInfo[];
}

/** Byzantine behaviour reported to the app. */
export interface Misbehavior {
  type: "duplicate_vote" | "light_client_attack";
  /** 20-byte consensus address of the offender. */
  validatorAddress: Uint8Array;
  validatorPower: bigint;
  height: number;
  time: Timestamp;
  totalVotingPower: bigint;
}

/** Consensus parameters the app may read and update. */
export interface ConsensusParams {
  block: { maxBytes: number; maxGas: number };
  evidence: { maxAgeNumBlocks: number; maxAgeDurationSeconds: number; maxBytes: number };
  validator: { pubKeyTypes: string[] };
  version: { app: number };
}

/** `Info` response: where the app stands, for handshake and replay on start. */
export interface InfoResponse {
  data: string;
  version: string;
  appVersion: number;
  lastBlockHeight: number;
  lastBlockAppHash: Uint8Array;
}

/** `InitChain` request, from genesis. */
export interface InitChainRequest {
  time: Timestamp;
  chainId: string;
  consensusParams: ConsensusParams;
  validators: ValidatorUpdate[];
  /** The genesis `app_state`, as JSON text. */
  appStateBytes: Uint8Array;
  initialHeight: number;
}

/** `InitChain` response. */
export interface InitChainResponse {
  consensusParams?: ConsensusParams;
  validators: ValidatorUpdate[];
  appHash: Uint8Array;
}

/** Whether CheckTx sees a new tx or re-checks one already in the mempool after a block. */
export enum CheckTxType {
  New = 0,
  Recheck = 1,
}

/** `CheckTx` request. */
export interface CheckTxRequest {
  tx: Uint8Array;
  type: CheckTxType;
}

/** `CheckTx` response; `priority` orders the mempool (fee per gas, scaled). */
export interface CheckTxResponse {
  code: number;
  data: Uint8Array;
  log: string;
  info: string;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
  codespace: string;
  /** Fee per unit of gas × 10^18, for mempool ordering; 0 for failed checks. */
  priority: bigint;
  /** Signer address + sequence the tx consumes, so the mempool can order a sender's txs. */
  sender: string;
  sequence: bigint;
}

/** `PrepareProposal` request. */
export interface PrepareProposalRequest {
  maxTxBytes: number;
  txs: Uint8Array[];
  localLastCommit: CommitInfo;
  misbehavior: Misbehavior[];
  height: number;
  time: Timestamp;
  nextValidatorsHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** `ProcessProposal` request. */
export interface ProcessProposalRequest {
  txs: Uint8Array[];
  proposedLastCommit: CommitInfo;
  misbehavior: Misbehavior[];
  hash: Uint8Array;
  height: number;
  time: Timestamp;
  nextValidatorsHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** `FinalizeBlock` request: the decided block. */
export interface FinalizeBlockRequest {
  txs: Uint8Array[];
  decidedLastCommit: CommitInfo;
  misbehavior: Misbehavior[];
  hash: Uint8Array;
  height: number;
  time: Timestamp;
  nextValidatorsHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** `FinalizeBlock` response. */
export interface FinalizeBlockResponse {
  events: AbciEvent[];
  txResults: ExecTxResult[];
  validatorUpdates: ValidatorUpdate[];
  consensusParamUpdates?: ConsensusParams;
  appHash: Uint8Array;
}

/** `Commit` response. */
export interface CommitResponse {
  /** Blocks below this height may be pruned by the block store (0: keep all). */
  retainHeight: number;
}

/** `Query` request. */
export interface QueryRequest {
  /** gRPC method path (`/cosmos.bank.v1beta1.Query/Balance`), or `store/<name>/key`, or `app/...`. */
  path: string;
  data: Uint8Array;
  /** 0 = latest committed. */
  height: number;
  prove: boolean;
}

/** `Query` response. */
export interface QueryResponse {
  code: number;
  log: string;
  info: string;
  index: bigint;
  key: Uint8Array;
  value: Uint8Array;
  proofOps: { type: string; key: Uint8Array; data: Uint8Array }[];
  height: number;
  codespace: string;
}

/** The state machine as consensus sees it. Implementations must be deterministic. */
export interface Application {
  info(): Promise<InfoResponse>;
  initChain(req: InitChainRequest): Promise<InitChainResponse>;
  checkTx(req: CheckTxRequest): Promise<CheckTxResponse>;
  prepareProposal(req: PrepareProposalRequest): Promise<{ txs: Uint8Array[] }>;
  processProposal(req: ProcessProposalRequest): Promise<{ accept: boolean }>;
  finalizeBlock(req: FinalizeBlockRequest): Promise<FinalizeBlockResponse>;
  /**
   * Persist the state `finalizeBlock` produced. The node's database batch staged by the block store
   * for this height is flushed in the same atomic write.
   */
  commit(): Promise<CommitResponse>;
  query(req: QueryRequest): Promise<QueryResponse>;
}
