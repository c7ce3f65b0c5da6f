/**
 * The node's configuration: `config/config.toml` (the CometBFT part: moniker, rpc, p2p, mempool,
 * consensus, tx index) and `config/app.toml` (the application part: minimum gas prices, pruning, REST
 * API). Every field has a safe default; a broken file gives a coded `config` error naming the field.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";
import { ConfigCode, configError } from "./errors.js";

const MIB = 1024 * 1024;

/** config.toml. */
export interface NodeConfig {
  moniker: string;
  rpc: {
    /** `tcp://host:port`; 127.0.0.1 unless configured otherwise. */
    laddr: string;
    corsAllowedOrigins: string[];
    maxOpenConnections: number;
    maxBodyBytes: number;
    maxBatchRequests: number;
    timeoutBroadcastTxCommitMs: number;
    /** Time allowed to receive a whole HTTP request. */
    timeoutReadMs: number;
    /** Distinct WebSocket clients with subscriptions (CometBFT default 100). */
    maxSubscriptionClients: number;
    /** Subscriptions per WebSocket client (CometBFT default 5). */
    maxSubscriptionsPerClient: number;
    /** Events buffered per subscription before a slow one is cancelled. */
    subscriptionBufferSize: number;
    /** Replies/events in flight per WebSocket connection. */
    websocketWriteBufferSize: number;
    /** Close a WebSocket whose subscription was cancelled for being slow. */
    closeOnSlowClient: boolean;
    /** Per-IP calls per second (token bucket); 0 = off. */
    rateLimitPerSecond: number;
    /** Per-IP burst. */
    rateLimitBurst: number;
  };
  p2p: {
    laddr: string;
    persistentPeers: string[];
    seeds: string[];
    /**
     * Gossipsub mesh degree: 0 (default) floods each message once from its author to every connected
     * peer with no eager relaying (best for a small, fully connected validator set); a sparse network
     * (sentries, many hops) may set e.g. 6 for faster multi-hop delivery.
     */
    gossipMeshDegree: number;
  };
  mempool: {
    size: number;
    maxTxsBytes: number;
    maxTxBytes: number;
    cacheSize: number;
    /**
     * Back-pressure on clients: a `broadcast_tx_*` call waits (up to `timeout_broadcast_tx_commit`)
     * while the mempool holds at least this many txs, instead of growing a backlog the chain cannot
     * commit soon (0, the default: never wait). Txs from peers are never held.
     */
    broadcastWaitTxs: number;
  };
  consensus: {
    timeoutProposeMs: number;
    timeoutProposeDeltaMs: number;
    timeoutPrevoteMs: number;
    timeoutPrevoteDeltaMs: number;
    timeoutPrecommitMs: number;
    timeoutPrecommitDeltaMs: number;
    timeoutCommitMs: number;
    /**
     * Most txs this validator puts in a block it proposes (0, the default: only the block's max bytes
     * and gas bound it). Not a consensus rule: other validators accept any valid block.
     */
    maxBlockTxs: number;
  };
  txIndex: {
    indexer: "kv" | "null";
  };
  instrumentation: {
    /** Serve Prometheus metrics. */
    prometheus: boolean;
    /** `host:port` of `/metrics`; an empty host binds 127.0.0.1. */
    prometheusListenAddr: string;
  };
}

/** app.toml. */
export interface AppConfig {
  /** e.g. `0.000000001aopen`; empty = accept any fee. */
  minimumGasPrices: string;
  pruning: {
    /** Versions of state kept readable; 0 keeps everything. */
    keepRecent: number;
  };
  /** Memory of the state store and its LevelDB, in bytes (together about 150 MiB by default). */
  store: {
    /** Serialised tree-record cache, off the JS heap (0 disables it). */
    cacheBytes: number;
    /** Parsed tree-node cache, estimated JS heap bytes. */
    nodeCacheBytes: number;
    /** Latest-value read cache, estimated JS heap bytes (0 disables it). */
    flatCacheBytes: number;
    /** LevelDB block cache. */
    leveldbCacheBytes: number;
    /**
     * LevelDB write buffer: a memtable is retired once it holds more than this. Up to two are held, and
     * a block's whole batch lands in one (tens of MB under load), so this bounds the memtables only
     * between blocks.
     */
    leveldbWriteBufferBytes: number;
    /** Table files LevelDB keeps open and mmapped (file-backed RSS: up to ~2 MiB each, more for level-0). */
    leveldbMaxOpenFiles: number;
  };
  api: {
    enable: boolean;
    /** REST gateway address, `tcp://127.0.0.1:1317`. */
    address: string;
    /** Send CORS headers from the REST gateway (off by default). */
    enabledUnsafeCors: boolean;
    /** Origins CORS allows when enabled; empty or `*` = any. */
    corsAllowedOrigins: string[];
    /** Largest REST request body. */
    maxBodyBytes: number;
    /** Most simultaneous REST connections. */
    maxOpenConnections: number;
  };
}

