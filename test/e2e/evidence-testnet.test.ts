/**
 * e2e: evidence of a byzantine validator's double-sign, seen by ONE node only, is gossiped, committed
 * in a block proposed by another node, and reaches the app (the offender is slashed out of the set).
 * `testnet init-files` makes four validators; a fifth node (same genesis, peers of the four) is a full
 * node. The test signs two conflicting precommits with validator 3's key for a committed height and
 * hands the evidence to the full node only, from its own libp2p peer (`P2PNode`) connected to nothing
 * else. The full node checks it, adds it to its pool and gossips it; a validator proposes it.
 */
import "../../src/polyfill.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readAppConfig, readNodeConfig, writeAppConfig, writeNodeConfig } from "../../src/config/config.js";
import { parseRfc3339 } from "../../src/config/genesis.js";
import { makeDuplicateVoteEvidence } from "../../src/consensus/evidence.js";
import { ValidatorSet } from "../../src/consensus/validatorSet.js";
import { ed25519Sign } from "../../src/crypto/ed25519.js";
import { sha256 } from "../../src/crypto/hash.js";
import { loadNodeKey } from "../../src/node/nodeKey.js";
import { P2PNode } from "../../src/p2p/p2pNode.js";
import { type Evidence, SignedMsgType, type Vote, voteSignBytes } from "../../src/types/block.js";
import { fromBase64, fromHex, utf8 } from "../../src/types/bytes.js";
import { CLI, freePort, tempHome } from "./harness.js";
import { height, launch, pickBasePort, rpc, type TestnetProc, waitFor } from "./testnetHarness.js";

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
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        "testnet",
        "init-files",
        "--validators",
        "4",
        "--output-dir",
        root,
        "--starting-port",
        `${base}`,
        "--timeout-commit",
        "500",
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    for (let i = 0; i < 4; i++)
      nodes.push({ home: join(root, `node${i}`), rpcPort: base + 10 * i + 1, log: "" });
    // the fifth node: a full node with the network's genesis and every validator as a peer
    const home4 = join(root, "node4");
    const init = spawnSync(process.execPath, [CLI, "init", "node4", "--chain-id", "x", "--home", home4], {
      encoding: "utf8",
    });
    assert.equal(init.status, 0, init.stderr);
    copyFileSync(join(root, "node0", "config", "genesis.json"), join(home4, "config", "genesis.json"));
    const peers = new Set([
      ...readNodeConfig(nodes[0]!.home).p2p.persistentPeers,
      ...readNodeConfig(nodes[1]!.home).p2p.persistentPeers,
    ]);
    const c4 = readNodeConfig(home4);
    c4.p2p.laddr = `tcp://127.0.0.1:${base + 40}`;
    c4.rpc.laddr = `tcp://127.0.0.1:${base + 41}`;
    c4.p2p.persistentPeers = [...peers];
    c4.consensus = { ...readNodeConfig(nodes[0]!.home).consensus };
    writeNodeConfig(home4, c4);
    const a4 = readAppConfig(home4);
    a4.api.address = `tcp://127.0.0.1:${base + 42}`;
    writeAppConfig(home4, a4);
    nodes.push({ home: home4, rpcPort: base + 41, log: "" });
    for (const n of nodes) launch(n);
  });

  after(async () => {
    await injector?.stop();
    for (const n of nodes) n.proc?.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("gossips, commits and slashes", async () => {
    const full = nodes[4]!;
    const byz = nodes[3]!;
    await waitFor(async () => (await height(full)) >= 3, 60_000, "the full node at height 3");
    const chainId = (
      JSON.parse(readFileSync(join(full.home, "config", "genesis.json"), "utf8")) as { chain_id: string }
    ).chain_id;

    // validator 3 "double-signs" at height 2: two precommits for different blocks
    const H = 2;
    const vals = (await rpc<{ validators: RpcValidator[] }>(full.rpcPort, "validators", { height: `${H}` }))
      .validators;
    const set = ValidatorSet.fromStored(
      vals.map((v) => ({
        address: fromHex(v.address),
        pubKey: fromBase64(v.pub_key.value),
        votingPower: BigInt(v.voting_power),
        proposerPriority: BigInt(v.proposer_priority),
      })),
    );
    const key = JSON.parse(readFileSync(join(byz.home, "config", "priv_validator_key.json"), "utf8")) as {
      address: string;
      priv_key: { value: string };
    };
    const seed = fromBase64(key.priv_key.value).subarray(0, 32);
    const address = fromHex(key.address);
    const index = set.getByAddress(address).index;
    assert.ok(index >= 0, "validator 3 is in the set");
    const signed = (tag: string): Vote => {
      const v: Vote = {
        type: SignedMsgType.Precommit,
        height: H,
        round: 0,
        blockId: { hash: sha256(utf8(tag)), partSetHeader: { total: 1, hash: sha256(utf8(`parts ${tag}`)) } },
        timestamp: { seconds: 1_700_000_000n, nanos: 0 },
        validatorAddress: address,
        validatorIndex: index,
        signature: new Uint8Array(0),
      };
      return { ...v, signature: ed25519Sign(voteSignBytes(chainId, v), seed) };
    };
    const block = await rpc<RpcBlock>(full.rpcPort, "block", { height: `${H}` });
    const ev: Evidence = makeDuplicateVoteEvidence(
      signed("fork A"),
      signed("fork B"),
      parseRfc3339(block.block.header.time),
      set,
    );

    // hand it to the full node only: a libp2p peer of its own, connected to nothing else
    const fullId = loadNodeKey(join(full.home, "config", "node_key.json")).id;
    injector = await P2PNode.create(
      {
        chainId,
        nodeKeySeed: sha256(utf8("evidence injector")),
        laddr: `tcp://127.0.0.1:${await freePort()}`,
        persistentPeers: [`${fullId}@127.0.0.1:${base + 40}`],
        evidenceIntervalMs: 1000,
      },
      {
        status: () => ({ height: 0, base: 0 }),
        loadBlock: async () => undefined,
        // pushed to the full node on connect and every second (the pool's "until committed")
        pendingEvidence: () => [ev],
      },
    );
    await injector.start();
    await waitFor(async () => injector!.connectedPeers().length === 1, 20_000, "the injector connected");
    assert.equal(injector.connectedPeers().length, 1, "connected to the full node only");
    const fullValidatorAddresses = new Set(vals.map((v) => v.address.toUpperCase()));

    // a block with the evidence appears (proposed by a validator: the full node never proposes)
    let evHeight = 0;
    let from = (await height(nodes[0]!)) - 1;
    await waitFor(
      async () => {
        const tip = await height(nodes[0]!);
        for (let h = Math.max(from, H + 1); h <= tip; h++) {
          const b = await rpc<RpcBlock>(nodes[0]!.rpcPort, "block", { height: `${h}` });
          if (b.block.evidence.evidence.length > 0) {
            evHeight = h;
            return true;
          }
          from = h + 1;
        }
        return false;
      },
      60_000,
      "a block with the evidence",
    );
    await injector.stop();
    injector = undefined;
    const b = await rpc<RpcBlock>(nodes[0]!.rpcPort, "block", { height: `${evHeight}` });
    const item = b.block.evidence.evidence[0]!;
    assert.equal(item.type, "tendermint/DuplicateVoteEvidence");
    assert.equal(item.value.vote_a.validator_address.toUpperCase(), key.address.toUpperCase());
    assert.equal(item.value.vote_a.height, `${H}`);
    assert.ok(fullValidatorAddresses.has(b.block.header.proposer_address.toUpperCase()));

    // every node has that block
    for (const n of nodes) {
      await waitFor(async () => (await height(n)) >= evHeight, 30_000, "every node past the evidence block");
      const nb = await rpc<RpcBlock>(n.rpcPort, "block", { height: `${evHeight}` });
      assert.equal(nb.block_id.hash, b.block_id.hash);
    }
    // the app acted on it: the double signer is slashed out of the set, the chain goes on without it
    await waitFor(
      async () => {
        const now = await rpc<{ validators: RpcValidator[] }>(nodes[0]!.rpcPort, "validators");
        return !now.validators.some((v) => v.address.toUpperCase() === key.address.toUpperCase());
      },
      30_000,
      "the double signer leaves the validator set",
    );
    const tip = await height(nodes[0]!);
    await waitFor(async () => (await height(nodes[0]!)) >= tip + 2, 30_000, "blocks after the slash");
  });
});
