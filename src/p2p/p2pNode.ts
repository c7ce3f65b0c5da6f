/**
 * The node's peer-to-peer layer on libp2p: TCP, noise, yamux, identify and gossipsub (libp2p message
 * signing off — `StrictNoSign` — because every payload is signed by its author, and message ids are
 * sha256 of the data). The libp2p identity is the node's ed25519 `node_key.json`. Gossip floods
 * without a mesh by default (`meshDegree` 0): each message goes once from its author to every connected
 * peer; peers further away get it through gossipsub's IHAVE/IWANT gossip at the next heartbeat.
 *
 * - Gossip topics (per chain id): `txs` (batches of mempool txs, each CheckTx'ed before relay),
 *   `cs-data` (proposals and block parts), `cs-vote` (votes), `cs-state` (new-round-step, has-vote:
 *   still accepted from peers, never relayed; this node sends its round state over `cs-direct`),
 *   `status` (height/base, for block sync), `evidence` (duplicate-vote evidence, checked against the
 *   validator set of its height before relay). Every message passes a topic validator (decode, size,
 *   `validateBasic`, and the node's stateful check such as vote signatures) returning
 *   accept/ignore/reject before it is delivered or relayed.
 * - `/openledger/<chain>/cs-direct/1.0.0`: length-prefixed consensus messages to one peer (`sendTo`,
 *   the engine's "send the peer what it lacks").
 * - `/openledger/<chain>/sync/1.0.0`: one length-prefixed request and response per stream — status,
 *   and blocks with their commits by height (block sync); also pending evidence pushed to a peer
 *   (answered by `ack`) when it connects and every `evidenceIntervalMs` until committed, as CometBFT's
 *   evidence reactor sends each peer the pool's pending list.
 *
 * A peer that sends invalid data is scored down in the `PeerBook`; at the threshold it is banned (for
 * `banMs`), disconnected, and refused by the connection gater. Requests are rate-limited per peer and
 * all messages are size-bounded. Persistent peers are redialled with exponential backoff.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { type GossipSub, gossipsub, type Message, TopicValidatorResult } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { Connection, PeerId, Stream } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { type LengthPrefixedStream, lpStream } from "@libp2p/utils";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import type { BlockSyncSource, BlockWithCommit } from "../blocksync/blockSync.js";
import {
  type ConsensusMessage,
  decodeConsensusMessage,
  encodeConsensusMessage,
  validateConsensusMessage,
} from "../consensus/messages.js";
import type { ConsensusNetwork } from "../consensus/types.js";
import { sha256 } from "../crypto/hash.js";
import type { RpcNetInfo, RpcPeer } from "../rpc/env.js";
import type { Evidence } from "../types/block.js";
import { CodedError } from "../types/errors.js";
import {
  decodeMessage,
  encodeMessage,
  MAX_EVIDENCE_BATCH,
  MAX_EVIDENCE_BYTES,
  MAX_GOSSIP_BYTES,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  MAX_TX_BATCH,
  P2P_CODESPACE,
  P2PErrorCode,
  type WireMessage,
} from "./messages.js";
import { laddrToMultiaddr, nodeIdOf, type PeerAddress, parsePeerAddress } from "./nodeId.js";
import { PENALTY, PeerBook, type PeerBookOptions } from "./peerBook.js";

/** Read buffer of a direct consensus stream before the reader falls too far behind and it is reset. */
const DIRECT_BUFFER_BYTES = 64 * 1024 * 1024;

/** Verdict of a message check. */
export type Verdict = "accept" | "ignore" | "reject";

