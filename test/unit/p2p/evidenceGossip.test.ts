import "../../../src/polyfill.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ed25519FromSeed } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { decodeMessage, encodeMessage, P2P_CODESPACE } from "../../../src/p2p/messages.js";
import { nodeIdOf } from "../../../src/p2p/nodeId.js";
import { P2PNode, type Verdict } from "../../../src/p2p/p2pNode.js";
import { type Evidence, SignedMsgType, type Vote } from "../../../src/types/block.js";
import { toHex, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";
import { freePort } from "../../e2e/harness.js";

const CHAIN = "p2p-evidence-test";

function vote(hash: string, height: number): Vote {
  return {
    type: SignedMsgType.Prevote,
    height,
    round: 0,
    blockId: { hash: sha256(utf8(hash)), partSetHeader: { total: 1, hash: sha256(utf8(`p${hash}`)) } },
    timestamp: { seconds: 10n, nanos: 0 },
    validatorAddress: new Uint8Array(20).fill(1),
    validatorIndex: 0,
    signature: new Uint8Array(64).fill(height),
  };
}

function evidence(height: number): Evidence {
  return {
    type: "duplicate_vote",
    voteA: vote("A", height),
    voteB: vote("B", height),
    totalVotingPower: 30n,
    validatorPower: 10n,
    timestamp: { seconds: 10n, nanos: 0 },
  };
}

describe("evidence wire message", () => {
  it("round-trips and rejects malformed lists with coded errors", () => {
    const m = { kind: "evidence" as const, evidence: [evidence(3), evidence(4)] };
    assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    const coded = (e: unknown) => e instanceof CodedError && e.codespace === P2P_CODESPACE;
    assert.throws(() => decodeMessage(encodeMessage({ kind: "evidence", evidence: [] })), coded);
    const unsigned = { ...evidence(3), voteB: { ...vote("B", 3), signature: new Uint8Array(0) } };
    assert.throws(() => decodeMessage(encodeMessage({ kind: "evidence", evidence: [unsigned] })), coded);
    const badPower = { ...evidence(3), validatorPower: 40n };
    assert.throws(() => decodeMessage(encodeMessage({ kind: "evidence", evidence: [badPower] })), coded);
  });
});

describe("evidence gossip over loopback", () => {
  const seedA = new Uint8Array(32).fill(21);
  const seedB = new Uint8Array(32).fill(22);
  const idA = nodeIdOf(ed25519FromSeed(seedA).publicKey);
  /** Evidence each node's check saw (by height), and what the check answers. */
  const seenA: number[] = [];
  const seenB: number[] = [];
  const keyOf = (ev: Evidence) => toHex(ev.voteA.signature);
  const poolB = new Map<string, Evidence>();
  const check =
    (seen: number[], pool?: Map<string, Evidence>) =>
    (ev: Evidence): Verdict => {
      seen.push(ev.voteA.height);
      if (ev.voteA.height === 666) return "reject";
      if (pool === undefined) return "accept";
      if (pool.has(keyOf(ev))) return "ignore";
      pool.set(keyOf(ev), ev);
      return "accept";
    };
  let a: P2PNode;
  let b: P2PNode;

  before(async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    a = await P2PNode.create(
      { chainId: CHAIN, nodeKeySeed: seedA, laddr: `tcp://127.0.0.1:${pa}`, evidenceIntervalMs: 300 },
      {
        status: () => ({ height: 5, base: 1 }),
        loadBlock: async () => undefined,
        checkEvidence: check(seenA),
        // A's pool holds evidence of height 4 from before B connected
        pendingEvidence: () => [evidence(4)],
      },
    );
    b = await P2PNode.create(
      {
        chainId: CHAIN,
        nodeKeySeed: seedB,
        laddr: `tcp://127.0.0.1:${pb}`,
        persistentPeers: [`${idA}@127.0.0.1:${pa}`],
        evidenceIntervalMs: 60_000,
      },
      {
        status: () => ({ height: 5, base: 1 }),
        loadBlock: async () => undefined,
        checkEvidence: check(seenB, poolB),
        pendingEvidence: () => [...poolB.values()],
      },
    );
    await a.start();
    await b.start();
  });

  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("sends pending evidence to a newly connected peer and again until committed", async () => {
    await waitFor(() => poolB.has(keyOf(evidence(4))));
    const n = seenB.filter((h) => h === 4).length;
    await waitFor(() => seenB.filter((h) => h === 4).length > n, 5000);
  });

  it("gossips evidence to peers, which check it", async () => {
    await waitFor(() => a.connectedPeers().includes(b.peerId) && b.connectedPeers().includes(a.peerId));
    await waitFor(() => {
      b.broadcastEvidence([evidence(5)]);
      return seenA.includes(5);
    });
  });

  it("scores down a peer that sends invalid evidence", async () => {
    const before = a.book.score(b.peerId);
    b.broadcastEvidence([evidence(666)]);
    await waitFor(() => a.book.score(b.peerId) < before);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
