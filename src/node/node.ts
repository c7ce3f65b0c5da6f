/**
 * The composition root: the one place that builds the node from its parts and wires them —
 * database → state store → app → block store, indexer → mempool → consensus (block producer) → RPC.
 * Every part gets its options and its collaborators; nothing else constructs parts.
 */
import { join } from "node:path";
import type { Timestamp } from "../abci/types.js";
import { OpenLedgerApp } from "../app/app.js";
import { BlockStore } from "../blockstore/index.js";
import { BlockSync } from "../blocksync/blockSync.js";
import { type AppConfig, type NodeConfig, readAppConfig, readNodeConfig } from "../config/config.js";
import { ConfigCode, configError } from "../config/errors.js";
import { type GenesisDoc, genesisToInitChain, genesisToJson, readGenesis } from "../config/genesis.js";
import { systemClock } from "../consensus/clock.js";
import { TendermintEngine } from "../consensus/engine.js";
import { createFastEd25519Verifier } from "../consensus/fastVerify.js";
import { applyValidatorUpdates, BlockProducer } from "../consensus/producer.js";
import type {
  ConsensusEngine,
  ConsensusEventSink,
  NewBlockEvent,
  SignatureVerifier,
} from "../consensus/types.js";
import { sha256 } from "../crypto/hash.js";
import { EventBus } from "../events/bus.js";
import { PersistentEvidencePool } from "../evidence/pool.js";
import { EvidenceVerifier } from "../evidence/verifier.js";
import { TxIndexer } from "../indexer/index.js";
import { Mempool } from "../mempool/mempool.js";
import { SignatureVerifyPool } from "../mempool/verifyPool.js";
import { MetricsServer, NodeMetrics } from "../metrics/index.js";
import { StateIndexProvider } from "../modules/attribution/indexProvider.js";
import { AttributionModule } from "../modules/attribution/module.js";
import type { BankKeeper } from "../modules/bank/keeper.js";
import { DatanetsModule } from "../modules/datanets/module.js";
import { createGovModule } from "../modules/gov/stack.js";
import { ModelsModule } from "../modules/models/module.js";
import { createStakingStack } from "../modules/staking/stack.js";
import { UpgradeKeeper } from "../modules/upgrade/keeper.js";
import { UpgradeModule } from "../modules/upgrade/module.js";
import { consensusChecker } from "../p2p/consensusCheck.js";
import { P2PNode } from "../p2p/p2pNode.js";
import { FilePV } from "../privval/file.js";
import type { RestEnv } from "../rest/env.js";
import { loadProtos, RestGateway, RestServer } from "../rest/index.js";
import { COMETBFT_VERSION, NODE_CHANNELS } from "../rpc/encoding.js";
import type { RpcChainPoint, RpcEnv, RpcRoundState, RpcTxRecord } from "../rpc/env.js";
import { RpcServer } from "../rpc/server.js";
import { LevelDatabase, StateStore } from "../store/index.js";
import type { BlockMeta } from "../types/block.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { FileWAL } from "../wal/fileWal.js";
import { FileSegmentStore } from "./attributionIndex.js";
import { tendermintRoundState } from "./consensusState.js";
import { homePaths, isInitialised } from "./home.js";
import { Logger } from "./logger.js";
import { loadNodeKey, type NodeKey } from "./nodeKey.js";
import { txServiceQuery } from "./txService.js";

/** Command-line overrides of the config files. */
export interface NodeOverrides {
  rpcLaddr?: string;
  p2pLaddr?: string;
  apiAddress?: string;
  persistentPeers?: string;
  minimumGasPrices?: string;
  timeoutCommitMs?: number;
}

/** Options of `OpenLedgerNode.init`. */
export interface NodeOptions {
  home: string;
  overrides?: NodeOverrides;
  logger?: Logger;
  /**
   * Called when block production halts on an error (after staged writes are discarded, so nothing
   * half-written reaches disk); the CLI exits non-zero and a restart replays from the last commit.
   */
  onFatal?: (error: unknown) => void;
}

