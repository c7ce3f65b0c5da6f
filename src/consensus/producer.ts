/**
 * The single-validator block producer: the stand-in for the Tendermint engine behind the same
 * `ConsensusEngine` interface. Every `timeoutCommit` it builds the next block (reaped mempool txs,
 * `PrepareProposal`), checks it with `ProcessProposal`, executes it with `FinalizeBlock`, signs its
 * precommit (the seen commit), stages the block and its index writes, and has the app commit, which
 * flushes everything in one atomic batch. Headers, block ids and commits are CometBFT-exact, and block
 * times follow CometBFT's BFT-time rule (the time of block H+1 is the weighted median of the precommit
 * timestamps for H; the block at the initial height carries the genesis time), so a chain produced here
 * stays valid for the Tendermint engine and for CometBFT-style light clients.
 *
 * On start it handshakes with the app (`Info`): both empty → `InitChain` from genesis; app behind the
 * block store → replay the missing blocks through `FinalizeBlock` + `Commit`; app ahead → refuse.
 */
import type {
  Application,
  CommitInfo,
  ConsensusParams,
  FinalizeBlockResponse,
  InitChainRequest,
  Timestamp,
  ValidatorUpdate,
} from "../abci/types.js";
import { BlockIdFlag } from "../abci/types.js";
import { ed25519Address } from "../crypto/ed25519.js";
import {
  absentCommitSig,
  BLOCK_PROTOCOL,
  type Block,
  type BlockID,
  type Commit,
  type CommitSig,
  consensusParamsHash,
  emptyCommit,
  fillHeader,
  lastResultsHash,
  makeBlockId,
  SignedMsgType,
  type Validator,
  validatorSetHash,
  zeroBlockId,
} from "../types/block.js";
import { compareBytes, equalBytes, toHexUpper } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { addMillis, compareTimestamps, maxTimestamp } from "./clock.js";
import {
  type Clock,
  CONSENSUS_CODESPACE,
  type ConsensusBlockStore,
  type ConsensusEngine,
  ConsensusErrorCode,
  type ConsensusEventSink,
  type ConsensusMempool,
  type Signer,
} from "./types.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** CometBFT `types.MaxBlockSizeBytes`: the block size used when `block.max_bytes` is -1. */
export const MAX_BLOCK_SIZE_BYTES = 104857600;
/** CometBFT `types.MaxHeaderBytes`. */
const MAX_HEADER_BYTES = 626;
/** CometBFT `types.MaxOverheadForBlock`. */
const MAX_OVERHEAD_FOR_BLOCK = 11;
/** CometBFT `types.MaxCommitOverheadBytes`. */
const MAX_COMMIT_OVERHEAD_BYTES = 94;
/** CometBFT `types.MaxCommitSigBytes`. */
const MAX_COMMIT_SIG_BYTES = 109;
/** How many rounds the producer tries when the signer refuses (a precommit left by a crash). */
const MAX_SIGN_ROUNDS = 16;

// ---------------------------------------------------------------------------------------------
// Types

/** Producer settings. */
export interface BlockProducerOptions {
  /** Pause after each commit before building the next block (1000 on the dev chain). */
  timeoutCommitMs: number;
  /**
   * The chain's genesis as an `InitChain` request; sent to the app only when it has no state. Its
   * chain id, initial height and time are used in every case.
   */
  genesis: InitChainRequest;
}

/** What the producer is built on. */
export interface BlockProducerDeps {
  app: Application;
  blockStore: ConsensusBlockStore;
  mempool: ConsensusMempool;
  signer: Signer;
  clock: Clock;
  events: ConsensusEventSink;
}

