import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { parseCoins, parseDecimal, parseGasPrice } from "../../../src/client/amount.js";
import { ChainClient, computeFee, normalizeNodeUrl, type TxPreview } from "../../../src/client/client.js";
import { CLIENT_CODESPACE, ClientCode, rpcFailure } from "../../../src/client/errors.js";
import { deriveAccount } from "../../../src/crypto/hd.js";
import { CodedError, SDK, SdkCode } from "../../../src/types/errors.js";
import { CHAIN_ID, FakeNode, GAS_USED } from "./fakeNode.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const alice = deriveAccount(DEV_MNEMONIC, 0);
const bob = deriveAccount(DEV_MNEMONIC, 1);
const carol = deriveAccount(DEV_MNEMONIC, 2);
const E18 = 10n ** 18n;

const isCode = (codespace: string, code: number) => (e: unknown) => {
  assert.ok(e instanceof CodedError, String(e));
  assert.equal(`${e.codespace}/${e.code}`, `${codespace}/${code}`, e.message);
  return true;
};

describe("ChainClient against a fake RPC node", () => {
  const node = new FakeNode();
  let url = "";
  let client: ChainClient;

  before(async () => {
    node.fund(alice.address, 100n * E18);
    node.fund(carol.address, 1000n);
    node.minGasPrice = 1n;
    url = await node.start();
    client = ChainClient.connect(url);
  });
  after(async () => {
    client.disconnect();
    await node.stop();
  });

  it("reads status, balances and accounts", async () => {
    const s = await client.status();
    assert.equal(s.node_info.network, CHAIN_ID);
    assert.equal(s.sync_info.latest_block_height, "10");
    assert.equal(s.sync_info.latest_block_time, "2026-01-01T00:00:00.123456789Z");
    assert.equal(await client.chainId(), CHAIN_ID);
    assert.deepEqual(await client.balances(alice.address), {
      address: alice.address,
      balances: [{ denom: "aopen", amount: (100n * E18).toString() }],
    });
    assert.deepEqual((await client.balances(bob.address, "aopen")).balances, [
      { denom: "aopen", amount: "0" },
    ]);
    const a = await client.account(alice.address);
    assert.equal(a["@type"], "/cosmos.auth.v1beta1.BaseAccount");
    assert.equal(a.account_number, "1");
    assert.equal(a.sequence, "0");
    assert.equal(a.pub_key, null);
  });

  it("maps a missing account to sdk 22 and bad addresses to sdk 7", async () => {
    await assert.rejects(client.account(bob.address), isCode(SDK, SdkCode.KeyNotFound));
    await assert.rejects(client.account("open1notanaddress"), isCode(SDK, SdkCode.InvalidAddress));
    await assert.rejects(client.balances("xyz"), isCode(SDK, SdkCode.InvalidAddress));
  });

  it("sends with --gas auto and --gas-prices (direct), then finds the tx and its block", async () => {
    let preview: TxPreview | undefined;
    const r = await client.sendTokens({
      privateKey: alice.privateKey,
      to: bob.address,
      amount: parseCoins("1.5OPEN"),
      gas: "auto",
      gasAdjustment: parseDecimal("1.5"),
      gasPrice: parseGasPrice("1aopen"),
      memo: "hello",
      confirm: async (p) => {
        preview = p;
        return true;
      },
    });
    assert.equal(r.code, 0, r.raw_log);
    assert.match(r.txhash, /^[0-9A-F]{64}$/);
    const gas = (GAS_USED * 3n + 1n) / 2n; // ceil(GAS_USED × 1.5)
    assert.deepEqual(preview?.fee, {
      amount: [{ denom: "aopen", amount: gas.toString() }],
      gas: gas.toString(),
    });
    assert.equal(preview?.chain_id, CHAIN_ID);
    assert.equal(preview?.sequence, "0");
    assert.deepEqual((await client.balances(bob.address)).balances, [
      { denom: "aopen", amount: ((15n * E18) / 10n).toString() },
    ]);

    const tx = await client.tx(r.txhash);
    assert.equal(tx.txhash, r.txhash);
    assert.equal(tx.code, 0);
    const body = (tx.tx as { body: { messages: Record<string, unknown>[]; memo: string } }).body;
    assert.equal(body.memo, "hello");
    assert.deepEqual(body.messages[0], {
      "@type": "/cosmos.bank.v1beta1.MsgSend",
      from_address: alice.address,
      to_address: bob.address,
      amount: [{ denom: "aopen", amount: "1500000000000000000" }],
    });
    const block = await client.block(Number(tx.height));
    assert.deepEqual(block.txs, [r.txhash]);
    assert.equal(block.header.chain_id, CHAIN_ID);
    assert.equal((await client.account(alice.address)).sequence, "1");
  });

  it("signs in amino-json mode and waits for inclusion in block mode", async () => {
    const r = await client.sendTokens({
      privateKey: alice.privateKey,
      to: bob.address,
      amount: parseCoins("7aopen"),
      gas: 100_000n,
      fees: parseCoins("100000aopen"),
      signMode: "amino-json",
      broadcastMode: "block",
    });
    assert.equal(r.code, 0, r.raw_log);
    assert.ok(r.height !== undefined && Number(r.height) > 10);
    assert.equal(r.gas_used, GAS_USED.toString());
  });

  it("returns the chain's code and log: insufficient fee (13) at CheckTx, insufficient funds (5) in the block", async () => {
    const lowFee = await client.sendTokens({
      privateKey: alice.privateKey,
      to: bob.address,
      amount: parseCoins("1aopen"),
    });
    assert.equal(lowFee.code, SdkCode.InsufficientFee);
    assert.equal(lowFee.codespace, "sdk");
    assert.match(lowFee.raw_log, /insufficient fee/);
    const overspend = await client.sendTokens({
      privateKey: carol.privateKey,
      to: bob.address,
      amount: parseCoins("1OPEN"),
      gas: 500n,
      fees: parseCoins("500aopen"),
      broadcastMode: "block",
    });
    assert.equal(overspend.code, SdkCode.InsufficientFunds);
    assert.match(overspend.raw_log, /insufficient funds/);
  });

  it("fails simulation of an overspend with sdk 5 before broadcasting anything", async () => {
    const before = node.calls.filter((c) => c === "broadcast_tx_sync").length;
    await assert.rejects(
      client.sendTokens({
        privateKey: alice.privateKey,
        to: bob.address,
        amount: parseCoins("1000OPEN"),
        gas: "auto",
      }),
      isCode(SDK, SdkCode.InsufficientFunds),
    );
    assert.equal(node.calls.filter((c) => c === "broadcast_tx_sync").length, before);
  });

  it("refuses a wrong chain id, a declined confirmation, bad recipients and fees+gas-prices, sending nothing", async () => {
    const before = node.calls.filter((c) => c === "broadcast_tx_sync").length;
    const base = { privateKey: alice.privateKey, to: bob.address, amount: parseCoins("1aopen") };
    await assert.rejects(
      client.sendTokens({ ...base, chainId: "other-1" }),
      isCode(CLIENT_CODESPACE, ClientCode.ChainIdMismatch),
    );
    await assert.rejects(
      client.sendTokens({ ...base, confirm: async () => false }),
      isCode(CLIENT_CODESPACE, ClientCode.NotConfirmed),
    );
    await assert.rejects(
      client.sendTokens({ ...base, to: deriveAccount(DEV_MNEMONIC, 1, "cosmos").address }),
      isCode(SDK, SdkCode.InvalidAddress),
    );
    await assert.rejects(
      client.sendTokens({ ...base, fees: parseCoins("1aopen"), gasPrice: parseGasPrice("1aopen") }),
      isCode(SDK, SdkCode.InvalidRequest),
    );
    await assert.rejects(
      client.sendTokens({ ...base, privateKey: deriveAccount(DEV_MNEMONIC, 9).privateKey }),
      isCode(SDK, SdkCode.KeyNotFound),
    );
    assert.equal(node.calls.filter((c) => c === "broadcast_tx_sync").length, before);
  });

  it("reports unknown txs, bad hashes and heights with client codes", async () => {
    await assert.rejects(client.tx("00".repeat(32)), isCode(CLIENT_CODESPACE, ClientCode.NotFound));
    await assert.rejects(client.tx("xyz"), isCode(CLIENT_CODESPACE, ClientCode.InvalidArgument));
    await assert.rejects(client.block(0), isCode(CLIENT_CODESPACE, ClientCode.InvalidArgument));
  });
});