/** The defaults of a production node. */
export function defaultNodeConfig(moniker: string): NodeConfig {
  return {
    moniker,
    rpc: {
      laddr: "tcp://127.0.0.1:26657",
      corsAllowedOrigins: [],
      maxOpenConnections: 900,
      maxBodyBytes: 1_000_000,
      maxBatchRequests: 10,
      timeoutBroadcastTxCommitMs: 10_000,
      timeoutReadMs: 10_000,
      maxSubscriptionClients: 100,
      maxSubscriptionsPerClient: 5,
      subscriptionBufferSize: 200,
      websocketWriteBufferSize: 200,
      closeOnSlowClient: false,
      rateLimitPerSecond: 5000,
      rateLimitBurst: 10000,
    },
    p2p: { laddr: "tcp://0.0.0.0:26656", persistentPeers: [], seeds: [], gossipMeshDegree: 0 },
    mempool: {
      size: 5000,
      maxTxsBytes: 64 * 1024 * 1024,
      maxTxBytes: 1024 * 1024,
      cacheSize: 10_000,
      broadcastWaitTxs: 0,
    },
    consensus: {
      timeoutProposeMs: 3000,
      timeoutProposeDeltaMs: 500,
      timeoutPrevoteMs: 1000,
      timeoutPrevoteDeltaMs: 500,
      timeoutPrecommitMs: 1000,
      timeoutPrecommitDeltaMs: 500,
      timeoutCommitMs: 2000,
      maxBlockTxs: 0,
    },
    txIndex: { indexer: "kv" },
    instrumentation: { prometheus: false, prometheusListenAddr: "127.0.0.1:26660" },
  };
}

/** The defaults of app.toml. */
export function defaultAppConfig(): AppConfig {
  return {
    minimumGasPrices: "1000000000aopen",
    pruning: { keepRecent: 100 },
    store: {
      cacheBytes: 64 * MIB,
      nodeCacheBytes: 32 * MIB,
      flatCacheBytes: 16 * MIB,
      leveldbCacheBytes: 32 * MIB,
      leveldbWriteBufferBytes: 4 * MIB,
      leveldbMaxOpenFiles: 48,
    },
    api: {
      enable: true,
      address: "tcp://127.0.0.1:1317",
      enabledUnsafeCors: false,
      corsAllowedOrigins: [],
      maxBodyBytes: 1_000_000,
      maxOpenConnections: 1000,
    },
  };
}

/** Path of config.toml under a home. */
export function configPath(home: string): string {
  return join(home, "config", "config.toml");
}

/** Path of app.toml under a home. */
export function appConfigPath(home: string): string {
  return join(home, "config", "app.toml");
}

/** Parse a duration as CometBFT writes it (`1s`, `500ms`, `1m30s`) into milliseconds. */
export function parseDuration(s: string, field: string): number {
  const re = /(\d+)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
    consumed = re.lastIndex;
  }
  if (s.length === 0 || consumed !== s.length) {
    throw configError(
      ConfigCode.InvalidField,
      `${field}: invalid duration ${JSON.stringify(s)} (e.g. "1s", "500ms")`,
    );
  }
  return total;
}