/** A running (or ready to run) node. */
export class OpenLedgerNode {
  private rpc: RpcServer | undefined;
  private metricsServer: MetricsServer | undefined;
  /** The event bus RPC subscriptions read; the node publishes every committed block to it. */
  readonly eventBus: EventBus;
  /** The node's Prometheus metrics. */
  readonly metrics: NodeMetrics;
  private rest: RestServer | undefined;
  private readonly txWaiters = new Map<string, Set<(r: RpcTxRecord) => void>>();
  private latestPoint: RpcChainPoint;
  private earliestPoint: RpcChainPoint;

  private constructor(
    readonly config: NodeConfig,
    readonly appConfig: AppConfig,
    readonly genesis: GenesisDoc,
    private readonly genesisJson: string,
    readonly nodeKey: NodeKey,
    private readonly db: LevelDatabase,
    readonly store: StateStore,
    readonly app: OpenLedgerApp,
    readonly blockStore: BlockStore,
    readonly indexer: TxIndexer,
    readonly mempool: Mempool,
    readonly validator: FilePV,
    private readonly log: Logger,
    private readonly onFatal: (error: unknown) => void,
    /** The p2p layer (libp2p): consensus gossip, tx gossip, block sync. */
    readonly p2p: P2PNode,
    /** Folder of the consensus write-ahead log (`data/cs.wal`). */
    walDir: string,
    /** The ed25519 check shared by the p2p pre-relay check and the engine (one cache of verified votes). */
    consensusVerify: SignatureVerifier,
    /** Pending and committed evidence (on the node's database); gossiped through `p2p`. */
    readonly evidencePool: PersistentEvidencePool,
  ) {
    const genesisPoint = {
      height: 0,
      hash: sha256(new Uint8Array()),
      appHash: store.lastHash,
      time: genesisToInitChain(genesis).time,
    };
    this.latestPoint = genesisPoint;
    this.earliestPoint = genesisPoint;
    this.eventBus = new EventBus({
      maxClients: config.rpc.maxSubscriptionClients,
      maxSubscriptionsPerClient: config.rpc.maxSubscriptionsPerClient,
      bufferSize: config.rpc.subscriptionBufferSize,
    });
    this.metrics = new NodeMetrics({ chainId: genesis.chainId });
    mempool.onTxAdded(() => this.metrics.setMempool(mempool.size, mempool.bytes));
    const events: ConsensusEventSink = {
      beforeCommit: (block, _id, results) => {
        // the block's evidence is marked committed in the block's own atomic batch (consensus and block sync)
        if (block.evidence.length > 0) evidencePool.markCommitted(block.evidence);
        if (config.txIndex.indexer === "kv") {
          indexer.stageBlock(block.header.height, block.data.txs, results.txResults, results.events);
        }
      },
      onNewBlock: (e) => this.onNewBlock(e),
      onError: (e) => this.halt(e),
    };
    const initChain = genesisToInitChain(genesis);
    this.blockSync = new BlockSync(
      { chainId: genesis.chainId, genesis: initChain },
      { app, blockStore, mempool, events, source: p2p, log: log.child("blocksync") },
    );
    this.consensusMode = consensusModeFor(genesis, validator.pubKey);
    if (this.consensusMode === "tendermint") {
      const c = config.consensus;
      this.consensus = new TendermintEngine(
        {
          genesis: initChain,
          ...(c.maxBlockTxs > 0 ? { maxProposalTxs: c.maxBlockTxs } : {}),
          timeouts: {
            proposeMs: c.timeoutProposeMs,
            proposeDeltaMs: c.timeoutProposeDeltaMs,
            prevoteMs: c.timeoutPrevoteMs,
            prevoteDeltaMs: c.timeoutPrevoteDeltaMs,
            precommitMs: c.timeoutPrecommitMs,
            precommitDeltaMs: c.timeoutPrecommitDeltaMs,
            commitMs: c.timeoutCommitMs,
          },
        },
        {
          app,
          blockStore,
          mempool,
          signer: validator,
          clock: systemClock,
          events,
          network: p2p,
          wal: new FileWAL(walDir),
          evidencePool,
          // (pubKey, message, signature), ed25519Verify's results; votes the p2p check verified are cached
          verifySignature: consensusVerify,
          log: (m) => log.debug(m, { module: "consensus" }),
        },
      );
    } else if (this.consensusMode === "producer") {
      this.consensus = new BlockProducer(
        { timeoutCommitMs: config.consensus.timeoutCommitMs, genesis: initChain },
        { app, blockStore, mempool, signer: validator, clock: systemClock, events },
      );
    } else {
      this.consensus = followerEngine(this.blockSync, blockStore, (e) => this.halt(e));
    }
    // txs from clients are gossiped; those from peers are relayed by gossipsub with their batch
    mempool.onTxAdded((entry) => {
      if (!entry.fromPeer) p2p.gossipTx(entry.tx);
    });
    // evidence the engine detects or a peer sends (checked first) is gossiped on
    evidencePool.onAdded((ev) => p2p.broadcastEvidence([ev]));
  }

