/**
 * Block sync: a node far behind its peers (a peer reports a height above ours + 1) fetches blocks with
 * their commits, verifies each against the validator set it already trusts (+2/3 of the power signed
 * the block id, and the header chains onto our last block, validator set, app hash and results), and
 * applies them through the `Application` exactly as consensus would (FinalizeBlock, stage the block and
 * its index writes, Commit — one atomic flush). A peer that serves a bad block is reported and the
 * height is fetched from another. `run()` returns once caught up so consensus can take over; `follow()`
 * keeps a non-validating node in step with the network.
 *
 * The network is reached only through `BlockSyncSource` (implemented by `src/p2p/`), so this runs and is
 * tested without sockets.
 */
import type { Application, ConsensusParams, InitChainRequest, Misbehavior } from "../abci/types.js";
import { applyValidatorUpdates, commitInfo } from "../consensus/producer.js";
import type { ConsensusBlockStore, ConsensusEventSink, ConsensusMempool } from "../consensus/types.js";
import {
  type Block,
  type BlockID,
  type Commit,
  consensusParamsHash,
  type Evidence,
  lastResultsHash,
  makeBlockId,
  type Validator,
  validateBlockBasic,
  validatorSetHash,
  zeroBlockId,
} from "../types/block.js";
import { equalBytes, toHexUpper } from "../types/bytes.js";
import { blockIdEquals, verifyCommit } from "../types/commitVerify.js";
import { CodedError } from "../types/errors.js";

/** Codespace of block sync errors. */
export const BLOCKSYNC_CODESPACE = "blocksync";

/** Codes of block sync errors. */
export enum BlockSyncErrorCode {
  /** A peer served a block or commit that does not verify. */
  BadBlock = 1,
  /** The app misbehaved while applying a verified block (fatal). */
  AppMisbehaved = 2,
  /** The local block store and app disagree. */
  InvalidState = 3,
}

/** A block with the commit that proves it. */
export interface BlockWithCommit {
  block: Block;
  commit: Commit;
}

/** Where block sync gets blocks: the p2p layer. */
export interface BlockSyncSource {
  /** Each known peer's latest reported height. */
  peerHeights(): ReadonlyMap<string, number>;
  /** Fetch the block and its commit at `height` from `peer`; undefined when the peer lacks it. */
  fetchBlock(peer: string, height: number): Promise<BlockWithCommit | undefined>;
  /** The peer served invalid data: score it down / disconnect it. */
  reportBadPeer(peer: string, reason: string): void;
}

/** Log sink (the node's `Logger` fits). */
export interface BlockSyncLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of `BlockSync`. */
export interface BlockSyncOptions {
  chainId: string;
  genesis: InitChainRequest;
  /** Blocks fetched ahead of the one being applied (default 16). */
  window?: number;
  /** Wait between polls of the peers' heights when idle (ms, default 200). */
  pollMs?: number;
  /** Per-request timeout (ms, default 10,000). */
  requestTimeoutMs?: number;
}

/** Collaborators of `BlockSync`. */
export interface BlockSyncDeps {
  app: Application;
  blockStore: ConsensusBlockStore;
  mempool: ConsensusMempool;
  events: ConsensusEventSink;
  source: BlockSyncSource;
  log?: BlockSyncLog;
}

/** What block sync knows about the chain after its last applied block. */
interface SyncState {
  height: number;
  blockId: BlockID;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  /** Set that signed the last block (height). */
  lastValidators: Validator[];
  /** Set of height + 1. */
  validators: Validator[];
  /** Set of height + 2. */
  nextValidators: Validator[];
  /** Params in force at height + 1. */
  params: ConsensusParams;
  /** InitChain not yet called (empty store and app). */
  needsInitChain: boolean;
}

/** Fetches, verifies and applies blocks from peers. */
export class BlockSync {
  private state: SyncState | undefined;
  private stopped = false;
  private wakeTimer: (() => void) | undefined;
  private syncedCount = 0;

  /** Build a block syncer. */
  constructor(
    private readonly options: BlockSyncOptions,
    private readonly deps: BlockSyncDeps,
  ) {}

