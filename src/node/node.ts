/**
 * The composition root: the one place that builds the node from its parts and wires them —
 * database → state store → app → block store, indexer → mempool → consensus (block producer) → RPC.
 * Every part gets its options and its collaborators; nothing else constructs parts.
 */
import { OpenLedgerApp } from "../app/app.js";
import { BlockStore } from "../blockstore/index.js";
import { type AppConfig, type NodeConfig, readAppConfig, readNodeConfig } from "../config/config.js";
import { ConfigCode, configError } from "../config/errors.js";
import { type GenesisDoc, genesisToInitChain, genesisToJson, readGenesis } from "../config/genesis.js";
import { systemClock } from "../consensus/clock.js";
import { BlockProducer } from "../consensus/producer.js";
import type { ConsensusEngine, NewBlockEvent } from "../consensus/types.js";
import { sha256 } from "../crypto/hash.js";
import { TxIndexer } from "../indexer/index.js";
import { Mempool } from "../mempool/mempool.js";
import { FilePV } from "../privval/file.js";
import type { RpcChainPoint, RpcEnv, RpcTxRecord } from "../rpc/env.js";
import { RpcServer } from "../rpc/server.js";
import { LevelDatabase, StateStore } from "../store/index.js";
import type { BlockMeta } from "../types/block.js";
import { toHex } from "../types/bytes.js";
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
  ) {
    const genesisPoint = {
      height: 0,
      hash: sha256(new Uint8Array()),
      appHash: store.lastHash,
      time: genesisToInitChain(genesis).time,
    };
    this.latestPoint = genesisPoint;
    this.earliestPoint = genesisPoint;
    this.consensus = new BlockProducer(
      { timeoutCommitMs: config.consensus.timeoutCommitMs, genesis: genesisToInitChain(genesis) },
      {
        app,
        blockStore,
        mempool,
        signer: validator,
        clock: systemClock,
        events: {
          beforeCommit: (block, _id, results) => {
            if (config.txIndex.indexer === "kv") {
              indexer.stageBlock(block.header.height, block.data.txs, results.txResults, results.events);
            }
          },
          onNewBlock: (e) => this.onNewBlock(e),
          onError: (e) => this.halt(e),
        },
      },
    );
  }

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

    const db = await LevelDatabase.open(paths.db);
    const store = StateStore.open(db, { keepRecent: appConfig.pruning.keepRecent });
    const app = new OpenLedgerApp(
      { chainId: genesis.chainId, minGasPrices: appConfig.minimumGasPrices },
      { store },
    );
    const blockStore = await BlockStore.open(db);
    const indexer = new TxIndexer(db);
    const mempool = new Mempool(
      {
        maxTxs: config.mempool.size,
        maxBytes: config.mempool.maxTxsBytes,
        maxTxBytes: config.mempool.maxTxBytes,
        cacheSize: config.mempool.cacheSize,
      },
      { app },
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
    );
  }

  /** Start consensus and the RPC server. */
  async start(): Promise<void> {
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
      },
      this.rpcEnv(),
    );
    this.log.info("node started", {
      chain: this.genesis.chainId,
      height: this.consensus.height,
      rpc: this.rpc.address,
      node_id: this.nodeKey.id,
    });
  }

  /** Stop RPC and consensus (finishing the block in progress), then close the database. */
  async stop(): Promise<void> {
    await this.rpc?.close();
    await this.consensus.stop();
    await this.db.close();
    this.log.info("node stopped", { height: this.consensus.height });
  }

  /** The RPC server's bound address. */
  get rpcAddress(): { host: string; port: number } | undefined {
    return this.rpc?.address;
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

  private onNewBlock(e: NewBlockEvent): void {
    const height = e.block.header.height;
    this.latestPoint = {
      height,
      hash: e.blockId.hash,
      appHash: e.results.appHash,
      time: e.block.header.time,
    };
    if (this.earliestPoint.height === 0) void this.refreshChainPoints();
    this.log.info("committed block", {
      height,
      txs: e.block.data.txs.length,
      app_hash: toHex(e.results.appHash).slice(0, 16),
    });
    if (this.txWaiters.size === 0) return;
    e.block.data.txs.forEach((tx, index) => {
      const key = toHex(sha256(tx));
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
      catchingUp: () => false,
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
      broadcastTx: async (tx) => (await this.mempool.add(tx)).response,
      waitForTx: (hash, timeoutMs, signal) => this.waitForTx(hash, timeoutMs, signal),
      getTx: (hash) => this.indexer.getTx(hash),
      searchTxs: (q, page, perPage, orderBy) => this.indexer.searchTxs(q, { page, perPage, orderBy }),
      searchBlocks: (q, page, perPage, orderBy) => this.indexer.searchBlocks(q, { page, perPage, orderBy }),
      mempoolSize: () => this.mempool.size,
      mempoolBytes: () => this.mempool.bytes,
      mempoolTxs: (limit) => this.mempool.txs(limit),
      netInfo: () => ({ listening: false, listeners: [], peers: [] }),
    };
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
