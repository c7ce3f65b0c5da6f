/**
 * e2e: a 4-validator network of real `openledgerd` processes on loopback, made by
 * `testnet init-files` and started with `openledgerd start --home D/nodeI`. Blocks advance; after
 * `kill -9` of one validator the chain goes on; with two stopped it halts; restarted, it resumes, the
 * restarted nodes catch up (the killed one by block sync), every node has the same block hash and
 * app hash at every height, and a tx committed before the crash is on every node.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { CLI, DEV_MNEMONIC, tempHome } from "./harness.js";
import {
  height,
  initTestnetFiles,
  launch,
  pickBasePort,
  rpc,
  type TestnetProc,
  waitFor,
} from "./testnetHarness.js";

const N = 4;
/** The CLI to run (OPENLEDGER_CLI overrides the repository build). */
const BIN = process.env["OPENLEDGER_CLI"] ?? CLI;

async function stop(n: TestnetProc, signal: NodeJS.Signals): Promise<void> {
  const p = n.proc;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once("exit", () => r()));
  p.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  n.proc = undefined;
}

describe("4-validator testnet", { timeout: 180_000 }, () => {
  const root = tempHome("openledger-testnet-");
  const nodes: TestnetProc[] = [];

  before(async () => {
    const base = await pickBasePort(N);
    initTestnetFiles(root, base, BIN);
    for (let i = 0; i < N; i++) {
      const home = join(root, `node${i}`);
      // Short rounds so a missing proposer costs little time.
      const cfg = join(home, "config", "config.toml");
      writeFileSync(
        cfg,
        readFileSync(cfg, "utf8")
          .replace(/timeout_propose = ".*"/, 'timeout_propose = "1500ms"')
          .replace(/timeout_propose_delta = ".*"/, 'timeout_propose_delta = "200ms"'),
      );
      nodes.push({ home, rpcPort: base + 10 * i + 1, log: "" });
    }
    for (const n of nodes) launch(n, BIN);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => stop(n, "SIGKILL")));
    if (process.env["KEEP_TESTNET"] === undefined) rmSync(root, { recursive: true, force: true });
  });

  let txHash = "";
  let txHeight = 0;

  it("makes blocks on all four nodes and commits a tx", async () => {
    await waitFor(
      async () => (await Promise.all(nodes.map(height))).every((h) => h >= 2),
      60_000,
      "height 2",
    );
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: "open" });
    const [alice] = await wallet.getAccounts();
    assert.ok(alice);
    const bob = toBech32("open", new Uint8Array(20).fill(9));
    const client = await SigningStargateClient.connectWithSigner(
      `http://127.0.0.1:${nodes[1]?.rpcPort}`,
      wallet,
      { gasPrice: GasPrice.fromString("1000000000aopen") },
    );
    const res = await client.sendTokens(alice.address, bob, [{ denom: "aopen", amount: "777" }], 200_000);
    assert.equal(res.code, 0, res.rawLog);
    txHash = res.transactionHash;
    txHeight = res.height;
    client.disconnect();
  });

  it("reports the Tendermint round state over RPC (consensus_state, dump_consensus_state)", async () => {
    const n0 = nodes[0] as TestnetProc;
    const cs = await rpc<{ round_state: Record<string, unknown> }>(n0.rpcPort, "consensus_state");
    const hrs = String(cs.round_state["height/round/step"]);
    assert.match(hrs, /^\d+\/\d+\/[1-8]$/);
    assert.ok(Number(hrs.split("/")[0]) >= 2);
    const hvs = cs.round_state["height_vote_set"] as { prevotes: string[]; prevotes_bit_array: string }[];
    assert.ok(hvs.length >= 1);
    for (const r of hvs) {
      assert.equal(r.prevotes.length, N);
      for (const v of r.prevotes)
        assert.match(v, /^(nil-Vote|Vote\{\d:[0-9A-F]{12} \d+\/\d\d\/SIGNED_MSG_TYPE_PREVOTE)/);
      assert.match(r.prevotes_bit_array, /^BA\{4:[x_]{4}\} \d+\/\d+ = \d\.\d\d$/);
    }
    const dump = await rpc<{ round_state: Record<string, unknown> }>(n0.rpcPort, "dump_consensus_state");
    const rs = dump.round_state;
    assert.equal((rs["validators"] as { validators: unknown[] }).validators.length, N);
    assert.equal((rs["last_validators"] as { validators: unknown[] }).validators.length, N);
    const lc = rs["last_commit"] as { votes_bit_array: string } | null;
    assert.ok(lc !== null && /^BA\{4:[x_]{4}\}$/.test(lc.votes_bit_array), "the last commit is reported");
    assert.equal(typeof rs["locked_round"], "number");
  });

  it("goes on after kill -9 of one validator", async () => {
    const n3 = nodes[3] as TestnetProc;
    await stop(n3, "SIGKILL");
    const h0 = await height(nodes[0] as TestnetProc);
    await waitFor(
      async () => (await height(nodes[0] as TestnetProc)) >= h0 + 4,
      40_000,
      "progress with 3 of 4",
    );
  });

  it("halts with two stopped", async () => {
    await stop(nodes[2] as TestnetProc, "SIGTERM");
    // allow the height in flight to finish, then no progress
    await new Promise((r) => setTimeout(r, 2000));
    const h = await height(nodes[0] as TestnetProc);
    await new Promise((r) => setTimeout(r, 5000));
    assert.ok((await height(nodes[0] as TestnetProc)) <= h + 1, "chain must halt without +2/3");
  });

  it("resumes on restart; restarted nodes catch up (block sync) and all agree", async () => {
    const h = await height(nodes[0] as TestnetProc);
    launch(nodes[2] as TestnetProc, BIN);
    launch(nodes[3] as TestnetProc, BIN);
    await waitFor(async () => (await height(nodes[0] as TestnetProc)) >= h + 3, 60_000, "resumed chain");
    const target = await height(nodes[0] as TestnetProc);
    await waitFor(
      async () => (await Promise.all(nodes.map(height))).every((x) => x >= target),
      40_000,
      "all nodes caught up",
    );
    assert.match((nodes[3] as TestnetProc).log, /block sync/, "the killed node caught up by block sync");
    // identical block and app hashes at every height
    for (let hgt = 1; hgt <= target; hgt++) {
      const blocks = await Promise.all(
        nodes.map((n) =>
          rpc<{ block_id: { hash: string }; block: { header: { app_hash: string } } }>(n.rpcPort, "block", {
            height: `${hgt}`,
          }),
        ),
      );
      const first = blocks[0];
      for (const b of blocks) {
        assert.equal(b.block_id.hash, first?.block_id.hash, `block hash at ${hgt}`);
        assert.equal(b.block.header.app_hash, first?.block.header.app_hash, `app hash at ${hgt}`);
      }
    }
    // the tx committed before the crash is on every node (including the killed one)
    for (const n of nodes) {
      const tx = await rpc<{ height: string; tx_result: { code: number } }>(n.rpcPort, "tx", {
        hash: `0x${txHash}`,
      });
      assert.equal(Number(tx.height), txHeight);
      assert.equal(tx.tx_result.code, 0);
    }
  });
});