/** What the producer carries from one block to the next (CometBFT's `state.State`, trimmed). */
interface ChainState {
  /** Last committed height (initialHeight - 1 before the first block). */
  lastHeight: number;
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  /** The commit for `lastHeight` (empty before the first block). */
  lastCommit: Commit;
  /** Validators of `lastHeight` (who signed `lastCommit`). */
  lastValidators: Validator[];
  /** Validators of `lastHeight + 1`. */
  validators: Validator[];
  /** Validators of `lastHeight + 2`. */
  nextValidators: Validator[];
  /** Consensus params in force at `lastHeight + 1`. */
  consensusParams: ConsensusParams;
  /** App hash after `lastHeight`. */
  appHash: Uint8Array;
  /** Results hash of `lastHeight`. */
  lastResultsHash: Uint8Array;
}

/**
 * The producer's round state, read-only, for RPC (`consensus_state`) and metrics. Steps use
 * CometBFT's numbering: 1 NewHeight (waiting timeoutCommit), 3 Propose (building and executing),
 * 8 Commit (signing and committing).
 */
export interface ProducerRoundState {
  /** The height being decided (last committed + 1). */
  height: number;
  round: number;
  step: 1 | 3 | 8;
  /** When the current step started. */
  startTime: Timestamp;
  /** When the last block was committed (the start time before the first). */
  commitTime: Timestamp;
  /** Validators of `height`. */
  validators: Validator[];
  /** Validators of `height - 1`. */
  lastValidators: Validator[];
  /** The commit of `height - 1` (empty before the first block). */
  lastCommit: Commit;
  /** Index of this node (the proposer) in `validators`; -1 when absent. */
  proposerIndex: number;
}

// ---------------------------------------------------------------------------------------------
// Main class

/** The single-validator block producer. */
export class BlockProducer implements ConsensusEngine {
  private readonly chainId: string;
  private state: ChainState | undefined;
  private started = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private cancelTimer: (() => void) | undefined;
  private haltError: unknown;
  private producing = false;
  private step: ProducerRoundState["step"] = 1;
  private stepStart: Timestamp | undefined;
  private commitTime: Timestamp | undefined;

  /** A producer over `deps`; nothing happens until `start()`. */
  constructor(
    private readonly options: BlockProducerOptions,
    private readonly deps: BlockProducerDeps,
  ) {
    const g = options.genesis;
    if (!Number.isSafeInteger(options.timeoutCommitMs) || options.timeoutCommitMs < 0) {
      throw consensusError(
        ConsensusErrorCode.InvalidConfig,
        "timeoutCommitMs must be a non-negative integer",
      );
    }
    if (!Number.isSafeInteger(g.initialHeight) || g.initialHeight < 1) {
      throw consensusError(ConsensusErrorCode.InvalidConfig, "genesis initial height must be at least 1");
    }
    if (g.chainId === "" || g.chainId.length > 50) {
      throw consensusError(ConsensusErrorCode.InvalidConfig, "chain id must have 1 to 50 characters");
    }
    this.chainId = g.chainId;
  }

  // ---- lifecycle ----

  /** Handshake with the app (InitChain or replay as needed), then produce a block every timeoutCommit. */
  async start(): Promise<void> {
    if (this.started) throw consensusError(ConsensusErrorCode.InvalidState, "block producer already started");
    this.started = true;
    this.state = await this.handshake();
    this.loop = this.run();
  }

  /** Finish the block in progress (if any) and stop; resolves once nothing more will be written. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.wake?.();
    await this.loop;
  }

  /** The last committed height (0 before the first block). */
  get height(): number {
    return this.state?.lastHeight ?? 0;
  }

  /** The current round state (undefined before `start()`). Read-only; cheap. */
  roundState(): ProducerRoundState | undefined {
    const s = this.state;
    if (s === undefined) return undefined;
    const startTime = this.stepStart ?? s.lastBlockTime;
    return {
      height: s.lastHeight + 1,
      round: 0,
      step: this.step,
      startTime,
      commitTime: this.commitTime ?? startTime,
      validators: s.validators,
      lastValidators: s.lastValidators,
      lastCommit: s.lastCommit,
      proposerIndex: s.validators.findIndex((v) => equalBytes(v.address, this.deps.signer.address)),
    };
  }

