import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { BlockIdFlag, type ExecTxResult } from "../../../src/abci/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Sign, ed25519Verify } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  absentCommitSig,
  BLOCK_CODESPACE,
  BLOCK_PART_SIZE_BYTES,
  type Block,
  BlockErrorCode,
  blockHash,
  type Commit,
  commitHash,
  consensusParamsHash,
  dataHash,
  decodeBlock,
  decodeBlockId,
  decodeCommit,
  decodeEvidence,
  decodeHeader,
  decodeProposal,
  decodeValidatorSet,
  decodeVote,
  type Evidence,
  emptyCommit,
  encodeBlock,
  encodeBlockId,
  encodeCommit,
  encodeEvidence,
  encodeHeader,
  encodeProposal,
  encodeValidatorSet,
  encodeVote,
  evidenceHash,
  fillHeader,
  fixCosmjsInt64Encoding,
  GO_ZERO_TIME,
  type Header,
  headerHash,
  lastResultsHash,
  makeBlockId,
  makeBlockPartSet,
  makePartSet,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Validator,
  type Vote,
  validateBlockBasic,
  validatorSetHash,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { fromHex, toHex, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";
import {
  computeRootFromProof,
  hashFromByteSlices,
  innerHash,
  proofsFromByteSlices,
  verifyMerkleProof,
} from "../../../src/types/merkle.js";

function seeded(n: number): Uint8Array {
  return sha256(utf8(`seed-${n}`));
}

function vote(overrides: Partial<Vote> = {}): Vote {
  return {
    type: SignedMsgType.Unknown,
    height: 0,
    round: 0,
    blockId: zeroBlockId(),
    timestamp: { ...GO_ZERO_TIME },
    validatorAddress: new Uint8Array(0),
    validatorIndex: 0,
    signature: new Uint8Array(0),
    ...overrides,
  };
}

function makeValidator(i: number, power: bigint): { v: Validator; priv: Uint8Array } {
  const kp = ed25519FromSeed(seeded(i));
  return {
    v: {
      address: ed25519Address(kp.publicKey),
      pubKey: kp.publicKey,
      votingPower: power,
      proposerPriority: 0n,
    },
    priv: kp.privateKey,
  };
}

function sampleBlock(height: number, txs: Uint8Array[], lastCommit: Commit): Block {
  const { v } = makeValidator(1, 10n);
  const header: Header = {
    version: { block: 11n, app: 0n },
    chainId: "openledger-dev",
    height,
    time: { seconds: 1_700_000_000n + BigInt(height), nanos: 123 },
    lastBlockId: height === 1 ? zeroBlockId() : lastCommit.blockId,
    lastCommitHash: new Uint8Array(0),
    dataHash: new Uint8Array(0),
    validatorsHash: validatorSetHash([v]),
    nextValidatorsHash: validatorSetHash([v]),
    consensusHash: sha256(utf8("params")),
    appHash: sha256(utf8(`app-${height}`)),
    lastResultsHash: lastResultsHash([]),
    evidenceHash: new Uint8Array(0),
    proposerAddress: v.address,
  };
  return fillHeader({ header, data: { txs }, evidence: [], lastCommit });
}

function expectCoded(fn: () => unknown, code: number): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof CodedError && e.codespace === BLOCK_CODESPACE && e.code === code,
  );
}

describe("cosmjs-types int64 fix", () => {
  it("encodes int64/uint64/sint64 in [2^31, 2^32) correctly and round-trips", () => {
    fixCosmjsInt64Encoding(); // idempotent
    const hex = (w: BinaryWriter) => toHex(w.finish());
    assert.equal(hex(BinaryWriter.create().int64(2357947691n)), "abdaade408");
    assert.equal(hex(BinaryWriter.create().uint64(2357947691n)), "abdaade408");
    assert.equal(hex(BinaryWriter.create().int64(2147483648n)), "8080808008");
    assert.equal(hex(BinaryWriter.create().int64(-1n)), "ffffffffffffffffff01");
    assert.equal(hex(BinaryWriter.create().int64("300")), "ac02");
    assert.equal(hex(BinaryWriter.create().sint64(-1n)), "01");
    assert.equal(hex(BinaryWriter.create().sint64(1500000000n)), "80bcc1960b");
    for (const v of [
      0n,
      1n,
      2n ** 31n - 1n,
      2n ** 31n,
      3_000_000_000n,
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 63n - 1n,
      -5n,
      -(2n ** 63n),
    ]) {
      assert.equal(new BinaryReader(BinaryWriter.create().int64(v).finish()).int64(), v);
      assert.equal(new BinaryReader(BinaryWriter.create().sint64(v).finish()).sint64(), v);
    }
    const val = { ...makeValidator(3, 3_000_000_000n).v, proposerPriority: -3_000_000_000n };
    assert.deepEqual(decodeValidatorSet(encodeValidatorSet({ validators: [val] })).validators, [val]);
    const h = sampleBlock(1, [], emptyCommit()).header;
    const late = { ...h, time: { seconds: 2_500_000_000n, nanos: 1 } };
    assert.deepEqual(decodeHeader(encodeHeader(late)), late);
  });
});

