/**
 * e2e for the API surface: a real `openledgerd dev` process on loopback with Prometheus enabled,
 * read by unmodified CosmJS (`Comet38Client` over HTTP and WebSocket, `StargateClient.searchTx`),
 * raw JSON-RPC for the methods CosmJS does not wrap, hostile inputs and a bounded flood.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeCosmoshubPath } from "@cosmjs/amino";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import WebSocket from "ws";
import { initHome } from "../../src/node/home.js";
import { DEV_MNEMONIC, freePort, NodeProcess, tempHome } from "./harness.js";

const PREFIX = "open";
const GAS_PRICE = GasPrice.fromString("1000000000aopen");
const FEE = calculateFee(120_000, GAS_PRICE);
/** Txs pre-signed and broadcast at once (more than one 30-result page). */
const BULK = 33;
/** Subscribing clients the node allows in this test (small, so the flood reaches it). */
const MAX_SUB_CLIENTS = 6;

type RpcReply = { id?: number; result?: Record<string, unknown>; error?: { code: number; data?: string } };

async function post(url: string, body: string): Promise<{ status: number; json: RpcReply }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await res.text();
  return { status: res.status, json: (text === "" ? {} : JSON.parse(text)) as RpcReply };
}

/** Disconnect a CosmJS WebsocketClient for good (its socket schedules a reconnect even after disconnect). */
function closeCosmjsWebsocket(ws: WebsocketClient): void {
  ws.disconnect();
  const socket = (ws as unknown as { socket: { reconnectTimeout?: NodeJS.Timeout | null } }).socket;
  if (socket.reconnectTimeout) clearTimeout(socket.reconnectTimeout);
}

