/**
 * e2e for the chain core: a real `openledgerd dev` process on loopback, driven by unmodified CosmJS
 * (direct and amino signing), the CLI wallet, and a crash (`kill -9`) under load.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath, Secp256k1HdWallet } from "@cosmjs/amino";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEV_MNEMONIC, NodeProcess, runCli } from "./harness.js";

const PREFIX = "open";
const GAS_PRICE = GasPrice.fromString("1000000000aopen");

describe("dev chain with CosmJS and the CLI", () => {
  let node: NodeProcess;
  let alice: string;
  let bob: string;
  let carol: string;

  before(async () => {
    node = await NodeProcess.start();
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: PREFIX,
      hdPaths: [0, 1, 2].map((i) => hdPath(i)),
    });
    [alice, bob, carol] = (await wallet.getAccounts()).map((a) => a.address) as [string, string, string];
  });

  after(async () => {
    await node?.destroy();
  });

  it("reads chain id, height, accounts and balances", async () => {
    const client = await StargateClient.connect(node.rpcUrl);
    assert.equal(await client.getChainId(), "openledger-dev");
    assert.ok((await client.getHeight()) >= 1);
    const acct = await client.getAccount(alice);
    assert.ok(acct);
    assert.equal(acct.address, alice);
    const balance = await client.getBalance(alice, "aopen");
    assert.equal(balance.amount, (1_000_000n * 10n ** 18n).toString());
    assert.equal(await client.getAccount(toBech32(PREFIX, new Uint8Array(20).fill(7))), null);
    client.disconnect();
  });

  it("sends with direct signing, simulates gas and finds the tx by hash", async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, { prefix: PREFIX });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GAS_PRICE,
    });
    const before = BigInt((await client.getBalance(carol, "aopen")).amount);
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: carol, amount: [{ denom: "aopen", amount: "12345" }] },
    };
    const gas = await client.simulate(alice, [msg], "");
    assert.ok(gas > 0 && gas < 200_000, `simulated gas ${gas}`);
    const res = await client.sendTokens(
      alice,
      carol,
      [{ denom: "aopen", amount: "12345" }],
      "auto",
      "direct",
    );
    assert.equal(res.code, 0, res.rawLog);
    assert.ok(res.gasUsed <= BigInt(Math.round(gas * 1.4)));
    const after = BigInt((await client.getBalance(carol, "aopen")).amount);
    assert.equal(after - before, 12345n);
    const found = await client.getTx(res.transactionHash);
    assert.ok(found);
    assert.equal(found.height, res.height);
    assert.equal(found.code, 0);
    const search = await client.searchTx(`transfer.recipient='${carol}'`);
    assert.ok(search.some((t) => t.hash === res.transactionHash));
    client.disconnect();
  });

  it("sends with amino (legacy JSON) signing", async () => {
    const wallet = await Secp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: PREFIX,
      hdPaths: [hdPath(1)],
    });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GAS_PRICE,
    });
    const before = BigInt((await client.getBalance(carol, "aopen")).amount);
    const fee = calculateFee(120_000, GAS_PRICE);
    const res = await client.sendTokens(
      bob,
      carol,
      [{ denom: "aopen", amount: "777" }],
      fee,
      "amino memo & <tags>",
    );
    assert.equal(res.code, 0, res.rawLog);
    assert.equal(BigInt((await client.getBalance(carol, "aopen")).amount) - before, 777n);
    client.disconnect();
  });

  it("rejects an overspend in the block with code 5, keeping the fee and the sequence", async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: PREFIX,
      hdPaths: [hdPath(2)],
    });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GAS_PRICE,
    });
    const seqBefore = (await client.getSequence(carol)).sequence;
    const balBefore = BigInt((await client.getBalance(carol, "aopen")).amount);
    const fee = calculateFee(150_000, GAS_PRICE);
    const res = await client.sendTokens(
      carol,
      alice,
      [{ denom: "aopen", amount: (10n ** 30n).toString() }],
      fee,
    );
    assert.equal(res.code, 5);
    assert.equal((await client.getSequence(carol)).sequence, seqBefore + 1);
    assert.equal(
      balBefore - BigInt((await client.getBalance(carol, "aopen")).amount),
      BigInt(fee.amount[0]!.amount),
    );
    client.disconnect();
  });

  it("does the same round with the CLI wallet", async () => {
    const home = ["--home", node.home, "--keyring-backend", "test"];
    const rec = runCli(["keys", "add", "dev3", "--recover", "--index", "3", ...home, "--output", "json"], {
      input: `${DEV_MNEMONIC}\n`,
    });
    assert.equal(rec.status, 0, rec.stderr);
    const key = JSON.parse(rec.stdout) as { address: string };
    const send = runCli([
      "tx",
      "bank",
      "send",
      "dev3",
      alice,
      "5000aopen",
      "--gas",
      "auto",
      "--gas-prices",
      "1000000000aopen",
      "--yes",
      "--broadcast-mode",
      "block",
      "--chain-id",
      "openledger-dev",
      "--node",
      node.rpcUrl,
      ...home,
      "--output",
      "json",
    ]);
    assert.equal(send.status, 0, send.stderr + send.stdout);
    const tx = JSON.parse(send.stdout) as { txhash: string; code: number };
    assert.equal(tx.code, 0);
    const q = runCli(["query", "tx", tx.txhash, "--node", node.rpcUrl, "--output", "json"]);
    assert.equal(q.status, 0, q.stderr);
    const bal = runCli(["query", "bank", "balances", key.address, "--node", node.rpcUrl, "--output", "json"]);
    assert.equal(bal.status, 0, bal.stderr);
    assert.match(bal.stdout, /aopen/);
    const acct = runCli(["query", "auth", "account", key.address, "--node", node.rpcUrl, "--output", "json"]);
    assert.equal(acct.status, 0, acct.stderr);
    const block = runCli(["query", "block", "--node", node.rpcUrl, "--output", "json"]);
    assert.equal(block.status, 0, block.stderr);
    const status = runCli(["status", "--node", node.rpcUrl, "--output", "json"]);
    assert.equal(status.status, 0, status.stderr);
    const bad = runCli(["query", "bank", "balances", "not-an-address", "--node", node.rpcUrl]);
    assert.notEqual(bad.status, 0);
    assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/, "no stack trace for user errors");
  });
});

describe("crash safety", () => {
  it("keeps height, app hash and every committed tx across kill -9 under load", async () => {
    const node = await NodeProcess.start();
    try {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
        prefix: PREFIX,
        hdPaths: [hdPath(4)],
      });
      const from = (await wallet.getAccounts())[0]!.address;
      const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
        gasPrice: GAS_PRICE,
      });
      const fee = calculateFee(120_000, GAS_PRICE);
      const committed: { hash: string; height: number }[] = [];
      // Load: sequential sends, then more in flight while we crash the node.
      for (let i = 0; i < 5; i++) {
        const r = await client.sendTokens(from, from, [{ denom: "aopen", amount: "1" }], fee);
        assert.equal(r.code, 0, r.rawLog);
        committed.push({ hash: r.transactionHash, height: r.height });
      }
      // More txs in flight (pre-signed with explicit sequences, broadcast without waiting).
      const { accountNumber, sequence } = await client.getSequence(from);
      const chainId = await client.getChainId();
      const msg = {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: from, toAddress: from, amount: [{ denom: "aopen", amount: "1" }] },
      };
      for (let i = 0; i < 20; i++) {
        const raw = await client.sign(from, [msg], fee, "", {
          accountNumber,
          sequence: sequence + i,
          chainId,
        });
        await client.broadcastTxSync(TxRaw.encode(raw).finish());
      }
      const h = await node.height();
      const block = await node.rpc<{ block: { header: { app_hash: string } }; block_id: { hash: string } }>(
        "block",
        { height: String(h) },
      );
      client.disconnect();
      await node.kill();
      await node.launch();
      assert.ok((await node.height()) >= h);
      const again = await node.rpc<{ block: { header: { app_hash: string } }; block_id: { hash: string } }>(
        "block",
        { height: String(h) },
      );
      assert.equal(again.block_id.hash, block.block_id.hash);
      assert.equal(again.block.header.app_hash, block.block.header.app_hash);
      const c2 = await StargateClient.connect(node.rpcUrl);
      for (const t of committed) {
        const tx = await c2.getTx(t.hash);
        assert.ok(tx, `tx ${t.hash} lost`);
        assert.equal(tx.height, t.height);
      }
      const before = await node.height();
      await node.waitForHeight(before + 2);
      c2.disconnect();
    } finally {
      await node.destroy();
    }
  });
});

function hdPath(i: number) {
  return makeCosmoshubPath(i);
}