/** Format milliseconds as a CometBFT duration string. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Write config.toml. */
export function writeNodeConfig(home: string, c: NodeConfig): void {
  const doc = {
    moniker: c.moniker,
    rpc: {
      laddr: c.rpc.laddr,
      cors_allowed_origins: c.rpc.corsAllowedOrigins,
      max_open_connections: c.rpc.maxOpenConnections,
      max_body_bytes: c.rpc.maxBodyBytes,
      max_batch_requests: c.rpc.maxBatchRequests,
      timeout_broadcast_tx_commit: formatDuration(c.rpc.timeoutBroadcastTxCommitMs),
      timeout_read: formatDuration(c.rpc.timeoutReadMs),
      max_subscription_clients: c.rpc.maxSubscriptionClients,
      max_subscriptions_per_client: c.rpc.maxSubscriptionsPerClient,
      experimental_subscription_buffer_size: c.rpc.subscriptionBufferSize,
      experimental_websocket_write_buffer_size: c.rpc.websocketWriteBufferSize,
      experimental_close_on_slow_client: c.rpc.closeOnSlowClient,
      rate_limit_per_second: c.rpc.rateLimitPerSecond,
      rate_limit_burst: c.rpc.rateLimitBurst,
    },
    p2p: {
      laddr: c.p2p.laddr,
      persistent_peers: c.p2p.persistentPeers.join(","),
      seeds: c.p2p.seeds.join(","),
      gossip_mesh_degree: c.p2p.gossipMeshDegree,
    },
    mempool: {
      size: c.mempool.size,
      max_txs_bytes: c.mempool.maxTxsBytes,
      max_tx_bytes: c.mempool.maxTxBytes,
      cache_size: c.mempool.cacheSize,
      broadcast_wait_txs: c.mempool.broadcastWaitTxs,
    },
    consensus: {
      timeout_propose: formatDuration(c.consensus.timeoutProposeMs),
      timeout_propose_delta: formatDuration(c.consensus.timeoutProposeDeltaMs),
      timeout_prevote: formatDuration(c.consensus.timeoutPrevoteMs),
      timeout_prevote_delta: formatDuration(c.consensus.timeoutPrevoteDeltaMs),
      timeout_precommit: formatDuration(c.consensus.timeoutPrecommitMs),
      timeout_precommit_delta: formatDuration(c.consensus.timeoutPrecommitDeltaMs),
      timeout_commit: formatDuration(c.consensus.timeoutCommitMs),
      max_block_txs: c.consensus.maxBlockTxs,
    },
    tx_index: { indexer: c.txIndex.indexer },
    instrumentation: {
      prometheus: c.instrumentation.prometheus,
      prometheus_listen_addr: c.instrumentation.prometheusListenAddr,
    },
  };
  writeFileSync(configPath(home), `# openledgerd node configuration (CometBFT layout)\n${stringify(doc)}\n`, {
    mode: 0o644,
  });
}

/** Write app.toml. */
export function writeAppConfig(home: string, c: AppConfig): void {
  const doc = {
    "minimum-gas-prices": c.minimumGasPrices,
    pruning: { "keep-recent": c.pruning.keepRecent },
    store: {
      "cache-bytes": c.store.cacheBytes,
      "node-cache-bytes": c.store.nodeCacheBytes,
      "flat-cache-bytes": c.store.flatCacheBytes,
      "leveldb-cache-bytes": c.store.leveldbCacheBytes,
      "leveldb-write-buffer-bytes": c.store.leveldbWriteBufferBytes,
      "leveldb-max-open-files": c.store.leveldbMaxOpenFiles,
    },
    api: {
      enable: c.api.enable,
      address: c.api.address,
      "enabled-unsafe-cors": c.api.enabledUnsafeCors,
      "cors-allowed-origins": c.api.corsAllowedOrigins,
      "max-body-bytes": c.api.maxBodyBytes,
      "max-open-connections": c.api.maxOpenConnections,
    },
  };
  writeFileSync(appConfigPath(home), `# openledgerd application configuration\n${stringify(doc)}\n`, {
    mode: 0o644,
  });
}

