/**
 * The engine commits pooled duplicate-vote evidence in its proposals, and refuses a block whose
 * evidence time is not the time of the block at the evidence's height (the time drives the age
 * check, so a forged one could revive expired evidence).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Timestamp } from "../../../src/abci/types.js";
import { TendermintEngine } from "../../../src/consensus/engine.js";
import { MemoryEvidencePool, makeDuplicateVoteEvidence } from "../../../src/consensus/evidence.js";
import { MemorySigner } from "../../../src/consensus/memorySigner.js";
import type { ConsensusNetwork, NewBlockEvent } from "../../../src/consensus/types.js";
import { ValidatorSet } from "../../../src/consensus/validatorSet.js";
import { MemoryWAL } from "../../../src/consensus/wal.js";
import { ed25519FromSeed, ed25519Sign } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { type Evidence, SignedMsgType, type Vote, voteSignBytes } from "../../../src/types/block.js";
import { utf8 } from "../../../src/types/bytes.js";
import { newDisk, SimApp, SimBlockStore, SimMempool } from "../../sim/app.js";
import { GENESIS_TIME, ManualClock, PARAMS, TIMEOUTS } from "./fixtures.js";

const CHAIN = "evidence-block-test";

describe("evidence in blocks", () => {
  it("commits pooled evidence; refuses evidence whose time is not its block's", async () => {
    // the engine's validator holds 10 of 11 power; the offender (power 1) never votes
    const signer = MemorySigner.fromSeed(new Uint8Array(32).fill(7));
    const offender = ed25519FromSeed(new Uint8Array(32).fill(8));
    const g = {
      time: GENESIS_TIME,
      chainId: CHAIN,
      consensusParams: PARAMS,
      validators: [
        { pubKey: signer.pubKey, power: 10n },
        { pubKey: offender.publicKey, power: 1n },
      ],
      appStateBytes: new Uint8Array(0),
      initialHeight: 1,
    };
    const set = ValidatorSet.fromUpdates(g.validators);
    const offAddr = sha256(offender.publicKey).subarray(0, 20);
    const doubleSign = (height: number, time: Timestamp): Evidence => {
      const signed = (tag: string): Vote => {
        const v: Vote = {
          type: SignedMsgType.Prevote,
          height,
          round: 0,
          blockId: { hash: sha256(utf8(tag)), partSetHeader: { total: 1, hash: sha256(utf8(`p ${tag}`)) } },
          timestamp: time,
          validatorAddress: offAddr,
          validatorIndex: set.getByAddress(offAddr).index,
          signature: new Uint8Array(0),
        };
        return { ...v, signature: ed25519Sign(voteSignBytes(CHAIN, v), offender.privateKey) };
      };
      return makeDuplicateVoteEvidence(signed(`a${height}`), signed(`b${height}`), time, set);
    };

    const disk = newDisk();
    const store = new SimBlockStore(disk);
    const clock = new ManualClock();
    const blocks: NewBlockEvent[] = [];
    const logs: string[] = [];
    const pool = new MemoryEvidencePool();
    const net: ConsensusNetwork = { broadcast: () => {}, sendTo: () => {}, setHandler: () => {} };
    const engine = new TendermintEngine(
      { genesis: g, timeouts: TIMEOUTS, gossipIntervalMs: 0 },
      {
        app: new SimApp(disk, store, [signer.pubKey, offender.publicKey]),
        blockStore: store,
        mempool: new SimMempool(0),
        signer,
        clock,
        events: { onNewBlock: (ev) => blocks.push(ev) },
        network: net,
        wal: new MemoryWAL(),
        evidencePool: pool,
        log: (m) => logs.push(m),
      },
    );
    const runUntil = async (cond: () => boolean, steps = 40): Promise<void> => {
      for (let i = 0; i < steps && !cond(); i++) {
        clock.advance(250);
        await engine.whenIdle();
      }
    };
    await engine.start();
    await runUntil(() => blocks.length >= 2);
    assert.equal(engine.error, undefined);

    // valid evidence of height 1 (its time is block 1's: the genesis time) is proposed and committed
    pool.addEvidence(doubleSign(1, GENESIS_TIME));
    await runUntil(() => blocks.some((b) => b.block.evidence.length > 0));
    const withEv = blocks.find((b) => b.block.evidence.length > 0);
    assert.ok(withEv, "a block carries the evidence");
    assert.equal(pool.size, 0, "committed evidence leaves the pool");

    // evidence of height 2 with a time other than block 2's: the proposal is refused, nothing commits
    const block2Time = (blocks[1] as NewBlockEvent).block.header.time;
    const forged = doubleSign(2, { seconds: block2Time.seconds + 5n, nanos: 0 });
    const before = engine.height;
    pool.addEvidence(forged);
    await runUntil(() => false, 20);
    assert.equal(engine.height, before, "no block with forged evidence is committed");
    assert.ok(logs.some((m) => m.includes("evidence time is not the time of the block at its height")));
    await engine.stop();
  });
});
