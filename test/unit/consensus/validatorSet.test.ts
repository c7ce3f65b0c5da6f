import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BlockIdFlag } from "../../../src/abci/types.js";
import { ValidatorSet, verifyCommit } from "../../../src/consensus/validatorSet.js";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  absentCommitSig,
  type Commit,
  SignedMsgType,
  type Validator,
  voteSignBytes,
} from "../../../src/types/block.js";
import { concatBytes, equalBytes, fromUtf8, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const val = (address: Uint8Array, power: bigint, priority = 0n): Validator => ({
  address,
  pubKey: sha256(address),
  votingPower: power,
  proposerPriority: priority,
});
const named = (name: string, power: bigint, priority = 0n): Validator => val(utf8(name), power, priority);
const addr = (last: number): Uint8Array => {
  const a = new Uint8Array(20);
  a[19] = last;
  return a;
};

describe("ValidatorSet proposer priority (CometBFT validator_set_test.go vectors)", () => {
  it("TestProposerSelection1: foo/bar/baz sequence of 99 proposers", () => {
    const vset = ValidatorSet.create([named("foo", 1000n), named("bar", 300n), named("baz", 330n)]);
    const proposers: string[] = [];
    for (let i = 0; i < 99; i++) {
      proposers.push(fromUtf8(vset.getProposer().address));
      vset.incrementProposerPriority(1);
    }
    const expected =
      "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
      " foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
      " foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz" +
      " foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo" +
      " foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
    assert.equal(proposers.join(" "), expected);
  });

  it("TestProposerSelection2: equal power goes by address; proportional counts", () => {
    let vals = ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 100n)]);
    for (let i = 0; i < 15; i++) {
      assert.ok(equalBytes(vals.getProposer().address, addr(i % 3)), `round ${i}`);
      vals.incrementProposerPriority(1);
    }
    vals = ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 400n)]);
    assert.ok(equalBytes(vals.getProposer().address, addr(2)));
    vals.incrementProposerPriority(1);
    assert.ok(equalBytes(vals.getProposer().address, addr(0)));
    vals = ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 401n)]);
    assert.ok(equalBytes(vals.getProposer().address, addr(2)));
    vals.incrementProposerPriority(1);
    assert.ok(equalBytes(vals.getProposer().address, addr(2)));
    vals.incrementProposerPriority(1);
    assert.ok(equalBytes(vals.getProposer().address, addr(0)));
    vals = ValidatorSet.create([val(addr(0), 4n), val(addr(1), 5n), val(addr(2), 3n)]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 120; i++) {
      const p = vals.getProposer().address[19] as number;
      counts[p] = (counts[p] as number) + 1;
      vals.incrementProposerPriority(1);
    }
    assert.deepEqual(counts, [40, 50, 30]);
  });

  it("TestProposerSelection3: order is stable whatever the increment steps", () => {
    const vset = ValidatorSet.create([1, 2, 3, 4].map((i) => val(sha256(utf8(`v${i}`)).slice(0, 20), 1n)));
    const order: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(vset.getProposer().address);
      vset.incrementProposerPriority(1);
    }
    let j = 0;
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      assert.ok(equalBytes(vset.getProposer().address, order[j % 4] as Uint8Array));
      // reload from "storage" keeps the proposer
      x = (x * 1103515245 + 12345) % 2147483648;
      const times = x % 3 === 0 ? (x % 4) + 1 : 1;
      vset.incrementProposerPriority(times);
      j += times;
    }
  });

  it("TestAvgProposerPriority: Euclidean average", () => {
    const max = 9223372036854775807n;
    const min = -9223372036854775808n;
    const cases: [bigint[], bigint][] = [
      [[0n, 0n, 0n], 0n],
      [[max, 0n, 0n], max / 3n],
      [[max, 0n], max / 2n],
      [[max, max], max],
      [[min, min], min],
    ];
    for (const [prios, want] of cases) {
      const vs = new ValidatorSet(prios.map((p, i) => named(`v${i}`, 0n, p)));
      assert.equal(vs.avgProposerPriority(), want);
    }
  });

  it("TestAveragingInIncrementProposerPriority: priorities shift by the average", () => {
    const cases: [bigint[], number, bigint][] = [
      [[1n, 2n, 3n], 1, 2n],
      [[10n, -10n, 1n], 11, 0n],
      [[100n, -10n, 1n], 1, 30n],
    ];
    for (const [prios, times, avg] of cases) {
      const vs = new ValidatorSet(prios.map((p, i) => named(["a", "b", "c"][i] as string, 0n, p)));
      const next = vs.copyIncrementProposerPriority(times);
      vs.validators.forEach((v, i) => {
        assert.equal(next.validators[i]?.proposerPriority, v.proposerPriority - avg);
      });
    }
  });

  it("TestAveragingInIncrementProposerPriorityWithVotingPower: exact priorities", () => {
    const vp0 = 10n;
    const vp1 = 1n;
    const vp2 = 1n;
    const total = 12n;
    const base = () =>
      new ValidatorSet([
        val(new Uint8Array([0]), vp0),
        val(new Uint8Array([1]), vp1),
        val(new Uint8Array([2]), vp2),
      ]);
    const cases: [number, bigint[], number][] = [
      [1, [vp0 - total, vp1, vp2], 0],
      [2, [2n * (vp0 - total), 2n * vp1, 2n * vp2], 0],
      [3, [3n * (vp0 - total), 3n * vp1, 3n * vp2], 0],
      [4, [4n * (vp0 - total), 4n * vp1, 4n * vp2], 0],
      [5, [4n * (vp0 - total) + vp0, 5n * vp1 - total, 5n * vp2], 1],
      [6, [6n * vp0 - 5n * total, 6n * vp1 - total, 6n * vp2], 0],
      [7, [7n * vp0 - 6n * total, 7n * vp1 - total, 7n * vp2], 0],
      [8, [8n * vp0 - 7n * total, 8n * vp1 - total, 8n * vp2], 0],
      [9, [9n * vp0 - 7n * total, 9n * vp1 - total, 9n * vp2 - total], 2],
      [10, [10n * vp0 - 8n * total, 10n * vp1 - total, 10n * vp2 - total], 0],
      [11, [11n * vp0 - 9n * total, 11n * vp1 - total, 11n * vp2 - total], 0],
    ];
    for (const [times, prios, proposer] of cases) {
      const vs = base();
      vs.incrementProposerPriority(times);
      assert.deepEqual(
        vs.validators.map((v) => v.proposerPriority),
        prios,
        `times ${times}`,
      );
      assert.ok(equalBytes(vs.getProposer().address, new Uint8Array([proposer])), `proposer after ${times}`);
    }
  });

  it("updates: new validators start at -1.125 × total, removals, sorted by power; bad change sets rejected", () => {
    const vs = ValidatorSet.create([named("v1", 100n), named("v2", 100n)]);
    vs.updateWithChangeSet([named("v3", 200n)]);
    const v3 = vs.getByAddress(utf8("v3")).validator;
    assert.ok(v3);
    assert.equal(fromUtf8(vs.validators[0]?.address as Uint8Array), "v3");
    assert.equal(vs.totalVotingPower, 400n);
    // centred
    const sum = vs.validators.reduce((a, v) => a + v.proposerPriority, 0n);
    assert.ok(sum < 3n && sum > -3n);
    vs.updateWithChangeSet([named("v1", 0n)]);
    assert.equal(vs.size, 2);
    const bad = (changes: Validator[]) => assert.throws(() => vs.updateWithChangeSet(changes), CodedError);
    bad([named("v9", 0n)]); // remove unknown
    bad([named("v2", 5n), named("v2", 6n)]); // duplicate
    bad([named("v2", -1n)]);
    bad([named("v2", 0n), named("v3", 0n)]); // empty result
    assert.equal(vs.size, 2, "failed change sets leave the set unchanged");
    assert.throws(() => new ValidatorSet([]).incrementProposerPriority(1), CodedError);
    assert.throws(() => vs.incrementProposerPriority(0), CodedError);
  });

  it("verifyCommit: +2/3 of valid Commit signatures, everything else rejected", () => {
    const sign = (pub: Uint8Array, b: Uint8Array) => sha256(concatBytes(pub, b));
    const verify = (pub: Uint8Array, b: Uint8Array, s: Uint8Array) => equalBytes(sign(pub, b), s);
    const vs = ValidatorSet.create([named("a", 10n), named("b", 10n), named("c", 10n), named("d", 10n)]);
    const blockId = { hash: sha256(utf8("blk")), partSetHeader: { total: 1, hash: sha256(utf8("ps")) } };
    const ts = { seconds: 5n, nanos: 0 };
    const commit = (signers: number): Commit => ({
      height: 7,
      round: 1,
      blockId,
      signatures: vs.validators.map((v, i) => {
        if (i >= signers) return absentCommitSig();
        const vote = {
          type: SignedMsgType.Precommit,
          height: 7,
          round: 1,
          blockId,
          timestamp: ts,
          validatorAddress: v.address,
          validatorIndex: i,
          signature: new Uint8Array(0),
        };
        return {
          blockIdFlag: BlockIdFlag.Commit,
          validatorAddress: v.address,
          timestamp: ts,
          signature: sign(v.pubKey, voteSignBytes("c", vote)),
        };
      }),
    });
    verifyCommit("c", vs, blockId, 7, commit(3), verify);
    assert.throws(() => verifyCommit("c", vs, blockId, 7, commit(2), verify), /\+2\/3/);
    assert.throws(() => verifyCommit("c", vs, blockId, 8, commit(3), verify), /height/);
    assert.throws(() => verifyCommit("other-chain", vs, blockId, 7, commit(3), verify), /bad signature/);
    const c = commit(4);
    c.signatures.pop();
    assert.throws(() => verifyCommit("c", vs, blockId, 7, c, verify), /signatures for/);
  });
});
