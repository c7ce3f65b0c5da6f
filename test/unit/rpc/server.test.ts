import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { Comet38Client, connectComet } from "@cosmjs/tendermint-rpc";
import { sha256 } from "../../../src/crypto/hash.js";
import { RpcServer } from "../../../src/rpc/server.js";
import { headerHash } from "../../../src/types/block.js";
import { toHexUpper, utf8 } from "../../../src/types/bytes.js";
import { CHAIN_ID, FixtureEnv, RECIPIENT, SENDER, VALIDATOR } from "./fixture.js";

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function raw(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The value at a dotted path ("result.txs.0.index") of a parsed reply; undefined when absent. */
function dig(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function post(url: string, body: unknown): Promise<Reply> {
  return raw(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function call(url: string, method: string, params: unknown = {}, id: unknown = 1): Promise<Reply> {
  return post(url, { jsonrpc: "2.0", id, method, params });
}

describe("RpcServer with Comet38Client", () => {
  const env = new FixtureEnv();
  let server: RpcServer;
  let client: Comet38Client;

  before(async () => {
    server = await RpcServer.start({ laddr: "tcp://127.0.0.1:0" }, env);
    const c = await connectComet(server.url);
    assert.ok(c instanceof Comet38Client, "version detection picks the 0.38 client");
    client = c;
  });

  after(async () => {
    client.disconnect();
    await server.close();
  });

  it("binds a real port", () => {
    assert.ok(server.address.port > 0);
    assert.equal(server.address.host, "127.0.0.1");
  });

  it("decodes status", async () => {
    const s = await client.status();
    assert.equal(s.nodeInfo.network, CHAIN_ID);
    assert.equal(s.nodeInfo.version, "0.38.17");
    assert.deepEqual(s.nodeInfo.protocolVersion, { p2p: 8, block: 11, app: 0 });
    assert.equal(s.syncInfo.latestBlockHeight, 3);
    assert.equal(s.syncInfo.earliestBlockHeight, 1);
    assert.deepEqual(s.syncInfo.latestBlockHash, env.chain.metas[2]?.blockId.hash);
    assert.equal(s.syncInfo.latestBlockTime.toISOString(), "2024-01-02T03:04:08.123Z");
    assert.equal(s.syncInfo.catchingUp, false);
    assert.deepEqual(s.validatorInfo.address, VALIDATOR.address);
    assert.equal(s.validatorInfo.votingPower, 10n);
  });

  it("decodes blocks (latest, by height, first block without last commit)", async () => {
    const latest = await client.block();
    assert.equal(latest.block.header.height, 3);
    assert.deepEqual(latest.blockId.hash, headerHash(env.chain.blocks[2]!.header));
    assert.equal(latest.block.lastCommit?.signatures[0]?.blockIdFlag, 2);
    const b2 = await client.block(2);
    assert.deepEqual(b2.block.txs, [utf8("tx-a"), utf8("tx-b")]);
    assert.equal(b2.block.header.chainId, CHAIN_ID);
    assert.deepEqual(b2.block.header.lastBlockId?.hash, env.chain.metas[0]?.blockId.hash);
    const b1 = await client.block(1);
    assert.equal(b1.block.lastCommit, null);
    assert.equal(b1.block.header.lastBlockId, null);
  });

  it("decodes block results with plain-string event attributes", async () => {
    const r = await client.blockResults(2);
    assert.equal(r.height, 2);
    assert.equal(r.results.length, 2);
    assert.equal(r.results[0]?.code, 0);
    assert.equal(r.results[1]?.code, 5);
    assert.equal(r.results[1]?.log, "insufficient funds");
    assert.equal(r.results[0]?.gasWanted, 200000n);
    const transfer = r.results[0]?.events.find((e) => e.type === "transfer");
    assert.deepEqual(transfer?.attributes[0], { key: "recipient", value: RECIPIENT });
    assert.equal(r.finalizeBlockEvents[0]?.type, "block_event");
    const empty = await client.blockResults(1);
    assert.equal(empty.results.length, 0);
  });

  it("decodes abci_info and abci_query", async () => {
    const info = await client.abciInfo();
    assert.equal(info.lastBlockHeight, 3);
    assert.equal(info.data, "openledger");
    const q = await client.abciQuery({ path: "/custom/echo", data: new Uint8Array([1, 2, 3]) });
    assert.equal(q.code, 0);
    assert.deepEqual(q.value, new Uint8Array([1, 2, 3]));
    assert.equal(q.height, 3);
    const miss = await client.abciQuery({ path: "/nope", data: new Uint8Array() });
    assert.equal(miss.code, 6);
    assert.equal(miss.codespace, "sdk");
  });

  it("decodes validators (next height by default, explicit height)", async () => {
    const v = await client.validators({});
    assert.equal(v.blockHeight, 4);
    assert.equal(v.total, 1);
    assert.deepEqual(v.validators[0]?.address, VALIDATOR.address);
    assert.deepEqual(v.validators[0]?.pubkey, { algorithm: "ed25519", data: VALIDATOR.pubKey });
    const v2 = await client.validators({ height: 2, page: 1, per_page: 5 });
    assert.equal(v2.blockHeight, 2);
    assert.equal(v2.count, 1);
  });

  it("searches txs by event, height and hash, with order and paging", async () => {
    const bySender = await client.txSearch({ query: `message.sender='${SENDER}'` });
    assert.equal(bySender.totalCount, 2);
    assert.deepEqual(
      bySender.txs.map((t) => [t.height, t.index]),
      [
        [2, 0],
        [3, 0],
      ],
    );
    assert.deepEqual(bySender.txs[0]?.hash, sha256(utf8("tx-a")));
    assert.deepEqual(bySender.txs[0]?.tx, utf8("tx-a"));
    const desc = await client.txSearch({ query: "tx.height=2", order_by: "desc" });
    assert.deepEqual(
      desc.txs.map((t) => t.index),
      [1, 0],
    );
    assert.equal(desc.txs[0]?.result.code, 5);
    const page2 = await client.txSearch({ query: "tx.height=2", page: 2, per_page: 1 });
    assert.equal(page2.totalCount, 2);
    assert.deepEqual(page2.txs[0]?.tx, utf8("tx-b"));
    const byHash = await client.txSearch({ query: `tx.hash='${toHexUpper(sha256(utf8("tx-c")))}'` });
    assert.equal(byHash.txs[0]?.height, 3);
    const none = await client.txSearch({ query: `transfer.recipient='nobody'` });
    assert.equal(none.totalCount, 0);
  });

  it("gets a tx by hash with an inclusion proof against the data hash", async () => {
    const hash = sha256(utf8("tx-b"));
    const t = await client.tx({ hash, prove: true });
    assert.equal(t.height, 2);
    assert.equal(t.index, 1);
    assert.ok(t.proof);
    assert.deepEqual(t.proof.rootHash, env.chain.blocks[1]?.header.dataHash);
    assert.equal(t.proof.proof.total, 2);
    assert.equal(t.proof.proof.index, 1);
    const noProof = await client.tx({ hash });
    assert.equal(noProof.proof, undefined);
  });

  it("decodes blockchain, commit, genesis, block_search", async () => {
    const bc = await client.blockchain(1, 3);
    assert.equal(bc.lastHeight, 3);
    assert.deepEqual(
      bc.blockMetas.map((m) => m.header.height),
      [3, 2, 1],
    );
    assert.equal(bc.blockMetas[1]?.numTxs, 2);
    const c2 = await client.commit(2);
    assert.equal(c2.canonical, true);
    assert.equal(c2.commit.height, 2);
    assert.deepEqual(c2.commit.blockId.hash, env.chain.metas[1]?.blockId.hash);
    const c3 = await client.commit();
    assert.equal(c3.canonical, false);
    const g = await client.genesis();
    assert.equal(g.chainId, CHAIN_ID);
    assert.equal(g.validators[0]?.votingPower, 10n);
    const bs = await client.blockSearch({ query: "block.height=2" });
    assert.equal(bs.totalCount, 1);
    assert.equal(bs.blocks[0]?.block.header.height, 2);
  });

  it("broadcasts: sync, async, mempool counts, commit (included, rejected)", async () => {
    const res = await client.broadcastTxSync({ tx: utf8("new-tx-1") });
    assert.equal(res.code, 0);
    assert.deepEqual(res.hash, sha256(utf8("new-tx-1")));
    const bad = await client.broadcastTxSync({ tx: new Uint8Array([0xff, 1]) });
    assert.equal(bad.code, 2);
    assert.equal(bad.log, "tx parse error");
    const asyncRes = await client.broadcastTxAsync({ tx: utf8("new-tx-2") });
    assert.deepEqual(asyncRes.hash, sha256(utf8("new-tx-2")));
    await new Promise((r) => setTimeout(r, 20));
    const n = await client.numUnconfirmedTxs();
    assert.equal(n.total, 2);
    assert.equal(n.totalBytes, 16);

    const commitTx = utf8("commit-me");
    const rec = { height: 3, index: 0, tx: commitTx, result: env.chain.txs[0]!.result };
    env.willCommit.set(toHexUpper(sha256(commitTx)), rec);
    const committed = await client.broadcastTxCommit({ tx: commitTx });
    assert.equal(committed.height, 3);
    assert.equal(committed.checkTx.code, 0);
    assert.equal(committed.txResult?.code, 0);
    const rejected = await client.broadcastTxCommit({ tx: new Uint8Array([0xff]) });
    assert.equal(rejected.checkTx.code, 2);
    assert.equal(rejected.height, 0);
  });
});

describe("RpcServer raw JSON-RPC and URI", () => {
  const env = new FixtureEnv();
  let server: RpcServer;
  let url: string;

  before(async () => {
    server = await RpcServer.start(
      { laddr: "tcp://127.0.0.1:0", timeoutBroadcastTxCommitMs: 100, maxBodyBytes: 100_000, maxBatch: 5 },
      env,
    );
    url = server.url;
  });

  after(async () => {
    await server.close();
  });

  it("answers methods without CosmJS wrappers", async () => {
    assert.deepEqual((await call(url, "health")).json, { jsonrpc: "2.0", id: 1, result: {} });
    const h = await call(url, "header", { height: "2" });
    assert.equal(dig(h.json, "result.header.height"), "2");
    const hash = toHexUpper(env.chain.metas[1]!.blockId.hash);
    const hb = await call(url, "header_by_hash", { hash });
    assert.equal(dig(hb.json, "result.header.height"), "2");
    const bb = await call(url, "block_by_hash", {
      hash: Buffer.from(env.chain.metas[1]!.blockId.hash).toString("base64"),
    });
    assert.equal(dig(bb.json, "result.block_id.hash"), hash);
    const miss = await call(url, "block_by_hash", { hash: "00".repeat(32) });
    assert.deepEqual(dig(miss.json, "result"), {
      block_id: { hash: "", parts: { total: 0, hash: "" } },
      block: null,
    });
    const cp = await call(url, "consensus_params", {});
    assert.equal(dig(cp.json, "result.block_height"), "4");
    assert.equal(dig(cp.json, "result.consensus_params.block.max_gas"), "-1");
    const gc = await call(url, "genesis_chunked", { chunk: "0" });
    assert.equal(dig(gc.json, "result.total"), "1");
    assert.equal(
      JSON.parse(Buffer.from(String(dig(gc.json, "result.data")), "base64").toString()).chain_id,
      CHAIN_ID,
    );
    const ni = await call(url, "net_info");
    assert.deepEqual(dig(ni.json, "result"), {
      listening: true,
      listeners: ["Listener(@tcp://0.0.0.0:26656)"],
      n_peers: "0",
      peers: [],
    });
    const ct = await call(url, "check_tx", { tx: Buffer.from("x").toString("base64") });
    assert.equal(dig(ct.json, "result.code"), 0);
    assert.equal(dig(ct.json, "result.gas_wanted"), "200000");
    const ut = await call(url, "unconfirmed_txs", { limit: "5" });
    assert.deepEqual(dig(ut.json, "result"), { n_txs: "0", total: "0", total_bytes: "0", txs: [] });
    const nu = await call(url, "num_unconfirmed_txs");
    assert.deepEqual(dig(nu.json, "result"), { n_txs: "0", total: "0", total_bytes: "0", txs: null });
  });

  it("reports CometBFT's height errors as -32603 with data", async () => {
    const r = await call(url, "block", { height: "10" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      jsonrpc: "2.0",
      id: 1,
      error: {
        code: -32603,
        message: "Internal error",
        data: "height 10 must be less than or equal to the current blockchain height 3",
      },
    });
    const zero = await call(url, "block_results", { height: "0" });
    assert.equal(dig(zero.json, "error.data"), "height must be greater than 0, but got 0");
    const tooFar = await call(url, "validators", { height: "5" });
    assert.equal(
      dig(tooFar.json, "error.data"),
      "height 5 must be less than or equal to the current blockchain height 4",
    );
  });

  it("reports tx and search errors as CometBFT", async () => {
    const hash = "AB".repeat(32);
    const nf = await call(url, "tx", { hash });
    assert.equal(dig(nf.json, "error.data"), `tx (${hash}) not found`);
    const badQ = await call(url, "tx_search", { query: "tx.height >>> 5" });
    assert.equal(dig(badQ.json, "error.code"), -32603);
    assert.match(String(dig(badQ.json, "error.data")), /failed to parse query/);
    const badOrder = await call(url, "tx_search", { query: "tx.height=2", order_by: "up" });
    assert.equal(dig(badOrder.json, "error.data"), "expected order_by to be either `asc` or `desc` or empty");
    const badPage = await call(url, "tx_search", { query: "tx.height=2", page: "5" });
    assert.equal(dig(badPage.json, "error.data"), "page should be within [1, 1] range, given 5");
    const long = await call(url, "tx_search", { query: `a.b='${"x".repeat(600)}'` });
    assert.equal(dig(long.json, "error.data"), "maximum query length exceeded");
    const chunk = await call(url, "genesis_chunked", { chunk: "3" });
    assert.equal(dig(chunk.json, "error.data"), "there are 0 chunks, 3 is invalid");
    const bc = await call(url, "blockchain", { minHeight: "3", maxHeight: "1" });
    assert.equal(dig(bc.json, "error.data"), "min height 3 can't be greater than max height 1");
  });

  it("times out broadcast_tx_commit with CometBFT's error", async () => {
    const r = await call(url, "broadcast_tx_commit", {
      tx: Buffer.from("never-included").toString("base64"),
    });
    assert.equal(dig(r.json, "error.code"), -32603);
    assert.equal(dig(r.json, "error.data"), "timed out waiting for tx to be included in a block");
    const dup = await call(url, "broadcast_tx_commit", {
      tx: Buffer.from("never-included").toString("base64"),
    });
    assert.equal(dig(dup.json, "error.data"), "error on broadcastTxCommit: tx already exists in cache");
  });

  it("rejects unknown methods and wrong param types with coded errors", async () => {
    const unknown = await call(url, "no_such_method");
    assert.equal(unknown.status, 200);
    assert.deepEqual(dig(unknown.json, "error"), { code: -32601, message: "Method not found" });
    const proto = await call(url, "__proto__");
    assert.equal(dig(proto.json, "error.code"), -32601);
    for (const [method, params] of [
      ["block", { height: true }],
      ["block", { height: "abc" }],
      ["block", { height: [1] }],
      ["tx", { hash: 5 }],
      ["abci_query", { path: "/x", data: "not-hex" }],
      ["broadcast_tx_sync", { tx: "%%%" }],
      ["tx_search", { query: { q: 1 } }],
      ["block", "not-an-object"],
      ["validators", ["1"]],
    ] as const) {
      const r = await call(url, method, params);
      assert.equal(r.status, 200, method);
      assert.equal(dig(r.json, "error.code"), -32602, `${method} ${JSON.stringify(params)}`);
      assert.equal(dig(r.json, "error.message"), "Invalid params");
      assert.match(String(dig(r.json, "error.data")), /^error converting json params to arguments: /);
    }
    const positional = await call(url, "block", ["2"]);
    assert.equal(dig(positional.json, "result.block.header.height"), "2");
  });

  it("rejects invalid JSON, bad envelopes and deep nesting with -32700 (HTTP 500)", async () => {
    for (const body of [
      "{not json",
      '{"jsonrpc":"2.0","id":true,"method":"status"}',
      '[{"jsonrpc":"2.0","id":1,"method":"status"}, 5]',
      '{"jsonrpc":"2.0","id":1,"method":7}',
      "[".repeat(50_000) + "]".repeat(50_000),
    ]) {
      const r = await post(url, body);
      assert.equal(r.status, 500, body.slice(0, 40));
      assert.equal(dig(r.json, "error.code"), -32700);
      assert.equal(dig(r.json, "error.message"), "Parse error. Invalid JSON");
      assert.equal(dig(r.json, "id"), undefined);
    }
  });

  it("refuses an oversize body with -32600 (HTTP 400) and keeps serving", async () => {
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "broadcast_tx_sync",
      params: { tx: "A".repeat(200_000) },
    });
    const r = await post(url, big);
    assert.equal(r.status, 400);
    assert.equal(dig(r.json, "error.code"), -32600);
    assert.equal(dig(r.json, "error.data"), "error reading request body: http: request body too large");
    const huge = await post(url, "x".repeat(2_000_000)).catch((e: unknown) => e);
    if (!(huge instanceof Error)) assert.equal((huge as Reply).status, 400);
    assert.equal((await call(url, "health")).status, 200);
  });

  it("handles batches: order, notifications, single-entry, limit", async () => {
    const r = await post(url, [
      { jsonrpc: "2.0", id: "a", method: "health" },
      { jsonrpc: "2.0", method: "health" },
      { jsonrpc: "2.0", id: 2.7, method: "nope" },
      { jsonrpc: "2.0", id: 3, method: "header", params: { height: "1" } },
    ]);
    assert.equal(r.status, 200);
    assert.equal(dig(r.json, "length"), 3);
    assert.deepEqual(dig(r.json, "0"), { jsonrpc: "2.0", id: "a", result: {} });
    assert.equal(dig(r.json, "1.id"), 2);
    assert.equal(dig(r.json, "1.error.code"), -32601);
    assert.equal(dig(r.json, "2.result.header.height"), "1");
    const one = await post(url, [{ jsonrpc: "2.0", id: 9, method: "health" }]);
    assert.deepEqual(one.json, { jsonrpc: "2.0", id: 9, result: {} });
    const notification = await post(url, { jsonrpc: "2.0", method: "health" });
    assert.equal(notification.status, 200);
    assert.equal(notification.text, "");
    const over = await post(
      url,
      Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "health" })),
    );
    assert.equal(over.status, 200);
    assert.deepEqual(over.json, {
      jsonrpc: "2.0",
      error: {
        code: -32600,
        message: "Invalid Request",
        data: "batch request exceeds maximum (5) allowed number of requests",
      },
    });
  });

  it("serves the URI form with CometBFT's argument rules", async () => {
    const b = await raw(`${url}/block?height=2`);
    assert.equal(b.status, 200);
    assert.equal(dig(b.json, "id"), -1);
    assert.equal(dig(b.json, "result.block.header.height"), "2");
    assert.equal(b.headers.get("cache-control"), "public, max-age=86400");
    const latest = await raw(`${url}/block`);
    assert.equal(dig(latest.json, "result.block.header.height"), "3");
    assert.equal(latest.headers.get("cache-control"), null);
    const q = await raw(`${url}/abci_query?path=%22/custom/echo%22&data=0x0102`);
    assert.equal(dig(q.json, "result.response.value"), Buffer.from([1, 2]).toString("base64"));
    const ts = await raw(`${url}/tx_search?query=%22tx.height=2%22&order_by=%22desc%22`);
    assert.equal(dig(ts.json, "result.total_count"), "2");
    assert.equal(dig(ts.json, "result.txs.0.index"), 1);
    const hash = toHexUpper(sha256(utf8("tx-a")));
    const t = await raw(`${url}/tx?hash=0x${hash}`);
    assert.equal(dig(t.json, "result.hash"), hash);
    const badParam = await raw(`${url}/block?height=abc`);
    assert.equal(badParam.status, 500);
    assert.equal(dig(badParam.json, "error.code"), -32602);
    const beyond = await raw(`${url}/block?height=99`);
    assert.equal(beyond.status, 500);
    assert.equal(
      dig(beyond.json, "error.data"),
      "height 99 must be less than or equal to the current blockchain height 3",
    );
    const unquoted = await raw(`${url}/tx_search?query=tx.height=2`);
    assert.equal(dig(unquoted.json, "error.code"), -32602);
  });

  it("lists methods on GET / and 404s unknown paths", async () => {
    const list = await raw(`${url}/`);
    assert.equal(list.status, 200);
    assert.match(list.headers.get("content-type") ?? "", /text\/html/);
    assert.match(list.text, /\/status"/);
    assert.match(list.text, /\/block\?height=_"/);
    assert.match(list.text, /\/abci_query\?path=_&amp;data=_|\/abci_query\?path=_&data=_/);
    const missing = await raw(`${url}/no_such_thing`);
    assert.equal(missing.status, 404);
    const nested = await raw(`${url}/status/x`);
    assert.equal(nested.status, 404);
  });

  it("survives a garbage request line and keeps answering", async () => {
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(server.address.port, "127.0.0.1", () => sock.write("GARBAGE \u0001\r\n\r\n"));
      let data = "";
      sock.on("data", (d) => {
        data += d.toString();
      });
      sock.on("close", () => resolve(data));
      sock.on("error", () => resolve(data));
    });
    assert.match(reply, /^HTTP\/1.1 400/);
    const s = await call(url, "status");
    assert.equal(dig(s.json, "result.sync_info.latest_block_height"), "3");
  });
});