  /** How this node takes part in consensus. */
  readonly consensusMode: ConsensusMode;
  /** Block sync: catches a far-behind node up before consensus (or follows, for a full node). */
  readonly blockSync: BlockSync;
  private syncing = false;

  /** The consensus engine (the single-validator producer until the Tendermint engine lands). */
  readonly consensus: ConsensusEngine;

  /** Read the home's configuration, open its database and build every part. */
  static async init(opts: NodeOptions): Promise<OpenLedgerNode> {
    const log = opts.logger ?? new Logger("node");
    if (!isInitialised(opts.home)) {
      throw configError(
        ConfigCode.NotInitialised,
        `${opts.home} is not initialised: run \`openledgerd init\` (or \`openledgerd dev\`) first`,
      );
    }
    const paths = homePaths(opts.home);
    const config = readNodeConfig(opts.home);
    const appConfig = readAppConfig(opts.home);
    const o = opts.overrides ?? {};
    if (o.rpcLaddr) config.rpc.laddr = o.rpcLaddr;
    if (o.p2pLaddr) config.p2p.laddr = o.p2pLaddr;
    if (o.persistentPeers !== undefined)
      config.p2p.persistentPeers = o.persistentPeers.split(",").filter(Boolean);
    if (o.apiAddress) appConfig.api.address = o.apiAddress;
    if (o.minimumGasPrices !== undefined) appConfig.minimumGasPrices = o.minimumGasPrices;
    if (o.timeoutCommitMs !== undefined) config.consensus.timeoutCommitMs = o.timeoutCommitMs;
    const genesis = readGenesis(paths.genesis);
    const nodeKey = loadNodeKey(paths.nodeKey);
    const validator = FilePV.load(paths.privValidatorKey, paths.privValidatorState);

    const sc = appConfig.store;
    const db = await LevelDatabase.open(paths.db, {
      cacheSize: sc.leveldbCacheBytes,
      writeBufferSize: sc.leveldbWriteBufferBytes,
      maxOpenFiles: sc.leveldbMaxOpenFiles,
    });
    const store = StateStore.open(db, {
      keepRecent: appConfig.pruning.keepRecent,
      cacheBytes: sc.cacheBytes,
      nodeCacheBytes: sc.nodeCacheBytes,
      flatCacheBytes: sc.flatCacheBytes,
    });
    const pos = createStakingStack((): BankKeeper => app.bankKeeper);
    // Upgrade runs first in begin-block so a needed upgrade halts before any state changes; gov
    // executes passed proposals' messages through the app's router as the gov module account.
    const upgrade = new UpgradeModule(new UpgradeKeeper(), () => app.modules.map((m) => m.name));
    const gov = createGovModule({
      bank: (): BankKeeper => app.bankKeeper,
      staking: () => pos.staking,
      router: (u) => app.msgDef(u),
    });
    // Fees and slashes of OpenLedger's modules fund the distribution module's community pool.
    const datanets = new DatanetsModule({
      bank: (): BankKeeper => app.bankKeeper,
      communityPool: {
        fundFromAccount: (ctx, from, coins) => pos.distribution.fundCommunityPool(ctx, from, coins),
        fundFromModule: (ctx, module, coins) =>
          pos.distribution.fundCommunityPoolFromModule(ctx, module, coins),
      },
    });
    const models = new ModelsModule({
      bank: (): BankKeeper => app.bankKeeper,
      datanets: () => datanets.keeper,
      communityPool: () => pos.distribution,
      escrowBalance: (ctx, addr, denom) => app.bankKeeper.getBalance(ctx, addr, denom),
    });
    // Attribution's segment index lives in data/attribution (derived data, rebuilt from state when missing).
    const attribution = new AttributionModule({
      bank: (): BankKeeper => app.bankKeeper,
      accounts: () => app.authKeeper,
      communityPool: () => pos.distribution,
      models: () => models.keeper,
      datanets: () => datanets.keeper,
      index: new StateIndexProvider(
        () => datanets.keeper,
        new FileSegmentStore(join(paths.data, "attribution")),
        (e) =>
          log.info("attribution index built", { ...e, datanetId: `${e.datanetId}`, version: `${e.version}` }),
      ),
    });
    const app: OpenLedgerApp = new OpenLedgerApp(
      { chainId: genesis.chainId, minGasPrices: appConfig.minimumGasPrices },
      { store, modules: [upgrade, ...pos.modules, gov, datanets, models, attribution] },
    );
    const blockStore = await BlockStore.open(db);
    // The block store is flushed in the same batch as the index and never pruned (the app retains
    // every height): the index keeps a pointer to each tx and its result there, not a second copy.
    const indexer = new TxIndexer(db, { txSource: blockStore });
    const verifyPool = new SignatureVerifyPool(1);
    const mempool = new Mempool(
      {
        maxTxs: config.mempool.size,
        maxBytes: config.mempool.maxTxsBytes,
        maxTxBytes: config.mempool.maxTxBytes,
        cacheSize: config.mempool.cacheSize,
      },
      // New txs' signatures are verified on a worker thread before CheckTx (see SignatureVerifyPool).
      {
        app,
        preverify: (tx, hash) => app.preverifyTx(tx, (d, sig, pk) => verifyPool.verify(d, sig, pk), hash),
      },
    );
    const consensusVerify = createFastEd25519Verifier();
    const evidencePool = await PersistentEvidencePool.open(db);
    const evidenceVerifier = new EvidenceVerifier(
      { chainId: genesis.chainId, verify: consensusVerify },
      { chain: blockStore, pool: evidencePool },
    );
    const evidenceLog = log.child("evidence");
    const p2p = await P2PNode.create(
      {
        chainId: genesis.chainId,
        nodeKeySeed: nodeKey.privateKey,
        laddr: config.p2p.laddr,
        persistentPeers: config.p2p.persistentPeers,
        seeds: config.p2p.seeds,
        meshDegree: config.p2p.gossipMeshDegree,
        moniker: config.moniker,
        log: log.child("p2p"),
      },
      {
        status: () => ({ height: blockStore.height, base: blockStore.base }),
        loadBlock: async (h) => {
          const [block, commit] = await Promise.all([blockStore.loadBlock(h), blockStore.loadCommit(h)]);
          return block && commit ? { block, commit } : undefined;
        },
        addTx: async (tx) => {
          try {
            return (await mempool.add(tx, true)).added ? "added" : "rejected";
          } catch (e) {
            return e instanceof CodedError && e.code === 19 ? "known" : "rejected";
          }
        },
        checkConsensus: consensusChecker(
          genesis.chainId,
          blockStore,
          {
            initialHeight: genesis.initialHeight,
            validators: applyValidatorUpdates([], genesisToInitChain(genesis).validators),
          },
          consensusVerify,
        ),
        checkEvidence: async (ev) => {
          const { verdict, reason } = await evidenceVerifier.check(ev);
          if (verdict === "accept")
            evidenceLog.info("evidence from a peer added", { height: ev.voteA.height });
          else evidenceLog.debug("evidence from a peer not added", { verdict, reason });
          return verdict;
        },
        pendingEvidence: () => evidencePool.allPending(),
      },
    );
    const genesisJson = JSON.stringify(genesisToJson(genesis));
    const onFatal = opts.onFatal ?? (() => {});
    return new OpenLedgerNode(
      config,
      appConfig,
      genesis,
      genesisJson,
      nodeKey,
      db,
      store,
      app,
      blockStore,
      indexer,
      mempool,
      validator,
      log,
      onFatal,
      p2p,
      join(paths.data, "cs.wal"),
      consensusVerify,
      evidencePool,
    );
  }