  /** The error that halted production, if any. */
  get error(): unknown {
    return this.haltError;
  }

  // ---- public ----

  /**
   * Build, execute, sign and commit the next block now. Used by the loop; exposed for tests and tools
   * that drive the chain block by block (do not call while the loop runs).
   */
  async produceBlock(): Promise<Block> {
    if (this.producing)
      throw consensusError(ConsensusErrorCode.InvalidState, "a block is already being produced");
    this.producing = true;
    this.setStep(3);
    try {
      return await this.buildAndCommit();
    } finally {
      this.producing = false;
      this.setStep(1);
    }
  }

  // ---- private: block pieces ----

  private async buildAndCommit(): Promise<Block> {
    const s = this.requireState();
    const { app, blockStore, mempool, signer, events } = this.deps;
    const height = s.lastHeight + 1;
    const valIndex = s.validators.findIndex((v) => equalBytes(v.address, signer.address));
    if (valIndex < 0) {
      throw consensusError(
        ConsensusErrorCode.NotValidator,
        `this node's key ${toHexUpper(signer.address)} is not in the validator set at height ${height}`,
      );
    }
    const time =
      height === this.options.genesis.initialHeight
        ? s.lastBlockTime
        : medianTime(s.lastCommit, s.lastValidators);
    const params = s.consensusParams;
    const maxDataBytes = maxDataBytesFor(params.block.maxBytes, s.validators.length);
    const lastCommitInfo = commitInfo(s.lastCommit, s.lastValidators);
    const nextValidatorsHash = validatorSetHash(s.nextValidators);
    const proposerAddress = signer.address;

    const reaped = mempool.reap(maxDataBytes, params.block.maxGas);
    const prepared = await app.prepareProposal({
      maxTxBytes: maxDataBytes,
      txs: reaped,
      localLastCommit: lastCommitInfo,
      misbehavior: [],
      height,
      time,
      nextValidatorsHash,
      proposerAddress,
    });
    const txs = prepared.txs;
    let dataBytes = 0;
    for (const tx of txs) {
      if (!(tx instanceof Uint8Array)) throw appMisbehaved("PrepareProposal returned a tx that is not bytes");
      dataBytes += protoTxSize(tx.length);
    }
    if (dataBytes > maxDataBytes) {
      throw appMisbehaved(`PrepareProposal returned ${dataBytes} bytes of txs, max ${maxDataBytes}`);
    }

    const block = fillHeader({
      header: {
        version: { block: BLOCK_PROTOCOL, app: BigInt(params.version.app) },
        chainId: this.chainId,
        height,
        time,
        lastBlockId: s.lastBlockId,
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: validatorSetHash(s.validators),
        nextValidatorsHash,
        consensusHash: consensusParamsHash(params),
        appHash: s.appHash,
        lastResultsHash: s.lastResultsHash,
        evidenceHash: new Uint8Array(0),
        proposerAddress,
      },
      data: { txs },
      evidence: [],
      lastCommit: s.lastCommit,
    });
    const blockId = makeBlockId(block);

    const common = {
      txs,
      misbehavior: [],
      hash: blockId.hash,
      height,
      time,
      nextValidatorsHash,
      proposerAddress,
    };
    const { accept } = await app.processProposal({ ...common, proposedLastCommit: lastCommitInfo });
    if (!accept) throw appMisbehaved(`ProcessProposal rejected this node's own block at height ${height}`);
    const results = await app.finalizeBlock({ ...common, decidedLastCommit: lastCommitInfo });
    checkResults(results, txs.length);

    this.setStep(8);
    const seenCommit = await this.signCommit(height, blockId, time, valIndex, s.validators);
    const nextParams = results.consensusParamUpdates ?? params;
    const nextNextValidators = applyValidatorUpdates(s.nextValidators, results.validatorUpdates);

    blockStore.stageBlock({
      block,
      blockId,
      seenCommit,
      results,
      validators: s.validators,
      nextValidators: s.nextValidators,
      nextConsensusParams: nextParams,
    });
    await events.beforeCommit?.(block, blockId, results);
    await mempool.lock?.();
    await app.commit();

    this.state = {
      lastHeight: height,
      lastBlockId: blockId,
      lastBlockTime: time,
      lastCommit: seenCommit,
      lastValidators: s.validators,
      validators: s.nextValidators,
      nextValidators: nextNextValidators,
      consensusParams: nextParams,
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
    };
    this.commitTime = this.deps.clock.now();
    await mempool.update(height, txs, results.txResults);
    try {
      events.onNewBlock?.({ block, blockId, results, seenCommit });
    } catch {
      // a subscriber's failure must not halt the chain
    }
    return block;
  }