describe("RpcServer CORS", () => {
  it("answers preflight and tags allowed origins only", async () => {
    const server = await RpcServer.start(
      { laddr: "tcp://127.0.0.1:0", corsAllowedOrigins: ["https://app.test"] },
      new FixtureEnv(),
    );
    try {
      const pre = await raw(`${server.url}/`, {
        method: "OPTIONS",
        headers: { Origin: "https://app.test", "Access-Control-Request-Method": "POST" },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.test");
      assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
      const other = await raw(`${server.url}/health`, { headers: { Origin: "https://evil.test" } });
      assert.equal(other.status, 200);
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    } finally {
      await server.close();
    }
  });
});

describe("RpcServer resilience", () => {
  it("turns env failures into -32603 and reports them, without crashing", async () => {
    const env = new FixtureEnv();
    env.loadBlock = async () => {
      throw new Error("disk on fire");
    };
    env.latest = () => {
      throw new TypeError("broken latest");
    };
    const seen: unknown[] = [];
    const server = await RpcServer.start({ laddr: "tcp://127.0.0.1:0", onError: (e) => seen.push(e) }, env);
    try {
      const st = await call(server.url, "status");
      assert.equal(dig(st.json, "error.code"), -32603);
      assert.equal(dig(st.json, "error.data"), "broken latest");
      const blk = await raw(`${server.url}/block_by_hash?hash=0x${"00".repeat(32)}`);
      assert.equal(blk.status, 200);
      const tx = await call(server.url, "tx", { hash: toHexUpper(sha256(utf8("tx-a"))), prove: true });
      assert.equal(dig(tx.json, "error.data"), "disk on fire");
      assert.ok(seen.some((e) => e instanceof Error && e.message === "disk on fire"));
      assert.equal(dig((await call(server.url, "health")).json, "result") !== undefined, true);
    } finally {
      await server.close();
    }
  });

  it("drops a client that never finishes its request after timeoutMs", async () => {
    const server = await RpcServer.start({ laddr: "tcp://127.0.0.1:0", timeoutMs: 200 }, new FixtureEnv());
    try {
      const started = performance.now();
      const reply = await new Promise<string>((resolve) => {
        const sock = connect(server.address.port, "127.0.0.1", () =>
          sock.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"),
        );
        let data = "";
        sock.on("data", (d) => {
          data += d.toString();
        });
        sock.on("close", () => resolve(data));
        sock.on("error", () => resolve(data));
      });
      assert.match(reply, /^HTTP\/1.1 408/);
      assert.ok(performance.now() - started < 5000);
      assert.equal((await call(server.url, "health")).status, 200);
    } finally {
      await server.close();
    }
  });

  it("rejects a malformed listen address", async () => {
    await assert.rejects(
      RpcServer.start({ laddr: "unix:///tmp/x.sock" }, new FixtureEnv()),
      /invalid listening address/,
    );
  });
});