/** Read and validate config.toml; missing fields take defaults, wrong ones are a coded error. */
export function readNodeConfig(home: string): NodeConfig {
  const doc = readToml(configPath(home));
  const d = defaultNodeConfig("node");
  const f = new Fields(doc, "config.toml");
  const rpc = f.table("rpc");
  const p2p = f.table("p2p");
  const mempool = f.table("mempool");
  const consensus = f.table("consensus");
  const txIndex = f.table("tx_index");
  const instrumentation = f.table("instrumentation");
  const dur = (t: Fields, key: string, def: number): number => {
    const s = t.string(key, formatDuration(def));
    return parseDuration(s, `${t.where}.${key}`);
  };
  const indexer = txIndex.string("indexer", d.txIndex.indexer);
  if (indexer !== "kv" && indexer !== "null") {
    throw configError(
      ConfigCode.InvalidField,
      `config.toml: tx_index.indexer must be "kv" or "null", got ${JSON.stringify(indexer)}`,
    );
  }
  return {
    moniker: f.string("moniker", d.moniker),
    rpc: {
      laddr: rpc.laddr("laddr", d.rpc.laddr),
      corsAllowedOrigins: rpc.stringList("cors_allowed_origins", d.rpc.corsAllowedOrigins),
      maxOpenConnections: rpc.int("max_open_connections", d.rpc.maxOpenConnections),
      maxBodyBytes: rpc.int("max_body_bytes", d.rpc.maxBodyBytes, 1),
      maxBatchRequests: rpc.int("max_batch_requests", d.rpc.maxBatchRequests, 1),
      timeoutBroadcastTxCommitMs: dur(rpc, "timeout_broadcast_tx_commit", d.rpc.timeoutBroadcastTxCommitMs),
      timeoutReadMs: Math.max(1, dur(rpc, "timeout_read", d.rpc.timeoutReadMs)),
      maxSubscriptionClients: rpc.int("max_subscription_clients", d.rpc.maxSubscriptionClients),
      maxSubscriptionsPerClient: rpc.int("max_subscriptions_per_client", d.rpc.maxSubscriptionsPerClient),
      subscriptionBufferSize: rpc.int(
        "experimental_subscription_buffer_size",
        d.rpc.subscriptionBufferSize,
        1,
      ),
      websocketWriteBufferSize: rpc.int(
        "experimental_websocket_write_buffer_size",
        d.rpc.websocketWriteBufferSize,
        1,
      ),
      closeOnSlowClient: rpc.bool("experimental_close_on_slow_client", d.rpc.closeOnSlowClient),
      rateLimitPerSecond: rpc.int("rate_limit_per_second", d.rpc.rateLimitPerSecond),
      rateLimitBurst: rpc.int("rate_limit_burst", d.rpc.rateLimitBurst, 1),
    },
    p2p: {
      laddr: p2p.laddr("laddr", d.p2p.laddr),
      persistentPeers: p2p.commaList("persistent_peers"),
      seeds: p2p.commaList("seeds"),
      gossipMeshDegree: p2p.int("gossip_mesh_degree", d.p2p.gossipMeshDegree),
    },
    mempool: {
      size: mempool.int("size", d.mempool.size, 1),
      maxTxsBytes: mempool.int("max_txs_bytes", d.mempool.maxTxsBytes, 1),
      maxTxBytes: mempool.int("max_tx_bytes", d.mempool.maxTxBytes, 1),
      cacheSize: mempool.int("cache_size", d.mempool.cacheSize),
      broadcastWaitTxs: mempool.int("broadcast_wait_txs", d.mempool.broadcastWaitTxs),
    },
    consensus: {
      timeoutProposeMs: dur(consensus, "timeout_propose", d.consensus.timeoutProposeMs),
      timeoutProposeDeltaMs: dur(consensus, "timeout_propose_delta", d.consensus.timeoutProposeDeltaMs),
      timeoutPrevoteMs: dur(consensus, "timeout_prevote", d.consensus.timeoutPrevoteMs),
      timeoutPrevoteDeltaMs: dur(consensus, "timeout_prevote_delta", d.consensus.timeoutPrevoteDeltaMs),
      timeoutPrecommitMs: dur(consensus, "timeout_precommit", d.consensus.timeoutPrecommitMs),
      timeoutPrecommitDeltaMs: dur(consensus, "timeout_precommit_delta", d.consensus.timeoutPrecommitDeltaMs),
      timeoutCommitMs: dur(consensus, "timeout_commit", d.consensus.timeoutCommitMs),
      maxBlockTxs: consensus.int("max_block_txs", d.consensus.maxBlockTxs),
    },
    txIndex: { indexer },
    instrumentation: {
      prometheus: instrumentation.bool("prometheus", d.instrumentation.prometheus),
      prometheusListenAddr: metricsAddr(
        instrumentation.string("prometheus_listen_addr", d.instrumentation.prometheusListenAddr),
      ),
    },
  };
}