  /** Sign this node's precommit for the block and build the commit it forms. */
  private async signCommit(
    height: number,
    blockId: BlockID,
    blockTime: Timestamp,
    valIndex: number,
    validators: Validator[],
  ): Promise<Commit> {
    const { signer, clock } = this.deps;
    const timestamp = maxTimestamp(clock.now(), addMillis(blockTime, 1));
    let lastError: unknown;
    for (let round = 0; round < MAX_SIGN_ROUNDS; round++) {
      let signed: Awaited<ReturnType<Signer["signVote"]>>;
      try {
        signed = await signer.signVote(this.chainId, {
          type: SignedMsgType.Precommit,
          height,
          round,
          blockId,
          timestamp,
          validatorAddress: signer.address,
          validatorIndex: valIndex,
          signature: new Uint8Array(0),
        });
      } catch (e) {
        // A precommit for a different block at this round survives from before a crash: as
        // CometBFT would, move to the next round.
        lastError = e;
        continue;
      }
      const signatures: CommitSig[] = validators.map((v, i) =>
        i === valIndex
          ? {
              blockIdFlag: BlockIdFlag.Commit,
              validatorAddress: v.address,
              timestamp: signed.timestamp,
              signature: signed.signature,
            }
          : absentCommitSig(),
      );
      return { height, round, blockId, signatures };
    }
    throw lastError instanceof CodedError
      ? lastError
      : consensusError(ConsensusErrorCode.InvalidState, `cannot sign precommit: ${String(lastError)}`);
  }

  private setStep(step: ProducerRoundState["step"]): void {
    this.step = step;
    this.stepStart = this.deps.clock.now();
  }