/** Log sink (the node's `Logger` fits). */
export interface P2PLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of `P2PNode`. */
export interface P2PNodeOptions {
  chainId: string;
  /** The node key's 32-byte ed25519 seed. */
  nodeKeySeed: Uint8Array;
  /** `tcp://host:port`. */
  laddr: string;
  /** `<node id>@host:port` entries, kept connected. */
  persistentPeers?: string[];
  /** `<node id>@host:port` entries dialled once at start (no peer exchange yet). */
  seeds?: string[];
  moniker?: string;
  /** Most connections (default 64). */
  maxConnections?: number;
  /** Peer scoring / ban / rate-limit settings. */
  peerBook?: PeerBookOptions;
  /** Request timeout (ms, default 10,000). */
  requestTimeoutMs?: number;
  /** Interval of the status announcement (ms, default 2,000). */
  statusIntervalMs?: number;
  /** Interval of re-sending pending evidence to every peer until committed (ms, default 10,000). */
  evidenceIntervalMs?: number;
  /**
   * Gossipsub mesh degree (D; Dlo = D, Dhi = 2·D). Default 0, flood-only: every message goes once
   * from its author to each peer it is connected to, and nobody relays it eagerly; a peer that is not
   * connected to the author gets it by gossip (IHAVE/IWANT) within a heartbeat, and consensus data also
   * by the engine's own "send the peer what it lacks". In the full mesh of a small validator set eager
   * relaying only produced duplicates (each node received each tx batch and block part about 3 times).
   * Larger, sparser networks may want a mesh (e.g. 6) for faster multi-hop delivery.
   */
  meshDegree?: number;
  /** Gossipsub heartbeat (ms, default 1,000): how soon gossip (IHAVE) repairs what flooding missed. */
  heartbeatMs?: number;
  log?: P2PLog;
}

/** What the p2p layer needs from the node. */
export interface P2PNodeDeps {
  /** This node's latest and earliest stored heights. */
  status(): { height: number; base: number };
  /** The block at `height` with the commit for it (canonical or seen), if stored. */
  loadBlock(height: number): Promise<BlockWithCommit | undefined>;
  /**
   * CheckTx a gossiped tx into the mempool. Gossipsub relays the batch it came in, so a tx added here
   * must not come back through `gossipTx`.
   */
  addTx?(tx: Uint8Array): Promise<"added" | "known" | "rejected">;
  /** Stateful check of a consensus message (e.g. vote signature against the validator set). */
  checkConsensus?(msg: ConsensusMessage): Verdict | Promise<Verdict>;
  /**
   * Check a peer's evidence (the validator set of its height, age, not known) and, when valid and new,
   * add it to the evidence pool: `accept`. Without it evidence is neither accepted nor relayed.
   */
  checkEvidence?(evidence: Evidence): Verdict | Promise<Verdict>;
  /** The evidence pool's pending items (re-sent to peers until committed). */
  pendingEvidence?(): Evidence[];
}

interface DirectOut {
  lp: LengthPrefixedStream<Stream>;
  chain: Promise<void>;
  stream: Stream;
}

/** The libp2p-based p2p layer; also the engine's `ConsensusNetwork` and block sync's source. */
export class P2PNode implements ConsensusNetwork, BlockSyncSource {
  /** Scores, bans, rate limits and reported heights of peers. */
  readonly book: PeerBook;
  private handler: ((peer: string, msg: ConsensusMessage) => void) | undefined;
  private readonly topics: {
    txs: string;
    data: string;
    vote: string;
    state: string;
    status: string;
    evidence: string;
  };
  private readonly directProtocol: string;
  private readonly syncProtocol: string;
  private readonly direct = new Map<string, DirectOut>();
  private readonly peerInfo = new Map<string, { moniker: string; listenAddr: string }>();
  private readonly persistent: PeerAddress[];
  private readonly persistentConns = new Map<number, string>();
  /** Consensus messages decoded by the topic validator, by their data, for delivery without decoding again. */
  private readonly validated = new WeakMap<Uint8Array, ConsensusMessage>();
  private txQueue: Uint8Array[] = [];
  private txTimer: ReturnType<typeof setTimeout> | undefined;
  private timers: ReturnType<typeof setInterval>[] = [];
  private stopped = false;