  /** Height of the last block applied (or stored). */
  get height(): number {
    return this.state?.height ?? this.deps.blockStore.height;
  }

  /** Blocks applied by this syncer so far. */
  get synced(): number {
    return this.syncedCount;
  }

  /** The highest height any peer reports (0 without peers). */
  bestPeerHeight(): number {
    let best = 0;
    for (const h of this.deps.source.peerHeights().values()) best = Math.max(best, h);
    return best;
  }

  /** True while some peer is more than one block ahead of us. */
  isBehind(): boolean {
    return this.bestPeerHeight() > this.height + 1;
  }

  /**
   * Sync until no peer is more than one block ahead. Waits up to `waitForPeersMs` for the first peer
   * to report a height. Returns the height reached.
   */
  async run(waitForPeersMs = 0): Promise<number> {
    await this.load();
    const deadline = Date.now() + waitForPeersMs;
    while (!this.stopped && this.deps.source.peerHeights().size === 0 && Date.now() < deadline) {
      await this.sleep(this.options.pollMs ?? 200);
    }
    const start = this.height;
    const target = this.bestPeerHeight();
    if (target > this.height + 1) {
      this.deps.log?.info("block sync: behind peers, syncing", { height: this.height, target });
    }
    while (!this.stopped && this.isBehind()) {
      await this.syncTo(this.bestPeerHeight());
    }
    if (this.height > start) {
      this.deps.log?.info("block sync: caught up, switching to consensus", {
        height: this.height,
        synced: this.height - start,
      });
    }
    return this.height;
  }

  /** Keep applying every block peers have (a non-validating follower) until `stop()`. */
  async follow(): Promise<void> {
    await this.load();
    while (!this.stopped) {
      const best = this.bestPeerHeight();
      if (best > this.height) await this.syncTo(best);
      else await this.sleep(this.options.pollMs ?? 200);
    }
  }

  /** Stop after the block in progress. */
  stop(): void {
    this.stopped = true;
    this.wakeTimer?.();
  }

  /** Apply one block (verified first); exported for tests and for consensus catch-up. */
  async applyVerified(entry: BlockWithCommit): Promise<void> {
    await this.load();
    const s = await this.initChainIfNeeded();
    this.verify(s, entry);
    await this.apply(s, entry);
  }

  // ---- private ----

  private async syncTo(target: number): Promise<void> {
    const window = this.options.window ?? 16;
    const pending = new Map<number, Promise<{ peer: string; entry: BlockWithCommit } | undefined>>();
    const from = this.height + 1;
    let next = from;
    let lastLog = Date.now();
    while (!this.stopped && this.height < target) {
      while (next <= target && pending.size < window) {
        pending.set(next, this.fetchAny(next));
        next++;
      }
      const h = this.height + 1;
      const got = await pending.get(h);
      pending.delete(h);
      if (!got) {
        // Nobody served it: drop the window and retry after a pause.
        pending.clear();
        next = this.height + 1;
        await this.sleep(this.options.pollMs ?? 200);
        target = Math.max(this.height, this.bestPeerHeight());
        continue;
      }
      const s = await this.initChainIfNeeded();
      try {
        this.verify(s, got.entry);
      } catch (e) {
        this.deps.source.reportBadPeer(got.peer, e instanceof Error ? e.message : String(e));
        this.deps.log?.warn("block sync: peer served an invalid block", {
          peer: got.peer,
          height: h,
          error: e,
        });
        pending.delete(h);
        next = Math.min(next, h);
        // refetch h (from a different peer if the bad one is gone)
        pending.clear();
        next = h;
        continue;
      }
      await this.apply(s, got.entry);
      if (Date.now() - lastLog >= 1000 || this.height === target) {
        lastLog = Date.now();
        this.deps.log?.info("block sync progress", {
          height: this.height,
          target,
          remaining: Math.max(0, target - this.height),
        });
      }
      target = Math.max(target, this.bestPeerHeight());
    }
  }

