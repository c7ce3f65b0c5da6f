/**
 * e2e: evidence of a byzantine validator's double-sign, seen by ONE node only, is gossiped, committed
 * in a block proposed by another node, and reaches the app (the offender is slashed out of the set).
 * `testnet init-files` makes four validators; a fifth node (same genesis, peers of the four) is a full
 * node. The test signs two conflicting precommits with validator 3's key for a committed height and
 * hands the evidence to the full node only, from its own libp2p peer (`P2PNode`) connected to nothing
 * else. The full node checks it, adds it to its pool and gossips it; a validator proposes it.
 * Then, with the chain halted, evidence against validator 2 reaches the full node (and the one running
 * validator) only; every validator is killed (losing it: nothing was flushed) and the full node is
 * restarted: its persistent pool still has the evidence, pushes it to the validators when they
 * reconnect, and it is committed.
 */
import "../../src/polyfill.js";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseRfc3339 } from "../../src/config/genesis.js";
import { makeDuplicateVoteEvidence } from "../../src/consensus/evidence.js";
import { ValidatorSet } from "../../src/consensus/validatorSet.js";
import { ed25519Sign } from "../../src/crypto/ed25519.js";
import { sha256 } from "../../src/crypto/hash.js";
import { loadNodeKey } from "../../src/node/nodeKey.js";
import { P2PNode } from "../../src/p2p/p2pNode.js";
import { type Evidence, SignedMsgType, type Vote, voteSignBytes } from "../../src/types/block.js";
import { fromBase64, fromHex, utf8 } from "../../src/types/bytes.js";
import { freePort, tempHome } from "./harness.js";
import {
  addFullNode,
  height,
  initTestnetFiles,
  launch,
  pickBasePort,
  rpc,
  type TestnetProc,
  waitFor,
} from "./testnetHarness.js";

const N = 5;

interface RpcValidator {
  address: string;
  pub_key: { value: string };
  voting_power: string;
  proposer_priority: string;
}

interface RpcBlock {
  block: {
    header: { time: string; proposer_address: string };
    evidence: {
      evidence: { type: string; value: { vote_a: { validator_address: string; height: string } } }[];
    };
  };
  block_id: { hash: string };
}