  private constructor(
    private readonly libp2p: Libp2p<{ pubsub: GossipSub }>,
    private readonly options: P2PNodeOptions,
    private readonly deps: P2PNodeDeps,
    book: PeerBook,
  ) {
    this.book = book;
    const base = `/openledger/${options.chainId}`;
    this.topics = {
      txs: `${base}/txs/1`,
      data: `${base}/cs-data/1`,
      vote: `${base}/cs-vote/1`,
      state: `${base}/cs-state/1`,
      status: `${base}/status/1`,
      evidence: `${base}/evidence/1`,
    };
    this.directProtocol = `${base}/cs-direct/1.0.0`;
    this.syncProtocol = `${base}/sync/1.0.0`;
    this.persistent = (options.persistentPeers ?? []).map(parsePeerAddress);
  }

  /** Build (not yet listening) a node with the node key as its identity. */
  static async create(options: P2PNodeOptions, deps: P2PNodeDeps): Promise<P2PNode> {
    for (const p of [...(options.persistentPeers ?? []), ...(options.seeds ?? [])]) parsePeerAddress(p);
    const privateKey = await generateKeyPairFromSeed("Ed25519", options.nodeKeySeed);
    const book = new PeerBook(options.peerBook);
    const d = Math.max(0, Math.floor(options.meshDegree ?? 0));
    const libp2p = await createLibp2p({
      privateKey,
      start: false,
      addresses: { listen: [laddrToMultiaddr(options.laddr)] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        denyDialPeer: (peerId: PeerId) => book.isBanned(peerId.toString()),
        denyInboundEncryptedConnection: (peerId: PeerId) => book.isBanned(peerId.toString()),
        denyOutboundEncryptedConnection: (peerId: PeerId) => book.isBanned(peerId.toString()),
        denyDialMultiaddr: () => false,
      },
      connectionManager: { maxConnections: options.maxConnections ?? 64 },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          globalSignaturePolicy: "StrictNoSign",
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          floodPublish: true,
          D: d,
          Dlo: d,
          Dhi: 2 * d,
          Dout: Math.floor(d / 3),
          Dscore: Math.floor((2 * d) / 3),
          heartbeatInterval: options.heartbeatMs ?? 1000,
          // Without a mesh, peers beyond one hop are served through IHAVE/IWANT; an IWANT a busy peer
          // answers late (or after the message left its cache) is no misbehaviour here — gossipsub's
          // behaviour penalty would push it under the publish/graylist thresholds and cut it off.
          // Misbehaviour is scored by the PeerBook (invalid data), not by gossipsub.
          scoreParams: { behaviourPenaltyWeight: 0 },
          fallbackToFloodsub: false,
          msgIdFn: (msg: Message) => sha256(msg.data),
          maxInboundDataLength: MAX_GOSSIP_BYTES,
        }),
      },
    });
    return new P2PNode(libp2p as unknown as Libp2p<{ pubsub: GossipSub }>, options, deps, book);
  }

  /** This node's libp2p peer id. */
  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** The addresses this node listens on. */
  get listenAddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString());
  }

  /** Start listening, subscribe, dial persistent peers and seeds. */
  async start(): Promise<void> {
    const node = this.libp2p;
    await node.start();
    const pubsub = node.services.pubsub;
    pubsub.topicValidators.set(this.topics.txs, (peer, msg) => this.validateTxs(peer.toString(), msg.data));
    for (const t of [this.topics.data, this.topics.vote, this.topics.state]) {
      pubsub.topicValidators.set(t, (peer, msg) => this.validateConsensus(peer.toString(), t, msg.data));
    }
    pubsub.topicValidators.set(this.topics.status, (peer, msg) =>
      this.validateStatus(peer.toString(), msg.data),
    );
    pubsub.topicValidators.set(this.topics.evidence, (peer, msg) =>
      this.validateEvidence(peer.toString(), msg.data),
    );
    pubsub.addEventListener("gossipsub:message", (evt) => {
      const { propagationSource, msg } = evt.detail;
      if (msg.topic === this.topics.data || msg.topic === this.topics.vote) {
        const decoded = this.validated.get(msg.data);
        if (decoded !== undefined) this.deliverDecoded(propagationSource.toString(), decoded);
        else this.deliver(propagationSource.toString(), msg.data);
      }
    });
    for (const t of Object.values(this.topics)) pubsub.subscribe(t);

    await node.handle(this.directProtocol, (stream, connection) => this.onDirectStream(stream, connection), {
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    });
    await node.handle(this.syncProtocol, (stream, connection) => this.onSyncStream(stream, connection), {
      maxInboundStreams: 32,
      maxOutboundStreams: 64,
    });
    node.addEventListener("peer:connect", (evt) => {
      const id = evt.detail.toString();
      if (this.book.isBanned(id)) {
        void node.hangUp(evt.detail).catch(() => {});
        return;
      }
      this.options.log?.debug("peer connected", { peer: id });
      void this.refreshStatus(evt.detail);
      void this.pushEvidence(id);
    });
    node.addEventListener("peer:disconnect", (evt) => {
      const id = evt.detail.toString();
      this.book.forgetStatus(id);
      this.direct.delete(id);
      this.options.log?.debug("peer disconnected", { peer: id });
    });

    this.options.log?.info("p2p listening", { addrs: this.listenAddrs, peer_id: this.peerId });
    this.persistent.forEach((p, i) => {
      void this.keepConnected(p, i);
    });
    for (const s of this.options.seeds ?? []) void this.dialAddress(parsePeerAddress(s)).catch(() => {});
    this.timers.push(setInterval(() => this.publishStatus(), this.options.statusIntervalMs ?? 2000));
    this.timers.push(
      setInterval(() => {
        for (const peer of this.connectedPeers()) void this.pushEvidence(peer);
      }, this.options.evidenceIntervalMs ?? 10_000),
    );
  }

  /** Stop dialling, close every connection and the listener. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.txTimer) clearTimeout(this.txTimer);
    this.handler = undefined;
    await this.libp2p.stop();
  }

  // ---- ConsensusNetwork ----

  /**
   * Gossip a consensus message to every peer. Round state (`newRoundStep`, `hasVote`) is about this
   * node and answered by sending it what it lacks, so it goes straight to each connected peer over
   * the direct protocol (as CometBFT's reactor does): relayed by gossip it would reach a peer from the
   * relayer, which would then answer the wrong node.
   */
  broadcast(msg: ConsensusMessage): void {
    if (this.stopped) return;
    if (msg.kind === "newRoundStep" || msg.kind === "hasVote") {
      const bytes = encodeMessage({ kind: "consensus", payload: encodeConsensusMessage(msg) });
      for (const peer of this.connectedPeers()) void this.sendDirect(peer, bytes);
      return;
    }
    const topic = this.topicOf(msg);
    void this.libp2p.services.pubsub.publish(topic, encodeConsensusMessage(msg)).catch((e: unknown) => {
      this.options.log?.debug("publish failed", { topic, error: e });
    });
  }

  /** Send a consensus message to one peer over the direct protocol (best effort). */
  sendTo(peer: string, msg: ConsensusMessage): void {
    if (this.stopped) return;
    const bytes = encodeMessage({ kind: "consensus", payload: encodeConsensusMessage(msg) });
    void this.sendDirect(peer, bytes);
  }

  /** Register the engine's handler for validated consensus messages. */
  setHandler(handler: ((peer: string, msg: ConsensusMessage) => void) | undefined): void {
    this.handler = handler;
  }

  // ---- txs ----

  /**
   * Queue a tx (just added to our mempool by a client) for gossip in the next batch. Not for txs that
   * came from gossip (`addTx`): gossipsub relays those already.
   */
  gossipTx(tx: Uint8Array): void {
    if (this.stopped) return;
    this.txQueue.push(tx);
    if (this.txQueue.length >= MAX_TX_BATCH) this.flushTxs();
    else this.txTimer ??= setTimeout(() => this.flushTxs(), 10);
  }

  // ---- evidence ----

  /** Gossip evidence this node found or accepted (peers check it before they relay it). */
  broadcastEvidence(evidence: readonly Evidence[]): void {
    if (this.stopped || evidence.length === 0) return;
    for (let i = 0; i < evidence.length; i += MAX_EVIDENCE_BATCH) {
      const msg = encodeMessage({ kind: "evidence", evidence: evidence.slice(i, i + MAX_EVIDENCE_BATCH) });
      void this.libp2p.services.pubsub
        .publish(this.topics.evidence, msg)
        .catch((e: unknown) => this.options.log?.debug("evidence publish failed", { error: e }));
    }
  }

  private flushTxs(): void {
    if (this.txTimer) clearTimeout(this.txTimer);
    this.txTimer = undefined;
    while (this.txQueue.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < this.txQueue.length && n < MAX_TX_BATCH) {
        const len = (this.txQueue[n] as Uint8Array).length + 8;
        if (n > 0 && bytes + len > MAX_GOSSIP_BYTES - 1024) break;
        bytes += len;
        n++;
      }
      const txs = this.txQueue.splice(0, n);
      void this.libp2p.services.pubsub
        .publish(this.topics.txs, encodeMessage({ kind: "txs", txs }))
        .catch((e: unknown) => this.options.log?.debug("tx publish failed", { error: e }));
    }
  }

  // ---- status / block sync ----

  /** Announce our height (after each block and periodically). */
  publishStatus(): void {
    if (this.stopped) return;
    const s = this.deps.status();
    const msg = encodeMessage({ kind: "status", height: s.height, base: s.base, ...this.selfInfo() });
    void this.libp2p.services.pubsub.publish(this.topics.status, msg).catch(() => {});
  }

  /** Each connected peer's latest reported height. */
  peerHeights(): ReadonlyMap<string, number> {
    return this.book.heights(this.connectedPeers());
  }

  /** Fetch a block and its commit from `peer`. */
  async fetchBlock(peer: string, height: number): Promise<BlockWithCommit | undefined> {
    const res = await this.request(peer, { kind: "blockRequest", height });
    if (res.kind === "noBlock") return undefined;
    if (res.kind !== "blockResponse") {
      this.reportBadPeer(peer, `answered a block request with ${res.kind}`);
      return undefined;
    }
    return { block: res.block, commit: res.commit };
  }

  /** Score a peer down for invalid data; bans and disconnects it at the threshold. */
  reportBadPeer(peer: string, reason: string, points: number = PENALTY.badBlock): void {
    this.options.log?.warn("peer misbehaved", { peer, reason });
    if (this.book.penalize(peer, points)) this.disconnect(peer, reason);
  }

  /** Connected peers (libp2p peer ids). */
  connectedPeers(): string[] {
    return [...new Set(this.libp2p.getConnections().map((c) => c.remotePeer.toString()))];
  }

  /** `net_info` for the RPC. */
  netInfo(): RpcNetInfo {
    const peers: RpcPeer[] = this.libp2p.getConnections().map((c) => {
      const info = this.peerInfo.get(c.remotePeer.toString());
      const pk = c.remotePeer.publicKey?.raw;
      return {
        nodeInfo: {
          id: pk ? nodeIdOf(pk) : c.remotePeer.toString(),
          listenAddr: info?.listenAddr ?? c.remoteAddr.toString(),
          moniker: info?.moniker ?? "",
        },
        isOutbound: c.direction === "outbound",
        remoteIp: c.remoteAddr.toString().split("/")[2] ?? "",
      };
    });
    return { listening: true, listeners: this.listenAddrs, peers };
  }

  // ---- private: validation ----

  private async validateTxs(peer: string, data: Uint8Array): Promise<TopicValidatorResult> {
    let m: WireMessage;
    try {
      m = decodeMessage(data, MAX_GOSSIP_BYTES);
      if (m.kind !== "txs") throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "not a tx batch");
    } catch (e) {
      this.punish(peer, PENALTY.malformed, e);
      return TopicValidatorResult.Reject;
    }
    const add = this.deps.addTx;
    if (!add) return TopicValidatorResult.Ignore;
    // Hand the whole batch to the mempool at once, in order: it keeps CheckTx in call order (so a
    // sender's sequences stay ordered) while the txs' signatures are pre-verified together.
    const verdicts = await Promise.all(m.txs.map((tx) => add(tx).catch((): "rejected" => "rejected")));
    let added = 0;
    for (const r of verdicts) if (r === "added") added++;
    return added > 0 ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
  }

  private async validateConsensus(
    peer: string,
    topic: string,
    data: Uint8Array,
  ): Promise<TopicValidatorResult> {
    let msg: ConsensusMessage;
    try {
      if (data.length > MAX_GOSSIP_BYTES)
        throw new CodedError(P2P_CODESPACE, P2PErrorCode.TooLarge, "too large");
      msg = decodeConsensusMessage(data);
      validateConsensusMessage(msg);
      if (this.topicOf(msg) !== topic)
        throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "wrong topic");
    } catch (e) {
      this.punish(peer, PENALTY.malformed, e);
      return TopicValidatorResult.Reject;
    }
    const verdict = (await this.deps.checkConsensus?.(msg)) ?? "accept";
    if (verdict === "reject") {
      this.punish(peer, PENALTY.invalidSignature, "invalid consensus message");
      return TopicValidatorResult.Reject;
    }
    if (verdict === "accept" && topic === this.topics.state) {
      // round state (from a node that still gossips it): take it as from this peer, never relay it
      this.deliverDecoded(peer, msg);
      return TopicValidatorResult.Ignore;
    }
    if (verdict === "accept") this.validated.set(data, msg);
    return verdict === "accept" ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
  }

  private validateStatus(peer: string, data: Uint8Array): TopicValidatorResult {
    try {
      const m = decodeMessage(data, MAX_REQUEST_BYTES);
      if (m.kind !== "status") throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "not a status");
      // Status is about its author, who under StrictNoSign is not named: trust it only first-hand.
      return TopicValidatorResult.Accept;
    } catch (e) {
      this.punish(peer, PENALTY.malformed, e);
      return TopicValidatorResult.Reject;
    }
  }

  private async validateEvidence(peer: string, data: Uint8Array): Promise<TopicValidatorResult> {
    let m: WireMessage;
    try {
      m = decodeMessage(data, MAX_EVIDENCE_BYTES);
      if (m.kind !== "evidence") throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "not evidence");
    } catch (e) {
      this.punish(peer, PENALTY.malformed, e);
      return TopicValidatorResult.Reject;
    }
    const verdict = await this.checkEvidenceList(peer, m.evidence);
    if (verdict === "reject") return TopicValidatorResult.Reject;
    return verdict === "accept" ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
  }

  /** Check each item (the pool takes the valid new ones): reject (and punish) if any is invalid. */
  private async checkEvidenceList(peer: string, evidence: readonly Evidence[]): Promise<Verdict> {
    const check = this.deps.checkEvidence;
    if (!check) return "ignore";
    let accepted = false;
    for (const ev of evidence) {
      let verdict: Verdict;
      try {
        verdict = await check(ev);
      } catch (e) {
        this.options.log?.debug("evidence check failed", { peer, error: e });
        verdict = "ignore";
      }
      if (verdict === "reject") {
        this.punish(peer, PENALTY.invalidSignature, "invalid evidence");
        return "reject";
      }
      if (verdict === "accept") accepted = true;
    }
    return accepted ? "accept" : "ignore";
  }

  /** Send our pending evidence to `peer` (request answered by `ack`). */
  private async pushEvidence(peer: string): Promise<void> {
    const pending = this.deps.pendingEvidence?.() ?? [];
    for (let i = 0; i < pending.length && !this.stopped; i += MAX_EVIDENCE_BATCH) {
      try {
        await this.request(peer, { kind: "evidence", evidence: pending.slice(i, i + MAX_EVIDENCE_BATCH) });
      } catch (e) {
        this.options.log?.debug("evidence push failed", { peer, error: e });
        return;
      }
    }
  }

  private deliver(peer: string, data: Uint8Array): void {
    let msg: ConsensusMessage;
    try {
      msg = decodeConsensusMessage(data);
    } catch (e) {
      this.options.log?.debug("consensus handler failed", { peer, error: e });
      return;
    }
    this.deliverDecoded(peer, msg);
  }

  private deliverDecoded(peer: string, msg: ConsensusMessage): void {
    const h = this.handler;
    if (!h) return;
    try {
      h(peer, msg);
    } catch (e) {
      this.options.log?.debug("consensus handler failed", { peer, error: e });
    }
  }

  private punish(peer: string, points: number, why: unknown): void {
    const reason = why instanceof Error ? why.message : String(why);
    this.options.log?.debug("invalid message from peer", { peer, reason });
    if (this.book.penalize(peer, points)) this.disconnect(peer, reason);
  }

  private disconnect(peer: string, reason: string): void {
    this.options.log?.warn("banning peer", { peer, reason });
    const conns = this.libp2p.getConnections().filter((c) => c.remotePeer.toString() === peer);
    for (const c of conns) void c.close().catch(() => c.abort(new Error("banned")));
    this.direct.delete(peer);
  }

  private topicOf(msg: ConsensusMessage): string {
    switch (msg.kind) {
      case "proposal":
      case "blockPart":
        return this.topics.data;
      case "vote":
        return this.topics.vote;
      default:
        return this.topics.state;
    }
  }

  private selfInfo(): { moniker?: string; listenAddr?: string } {
    const out: { moniker?: string; listenAddr?: string } = { listenAddr: this.options.laddr };
    if (this.options.moniker) out.moniker = this.options.moniker;
    return out;
  }

  // ---- private: direct consensus stream ----

  private async sendDirect(peer: string, bytes: Uint8Array): Promise<void> {
    let out = this.direct.get(peer);
    try {
      if (!out) {
        const conn = this.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer);
        if (!conn) return;
        const stream = await conn.newStream(this.directProtocol);
        out = { stream, lp: lpStream(stream, { maxDataLength: MAX_GOSSIP_BYTES }), chain: Promise.resolve() };
        this.direct.set(peer, out);
      }
      const o = out;
      o.chain = o.chain.then(() => o.lp.write(bytes));
      await o.chain;
    } catch (e) {
      this.direct.delete(peer);
      this.options.log?.debug("direct send failed", { peer, error: e });
    }
  }

  private async onDirectStream(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    // A slow (busy) reader may have several blocks' parts queued: allow a generous buffer.
    const lp = lpStream(stream, { maxDataLength: MAX_GOSSIP_BYTES, maxBufferSize: DIRECT_BUFFER_BYTES });
    try {
      while (!this.stopped) {
        const buf = await lp.read();
        let msg: ConsensusMessage;
        try {
          const m = decodeMessage(buf.subarray(), MAX_GOSSIP_BYTES);
          if (m.kind !== "consensus")
            throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "not consensus");
          msg = decodeConsensusMessage(m.payload);
          validateConsensusMessage(msg);
          const verdict = (await this.deps.checkConsensus?.(msg)) ?? "accept";
          if (verdict === "reject")
            throw new CodedError(P2P_CODESPACE, P2PErrorCode.Invalid, "invalid signature");
          if (verdict === "ignore") continue;
        } catch (e) {
          this.punish(peer, PENALTY.malformed, e);
          if (this.book.isBanned(peer)) break;
          continue;
        }
        try {
          this.handler?.(peer, msg);
        } catch (e) {
          this.options.log?.debug("consensus handler failed", { peer, error: e });
        }
      }
    } catch {
      // stream closed or oversized frame
    }
    stream.abort(new Error("closed"));
  }

  // ---- private: request/response ----

  private async request(peer: string, req: WireMessage): Promise<WireMessage> {
    const conn = this.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer);
    if (!conn) throw new CodedError(P2P_CODESPACE, P2PErrorCode.RequestFailed, `not connected to ${peer}`);
    const signal = AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000);
    const stream = await conn.newStream(this.syncProtocol, { signal });
    try {
      const lp = lpStream(stream, {
        maxDataLength: MAX_RESPONSE_BYTES,
        maxBufferSize: MAX_RESPONSE_BYTES + 16,
      });
      await lp.write(encodeMessage(req), { signal });
      const buf = await lp.read({ signal });
      await stream.close().catch(() => {});
      try {
        return decodeMessage(buf.subarray(), MAX_RESPONSE_BYTES);
      } catch (e) {
        this.reportBadPeer(
          peer,
          `bad response: ${e instanceof Error ? e.message : String(e)}`,
          PENALTY.malformed,
        );
        throw e;
      }
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  private async onSyncStream(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    try {
      if (!this.book.allowRequest(peer)) {
        this.punish(peer, PENALTY.rateLimited, "request rate exceeded");
        stream.abort(new Error("rate limited"));
        return;
      }
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
      const signal = AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000);
      const buf = await lp.read({ signal });
      let req: WireMessage;
      try {
        req = decodeMessage(buf.subarray(), MAX_REQUEST_BYTES);
      } catch (e) {
        this.punish(peer, PENALTY.malformed, e);
        stream.abort(new Error("bad request"));
        return;
      }
      let res: WireMessage;
      if (req.kind === "statusRequest") {
        const s = this.deps.status();
        res = { kind: "status", height: s.height, base: s.base, ...this.selfInfo() };
      } else if (req.kind === "evidence") {
        if ((await this.checkEvidenceList(peer, req.evidence)) === "reject") {
          stream.abort(new Error("invalid evidence"));
          return;
        }
        res = { kind: "ack" };
      } else if (req.kind === "blockRequest") {
        const entry = await this.deps.loadBlock(req.height);
        res = entry
          ? { kind: "blockResponse", block: entry.block, commit: entry.commit }
          : { kind: "noBlock", height: req.height };
      } else {
        this.punish(peer, PENALTY.malformed, `unexpected request ${req.kind}`);
        stream.abort(new Error("bad request"));
        return;
      }
      const out = lpStream(lp.unwrap(), { maxDataLength: MAX_RESPONSE_BYTES });
      await out.write(encodeMessage(res), { signal });
      await stream.close({ signal });
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private async refreshStatus(peerId: PeerId): Promise<void> {
    const peer = peerId.toString();
    try {
      const res = await this.request(peer, { kind: "statusRequest" });
      if (res.kind === "status") {
        this.book.setStatus(peer, res.height, res.base);
        this.peerInfo.set(peer, { moniker: res.moniker ?? "", listenAddr: res.listenAddr ?? "" });
      }
    } catch (e) {
      this.options.log?.debug("status request failed", { peer, error: e });
    }
  }

  /** Poll connected peers' status (block sync's view of who is ahead). */
  async refreshAllStatus(): Promise<void> {
    await Promise.all(this.libp2p.getConnections().map((c) => this.refreshStatus(c.remotePeer)));
  }

  // ---- private: dialling ----

  private async dialAddress(p: PeerAddress): Promise<Connection> {
    const signal = AbortSignal.timeout(5000);
    const conn = await this.libp2p.dial(multiaddr(p.multiaddr), { signal });
    if (!p.isLibp2pId) {
      const pk = conn.remotePeer.publicKey?.raw;
      if (!pk || nodeIdOf(pk) !== p.id) {
        await conn.close().catch(() => {});
        throw new CodedError(
          P2P_CODESPACE,
          P2PErrorCode.InvalidConfig,
          `peer at ${p.host}:${p.port} is ${pk ? nodeIdOf(pk) : conn.remotePeer.toString()}, expected ${p.id}`,
        );
      }
    }
    return conn;
  }

  /** Keep a persistent peer connected, redialling with exponential backoff (0.5 s … 30 s). */
  private async keepConnected(p: PeerAddress, index: number): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      const current = this.persistentConns.get(index);
      const connected =
        current !== undefined &&
        this.libp2p.getConnections().some((c) => c.remotePeer.toString() === current);
      if (!connected) {
        try {
          const conn = await this.dialAddress(p);
          this.persistentConns.set(index, conn.remotePeer.toString());
          backoff = 500;
        } catch (e) {
          this.options.log?.debug("dial failed", { peer: `${p.id}@${p.host}:${p.port}`, error: e });
          await delay(backoff);
          backoff = Math.min(30_000, backoff * 2);
          continue;
        }
      }
      await delay(1000);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
