import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evidenceToMisbehavior,
  MemoryEvidencePool,
  makeDuplicateVoteEvidence,
  verifyDuplicateVoteEvidence,
} from "../../../src/consensus/evidence.js";
import { MemorySigner } from "../../../src/consensus/memorySigner.js";
import { ValidatorSet } from "../../../src/consensus/validatorSet.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { SignedMsgType, type Vote, voteSignBytes, zeroBlockId } from "../../../src/types/block.js";
import { concatBytes, equalBytes, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "ev-test";
const keys = [0, 1, 2].map((i) => sha256(utf8(`ev${i}`)));
const sign = (pub: Uint8Array, b: Uint8Array) => sha256(concatBytes(pub, b));
const verify = (pub: Uint8Array, b: Uint8Array, s: Uint8Array) => equalBytes(sign(pub, b), s);
const vs = ValidatorSet.fromUpdates(keys.map((pubKey, i) => ({ pubKey, power: BigInt(i + 1) })));
const PARAMS = {
  block: { maxBytes: 1000000, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 10, maxAgeDurationSeconds: 60, maxBytes: 100000 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

function vote(k: number, hash: string | undefined, round = 0): Vote {
  const pub = keys[k] as Uint8Array;
  const address = sha256(pub).subarray(0, 20);
  const v: Vote = {
    type: SignedMsgType.Prevote,
    height: 5,
    round,
    blockId:
      hash === undefined
        ? zeroBlockId()
        : { hash: sha256(utf8(hash)), partSetHeader: { total: 1, hash: sha256(utf8(`p${hash}`)) } },
    timestamp: { seconds: 10n, nanos: 0 },
    validatorAddress: address,
    validatorIndex: vs.getByAddress(address).index,
    signature: new Uint8Array(0),
  };
  return { ...v, signature: sign(pub, voteSignBytes(CHAIN, v)) };
}

describe("duplicate-vote evidence", () => {
  it("is built in canonical order, verifies, and becomes the app's misbehavior", () => {
    const a = vote(1, "A");
    const b = vote(1, undefined);
    const t = { seconds: 99n, nanos: 0 };
    const ev = makeDuplicateVoteEvidence(a, b, t, vs);
    assert.deepEqual(makeDuplicateVoteEvidence(b, a, t, vs), ev, "order does not depend on arrival");
    verifyDuplicateVoteEvidence(CHAIN, ev, vs, verify);
    const m = evidenceToMisbehavior(ev);
    assert.equal(m.type, "duplicate_vote");
    assert.equal(m.height, 5);
    assert.equal(m.validatorPower, 2n);
    assert.equal(m.totalVotingPower, 6n);
    assert.ok(equalBytes(m.validatorAddress, a.validatorAddress));
  });

  it("rejects forged or inconsistent evidence with coded errors", () => {
    const t = { seconds: 99n, nanos: 0 };
    const ev = makeDuplicateVoteEvidence(vote(1, "A"), vote(1, "B"), t, vs);
    const bad = (e: typeof ev) =>
      assert.throws(() => verifyDuplicateVoteEvidence(CHAIN, e, vs, verify), CodedError);
    bad({ ...ev, voteB: { ...ev.voteB, signature: new Uint8Array(32) } });
    bad({ ...ev, voteA: ev.voteB, voteB: ev.voteA });
    bad({ ...ev, voteB: ev.voteA });
    bad({ ...ev, validatorPower: 7n });
    bad({ ...ev, voteB: vote(2, "B") });
    bad({ ...ev, voteB: vote(1, "B", 1) });
    assert.throws(() => verifyDuplicateVoteEvidence("other", ev, vs, verify), CodedError);
  });

  it("the pool offers pending evidence once, forgets committed and expired evidence", () => {
    const pool = new MemoryEvidencePool();
    const t = { seconds: 100n, nanos: 0 };
    const ev = makeDuplicateVoteEvidence(vote(0, "A"), vote(0, "B"), t, vs);
    pool.addEvidence(ev);
    pool.addEvidence(ev);
    assert.equal(pool.pendingEvidence(100000).length, 1);
    assert.equal(pool.pendingEvidence(10).length, 0, "respects max bytes");
    pool.update(6, [ev], PARAMS, t);
    assert.ok(pool.isCommitted(ev));
    pool.addEvidence(ev);
    assert.equal(pool.size, 0, "committed evidence is not re-added");
    const old = makeDuplicateVoteEvidence(vote(2, "A"), vote(2, "C"), t, vs);
    pool.addEvidence(old);
    pool.update(30, [], PARAMS, { seconds: 1000n, nanos: 0 });
    assert.equal(pool.size, 0, "expired by both blocks and time");
  });
});

describe("MemorySigner double-sign protection (FilePV rules)", () => {
  it("refuses conflicting votes and regressions, re-signs identical ones", async () => {
    const s = MemorySigner.fromSeed(new Uint8Array(32).fill(1));
    const base: Vote = { ...vote(0, "A"), validatorAddress: s.address, signature: new Uint8Array(0) };
    const v1 = await s.signVote(CHAIN, base);
    const again = await s.signVote(CHAIN, { ...base, timestamp: { seconds: 11n, nanos: 0 } });
    assert.ok(equalBytes(again.signature, v1.signature));
    assert.deepEqual(again.timestamp, v1.timestamp, "the originally signed timestamp comes back");
    await assert.rejects(s.signVote(CHAIN, { ...base, blockId: zeroBlockId() }), CodedError);
    await s.signVote(CHAIN, { ...base, type: SignedMsgType.Precommit });
    await assert.rejects(s.signVote(CHAIN, base), CodedError, "step regression");
    await s.signVote(CHAIN, { ...base, round: 1, blockId: zeroBlockId() });
    await assert.rejects(s.signVote(CHAIN, { ...base, height: 4 }), CodedError, "height regression");
    assert.equal(s.signCount, 3);
  });
});