  /** Start consensus and the RPC server. */
  async start(): Promise<void> {
    await this.p2p.start();
    if (this.consensusMode === "tendermint") {
      // Far behind the peers (restart after downtime, new node)? Fetch and verify blocks first.
      this.syncing = true;
      try {
        await this.blockSync.run(3000);
      } catch (e) {
        this.log.warn("block sync failed; starting consensus", { error: e });
      } finally {
        this.syncing = false;
      }
    }
    await this.consensus.start();
    await this.refreshChainPoints();
    this.rpc = await RpcServer.start(
      {
        laddr: this.config.rpc.laddr,
        maxBodyBytes: this.config.rpc.maxBodyBytes,
        maxBatch: this.config.rpc.maxBatchRequests,
        maxOpenConnections: this.config.rpc.maxOpenConnections,
        timeoutBroadcastTxCommitMs: this.config.rpc.timeoutBroadcastTxCommitMs,
        corsAllowedOrigins: this.config.rpc.corsAllowedOrigins,
        onError: (e) => this.log.debug("rpc error", { error: e }),
        timeoutMs: this.config.rpc.timeoutReadMs,
        eventBus: this.eventBus,
        websocket: {
          writeBufferSize: this.config.rpc.websocketWriteBufferSize,
          closeOnSlowClient: this.config.rpc.closeOnSlowClient,
        },
        rateLimitPerSecond: this.config.rpc.rateLimitPerSecond,
        rateLimitBurst: this.config.rpc.rateLimitBurst,
        onCall: (method, seconds, ok) => this.metrics.rpcCall(method, seconds, ok),
      },
      this.rpcEnv(),
    );
    if (this.config.instrumentation.prometheus) {
      this.metricsServer = await MetricsServer.start(
        this.config.instrumentation.prometheusListenAddr,
        this.metrics,
        (e) => this.log.debug("metrics error", { error: e }),
      );
      this.log.info("prometheus metrics", { address: this.metricsServer.address });
    }
    if (this.appConfig.api.enable) await this.startRest();
    this.log.info("node started", {
      chain: this.genesis.chainId,
      height: this.consensus.height,
      rpc: this.rpc.address,
      node_id: this.nodeKey.id,
    });
  }

