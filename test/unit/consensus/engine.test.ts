import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BlockIdFlag } from "../../../src/abci/types.js";
import { ed25519SignatureVerifier, TendermintEngine } from "../../../src/consensus/engine.js";
import { MemoryEvidencePool } from "../../../src/consensus/evidence.js";
import { MemorySigner, type MemorySignerState, newSignerState } from "../../../src/consensus/memorySigner.js";
import { type ConsensusMessage, RoundStep } from "../../../src/consensus/messages.js";
import type { ConsensusNetwork, NewBlockEvent } from "../../../src/consensus/types.js";
import { ValidatorSet, verifyCommit } from "../../../src/consensus/validatorSet.js";
import { MemoryWAL } from "../../../src/consensus/wal.js";
import { ed25519FromSeed, ed25519Sign, ed25519Verify } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  BLOCK_PROTOCOL,
  type Block,
  type BlockID,
  blockHash,
  consensusParamsHash,
  emptyCommit,
  fillHeader,
  lastResultsHash,
  makeBlockPartSet,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Vote,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { concatBytes, equalBytes, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";
import { newDisk, SimApp, SimBlockStore, type SimDisk, SimMempool } from "../../sim/app.js";
import { GENESIS_TIME, ManualClock, PARAMS, TIMEOUTS } from "./fixtures.js";

const CHAIN = "engine-test";
const simSign = (pub: Uint8Array, b: Uint8Array) => sha256(concatBytes(pub, b));
const simVerify = (pub: Uint8Array, b: Uint8Array, s: Uint8Array) => equalBytes(simSign(pub, b), s);
const keys = [0, 1, 2, 3].map((i) => sha256(utf8(`engine-key-${i}`)));
const genesis = {
  time: GENESIS_TIME,
  chainId: CHAIN,
  consensusParams: PARAMS,
  validators: keys.map((pubKey) => ({ pubKey, power: 10n })),
  appStateBytes: new Uint8Array(0),
  initialHeight: 1,
};
const GENESIS_SET = ValidatorSet.fromUpdates(genesis.validators);

interface Node {
  engine: TendermintEngine;
  clock: ManualClock;
  sent: ConsensusMessage[];
  signer: MemorySigner;
  wal: MemoryWAL;
  deliver(msg: ConsensusMessage, peer?: string): Promise<void>;
  tick(ms: number): Promise<void>;
  ownVotes(type: SignedMsgType, round: number): Vote[];
}

async function makeNode(opts: {
  keyIndex: number;
  wal?: MemoryWAL;
  signerState?: MemorySignerState;
  disk?: SimDisk;
  clock?: ManualClock;
  breakLocking?: boolean;
  gossipIntervalMs?: number;
  network?: Partial<ConsensusNetwork>;
  onBlock?: (ev: NewBlockEvent) => void;
}): Promise<Node> {
  const clock = opts.clock ?? new ManualClock();
  const wal = opts.wal ?? new MemoryWAL();
  const disk = opts.disk ?? newDisk();
  const store = new SimBlockStore(disk);
  const pub = keys[opts.keyIndex] as Uint8Array;
  const signer = new MemorySigner(pub, (b) => simSign(pub, b), opts.signerState ?? newSignerState());
  const sent: ConsensusMessage[] = [];
  let handler: ((peer: string, msg: ConsensusMessage) => void) | undefined;
  const network: ConsensusNetwork = {
    broadcast: (m) => {
      opts.network?.broadcast?.(m);
      sent.push(m);
    },
    sendTo: (p, m) => {
      opts.network?.sendTo?.(p, m);
      sent.push(m);
    },
    setHandler: (h) => {
      handler = h;
    },
  };
  const engine = new TendermintEngine(
    {
      genesis,
      timeouts: TIMEOUTS,
      gossipIntervalMs: opts.gossipIntervalMs ?? 0,
      unsafeBreakLocking: opts.breakLocking === true,
    },
    {
      app: new SimApp(disk, store, keys),
      blockStore: store,
      mempool: new SimMempool(opts.keyIndex),
      signer,
      clock,
      events: { onNewBlock: opts.onBlock },
      network,
      wal,
      evidencePool: new MemoryEvidencePool(),
      verifySignature: simVerify,
    },
  );
  await engine.start();
  return {
    engine,
    clock,
    sent,
    signer,
    wal,
    async deliver(msg, peer = "peer") {
      handler?.(peer, msg);
      await engine.whenIdle();
    },
    async tick(ms) {
      clock.advance(ms);
      await engine.whenIdle();
    },
    ownVotes(type, round) {
      return sent
        .filter((m): m is Extract<ConsensusMessage, { kind: "vote" }> => m.kind === "vote")
        .map((m) => m.vote)
        .filter((v) => v.type === type && v.round === round);
    },
  };
}

/** Index of the proposer of `round` at height 1. */
function proposerOf(round: number): number {
  const vs = round === 0 ? GENESIS_SET : GENESIS_SET.copyIncrementProposerPriority(round);
  return keys.findIndex((k) => equalBytes(sha256(k).subarray(0, 20), vs.getProposer().address));
}

function block1(
  proposer: number,
  tx: string,
): { block: Block; blockId: BlockID; msgs: (r: number, pol?: number) => ConsensusMessage[] } {
  const block = fillHeader({
    header: {
      version: { block: BLOCK_PROTOCOL, app: 0n },
      chainId: CHAIN,
      height: 1,
      time: GENESIS_TIME,
      lastBlockId: zeroBlockId(),
      lastCommitHash: new Uint8Array(0),
      dataHash: new Uint8Array(0),
      validatorsHash: GENESIS_SET.hash(),
      nextValidatorsHash: GENESIS_SET.hash(),
      consensusHash: consensusParamsHash(PARAMS),
      appHash: sha256(utf8(`genesis:${CHAIN}`)),
      lastResultsHash: lastResultsHash([]),
      evidenceHash: new Uint8Array(0),
      proposerAddress: sha256(keys[proposer] as Uint8Array).subarray(0, 20),
    },
    data: { txs: [utf8(tx)] },
    evidence: [],
    lastCommit: emptyCommit(),
  });
  const ps = makeBlockPartSet(block);
  const blockId = { hash: blockHash(block), partSetHeader: ps.header };
  const msgs = (round: number, polRound = -1): ConsensusMessage[] => {
    const p: Proposal = {
      height: 1,
      round,
      polRound,
      blockId,
      timestamp: GENESIS_TIME,
      signature: new Uint8Array(0),
    };
    p.signature = simSign(keys[proposer] as Uint8Array, proposalSignBytes(CHAIN, p));
    return [
      { kind: "proposal", proposal: p },
      ...ps.parts.map((part) => ({ kind: "blockPart" as const, height: 1, round, part })),
    ];
  };
  return { block, blockId, msgs };
}

function voteFrom(
  keyIndex: number,
  type: SignedMsgType,
  round: number,
  blockId: BlockID,
  height = 1,
): ConsensusMessage {
  const pub = keys[keyIndex] as Uint8Array;
  const v: Vote = {
    type,
    height,
    round,
    blockId,
    timestamp: { seconds: GENESIS_TIME.seconds + 1n, nanos: 0 },
    validatorAddress: sha256(pub).subarray(0, 20),
    validatorIndex: GENESIS_SET.getByAddress(sha256(pub).subarray(0, 20)).index,
    signature: new Uint8Array(0),
  };
  v.signature = simSign(pub, voteSignBytes(CHAIN, v));
  return { kind: "vote", vote: v };
}

const P0 = proposerOf(0);
const P1 = proposerOf(1);
const ME = [0, 1, 2, 3].find((i) => i !== P0 && i !== P1) as number;
const OTHERS = [0, 1, 2, 3].filter((i) => i !== ME);

/** Round 0: B proposed, polka for B, engine locks and precommits B, the others precommit nil. */
async function lockOnB(node: Node, B: ReturnType<typeof block1>): Promise<void> {
  await node.tick(TIMEOUTS.commitMs); // NewHeight → round 0
  for (const m of B.msgs(0)) await node.deliver(m);
  assert.equal(node.ownVotes(SignedMsgType.Prevote, 0)[0]?.blockId.hash.length, 32, "prevoted B");
  for (const i of OTHERS.slice(0, 2)) await node.deliver(voteFrom(i, SignedMsgType.Prevote, 0, B.blockId));
  const pc = node.ownVotes(SignedMsgType.Precommit, 0)[0];
  assert.ok(pc && equalBytes(pc.blockId.hash, B.blockId.hash), "precommitted B");
  assert.equal(node.engine.roundState().lockedRound, 0);
  for (const i of OTHERS.slice(0, 2))
    await node.deliver(voteFrom(i, SignedMsgType.Precommit, 0, zeroBlockId()));
  assert.equal(node.engine.roundState().round, 0);
  await node.tick(TIMEOUTS.precommitMs); // precommit wait → round 1
  assert.equal(node.engine.roundState().round, 1);
}

describe("TendermintEngine", () => {
  it("locking: a validator locked on B never prevotes another block without a POL", async () => {
    const B = block1(P0, "b=1");
    const B2 = block1(P1, "c=2");
    const node = await makeNode({ keyIndex: ME });
    await lockOnB(node, B);
    for (const m of B2.msgs(1)) await node.deliver(m);
    const pv = node.ownVotes(SignedMsgType.Prevote, 1);
    assert.equal(pv.length, 1);
    assert.equal(pv[0]?.blockId.hash.length, 0, "prevotes nil in round 1");
    assert.ok(equalBytes(node.engine.roundState().lockedBlockHash as Uint8Array, B.blockId.hash));
    // a polka for B2 in round 1 moves the lock (line 36), then B2 with POL round 1 gets a prevote in round 2
    for (const i of OTHERS) await node.deliver(voteFrom(i, SignedMsgType.Prevote, 1, B2.blockId));
    const pc1 = node.ownVotes(SignedMsgType.Precommit, 1)[0];
    assert.ok(pc1 && equalBytes(pc1.blockId.hash, B2.blockId.hash), "relocked on B2 after its polka");
    assert.equal(node.engine.roundState().lockedRound, 1);
    await node.engine.stop();
  });

  it("the deliberately broken locking rule prevotes the new block (what the simulation catches)", async () => {
    const B = block1(P0, "b=1");
    const B2 = block1(P1, "c=2");
    const node = await makeNode({ keyIndex: ME, breakLocking: true });
    await lockOnB(node, B);
    for (const m of B2.msgs(1)) await node.deliver(m);
    assert.ok(
      equalBytes(node.ownVotes(SignedMsgType.Prevote, 1)[0]?.blockId.hash as Uint8Array, B2.blockId.hash),
    );
    await node.engine.stop();
  });

  it("a part, proposal or vote already held is not logged again; fresh ones are not re-sent at once", async () => {
    const B = block1(P0, "b=1");
    const direct: { peer: string; msg: ConsensusMessage }[] = [];
    const node = await makeNode({
      keyIndex: ME,
      gossipIntervalMs: 1000,
      network: { sendTo: (peer, msg) => direct.push({ peer, msg }) },
    });
    const parts = makeBlockPartSet(B.block);
    const status = (withHeader: boolean): ConsensusMessage => ({
      kind: "newRoundStep",
      height: 1,
      round: 0,
      step: RoundStep.Propose,
      lastCommitRound: -1,
      hasProposal: false,
      ...(withHeader ? { partsHeader: parts.header } : {}),
      parts: [],
      prevotes: [],
      precommits: [],
      lastCommit: [],
    });
    await node.tick(TIMEOUTS.commitMs);
    // peer2 is at this height and round before the proposal comes
    await node.deliver(status(false), "peer2");
    assert.equal(direct.length, 0);
    node.clock.ms += 10;
    for (const m of B.msgs(0)) await node.deliver(m);
    const afterProposal = node.wal.size;
    for (const m of B.msgs(0)) await node.deliver(m, "other");
    assert.equal(node.wal.size, afterProposal, "duplicate proposal and parts skipped the WAL");
    const pv = voteFrom(OTHERS[0] as number, SignedMsgType.Prevote, 0, B.blockId);
    await node.deliver(pv);
    assert.equal(node.wal.size, afterProposal + 1);
    await node.deliver(pv, "other");
    assert.equal(node.wal.size, afterProposal + 1, "duplicate vote skipped the WAL");
    // a conflicting vote is not a duplicate: it is logged (and becomes evidence)
    await node.deliver(voteFrom(OTHERS[0] as number, SignedMsgType.Prevote, 0, zeroBlockId()));
    assert.equal(node.wal.size, afterProposal + 2);

    // peer2 was here when all of it arrived just now: gossip is bringing it, nothing is re-sent
    await node.deliver(status(true), "peer2");
    assert.equal(direct.length, 0);
    // peer3 shows up only now (it missed that gossip): it gets everything at once, once
    await node.deliver(status(true), "peer3");
    const kinds = direct.map((d) => d.msg.kind);
    assert.equal(kinds.filter((k) => k === "blockPart").length, parts.header.total);
    assert.ok(kinds.includes("proposal"));
    assert.ok(kinds.includes("vote"));
    assert.ok(direct.every((d) => d.peer === "peer3"));
    const n = direct.length;
    await node.deliver(status(true), "peer3");
    assert.equal(direct.length, n, "not re-sent within the interval");
    // a gossip interval later peer2 (still lacking it all) gets it too
    node.clock.ms += 1000;
    await node.deliver(status(true), "peer2");
    assert.equal(direct.length, 2 * n);
    assert.ok(direct.slice(n).every((d) => d.peer === "peer2"));
    await node.engine.stop();
  });

  it("a proposal, part or vote that handling would drop (another height or round) skips the WAL", async () => {
    const node = await makeNode({ keyIndex: ME });
    await node.tick(TIMEOUTS.commitMs); // height 1, round 0
    const before = node.wal.size;
    const B = block1(P1, "b=2");
    const [proposal, part] = B.msgs(1) as [
      ConsensusMessage,
      Extract<ConsensusMessage, { kind: "blockPart" }>,
    ];
    await node.deliver(proposal); // round 1 while this node is in round 0
    await node.deliver({ ...part, height: 2 });
    await node.deliver(voteFrom(P1, SignedMsgType.Prevote, 0, B.blockId, 3));
    await node.deliver(voteFrom(P1, SignedMsgType.Precommit, 0, B.blockId, 2));
    assert.equal(node.wal.size, before);
    assert.equal(node.engine.roundState().proposal, undefined);
    // the same kinds of message for this height and round are logged
    await node.deliver(voteFrom(P1, SignedMsgType.Prevote, 0, B.blockId));
    assert.equal(node.wal.size, before + 1);
    await node.engine.stop();
  });

  it("timeouts grow per round (propose, precommit) and timeout_commit delays the next height", async () => {
    const node = await makeNode({ keyIndex: ME });
    assert.equal(node.clock.timers[0]?.ms, TIMEOUTS.commitMs);
    await node.tick(TIMEOUTS.commitMs);
    await node.tick(TIMEOUTS.proposeMs); // no proposal: prevote nil
    assert.equal(node.ownVotes(SignedMsgType.Prevote, 0)[0]?.blockId.hash.length, 0);
    for (const i of OTHERS) await node.deliver(voteFrom(i, SignedMsgType.Precommit, 0, zeroBlockId()));
    await node.tick(TIMEOUTS.precommitMs);
    assert.equal(node.engine.roundState().round, 1);
    for (const i of OTHERS) await node.deliver(voteFrom(i, SignedMsgType.Prevote, 1, zeroBlockId()));
    for (const i of OTHERS) await node.deliver(voteFrom(i, SignedMsgType.Precommit, 1, zeroBlockId()));
    await node.tick(TIMEOUTS.precommitMs + TIMEOUTS.precommitDeltaMs);
    assert.equal(node.engine.roundState().round, 2);
    const ms = node.clock.timers.map((t) => t.ms);
    for (const want of [
      TIMEOUTS.proposeMs,
      TIMEOUTS.proposeMs + TIMEOUTS.proposeDeltaMs,
      TIMEOUTS.proposeMs + 2 * TIMEOUTS.proposeDeltaMs,
      TIMEOUTS.precommitMs,
      TIMEOUTS.precommitMs + TIMEOUTS.precommitDeltaMs,
    ]) {
      assert.ok(ms.includes(want), `a ${want} ms timeout was set (${ms.join(",")})`);
    }
    await node.engine.stop();
  });

  it("WAL replay after a crash restores the lock and votes without signing anything new", async () => {
    const B = block1(P0, "b=1");
    const wal = new MemoryWAL();
    const signerState = newSignerState();
    const node = await makeNode({ keyIndex: ME, wal, signerState });
    await lockOnB(node, B);
    const signedBefore = { ...signerState };
    await node.engine.stop();
    wal.crash(false);
    const again = await makeNode({ keyIndex: ME, wal, signerState, clock: node.clock });
    const rs = again.engine.roundState();
    assert.equal(rs.height, 1);
    assert.equal(rs.lockedRound, 0);
    assert.ok(equalBytes(rs.lockedBlockHash as Uint8Array, B.blockId.hash));
    const r0 = rs.votes.find((v) => v.round === 0);
    assert.equal(r0?.prevotes.filter(Boolean).length, 3);
    // the peers' nil precommits came after the last fsync and were lost; our own precommit was not
    assert.deepEqual(r0?.precommits.filter(Boolean).length, 1);
    assert.ok(r0?.precommits[GENESIS_SET.getByAddress(again.signer.address).index]);
    assert.equal(again.signer.signCount, 0, "nothing new was signed during replay");
    assert.deepEqual(signerState.signature, signedBefore.signature);
    await again.engine.stop();
  });

  it("no double-sign across a crash between the WAL write and the send", async () => {
    const B = block1(P0, "b=1");
    const wal = new MemoryWAL();
    const signerState = newSignerState();
    const clock = new ManualClock();
    let crashOnPrecommit = true;
    const node = await makeNode({
      keyIndex: ME,
      wal,
      signerState,
      clock,
      network: {
        broadcast: (m) => {
          if (crashOnPrecommit && m.kind === "vote" && m.vote.type === SignedMsgType.Precommit) {
            throw new Error("power cut after the WAL write");
          }
        },
      },
    });
    await node.tick(TIMEOUTS.commitMs);
    for (const m of B.msgs(0)) await node.deliver(m);
    for (const i of OTHERS.slice(0, 2)) await node.deliver(voteFrom(i, SignedMsgType.Prevote, 0, B.blockId));
    assert.ok(node.engine.error !== undefined, "the engine died while sending its precommit");
    assert.equal(node.ownVotes(SignedMsgType.Precommit, 0).length, 0, "the precommit never left");
    await node.engine.stop();
    crashOnPrecommit = false;
    wal.crash(false);
    const again = await makeNode({ keyIndex: ME, wal, signerState, clock });
    // a peer at the same height asking for votes gets the precommit that was WAL'd, same signature
    await again.deliver({
      kind: "newRoundStep",
      height: 1,
      round: 0,
      step: RoundStep.Precommit,
      lastCommitRound: -1,
      hasProposal: true,
      parts: [],
      prevotes: [],
      precommits: [],
      lastCommit: [],
    });
    const pcs = again
      .ownVotes(SignedMsgType.Precommit, 0)
      .filter((v) => equalBytes(v.validatorAddress, again.signer.address));
    assert.ok(pcs.length >= 1);
    assert.ok(pcs.every((v) => equalBytes(v.blockId.hash, B.blockId.hash)));
    assert.ok(pcs.every((v) => equalBytes(v.signature, signerState.signature as Uint8Array)));
    // after timing out into round 1 it cannot be made to sign a conflicting round-0 precommit
    await again.tick(TIMEOUTS.proposeMs * 3);
    const all = again.sent
      .filter((m): m is Extract<ConsensusMessage, { kind: "vote" }> => m.kind === "vote")
      .map((m) => m.vote)
      .filter(
        (v) =>
          v.round === 0 &&
          v.type === SignedMsgType.Precommit &&
          equalBytes(v.validatorAddress, again.signer.address),
      );
    assert.ok(all.every((v) => equalBytes(v.blockId.hash, B.blockId.hash)));
    await again.engine.stop();
  });

  it("a single validator with real ed25519 commits blocks carrying verified last commits and BFT time", async () => {
    const seed = new Uint8Array(32).fill(3);
    const signer = MemorySigner.fromSeed(seed);
    const disk = newDisk();
    const store = new SimBlockStore(disk);
    const clock = new ManualClock();
    const blocks: NewBlockEvent[] = [];
    const g = { ...genesis, validators: [{ pubKey: signer.pubKey, power: 5n }] };
    const net: ConsensusNetwork = { broadcast: () => {}, sendTo: () => {}, setHandler: () => {} };
    const engine = new TendermintEngine(
      { genesis: g, timeouts: TIMEOUTS, gossipIntervalMs: 0 },
      {
        app: new SimApp(disk, store, [signer.pubKey]),
        blockStore: store,
        mempool: new SimMempool(0),
        signer,
        clock,
        events: { onNewBlock: (ev) => blocks.push(ev) },
        network: net,
        wal: new MemoryWAL(),
        log: process.env.DBG ? (m) => console.log(m) : undefined,
      },
    );
    await engine.start();
    for (let i = 0; i < 20 && blocks.length < 3; i++) {
      clock.advance(250);
      await engine.whenIdle();
    }
    assert.equal(engine.error, undefined);
    assert.equal(engine.height, 3);
    const [b1, b2, b3] = blocks as [NewBlockEvent, NewBlockEvent, NewBlockEvent];
    assert.deepEqual(b1.block.header.time, GENESIS_TIME);
    assert.equal(b2.block.lastCommit.signatures[0]?.blockIdFlag, BlockIdFlag.Commit);
    assert.deepEqual(
      b2.block.header.time,
      b1.seenCommit.signatures[0]?.timestamp,
      "BFT time = median of the commit",
    );
    const vs = ValidatorSet.fromUpdates(g.validators);
    verifyCommit(CHAIN, vs, b2.blockId, 2, b3.block.lastCommit, (p, m, s) => ed25519Verify(s, m, p));
    assert.ok(equalBytes(b3.block.header.lastBlockId.hash, b2.blockId.hash));
    await engine.stop();

    // block sync: a fresh full node (no signer) applies the blocks with their commits
    const disk2 = newDisk();
    const store2 = new SimBlockStore(disk2);
    const follower = new TendermintEngine(
      { genesis: g, timeouts: TIMEOUTS, gossipIntervalMs: 0 },
      {
        app: new SimApp(disk2, store2, [signer.pubKey]),
        blockStore: store2,
        mempool: new SimMempool(1),
        clock: new ManualClock(),
        events: {},
        network: net,
        wal: new MemoryWAL(),
      },
    );
    await follower.start();
    const badCommit = {
      ...b1.seenCommit,
      signatures: b1.seenCommit.signatures.map((x) => ({ ...x, signature: new Uint8Array(64) })),
    };
    await assert.rejects(
      follower.applySyncedBlock(b1.block, badCommit),
      (e: unknown) => e instanceof CodedError,
    );
    await assert.rejects(
      follower.applySyncedBlock(b2.block, b2.seenCommit),
      (e: unknown) => e instanceof CodedError,
    );
    assert.equal(follower.height, 0, "rejected blocks change nothing");
    for (const b of blocks) await follower.applySyncedBlock(b.block, b.seenCommit);
    await follower.applySyncedBlock(b1.block, b1.seenCommit); // below the height: no-op
    assert.equal(follower.height, 3);
    assert.ok(equalBytes(disk2.appHash, disk.appHash), "same app state as the validator");
    await follower.stop();
  });
});

describe("TendermintEngine defaults and commit ordering", () => {
  it("the default signature verifier takes (pubKey, message, signature) and checks real ed25519", () => {
    const kp = ed25519FromSeed(new Uint8Array(32).fill(5));
    const msg = utf8("sign bytes");
    const sig = ed25519Sign(msg, kp.privateKey);
    assert.equal(ed25519SignatureVerifier(kp.publicKey, msg, sig), true);
    assert.equal(ed25519SignatureVerifier(kp.publicKey, utf8("other bytes"), sig), false);
    // ed25519Verify's own order (signature, message, publicKey) must not be what the default expects
    assert.equal(ed25519SignatureVerifier(sig, msg, kp.publicKey), false);
  });

  it("locks the mempool before the app's commit and updates it after, at every height", async () => {
    const signer = MemorySigner.fromSeed(new Uint8Array(32).fill(4));
    const disk = newDisk();
    const store = new SimBlockStore(disk);
    const clock = new ManualClock();
    const order: string[] = [];
    const app = new SimApp(disk, store, [signer.pubKey]);
    const commit = app.commit.bind(app);
    app.commit = async () => {
      order.push("commit");
      return commit();
    };
    const sim = new SimMempool(0);
    const mempool = {
      reap: () => sim.reap(),
      lock: async () => {
        order.push("lock");
      },
      update: async (h: number, txs: readonly Uint8Array[]) => {
        order.push(`update${h}`);
        await sim.update(h, txs);
      },
    };
    const g = { ...genesis, validators: [{ pubKey: signer.pubKey, power: 5n }] };
    const net: ConsensusNetwork = { broadcast: () => {}, sendTo: () => {}, setHandler: () => {} };
    const engine = new TendermintEngine(
      { genesis: g, timeouts: TIMEOUTS, gossipIntervalMs: 0 },
      { app, blockStore: store, mempool, signer, clock, events: {}, network: net, wal: new MemoryWAL() },
    );
    await engine.start();
    for (let i = 0; i < 20 && engine.height < 2; i++) {
      clock.advance(250);
      await engine.whenIdle();
    }
    assert.equal(engine.error, undefined);
    assert.equal(engine.height, 2, "the default verifier accepted the real signatures");
    assert.deepEqual(order, ["lock", "commit", "update1", "lock", "commit", "update2"]);
    await engine.stop();
  });

  it("maxProposalTxs bounds the txs reaped for its own proposals", async () => {
    const signer = MemorySigner.fromSeed(new Uint8Array(32).fill(5));
    const disk = newDisk();
    const store = new SimBlockStore(disk);
    const clock = new ManualClock();
    const app = new SimApp(disk, store, [signer.pubKey]);
    const pending = Array.from({ length: 7 }, (_, i) => utf8(`k${i}=v${i}`));
    const reapCalls: (number | undefined)[] = [];
    const mempool = {
      reap: (_maxBytes: number, _maxGas: number, maxTxs?: number) => {
        reapCalls.push(maxTxs);
        return pending.slice(0, maxTxs ?? pending.length);
      },
      update: async (_h: number, txs: readonly Uint8Array[]) => {
        pending.splice(0, txs.length);
      },
    };
    const blocks: number[] = [];
    const g = { ...genesis, validators: [{ pubKey: signer.pubKey, power: 5n }] };
    const net: ConsensusNetwork = { broadcast: () => {}, sendTo: () => {}, setHandler: () => {} };
    const engine = new TendermintEngine(
      { genesis: g, timeouts: TIMEOUTS, gossipIntervalMs: 0, maxProposalTxs: 3 },
      {
        app,
        blockStore: store,
        mempool,
        signer,
        clock,
        events: { onNewBlock: (e) => blocks.push(e.block.data.txs.length) },
        network: net,
        wal: new MemoryWAL(),
      },
    );
    await engine.start();
    for (let i = 0; i < 40 && engine.height < 3; i++) {
      clock.advance(250);
      await engine.whenIdle();
    }
    assert.equal(engine.error, undefined);
    assert.deepEqual(blocks.slice(0, 3), [3, 3, 1]);
    assert.ok(reapCalls.every((n) => n === 3));
    await engine.stop();
  });
});