describe("merkle (RFC-6962, CometBFT crypto/merkle)", () => {
  it("matches the RFC-6962 vectors", () => {
    assert.equal(
      toHex(hashFromByteSlices([])),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(
      toHex(hashFromByteSlices([new Uint8Array(0)])),
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    );
    assert.equal(
      toHex(hashFromByteSlices([utf8("L123456")])),
      "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
    );
    assert.equal(
      toHex(innerHash(utf8("N123"), utf8("N456"))),
      "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
    );
  });

  it("proofs verify for every leaf count 1..17 and reject tampering", () => {
    for (let n = 1; n <= 17; n++) {
      const items = Array.from({ length: n }, (_, i) => seeded(i * 100 + n));
      const { root, proofs } = proofsFromByteSlices(items);
      assert.deepEqual(root, hashFromByteSlices(items));
      for (let i = 0; i < n; i++) {
        const p = proofs[i]!;
        assert.ok(verifyMerkleProof(p, root, items[i]!));
        assert.ok(!verifyMerkleProof(p, root, seeded(9999)));
        if (n > 1) assert.ok(!verifyMerkleProof({ ...p, index: (i + 1) % n }, root, items[i]!));
      }
    }
    assert.equal(computeRootFromProof({ total: 2, index: 5, leafHash: seeded(1), aunts: [] }), undefined);
  });
});

describe("CometBFT hash vectors", () => {
  it("headerHash matches TestHeaderHash", () => {
    const h: Header = {
      version: { block: 1n, app: 2n },
      chainId: "chainId",
      height: 3,
      time: { seconds: BigInt(Date.UTC(2019, 9, 13, 16, 14, 44) / 1000), nanos: 0 },
      lastBlockId: { hash: new Uint8Array(32), partSetHeader: { total: 6, hash: new Uint8Array(32) } },
      lastCommitHash: sha256(utf8("last_commit_hash")),
      dataHash: sha256(utf8("data_hash")),
      validatorsHash: sha256(utf8("validators_hash")),
      nextValidatorsHash: sha256(utf8("next_validators_hash")),
      consensusHash: sha256(utf8("consensus_hash")),
      appHash: sha256(utf8("app_hash")),
      lastResultsHash: sha256(utf8("last_results_hash")),
      evidenceHash: sha256(utf8("evidence_hash")),
      proposerAddress: sha256(utf8("proposer_address")).slice(0, 20),
    };
    assert.equal(
      toHex(headerHash(h)).toUpperCase(),
      "F740121F553B5418C3EFBD343C2DBFE9E007BB67B0D020A0741374BAB65242A4",
    );
    assert.equal(headerHash({ ...h, validatorsHash: new Uint8Array(0) }).length, 0);
    assert.notDeepEqual(headerHash({ ...h, height: 4 }), headerHash(h));
  });

  it("voteSignBytes matches TestVoteSignBytesTestVectors", () => {
    const ts = [0x2a, 0xb, 0x8, 0x80, 0x92, 0xb8, 0xc3, 0x98, 0xfe, 0xff, 0xff, 0xff, 0x1];
    const one = [0x1, 0, 0, 0, 0, 0, 0, 0];
    assert.deepEqual([...voteSignBytes("", vote())], [0xd, ...ts]);
    assert.deepEqual(
      [...voteSignBytes("", vote({ height: 1, round: 1, type: SignedMsgType.Precommit }))],
      [0x21, 0x8, 0x2, 0x11, ...one, 0x19, ...one, ...ts],
    );
    assert.deepEqual(
      [...voteSignBytes("", vote({ height: 1, round: 1, type: SignedMsgType.Prevote }))],
      [0x21, 0x8, 0x1, 0x11, ...one, 0x19, ...one, ...ts],
    );
    assert.deepEqual(
      [...voteSignBytes("", vote({ height: 1, round: 1 }))],
      [0x1f, 0x11, ...one, 0x19, ...one, ...ts],
    );
    assert.deepEqual(
      [...voteSignBytes("test_chain_id", vote({ height: 1, round: 1 }))],
      [0x2e, 0x11, ...one, 0x19, ...one, ...ts, 0x32, 0xd, ...utf8("test_chain_id")],
    );
  });

  it("voteSignBytes includes a non-zero block id and differs from proposal sign bytes", () => {
    const blockId = { hash: seeded(1), partSetHeader: { total: 1, hash: seeded(2) } };
    const v = vote({ height: 5, round: 0, type: SignedMsgType.Precommit, blockId });
    const sb = voteSignBytes("c", v);
    assert.ok(toHex(sb).includes(toHex(seeded(1))));
    const p: Proposal = {
      height: 5,
      round: 0,
      polRound: -1,
      blockId,
      timestamp: GO_ZERO_TIME,
      signature: new Uint8Array(0),
    };
    const pb = proposalSignBytes("c", p);
    assert.notDeepEqual(pb, sb);
    // length prefix then type=32 (field 1 varint)
    assert.equal(pb[0], pb.length - 1);
    assert.deepEqual([...pb.slice(1, 3)], [0x08, 0x20]);
    // pol_round -1 is a 10-byte varint under tag 0x20
    assert.ok(toHex(pb).includes("20ffffffffffffffffff01"));
  });

  it("empty hashes are sha256('') as CometBFT", () => {
    const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert.equal(toHex(dataHash([])), empty);
    assert.equal(toHex(commitHash(emptyCommit())), empty);
    assert.equal(toHex(validatorSetHash([])), empty);
    assert.equal(toHex(evidenceHash([])), empty);
    assert.equal(toHex(lastResultsHash([])), empty);
  });

  it("dataHash is the merkle root of tx hashes", () => {
    const txs = [utf8("a"), utf8("b"), utf8("c")];
    assert.deepEqual(dataHash(txs), hashFromByteSlices(txs.map((t) => sha256(t))));
  });

  it("lastResultsHash ignores non-deterministic fields", () => {
    const r: ExecTxResult = {
      code: 0,
      data: utf8("d"),
      log: "x",
      info: "y",
      gasWanted: 100n,
      gasUsed: 50n,
      events: [{ type: "t", attributes: [{ key: "k", value: "v", index: true }] }],
      codespace: "",
    };
    const h = lastResultsHash([r]);
    assert.deepEqual(h, lastResultsHash([{ ...r, log: "other", info: "", events: [] }]));
    assert.notDeepEqual(h, lastResultsHash([{ ...r, gasUsed: 51n }]));
    // proto: code omitted (0), data=0x12 01 64, gas_wanted=0x28 64, gas_used=0x30 32
    assert.deepEqual(h, hashFromByteSlices([fromHex("120164286430 32".replace(" ", ""))]));
  });

  it("consensusParamsHash is sha256(HashedParams)", () => {
    const params = {
      block: { maxBytes: 22020096, maxGas: -1 },
      evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
      validator: { pubKeyTypes: ["ed25519"] },
      version: { app: 0 },
    };
    // 0x08 varint(22020096 = 80 80 c0 0a) 0x10 varint(-1 as 10 bytes)
    assert.deepEqual(consensusParamsHash(params), sha256(fromHex("088080c00a10ffffffffffffffffff01")));
    assert.notDeepEqual(
      consensusParamsHash({ ...params, block: { maxBytes: 1, maxGas: -1 } }),
      consensusParamsHash(params),
    );
  });

  it("validatorSetHash depends on keys, powers and order", () => {
    const a = makeValidator(1, 10n).v;
    const b = makeValidator(2, 20n).v;
    assert.notDeepEqual(validatorSetHash([a, b]), validatorSetHash([b, a]));
    assert.notDeepEqual(validatorSetHash([a]), validatorSetHash([{ ...a, votingPower: 11n }]));
    assert.deepEqual(validatorSetHash([a]), validatorSetHash([{ ...a, proposerPriority: 5n }]));
    // SimpleValidator{pub_key{ed25519}, voting_power}: 0a 22 0a 20 <key> 10 0a
    assert.deepEqual(validatorSetHash([a]), hashFromByteSlices([fromHex(`0a220a20${toHex(a.pubKey)}100a`)]));
  });
});

describe("part sets and block ids", () => {
  it("splits into 64 KiB parts with valid proofs", () => {
    const data = new Uint8Array(BLOCK_PART_SIZE_BYTES * 2 + 10);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const ps = makePartSet(data);
    assert.equal(ps.header.total, 3);
    assert.equal(ps.parts[2]!.bytes.length, 10);
    for (const p of ps.parts) assert.ok(verifyMerkleProof(p.proof, ps.header.hash, p.bytes));
    assert.deepEqual(ps.header.hash, hashFromByteSlices(ps.parts.map((p) => p.bytes)));
  });

  it("a small block has one part and a stable block id", () => {
    const b = sampleBlock(1, [utf8("tx1")], emptyCommit());
    const id = makeBlockId(b);
    assert.equal(id.partSetHeader.total, 1);
    assert.deepEqual(id.hash, blockHash(b));
    assert.deepEqual(makeBlockId(b), id);
    assert.deepEqual(makeBlockPartSet(b).parts[0]!.bytes, encodeBlock(b));
  });
});

describe("block encoding", () => {
  it("round-trips a block with commit, txs and evidence", () => {
    const b1 = sampleBlock(1, [], emptyCommit());
    const id1 = makeBlockId(b1);
    const { v, priv } = makeValidator(1, 10n);
    const precommit = vote({
      type: SignedMsgType.Precommit,
      height: 1,
      round: 0,
      blockId: id1,
      timestamp: { seconds: 1_700_000_001n, nanos: 5 },
      validatorAddress: v.address,
    });
    const sig = ed25519Sign(voteSignBytes("openledger-dev", precommit), priv);
    assert.ok(ed25519Verify(sig, voteSignBytes("openledger-dev", precommit), v.pubKey));
    const commit: Commit = {
      height: 1,
      round: 0,
      blockId: id1,
      signatures: [
        {
          blockIdFlag: BlockIdFlag.Commit,
          validatorAddress: v.address,
          timestamp: precommit.timestamp,
          signature: sig,
        },
        absentCommitSig(),
      ],
    };
    const ev: Evidence = {
      type: "duplicate_vote",
      voteA: { ...precommit, signature: sig },
      voteB: { ...precommit, blockId: zeroBlockId(), signature: sig },
      totalVotingPower: 10n,
      validatorPower: 10n,
      timestamp: { seconds: 1_700_000_001n, nanos: 0 },
    };
    const b2 = fillHeader({ ...sampleBlock(2, [utf8("a"), utf8("bb")], commit), evidence: [ev] });
    validateBlockBasic(b2);
    const bytes = encodeBlock(b2);
    const back = decodeBlock(bytes);
    assert.deepEqual(back, b2);
    assert.deepEqual(blockHash(back), blockHash(b2));
    assert.deepEqual(decodeCommit(encodeCommit(commit)), commit);
    assert.deepEqual(decodeHeader(encodeHeader(b2.header)), b2.header);
    assert.deepEqual(decodeBlockId(encodeBlockId(id1)), id1);
    assert.deepEqual(decodeVote(encodeVote(precommit)), precommit);
    assert.deepEqual(decodeEvidence(encodeEvidence(ev)), ev);
    const p: Proposal = {
      height: 2,
      round: 1,
      polRound: -1,
      blockId: id1,
      timestamp: { seconds: 5n, nanos: 6 },
      signature: sig,
    };
    assert.deepEqual(decodeProposal(encodeProposal(p)), p);
    const set = { validators: [v, makeValidator(2, 5n).v], proposer: v };
    assert.deepEqual(decodeValidatorSet(encodeValidatorSet(set)), set);
  });

  it("the initial block carries an empty commit hashed to sha256('')", () => {
    const b = sampleBlock(1, [], emptyCommit());
    validateBlockBasic(b);
    assert.equal(
      toHex(b.header.lastCommitHash),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.deepEqual(decodeBlock(encodeBlock(b)).lastCommit, emptyCommit());
  });

  it("validateBlockBasic rejects inconsistent hashes with a coded error", () => {
    const b = sampleBlock(1, [utf8("x")], emptyCommit());
    expectCoded(() => validateBlockBasic({ ...b, data: { txs: [utf8("y")] } }), BlockErrorCode.Invalid);
    expectCoded(
      () => validateBlockBasic({ ...b, header: { ...b.header, height: 0 } }),
      BlockErrorCode.Invalid,
    );
    expectCoded(
      () => validateBlockBasic({ ...b, header: { ...b.header, proposerAddress: new Uint8Array(3) } }),
      BlockErrorCode.Invalid,
    );
  });

  it("hostile bytes give coded errors, never crashes", () => {
    const good = encodeBlock(sampleBlock(1, [utf8("tx")], emptyCommit()));
    expectCoded(() => decodeBlock(good.subarray(0, good.length - 3)), BlockErrorCode.Decode);
    expectCoded(() => decodeBlock(fromHex("0aff")), BlockErrorCode.Decode);
    expectCoded(() => decodeCommit(fromHex("08ffffffffffffffffff01")), BlockErrorCode.Invalid); // height -1
    expectCoded(() => decodeVote(fromHex("0863")), BlockErrorCode.Invalid); // type 99
    expectCoded(() => decodeProposal(fromHex("0801")), BlockErrorCode.Invalid); // wrong type
    expectCoded(() => decodeValidatorSet(fromHex("0a0412020a00")), BlockErrorCode.Invalid); // bad key
    let state = 12345;
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array(1 + (i % 64));
      for (let j = 0; j < junk.length; j++) {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        junk[j] = state & 0xff;
      }
      for (const dec of [decodeBlock, decodeCommit, decodeVote, decodeHeader, decodeValidatorSet]) {
        try {
          dec(junk);
        } catch (e) {
          assert.ok(e instanceof CodedError, `non-coded error: ${String(e)}`);
        }
      }
    }
  });
});
