import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ConsensusMessage,
  decodeConsensusMessage,
  encodeConsensusMessage,
  RoundStep,
  validateConsensusMessage,
} from "../../../src/consensus/messages.js";
import { decodeWalEntry, encodeWalEntry, MemoryWAL } from "../../../src/consensus/wal.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { makePartSet, SignedMsgType, zeroBlockId } from "../../../src/types/block.js";
import { utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const blockId = { hash: sha256(utf8("b")), partSetHeader: { total: 2, hash: sha256(utf8("p")) } };
const ps = makePartSet(new Uint8Array(100).fill(7), 64);
const vote = {
  type: SignedMsgType.Precommit,
  height: 3_000_000_000,
  round: 2,
  blockId,
  timestamp: { seconds: 1_700_000_000n, nanos: 5 },
  validatorAddress: new Uint8Array(20).fill(1),
  validatorIndex: 3,
  signature: new Uint8Array(64).fill(9),
};
const samples: ConsensusMessage[] = [
  {
    kind: "newRoundStep",
    height: 5,
    round: 1,
    step: RoundStep.PrevoteWait,
    lastCommitRound: 0,
    hasProposal: true,
    partsHeader: ps.header,
    parts: [true, false],
    prevotes: [true, false, true, true, false, false, false, false, true],
    precommits: [],
    lastCommit: [true],
  },
  {
    kind: "proposal",
    proposal: {
      height: 5,
      round: 2,
      polRound: 1,
      blockId,
      timestamp: { seconds: 9n, nanos: 1 },
      signature: new Uint8Array(64).fill(3),
    },
  },
  { kind: "blockPart", height: 5, round: 0, part: ps.parts[1] as (typeof ps.parts)[number] },
  { kind: "vote", vote },
  { kind: "vote", vote: { ...vote, blockId: zeroBlockId(), height: 7 } },
  { kind: "hasVote", height: 5, round: 0, type: SignedMsgType.Prevote, index: 2 },
];

describe("consensus messages", () => {
  it("round-trip through the binary encoding", () => {
    for (const m of samples) assert.deepEqual(decodeConsensusMessage(encodeConsensusMessage(m)), m);
  });

  it("validateBasic rejects malformed messages with coded errors", () => {
    const bad = (m: ConsensusMessage) => assert.throws(() => validateConsensusMessage(m), CodedError);
    bad({ kind: "vote", vote: { ...vote, height: 0 } });
    bad({ kind: "vote", vote: { ...vote, round: -1 } });
    bad({ kind: "vote", vote: { ...vote, type: SignedMsgType.Proposal } });
    bad({ kind: "vote", vote: { ...vote, signature: new Uint8Array(0) } });
    bad({ kind: "vote", vote: { ...vote, validatorAddress: new Uint8Array(3) } });
    bad({ kind: "vote", vote: { ...vote, blockId: { ...blockId, hash: new Uint8Array(5) } } });
    bad({
      kind: "vote",
      vote: {
        ...vote,
        blockId: { hash: blockId.hash, partSetHeader: { total: 0, hash: new Uint8Array(0) } },
      },
    });
    const p = samples[1] as Extract<ConsensusMessage, { kind: "proposal" }>;
    bad({ kind: "proposal", proposal: { ...p.proposal, polRound: 2 } });
    bad({ kind: "proposal", proposal: { ...p.proposal, polRound: -2 } });
    bad({ kind: "proposal", proposal: { ...p.proposal, blockId: zeroBlockId() } });
    const part = ps.parts[0] as (typeof ps.parts)[number];
    bad({ kind: "blockPart", height: 1, round: 0, part: { ...part, index: 1 } });
    bad({ kind: "blockPart", height: 1, round: 0, part: { ...part, bytes: new Uint8Array(70_000) } });
    const st = samples[0] as Extract<ConsensusMessage, { kind: "newRoundStep" }>;
    bad({ ...st, step: 9 as RoundStep });
    bad({ ...st, lastCommitRound: -2 });
    bad({ kind: "hasVote", height: 1, round: 0, type: SignedMsgType.Unknown, index: 0 });
  });

  it("garbage bytes give a coded error, never a crash", () => {
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array([0xff, 0xff, 0xff]),
      utf8("hello world"),
      new Uint8Array([10, 3, 8, 0, 0]),
    ]) {
      assert.throws(() => decodeConsensusMessage(bytes), CodedError);
    }
  });
});

describe("WAL records and MemoryWAL", () => {
  it("encode/decode every record kind", () => {
    for (const e of [
      { kind: "msg" as const, height: 4, peer: "peerX", msg: samples[3] as ConsensusMessage },
      { kind: "timeout" as const, height: 4, round: 2, step: RoundStep.PrecommitWait },
      { kind: "endHeight" as const, height: 4 },
    ]) {
      assert.deepEqual(decodeWalEntry(encodeWalEntry(e)), e);
    }
    assert.throws(() => decodeWalEntry(new Uint8Array([1, 2, 3])), CodedError);
  });

  it("replays the records of a height after its predecessor's end marker; crash loses the unsynced tail", async () => {
    const wal = new MemoryWAL();
    const msg = (h: number): ConsensusMessage => ({
      kind: "hasVote",
      height: h,
      round: 0,
      type: SignedMsgType.Prevote,
      index: 0,
    });
    await wal.append({ kind: "msg", height: 1, peer: "a", msg: msg(1) }, false);
    await wal.endHeight(1);
    await wal.append({ kind: "msg", height: 2, peer: "a", msg: msg(2) }, true);
    await wal.append({ kind: "timeout", height: 2, round: 0, step: RoundStep.Propose }, false);
    assert.equal((await wal.replay(2)).length, 2);
    assert.equal((await wal.replay(1)).length, 0, "height 1 has ended");
    wal.crash(false);
    const after = await wal.replay(2);
    assert.equal(after.length, 1, "the unsynced timeout record is lost");
    assert.equal(after[0]?.kind, "msg");
  });
});
