/**
 * The explorer's chain arithmetic (explorer/src/history.ts) against a synthetic chain (unit level:
 * an in-memory JSON-RPC): sampling the last hours of block metas on a young and an old chain,
 * consensus addresses of ed25519 keys, and gov vote event options.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import { consensusAddress, eventOptions, type RpcCall, sampleHistory } from "../../explorer/src/history.js";

const T0 = Date.UTC(2026, 0, 1);
/** A chain of `latest` blocks, one per `blockMs`, block h holding h % 3 txs; counts calls and concurrency. */
function fakeChain(latest: number, blockMs = 1000) {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const meta = (h: number) => ({
    header: { height: String(h), time: new Date(T0 + h * blockMs).toISOString() },
    num_txs: String(h % 3),
  });
  const rpc: RpcCall = async (method, params = {}) => {
    stats.calls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    stats.inFlight--;
    if (method === "status") return { sync_info: { latest_block_height: String(latest) } };
    assert.equal(method, "blockchain");
    const lo = Math.max(1, Number(params["minHeight"]));
    const hi = Math.min(latest, Number(params["maxHeight"]));
    assert.ok(hi - lo < 20, `at most 20 metas per call (${lo}..${hi})`);
    const metas = [];
    for (let h = hi; h >= lo; h--) metas.push(meta(h));
    return { last_height: String(latest), block_metas: metas };
  };
  return { stats, rpc };
}

describe("explorer history sampling", () => {
  it("a young chain gives one bucket per block since height 2", async () => {
    const { stats, rpc } = fakeChain(50);
    const r = await sampleHistory(rpc);
    assert.equal(r.latest, 50);
    assert.equal(r.recent.length, 20);
    assert.equal(r.points.length, 49);
    assert.deepEqual(
      r.points.map((p) => p.height),
      Array.from({ length: 49 }, (_, i) => i + 2),
    );
    for (const p of r.points) {
      assert.equal(p.interval, 1);
      assert.equal(p.tps, p.height % 3);
    }
    assert.ok(stats.calls <= 2 + 3, `calls ${stats.calls}`);
  });

  it("an old chain is sampled at a stride over the window, ≤ maxPoints buckets, few calls in flight", async () => {
    const { stats, rpc } = fakeChain(100_000, 2000);
    const r = await sampleHistory(rpc, 3 * 3600, 240, 4);
    // 3 h at 2 s = 5400 blocks → stride 23 → 235 samples → 234 buckets.
    assert.ok(r.points.length <= 240 && r.points.length >= 200, `points ${r.points.length}`);
    const first = r.points[0]!;
    const last = r.points[r.points.length - 1]!;
    assert.equal(last.height, 100_000);
    assert.ok((last.time - first.time) / 1000 <= 3 * 3600 && (last.time - first.time) / 1000 > 2.9 * 3600);
    for (const p of r.points) {
      assert.equal(p.interval, 2);
      // 19 blocks after the run's first: their txs over 38 s.
      let txs = 0;
      for (let h = p.height - 18; h <= p.height; h++) txs += h % 3;
      assert.equal(p.tps, txs / 38);
    }
    assert.ok(stats.maxInFlight <= 4, `in flight ${stats.maxInFlight}`);
    assert.ok(stats.calls <= r.points.length + 3, `calls ${stats.calls}`);
  });

  it("a chain at height 1 has no buckets; an unreachable node is an error, not a crash", async () => {
    assert.deepEqual((await sampleHistory(fakeChain(1).rpc)).points, []);
    const down: RpcCall = async () => {
      throw new Error("node unreachable");
    };
    await assert.rejects(sampleHistory(down), /unreachable/);
  });
});

describe("explorer consensus addresses and vote options", () => {
  it("derives <prefix>valcons from an ed25519 consensus_pubkey; other key types have none", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const b64 = Buffer.from(key).toString("base64");
    const a = consensusAddress({ "@type": "/cosmos.crypto.ed25519.PubKey", key: b64 });
    const want = sha256(key).slice(0, 20);
    assert.equal(a?.bech32, toBech32("openvalcons", want));
    assert.equal(a?.hex, Buffer.from(want).toString("hex").toUpperCase());
    assert.equal(consensusAddress({ "@type": "/cosmos.crypto.secp256k1.PubKey", key: b64 }), undefined);
    assert.equal(consensusAddress(undefined), undefined);
  });

  it("reads proposal_vote options", () => {
    assert.equal(eventOptions('option:VOTE_OPTION_YES weight:"1.000000000000000000"'), "yes");
    assert.equal(
      eventOptions(
        'option:VOTE_OPTION_YES weight:"0.600000000000000000"\noption:VOTE_OPTION_NO weight:"0.400000000000000000"',
      ),
      "yes 0.6, no 0.4",
    );
    assert.equal(eventOptions("garbage"), "garbage");
  });
});
