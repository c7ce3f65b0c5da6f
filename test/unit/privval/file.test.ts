import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ed25519Address, ed25519FromSeed, ed25519Verify } from "../../../src/crypto/ed25519.js";
import { FilePV, PRIVVAL_CODESPACE, PrivvalErrorCode, SignStep } from "../../../src/privval/file.js";
import {
  type BlockID,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Vote,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { fromBase64, toHexUpper } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "openledger-test";
const SEED = new Uint8Array(32).map((_, i) => i + 1);
const dirs: string[] = [];

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function paths(): { key: string; state: string } {
  const d = mkdtempSync(join(tmpdir(), "privval-"));
  dirs.push(d);
  return {
    key: join(d, "config", "priv_validator_key.json"),
    state: join(d, "data", "priv_validator_state.json"),
  };
}

function bid(n: number): BlockID {
  return {
    hash: new Uint8Array(32).fill(n),
    partSetHeader: { total: 1, hash: new Uint8Array(32).fill(n + 1) },
  };
}

function vote(type: SignedMsgType, height: number, round: number, blockId: BlockID, ms = 1000): Vote {
  return {
    type,
    height,
    round,
    blockId,
    timestamp: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
    validatorAddress: ed25519Address(ed25519FromSeed(SEED).publicKey),
    validatorIndex: 0,
    signature: new Uint8Array(),
  };
}

function proposal(height: number, round: number, blockId: BlockID, ms = 1000): Proposal {
  return {
    height,
    round,
    polRound: -1,
    blockId,
    timestamp: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
    signature: new Uint8Array(),
  };
}

async function refuses(p: Promise<unknown>, code: PrivvalErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, String(e));
    assert.equal(e.codespace, PRIVVAL_CODESPACE);
    assert.equal(e.code, code);
    return true;
  });
}

describe("FilePV files", () => {
  it("writes CometBFT-format key and state files with mode 0600", () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    const key = JSON.parse(readFileSync(p.key, "utf8"));
    const pub = ed25519FromSeed(SEED).publicKey;
    assert.equal(key.address, toHexUpper(ed25519Address(pub)));
    assert.deepEqual(key.pub_key, {
      type: "tendermint/PubKeyEd25519",
      value: Buffer.from(pub).toString("base64"),
    });
    assert.equal(key.priv_key.type, "tendermint/PrivKeyEd25519");
    const priv = fromBase64(key.priv_key.value);
    assert.equal(priv.length, 64);
    assert.deepEqual(priv.slice(0, 32), SEED);
    assert.deepEqual(priv.slice(32), pub);
    assert.deepEqual(JSON.parse(readFileSync(p.state, "utf8")), { height: "0", round: 0, step: 0 });
    assert.equal(statSync(p.key).mode & 0o777, 0o600);
    assert.equal(statSync(p.state).mode & 0o777, 0o600);
    assert.deepEqual(pv.address, ed25519Address(pub));
    assert.deepEqual(pv.pubKey, pub);
  });

  it("loads what it generated, and a random key differs per generate", () => {
    const p = paths();
    const a = FilePV.generate(p.key, p.state);
    const b = FilePV.load(p.key, p.state);
    assert.deepEqual(b.pubKey, a.pubKey);
    const q = paths();
    assert.notDeepEqual(FilePV.generate(q.key, q.state).pubKey, a.pubKey);
    const c = FilePV.loadOrGenerate(p.key, p.state);
    assert.deepEqual(c.pubKey, a.pubKey);
  });

  it("rejects malformed key and state files with coded errors", () => {
    const p = paths();
    FilePV.generate(p.key, p.state, SEED);
    const good = readFileSync(p.key, "utf8");
    const bad = (fn: () => unknown, code: PrivvalErrorCode) =>
      assert.throws(fn, (e: unknown) => e instanceof CodedError && e.code === code);
    writeFileSync(p.key, "{not json");
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidKeyFile);
    const j = JSON.parse(good);
    j.priv_key.value = Buffer.from(new Uint8Array(64).fill(9)).toString("base64");
    writeFileSync(p.key, JSON.stringify(j));
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidKeyFile);
    const j2 = JSON.parse(good);
    j2.address = "00".repeat(20);
    writeFileSync(p.key, JSON.stringify(j2));
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidKeyFile);
    writeFileSync(p.key, good);
    writeFileSync(p.state, JSON.stringify({ height: 5, round: 0, step: 0 }));
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidStateFile);
    writeFileSync(p.state, JSON.stringify({ height: "5", round: 0, step: 9 }));
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidStateFile);
    rmSync(p.state);
    bad(() => FilePV.load(p.key, p.state), PrivvalErrorCode.InvalidStateFile);
    bad(() => FilePV.generate(p.key, p.state, new Uint8Array(5)), PrivvalErrorCode.InvalidKeyFile);
  });
});