  private async fetchAny(height: number): Promise<{ peer: string; entry: BlockWithCommit } | undefined> {
    const candidates = [...this.deps.source.peerHeights()].filter(([, h]) => h >= height).map(([p]) => p);
    // Spread requests over the peers that have the height, starting at a height-dependent one.
    for (let k = 0; k < candidates.length; k++) {
      const peer = candidates[(height + k) % candidates.length] as string;
      try {
        const entry = await withTimeout(
          this.deps.source.fetchBlock(peer, height),
          this.options.requestTimeoutMs ?? 10_000,
        );
        if (entry) return { peer, entry };
      } catch (e) {
        this.deps.log?.debug("block sync: fetch failed", { peer, height, error: e });
      }
    }
    return undefined;
  }

  /** Check that `entry` is the next block of the chain we trust. Throws `BadBlock`. */
  private verify(s: SyncState, entry: BlockWithCommit): void {
    const { block, commit } = entry;
    const height = s.height + 1;
    const h = block.header;
    try {
      validateBlockBasic(block);
    } catch (e) {
      throw bad(`block ${height}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (h.chainId !== this.options.chainId) throw bad(`block ${height} is for chain ${h.chainId}`);
    if (h.height !== height) throw bad(`got block ${h.height}, want ${height}`);
    if (!blockIdEquals(h.lastBlockId, s.blockId))
      throw bad(`block ${height} does not extend our block ${s.height}`);
    if (!equalBytes(h.validatorsHash, validatorSetHash(s.validators))) {
      throw bad(`block ${height} has the wrong validators hash`);
    }
    if (!equalBytes(h.nextValidatorsHash, validatorSetHash(s.nextValidators))) {
      throw bad(`block ${height} has the wrong next validators hash`);
    }
    if (!equalBytes(h.consensusHash, consensusParamsHash(s.params))) {
      throw bad(`block ${height} has the wrong consensus params hash`);
    }
    if (!equalBytes(h.appHash, s.appHash)) {
      throw bad(`block ${height} has app hash ${toHexUpper(h.appHash)}, ours is ${toHexUpper(s.appHash)}`);
    }
    if (!equalBytes(h.lastResultsHash, s.lastResultsHash))
      throw bad(`block ${height} has the wrong results hash`);
    if (!s.validators.some((v) => equalBytes(v.address, h.proposerAddress))) {
      throw bad(`block ${height} proposer is not a validator`);
    }
    const blockId = makeBlockId(block);
    try {
      verifyCommit(this.options.chainId, s.validators, blockId, height, commit);
      if (height === this.options.genesis.initialHeight) {
        if (block.lastCommit.signatures.length !== 0) throw bad("first block carries a last commit");
      } else {
        verifyCommit(this.options.chainId, s.lastValidators, s.blockId, height - 1, block.lastCommit);
      }
    } catch (e) {
      if (e instanceof CodedError && e.codespace === BLOCKSYNC_CODESPACE) throw e;
      throw bad(`block ${height}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async apply(s: SyncState, entry: BlockWithCommit): Promise<void> {
    const { app, blockStore, mempool, events } = this.deps;
    const { block, commit } = entry;
    const height = block.header.height;
    const blockId = makeBlockId(block);
    const h = block.header;
    const totalPower = s.validators.reduce((a, v) => a + v.votingPower, 0n);
    const results = await app.finalizeBlock({
      txs: block.data.txs,
      decidedLastCommit: commitInfo(block.lastCommit, s.lastValidators),
      misbehavior: block.evidence.map((e) => misbehaviorOf(e, totalPower)),
      hash: blockId.hash,
      height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    if (results.txResults.length !== block.data.txs.length || !(results.appHash instanceof Uint8Array)) {
      throw new CodedError(
        BLOCKSYNC_CODESPACE,
        BlockSyncErrorCode.AppMisbehaved,
        `FinalizeBlock returned ${results.txResults.length} results for ${block.data.txs.length} txs`,
      );
    }
    const nextParams = results.consensusParamUpdates ?? s.params;
    blockStore.stageBlock({
      block,
      blockId,
      seenCommit: commit,
      results,
      validators: s.validators,
      nextValidators: s.nextValidators,
      nextConsensusParams: nextParams,
    });
    await events.beforeCommit?.(block, blockId, results);
    // Lock the mempool around Commit (as consensus does): no CheckTx against the fresh check state
    // before `update` re-checks the held txs into it.
    await mempool.lock?.();
    await app.commit();
    this.state = {
      height,
      blockId,
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
      lastValidators: s.validators,
      validators: s.nextValidators,
      nextValidators: applyValidatorUpdates(s.nextValidators, results.validatorUpdates),
      params: nextParams,
      needsInitChain: false,
    };
    this.syncedCount++;
    await mempool.update(height, block.data.txs, results.txResults);
    try {
      events.onNewBlock?.({ block, blockId, results, seenCommit: commit });
    } catch {
      // a subscriber's failure must not stop sync
    }
  }

  /**
   * On an empty chain, run InitChain before the first block: its app hash and validators are what
   * block 1 must carry. It runs once; its writes are flushed with the first block's commit.
   */
  private async initChainIfNeeded(): Promise<SyncState> {
    const s = this.requireState();
    if (!s.needsInitChain) return s;
    const genesis = this.options.genesis;
    const res = await this.deps.app.initChain(genesis);
    const validators = applyValidatorUpdates(
      [],
      res.validators.length > 0 ? res.validators : genesis.validators,
    );
    s.validators = validators;
    s.nextValidators = validators;
    s.params = res.consensusParams ?? genesis.consensusParams;
    s.appHash = res.appHash;
    s.needsInitChain = false;
    return s;
  }

  /** Rebuild the verification state from the block store (and genesis when empty). */
  private async load(): Promise<void> {
    if (this.state) return;
    const { app, blockStore } = this.deps;
    const info = await app.info();
    const height = blockStore.height;
    if (info.lastBlockHeight !== height) {
      throw new CodedError(
        BLOCKSYNC_CODESPACE,
        BlockSyncErrorCode.InvalidState,
        `app at height ${info.lastBlockHeight} but block store at ${height}: start consensus to replay first`,
      );
    }
    const genesis = this.options.genesis;
    if (height === 0) {
      // The app hash after InitChain is needed to check block 1; compute it with InitChain only when
      // a block is actually applied (InitChain then runs once, before the first FinalizeBlock).
      const validators = applyValidatorUpdates([], genesis.validators);
      this.state = {
        height: genesis.initialHeight - 1,
        blockId: zeroBlockId(),
        appHash: new Uint8Array(0),
        lastResultsHash: lastResultsHash([]),
        lastValidators: [],
        validators,
        nextValidators: validators,
        params: genesis.consensusParams,
        needsInitChain: true,
      };
      return;
    }
    const block = await blockStore.loadBlock(height);
    const results = await blockStore.loadResults(height);
    const lastValidators = await blockStore.loadValidators(height);
    const validators = await blockStore.loadValidators(height + 1);
    const params = await blockStore.loadConsensusParams(height + 1);
    const blockId = await blockStore.loadBlockId(height);
    if (!block || !results || !lastValidators || !validators || !params) {
      throw new CodedError(
        BLOCKSYNC_CODESPACE,
        BlockSyncErrorCode.InvalidState,
        `block store lacks the block, results, validators or params of height ${height}`,
      );
    }
    this.state = {
      height,
      blockId: blockId ?? makeBlockId(block),
      appHash: results.appHash,
      lastResultsHash: lastResultsHash(results.txResults),
      lastValidators,
      validators,
      nextValidators: applyValidatorUpdates(validators, results.validatorUpdates),
      params,
      needsInitChain: false,
    };
  }

  private requireState(): SyncState {
    const s = this.state;
    if (!s)
      throw new CodedError(BLOCKSYNC_CODESPACE, BlockSyncErrorCode.InvalidState, "block sync not loaded");
    return s;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeTimer = done;
    });
  }
}

function misbehaviorOf(e: Evidence, totalPower: bigint): Misbehavior {
  return {
    type: "duplicate_vote",
    validatorAddress: e.voteA.validatorAddress,
    validatorPower: e.validatorPower,
    height: e.voteA.height,
    time: e.timestamp,
    totalVotingPower: e.totalVotingPower || totalPower,
  };
}

function bad(message: string): CodedError {
  return new CodedError(BLOCKSYNC_CODESPACE, BlockSyncErrorCode.BadBlock, message);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