/** A raw WebSocket that collects replies. */
async function openWs(url: string): Promise<{ ws: WebSocket; replies: RpcReply[] }> {
  const ws = new WebSocket(url);
  const replies: RpcReply[] = [];
  ws.on("message", (d) => replies.push(JSON.parse(d.toString()) as RpcReply));
  ws.on("error", () => undefined);
  await new Promise<void>((res, rej) => {
    ws.once("open", () => res());
    ws.once("error", rej);
  });
  return { ws, replies };
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("RPC API surface e2e", () => {
  let node: NodeProcess;
  let metricsPort: number;
  let comet: Comet38Client;
  let signer: SigningStargateClient;
  let alice: string;
  let bob: string;
  let dave: string;
  let firstSend: { hash: string; height: number };
  let bulkHashes: string[] = [];

  before(async () => {
    const home = tempHome("openledger-rpc-e2e-");
    metricsPort = await freePort();
    initHome(home, {
      moniker: "dev",
      chainId: "openledger-dev",
      devAccounts: true,
      nodeConfig: (c) => {
        c.consensus.timeoutCommitMs = 500;
        c.instrumentation.prometheus = true;
        c.instrumentation.prometheusListenAddr = `127.0.0.1:${metricsPort}`;
        c.rpc.maxSubscriptionClients = MAX_SUB_CLIENTS;
      },
    });
    node = await NodeProcess.start({ home });
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: PREFIX,
      hdPaths: [0, 1, 3].map((i) => makeCosmoshubPath(i)),
    });
    [alice, bob, dave] = (await wallet.getAccounts()).map((a) => a.address) as [string, string, string];
    signer = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, { gasPrice: GAS_PRICE });
    comet = await Comet38Client.connect(node.rpcUrl);
    const r = await signer.sendTokens(alice, bob, [{ denom: "aopen", amount: "777" }], FEE);
    assert.equal(r.code, 0, r.rawLog);
    firstSend = { hash: r.transactionHash, height: r.height };
  });

  after(async () => {
    comet?.disconnect();
    signer?.disconnect();
    await node?.destroy();
  });

  it("Comet38Client reads and decodes the methods it wraps", async () => {
    const status = await comet.status();
    assert.equal(status.nodeInfo.network, "openledger-dev");
    const h = status.syncInfo.latestBlockHeight;
    await comet.health();
    const info = await comet.abciInfo();
    assert.ok((info.lastBlockHeight ?? 0) >= 1);
    const q = await comet.abciQuery({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address: bob, denom: "aopen" }).finish(),
      height: firstSend.height,
    });
    assert.equal(q.code, 0);
    assert.equal(q.height, firstSend.height);
    // raw store queries carry merkle proofs with prove=true (as the SDK's `/store/<name>/key`)
    const proven = await comet.abciQuery({
      path: "store/bank/key",
      data: new Uint8Array([1, 2, 3]),
      height: firstSend.height,
      prove: true,
    });
    assert.equal(proven.code, 0, proven.log);
    assert.ok((proven.proof?.ops.length ?? 0) > 0, "prove=true returns proof ops");
    assert.ok(BigInt(QueryBalanceResponse.decode(q.value).balance?.amount ?? "0") > 0n);
    const blk = await comet.block(firstSend.height);
    assert.equal(blk.block.header.height, firstSend.height);
    assert.ok(blk.block.txs.length >= 1);
    const res = await comet.blockResults(firstSend.height);
    assert.equal(res.height, firstSend.height);
    assert.ok(res.results.length >= 1);
    const chain = await comet.blockchain(1, h);
    assert.ok(chain.blockMetas.length >= 1);
    const bs = await comet.blockSearch({ query: `block.height >= 1 AND block.height <= ${h}` });
    assert.ok(bs.totalCount >= 1);
    const c = await comet.commit(firstSend.height);
    assert.equal(c.header.height, firstSend.height);
    const g = await comet.genesis();
    assert.equal(g.chainId, "openledger-dev");
    const n = await comet.numUnconfirmedTxs();
    assert.ok(n.total >= 0);
    const tx = await comet.tx({ hash: Buffer.from(firstSend.hash, "hex"), prove: true });
    assert.equal(tx.height, firstSend.height);
    assert.ok(tx.proof);
    const vals = await comet.validators({});
    assert.equal(vals.total, 1);
    // broadcasts: sync, async, commit, each a fresh sequence
    const { accountNumber, sequence } = await signer.getSequence(dave);
    const chainId = await signer.getChainId();
    const sign = async (i: number) =>
      TxRaw.encode(
        await signer.sign(
          dave,
          [
            {
              typeUrl: "/cosmos.bank.v1beta1.MsgSend",
              value: { fromAddress: dave, toAddress: dave, amount: [{ denom: "aopen", amount: "1" }] },
            },
          ],
          FEE,
          "",
          { accountNumber, sequence: sequence + i, chainId },
        ),
      ).finish();
    const s1 = await comet.broadcastTxSync({ tx: await sign(0) });
    assert.equal(s1.code, 0, s1.log);
    const s2 = await comet.broadcastTxAsync({ tx: await sign(1) });
    assert.equal(s2.hash.length, 32);
    const s3 = await comet.broadcastTxCommit({ tx: await sign(2) });
    assert.equal(s3.checkTx.code, 0);
    assert.equal(s3.txResult?.code, 0);
    assert.ok(s3.height > 0);
  });

  it("answers every other method of the issue with CometBFT shapes", async () => {
    const h = await node.height();
    const hashHex = (await node.rpc<{ block_id: { hash: string } }>("block", { height: String(h) })).block_id
      .hash;
    const byHash = await node.rpc<{ block: { header: { height: string } } }>("block_by_hash", {
      hash: Buffer.from(hashHex, "hex").toString("base64"),
    });
    assert.equal(byHash.block.header.height, String(h));
    const header = await node.rpc<{ header: { height: string } }>("header", { height: String(h) });
    assert.equal(header.header.height, String(h));
    const hbh = await node.rpc<{ header: { height: string } }>("header_by_hash", {
      hash: Buffer.from(hashHex, "hex").toString("base64"),
    });
    assert.equal(hbh.header.height, String(h));
    const net = await node.rpc<{ n_peers: string; peers: unknown[] }>("net_info");
    assert.equal(typeof net.n_peers, "string");
    const cp = await node.rpc<{ consensus_params: { block: { max_bytes: string } } }>("consensus_params");
    assert.ok(Number(cp.consensus_params.block.max_bytes) > 0);
    const chunk = await node.rpc<{ chunk: string; total: string; data: string }>("genesis_chunked", {
      chunk: "0",
    });
    assert.equal(chunk.total, "1");
    assert.equal(JSON.parse(Buffer.from(chunk.data, "base64").toString()).chain_id, "openledger-dev");
    const unconfirmed = await node.rpc<{ n_txs: string; total: string; total_bytes: string; txs: unknown[] }>(
      "unconfirmed_txs",
      { limit: "5" },
    );
    assert.ok(Array.isArray(unconfirmed.txs));
    const check = await node.rpc<{ code: number }>("check_tx", {
      tx: Buffer.from("not a tx").toString("base64"),
    });
    assert.notEqual(check.code, 0);
    const cs = await node.rpc<{ round_state: { "height/round/step": string; proposer: { index: number } } }>(
      "consensus_state",
    );
    const [ch, cr, cst] = cs.round_state["height/round/step"].split("/").map(Number) as [
      number,
      number,
      number,
    ];
    assert.ok(ch >= h && cr === 0 && cst >= 1 && cst <= 8, cs.round_state["height/round/step"]);
    assert.equal(cs.round_state.proposer.index, 0);
    const dump = await node.rpc<{
      round_state: { height: string; round: number; step: number; validators: { validators: unknown[] } };
      peers: unknown[];
    }>("dump_consensus_state");
    assert.ok(Number(dump.round_state.height) >= h);
    assert.equal(dump.round_state.validators.validators.length, 1);
    assert.deepEqual(dump.peers, []);
    // URI form too
    const uri = (await (await fetch(`${node.rpcUrl}/consensus_state`)).json()) as RpcReply;
    assert.ok(uri.result?.["round_state"]);
  });

  it("StargateClient.searchTx with multi-condition queries and pagination", async () => {
    const { accountNumber, sequence } = await signer.getSequence(alice);
    const chainId = await signer.getChainId();
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: dave, amount: [{ denom: "aopen", amount: "3" }] },
    };
    bulkHashes = [];
    for (let i = 0; i < BULK; i++) {
      const raw = TxRaw.encode(
        await signer.sign(alice, [msg], FEE, "", { accountNumber, sequence: sequence + i, chainId }),
      ).finish();
      const r = await comet.broadcastTxSync({ tx: raw });
      assert.equal(r.code, 0, r.log);
      bulkHashes.push(toHex(r.hash).toUpperCase());
    }
    const last = bulkHashes[BULK - 1] as string;
    await node.waitFor(
      async () => (await comet.txSearch({ query: `tx.hash='${last}'` })).totalCount === 1,
      30_000,
      "bulk txs committed",
    );
    const stargate = await StargateClient.connect(node.rpcUrl);
    try {
      const q = `message.sender='${alice}' AND transfer.recipient='${dave}' AND transfer.amount='3aopen'`;
      const found = await stargate.searchTx(q); // > 30 results: txSearchAll pages through
      assert.equal(found.length, BULK);
      assert.deepEqual(new Set(found.map((t) => t.hash)), new Set(bulkHashes));
      const arr = await stargate.searchTx([
        { key: "message.sender", value: alice },
        { key: "transfer.recipient", value: bob },
      ]);
      assert.ok(arr.some((t) => t.hash === firstSend.hash));
      assert.ok(arr.every((t) => !bulkHashes.includes(t.hash)));
      const page1 = await comet.txSearch({ query: q, page: 1, per_page: 10, order_by: "asc" });
      const page4 = await comet.txSearch({ query: q, page: 4, per_page: 10, order_by: "asc" });
      assert.equal(page1.totalCount, BULK);
      assert.equal(page1.txs.length, 10);
      assert.equal(page4.txs.length, BULK - 30);
      const desc = await comet.txSearch({ query: q, page: 1, per_page: 1, order_by: "desc" });
      assert.equal(toHex(desc.txs[0]!.hash).toUpperCase(), toHex(page4.txs.at(-1)!.hash).toUpperCase());
      const ranged = await stargate.searchTx(
        `tx.height >= ${page1.txs[0]!.height} AND message.sender='${alice}'`,
      );
      assert.ok(ranged.length >= BULK);
      await assert.rejects(comet.txSearch({ query: q, page: 9, per_page: 10 }), /page should be within/);
    } finally {
      stargate.disconnect();
    }
  });

  it("WebSocket subscriptions receive NewBlock and a filtered Tx event", async () => {
    const wsClient = new WebsocketClient(node.rpcUrl.replace("http", "ws"));
    const client = Comet38Client.create(wsClient);
    try {
      const blocks: number[] = [];
      const txs: { hash: string; height: number; code: number }[] = [];
      const errors: unknown[] = [];
      client.subscribeNewBlock().addListener({
        next: (b) => blocks.push(b.header.height),
        error: (e) => errors.push(e),
      });
      client.subscribeTx(`transfer.recipient='${bob}' AND transfer.amount='4242aopen'`).addListener({
        next: (t) => txs.push({ hash: toHex(t.hash).toUpperCase(), height: t.height, code: t.result.code }),
        error: (e) => errors.push(e),
      });
      await until(() => blocks.length >= 1, 10_000, "a NewBlock event");
      // a tx that matches, and one that does not (other amount)
      await signer.sendTokens(alice, bob, [{ denom: "aopen", amount: "1" }], FEE);
      const sent = await signer.sendTokens(alice, bob, [{ denom: "aopen", amount: "4242" }], FEE);
      await until(() => txs.length >= 1, 10_000, "the Tx event");
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(txs, [{ hash: sent.transactionHash, height: sent.height, code: 0 }]);
      assert.deepEqual(errors, []);
      for (let i = 1; i < blocks.length; i++) assert.equal(blocks[i], (blocks[i - 1] as number) + 1);
    } finally {
      closeCosmjsWebsocket(wsClient);
    }
  });

  it("hostile inputs get coded errors and the node keeps producing blocks", async () => {
    const start = await node.height();
    const url = node.rpcUrl;
    // oversize body
    const big = await post(
      url,
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health", params: { x: "a".repeat(1_100_000) } }),
    );
    assert.equal(big.status, 400);
    assert.equal(big.json.error?.code, -32600);
    // deeply nested JSON
    const deep = await post(url, `${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    assert.equal(deep.json.error?.code, -32700);
    // wrong types
    const wrong = await post(
      url,
      JSON.stringify({ jsonrpc: "2.0", id: 2, method: "block", params: { height: { x: 1 } } }),
    );
    assert.equal(wrong.json.error?.code, -32602);
    const wrongQuery = await post(
      url,
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tx_search", params: { query: "a=" } }),
    );
    assert.equal(wrongQuery.json.error?.code, -32603);
    // unknown method, HTTP and URI
    assert.equal(
      (await post(url, JSON.stringify({ jsonrpc: "2.0", id: 4, method: "nope" }))).json.error?.code,
      -32601,
    );
    assert.equal((await fetch(`${url}/nope`)).status, 404);
    // subscribe over plain HTTP is not a method
    assert.equal(
      (
        await post(
          url,
          JSON.stringify({
            jsonrpc: "2.0",
            id: 5,
            method: "subscribe",
            params: { query: "tm.event='NewBlock'" },
          }),
        )
      ).json.error?.code,
      -32601,
    );
    // a bounded flood: 12 WebSocket clients × 7 subscriptions, plus 100 concurrent HTTP calls
    const wsUrl = `${url.replace("http", "ws")}/websocket`;
    const conns = await Promise.all(Array.from({ length: 12 }, () => openWs(wsUrl)));
    const queries = ["NewBlock", "NewBlockHeader", "NewBlockEvents", "Tx", "ValidatorSetUpdates"].map(
      (e) => `tm.event='${e}'`,
    );
    queries.push("tm.event='Tx' AND tx.height > 1", "tm.event='NewBlock' AND block.height > 1");
    conns.forEach(({ ws }, c) => {
      queries.forEach((query, i) => {
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: c * 100 + i, method: "subscribe", params: { query } }));
      });
      ws.send("{broken");
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: c * 100 + 99, method: "block", params: { height: "x" } }));
    });
    const httpFlood = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post(
          url,
          JSON.stringify({ jsonrpc: "2.0", id: i, method: i % 2 ? "status" : "num_unconfirmed_txs" }),
        ),
      ),
    );
    assert.ok(httpFlood.every((r) => r.status === 200 && r.json.result !== undefined));
    await until(
      () =>
        conns.every(
          (c) => c.replies.filter((r) => r.id !== undefined || r.error).length >= queries.length + 2,
        ),
      10_000,
      "flood replies",
    );
    const all = conns.flatMap((c) => c.replies);
    const ok = all.filter((r) => r.result !== undefined && Object.keys(r.result).length === 0);
    assert.equal(ok.length, MAX_SUB_CLIENTS * 5, "5 subscriptions for each of the allowed clients");
    const data = all.map((r) => r.error?.data ?? "");
    assert.ok(data.includes(`max_subscription_clients ${MAX_SUB_CLIENTS} reached`));
    assert.ok(data.includes("max_subscriptions_per_client 5 reached"));
    assert.equal(all.filter((r) => r.error?.code === -32700).length, 12);
    assert.equal(all.filter((r) => r.error?.code === -32602).length, 12);
    // oversize WebSocket message: -32600, or the socket is closed past the hard cap
    const { ws: w1, replies: r1 } = conns[0]!;
    w1.send(
      JSON.stringify({ jsonrpc: "2.0", id: 7, method: "health", params: { x: "a".repeat(1_100_000) } }),
    );
    await until(() => r1.some((r) => r.error?.code === -32600), 10_000, "oversize reply");
    for (const { ws } of conns) ws.close();
    // a connection opened after the flood can subscribe again (slots freed on close)
    await new Promise((r) => setTimeout(r, 300));
    const late = await openWs(wsUrl);
    late.ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "subscribe",
        params: { query: "tm.event='NewBlock'" },
      }),
    );
    await until(() => late.replies.some((r) => r.id === 1), 5_000, "late subscribe");
    assert.deepEqual(late.replies.find((r) => r.id === 1)?.result, {});
    late.ws.close();
    await node.waitForHeight(start + 2, 15_000);
  });

  it("serves Prometheus metrics on the instrumentation address", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const name of [
      "cometbft_consensus_height",
      "cometbft_consensus_block_interval_seconds_bucket",
      "cometbft_consensus_num_txs",
      "cometbft_consensus_total_txs",
      "cometbft_mempool_size",
      "cometbft_mempool_size_bytes",
      "cometbft_p2p_peers",
      "cometbft_consensus_rounds",
      "cometbft_consensus_step",
      "openledger_rpc_requests_total",
      "openledger_rpc_request_duration_seconds_bucket",
    ]) {
      assert.match(text, new RegExp(`^${name}\\{`, "m"), name);
    }
    const height = /^cometbft_consensus_height\{[^}]*\} (\d+)$/m.exec(text);
    assert.ok(height && Number(height[1]) >= 3);
    const total = /^cometbft_consensus_total_txs\{[^}]*\} (\d+)$/m.exec(text);
    assert.ok(total && Number(total[1]) >= BULK);
    assert.match(
      text,
      /openledger_rpc_requests_total\{method="status",status="ok",chain_id="openledger-dev"\} \d+/,
    );
    assert.match(
      text,
      /openledger_rpc_requests_total\{method="unknown",status="error",chain_id="openledger-dev"\} \d+/,
    );
  });
});