/** Check `[tcp://]host:port` with an optional host (`:26660`). */
function metricsAddr(s: string): string {
  const m = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(s);
  if (m === null || Number(m[2]) > 65535) {
    throw configError(
      ConfigCode.InvalidField,
      `config.toml: instrumentation.prometheus_listen_addr: invalid listen address ${JSON.stringify(s)} (want host:port)`,
    );
  }
  return s;
}

/** Read and validate app.toml. */
export function readAppConfig(home: string): AppConfig {
  const doc = readToml(appConfigPath(home));
  const d = defaultAppConfig();
  const f = new Fields(doc, "app.toml");
  const pruning = f.table("pruning");
  const store = f.table("store");
  const api = f.table("api");
  return {
    minimumGasPrices: f.string("minimum-gas-prices", d.minimumGasPrices),
    pruning: { keepRecent: pruning.int("keep-recent", d.pruning.keepRecent) },
    store: {
      cacheBytes: store.int("cache-bytes", d.store.cacheBytes),
      nodeCacheBytes: store.int("node-cache-bytes", d.store.nodeCacheBytes),
      flatCacheBytes: store.int("flat-cache-bytes", d.store.flatCacheBytes),
      leveldbCacheBytes: store.int("leveldb-cache-bytes", d.store.leveldbCacheBytes),
      leveldbWriteBufferBytes: store.int("leveldb-write-buffer-bytes", d.store.leveldbWriteBufferBytes, MIB),
      leveldbMaxOpenFiles: store.int("leveldb-max-open-files", d.store.leveldbMaxOpenFiles, 20),
    },
    api: {
      enable: api.bool("enable", d.api.enable),
      address: api.laddr("address", d.api.address),
      enabledUnsafeCors: api.bool("enabled-unsafe-cors", d.api.enabledUnsafeCors),
      corsAllowedOrigins: api.stringList("cors-allowed-origins", d.api.corsAllowedOrigins),
      maxBodyBytes: api.int("max-body-bytes", d.api.maxBodyBytes, 1),
      maxOpenConnections: api.int("max-open-connections", d.api.maxOpenConnections),
    },
  };
}

/** Split `tcp://host:port` into host and port; coded error when malformed. */
export function parseLaddr(laddr: string, field = "laddr"): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(laddr);
  const port = m ? Number(m[2]) : -1;
  if (!m || port < 0 || port > 65535) {
    throw configError(
      ConfigCode.InvalidField,
      `${field}: invalid listen address ${JSON.stringify(laddr)} (want tcp://host:port)`,
    );
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

function readToml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw configError(ConfigCode.Unreadable, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    const first = (e as Error).message.split("\n")[0];
    throw configError(ConfigCode.Syntax, `${path} is not valid TOML: ${first}`);
  }
}

/** Typed access to one TOML table with defaults and coded errors. */
class Fields {
  constructor(
    private readonly doc: Record<string, unknown>,
    readonly where: string,
  ) {}

  table(key: string): Fields {
    const v = this.doc[key];
    if (v === undefined) return new Fields({}, `${this.where}: ${key}`);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw this.bad(key, "a table");
    return new Fields(v as Record<string, unknown>, `${this.where}: ${key}`);
  }

  string(key: string, def: string): string {
    const v = this.doc[key];
    if (v === undefined) return def;
    if (typeof v !== "string") throw this.bad(key, "a string");
    return v;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.doc[key];
    if (v === undefined) return def;
    if (typeof v !== "boolean") throw this.bad(key, "true or false");
    return v;
  }

  int(key: string, def: number, min = 0): number {
    const v = this.doc[key];
    if (v === undefined) return def;
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min)
      throw this.bad(key, `an integer ≥ ${min}`);
    return n;
  }

  laddr(key: string, def: string): string {
    const s = this.string(key, def);
    parseLaddr(s, `${this.where}.${key}`);
    return s;
  }

  stringList(key: string, def: string[]): string[] {
    const v = this.doc[key];
    if (v === undefined) return def;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw this.bad(key, "a list of strings");
    return v as string[];
  }

  commaList(key: string): string[] {
    return this.string(key, "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  private bad(key: string, want: string): Error {
    return configError(
      ConfigCode.InvalidField,
      `${this.where}.${key} must be ${want}, got ${JSON.stringify(String(this.doc[key]))}`,
    );
  }
}