  /** Stop RPC and consensus (finishing the block in progress), then close the database. */
  async stop(): Promise<void> {
    await this.rest?.close();
    await this.metricsServer?.close();
    this.eventBus.stop();
    await this.rpc?.close();
    await this.consensus.stop();
    this.blockSync.stop();
    await this.p2p.stop().catch((e: unknown) => this.log.debug("p2p stop failed", { error: e }));
    // Evidence that arrived since the last block is staged for the next block's batch: with consensus
    // and block sync stopped (idle: no block is half-staged), write it so it survives the restart.
    if (!this.syncing && this.db.stagedCount > 0 && this.evidencePool.size > 0) {
      await this.db.flush().catch((e: unknown) => this.log.warn("evidence flush failed", { error: e }));
    }
    await this.db.close();
    this.log.info("node stopped", { height: this.consensus.height });
  }

  /** The RPC server's bound address. */
  get rpcAddress(): { host: string; port: number } | undefined {
    return this.rpc?.address;
  }

  /** The REST gateway's bound address (undefined when `[api] enable = false`). */
  get restAddress(): { host: string; port: number } | undefined {
    return this.rest?.address;
  }

  /** Start the REST gateway (`app.toml [api]`), its routes derived from the loaded protos. */
  private async startRest(): Promise<void> {
    const api = this.appConfig.api;
    const protos = loadProtos();
    if (protos.errors.length > 0) {
      this.log.info("REST gateway: proto files skipped (install @protobufs/cosmos for the SDK routes)", {
        skipped: protos.errors.length,
        first: protos.errors[0],
      });
    }
    const gateway = RestGateway.load(this.restEnv(), protos);
    this.rest = await RestServer.start(
      {
        address: api.address,
        maxBodyBytes: api.maxBodyBytes,
        maxOpenConnections: api.maxOpenConnections,
        enableCors: api.enabledUnsafeCors,
        corsAllowedOrigins: api.corsAllowedOrigins,
        openApiInfo: { title: `openledgerd REST (${this.genesis.chainId})`, version: "0.1.0" },
        onError: (e) => this.log.debug("rest error", { error: e }),
      },
      gateway,
    );
    this.log.info("REST gateway started", {
      address: this.rest.address,
      routes: gateway.table.routes.length,
    });
  }

