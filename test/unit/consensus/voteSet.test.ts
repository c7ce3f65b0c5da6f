import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BlockIdFlag } from "../../../src/abci/types.js";
import { ValidatorSet } from "../../../src/consensus/validatorSet.js";
import { HeightVoteSet, isNilBlockId, VoteSet } from "../../../src/consensus/voteSet.js";
import { ed25519Address } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  type BlockID,
  SignedMsgType,
  type Vote,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { concatBytes, equalBytes, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "vs-test";
const keys = [0, 1, 2, 3].map((i) => sha256(utf8(`key${i}`)));
const sign = (pub: Uint8Array, b: Uint8Array) => sha256(concatBytes(pub, b));
const verify = (pub: Uint8Array, b: Uint8Array, s: Uint8Array) => equalBytes(sign(pub, b), s);
const bid = (s: string): BlockID => ({
  hash: sha256(utf8(s)),
  partSetHeader: { total: 1, hash: sha256(utf8(`p${s}`)) },
});

function setup(powers: bigint[]) {
  const vs = ValidatorSet.fromUpdates(
    keys.slice(0, powers.length).map((pubKey, i) => ({ pubKey, power: powers[i] as bigint })),
  );
  const vote = (
    keyIdx: number,
    blockId: BlockID,
    type = SignedMsgType.Prevote,
    round = 0,
    height = 1,
  ): Vote => {
    const pub = keys[keyIdx] as Uint8Array;
    const { index } = vs.getByAddress(ed25519Address(pub));
    const v: Vote = {
      type,
      height,
      round,
      blockId,
      timestamp: { seconds: 1n, nanos: 0 },
      validatorAddress: ed25519Address(pub),
      validatorIndex: index,
      signature: new Uint8Array(0),
    };
    return { ...v, signature: sign(pub, voteSignBytes(CHAIN, v)) };
  };
  return { vs, vote };
}

describe("VoteSet", () => {
  it("finds +2/3 by voting power, not by count", () => {
    const { vs, vote } = setup([10n, 1n, 1n, 1n]);
    const set = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    assert.equal(set.addVote(vote(1, bid("A"))).added, true);
    assert.equal(set.addVote(vote(2, bid("A"))).added, true);
    assert.equal(set.addVote(vote(3, bid("A"))).added, true);
    assert.equal(set.hasTwoThirdsMajority(), false, "3 of 4 validators but 3/13 of the power");
    assert.equal(set.addVote(vote(0, bid("A"))).added, true);
    assert.ok(set.hasTwoThirdsMajority());
    assert.ok(equalBytes(set.twoThirdsMajority()?.hash as Uint8Array, bid("A").hash));
    assert.ok(set.hasAll());
  });

  it("+2/3 any without a majority; nil majority", () => {
    const { vs, vote } = setup([1n, 1n, 1n, 1n]);
    const set = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    set.addVote(vote(0, bid("A")));
    set.addVote(vote(1, bid("B")));
    assert.equal(set.hasTwoThirdsAny(), false);
    set.addVote(vote(2, zeroBlockId()));
    assert.equal(set.hasTwoThirdsAny(), true);
    assert.equal(set.hasTwoThirdsMajority(), false);
    const nils = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    for (const i of [0, 1, 2]) nils.addVote(vote(i, zeroBlockId()));
    assert.ok(isNilBlockId(nils.twoThirdsMajority() as BlockID));
  });

  it("duplicates are not added; conflicting votes are reported", () => {
    const { vs, vote } = setup([1n, 1n, 1n, 1n]);
    const set = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    const a = vote(0, bid("A"));
    assert.equal(set.addVote(a).added, true);
    assert.deepEqual(set.addVote(a), { added: false });
    const b = vote(0, bid("B"));
    const r = set.addVote(b);
    assert.equal(r.added, false);
    assert.equal(r.conflicting, a);
    // once others vote B the conflicting vote counts toward B
    set.addVote(vote(1, bid("B")));
    const r2 = set.addVote(b);
    assert.equal(r2.added, true);
    assert.equal(r2.conflicting, a);
    assert.equal(set.powerFor(bid("B")), 2n);
  });

  it("rejects bad signatures, wrong index/address, wrong height/round/type with coded errors", () => {
    const { vs, vote } = setup([1n, 1n, 1n, 1n]);
    const set = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    const good = vote(0, bid("A"));
    const bad = (v: Vote) => assert.throws(() => set.addVote(v), CodedError);
    bad({ ...good, signature: new Uint8Array(32) });
    bad({ ...good, validatorIndex: 9 });
    bad({ ...good, validatorIndex: (good.validatorIndex + 1) % 4 });
    bad(vote(0, bid("A"), SignedMsgType.Precommit));
    bad(vote(0, bid("A"), SignedMsgType.Prevote, 1));
    bad(vote(0, bid("A"), SignedMsgType.Prevote, 0, 2));
    assert.equal(set.list().length, 0, "nothing was added");
  });

  it("makeCommit: Commit flags for the block, Nil for nil votes, absent otherwise", () => {
    const { vs, vote } = setup([1n, 1n, 1n, 1n]);
    const set = new VoteSet(CHAIN, 1, 0, SignedMsgType.Precommit, vs, verify);
    assert.throws(() => set.makeCommit(), CodedError);
    const p = (i: number, b: BlockID) => vote(i, b, SignedMsgType.Precommit);
    set.addVote(p(0, bid("A")));
    set.addVote(p(1, bid("A")));
    set.addVote(p(2, zeroBlockId()));
    set.addVote(p(3, bid("A")));
    const c = set.makeCommit();
    const flags = vs.validators.map((v) => {
      const i = keys.findIndex((k) => equalBytes(ed25519Address(k), v.address));
      return [i, c.signatures[vs.getByAddress(v.address).index]?.blockIdFlag];
    });
    for (const [i, flag] of flags) assert.equal(flag, i === 2 ? BlockIdFlag.Nil : BlockIdFlag.Commit);
    const prevotes = new VoteSet(CHAIN, 1, 0, SignedMsgType.Prevote, vs, verify);
    assert.throws(() => prevotes.makeCommit(), CodedError);
  });
});

describe("HeightVoteSet", () => {
  it("tracks rounds, admits two catch-up rounds per peer, finds the POL round", () => {
    const { vs, vote } = setup([1n, 1n, 1n, 1n]);
    const hvs = new HeightVoteSet(CHAIN, 1, vs, verify);
    assert.equal(hvs.addVote(vote(0, bid("A"), SignedMsgType.Prevote, 5), "peer1").added, true);
    assert.equal(hvs.addVote(vote(0, bid("A"), SignedMsgType.Prevote, 6), "peer1").added, true);
    assert.equal(hvs.addVote(vote(0, bid("A"), SignedMsgType.Prevote, 7), "peer1").added, false);
    assert.equal(hvs.addVote(vote(0, bid("A"), SignedMsgType.Prevote, 7), "peer2").added, true);
    hvs.setRound(3);
    for (const i of [0, 1, 2]) hvs.addVote(vote(i, bid("B"), SignedMsgType.Prevote, 2), "");
    assert.deepEqual(hvs.polInfo()?.round, 2);
    assert.deepEqual(hvs.trackedRounds(), [0, 1, 2, 3, 5, 6, 7]);
    assert.throws(() => hvs.addVote({ ...vote(0, bid("A")), type: SignedMsgType.Proposal }, "p"), CodedError);
  });
});
