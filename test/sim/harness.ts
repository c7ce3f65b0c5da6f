/**
 * Deterministic simulation of N Tendermint validators in one process: a virtual clock and event
 * queue, a simulated network driven by a seeded PRNG (delays, drops, duplicates, reordering,
 * partitions), crashes and restarts from the in-memory WAL and signer state, and an optional
 * byzantine validator that equivocates. Invariants are checked after every event: agreement, validity,
 * no double-sign by honest validators; liveness is checked once the network has healed.
 */
import type { ConsensusParams, InitChainRequest, Timestamp } from "../../src/abci/types.js";
import { TendermintEngine, type TendermintTimeouts } from "../../src/consensus/engine.js";
import { MemoryEvidencePool } from "../../src/consensus/evidence.js";
import { MemorySigner, type MemorySignerState, newSignerState } from "../../src/consensus/memorySigner.js";
import {
  type BlockPartMessage,
  type ConsensusMessage,
  decodeConsensusMessage,
  encodeConsensusMessage,
} from "../../src/consensus/messages.js";
import { PartSetBuilder } from "../../src/consensus/partSet.js";
import type { Clock, ConsensusNetwork } from "../../src/consensus/types.js";
import { blockIdKey } from "../../src/consensus/voteSet.js";
import { MemoryWAL } from "../../src/consensus/wal.js";
import { ed25519Address } from "../../src/crypto/ed25519.js";
import { sha256 } from "../../src/crypto/hash.js";
import {
  blockHash,
  fillHeader,
  makeBlockPartSet,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Vote,
  voteSignBytes,
  zeroBlockId,
} from "../../src/types/block.js";
import { concatBytes, equalBytes, toHex, utf8 } from "../../src/types/bytes.js";
import { isValidTx, newDisk, SimApp, SimBlockStore, type SimDisk, SimMempool } from "./app.js";

// ---------------------------------------------------------------------------------------------
// PRNG and event queue

/** mulberry32: a small, fast, seeded PRNG. */
export class Rng {
  private s: number;
  /** A generator for `seed`. */
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface SimEvent {
  time: number;
  seq: number;
  node: number;
  run: () => void;
}

class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;
  push(time: number, node: number, run: () => void): SimEvent {
    const ev = { time, seq: this.seq++, node, run };
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p] as SimEvent, ev)) break;
      h[i] = h[p] as SimEvent;
      i = p;
    }
    h[i] = ev;
    return ev;
  }
  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mv = last;
        if (l < h.length && less(h[l] as SimEvent, mv)) {
          m = l;
          mv = h[l] as SimEvent;
        }
        if (r < h.length && less(h[r] as SimEvent, mv)) {
          m = r;
          mv = h[r] as SimEvent;
        }
        if (m === i) break;
        h[i] = mv;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
  get size(): number {
    return this.heap.length;
  }
}

