/**
 * The node's Prometheus metrics (prom-client), CometBFT's names under the `cometbft` namespace plus
 * ours under `openledger`. Each node owns its own registry (no global state), updated from the
 * node's hooks: once per block (height, interval, txs), on mempool changes, per RPC call (a counter
 * and a histogram observation). Nothing here is per-tx work on the commit path.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Block interval buckets in seconds. */
const BLOCK_INTERVAL_BUCKETS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60];
/** RPC latency buckets in seconds. */
const RPC_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** Labels every metric carries (CometBFT: `chain_id`). */
export interface MetricsLabels {
  chainId: string;
}

/** The node's metrics and their registry. */
export class NodeMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry();

  private readonly height: Gauge;
  private readonly blockInterval: Histogram;
  private readonly numTxs: Gauge;
  private readonly totalTxs: Gauge;
  private readonly blockSizeBytes: Gauge;
  private readonly mempoolSize: Gauge;
  private readonly mempoolSizeBytes: Gauge;
  private readonly peers: Gauge;
  private readonly rounds: Gauge;
  private readonly step: Gauge;
  private readonly validators: Gauge;
  private readonly rpcRequests: Counter;
  private readonly rpcDuration: Histogram;
  private readonly wsConnections: Gauge;
  private lastBlockMs: number | undefined;
  private txCount = 0;

  /** Metrics labelled with the chain id. */
  constructor(labels: MetricsLabels) {
    this.registry.setDefaultLabels({ chain_id: labels.chainId });
    const r = [this.registry];
    this.height = new Gauge({
      name: "cometbft_consensus_height",
      help: "Height of the chain.",
      registers: r,
    });
    this.blockInterval = new Histogram({
      name: "cometbft_consensus_block_interval_seconds",
      help: "Time between this and the last block.",
      buckets: BLOCK_INTERVAL_BUCKETS,
      registers: r,
    });
    this.numTxs = new Gauge({
      name: "cometbft_consensus_num_txs",
      help: "Number of transactions in the latest block.",
      registers: r,
    });
    this.totalTxs = new Gauge({
      name: "cometbft_consensus_total_txs",
      help: "Total number of transactions committed (since this process started, plus the indexed count at start).",
      registers: r,
    });
    this.blockSizeBytes = new Gauge({
      name: "cometbft_consensus_block_size_bytes",
      help: "Size of the latest block's txs in bytes.",
      registers: r,
    });
    this.mempoolSize = new Gauge({
      name: "cometbft_mempool_size",
      help: "Number of uncommitted transactions in the mempool.",
      registers: r,
    });
    this.mempoolSizeBytes = new Gauge({
      name: "cometbft_mempool_size_bytes",
      help: "Total size of the mempool in bytes.",
      registers: r,
    });
    this.peers = new Gauge({ name: "cometbft_p2p_peers", help: "Number of peers.", registers: r });
    this.rounds = new Gauge({
      name: "cometbft_consensus_rounds",
      help: "Number of rounds at the current height.",
      registers: r,
    });
    this.step = new Gauge({
      name: "cometbft_consensus_step",
      help: "Current consensus round step (1 NewHeight … 8 Commit).",
      registers: r,
    });
    this.validators = new Gauge({
      name: "cometbft_consensus_validators",
      help: "Number of validators.",
      registers: r,
    });
    this.rpcRequests = new Counter({
      name: "openledger_rpc_requests_total",
      help: "JSON-RPC calls by method and outcome.",
      labelNames: ["method", "status"],
      registers: r,
    });
    this.rpcDuration = new Histogram({
      name: "openledger_rpc_request_duration_seconds",
      help: "JSON-RPC call latency by method.",
      labelNames: ["method"],
      buckets: RPC_DURATION_BUCKETS,
      registers: r,
    });
    this.wsConnections = new Gauge({
      name: "openledger_rpc_websocket_connections",
      help: "Open WebSocket connections.",
      registers: r,
    });
  }

  /** A block was committed at `height` with `numTxs` txs of `txBytes` bytes, at wall time `nowMs`. */
  observeBlock(height: number, numTxs: number, txBytes: number, nowMs: number): void {
    this.height.set(height);
    this.numTxs.set(numTxs);
    this.blockSizeBytes.set(txBytes);
    this.txCount += numTxs;
    this.totalTxs.set(this.txCount);
    if (this.lastBlockMs !== undefined)
      this.blockInterval.observe(Math.max(0, nowMs - this.lastBlockMs) / 1000);
    this.lastBlockMs = nowMs;
  }

  /** Start the total tx count from a known value (e.g. at restart). */
  setTotalTxs(n: number): void {
    this.txCount = n;
    this.totalTxs.set(n);
  }

  /** Mempool size after a change. */
  setMempool(size: number, bytes: number): void {
    this.mempoolSize.set(size);
    this.mempoolSizeBytes.set(bytes);
  }

  /** Connected peers. */
  setPeers(n: number): void {
    this.peers.set(n);
  }

  /** Consensus round and step (`RpcRoundStep` numbering) and validator count. */
  setRoundState(round: number, step: number, validators: number): void {
    this.rounds.set(round);
    this.step.set(step);
    this.validators.set(validators);
  }

  /** Open WebSocket connections. */
  setWebsocketConnections(n: number): void {
    this.wsConnections.set(n);
  }

  /** One RPC call of `method` took `seconds`. */
  rpcCall(method: string, seconds: number, ok: boolean): void {
    this.rpcRequests.inc({ method, status: ok ? "ok" : "error" });
    this.rpcDuration.observe({ method }, seconds);
  }

  /** The exposition text. */
  async text(): Promise<string> {
    return await this.registry.metrics();
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