describe("double-sign evidence seen by one node is committed by another", { timeout: 150_000 }, () => {
  const root = tempHome("openledger-evidence-");
  const nodes: TestnetProc[] = [];
  let base = 0;
  let injector: P2PNode | undefined;

  before(async () => {
    base = await pickBasePort(N, 30_000, 149);
    initTestnetFiles(root, base);
    for (let i = 0; i < 4; i++)
      nodes.push({ home: join(root, `node${i}`), rpcPort: base + 10 * i + 1, log: "" });
    // the fifth node: a full node with the network's genesis and every validator as a peer
    nodes.push(addFullNode(root, base, nodes));
    for (const n of nodes) launch(n);
  });

  after(async () => {
    await injector?.stop();
    for (const n of nodes) n.proc?.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  let chainId = "";

  /** Evidence that validator `v` signed two precommits at height `h` (its key is in its home). */
  async function doubleSign(v: number, h: number): Promise<{ ev: Evidence; address: string }> {
    const full = nodes[4]!;
    chainId ||= (
      JSON.parse(readFileSync(join(full.home, "config", "genesis.json"), "utf8")) as { chain_id: string }
    ).chain_id;
    const vals = (await rpc<{ validators: RpcValidator[] }>(full.rpcPort, "validators", { height: `${h}` }))
      .validators;
    const set = ValidatorSet.fromStored(
      vals.map((x) => ({
        address: fromHex(x.address),
        pubKey: fromBase64(x.pub_key.value),
        votingPower: BigInt(x.voting_power),
        proposerPriority: BigInt(x.proposer_priority),
      })),
    );
    const key = JSON.parse(
      readFileSync(join(nodes[v]!.home, "config", "priv_validator_key.json"), "utf8"),
    ) as {
      address: string;
      priv_key: { value: string };
    };
    const seed = fromBase64(key.priv_key.value).subarray(0, 32);
    const address = fromHex(key.address);
    const index = set.getByAddress(address).index;
    assert.ok(index >= 0, `validator ${v} is in the set of height ${h}`);
    const signed = (tag: string): Vote => {
      const vote: Vote = {
        type: SignedMsgType.Precommit,
        height: h,
        round: 0,
        blockId: { hash: sha256(utf8(tag)), partSetHeader: { total: 1, hash: sha256(utf8(`parts ${tag}`)) } },
        timestamp: { seconds: 1_700_000_000n, nanos: 0 },
        validatorAddress: address,
        validatorIndex: index,
        signature: new Uint8Array(0),
      };
      return { ...vote, signature: ed25519Sign(voteSignBytes(chainId, vote), seed) };
    };
    const block = await rpc<RpcBlock>(full.rpcPort, "block", { height: `${h}` });
    const ev = makeDuplicateVoteEvidence(
      signed(`fork A ${h}`),
      signed(`fork B ${h}`),
      parseRfc3339(block.block.header.time),
      set,
    );
    return { ev, address: key.address.toUpperCase() };
  }

  /** Hand `ev` to the full node only: a libp2p peer of its own that pushes it every second. */
  async function inject(ev: Evidence): Promise<P2PNode> {
    const full = nodes[4]!;
    const fullId = loadNodeKey(join(full.home, "config", "node_key.json")).id;
    const p = await P2PNode.create(
      {
        chainId,
        nodeKeySeed: sha256(utf8(`evidence injector ${ev.voteA.height}`)),
        laddr: `tcp://127.0.0.1:${await freePort()}`,
        persistentPeers: [`${fullId}@127.0.0.1:${base + 40}`],
        evidenceIntervalMs: 1000,
      },
      {
        status: () => ({ height: 0, base: 0 }),
        loadBlock: async () => undefined,
        pendingEvidence: () => [ev],
      },
    );
    injector = p;
    await p.start();
    await waitFor(async () => p.connectedPeers().length === 1, 20_000, "the injector connected");
    return p;
  }

  /** The first block above `from` (on node `n`) whose evidence accuses `address`. */
  async function evidenceBlock(n: TestnetProc, from: number, address: string, timeoutMs: number) {
    let found: RpcBlock | undefined;
    let next = from;
    await waitFor(
      async () => {
        const tip = await height(n);
        for (; next <= tip; next++) {
          const b = await rpc<RpcBlock>(n.rpcPort, "block", { height: `${next}` });
          if (
            b.block.evidence.evidence.some((e) => e.value.vote_a.validator_address.toUpperCase() === address)
          ) {
            found = b;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      `a block with evidence against ${address}`,
    );
    return { block: found!, height: next };
  }

  async function kill(n: TestnetProc, signal: NodeJS.Signals): Promise<void> {
    const p = n.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill(signal);
    await exited;
  }

  it("gossips, commits and slashes", async () => {
    const full = nodes[4]!;
    await waitFor(async () => (await height(full)) >= 3, 60_000, "the full node at height 3");
    const H = 2;
    const vals = (await rpc<{ validators: RpcValidator[] }>(full.rpcPort, "validators", { height: `${H}` }))
      .validators;
    // validator 3 "double-signs" at height 2; only the full node hears of it
    const { ev, address } = await doubleSign(3, H);
    const p = await inject(ev);
    assert.equal(p.connectedPeers().length, 1, "connected to the full node only");
    const from = await height(nodes[0]!);

    // a block with the evidence appears (proposed by a validator: the full node never proposes)
    const found = await evidenceBlock(nodes[0]!, Math.max(from - 1, H + 1), address, 60_000);
    await p.stop();
    injector = undefined;
    const b = found.block;
    const item = b.block.evidence.evidence[0]!;
    assert.equal(item.type, "tendermint/DuplicateVoteEvidence");
    assert.equal(item.value.vote_a.height, `${H}`);
    assert.ok(vals.some((v) => v.address.toUpperCase() === b.block.header.proposer_address.toUpperCase()));

    // every node has that block
    for (const n of nodes) {
      await waitFor(
        async () => (await height(n)) >= found.height,
        30_000,
        "every node past the evidence block",
      );
      const nb = await rpc<RpcBlock>(n.rpcPort, "block", { height: `${found.height}` });
      assert.equal(nb.block_id.hash, b.block_id.hash);
    }
    // the app acted on it: the double signer is slashed out of the set, the chain goes on without it
    await waitFor(
      async () => {
        const now = await rpc<{ validators: RpcValidator[] }>(nodes[0]!.rpcPort, "validators");
        return (
          now.validators.length === 3 && !now.validators.some((v) => v.address.toUpperCase() === address)
        );
      },
      30_000,
      "the double signer leaves the validator set",
    );
    const tip = await height(nodes[0]!);
    await waitFor(async () => (await height(nodes[0]!)) >= tip + 2, 30_000, "blocks after the slash");
  });

  it("pending evidence survives a restart of the only node that kept it", async () => {
    const full = nodes[4]!;
    // halt the chain: of the three validators left (0, 1, 2) only 0 keeps running
    for (const i of [1, 2, 3]) await kill(nodes[i]!, "SIGKILL");
    let last = -1;
    await waitFor(
      async () => {
        const h = await height(nodes[0]!);
        const stable = h === last;
        last = h;
        if (!stable) await new Promise((r) => setTimeout(r, 2500));
        return stable;
      },
      30_000,
      "the chain halted",
    );
    const halted = last;
    // validator 2 "double-signs" at height 3; the full node takes it (and relays it to validator 0)
    const { ev, address } = await doubleSign(2, 3);
    const p = await inject(ev);
    await waitFor(
      async () => full.log.includes("evidence from a peer added"),
      20_000,
      "the full node took it",
    );
    await new Promise((r) => setTimeout(r, 1000));
    await p.stop();
    injector = undefined;
    // validator 0 dies without a block (nothing flushed: it loses the evidence); the full node stops cleanly
    await kill(nodes[0]!, "SIGKILL");
    await kill(full, "SIGTERM");
    assert.equal(await height(nodes[0]!), -1);
    full.log = "";
    for (const n of nodes) launch(n);
    const found = await evidenceBlock(nodes[0]!, halted, address, 90_000);
    assert.equal(found.block.block.evidence.evidence[0]!.value.vote_a.height, "3");
  });
});
