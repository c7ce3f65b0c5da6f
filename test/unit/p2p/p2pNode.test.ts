import "../../../src/polyfill.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GossipSub } from "@libp2p/gossipsub";
import type { BlockWithCommit } from "../../../src/blocksync/blockSync.js";
import { type ConsensusMessage, encodeConsensusMessage } from "../../../src/consensus/messages.js";
import { ed25519FromSeed } from "../../../src/crypto/ed25519.js";
import { decodeMessage, encodeMessage, P2P_CODESPACE, type WireMessage } from "../../../src/p2p/messages.js";
import { nodeIdOf, parsePeerAddress } from "../../../src/p2p/nodeId.js";
import { P2PNode } from "../../../src/p2p/p2pNode.js";
import { PeerBook } from "../../../src/p2p/peerBook.js";
import { emptyCommit, SignedMsgType } from "../../../src/types/block.js";
import { CodedError } from "../../../src/types/errors.js";
import { freePort } from "../../e2e/harness.js";

const CHAIN = "p2p-test";

describe("wire messages", () => {
  it("round-trips status, txs and block requests", () => {
    const msgs: WireMessage[] = [
      { kind: "status", height: 7, base: 1, moniker: "n0", listenAddr: "tcp://127.0.0.1:1" },
      { kind: "txs", txs: [new Uint8Array([1, 2]), new Uint8Array([3])] },
      { kind: "blockRequest", height: 9 },
      { kind: "noBlock", height: 9 },
      { kind: "statusRequest" },
    ];
    for (const m of msgs) {
      assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    }
  });

  it("rejects junk with coded p2p errors", () => {
    const coded = (e: unknown) => e instanceof CodedError && e.codespace === P2P_CODESPACE;
    assert.throws(() => decodeMessage(new Uint8Array([0xff, 0xff, 0xff])), coded);
    assert.throws(() => decodeMessage(new Uint8Array([])), coded);
    assert.throws(() => decodeMessage(encodeMessage({ kind: "txs", txs: [] })), coded);
    assert.throws(() => decodeMessage(encodeMessage({ kind: "blockRequest", height: 0 })), coded);
    assert.throws(() => decodeMessage(encodeMessage({ kind: "status", height: 1, base: 5 })), coded);
    assert.throws(() => decodeMessage(new Uint8Array(2000), 1000), coded);
    // unknown envelope field
    assert.throws(() => decodeMessage(new Uint8Array([(99 << 3) | 2, 0])), coded);
  });

  it("parses CometBFT-style peer addresses", () => {
    const id = "a".repeat(40);
    const p = parsePeerAddress(`${id}@127.0.0.1:26656`);
    assert.equal(p.multiaddr, "/ip4/127.0.0.1/tcp/26656");
    assert.equal(p.isLibp2pId, false);
    assert.equal(parsePeerAddress(`${id}@node0:26656`).multiaddr, "/dns/node0/tcp/26656");
    assert.throws(
      () => parsePeerAddress("nope"),
      (e: unknown) => e instanceof CodedError,
    );
    assert.throws(
      () => parsePeerAddress(`${id}@host:99999`),
      (e: unknown) => e instanceof CodedError,
    );
  });
});

describe("PeerBook", () => {
  it("scores down, bans at the threshold, lifts the ban after expiry", () => {
    let now = 1_000_000;
    const book = new PeerBook({ banThreshold: -100, banMs: 60_000, recoveryPerSecond: 0, now: () => now });
    assert.equal(book.penalize("p", 40), false);
    assert.equal(book.penalize("p", 40), false);
    assert.equal(book.isBanned("p"), false);
    assert.equal(book.penalize("p", 40), true);
    assert.equal(book.isBanned("p"), true);
    now += 59_999;
    assert.equal(book.isBanned("p"), true);
    now += 1;
    assert.equal(book.isBanned("p"), false);
    assert.equal(book.score("p"), 0);
  });

  it("rate-limits requests with a token bucket", () => {
    let now = 0;
    const book = new PeerBook({ requestsPerSecond: 10, requestBurst: 3, now: () => now });
    assert.ok(book.allowRequest("p") && book.allowRequest("p") && book.allowRequest("p"));
    assert.equal(book.allowRequest("p"), false);
    now += 100; // one token back
    assert.equal(book.allowRequest("p"), true);
    assert.equal(book.allowRequest("p"), false);
  });
});

