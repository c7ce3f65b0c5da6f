/**
 * The Tendermint BFT consensus engine ("The latest gossip on BFT consensus", Buchman, Kwon, Milosevic
 * 2018) as CometBFT's `consensus/state.go` runs it, with the paper's locking rules (CometBFT v1):
 * one serialised loop over a queue of inputs (own messages first, then peer messages, timeouts and
 * gossip ticks), the steps enterNewRound → enterPropose → enterPrevote → enterPrevoteWait →
 * enterPrecommit → enterPrecommitWait → enterCommit → finalizeCommit, a proposer chosen by weighted
 * round robin, +2/3 quorums by power, lock and valid values, growing timeouts, BFT time, evidence of
 * duplicate votes, and validator updates applied at H+2. Every input is written to the WAL before it
 * is acted on; own votes and proposals are signed (the signer refuses double-signs), fsynced to the WAL,
 * and only then sent. On start it handshakes with the app and replays the WAL of the current height.
 * Pure: storage, network, clock and signer are behind the interfaces of `./types.ts`.
 */
import type {
  Application,
  ConsensusParams,
  FinalizeBlockResponse,
  InitChainRequest,
  Timestamp,
} from "../abci/types.js";
import { BlockIdFlag } from "../abci/types.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import {
  BLOCK_PROTOCOL,
  type Block,
  type BlockID,
  blockHash as blockHashOf,
  type Commit,
  consensusParamsHash,
  type Evidence,
  emptyCommit,
  encodeBlock,
  encodeEvidence,
  fillHeader,
  lastResultsHash,
  makeBlockPartSet,
  type PartSetHeader,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Validator,
  type Vote,
  validateBlockBasic,
  zeroBlockId,
} from "../types/block.js";
import { equalBytes, toHexUpper } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { addMillis, compareTimestamps, maxTimestamp } from "./clock.js";
import {
  evidenceToMisbehavior,
  isEvidenceExpired,
  makeDuplicateVoteEvidence,
  verifyDuplicateVoteEvidence,
} from "./evidence.js";
import {
  type BlockPartMessage,
  type ConsensusMessage,
  type NewRoundStepMessage,
  RoundStep,
  validateConsensusMessage,
} from "./messages.js";
import { PartSetBuilder } from "./partSet.js";
import { commitInfo, MAX_BLOCK_SIZE_BYTES, maxDataBytesFor, medianTime } from "./producer.js";
import {
  type Clock,
  CONSENSUS_CODESPACE,
  type ConsensusBlockStore,
  type ConsensusEngine,
  ConsensusErrorCode,
  type ConsensusEventSink,
  type ConsensusMempool,
  type ConsensusNetwork,
  type EvidencePool,
  type SignatureVerifier,
  type Signer,
  type WAL,
} from "./types.js";
import { ValidatorSet, verifyCommit } from "./validatorSet.js";
import { blockIdEquals, HeightVoteSet, isNilBlockId, VoteSet } from "./voteSet.js";

// ---------------------------------------------------------------------------------------------
// Types

/** Consensus timeouts in milliseconds (config.toml `[consensus]`). */
export interface TendermintTimeouts {
  proposeMs: number;
  proposeDeltaMs: number;
  prevoteMs: number;
  prevoteDeltaMs: number;
  precommitMs: number;
  precommitDeltaMs: number;
  commitMs: number;
}

/** Engine settings. */
export interface TendermintOptions {
  /** The chain's genesis as an `InitChain` request (sent only when the app has no state). */
  genesis: InitChainRequest;
  timeouts: TendermintTimeouts;
  /** Start the next height as soon as all precommits are in (config `skip_timeout_commit`). */
  skipTimeoutCommit?: boolean;
  /** How often the engine re-sends its round state to peers so they send what it lacks (ms). */
  gossipIntervalMs?: number;
  /** Most txs this node puts in a block it proposes (default: no count limit, only the block's bytes and gas). */
  maxProposalTxs?: number;
  /**
   * Deliberately broken locking (the soak test shows the simulation catches it): prevote every valid
   * proposal ignoring the lock, and propose a fresh block ignoring the valid value. Never set outside
   * tests.
   */
  unsafeBreakLocking?: boolean;
}

/** What the engine is built on. */
export interface TendermintDeps {
  app: Application;
  blockStore: ConsensusBlockStore;
  mempool: ConsensusMempool;
  /** This node's validator key; undefined for a non-validator (full node). */
  signer?: Signer;
  clock: Clock;
  events: ConsensusEventSink;
  network: ConsensusNetwork;
  wal: WAL;
  evidencePool?: EvidencePool;
  /** Signature check (default: ed25519). */
  verifySignature?: SignatureVerifier;
  /** Debug log (default: none). */
  log?: (message: string) => void;
}

/** A read-only snapshot of the round state (RPC `consensus_state` / `dump_consensus_state`). */
export interface RoundStateView {
  height: number;
  round: number;
  step: RoundStep;
  stepName: string;
  startTime: Timestamp;
  validators: Validator[];
  proposer: Validator | undefined;
  proposal: Proposal | undefined;
  proposalBlockHash: Uint8Array | undefined;
  lockedRound: number;
  lockedBlockHash: Uint8Array | undefined;
  validRound: number;
  validBlockHash: Uint8Array | undefined;
  commitRound: number;
  /** Per round: which validators' prevotes and precommits are in, and the votes (by validator index). */
  votes: {
    round: number;
    prevotes: boolean[];
    precommits: boolean[];
    prevoteVotes: (Vote | undefined)[];
    precommitVotes: (Vote | undefined)[];
  }[];
  lastCommit: boolean[];
  /** When the last block was committed (+2/3 precommits seen); the start time before the first. */
  commitTime: Timestamp;
  /** Index of the proposer in `validators` (-1 without validators). */
  proposerIndex: number;
  /** Validator set of the previous height (empty at the initial height). */
  lastValidators: Validator[];
  /** The commit of the previous height (absent at the initial height). */
  lastCommitCertificate: Commit | undefined;
  triggeredTimeoutPrecommit: boolean;
}

/** CometBFT `state.State` trimmed to what consensus needs. */
interface ChainState {
  lastHeight: number;
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  /** Seen commit of `lastHeight` (empty before the first block). */
  lastCommit: Commit;
  lastValidators: ValidatorSet | undefined;
  validators: ValidatorSet;
  nextValidators: ValidatorSet;
  /**
   * The sets before their last proposer-priority increment (`validators = validatorsBase + 1
   * increment`). These are what the block store keeps: the stored priorities then determine both the
   * priorities and the proposer after a restart, without storing the proposer.
   */
  validatorsBase: ValidatorSet;
  nextValidatorsBase: ValidatorSet;
  consensusParams: ConsensusParams;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
}

type Input =
  | { kind: "msg"; peer: string; msg: ConsensusMessage; replay: boolean }
  | { kind: "timeout"; height: number; round: number; step: RoundStep; replay: boolean }
  | { kind: "gossip" }
  | { kind: "sync"; block: Block; commit: Commit; resolve: () => void; reject: (e: unknown) => void };

/** The production signature check: ed25519 (argument order of `SignatureVerifier`). */
export const ed25519SignatureVerifier: SignatureVerifier = (pubKey, message, signature) =>
  ed25519Verify(signature, message, pubKey);

// ---------------------------------------------------------------------------------------------
// Main class

/** The Tendermint consensus engine. */
export class TendermintEngine implements ConsensusEngine {
  private readonly chainId: string;
  private readonly verify: SignatureVerifier;
  private state!: ChainState;

  // round state (CometBFT cstypes.RoundState)
  private rsHeight = 0;
  private round = 0;
  private step = RoundStep.NewHeight;
  private startTime: Timestamp = { seconds: 0n, nanos: 0 };
  private commitTime: Timestamp | undefined;
  /** Commit time of the last committed height (RoundState.CommitTime once the height moved on). */
  private lastCommitTime: Timestamp | undefined;
  private validators!: ValidatorSet;
  private proposal: Proposal | undefined;
  private proposalBlock: Block | undefined;
  private proposalBlockParts: PartSetBuilder | undefined;
  private lockedRound = -1;
  private lockedBlock: Block | undefined;
  private lockedBlockParts: PartSetBuilder | undefined;
  private validRound = -1;
  private validBlock: Block | undefined;
  private validBlockParts: PartSetBuilder | undefined;
  private votes!: HeightVoteSet;
  private commitRound = -1;
  private lastCommit: VoteSet | undefined;
  private triggeredTimeoutPrecommit = false;
  private lastBlockParts: PartSetBuilder | undefined;

  // loop
  private readonly internalQueue: Input[] = [];
  private readonly queue: Input[] = [];
  private running = false;
  private started = false;
  private stopped = false;
  private haltError: unknown;
  private idleWaiters: (() => void)[] = [];
  private timers = new Set<() => void>();
  private processCache = new Map<string, boolean>();
  /** Conflicting votes seen at the current height, turned into evidence once it is committed. */
  private conflicts: [Vote, Vote][] = [];