  // ---- private: loop ----

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.sleep(this.options.timeoutCommitMs);
      if (this.stopping) break;
      try {
        await this.produceBlock();
      } catch (e) {
        this.haltError = e;
        this.stopping = true;
        try {
          this.deps.events.onError?.(e);
        } catch {
          // nothing more to do
        }
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.wake = undefined;
        this.cancelTimer = undefined;
        resolve();
      };
      this.wake = done;
      this.cancelTimer = this.deps.clock.setTimeout(done, ms);
    });
  }

  // ---- private: handshake ----

  private async handshake(): Promise<ChainState> {
    const { app, blockStore } = this.deps;
    const genesis = this.options.genesis;
    const info = await app.info();
    const appHeight = info.lastBlockHeight;
    const storeHeight = blockStore.height;
    if (appHeight > storeHeight) {
      throw consensusError(
        ConsensusErrorCode.HandshakeFailed,
        `app is at height ${appHeight} but the block store only at ${storeHeight}`,
      );
    }
    if (storeHeight === 0) return this.initChain();
    if (storeHeight < genesis.initialHeight) {
      throw consensusError(
        ConsensusErrorCode.HandshakeFailed,
        `block store height ${storeHeight} below initial height`,
      );
    }
    let appHash = info.lastBlockAppHash;
    if (appHeight < storeHeight) {
      if (appHeight === 0) await app.initChain(genesis);
      const from = Math.max(appHeight + 1, genesis.initialHeight);
      for (let h = from; h <= storeHeight; h++) appHash = await this.replayBlock(h);
    }
    const state = await this.loadState(storeHeight);
    if (!equalBytes(appHash, state.appHash)) {
      throw consensusError(
        ConsensusErrorCode.HandshakeFailed,
        `app hash mismatch at height ${storeHeight}: app ${toHexUpper(appHash)}, block store ${toHexUpper(state.appHash)}`,
      );
    }
    return state;
  }

  private async initChain(): Promise<ChainState> {
    const genesis = this.options.genesis;
    const res = await this.deps.app.initChain(genesis);
    const updates = res.validators.length > 0 ? res.validators : genesis.validators;
    const validators = applyValidatorUpdates([], updates);
    if (validators.length === 0) {
      throw consensusError(ConsensusErrorCode.NotValidator, "the genesis validator set is empty");
    }
    return {
      lastHeight: genesis.initialHeight - 1,
      lastBlockId: zeroBlockId(),
      lastBlockTime: genesis.time,
      lastCommit: emptyCommit(),
      lastValidators: [],
      validators,
      nextValidators: validators,
      consensusParams: res.consensusParams ?? genesis.consensusParams,
      appHash: res.appHash,
      lastResultsHash: lastResultsHash([]),
    };
  }

  /** Re-execute a stored block the app has not committed; returns the app hash it produced. */
  private async replayBlock(height: number): Promise<Uint8Array> {
    const { app, blockStore } = this.deps;
    const block = await blockStore.loadBlock(height);
    if (!block) throw handshakeError(`block ${height} missing for replay`);
    const blockId = (await blockStore.loadBlockId(height)) ?? makeBlockId(block);
    const lastValidators =
      height > this.options.genesis.initialHeight ? await blockStore.loadValidators(height - 1) : [];
    if (!lastValidators) throw handshakeError(`validators of height ${height - 1} missing for replay`);
    const h = block.header;
    const results = await app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit: commitInfo(block.lastCommit, lastValidators),
      misbehavior: [],
      hash: blockId.hash,
      height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    checkResults(results, block.data.txs.length);
    const stored = await blockStore.loadResults(height);
    if (stored && !equalBytes(stored.appHash, results.appHash)) {
      throw handshakeError(
        `replay of height ${height} gave app hash ${toHexUpper(results.appHash)}, stored ${toHexUpper(stored.appHash)}`,
      );
    }
    await app.commit();
    return results.appHash;
  }

  /** Rebuild the chain state after `height` from the block store. */
  private async loadState(height: number): Promise<ChainState> {
    const bs = this.deps.blockStore;
    const block = await bs.loadBlock(height);
    const seenCommit = await bs.loadSeenCommit(height);
    const results = await bs.loadResults(height);
    const lastValidators = await bs.loadValidators(height);
    const validators = await bs.loadValidators(height + 1);
    const params = await bs.loadConsensusParams(height + 1);
    if (!block || !seenCommit || !results || !lastValidators || !validators || !params) {
      throw handshakeError(
        `block store lacks the block, commit, results, validators or params of height ${height}`,
      );
    }
    const blockId = (await bs.loadBlockId(height)) ?? makeBlockId(block);
    return {
      lastHeight: height,
      lastBlockId: blockId,
      lastBlockTime: block.header.time,
      lastCommit: seenCommit,
      lastValidators,
      validators,
      nextValidators: applyValidatorUpdates(validators, results.validatorUpdates),
      consensusParams: params,
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
    };
  }

  private requireState(): ChainState {
    if (!this.state) throw consensusError(ConsensusErrorCode.InvalidState, "block producer not started");
    return this.state;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers (exported where the Tendermint engine and tests reuse them)

/**
 * Apply ABCI validator updates to a set: power 0 removes, otherwise add or change power. Returns a new
 * set in CometBFT order (voting power descending, then address ascending).
 */
export function applyValidatorUpdates(
  set: readonly Validator[],
  updates: readonly ValidatorUpdate[],
): Validator[] {
  const byAddr = new Map<string, Validator>();
  for (const v of set) byAddr.set(toHexUpper(v.address), v);
  for (const u of updates) {
    if (u.pubKey.length !== 32 || u.power < 0n) {
      throw consensusError(
        ConsensusErrorCode.InvalidConfig,
        "validator update needs a 32-byte ed25519 key and power ≥ 0",
      );
    }
    const address = ed25519Address(u.pubKey);
    const key = toHexUpper(address);
    if (u.power === 0n) byAddr.delete(key);
    else byAddr.set(key, { address, pubKey: u.pubKey, votingPower: u.power, proposerPriority: 0n });
  }
  return [...byAddr.values()].sort((a, b) =>
    a.votingPower !== b.votingPower
      ? a.votingPower > b.votingPower
        ? -1
        : 1
      : compareBytes(a.address, b.address),
  );
}

/** The app's view of a commit (ABCI `CommitInfo`): each validator of the set with its flag. */
export function commitInfo(commit: Commit, validators: readonly Validator[]): CommitInfo {
  return {
    round: commit.round,
    votes: validators.map((v, i) => ({
      address: v.address,
      power: v.votingPower,
      blockIdFlag: commit.signatures[i]?.blockIdFlag ?? BlockIdFlag.Absent,
    })),
  };
}

/** CometBFT `MedianTime`: the voting-power-weighted median of the non-absent commit timestamps. */
export function medianTime(commit: Commit, validators: readonly Validator[]): Timestamp {
  const weighted: { time: Timestamp; weight: bigint }[] = [];
  let total = 0n;
  commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag === BlockIdFlag.Absent) return;
    const v = validators[i];
    if (!v) return;
    weighted.push({ time: sig.timestamp, weight: v.votingPower });
    total += v.votingPower;
  });
  weighted.sort((a, b) => compareTimestamps(a.time, b.time));
  let median = total / 2n;
  for (const w of weighted) {
    if (median <= w.weight) return w.time;
    median -= w.weight;
  }
  throw consensusError(
    ConsensusErrorCode.InvalidState,
    `no timestamps in the commit for height ${commit.height}`,
  );
}

