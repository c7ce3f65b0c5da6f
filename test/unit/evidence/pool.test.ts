import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ConsensusParams, Timestamp } from "../../../src/abci/types.js";
import { makeDuplicateVoteEvidence } from "../../../src/consensus/evidence.js";
import { ValidatorSet } from "../../../src/consensus/validatorSet.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { PersistentEvidencePool } from "../../../src/evidence/pool.js";
import { type EvidenceChainView, EvidenceVerifier } from "../../../src/evidence/verifier.js";
import { LevelDatabase, MemoryDatabase } from "../../../src/store/index.js";
import {
  type BlockMeta,
  type Evidence,
  SignedMsgType,
  type Vote,
  voteSignBytes,
} from "../../../src/types/block.js";
import { concatBytes, equalBytes, utf8 } from "../../../src/types/bytes.js";

const CHAIN = "evpool-test";
const keys = [0, 1, 2].map((i) => sha256(utf8(`evp${i}`)));
const sign = (pub: Uint8Array, b: Uint8Array) => sha256(concatBytes(pub, b));
const verify = (pub: Uint8Array, b: Uint8Array, s: Uint8Array) => equalBytes(sign(pub, b), s);
const vs = ValidatorSet.fromUpdates(keys.map((pubKey, i) => ({ pubKey, power: BigInt(i + 1) })));
const PARAMS: ConsensusParams = {
  block: { maxBytes: 1000000, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 10, maxAgeDurationSeconds: 60, maxBytes: 100000 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};
/** Block time at height h: 10 s per block. */
const timeAt = (h: number): Timestamp => ({ seconds: BigInt(h * 10), nanos: 0 });

function vote(k: number, hash: string, height: number): Vote {
  const pub = keys[k] as Uint8Array;
  const address = sha256(pub).subarray(0, 20);
  const v: Vote = {
    type: SignedMsgType.Precommit,
    height,
    round: 0,
    blockId: { hash: sha256(utf8(hash)), partSetHeader: { total: 1, hash: sha256(utf8(`p${hash}`)) } },
    timestamp: timeAt(height),
    validatorAddress: address,
    validatorIndex: vs.getByAddress(address).index,
    signature: new Uint8Array(0),
  };
  return { ...v, signature: sign(pub, voteSignBytes(CHAIN, v)) };
}

function evidence(k: number, height: number): Evidence {
  return makeDuplicateVoteEvidence(vote(k, "A", height), vote(k, "B", height), timeAt(height), vs);
}

describe("PersistentEvidencePool", () => {
  it("keeps pending evidence and committed markers across a reopen (memory database)", async () => {
    const db = new MemoryDatabase();
    const pool = await PersistentEvidencePool.open(db);
    const e1 = evidence(0, 3);
    const e2 = evidence(1, 2);
    const added: Evidence[] = [];
    pool.onAdded((ev) => added.push(ev));
    assert.equal(pool.addEvidence(e1), true);
    assert.equal(pool.addEvidence(e2), true);
    assert.equal(pool.addEvidence(e1), false, "a duplicate is not new");
    assert.equal(added.length, 2, "listeners hear of new evidence only");
    assert.deepEqual(pool.pendingEvidence(100_000), [e2, e1], "oldest height first");
    assert.ok(db.stagedCount > 0, "writes are staged for the next block's flush, not flushed");
    assert.equal((await PersistentEvidencePool.open(db)).size, 0, "nothing is durable before the flush");
    await db.flush();

    const again = await PersistentEvidencePool.open(db);
    assert.deepEqual(again.allPending(), [e2, e1], "pending evidence survives a restart");
    again.markCommitted([e2]);
    assert.ok(again.isCommitted(e2));
    assert.deepEqual(again.allPending(), [e1]);
    await db.flush();

    const third = await PersistentEvidencePool.open(db);
    assert.ok(third.isCommitted(e2), "the committed marker survives a restart");
    assert.equal(third.addEvidence(e2), false, "committed evidence is never pending again");
    assert.deepEqual(third.pendingEvidence(100_000), [e1]);
    assert.equal(third.pendingEvidence(10).length, 0, "respects max bytes");
  });

  it("prunes expired pending evidence and committed markers, durably (LevelDB)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evpool-"));
    try {
      let db = await LevelDatabase.open(join(dir, "db"));
      const pool = await PersistentEvidencePool.open(db);
      const old = evidence(0, 2);
      const oldCommitted = evidence(1, 2);
      const fresh = evidence(2, 20);
      pool.addEvidence(old);
      pool.addEvidence(fresh);
      pool.update(3, [oldCommitted], PARAMS, timeAt(3));
      assert.ok(pool.isCommitted(oldCommitted));
      assert.equal(pool.size, 2);
      await db.flush();
      // height 13 / 130 s: 11 blocks and 110 s after height 2 — expired by both bounds
      pool.update(13, [], PARAMS, timeAt(13));
      assert.deepEqual(pool.allPending(), [fresh]);
      assert.equal(pool.isCommitted(oldCommitted), false, "expired markers are pruned");
      await db.flush();
      await db.close();
      db = await LevelDatabase.open(join(dir, "db"));
      const reopened = await PersistentEvidencePool.open(db);
      assert.deepEqual(reopened.allPending(), [fresh]);
      assert.equal(reopened.committedCount, 0);
      // old by blocks but not by time: kept (both bounds must pass)
      const slow = evidence(0, 5);
      reopened.addEvidence(slow);
      reopened.update(30, [], PARAMS, { seconds: 80n, nanos: 0 });
      assert.ok(reopened.has(slow));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("EvidenceVerifier", () => {
  const TIP = 10;
  const chain: EvidenceChainView = {
    height: TIP,
    loadBlockMeta: async (h) =>
      h >= 1 && h <= TIP ? ({ header: { height: h, time: timeAt(h) } } as unknown as BlockMeta) : undefined,
    loadValidators: async (h) => (h >= 1 && h <= TIP + 1 ? vs.validators : undefined),
    loadConsensusParams: async (h) => (h >= 1 && h <= TIP + 1 ? PARAMS : undefined),
  };

  it("accepts valid new evidence into the pool, ignores known, future and expired evidence", async () => {
    const pool = await PersistentEvidencePool.open(new MemoryDatabase());
    const v = new EvidenceVerifier({ chainId: CHAIN, verify }, { chain, pool });
    const ev = evidence(1, 8);
    assert.equal((await v.check(ev)).verdict, "accept");
    assert.ok(pool.has(ev));
    assert.equal((await v.check(ev)).verdict, "ignore", "known");
    assert.equal((await v.check(evidence(1, 11))).verdict, "ignore", "above our height");
    const later: EvidenceChainView = {
      height: 100,
      loadBlockMeta: async (h) => ({ header: { height: h, time: timeAt(h) } }) as unknown as BlockMeta,
      loadValidators: async () => vs.validators,
      loadConsensusParams: async () => PARAMS,
    };
    const v2 = new EvidenceVerifier({ chainId: CHAIN, verify }, { chain: later, pool });
    assert.equal((await v2.check(evidence(2, 3))).verdict, "ignore", "expired");
    pool.markCommitted([evidence(2, 4)]);
    assert.equal((await v.check(evidence(2, 4))).verdict, "ignore", "committed");
  });

  it("rejects forged evidence", async () => {
    const pool = await PersistentEvidencePool.open(new MemoryDatabase());
    const v = new EvidenceVerifier({ chainId: CHAIN, verify }, { chain, pool });
    const ev = evidence(0, 7);
    const reject = async (e: Evidence, why: string) =>
      assert.equal((await v.check(e)).verdict, "reject", why);
    await reject({ ...ev, voteB: { ...ev.voteB, signature: new Uint8Array(32) } }, "bad signature");
    await reject({ ...ev, validatorPower: 9n }, "wrong power");
    await reject({ ...ev, timestamp: timeAt(9) }, "time is not its block's");
    await reject({ ...ev, voteB: ev.voteA }, "same block");
    await reject({ ...ev, voteA: vote(1, "A", 7) }, "different validators");
    const otherChain = new EvidenceVerifier({ chainId: "other", verify }, { chain, pool });
    assert.equal((await otherChain.check(ev)).verdict, "reject", "another chain's signatures");
    assert.equal(pool.size, 0, "nothing invalid entered the pool");
    assert.equal((await v.check(ev)).verdict, "accept");
  });
});