  private restEnv(): RestEnv {
    const rpc = this.rpcEnv();
    return {
      abciQuery: (path, data, height) => rpc.abciQuery({ path, data, height: height ?? 0, prove: false }),
      nodeInfo: () => ({
        id: this.nodeKey.id,
        listenAddr: this.config.p2p.laddr,
        network: this.genesis.chainId,
        moniker: this.config.moniker,
        version: COMETBFT_VERSION,
        rpcAddress: this.config.rpc.laddr,
        channels: NODE_CHANNELS,
        appName: "openledgerd",
        appVersion: "0.1.0",
      }),
      catchingUp: () => rpc.catchingUp(),
      latestHeight: () => this.blockStore.height,
      loadBlock: async (h) => {
        const [block, meta] = await Promise.all([
          this.blockStore.loadBlock(h),
          this.blockStore.loadBlockMeta(h),
        ]);
        return block && meta ? { block, meta } : undefined;
      },
      loadValidators: (h) => this.blockStore.loadValidators(h),
      valconsPrefix: () => this.app.chain.valconsPrefix,
    };
  }

  private halt(error: unknown): void {
    this.log.error("block production halted", { error });
    this.db.discardStaged();
    this.store.rollbackWorking();
    void this.blockStore.reload().finally(() => this.onFatal(error));
  }

  private async refreshChainPoints(): Promise<void> {
    const bs = this.blockStore;
    const genesisTime = genesisToInitChain(this.genesis).time;
    const toPoint = (m: BlockMeta | undefined, h: number): RpcChainPoint =>
      m
        ? { height: m.header.height, hash: m.blockId.hash, appHash: m.header.appHash, time: m.header.time }
        : { height: h, hash: sha256(new Uint8Array()), appHash: this.store.lastHash, time: genesisTime };
    const latest = bs.height > 0 ? await bs.loadBlockMeta(bs.height) : undefined;
    // The app hash after the latest block is in the next header; until then it is the state's hash.
    this.latestPoint = { ...toPoint(latest, bs.height), appHash: this.store.lastHash };
    this.earliestPoint = toPoint(bs.base > 0 ? await bs.loadBlockMeta(bs.base) : undefined, bs.base);
  }