  /** An engine over `deps`; nothing happens until `start()`. */
  constructor(
    private readonly options: TendermintOptions,
    private readonly deps: TendermintDeps,
  ) {
    const g = options.genesis;
    if (!Number.isSafeInteger(g.initialHeight) || g.initialHeight < 1) {
      throw consensusError(ConsensusErrorCode.InvalidConfig, "genesis initial height must be at least 1");
    }
    if (g.chainId === "" || g.chainId.length > 50) {
      throw consensusError(ConsensusErrorCode.InvalidConfig, "chain id must have 1 to 50 characters");
    }
    for (const [k, v] of Object.entries(options.timeouts)) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw consensusError(ConsensusErrorCode.InvalidConfig, `timeout ${k} must be a non-negative integer`);
      }
    }
    this.chainId = g.chainId;
    this.verify = deps.verifySignature ?? ed25519SignatureVerifier;
  }

  // ---- lifecycle ----

  /** Handshake with the app, replay the WAL of the current height, then run consensus. */
  async start(): Promise<void> {
    if (this.started) throw consensusError(ConsensusErrorCode.InvalidState, "engine already started");
    this.started = true;
    const state = await this.handshake();
    this.updateToState(state);
    if (state.lastHeight >= this.options.genesis.initialHeight) {
      const block = await this.deps.blockStore.loadBlock(state.lastHeight);
      if (block) this.lastBlockParts = PartSetBuilder.fromPartSet(makeBlockPartSet(block));
    }
    this.deps.network.setHandler((peer, msg) => this.receive(peer, msg));
    // WAL catch-up replay (CometBFT catchupReplay)
    const entries = await this.deps.wal.replay(this.rsHeight);
    for (const e of entries) {
      if (e.kind === "msg") this.queue.push({ kind: "msg", peer: e.peer, msg: e.msg, replay: true });
      else if (e.kind === "timeout")
        this.queue.push({ kind: "timeout", height: e.height, round: e.round, step: e.step, replay: true });
    }
    this.scheduleRound0();
    this.scheduleGossip();
    this.kick();
    await this.whenIdle();
  }

  /** Stop timers and the loop; resolves once the input in progress is finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.deps.network.setHandler(undefined);
    await this.whenIdle();
  }

  /** The last committed height (0 before the first block). */
  get height(): number {
    return this.state?.lastHeight ?? 0;
  }

  /** The error that halted the engine, if any. */
  get error(): unknown {
    return this.haltError;
  }

  /** Resolves when no input is queued or being processed. */
  whenIdle(): Promise<void> {
    if (!this.running && (this.stopped || (this.queue.length === 0 && this.internalQueue.length === 0))) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Deliver a message from a peer (validated here too; invalid ones are dropped). */
  receive(peer: string, msg: ConsensusMessage): void {
    if (this.stopped) return;
    try {
      validateConsensusMessage(msg);
    } catch (e) {
      this.log(`invalid message from ${peer}: ${errMsg(e)}`);
      return;
    }
    this.queue.push({ kind: "msg", peer, msg, replay: false });
    this.kick();
  }

  /**
   * Block sync: apply `block` (the next height) fetched from a peer, with `commit` (+2/3 precommits
   * for it, e.g. the following block's `last_commit` or the peer's seen commit), verified against the
   * current validator set. Serialised with consensus; a block below the current height resolves as a
   * no-op, a wrong height or a bad block/commit rejects with a coded error. Consensus then continues
   * at the following height.
   */
  applySyncedBlock(block: Block, commit: Commit): Promise<void> {
    if (this.stopped || !this.started) {
      return Promise.reject(consensusError(ConsensusErrorCode.InvalidState, "engine not running"));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "sync", block, commit, resolve, reject });
      this.kick();
    });
  }

  /** Height, round and step now (cheap). */
  position(): { height: number; round: number; step: RoundStep } {
    return { height: this.rsHeight, round: this.round, step: this.step };
  }

  /** A read-only snapshot of the round state. */
  roundState(): RoundStateView {
    const rounds = this.votes?.trackedRounds() ?? [];
    const n = this.validators?.size ?? 0;
    return {
      height: this.rsHeight,
      round: this.round,
      step: this.step,
      stepName: RoundStep[this.step] ?? "Unknown",
      startTime: this.startTime,
      validators: this.validators?.validators.map((v) => ({ ...v })) ?? [],
      proposer:
        this.validators && this.validators.size > 0 ? { ...this.validators.getProposer() } : undefined,
      proposal: this.proposal,
      proposalBlockHash: this.proposalBlock ? this.blockHash(this.proposalBlock) : undefined,
      lockedRound: this.lockedRound,
      lockedBlockHash: this.lockedBlock ? this.blockHash(this.lockedBlock) : undefined,
      validRound: this.validRound,
      validBlockHash: this.validBlock ? this.blockHash(this.validBlock) : undefined,
      commitRound: this.commitRound,
      votes: rounds.map((r) => ({
        round: r,
        prevotes: this.votes.prevotes(r)?.bitArray() ?? [],
        precommits: this.votes.precommits(r)?.bitArray() ?? [],
        prevoteVotes: votesByIndex(this.votes.prevotes(r), n),
        precommitVotes: votesByIndex(this.votes.precommits(r), n),
      })),
      lastCommit: this.lastCommit?.bitArray() ?? [],
      commitTime: this.lastCommitTime ?? this.startTime,
      proposerIndex:
        this.validators && this.validators.size > 0
          ? this.validators.getByAddress(this.validators.getProposer().address).index
          : -1,
      lastValidators: this.state?.lastValidators?.validators.map((v) => ({ ...v })) ?? [],
      lastCommitCertificate: this.lastCommit?.hasTwoThirdsMajority()
        ? this.lastCommit.makeCommit()
        : this.state !== undefined && this.state.lastCommit.signatures.length > 0
          ? this.state.lastCommit
          : undefined,
      triggeredTimeoutPrecommit: this.triggeredTimeoutPrecommit,
    };
  }

  // ---- loop ----

  private kick(): void {
    if (this.running || this.stopped) {
      if (this.stopped) this.notifyIdle();
      return;
    }
    this.running = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped) {
        const input = this.internalQueue.shift() ?? this.queue.shift();
        if (input === undefined) break;
        try {
          await this.handleInput(input);
        } catch (e) {
          this.halt(e);
        }
      }
    } finally {
      this.running = false;
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.running) return;
    if (!this.stopped && (this.queue.length > 0 || this.internalQueue.length > 0)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private halt(e: unknown): void {
    this.haltError = e;
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.log(`consensus halted: ${errMsg(e)}`);
    try {
      this.deps.events.onError?.(e);
    } catch {
      // nothing more to do
    }
  }

  private async handleInput(input: Input): Promise<void> {
    if (input.kind === "sync") {
      await this.handleSyncedBlock(input.block, input.commit).then(input.resolve, (e: unknown) => {
        input.reject(e);
        if (!(e instanceof CodedError && e.codespace === CONSENSUS_CODESPACE)) throw e;
      });
      return;
    }
    if (input.kind === "gossip") {
      this.broadcastStatus();
      this.scheduleGossip();
      return;
    }
    if (input.kind === "timeout") {
      if (!input.replay) {
        await this.deps.wal.append(
          { kind: "timeout", height: input.height, round: input.round, step: input.step },
          false,
        );
      }
      await this.handleTimeout(input.height, input.round, input.step);
      return;
    }
    const { msg, peer } = input;
    // A proposal, part or vote this node already holds, or one for another height (or a proposal for
    // another round) that handling would drop, changes nothing: skip it before the WAL (peers' gossip
    // and their answers to our round state often deliver the same item twice; a node still finishing
    // the last height gets the next one's parts, and its peers send them again when it gets there).
    if (!input.replay && peer !== "" && (this.holds(msg) || this.ignores(msg))) return;
    if (!input.replay && peer !== "" && walWorthy(msg)) {
      await this.deps.wal.append({ kind: "msg", height: msgHeight(msg), peer, msg }, false);
    }
    try {
      await this.handleMsg(peer, msg);
    } catch (e) {
      if (e instanceof CodedError && e.codespace === CONSENSUS_CODESPACE) {
        this.log(`rejected ${msg.kind} from ${peer || "self"}: ${e.message}`);
        return;
      }
      throw e;
    }
  }

  private async handleMsg(peer: string, msg: ConsensusMessage): Promise<void> {
    switch (msg.kind) {
      case "proposal":
        await this.setProposal(msg.proposal);
        return;
      case "blockPart": {
        const added = this.addProposalBlockPart(msg);
        if (added && this.proposalBlockParts?.isComplete && this.proposalBlock !== undefined) {
          await this.handleCompleteProposal(msg.height);
        }
        return;
      }
      case "vote":
        await this.tryAddVote(msg.vote, peer);
        return;
      case "newRoundStep":
        if (peer !== "") await this.answerStatus(peer, msg);
        return;
      case "hasVote":
        return;
    }
  }

  /** True when `handleMsg` would drop `msg` unread: a proposal or part for another height or round. */
  private ignores(msg: ConsensusMessage): boolean {
    switch (msg.kind) {
      case "proposal":
        return msg.proposal.height !== this.rsHeight || msg.proposal.round !== this.round;
      case "blockPart":
        return msg.height !== this.rsHeight;
      case "vote":
        // setProposal / addProposalBlockPart / addVote drop these too
        return (
          msg.vote.height > this.rsHeight ||
          (msg.vote.height < this.rsHeight &&
            !(msg.vote.height + 1 === this.rsHeight && msg.vote.type === SignedMsgType.Precommit))
        );
      default:
        return false;
    }
  }

  /** True when handling `msg` now would be a no-op because this node already holds it. */
  private holds(msg: ConsensusMessage): boolean {
    switch (msg.kind) {
      case "proposal":
        // setProposal keeps the first proposal of the round and ignores any other
        return this.proposal !== undefined;
      case "blockPart":
        // addProposalBlockPart ignores a part whose index is already held (or a complete set)
        return msg.height === this.rsHeight && this.proposalBlockParts?.getPart(msg.part.index) !== undefined;
      case "vote": {
        const v = msg.vote;
        let set: VoteSet | undefined;
        if (v.height === this.rsHeight) {
          set =
            v.type === SignedMsgType.Prevote ? this.votes.prevotes(v.round) : this.votes.precommits(v.round);
        } else if (v.height + 1 === this.rsHeight && v.type === SignedMsgType.Precommit) {
          set = this.lastCommit?.round === v.round ? this.lastCommit : undefined;
        }
        const held = set?.getByIndex(v.validatorIndex);
        // VoteSet.addVote ignores a vote for the block id the validator's held vote is for (a vote
        // for another block id is a conflict, evidence: it goes on)
        return (
          held !== undefined &&
          equalBytes(held.validatorAddress, v.validatorAddress) &&
          blockIdEquals(held.blockId, v.blockId)
        );
      }
      default:
        return false;
    }
  }

  // ---- timeouts ----

  private scheduleTimeout(ms: number, height: number, round: number, step: RoundStep): void {
    if (this.stopped) return;
    const cancel = this.deps.clock.setTimeout(
      () => {
        this.timers.delete(cancel);
        if (this.stopped) return;
        this.queue.push({ kind: "timeout", height, round, step, replay: false });
        this.kick();
      },
      Math.max(0, ms),
    );
    this.timers.add(cancel);
  }

  private scheduleGossip(): void {
    const ms = this.options.gossipIntervalMs ?? 1000;
    if (this.stopped || ms <= 0) return;
    const cancel = this.deps.clock.setTimeout(() => {
      this.timers.delete(cancel);
      if (this.stopped) return;
      this.queue.push({ kind: "gossip" });
      this.kick();
    }, ms);
    this.timers.add(cancel);
  }

  private scheduleRound0(): void {
    const now = this.deps.clock.now();
    const ms = Number((toNanos(this.startTime) - toNanos(now)) / 1_000_000n);
    this.scheduleTimeout(ms, this.rsHeight, 0, RoundStep.NewHeight);
  }

  /** Timeouts per round (CometBFT `config.Propose(round)` etc.). */
  private timeoutFor(step: "propose" | "prevote" | "precommit", round: number): number {
    const t = this.options.timeouts;
    if (step === "propose") return t.proposeMs + t.proposeDeltaMs * round;
    if (step === "prevote") return t.prevoteMs + t.prevoteDeltaMs * round;
    return t.precommitMs + t.precommitDeltaMs * round;
  }

  private async handleTimeout(height: number, round: number, step: RoundStep): Promise<void> {
    if (height !== this.rsHeight || round < this.round || (round === this.round && step < this.step)) return;
    switch (step) {
      case RoundStep.NewHeight:
        await this.enterNewRound(height, 0);
        return;
      case RoundStep.NewRound:
        await this.enterPropose(height, 0);
        return;
      case RoundStep.Propose:
        await this.enterPrevote(height, round);
        return;
      case RoundStep.PrevoteWait:
        await this.enterPrecommit(height, round);
        return;
      case RoundStep.PrecommitWait:
        await this.enterPrecommit(height, round);
        await this.enterNewRound(height, round + 1);
        return;
      default:
        return;
    }
  }

  // ---- state transitions ----

  private updateRoundStep(round: number, step: RoundStep): void {
    this.round = round;
    this.step = step;
  }

  private newStep(): void {
    this.broadcastStatus();
  }

  private async enterNewRound(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && this.step !== RoundStep.NewHeight)
    ) {
      return;
    }
    let validators = this.validators;
    if (this.round < round) {
      validators = validators.copy();
      validators.incrementProposerPriority(round - this.round);
    }
    this.updateRoundStep(round, RoundStep.NewRound);
    this.validators = validators;
    if (round !== 0) {
      this.proposal = undefined;
      this.proposalBlock = undefined;
      this.proposalBlockParts = undefined;
    }
    this.votes.setRound(round + 1);
    this.triggeredTimeoutPrecommit = false;
    this.newStep();
    await this.enterPropose(height, round);
  }

  private async enterPropose(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && RoundStep.Propose <= this.step)
    ) {
      return;
    }
    this.scheduleTimeout(this.timeoutFor("propose", round), height, round, RoundStep.Propose);
    const signer = this.deps.signer;
    if (signer !== undefined && this.validators.hasAddress(signer.address)) {
      if (equalBytes(this.validators.getProposer().address, signer.address)) {
        await this.decideProposal(height, round);
      }
    }
    // deferred part of CometBFT's enterPropose
    this.updateRoundStep(round, RoundStep.Propose);
    this.newStep();
    if (this.isProposalComplete()) await this.enterPrevote(height, this.round);
  }

  private isProposalComplete(): boolean {
    if (this.proposal === undefined || this.proposalBlock === undefined) return false;
    if (this.proposal.polRound < 0) return true;
    return this.votes.prevotes(this.proposal.polRound)?.hasTwoThirdsMajority() ?? false;
  }

  private async decideProposal(height: number, round: number): Promise<void> {
    let block: Block | undefined;
    let parts: PartSetBuilder | undefined;
    if (
      this.validBlock !== undefined &&
      this.validBlockParts !== undefined &&
      !this.options.unsafeBreakLocking
    ) {
      block = this.validBlock;
      parts = this.validBlockParts;
    } else {
      block = await this.createProposalBlock(height);
      if (block === undefined) return;
      parts = PartSetBuilder.fromPartSet(makeBlockPartSet(block));
      // its encoded size is the parts' (validateBlock need not encode it again)
      this.blockSizes.set(block, parts.byteSize);
    }
    const blockId: BlockID = { hash: this.blockHash(block), partSetHeader: parts.header };
    // its parts come back through the internal queue: take this block then instead of decoding them
    this.ownBlock = { block, header: parts.header };
    const unsigned: Proposal = {
      height,
      round,
      polRound: this.options.unsafeBreakLocking ? -1 : this.validRound,
      blockId,
      timestamp: this.deps.clock.now(),
      signature: new Uint8Array(0),
    };
    let proposal: Proposal;
    try {
      proposal = await (this.deps.signer as Signer).signProposal(this.chainId, unsigned);
    } catch (e) {
      this.log(`not proposing at ${height}/${round}: ${errMsg(e)}`);
      return;
    }
    const msgs: ConsensusMessage[] = [{ kind: "proposal", proposal }];
    for (let i = 0; i < parts.header.total; i++) {
      const part = parts.getPart(i);
      if (part !== undefined)
        msgs.push({ kind: "blockPart", height, round, part } satisfies BlockPartMessage);
    }
    // WAL first (the last record fsynced), then send
    for (let i = 0; i < msgs.length; i++) {
      await this.deps.wal.append(
        { kind: "msg", height, peer: "", msg: msgs[i] as ConsensusMessage },
        i === msgs.length - 1,
      );
    }
    for (const msg of msgs) {
      this.deps.network.broadcast(msg);
      this.internalQueue.push({ kind: "msg", peer: "", msg, replay: false });
    }
  }

  /** CometBFT `createProposalBlock` + `CreateProposalBlock`: reap, PrepareProposal, header. */
  private async createProposalBlock(height: number): Promise<Block | undefined> {
    const s = this.state;
    const signer = this.deps.signer as Signer;
    let lastCommit: Commit;
    let time: Timestamp;
    if (height === this.options.genesis.initialHeight) {
      lastCommit = emptyCommit();
      time = s.lastBlockTime;
    } else if (this.lastCommit?.hasTwoThirdsMajority()) {
      lastCommit = this.lastCommit.makeCommit();
      time = medianTime(lastCommit, (s.lastValidators as ValidatorSet).validators);
    } else {
      this.log(`cannot propose at ${height}: no commit for the previous block`);
      return undefined;
    }
    const params = s.consensusParams;
    const evidence = (this.deps.evidencePool?.pendingEvidence(params.evidence.maxBytes) ?? []).filter(
      (ev) => ev.voteA.height < height,
    );
    let evBytes = 0;
    for (const ev of evidence) evBytes += encodeEvidence(ev).length + 4;
    const maxDataBytes = maxDataBytesFor(params.block.maxBytes, s.validators.size) - evBytes;
    const lastCommitInfo = commitInfo(lastCommit, s.lastValidators?.validators ?? []);
    const nextValidatorsHash = s.nextValidators.hash();
    const reaped = this.deps.mempool.reap(maxDataBytes, params.block.maxGas, this.options.maxProposalTxs);
    const prepared = await this.deps.app.prepareProposal({
      maxTxBytes: maxDataBytes,
      txs: reaped,
      localLastCommit: lastCommitInfo,
      misbehavior: evidence.map(evidenceToMisbehavior),
      height,
      time,
      nextValidatorsHash,
      proposerAddress: signer.address,
    });
    let dataBytes = 0;
    for (const tx of prepared.txs) dataBytes += protoTxSize(tx.length);
    if (dataBytes > maxDataBytes) {
      throw consensusError(
        ConsensusErrorCode.AppMisbehaved,
        `PrepareProposal returned ${dataBytes} bytes of txs, max ${maxDataBytes}`,
      );
    }
    return fillHeader({
      header: {
        version: { block: BLOCK_PROTOCOL, app: BigInt(params.version.app) },
        chainId: this.chainId,
        height,
        time,
        lastBlockId: s.lastBlockId,
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: s.validators.hash(),
        nextValidatorsHash,
        consensusHash: consensusParamsHash(params),
        appHash: s.appHash,
        lastResultsHash: s.lastResultsHash,
        evidenceHash: new Uint8Array(0),
        proposerAddress: signer.address,
      },
      data: { txs: prepared.txs },
      evidence,
      lastCommit,
    });
  }

  private async enterPrevote(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && RoundStep.Prevote <= this.step)
    ) {
      return;
    }
    await this.doPrevote();
    this.updateRoundStep(round, RoundStep.Prevote);
    this.newStep();
  }

  /** CometBFT v1 `defaultDoPrevote`: lines 22-33 of the paper's algorithm. */
  private async doPrevote(): Promise<void> {
    const nil = zeroBlockId();
    const block = this.proposalBlock;
    const proposal = this.proposal;
    if (block === undefined || proposal === undefined || this.proposalBlockParts === undefined) {
      await this.signAddVote(SignedMsgType.Prevote, nil);
      return;
    }
    const blockId: BlockID = { hash: this.blockHash(block), partSetHeader: this.proposalBlockParts.header };
    if (!blockIdEquals(blockId, proposal.blockId) || !(await this.isValidProposalBlock(block))) {
      await this.signAddVote(SignedMsgType.Prevote, nil);
      return;
    }
    if (this.options.unsafeBreakLocking) {
      await this.signAddVote(SignedMsgType.Prevote, blockId);
      return;
    }
    // line 22: a proposal without POL
    if (proposal.polRound === -1) {
      if (this.lockedRound === -1 || this.lockedBlockHashes(blockId.hash)) {
        await this.signAddVote(SignedMsgType.Prevote, blockId);
        return;
      }
    }
    // line 28: a proposal with a POL from an earlier round
    const pol =
      proposal.polRound >= 0 ? this.votes.prevotes(proposal.polRound)?.twoThirdsMajority() : undefined;
    if (
      pol !== undefined &&
      equalBytes(pol.hash, blockId.hash) &&
      proposal.polRound >= 0 &&
      proposal.polRound < this.round
    ) {
      if (this.lockedRound <= proposal.polRound || this.lockedBlockHashes(blockId.hash)) {
        await this.signAddVote(SignedMsgType.Prevote, blockId);
        return;
      }
    }
    await this.signAddVote(SignedMsgType.Prevote, nil);
  }

  private lockedBlockHashes(hash: Uint8Array): boolean {
    return this.lockedBlock !== undefined && equalBytes(this.blockHash(this.lockedBlock), hash);
  }

  /** validate(v): state checks and the app's ProcessProposal (cached per block hash). */
  private async isValidProposalBlock(block: Block): Promise<boolean> {
    const hash = toHexUpper(this.blockHash(block));
    const cached = this.processCache.get(hash);
    if (cached !== undefined) return cached;
    let ok = true;
    try {
      await this.validateBlock(block);
    } catch (e) {
      this.log(`invalid proposal block: ${errMsg(e)}`);
      ok = false;
    }
    if (ok) {
      const s = this.state;
      const h = block.header;
      const res = await this.deps.app.processProposal({
        txs: block.data.txs,
        proposedLastCommit: commitInfo(block.lastCommit, s.lastValidators?.validators ?? []),
        misbehavior: block.evidence.map(evidenceToMisbehavior),
        hash: this.blockHash(block),
        height: h.height,
        time: h.time,
        nextValidatorsHash: h.nextValidatorsHash,
        proposerAddress: h.proposerAddress,
      });
      ok = res.accept;
    }
    this.processCache.set(hash, ok);
    return ok;
  }

  private async enterPrevoteWait(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && RoundStep.PrevoteWait <= this.step)
    ) {
      return;
    }
    if (!this.votes.prevotes(round)?.hasTwoThirdsAny()) {
      throw consensusError(ConsensusErrorCode.InvalidState, "enterPrevoteWait without +2/3 prevotes");
    }
    this.updateRoundStep(round, RoundStep.PrevoteWait);
    this.newStep();
    this.scheduleTimeout(this.timeoutFor("prevote", round), height, round, RoundStep.PrevoteWait);
  }

  /** CometBFT v1 `enterPrecommit`: lines 36-43 (lock on a polka for the proposal, else nil). */
  private async enterPrecommit(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && RoundStep.Precommit <= this.step)
    ) {
      return;
    }
    await this.doPrecommit(round);
    this.updateRoundStep(round, RoundStep.Precommit);
    this.newStep();
  }

  private async doPrecommit(round: number): Promise<void> {
    const nil = zeroBlockId();
    const maj = this.votes.prevotes(round)?.twoThirdsMajority();
    if (maj === undefined || isNilBlockId(maj)) {
      await this.signAddVote(SignedMsgType.Precommit, nil);
      return;
    }
    if (this.lockedBlock !== undefined && this.lockedBlockHashes(maj.hash)) {
      this.lockedRound = round;
      await this.signAddVote(SignedMsgType.Precommit, maj);
      return;
    }
    if (
      this.proposalBlock !== undefined &&
      this.proposalBlockParts !== undefined &&
      equalBytes(this.blockHash(this.proposalBlock), maj.hash)
    ) {
      this.lockedRound = round;
      this.lockedBlock = this.proposalBlock;
      this.lockedBlockParts = this.proposalBlockParts;
      await this.signAddVote(SignedMsgType.Precommit, maj);
      return;
    }
    // a polka for a block we do not have: fetch it, precommit nil
    if (this.proposalBlockParts === undefined || !this.proposalBlockParts.hasHeader(maj.partSetHeader)) {
      this.proposalBlock = undefined;
      this.proposalBlockParts = new PartSetBuilder(maj.partSetHeader);
    }
    await this.signAddVote(SignedMsgType.Precommit, nil);
  }

  private async enterPrecommitWait(height: number, round: number): Promise<void> {
    if (
      this.rsHeight !== height ||
      round < this.round ||
      (this.round === round && this.triggeredTimeoutPrecommit)
    ) {
      return;
    }
    if (!this.votes.precommits(round)?.hasTwoThirdsAny()) {
      throw consensusError(ConsensusErrorCode.InvalidState, "enterPrecommitWait without +2/3 precommits");
    }
    this.triggeredTimeoutPrecommit = true;
    this.updateRoundStep(round, this.step);
    this.newStep();
    this.scheduleTimeout(this.timeoutFor("precommit", round), height, round, RoundStep.PrecommitWait);
  }

  private async enterCommit(height: number, commitRound: number): Promise<void> {
    if (this.rsHeight !== height || RoundStep.Commit <= this.step) return;
    const maj = this.votes.precommits(commitRound)?.twoThirdsMajority();
    if (maj === undefined || isNilBlockId(maj)) {
      throw consensusError(
        ConsensusErrorCode.InvalidState,
        "enterCommit without +2/3 precommits for a block",
      );
    }
    if (this.lockedBlock !== undefined && this.lockedBlockHashes(maj.hash)) {
      this.proposalBlock = this.lockedBlock;
      this.proposalBlockParts = this.lockedBlockParts;
    }
    if (this.proposalBlock === undefined || !equalBytes(this.blockHash(this.proposalBlock), maj.hash)) {
      if (this.proposalBlockParts === undefined || !this.proposalBlockParts.hasHeader(maj.partSetHeader)) {
        this.proposalBlock = undefined;
        this.proposalBlockParts = new PartSetBuilder(maj.partSetHeader);
      }
    }
    this.updateRoundStep(this.round, RoundStep.Commit);
    this.commitRound = commitRound;
    this.commitTime = this.deps.clock.now();
    this.newStep();
    await this.tryFinalizeCommit(height);
  }

  private async tryFinalizeCommit(height: number): Promise<void> {
    if (this.rsHeight !== height) return;
    const maj = this.votes.precommits(this.commitRound)?.twoThirdsMajority();
    if (maj === undefined || isNilBlockId(maj)) return;
    if (this.proposalBlock === undefined || !equalBytes(this.blockHash(this.proposalBlock), maj.hash)) return;
    await this.finalizeCommit(height);
  }

  private async finalizeCommit(height: number): Promise<void> {
    if (this.rsHeight !== height || this.step !== RoundStep.Commit) return;
    const precommits = this.votes.precommits(this.commitRound) as VoteSet;
    const blockId = precommits.twoThirdsMajority() as BlockID;
    const block = this.proposalBlock as Block;
    const parts = this.proposalBlockParts as PartSetBuilder;
    // +2/3 committed it: an invalid block here means more than 1/3 is faulty; refuse to go on
    // (validation is a function of state and block: skip it when this block passed against this state)
    if (this.validated?.block !== block || this.validated.state !== this.state)
      await this.validateBlock(block);
    await this.applyBlock(block, blockId, parts, precommits.makeCommit());
  }

  /**
   * CometBFT `ApplyBlock` + the rest of `finalizeCommit`: FinalizeBlock, stage the block, commit,
   * end the height in the WAL, update mempool/evidence, move to the next height.
   */
  private async applyBlock(
    block: Block,
    blockId: BlockID,
    parts: PartSetBuilder,
    seenCommit: Commit,
  ): Promise<void> {
    const height = block.header.height;
    const s = this.state;
    const { app, blockStore, events } = this.deps;
    const h = block.header;
    const results = await app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit: commitInfo(block.lastCommit, s.lastValidators?.validators ?? []),
      misbehavior: block.evidence.map(evidenceToMisbehavior),
      hash: blockId.hash,
      height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    checkResults(results, block.data.txs.length);
    const nextParams = results.consensusParamUpdates ?? s.consensusParams;
    const nextNextBase = s.nextValidators.copy();
    if (results.validatorUpdates.length > 0) nextNextBase.applyUpdates(results.validatorUpdates);
    const nextNext = nextNextBase.copyIncrementProposerPriority(1);
    blockStore.stageBlock({
      block,
      blockId,
      seenCommit,
      results,
      validators: s.validatorsBase.validators,
      nextValidators: s.nextValidatorsBase.validators,
      nextConsensusParams: nextParams,
    });
    await events.beforeCommit?.(block, blockId, results);
    // CometBFT locks the mempool around Commit: no CheckTx against the fresh check state until
    // `update` has re-checked the mempool's own txs into it (update releases the lock).
    await this.deps.mempool.lock?.();
    await app.commit();
    await this.deps.wal.endHeight(height);
    const newState: ChainState = {
      lastHeight: height,
      lastBlockId: blockId,
      lastBlockTime: h.time,
      lastCommit: seenCommit,
      lastValidators: s.validators,
      validators: s.nextValidators,
      nextValidators: nextNext,
      validatorsBase: s.nextValidatorsBase,
      nextValidatorsBase: nextNextBase,
      consensusParams: nextParams,
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
    };
    await this.deps.mempool.update(height, block.data.txs, results.txResults);
    const pool = this.deps.evidencePool;
    if (pool !== undefined) {
      pool.update(height, block.evidence, nextParams, h.time);
      for (const [a, b] of this.conflicts) {
        try {
          pool.addEvidence(makeDuplicateVoteEvidence(a, b, h.time, s.validators));
        } catch (e) {
          this.log(`cannot record evidence: ${errMsg(e)}`);
        }
      }
    }
    this.conflicts = [];
    this.lastBlockParts = parts;
    try {
      events.onNewBlock?.({ block, blockId, results, seenCommit });
    } catch {
      // a subscriber's failure must not halt consensus
    }
    this.updateToState(newState);
    this.scheduleRound0();
  }

  /** CometBFT `updateToState`: reset the round state for the next height. */
  private updateToState(state: ChainState): void {
    const prevVotes = this.votes;
    let lastCommit: VoteSet | undefined;
    if (this.commitRound > -1 && prevVotes !== undefined && this.rsHeight === state.lastHeight) {
      lastCommit = prevVotes.precommits(this.commitRound);
    } else if (state.lastHeight >= this.options.genesis.initialHeight && state.lastValidators !== undefined) {
      lastCommit = this.commitToVoteSet(state.lastCommit, state.lastValidators);
    }
    this.state = state;
    this.rsHeight = state.lastHeight + 1;
    this.updateRoundStep(0, RoundStep.NewHeight);
    const base = this.commitTime ?? this.deps.clock.now();
    this.lastCommitTime = base;
    this.startTime = addMillis(base, this.options.timeouts.commitMs);
    this.commitTime = undefined;
    this.validators = state.validators.copy();
    this.proposal = undefined;
    this.proposalBlock = undefined;
    this.proposalBlockParts = undefined;
    this.lockedRound = -1;
    this.lockedBlock = undefined;
    this.lockedBlockParts = undefined;
    this.validRound = -1;
    this.validBlock = undefined;
    this.validBlockParts = undefined;
    this.ownBlock = undefined;
    this.votes = new HeightVoteSet(this.chainId, this.rsHeight, this.validators, this.verify);
    this.commitRound = -1;
    this.lastCommit = lastCommit;
    this.triggeredTimeoutPrecommit = false;
    this.processCache.clear();
  }

  /** CometBFT `reconstructLastCommit`: the seen commit as a precommit vote set. */
  private commitToVoteSet(commit: Commit, valSet: ValidatorSet): VoteSet {
    const vs = new VoteSet(
      this.chainId,
      commit.height,
      commit.round,
      SignedMsgType.Precommit,
      valSet,
      this.verify,
    );
    commit.signatures.forEach((sig, i) => {
      if (sig.blockIdFlag === BlockIdFlag.Absent) return;
      vs.addVote({
        type: SignedMsgType.Precommit,
        height: commit.height,
        round: commit.round,
        blockId: sig.blockIdFlag === BlockIdFlag.Commit ? commit.blockId : zeroBlockId(),
        timestamp: sig.timestamp,
        validatorAddress: sig.validatorAddress,
        validatorIndex: i,
        signature: sig.signature,
      });
    });
    return vs;
  }

  private async handleSyncedBlock(block: Block, commit: Commit): Promise<void> {
    const height = block.header.height;
    if (height < this.rsHeight) return;
    if (height !== this.rsHeight) {
      throw consensusError(
        ConsensusErrorCode.InvalidBlock,
        `synced block ${height}, expected ${this.rsHeight}`,
      );
    }
    const parts = PartSetBuilder.fromPartSet(makeBlockPartSet(block));
    const blockId: BlockID = { hash: this.blockHash(block), partSetHeader: parts.header };
    verifyCommit(this.chainId, this.state.validators, blockId, height, commit, this.verify);
    await this.validateBlock(block);
    this.commitRound = -1;
    await this.applyBlock(block, blockId, parts, commit);
  }

  // ---- proposals and parts ----

  private async setProposal(proposal: Proposal): Promise<void> {
    if (this.proposal !== undefined) return;
    if (proposal.height !== this.rsHeight || proposal.round !== this.round) return;
    if (proposal.polRound < -1 || (proposal.polRound >= 0 && proposal.polRound >= proposal.round)) {
      throw consensusError(ConsensusErrorCode.InvalidProposal, "invalid proposal POL round");
    }
    const proposer = this.validators.getProposer();
    if (!this.verify(proposer.pubKey, proposalSignBytes(this.chainId, proposal), proposal.signature)) {
      throw consensusError(ConsensusErrorCode.InvalidProposal, "invalid proposal signature");
    }
    this.proposal = proposal;
    this.heldSince.set(proposal, this.nowMs());
    if (this.proposalBlockParts === undefined) {
      this.proposalBlockParts = new PartSetBuilder(proposal.blockId.partSetHeader);
    }
  }

  private addProposalBlockPart(msg: BlockPartMessage): boolean {
    if (msg.height !== this.rsHeight) return false;
    const parts = this.proposalBlockParts;
    if (parts === undefined || parts.isComplete) return false;
    if (!parts.addPart(msg.part)) return false;
    this.heldSince.set(msg.part, this.nowMs());
    const maxBytes = this.state.consensusParams.block.maxBytes;
    const limit = maxBytes < 0 ? MAX_BLOCK_SIZE_BYTES : maxBytes;
    if (parts.byteSize > limit) {
      this.proposalBlockParts = undefined;
      throw consensusError(ConsensusErrorCode.InvalidBlock, "block parts exceed the maximum block size");
    }
    if (parts.isComplete) {
      const own = this.ownBlock;
      if (own !== undefined && own.block.header.height === msg.height && parts.hasHeader(own.header)) {
        // this node's own proposal: the parts are its encoding (the merkle root covers every byte)
        this.proposalBlock = own.block;
        return true;
      }
      try {
        this.proposalBlock = parts.assemble();
        this.blockSizes.set(this.proposalBlock, parts.byteSize);
        this.deps.mempool.intern?.(this.proposalBlock.data.txs);
      } catch (e) {
        this.proposalBlockParts = undefined;
        throw consensusError(ConsensusErrorCode.InvalidBlock, `cannot decode proposal block: ${errMsg(e)}`);
      }
    }
    return true;
  }

  private async handleCompleteProposal(height: number): Promise<void> {
    const prevotes = this.votes.prevotes(this.round);
    const maj = prevotes?.twoThirdsMajority();
    const block = this.proposalBlock as Block;
    if (maj !== undefined && !isNilBlockId(maj) && this.validRound < this.round) {
      if (equalBytes(this.blockHash(block), maj.hash)) {
        this.validRound = this.round;
        this.validBlock = block;
        this.validBlockParts = this.proposalBlockParts;
      }
    }
    if (this.step <= RoundStep.Propose && this.isProposalComplete()) {
      await this.enterPrevote(height, this.round);
      if (maj !== undefined) await this.enterPrecommit(height, this.round);
    } else if (this.step === RoundStep.Commit) {
      await this.tryFinalizeCommit(height);
    }
  }

  // ---- votes ----

  private async signAddVote(type: SignedMsgType, blockId: BlockID): Promise<void> {
    const signer = this.deps.signer;
    if (signer === undefined) return;
    const { index } = this.validators.getByAddress(signer.address);
    if (index < 0) return;
    const unsigned: Vote = {
      type,
      height: this.rsHeight,
      round: this.round,
      blockId,
      timestamp: this.voteTime(),
      validatorAddress: signer.address,
      validatorIndex: index,
      signature: new Uint8Array(0),
    };
    let vote: Vote;
    try {
      vote = await signer.signVote(this.chainId, unsigned);
    } catch (e) {
      this.log(`refused to sign ${SignedMsgType[type]} at ${this.rsHeight}/${this.round}: ${errMsg(e)}`);
      return;
    }
    const msg: ConsensusMessage = { kind: "vote", vote };
    await this.deps.wal.append({ kind: "msg", height: vote.height, peer: "", msg }, true);
    this.deps.network.broadcast(msg);
    this.internalQueue.push({ kind: "msg", peer: "", msg, replay: false });
  }

  /** CometBFT `voteTime`: now, but after the time of the block voted on. */
  private voteTime(): Timestamp {
    const now = this.deps.clock.now();
    const ref = this.lockedBlock ?? this.proposalBlock;
    return ref === undefined ? now : maxTimestamp(now, addMillis(ref.header.time, 1));
  }

  private async tryAddVote(vote: Vote, peer: string): Promise<void> {
    try {
      await this.addVote(vote, peer);
    } catch (e) {
      if (e instanceof CodedError && e.code === ConsensusErrorCode.ConflictingVote) return;
      throw e;
    }
  }

  private async addVote(vote: Vote, peer: string): Promise<void> {
    // a precommit for the previous height, while waiting for timeout_commit
    if (vote.height + 1 === this.rsHeight && vote.type === SignedMsgType.Precommit) {
      if (this.step !== RoundStep.NewHeight || this.lastCommit === undefined) return;
      if (vote.round !== this.lastCommit.round) return;
      const r = this.lastCommit.addVote(vote);
      if (r.conflicting !== undefined) this.recordConflict(r.conflicting, vote, true);
      if (!r.added) return;
      this.heldSince.set(vote, this.nowMs());
      if (this.options.skipTimeoutCommit && this.lastCommit.hasAll()) {
        await this.enterNewRound(this.rsHeight, 0);
      }
      return;
    }
    if (vote.height !== this.rsHeight) return;
    const r = this.votes.addVote(vote, peer);
    if (r.conflicting !== undefined) this.recordConflict(r.conflicting, vote, false);
    if (!r.added) return;
    this.heldSince.set(vote, this.nowMs());
    const height = this.rsHeight;
    if (vote.type === SignedMsgType.Prevote) {
      const prevotes = this.votes.prevotes(vote.round) as VoteSet;
      const maj = prevotes.twoThirdsMajority();
      if (maj !== undefined && !isNilBlockId(maj)) {
        // lines 36/42: update the valid value
        if (this.validRound < vote.round && vote.round === this.round) {
          if (this.proposalBlock !== undefined && equalBytes(this.blockHash(this.proposalBlock), maj.hash)) {
            this.validRound = vote.round;
            this.validBlock = this.proposalBlock;
            this.validBlockParts = this.proposalBlockParts;
          } else {
            this.proposalBlock = undefined;
          }
          if (
            this.proposalBlockParts === undefined ||
            !this.proposalBlockParts.hasHeader(maj.partSetHeader)
          ) {
            this.proposalBlockParts = new PartSetBuilder(maj.partSetHeader);
          }
        }
      }
      if (this.round < vote.round && prevotes.hasTwoThirdsAny()) {
        await this.enterNewRound(height, vote.round);
      } else if (this.round === vote.round && RoundStep.Prevote <= this.step) {
        const m = prevotes.twoThirdsMajority();
        if (m !== undefined && (this.isProposalComplete() || isNilBlockId(m))) {
          await this.enterPrecommit(height, vote.round);
        } else if (prevotes.hasTwoThirdsAny()) {
          await this.enterPrevoteWait(height, vote.round);
        }
      } else if (
        this.proposal !== undefined &&
        this.proposal.polRound >= 0 &&
        this.proposal.polRound === vote.round
      ) {
        if (this.isProposalComplete()) await this.enterPrevote(height, this.round);
      }
      return;
    }
    // precommit
    const precommits = this.votes.precommits(vote.round) as VoteSet;
    const maj = precommits.twoThirdsMajority();
    if (maj !== undefined) {
      await this.enterNewRound(height, vote.round);
      await this.enterPrecommit(height, vote.round);
      if (!isNilBlockId(maj)) {
        await this.enterCommit(height, vote.round);
        if (this.options.skipTimeoutCommit && precommits.hasAll() && this.rsHeight !== height) {
          await this.enterNewRound(this.rsHeight, 0);
        }
      } else {
        await this.enterPrecommitWait(height, vote.round);
      }
    } else if (this.round <= vote.round && precommits.hasTwoThirdsAny()) {
      await this.enterNewRound(height, vote.round);
      await this.enterPrecommitWait(height, vote.round);
    }
  }

  private recordConflict(a: Vote, b: Vote, lastHeight: boolean): void {
    const own = this.deps.signer !== undefined && equalBytes(a.validatorAddress, this.deps.signer.address);
    if (own) {
      this.log("found a conflicting vote of our own: did we restart with an old signer state?");
      return;
    }
    if (lastHeight && this.deps.evidencePool !== undefined && this.state.lastValidators !== undefined) {
      try {
        this.deps.evidencePool.addEvidence(
          makeDuplicateVoteEvidence(a, b, this.state.lastBlockTime, this.state.lastValidators),
        );
      } catch (e) {
        this.log(`cannot record evidence: ${errMsg(e)}`);
      }
      return;
    }
    if (this.conflicts.length < 1000) this.conflicts.push([a, b]);
  }

  // ---- block validation (CometBFT state.validateBlock) ----

  private async validateBlock(block: Block): Promise<void> {
    const s = this.state;
    const h = block.header;
    const fail = (m: string): never => {
      throw consensusError(ConsensusErrorCode.InvalidBlock, m);
    };
    validateBlockBasic(block);
    if (h.version.block !== BLOCK_PROTOCOL || h.version.app !== BigInt(s.consensusParams.version.app))
      fail("wrong block version");
    if (h.chainId !== this.chainId) fail("wrong chain id");
    if (h.height !== s.lastHeight + 1) fail(`wrong height ${h.height}`);
    if (!blockIdEquals(h.lastBlockId, s.lastBlockId)) fail("wrong last block id");
    if (!equalBytes(h.appHash, s.appHash)) fail("wrong app hash");
    if (!equalBytes(h.lastResultsHash, s.lastResultsHash)) fail("wrong last results hash");
    if (!equalBytes(h.validatorsHash, s.validators.hash())) fail("wrong validators hash");
    if (!equalBytes(h.nextValidatorsHash, s.nextValidators.hash())) fail("wrong next validators hash");
    if (!equalBytes(h.consensusHash, consensusParamsHash(s.consensusParams))) fail("wrong consensus hash");
    if (!s.validators.hasAddress(h.proposerAddress)) fail("proposer is not a validator");
    const maxBytes =
      s.consensusParams.block.maxBytes < 0 ? MAX_BLOCK_SIZE_BYTES : s.consensusParams.block.maxBytes;
    if ((this.blockSizes.get(block) ?? encodeBlock(block).length) > maxBytes) fail("block too big");
    if (h.height === this.options.genesis.initialHeight) {
      if (block.lastCommit.signatures.length !== 0) fail("the initial block must have an empty last commit");
      if (compareTimestamps(h.time, s.lastBlockTime) !== 0)
        fail("the initial block must carry the genesis time");
    } else {
      const lastVals = s.lastValidators as ValidatorSet;
      verifyCommit(this.chainId, lastVals, s.lastBlockId, s.lastHeight, block.lastCommit, this.verify);
      const median = medianTime(block.lastCommit, lastVals.validators);
      if (compareTimestamps(h.time, median) !== 0) fail("block time is not the median of the last commit");
      if (compareTimestamps(h.time, s.lastBlockTime) <= 0) fail("block time not after the last block's");
    }
    const seen = new Set<string>();
    for (const ev of block.evidence) await this.verifyEvidence(ev, h.height, seen);
    this.validated = { block, state: s };
  }

  /** The block this node last proposed, with its part set header (its parts need no decoding here). */
  private ownBlock: { block: Block; header: PartSetHeader } | undefined;

  /** The last block that passed `validateBlock`, and the state it was checked against. */
  private validated: { block: Block; state: ChainState } | undefined;

  private async verifyEvidence(ev: Evidence, height: number, seen: Set<string>): Promise<void> {
    const fail = (m: string): never => {
      throw consensusError(ConsensusErrorCode.InvalidEvidence, m);
    };
    const evHeight = ev.voteA.height;
    if (evHeight >= height) fail("evidence from the future");
    const key = `${toHexUpper(ev.voteA.validatorAddress)}/${evHeight}/${ev.voteA.round}/${ev.voteA.type}`;
    if (seen.has(key)) fail("duplicate evidence in block");
    seen.add(key);
    if (this.deps.evidencePool?.isCommitted(ev)) fail("evidence already committed");
    if (isEvidenceExpired(ev, height, this.state.lastBlockTime, this.state.consensusParams.evidence))
      fail("evidence expired");
    let valSet: ValidatorSet | undefined;
    let evBlockTime: Timestamp | undefined;
    if (evHeight === this.state.lastHeight) {
      valSet = this.state.lastValidators;
      evBlockTime = this.state.lastBlockTime;
    } else {
      const vals = await this.deps.blockStore.loadValidators(evHeight);
      if (vals !== undefined) valSet = ValidatorSet.fromStored(vals);
      evBlockTime = (await this.deps.blockStore.loadBlock(evHeight))?.header.time;
    }
    if (valSet === undefined) return fail(`no validator set for evidence height ${evHeight}`);
    // CometBFT: the evidence's time is the time of the block at its height (it drives the age check)
    if (evBlockTime === undefined) return fail(`no block at evidence height ${evHeight}`);
    if (compareTimestamps(ev.timestamp, evBlockTime) !== 0)
      fail("evidence time is not the time of the block at its height");
    verifyDuplicateVoteEvidence(this.chainId, ev, valSet, this.verify);
  }

  // ---- gossip (CometBFT reactor's gossipData / gossipVotes, driven by peers' round state) ----

  private statusMessage(): NewRoundStepMessage {
    const pv = this.votes.prevotes(this.round);
    const pc = this.votes.precommits(this.round);
    const parts = this.proposalBlockParts;
    const msg: NewRoundStepMessage = {
      kind: "newRoundStep",
      height: this.rsHeight,
      round: this.round,
      step: this.step,
      lastCommitRound: this.lastCommit?.round ?? -1,
      hasProposal: this.proposal !== undefined,
      parts: parts?.bitArray() ?? [],
      prevotes: pv?.bitArray() ?? [],
      precommits: pc?.bitArray() ?? [],
      lastCommit: this.lastCommit?.bitArray() ?? [],
    };
    if (parts !== undefined) msg.partsHeader = parts.header;
    return msg;
  }

  private broadcastStatus(): void {
    if (this.stopped || this.votes === undefined) return;
    this.deps.network.broadcast(this.statusMessage());
  }

  /**
   * Whether to send `item` (a proposal, part or vote of the current height this node holds) to
   * `peer`, whose round state says it lacks it. Not when this node sent it to that peer less than a
   * gossip interval ago; and not while the item is fresh here (held for less than an interval) if the
   * peer was already at this height (and, for a proposal or part, this round) when this node got it —
   * the gossip that brought it here is then most likely bringing it to the peer too. A peer that
   * arrived later dropped that gossip (it was behind) and gets the item at once. A peer that really
   * lacks an item asks again with its next round state, so a lost one comes an interval later at worst.
   */
  private shouldSend(item: object, peer: string, now: number, perRound: boolean): boolean {
    const window = this.options.gossipIntervalMs ?? 1000;
    if (window <= 0) return true;
    const since = this.heldSince.get(item);
    if (since !== undefined && now - since < window) {
      const p = this.peerRounds.get(peer);
      if (
        p !== undefined &&
        p.height === this.rsHeight &&
        p.heightSince < since &&
        (!perRound || (p.round === this.round && p.roundSince < since))
      ) {
        return false;
      }
    }
    let sent = this.sentTo.get(item);
    const last = sent?.get(peer);
    if (last !== undefined && now - last < window) return false;
    if (sent === undefined) {
      sent = new Map();
      this.sentTo.set(item, sent);
    }
    sent.set(peer, now);
    return true;
  }

  /** Note a peer's reported height and round, and since when this node has known it there. */
  private notePeerRound(peer: string, st: NewRoundStepMessage, now: number): void {
    const p = this.peerRounds.get(peer);
    if (p === undefined || p.height !== st.height) {
      if (p === undefined && this.peerRounds.size >= 1024) this.peerRounds.clear();
      this.peerRounds.set(peer, { height: st.height, heightSince: now, round: st.round, roundSince: now });
    } else if (p.round !== st.round) {
      p.round = st.round;
      p.roundSince = now;
    }
  }

  /** The engine clock in milliseconds. */
  private nowMs(): number {
    return Number(toNanos(this.deps.clock.now()) / 1_000_000n);
  }

  /** When this node came to hold each proposal, part and vote (engine clock, ms). */
  private readonly heldSince = new WeakMap<object, number>();
  /** When this node last sent each of them directly, per peer. */
  private readonly sentTo = new WeakMap<object, Map<string, number>>();
  /** Each peer's height and round from its round state, with when this node first saw it there. */
  private readonly peerRounds = new Map<
    string,
    { height: number; heightSince: number; round: number; roundSince: number }
  >();

  private async answerStatus(peer: string, st: NewRoundStepMessage): Promise<void> {
    const net = this.deps.network;
    const now = this.nowMs();
    this.notePeerRound(peer, st, now);
    const sendVotes = (votes: readonly Vote[], have: readonly boolean[]): void => {
      for (const v of votes)
        if (!have[v.validatorIndex] && this.shouldSend(v, peer, now, false))
          net.sendTo(peer, { kind: "vote", vote: v });
    };
    const sendParts = (ps: PartSetBuilder | undefined, height: number, round: number): boolean => {
      if (ps === undefined || st.partsHeader === undefined || !ps.hasHeader(st.partsHeader)) return false;
      for (let i = 0; i < ps.header.total; i++) {
        const part = ps.getPart(i);
        if (part !== undefined && !st.parts[i] && this.shouldSend(part, peer, now, true))
          net.sendTo(peer, { kind: "blockPart", height, round, part });
      }
      return true;
    };
    if (st.height < this.rsHeight) {
      // the peer is behind: send the commit of its height, then (once it asks with the header) the block
      let commitVotes: Vote[];
      let parts: PartSetBuilder | undefined;
      if (st.height === this.rsHeight - 1 && this.lastCommit !== undefined) {
        commitVotes = this.lastCommit.list();
        parts = this.lastBlockParts;
      } else {
        if (st.height < this.options.genesis.initialHeight) return;
        // the canonical commit (block h+1's last_commit): seen commits are kept for the tip only
        const bs = this.deps.blockStore;
        const commit = (await bs.loadCommit?.(st.height)) ?? (await bs.loadSeenCommit(st.height));
        const vals = await this.deps.blockStore.loadValidators(st.height);
        if (commit === undefined || vals === undefined) return;
        commitVotes = this.commitToVoteSet(commit, ValidatorSet.fromStored(vals)).list();
        if (st.partsHeader !== undefined) {
          const block = await this.deps.blockStore.loadBlock(st.height);
          if (block !== undefined) parts = PartSetBuilder.fromPartSet(makeBlockPartSet(block));
        }
      }
      const round = commitVotes[0]?.round ?? 0;
      sendVotes(commitVotes, st.round === round ? st.precommits : []);
      sendParts(parts, st.height, round);
      return;
    }
    if (st.height !== this.rsHeight) return;
    // proposal and parts
    if (
      st.round === this.round &&
      this.proposal !== undefined &&
      !st.hasProposal &&
      this.shouldSend(this.proposal, peer, now, true)
    ) {
      net.sendTo(peer, { kind: "proposal", proposal: this.proposal });
      if (this.proposal.polRound >= 0) {
        sendVotes(this.votes.prevotes(this.proposal.polRound)?.list() ?? [], []);
      }
    }
    if (!sendParts(this.proposalBlockParts, st.height, this.round)) {
      if (!sendParts(this.validBlockParts, st.height, this.round))
        sendParts(this.lockedBlockParts, st.height, this.round);
    }
    // votes
    for (const r of this.votes.trackedRounds()) {
      const pv = this.votes.prevotes(r) as VoteSet;
      const pc = this.votes.precommits(r) as VoteSet;
      if (r === st.round) {
        sendVotes(pv.list(), st.prevotes);
        sendVotes(pc.list(), st.precommits);
      } else if (r > st.round) {
        if (pv.hasTwoThirdsAny()) sendVotes(pv.list(), []);
        if (pc.hasTwoThirdsAny()) sendVotes(pc.list(), []);
      } else {
        const pvMaj = pv.twoThirdsMajority();
        if (pvMaj !== undefined && !isNilBlockId(pvMaj)) sendVotes(pv.list(), []);
        const pcMaj = pc.twoThirdsMajority();
        if (pcMaj !== undefined && !isNilBlockId(pcMaj)) sendVotes(pc.list(), []);
      }
    }
  }

  // ---- handshake (as the block producer's) ----

  private async handshake(): Promise<ChainState> {
    const { app, blockStore } = this.deps;
    const genesis = this.options.genesis;
    const info = await app.info();
    const appHeight = info.lastBlockHeight;
    const storeHeight = blockStore.height;
    if (appHeight > storeHeight) {
      throw handshakeError(`app is at height ${appHeight} but the block store only at ${storeHeight}`);
    }
    if (storeHeight === 0) return this.initChain();
    if (storeHeight < genesis.initialHeight)
      throw handshakeError(`block store height ${storeHeight} below initial height`);
    let appHash = info.lastBlockAppHash;
    if (appHeight < storeHeight) {
      if (appHeight === 0) await app.initChain(genesis);
      const from = Math.max(appHeight + 1, genesis.initialHeight);
      for (let h = from; h <= storeHeight; h++) appHash = await this.replayBlock(h);
    }
    const state = await this.loadState(storeHeight);
    if (!equalBytes(appHash, state.appHash)) {
      throw handshakeError(
        `app hash mismatch at height ${storeHeight}: app ${toHexUpper(appHash)}, block store ${toHexUpper(state.appHash)}`,
      );
    }
    return state;
  }

  private async initChain(): Promise<ChainState> {
    const genesis = this.options.genesis;
    const res = await this.deps.app.initChain(genesis);
    const updates = res.validators.length > 0 ? res.validators : genesis.validators;
    if (updates.length === 0)
      throw consensusError(ConsensusErrorCode.NotValidator, "the genesis validator set is empty");
    const base = ValidatorSet.fromUpdatesNoIncrement(updates);
    const validators = base.copyIncrementProposerPriority(1);
    return {
      lastHeight: genesis.initialHeight - 1,
      lastBlockId: zeroBlockId(),
      lastBlockTime: genesis.time,
      lastCommit: emptyCommit(),
      lastValidators: undefined,
      validators,
      nextValidators: validators.copyIncrementProposerPriority(1),
      validatorsBase: base,
      nextValidatorsBase: validators.copy(),
      consensusParams: res.consensusParams ?? genesis.consensusParams,
      appHash: res.appHash,
      lastResultsHash: lastResultsHash([]),
    };
  }

  private async replayBlock(height: number): Promise<Uint8Array> {
    const { app, blockStore } = this.deps;
    const block = await blockStore.loadBlock(height);
    if (!block) throw handshakeError(`block ${height} missing for replay`);
    const blockId = await blockStore.loadBlockId(height);
    const lastValidators =
      height > this.options.genesis.initialHeight ? await blockStore.loadValidators(height - 1) : [];
    if (!lastValidators || !blockId)
      throw handshakeError(`block id or validators of height ${height - 1} missing`);
    const h = block.header;
    const results = await app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit: commitInfo(block.lastCommit, lastValidators),
      misbehavior: block.evidence.map(evidenceToMisbehavior),
      hash: blockId.hash,
      height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    checkResults(results, block.data.txs.length);
    const stored = await blockStore.loadResults(height);
    if (stored && !equalBytes(stored.appHash, results.appHash)) {
      throw handshakeError(`replay of height ${height} gave a different app hash`);
    }
    await app.commit();
    return results.appHash;
  }

  private async loadState(height: number): Promise<ChainState> {
    const bs = this.deps.blockStore;
    const block = await bs.loadBlock(height);
    const blockId = await bs.loadBlockId(height);
    const seenCommit = await bs.loadSeenCommit(height);
    const results = await bs.loadResults(height);
    const lastValidators = await bs.loadValidators(height);
    const validators = await bs.loadValidators(height + 1);
    const params = await bs.loadConsensusParams(height + 1);
    if (!block || !blockId || !seenCommit || !results || !lastValidators || !validators || !params) {
      throw handshakeError(
        `block store lacks the block, commit, results, validators or params of height ${height}`,
      );
    }
    const base = ValidatorSet.fromStored(validators);
    const vals = base.copyIncrementProposerPriority(1);
    const nextBase = vals.copy();
    if (results.validatorUpdates.length > 0) nextBase.applyUpdates(results.validatorUpdates);
    const next = nextBase.copyIncrementProposerPriority(1);
    return {
      lastHeight: height,
      lastBlockId: blockId,
      lastBlockTime: block.header.time,
      lastCommit: seenCommit,
      lastValidators: ValidatorSet.fromStored(lastValidators),
      validators: vals,
      nextValidators: next,
      validatorsBase: base,
      nextValidatorsBase: nextBase,
      consensusParams: params,
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
    };
  }

  // ---- misc ----

  private readonly hashCache = new WeakMap<Block, Uint8Array>();
  /** Encoded sizes of blocks assembled from (or cut into) parts: the part set is the encoding. */
  private readonly blockSizes = new WeakMap<Block, number>();

  private blockHash(block: Block): Uint8Array {
    let h = this.hashCache.get(block);
    if (h === undefined) {
      h = blockHashOf(block);
      this.hashCache.set(block, h);
    }
    return h;
  }

  private log(message: string): void {
    this.deps.log?.(`[h=${this.rsHeight} r=${this.round}] ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Private helpers

function votesByIndex(set: VoteSet | undefined, n: number): (Vote | undefined)[] {
  const out: (Vote | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push(set?.getByIndex(i));
  return out;
}

function walWorthy(msg: ConsensusMessage): boolean {
  return msg.kind === "proposal" || msg.kind === "blockPart" || msg.kind === "vote";
}

function msgHeight(msg: ConsensusMessage): number {
  switch (msg.kind) {
    case "proposal":
      return msg.proposal.height;
    case "vote":
      return msg.vote.height;
    default:
      return msg.height;
  }
}

function checkResults(results: FinalizeBlockResponse, txCount: number): void {
  if (results.txResults.length !== txCount) {
    throw consensusError(
      ConsensusErrorCode.AppMisbehaved,
      `FinalizeBlock returned ${results.txResults.length} results for ${txCount} txs`,
    );
  }
}

function protoTxSize(len: number): number {
  let v = 1;
  for (let n = len; n >= 0x80; n = Math.floor(n / 128)) v++;
  return 1 + v + len;
}

function toNanos(t: Timestamp): bigint {
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function consensusError(code: ConsensusErrorCode, message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, code, message);
}

function handshakeError(message: string): CodedError {
  return consensusError(ConsensusErrorCode.HandshakeFailed, message);
}