describe("ChainClient helpers", () => {
  it("reports an unreachable node with client code 2", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const c = ChainClient.connect(`tcp://127.0.0.1:${port}`);
    await assert.rejects(c.status(), isCode(CLIENT_CODESPACE, ClientCode.NodeUnreachable));
    c.disconnect();
  });

  it("maps transport failures and JSON-RPC errors (also in HTTP 500 bodies) to client codes", () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32603, message: "Internal error", data: "tx (AB) not found" },
    });
    const http500 = new Error("Bad status on response: 500", { cause: { status: 500, body } });
    const e1 = rpcFailure(http500, "http://n");
    assert.equal(e1.code, ClientCode.RpcError);
    assert.match(e1.message, /tx \(AB\) not found/);
    assert.equal(
      rpcFailure(new Error("Bad status on response: 502", { cause: { status: 502, body: "<html>" } }), "n")
        .code,
      ClientCode.NodeUnreachable,
    );
    assert.equal(
      rpcFailure(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }), "n").code,
      ClientCode.NodeUnreachable,
    );
    assert.equal(
      rpcFailure(new Error('{"code":-32601,"message":"Method not found"}'), "n").code,
      ClientCode.RpcError,
    );
    assert.equal(
      rpcFailure(new Error("Invalid string. Length must be a multiple of 4"), "n").code,
      ClientCode.BadResponse,
    );
  });

  it("normalises node URLs and computes fees", () => {
    assert.equal(normalizeNodeUrl("tcp://localhost:26657"), "http://localhost:26657");
    assert.equal(normalizeNodeUrl("127.0.0.1:26657"), "http://127.0.0.1:26657");
    assert.equal(normalizeNodeUrl("https://rpc.example:443"), "https://rpc.example:443");
    assert.throws(() => normalizeNodeUrl("ftp://x"), isCode(CLIENT_CODESPACE, ClientCode.InvalidArgument));
    assert.deepEqual(computeFee(200_000n, undefined, parseGasPrice("0.025aopen")), [
      { denom: "aopen", amount: 5000n },
    ]);
    assert.deepEqual(computeFee(1n), []);
  });
});