  /** Expire pending evidence and committed markers (the Tendermint engine does it after each block). */
  private pruneEvidence(height: number, time: Timestamp): void {
    void this.blockStore
      .loadConsensusParams(height + 1)
      .then((params) => {
        if (params !== undefined) this.evidencePool.update(height, [], params, time);
      })
      .catch(() => {});
  }

  private onNewBlock(e: NewBlockEvent): void {
    const height = e.block.header.height;
    this.latestPoint = {
      height,
      hash: e.blockId.hash,
      appHash: e.results.appHash,
      time: e.block.header.time,
    };
    if (this.earliestPoint.height === 0) void this.refreshChainPoints();
    if (this.consensusMode !== "tendermint") this.pruneEvidence(height, e.block.header.time);
    this.eventBus.publishBlock(e);
    this.observeBlock(e);
    this.p2p.publishStatus();
    this.log.info("committed block", {
      height,
      txs: e.block.data.txs.length,
      app_hash: toHex(e.results.appHash).slice(0, 16),
    });
    if (this.txWaiters.size === 0) return;
    e.block.data.txs.forEach((tx, index) => {
      const key = toHex(this.mempool.hashOf(tx));
      const waiters = this.txWaiters.get(key);
      const result = e.results.txResults[index];
      if (!waiters || !result) return;
      this.txWaiters.delete(key);
      for (const w of waiters) w({ height, index, tx, result });
    });
  }

  private rpcEnv(): RpcEnv {
    const bs = this.blockStore;
    const txService = {
      indexer: this.indexer,
      mempool: this.mempool,
      blockTime: async (h: number) => (await bs.loadBlockMeta(h))?.header.time,
      height: () => bs.height,
    };
    return {
      chainId: () => this.genesis.chainId,
      nodeInfo: () => ({
        id: this.nodeKey.id,
        listenAddr: this.config.p2p.laddr,
        moniker: this.config.moniker,
      }),
      validatorInfo: () => ({
        pubKey: this.validator.pubKey,
        votingPower:
          this.genesis.validators.find((v) => v.pubKey.every((b, i) => b === this.validator.pubKey[i]))
            ?.power ?? 0n,
      }),
      latest: () => this.latestPoint,
      earliest: () => this.earliestPoint,
      catchingUp: () => this.syncing,
      loadBlock: (h) => bs.loadBlock(h),
      loadBlockMeta: (h) => bs.loadBlockMeta(h),
      loadBlockByHash: (hash) => bs.loadBlockByHash(hash),
      loadCommit: (h) => bs.loadCommit(h),
      loadResults: (h) => bs.loadResults(h),
      loadValidators: (h) => bs.loadValidators(h),
      consensusParams: async (h) => (await bs.loadConsensusParams(h)) ?? this.genesis.consensusParams,
      genesisJson: () => this.genesisJson,
      abciQuery: async (req) => (await txServiceQuery(txService, req.path, req.data)) ?? this.app.query(req),
      abciInfo: () => this.app.info(),
      checkTx: (tx) => this.app.checkTx({ tx, type: 0 }),
      broadcastTx: async (tx) => {
        // back-pressure: a client waits while the mempool is far ahead of what the chain commits
        const wait = this.config.mempool.broadcastWaitTxs;
        if (wait > 0) await this.mempool.whenBelow(wait, this.config.rpc.timeoutBroadcastTxCommitMs);
        return (await this.mempool.add(tx)).response;
      },
      txHash: (tx) => this.mempool.hashOf(tx),
      waitForTx: (hash, timeoutMs, signal) => this.waitForTx(hash, timeoutMs, signal),
      getTx: (hash) => this.indexer.getTx(hash),
      searchTxs: (q, page, perPage, orderBy) => this.indexer.searchTxs(q, { page, perPage, orderBy }),
      searchBlocks: (q, page, perPage, orderBy) => this.indexer.searchBlocks(q, { page, perPage, orderBy }),
      mempoolSize: () => this.mempool.size,
      mempoolBytes: () => this.mempool.bytes,
      mempoolTxs: (limit) => this.mempool.txs(limit),
      netInfo: () => this.p2p.netInfo(),
      consensusState: () => this.roundState(),
    };
  }