describe("P2PNode over loopback", () => {
  const seedA = new Uint8Array(32).fill(11);
  const seedB = new Uint8Array(32).fill(12);
  const idA = nodeIdOf(ed25519FromSeed(seedA).publicKey);
  const received: { peer: string; msg: ConsensusMessage }[] = [];
  let a: P2PNode;
  let b: P2PNode;
  const fakeBlock = { header: { height: 3 } } as unknown as BlockWithCommit["block"];

  before(async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    a = await P2PNode.create(
      {
        chainId: CHAIN,
        nodeKeySeed: seedA,
        laddr: `tcp://127.0.0.1:${pa}`,
        moniker: "a",
        statusIntervalMs: 200,
      },
      {
        status: () => ({ height: 5, base: 1 }),
        loadBlock: async (h) => (h === 99 ? { block: fakeBlock, commit: emptyCommit() } : undefined),
        checkConsensus: (msg) => (msg.kind === "hasVote" && msg.index === 666 ? "reject" : "accept"),
      },
    );
    b = await P2PNode.create(
      {
        chainId: CHAIN,
        nodeKeySeed: seedB,
        laddr: `tcp://127.0.0.1:${pb}`,
        persistentPeers: [`${idA}@127.0.0.1:${pa}`],
        statusIntervalMs: 200,
      },
      { status: () => ({ height: 2, base: 1 }), loadBlock: async () => undefined },
    );
    a.setHandler((peer, msg) => received.push({ peer, msg }));
    await a.start();
    await b.start();
    await waitFor(() => b.peerHeights().get(a.peerId) === 5 && a.peerHeights().get(b.peerId) === 2);
  });

  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("connects to a persistent peer by CometBFT node id and learns its height", () => {
    assert.deepEqual(b.connectedPeers(), [a.peerId]);
    const info = b.netInfo();
    assert.equal(info.listening, true);
    assert.equal(info.peers[0]?.nodeInfo.id, idA);
    assert.equal(info.peers[0]?.nodeInfo.moniker, "a");
  });

  it("serves status and reports a missing block as undefined", async () => {
    assert.equal(await b.fetchBlock(a.peerId, 7), undefined);
  });

  it("delivers validated gossip and direct consensus messages", async () => {
    const msg: ConsensusMessage = {
      kind: "hasVote",
      height: 3,
      round: 0,
      type: SignedMsgType.Prevote,
      index: 1,
    };
    await waitFor(() => {
      b.broadcast(msg);
      return received.some((r) => r.msg.kind === "hasVote" && r.msg.index === 1);
    });
    b.sendTo(a.peerId, { ...msg, index: 2 });
    await waitFor(() => received.some((r) => r.msg.kind === "hasVote" && r.msg.index === 2));
    // round state gossiped on the state topic (how older nodes send it) is still taken
    const pubsub = (b as unknown as { libp2p: { services: { pubsub: GossipSub } } }).libp2p.services.pubsub;
    await waitFor(() => {
      void pubsub.publish(`/openledger/${CHAIN}/cs-state/1`, encodeConsensusMessage({ ...msg, index: 3 }));
      return received.some((r) => r.msg.kind === "hasVote" && r.msg.index === 3);
    });
    assert.ok(received.every((r) => r.peer === b.peerId));
  });

  it("rejects junk gossip, scores the sender down, and bans + disconnects it", async () => {
    const pubsub = (b as unknown as { libp2p: { services: { pubsub: GossipSub } } }).libp2p.services.pubsub;
    const topic = `/openledger/${CHAIN}/cs-vote/1`;
    const before = received.length;
    await pubsub.publish(topic, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    await waitFor(() => a.book.score(b.peerId) < 0);
    // a message the node's stateful check rejects (e.g. a bad signature) also costs score
    b.broadcast({ kind: "hasVote", height: 3, round: 0, type: SignedMsgType.Prevote, index: 666 });
    for (let i = 0; i < 5 && !a.book.isBanned(b.peerId); i++) {
      await pubsub.publish(topic, new Uint8Array([0x0a, i, 1, 2, 3]));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(() => a.book.isBanned(b.peerId));
    await waitFor(() => !a.connectedPeers().includes(b.peerId));
    assert.equal(received.length, before);
  });
});

describe("P2PNode gossip without a mesh (flood + IHAVE/IWANT)", () => {
  const seeds = [31, 32, 33].map((b) => new Uint8Array(32).fill(b));
  const ids = seeds.map((s) => nodeIdOf(ed25519FromSeed(s).publicKey));
  const nodes: P2PNode[] = [];
  const txsAt: Uint8Array[][] = [[], [], []];
  const consensusAt: ConsensusMessage[][] = [[], [], []];

  before(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    // a line: 0 — 1 — 2 (node 2 is not connected to node 0)
    const peersOf = [[], [`${ids[0]}@127.0.0.1:${ports[0]}`], [`${ids[1]}@127.0.0.1:${ports[1]}`]];
    for (let i = 0; i < 3; i++) {
      const node = await P2PNode.create(
        {
          chainId: CHAIN,
          nodeKeySeed: seeds[i] as Uint8Array,
          laddr: `tcp://127.0.0.1:${ports[i]}`,
          persistentPeers: peersOf[i],
          statusIntervalMs: 200,
          heartbeatMs: 200,
        },
        {
          status: () => ({ height: 1, base: 1 }),
          loadBlock: async () => undefined,
          addTx: async (tx) => {
            (txsAt[i] as Uint8Array[]).push(tx);
            return "added";
          },
        },
      );
      node.setHandler((_peer, msg) => (consensusAt[i] as ConsensusMessage[]).push(msg));
      nodes.push(node);
    }
    for (const n of nodes) await n.start();
    await waitFor(() => nodes[1]?.connectedPeers().length === 2 && nodes[2]?.connectedPeers().length === 1);
  });

  after(async () => {
    for (const n of nodes) await n.stop();
  });

  it("delivers each tx once to a direct peer and, through gossip, to a peer two hops away", async () => {
    // gossipsub learns its peers' subscriptions shortly after connecting: retry until it takes
    const tx = new Uint8Array([7, 7, 7, 7]);
    await waitFor(() => {
      if (!txsAt[1]?.length) nodes[0]?.gossipTx(tx.slice());
      return (txsAt[1]?.length ?? 0) > 0;
    });
    await waitFor(() => (txsAt[2]?.length ?? 0) > 0);
    assert.deepEqual([...(txsAt[2]?.[0] ?? [])], [7, 7, 7, 7]);
    // no copy comes back to its author or twice to a node
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(txsAt[0]?.length, 0);
    assert.equal(txsAt[1]?.length, 1);
    assert.equal(txsAt[2]?.length, 1);
  });

  it("relays consensus gossip to a peer two hops away", async () => {
    const blockId = {
      hash: new Uint8Array(32).fill(1),
      partSetHeader: { total: 1, hash: new Uint8Array(32) },
    };
    nodes[0]?.broadcast({
      kind: "vote",
      vote: {
        type: SignedMsgType.Prevote,
        height: 9,
        round: 0,
        blockId,
        timestamp: { seconds: 1_700_000_000n, nanos: 0 },
        validatorAddress: new Uint8Array(20).fill(1),
        validatorIndex: 4,
        signature: new Uint8Array(64).fill(9),
      },
    });
    await waitFor(
      () => consensusAt[2]?.some((m) => m.kind === "vote" && m.vote.validatorIndex === 4) === true,
    );
    assert.equal(consensusAt[1]?.filter((m) => m.kind === "vote").length, 1);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