function less(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

// ---------------------------------------------------------------------------------------------
// Fast stand-in signatures (the sim checks consensus logic, not ed25519)

function simSign(pubKey: Uint8Array, bytes: Uint8Array): Uint8Array {
  return sha256(concatBytes(pubKey, bytes));
}

function simVerify(pubKey: Uint8Array, bytes: Uint8Array, sig: Uint8Array): boolean {
  return equalBytes(simSign(pubKey, bytes), sig);
}

// ---------------------------------------------------------------------------------------------
// Options and results

/** Scenario knobs (the defaults are drawn from the seed). */
export interface SimOptions {
  seed: number;
  validators?: number;
  /** Heights every honest node must reach after healing (beyond the height at healing). */
  extraHeights?: number;
  /** Use the deliberately broken locking rule in every honest node. */
  breakLocking?: boolean;
  /** Force (or forbid) a byzantine equivocating validator. */
  byzantine?: boolean;
  /** Many short partitions isolating one node, and heavy loss (to expose broken safety rules). */
  hostile?: boolean;
  /** Log engine debug lines. */
  verbose?: boolean;
  /**
   * Instead of the seeded faults: cut one validator off from `fromMs` to `toMs` while it keeps
   * running (equal powers, no loss, crashes or byzantine node), so it falls heights behind and must
   * catch up from its peers' stored blocks and commits once the network heals at `toMs`.
   */
  isolate?: { node: number; fromMs: number; toMs: number };
}

/** What a run found. */
export interface SimResult {
  seed: number;
  ok: boolean;
  failure?: string;
  /** Virtual milliseconds simulated. */
  virtualMs: number;
  events: number;
  /** Lowest committed height among honest nodes at the end. */
  minHeight: number;
  maxRound: number;
  crashes: number;
  byzantine: boolean;
  evidenceCommitted: number;
  /** Validator-set changes from FinalizeBlock that took effect exactly two heights later. */
  validatorChanges: number;
  /** Largest gap seen between the highest and the lowest honest node's committed height. */
  maxLag: number;
}

const TIMEOUTS: TendermintTimeouts = {
  proposeMs: 300,
  proposeDeltaMs: 100,
  prevoteMs: 100,
  prevoteDeltaMs: 50,
  precommitMs: 100,
  precommitDeltaMs: 50,
  commitMs: 100,
};

const PARAMS: ConsensusParams = {
  block: { maxBytes: 1048576, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

const GENESIS_TIME: Timestamp = { seconds: 1_700_000_000n, nanos: 0 };

class SimFailure extends Error {}

// ---------------------------------------------------------------------------------------------
// Nodes

interface SimNode {
  index: number;
  pubKey: Uint8Array;
  address: Uint8Array;
  power: bigint;
  byzantine: boolean;
  disk: SimDisk;
  wal: MemoryWAL;
  signerState: MemorySignerState;
  evidence: MemoryEvidencePool;
  mempool: SimMempool;
  engine: TendermintEngine | undefined;
  handler: ((peer: string, msg: ConsensusMessage) => void) | undefined;
  /** Bumped at every crash so stale timers and deliveries are dropped. */
  epoch: number;
  up: boolean;
}

/** Run one seeded scenario to completion. */
export async function runSimulation(opts: SimOptions): Promise<SimResult> {
  const rng = new Rng(opts.seed * 2654435761);
  const n = opts.validators ?? 4;
  const queue = new EventQueue();
  let now = 0;
  const chainId = "sim-chain";
  const byzantineOn = opts.byzantine ?? rng.chance(0.3);
  const byzIndex = byzantineOn ? rng.int(0, n - 1) : -1;

  // scenario
  let chaosMs = rng.int(300, 4000);
  const hostile = opts.hostile === true;
  let dropP = hostile ? 0.1 + rng.next() * 0.3 : rng.chance(0.5) ? rng.next() * 0.25 : 0;
  let dupP = rng.chance(0.5) ? rng.next() * 0.1 : 0;
  let maxDelay = rng.chance(0.2) ? rng.int(300, 1500) : rng.int(5, 150);
  const codecP = 0.05;
  let partitions: { from: number; to: number; side: Set<number> }[] = [];
  const nPart = hostile ? rng.int(4, 12) : rng.int(0, 2);
  for (let i = 0; i < nPart; i++) {
    const from = rng.int(0, chaosMs);
    const side = new Set<number>();
    if (hostile) side.add(rng.int(0, n - 1));
    else for (let j = 0; j < n; j++) if (rng.chance(0.5)) side.add(j);
    partitions.push({
      from,
      to: Math.min(chaosMs, from + (hostile ? rng.int(50, 600) : rng.int(200, 3000))),
      side,
    });
  }
  let crashPlan: { at: number; node: number; downMs: number }[] = [];
  const nCrash = rng.int(0, 3);
  for (let i = 0; i < nCrash; i++) {
    crashPlan.push({ at: rng.int(0, chaosMs), node: rng.int(0, n - 1), downMs: rng.int(50, 2000) });
  }
  const byzantineProposals = byzantineOn && rng.chance(0.6);
  let valUpdateAt = !byzantineOn && rng.chance(0.2) ? rng.int(1, 3) : -1;
  const iso = opts.isolate;
  if (iso !== undefined) {
    if (byzantineOn) throw new Error("isolate runs without a byzantine validator (byzantine: false)");
    chaosMs = iso.toMs;
    dropP = 0;
    dupP = 0;
    maxDelay = 20;
    partitions = [{ from: iso.fromMs, to: iso.toMs, side: new Set([iso.node]) }];
    crashPlan = [];
    valUpdateAt = -1;
  }

  // validators: powers 1..3 (byzantine power kept below 1/3 of the total)
  const powers: bigint[] = [];
  for (let i = 0; i < n; i++) powers.push(BigInt(rng.int(1, 3)));
  if (iso !== undefined) powers.fill(1n);
  if (byzIndex >= 0) {
    for (let i = 0; i < n; i++) powers[i] = 10n;
    powers[byzIndex] = BigInt(rng.int(1, 9));
  }
  const pubKeys = powers.map((_, i) => sha256(utf8(`sim-validator-${i}`)));
  const genesis: InitChainRequest = {
    time: GENESIS_TIME,
    chainId,
    consensusParams: PARAMS,
    validators: pubKeys.map((pubKey, i) => ({ pubKey, power: powers[i] as bigint })),
    appStateBytes: new Uint8Array(0),
    initialHeight: 1,
  };

  const nodes: SimNode[] = pubKeys.map((pubKey, i) => ({
    index: i,
    pubKey,
    address: ed25519Address(pubKey),
    power: powers[i] as bigint,
    byzantine: i === byzIndex,
    disk: newDisk(),
    wal: new MemoryWAL(false),
    signerState: newSignerState(),
    evidence: new MemoryEvidencePool(),
    mempool: new SimMempool(i),
    engine: undefined,
    handler: undefined,
    epoch: 0,
    up: false,
  }));
  if (valUpdateAt >= 0) {
    // node 0 asks to change validator 1's power once
    nodes[0]?.mempool.extra.push(utf8(`val1=${rng.int(1, 4)}`));
  }

  // invariant state
  const committed = new Map<number, string>();
  const proposed = new Set<string>();
  const honestVotes = new Map<string, string>();
  let evidenceCommitted = 0;
  const headers = new Map<number, { vals: string; next: string }>();
  const updateHeights: number[] = [];
  let maxRound = 0;
  let crashes = 0;
  let failure: string | undefined;
  /** A violation seen inside an engine callback (which the engine shields itself from). */
  let violation: string | undefined;
  const fail = (m: string): never => {
    violation ??= m;
    throw new SimFailure(m);
  };

  const partitioned = (a: number, b: number, t: number): boolean => {
    if (t >= chaosMs) return false;
    for (const p of partitions) {
      if (t >= p.from && t < p.to && p.side.has(a) !== p.side.has(b)) return true;
    }
    return false;
  };

  const deliver = (from: number, to: number, msg: ConsensusMessage): void => {
    if (to === from) return;
    const chaos = now < chaosMs;
    if (partitioned(from, to, now)) return;
    if (chaos && rng.chance(dropP)) return;
    const copies = chaos && rng.chance(dupP) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = chaos ? rng.int(1, maxDelay) : rng.int(1, 20);
      const target = nodes[to] as SimNode;
      const epoch = target.epoch;
      queue.push(now + delay, to, () => {
        if (!target.up || target.epoch !== epoch || target.handler === undefined) return;
        let m = msg;
        if (rng.chance(codecP)) m = decodeConsensusMessage(encodeConsensusMessage(msg));
        target.handler(`n${from}`, m);
      });
    }
  };

  const observeOutgoing = (from: SimNode, msg: ConsensusMessage): void => {
    if (msg.kind === "proposal") proposed.add(blockIdKey(msg.proposal.blockId));
    if (msg.kind === "vote" && !from.byzantine) {
      const v = msg.vote;
      const key = `${from.index}/${v.height}/${v.round}/${v.type}`;
      const bid = blockIdKey(v.blockId);
      const prev = honestVotes.get(key);
      if (prev !== undefined && prev !== bid) fail(`honest validator ${from.index} double-signed ${key}`);
      honestVotes.set(key, bid);
    }
  };

  /** A byzantine node sends a different, validly signed vote to some peers. */
  const equivocate = (from: SimNode, vote: Vote): Map<number, ConsensusMessage> => {
    const other: Vote = {
      ...vote,
      blockId:
        vote.blockId.hash.length === 0
          ? {
              hash: sha256(utf8(`fake-${vote.height}-${vote.round}`)),
              partSetHeader: { total: 1, hash: sha256(utf8(`fake-parts-${vote.height}`)) },
            }
          : zeroBlockId(),
    };
    other.signature = simSign(from.pubKey, voteSignBytes(chainId, other));
    const out = new Map<number, ConsensusMessage>();
    for (let i = 0; i < n; i++) if (rng.chance(0.5)) out.set(i, { kind: "vote", vote: other });
    return out;
  };

  /**
   * A byzantine proposer sends its proposal to some peers and a different, validly signed block
   * (fresh, without POL) to the others.
   */
  let byzProposal: { proposal: Proposal; parts: BlockPartMessage[] } | undefined;
  const equivocateProposal = (from: SimNode, msg: ConsensusMessage): boolean => {
    if (msg.kind === "proposal") {
      byzProposal = { proposal: msg.proposal, parts: [] };
      return true;
    }
    if (msg.kind !== "blockPart" || byzProposal === undefined) return false;
    byzProposal.parts.push(msg);
    const { proposal, parts } = byzProposal;
    if (parts.length < proposal.blockId.partSetHeader.total) return true;
    byzProposal = undefined;
    const builder = new PartSetBuilder(proposal.blockId.partSetHeader);
    for (const p of parts) builder.addPart(p.part);
    const block = builder.assemble();
    const alt = fillHeader({
      ...block,
      data: { txs: [...block.data.txs, utf8(`byz${proposal.height}r${proposal.round}=x`)] },
    });
    const altParts = makeBlockPartSet(alt);
    const altProposal: Proposal = {
      ...proposal,
      polRound: -1,
      blockId: { hash: blockHash(alt), partSetHeader: altParts.header },
    };
    altProposal.signature = simSign(from.pubKey, proposalSignBytes(chainId, altProposal));
    proposed.add(blockIdKey(altProposal.blockId));
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.5)) {
        deliver(from.index, i, { kind: "proposal", proposal });
        for (const p of parts) deliver(from.index, i, p);
      } else {
        deliver(from.index, i, { kind: "proposal", proposal: altProposal });
        for (const part of altParts.parts) {
          deliver(from.index, i, { kind: "blockPart", height: proposal.height, round: proposal.round, part });
        }
      }
    }
    return true;
  };

  const makeNetwork = (node: SimNode): ConsensusNetwork => ({
    broadcast(msg: ConsensusMessage): void {
      if (!node.up) return;
      observeOutgoing(node, msg);
      if (node.byzantine && byzantineProposals && equivocateProposal(node, msg)) return;
      const alt =
        node.byzantine && msg.kind === "vote" && rng.chance(0.7) ? equivocate(node, msg.vote) : undefined;
      for (let i = 0; i < n; i++) deliver(node.index, i, alt?.get(i) ?? msg);
    },
    sendTo(peer: string, msg: ConsensusMessage): void {
      if (!node.up) return;
      deliver(node.index, Number(peer.slice(1)), msg);
    },
    setHandler(h): void {
      node.handler = h;
    },
  });

  const makeClock = (node: SimNode): Clock => ({
    now(): Timestamp {
      const ms = BigInt(now);
      return { seconds: GENESIS_TIME.seconds + ms / 1000n, nanos: Number(ms % 1000n) * 1_000_000 };
    },
    setTimeout(cb: () => void, ms: number): () => void {
      const epoch = node.epoch;
      let cancelled = false;
      queue.push(now + Math.max(0, Math.floor(ms)), node.index, () => {
        if (!cancelled && node.up && node.epoch === epoch) cb();
      });
      return () => {
        cancelled = true;
      };
    },
  });

  const startNode = async (node: SimNode): Promise<void> => {
    node.up = true;
    const store = new SimBlockStore(node.disk);
    const app = new SimApp(node.disk, store, pubKeys);
    const signer = new MemorySigner(node.pubKey, (b) => simSign(node.pubKey, b), node.signerState);
    const engine = new TendermintEngine(
      {
        genesis,
        timeouts: TIMEOUTS,
        gossipIntervalMs: 250,
        unsafeBreakLocking: opts.breakLocking === true,
      },
      {
        app,
        blockStore: store,
        mempool: node.mempool,
        signer,
        clock: makeClock(node),
        events: {
          onNewBlock(ev): void {
            const h = ev.block.header.height;
            const key = blockIdKey(ev.blockId);
            if (opts.verbose) console.log(`t=${now} n${node.index} COMMIT ${h} ${key.slice(0, 12)}`);
            const prev = committed.get(h);
            if (prev !== undefined && prev !== key) {
              fail(
                `agreement violated at height ${h}: node ${node.index} committed ${key.slice(0, 16)}, another ${prev.slice(0, 16)}`,
              );
            }
            committed.set(h, key);
            if (!headers.has(h)) {
              headers.set(h, {
                vals: toHex(ev.block.header.validatorsHash),
                next: toHex(ev.block.header.nextValidatorsHash),
              });
              if (ev.results.validatorUpdates.length > 0) updateHeights.push(h);
            }
            if (!proposed.has(key)) fail(`validity violated: block ${h} committed without a proposal`);
            if (!ev.block.data.txs.every(isValidTx)) fail(`validity violated: block ${h} has invalid txs`);
            evidenceCommitted += ev.block.evidence.length;
            for (const e of ev.block.evidence) {
              const offender = nodes.find((x) => equalBytes(x.address, e.voteA.validatorAddress));
              if (!offender?.byzantine) fail(`evidence at height ${h} accuses honest validator`);
            }
          },
        },
        network: makeNetwork(node),
        wal: node.wal,
        evidencePool: node.evidence,
        verifySignature: simVerify,
        log: opts.verbose ? (m) => console.log(`t=${now} n${node.index} ${m}`) : undefined,
      },
    );
    node.engine = engine;
    await engine.start();
  };

  const crashNode = async (node: SimNode): Promise<void> => {
    if (!node.up) return;
    crashes++;
    node.up = false;
    node.epoch++;
    await node.engine?.stop();
    node.engine = undefined;
    node.handler = undefined;
    node.wal.crash(rng.chance(0.5));
    // the evidence pool is in memory: lost on crash
    node.evidence = new MemoryEvidencePool();
  };

  for (const c of crashPlan) {
    queue.push(c.at, c.node, () => {
      const node = nodes[c.node] as SimNode;
      pendingOps.push(async () => {
        await crashNode(node);
        queue.push(now + c.downMs, node.index, () => {
          pendingOps.push(async () => {
            if (!node.up) await startNode(node);
          });
        });
      });
    });
  }
  // at heal time everyone is up
  queue.push(chaosMs, -1, () => {
    for (const node of nodes) {
      pendingOps.push(async () => {
        if (!node.up) await startNode(node);
      });
    }
  });
  const pendingOps: (() => Promise<void>)[] = [];

  let events = 0;
  let maxLag = 0;
  let healHeight = -1;
  const extra = opts.extraHeights ?? 2;
  const livenessBoundMs = 40_000;
  let target = Number.POSITIVE_INFINITY;
  const honest = nodes.filter((x) => !x.byzantine);
  try {
    for (const node of nodes) await startNode(node);
    for (;;) {
      const ev = queue.pop();
      if (ev === undefined) fail("event queue ran dry");
      const e = ev as SimEvent;
      now = e.time;
      events++;
      e.run();
      while (pendingOps.length > 0) await (pendingOps.shift() as () => Promise<void>)();
      const eng = e.node >= 0 ? nodes[e.node]?.engine : undefined;
      if (eng !== undefined) await eng.whenIdle();
      if (violation !== undefined) throw new SimFailure(violation);
      const hs = honest.map((x) => x.engine?.height ?? 0);
      maxLag = Math.max(maxLag, Math.max(...hs) - Math.min(...hs));
      for (const node of nodes) {
        if (node.engine?.error !== undefined) fail(`node ${node.index} halted: ${String(node.engine.error)}`);
        const r = node.engine?.position().round ?? 0;
        if (r > maxRound) maxRound = r;
      }
      if (now >= chaosMs && healHeight < 0) {
        healHeight = Math.max(...honest.map((x) => x.engine?.height ?? 0));
        target = healHeight + extra;
      }
      if (healHeight >= 0 && honest.every((x) => (x.engine?.height ?? 0) >= target)) break;
      if (now > chaosMs + livenessBoundMs) {
        fail(
          `liveness: after healing at ${chaosMs} ms, heights ${honest.map((x) => x.engine?.height ?? 0).join(",")} did not reach ${target} within ${livenessBoundMs} ms`,
        );
      }
    }
  } catch (e) {
    failure =
      violation ??
      (e instanceof SimFailure
        ? e.message
        : `crash: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    for (const node of nodes) {
      node.up = false;
      await node.engine?.stop();
    }
  }
  // updates decided at H change validatorsHash at H+2 (and nextValidatorsHash at H+1), not before
  let validatorChanges = 0;
  for (const h of updateHeights) {
    const a = headers.get(h);
    const b = headers.get(h + 1);
    const c = headers.get(h + 2);
    if (a === undefined || b === undefined || c === undefined || b.next === b.vals) continue;
    if (failure === undefined && (b.vals !== a.vals || c.vals !== b.next)) {
      failure = `validator update at ${h} not applied at ${h + 2}`;
    }
    validatorChanges++;
  }
  const result: SimResult = {
    seed: opts.seed,
    ok: true,
    virtualMs: now,
    events,
    minHeight: Math.min(...honest.map((x) => x.engine?.height ?? 0)),
    maxRound,
    crashes,
    byzantine: byzantineOn,
    evidenceCommitted,
    validatorChanges,
    maxLag,
  };
  if (failure !== undefined) {
    result.ok = false;
    result.failure = failure;
  }
  return result;
}

/** Hex of a short id, for messages. */
export function shortHex(b: Uint8Array): string {
  return toHex(b).slice(0, 12);
}

export { SignedMsgType };
