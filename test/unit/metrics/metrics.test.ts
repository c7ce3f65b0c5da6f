import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MetricsServer, NodeMetrics, parseMetricsLaddr } from "../../../src/metrics/index.js";

describe("NodeMetrics", () => {
  it("exposes CometBFT-style names updated from the node's hooks", async () => {
    const m = new NodeMetrics({ chainId: "test-1" });
    m.observeBlock(1, 0, 0, 1_000);
    m.observeBlock(2, 3, 300, 2_500);
    m.setMempool(4, 1234);
    m.setPeers(0);
    m.setRoundState(0, 1, 1);
    m.rpcCall("status", 0.002, true);
    m.rpcCall("unknown", 0.001, false);
    const text = await m.text();
    for (const line of [
      'cometbft_consensus_height{chain_id="test-1"} 2',
      'cometbft_consensus_num_txs{chain_id="test-1"} 3',
      'cometbft_consensus_total_txs{chain_id="test-1"} 3',
      'cometbft_consensus_block_interval_seconds_count{chain_id="test-1"} 1',
      'cometbft_consensus_block_interval_seconds_sum{chain_id="test-1"} 1.5',
      'cometbft_mempool_size{chain_id="test-1"} 4',
      'cometbft_mempool_size_bytes{chain_id="test-1"} 1234',
      'cometbft_p2p_peers{chain_id="test-1"} 0',
      'cometbft_consensus_rounds{chain_id="test-1"} 0',
      'cometbft_consensus_step{chain_id="test-1"} 1',
      'openledger_rpc_requests_total{method="status",status="ok",chain_id="test-1"} 1',
      'openledger_rpc_requests_total{method="unknown",status="error",chain_id="test-1"} 1',
      'openledger_rpc_request_duration_seconds_count{chain_id="test-1",method="status"} 1',
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
  });

  it("keeps registries per node (two nodes in one process do not collide)", () => {
    assert.doesNotThrow(() => {
      new NodeMetrics({ chainId: "a" });
      new NodeMetrics({ chainId: "b" });
    });
  });
});

describe("MetricsServer", () => {
  it("serves /metrics on loopback, 404 elsewhere, 405 for other methods", async () => {
    const m = new NodeMetrics({ chainId: "t" });
    m.observeBlock(7, 0, 0, 0);
    const s = await MetricsServer.start(":0", m);
    try {
      assert.equal(s.address.host, "127.0.0.1", "an empty host binds loopback");
      const base = `http://127.0.0.1:${s.address.port}`;
      const ok = await fetch(`${base}/metrics`);
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get("content-type") ?? "", /text\/plain/);
      assert.match(await ok.text(), /cometbft_consensus_height\{chain_id="t"\} 7/);
      assert.equal((await fetch(`${base}/other`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: "POST", body: "x" })).status, 405);
    } finally {
      await s.close();
    }
  });

  it("parses listen addresses and rejects bad ones", () => {
    assert.deepEqual(parseMetricsLaddr(":26660"), { host: "127.0.0.1", port: 26660 });
    assert.deepEqual(parseMetricsLaddr("tcp://0.0.0.0:1"), { host: "0.0.0.0", port: 1 });
    assert.throws(() => parseMetricsLaddr("nope"), /invalid prometheus_listen_addr/);
    assert.throws(() => parseMetricsLaddr("h:99999"), /invalid prometheus_listen_addr/);
  });
});