describe("FilePV signing", () => {
  it("signs votes and proposals verifiably, persisting the state first", async () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    const v = await pv.signVote(CHAIN, vote(SignedMsgType.Prevote, 1, 0, bid(1)));
    assert.ok(ed25519Verify(v.signature, voteSignBytes(CHAIN, v), pv.pubKey));
    const onDisk = JSON.parse(readFileSync(p.state, "utf8"));
    assert.equal(onDisk.height, "1");
    assert.equal(onDisk.step, SignStep.Prevote);
    assert.equal(onDisk.signature, Buffer.from(v.signature).toString("base64"));
    assert.equal(onDisk.signbytes, toHexUpper(voteSignBytes(CHAIN, v)));
    const c = await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 1, 0, bid(1)));
    assert.ok(ed25519Verify(c.signature, voteSignBytes(CHAIN, c), pv.pubKey));
    const pr = await pv.signProposal(CHAIN, proposal(2, 0, bid(2)));
    assert.ok(ed25519Verify(pr.signature, proposalSignBytes(CHAIN, pr), pv.pubKey));
    assert.deepEqual(pv.lastSignState.height, 2);
    assert.deepEqual(pv.lastSignState.step, SignStep.Propose);
  });

  it("refuses height, round and step regressions without changing the state", async () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 5, 2, bid(1)));
    const before = readFileSync(p.state, "utf8");
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 4, 9, bid(1))),
      PrivvalErrorCode.HeightRegression,
    );
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 5, 1, bid(1))),
      PrivvalErrorCode.RoundRegression,
    );
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Prevote, 5, 2, bid(1))),
      PrivvalErrorCode.StepRegression,
    );
    await refuses(pv.signProposal(CHAIN, proposal(5, 2, bid(1))), PrivvalErrorCode.StepRegression);
    assert.equal(readFileSync(p.state, "utf8"), before);
    // moving forward is fine
    await pv.signVote(CHAIN, vote(SignedMsgType.Prevote, 5, 3, bid(1)));
  });

  it("returns the stored signature for the same vote, refuses a conflicting one", async () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    const a = await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 3, 0, bid(1), 1000));
    const again = await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 3, 0, bid(1), 1000));
    assert.deepEqual(again.signature, a.signature);
    // same vote, later timestamp: the stored signature and the original timestamp come back
    const later = await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 3, 0, bid(1), 5500));
    assert.deepEqual(later.signature, a.signature);
    assert.deepEqual(later.timestamp, a.timestamp);
    assert.ok(ed25519Verify(later.signature, voteSignBytes(CHAIN, later), pv.pubKey));
    // different block at the same HRS: refused
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 3, 0, bid(2))),
      PrivvalErrorCode.ConflictingData,
    );
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 3, 0, zeroBlockId())),
      PrivvalErrorCode.ConflictingData,
    );
    // different chain id: refused
    await refuses(
      pv.signVote("other", vote(SignedMsgType.Precommit, 3, 0, bid(1))),
      PrivvalErrorCode.ConflictingData,
    );
  });

  it("keeps double-sign protection across a reload from disk", async () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    const a = await pv.signVote(CHAIN, vote(SignedMsgType.Precommit, 7, 1, bid(1), 2000));
    const pp = await pv.signProposal(CHAIN, proposal(8, 0, bid(3), 3000));
    const reloaded = FilePV.load(p.key, p.state);
    assert.deepEqual(reloaded.lastSignState.height, 8);
    await refuses(
      reloaded.signVote(CHAIN, vote(SignedMsgType.Precommit, 7, 1, bid(1), 2000)),
      PrivvalErrorCode.HeightRegression,
    );
    const same = await reloaded.signProposal(CHAIN, proposal(8, 0, bid(3), 9000));
    assert.deepEqual(same.signature, pp.signature);
    assert.deepEqual(same.timestamp, pp.timestamp);
    await refuses(reloaded.signProposal(CHAIN, proposal(8, 0, bid(4))), PrivvalErrorCode.ConflictingData);
    assert.ok(a.signature.length === 64);
  });

  it("rejects malformed requests with coded errors", async () => {
    const p = paths();
    const pv = FilePV.generate(p.key, p.state, SEED);
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Proposal, 1, 0, bid(1))),
      PrivvalErrorCode.InvalidRequest,
    );
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Prevote, 0, 0, bid(1))),
      PrivvalErrorCode.InvalidRequest,
    );
    await refuses(
      pv.signVote(CHAIN, vote(SignedMsgType.Prevote, 1, -1, bid(1))),
      PrivvalErrorCode.InvalidRequest,
    );
    assert.equal(pv.lastSignState.height, 0);
  });
});
