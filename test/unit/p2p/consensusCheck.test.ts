import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyValidatorUpdates } from "../../../src/consensus/producer.js";
import { ed25519FromSeed, ed25519Sign } from "../../../src/crypto/ed25519.js";
import { consensusChecker } from "../../../src/p2p/consensusCheck.js";
import { SignedMsgType, type Validator, type Vote, voteSignBytes } from "../../../src/types/block.js";
import { equalBytes } from "../../../src/types/bytes.js";

const CHAIN = "check-test";
const KEYS = [21, 22, 23].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i)));
const SET: Validator[] = applyValidatorUpdates(
  [],
  KEYS.map((k) => ({ pubKey: k.publicKey, power: 10n })),
);

function vote(height: number, index: number, signWith = index): Vote {
  const val = SET[index] as Validator;
  const key = KEYS.find((k) => equalBytes(k.publicKey, (SET[signWith] as Validator).pubKey));
  assert.ok(key);
  const v: Vote = {
    type: SignedMsgType.Prevote,
    height,
    round: 0,
    blockId: {
      hash: new Uint8Array(32).fill(1),
      partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) },
    },
    timestamp: { seconds: 1_700_000_000n, nanos: 0 },
    validatorAddress: val.address,
    validatorIndex: index,
    signature: new Uint8Array(0),
  };
  return { ...v, signature: ed25519Sign(voteSignBytes(CHAIN, v), key.privateKey) };
}

describe("consensusChecker", () => {
  const store = { height: 5, loadValidators: async (h: number) => (h <= 6 ? SET : undefined) };
  const check = consensusChecker(CHAIN, store, { initialHeight: 1, validators: SET });

  it("accepts a correctly signed vote", async () => {
    assert.equal(await check({ kind: "vote", vote: vote(5, 1) }), "accept");
  });

  it("rejects a vote signed by another validator, a wrong index, or a flipped signature", async () => {
    assert.equal(await check({ kind: "vote", vote: vote(5, 1, 2) }), "reject");
    assert.equal(await check({ kind: "vote", vote: { ...vote(5, 1), validatorIndex: 7 } }), "reject");
    const v = vote(5, 0);
    const sig = new Uint8Array(v.signature);
    sig[3] = (sig[3] ?? 0) ^ 0xff;
    assert.equal(await check({ kind: "vote", vote: { ...v, signature: sig } }), "reject");
  });

  it("accepts votes slightly ahead (set unknown) and ignores far-future ones", async () => {
    assert.equal(await check({ kind: "vote", vote: vote(7, 0) }), "accept");
    assert.equal(await check({ kind: "vote", vote: vote(50, 0) }), "ignore");
  });

  it("uses the genesis set on an empty store", async () => {
    const empty = consensusChecker(
      CHAIN,
      { height: 0, loadValidators: async () => undefined },
      { initialHeight: 1, validators: SET },
    );
    assert.equal(await empty({ kind: "vote", vote: vote(1, 2) }), "accept");
    assert.equal(await empty({ kind: "vote", vote: vote(1, 2, 0) }), "reject");
  });
});