  /** The engine's round state when it exposes one (the producer's `roundState()`, or the Tendermint engine's adapted). */
  private roundState(): RpcRoundState | undefined {
    if (this.consensus instanceof TendermintEngine) return tendermintRoundState(this.consensus.roundState());
    const engine: ConsensusEngine & { roundState?: () => RpcRoundState | undefined } = this.consensus;
    return engine.roundState?.();
  }

  private observeBlock(e: NewBlockEvent): void {
    const m = this.metrics;
    try {
      let txBytes = 0;
      for (const tx of e.block.data.txs) txBytes += tx.length;
      m.observeBlock(e.block.header.height, e.block.data.txs.length, txBytes, Date.now());
      m.setMempool(this.mempool.size, this.mempool.bytes);
      m.setPeers(this.rpcEnv().netInfo().peers.length);
      const rs = this.roundState();
      if (rs !== undefined) m.setRoundState(rs.round, rs.step, rs.validators.length);
      if (this.rpc !== undefined) m.setWebsocketConnections(this.rpc.websocketConnections);
    } catch (err) {
      this.log.debug("metrics update failed", { error: err });
    }
  }

  private async waitForTx(
    hash: Uint8Array,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<RpcTxRecord | undefined> {
    const key = toHex(hash);
    return await new Promise<RpcTxRecord | undefined>((resolve) => {
      let settled = false;
      const done = (r: RpcTxRecord | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        const set = this.txWaiters.get(key);
        set?.delete(waiter);
        if (set?.size === 0) this.txWaiters.delete(key);
        resolve(r);
      };
      const waiter = (r: RpcTxRecord) => done(r);
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal.addEventListener("abort", onAbort);
      let set = this.txWaiters.get(key);
      if (!set) {
        set = new Set();
        this.txWaiters.set(key, set);
      }
      set.add(waiter);
      // Already committed before we started waiting?
      void this.indexer.getTx(hash).then((rec) => {
        if (rec) done(rec);
      });
    });
  }
}

/** How a node takes part in consensus. */
export type ConsensusMode = "tendermint" | "producer" | "follower";

/**
 * The engine for a genesis: the Tendermint engine over p2p for a multi-validator network; for a
 * single-validator chain (`dev`) the block producer on the validator and block-sync following on any
 * other node. `OPENLEDGER_CONSENSUS=tendermint|producer` forces the choice.
 */
export function consensusModeFor(genesis: GenesisDoc, pubKey: Uint8Array): ConsensusMode {
  const forced = process.env["OPENLEDGER_CONSENSUS"];
  if (forced === "tendermint") return "tendermint";
  const isValidator = genesis.validators.some((v) => equalBytes(v.pubKey, pubKey));
  if (forced === "producer") return isValidator ? "producer" : "follower";
  if (genesis.validators.length > 1) return "tendermint";
  return isValidator ? "producer" : "follower";
}

/** A full node of a single-validator chain: block sync applies every block its peers have. */
function followerEngine(
  sync: BlockSync,
  blockStore: BlockStore,
  onError: (e: unknown) => void,
): ConsensusEngine {
  let running: Promise<void> | undefined;
  return {
    async start() {
      running = sync.follow().catch(onError);
    },
    async stop() {
      sync.stop();
      await running;
    },
    get height() {
      return blockStore.height;
    },
  };
}