/** CometBFT `MaxDataBytes` without evidence: what the txs of a block may take. */
export function maxDataBytesFor(blockMaxBytes: number, validatorCount: number): number {
  const max =
    blockMaxBytes < 0 || blockMaxBytes > MAX_BLOCK_SIZE_BYTES ? MAX_BLOCK_SIZE_BYTES : blockMaxBytes;
  return (
    max -
    MAX_OVERHEAD_FOR_BLOCK -
    MAX_HEADER_BYTES -
    (MAX_COMMIT_OVERHEAD_BYTES + MAX_COMMIT_SIG_BYTES * validatorCount)
  );
}

// ---------------------------------------------------------------------------------------------
// Private

function checkResults(results: FinalizeBlockResponse, txCount: number): void {
  if (results.txResults.length !== txCount) {
    throw appMisbehaved(`FinalizeBlock returned ${results.txResults.length} results for ${txCount} txs`);
  }
  if (!(results.appHash instanceof Uint8Array)) throw appMisbehaved("FinalizeBlock returned no app hash");
}

/** Bytes a tx takes inside protobuf `Data{repeated bytes txs = 1}`. */
function protoTxSize(len: number): number {
  let v = 1;
  for (let n = len; n >= 0x80; n = Math.floor(n / 128)) v++;
  return 1 + v + len;
}

function consensusError(code: ConsensusErrorCode, message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, code, message);
}

function appMisbehaved(message: string): CodedError {
  return consensusError(ConsensusErrorCode.AppMisbehaved, message);
}

function handshakeError(message: string): CodedError {
  return consensusError(ConsensusErrorCode.HandshakeFailed, message);
}
