import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CheckTxRequest, CheckTxResponse } from "../../../src/abci/types.js";
import { CheckTxType } from "../../../src/abci/types.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { Heap } from "../../../src/mempool/heap.js";
import { LruSet } from "../../../src/mempool/lru.js";
import { Mempool } from "../../../src/mempool/mempool.js";
import { fromUtf8, toHex, utf8 } from "../../../src/types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../../src/types/errors.js";

/**
 * Test tx format: `sender:sequence:priority:gas[:pad]`. The fake app keeps a per-sender "next
 * sequence" like the SDK's check state: New requires seq >= committed and increments a pending counter.
 */
class FakeApp {
  /** Committed next sequence per sender. */
  readonly committed = new Map<string, bigint>();
  /** Senders whose txs now fail. */
  readonly banned = new Set<string>();
  readonly calls: { tx: string; type: CheckTxType }[] = [];
  /** When set, rechecks wait for it. */
  recheckGate: Promise<void> | undefined;

  async checkTx(req: CheckTxRequest): Promise<CheckTxResponse> {
    const s = fromUtf8(req.tx);
    this.calls.push({ tx: s, type: req.type });
    if (req.type === CheckTxType.Recheck && this.recheckGate) await this.recheckGate;
    const parts = s.split(":");
    if (parts.length < 4) return fail(2, "tx parse error");
    const [sender, seq, prio, gas] = parts as [string, string, string, string];
    const sequence = BigInt(seq);
    if (this.banned.has(sender)) return fail(5, "insufficient funds");
    if (sequence < (this.committed.get(sender) ?? 0n)) return fail(32, "account sequence mismatch");
    return {
      code: 0,
      data: new Uint8Array(),
      log: "",
      info: "",
      gasWanted: BigInt(gas),
      gasUsed: 0n,
      events: [],
      codespace: "",
      priority: BigInt(prio),
      sender,
      sequence,
    };
  }
}

function fail(code: number, log: string): CheckTxResponse {
  return {
    code,
    data: new Uint8Array(),
    log,
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
    codespace: SDK,
    priority: 0n,
    sender: "",
    sequence: 0n,
  };
}

function t(sender: string, seq: number, prio: number, gas = 100, pad = ""): Uint8Array {
  return utf8(`${sender}:${seq}:${prio}:${gas}${pad ? `:${pad}` : ""}`);
}

function names(txs: Uint8Array[]): string[] {
  return txs.map((x) => fromUtf8(x).split(":").slice(0, 2).join(":"));
}

async function rejects(p: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, `expected CodedError, got ${String(e)}`);
    assert.equal(e.codespace, SDK);
    assert.equal(e.code, code);
    return true;
  });
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe("Mempool ordering", () => {
  it("orders by priority, then arrival", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 5));
    await mp.add(t("b", 0, 9));
    await mp.add(t("c", 0, 5));
    await mp.add(t("d", 0, 1));
    assert.deepEqual(names(mp.reap(-1, -1)), ["b:0", "a:0", "c:0", "d:0"]);
    assert.deepEqual(names(mp.txs(2)), ["b:0", "a:0"]);
    assert.equal(mp.size, 4);
  });

  it("keeps a sender's txs in sequence order even when a later one pays more", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 1));
    await mp.add(t("a", 1, 100));
    await mp.add(t("b", 0, 50));
    await mp.add(t("a", 2, 1));
    // a:0 (1) blocks a:1 (100) until taken; b:0 (50) beats a:0.
    assert.deepEqual(names(mp.reap(-1, -1)), ["b:0", "a:0", "a:1", "a:2"]);
  });

  it("places an out-of-order arrival by sequence within its sender", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 2, 9));
    await mp.add(t("a", 0, 1));
    await mp.add(t("a", 1, 5));
    assert.deepEqual(names(mp.reap(-1, -1)), ["a:0", "a:1", "a:2"]);
  });

  it("never puts sequence n+1 before n under a seeded random load", async () => {
    const r = rng(42);
    const mp = new Mempool({ maxTxs: 20000 }, { app: new FakeApp() });
    const next = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const sender = `s${Math.floor(r() * 200)}`;
      const seq = next.get(sender) ?? 0;
      next.set(sender, seq + 1);
      await mp.add(t(sender, seq, Math.floor(r() * 1000)));
    }
    const out = mp.reap(-1, -1).map((x) => fromUtf8(x).split(":"));
    assert.equal(out.length, 3000);
    const seen = new Map<string, number>();
    for (const [sender, seq] of out) {
      const expect = seen.get(sender!) ?? 0;
      assert.equal(Number(seq), expect, `sender ${sender} out of order`);
      seen.set(sender!, expect + 1);
    }
    // The first tx out is the best-paying among the senders' first txs.
    const heads = mp.entries().filter((e) => e.sequence === 0n);
    let best = -1n;
    for (const e of heads) if (e.priority > best) best = e.priority;
    assert.equal(BigInt(out[0]![2]!), best);
  });

  it("reap respects maxBytes and maxGas, skipping a sender whose next tx does not fit", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 9, 100)); // 11 bytes -> 13 with proto overhead
    await mp.add(t("b", 0, 8, 100, "x".repeat(50)));
    await mp.add(t("b", 1, 8, 100));
    await mp.add(t("c", 0, 7, 100));
    // 13 + 13 = 26 bytes: b's big tx is skipped and so is b:1.
    assert.deepEqual(names(mp.reap(26, -1)), ["a:0", "c:0"]);
    assert.deepEqual(names(mp.reap(-1, 250)), ["a:0", "b:0"]);
    assert.deepEqual(names(mp.reap(0, -1)), []);
  });

  it("handles 10k txs quickly", async () => {
    const mp = new Mempool({ maxTxs: 20000 }, { app: new FakeApp() });
    const start = process.hrtime.bigint();
    for (let i = 0; i < 10000; i++) await mp.add(t(`s${i % 500}`, Math.floor(i / 500), i % 97));
    const reaped = mp.reap(-1, -1);
    assert.equal(reaped.length, 10000);
    await mp.update(1, reaped.slice(0, 5000));
    assert.equal(mp.size, 5000);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});

describe("Mempool admission", () => {
  it("rejects a duplicate with sdk 19 and leaves state unchanged", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    const r = await mp.add(t("a", 0, 1));
    assert.equal(r.added, true);
    assert.deepEqual(r.hash, sha256(t("a", 0, 1)));
    assert.ok(mp.has(r.hash));
    assert.ok(mp.has(toHex(r.hash).toUpperCase()));
    await rejects(mp.add(t("a", 0, 1)), SdkCode.TxInMempoolCache);
    assert.equal(mp.size, 1);
    assert.equal(app.calls.length, 1, "duplicate must not reach checkTx");
  });

  it("rejects concurrent duplicates: only one reaches checkTx", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    const results = await Promise.allSettled([mp.add(t("a", 0, 1)), mp.add(t("a", 0, 1))]);
    assert.equal(results.filter((x) => x.status === "fulfilled").length, 1);
    assert.equal(app.calls.length, 1);
  });

  it("returns an app rejection without holding it, and allows a retry later", async () => {
    const app = new FakeApp();
    app.banned.add("a");
    const mp = new Mempool({}, { app });
    const r = await mp.add(t("a", 0, 1));
    assert.equal(r.added, false);
    assert.equal(r.response.code, 5);
    assert.equal(mp.size, 0);
    app.banned.delete("a");
    const r2 = await mp.add(t("a", 0, 1));
    assert.equal(r2.added, true);
  });

  it("rejects when full by count with sdk 20", async () => {
    const mp = new Mempool({ maxTxs: 2 }, { app: new FakeApp() });
    await mp.add(t("a", 0, 1));
    await mp.add(t("b", 0, 1));
    await rejects(mp.add(t("c", 0, 1)), SdkCode.MempoolIsFull);
    assert.equal(mp.size, 2);
    assert.deepEqual(names(mp.txs()), ["a:0", "b:0"]);
  });

  it("rejects when full by bytes with sdk 20, and counts bytes", async () => {
    const mp = new Mempool({ maxBytes: 30 }, { app: new FakeApp() });
    await mp.add(t("a", 0, 1)); // 9 bytes
    await mp.add(t("b", 0, 1));
    assert.equal(mp.bytes, 18);
    await mp.add(t("c", 0, 1));
    await rejects(mp.add(t("d", 0, 1)), SdkCode.MempoolIsFull);
    assert.equal(mp.bytes, 27);
  });

  it("rejects concurrent adds beyond capacity after checkTx", async () => {
    const mp = new Mempool({ maxTxs: 1 }, { app: new FakeApp() });
    const rs = await Promise.allSettled([mp.add(t("a", 0, 1)), mp.add(t("b", 0, 1))]);
    assert.equal(rs.filter((x) => x.status === "fulfilled").length, 1);
    const bad = rs.find((x) => x.status === "rejected") as PromiseRejectedResult;
    assert.ok(bad.reason instanceof CodedError && bad.reason.code === SdkCode.MempoolIsFull);
    assert.equal(mp.size, 1);
  });

  it("rejects oversize and empty txs with coded errors", async () => {
    const mp = new Mempool({ maxTxBytes: 10 }, { app: new FakeApp() });
    await rejects(mp.add(t("a", 0, 1, 100, "long")), SdkCode.TxTooLarge);
    await rejects(mp.add(new Uint8Array()), SdkCode.TxDecode);
    assert.equal(mp.size, 0);
  });

  it("rejects bad options with a coded error", () => {
    assert.throws(
      () => new Mempool({ maxTxs: 0 }, { app: new FakeApp() }),
      (e: unknown) => e instanceof CodedError && e.code === SdkCode.AppConfig,
    );
  });

  it("wraps a throwing checkTx into a coded error, without holding the tx", async () => {
    const mp = new Mempool(
      {},
      {
        app: {
          checkTx: async () => {
            throw new Error("boom");
          },
        },
      },
    );
    await assert.rejects(mp.add(t("a", 0, 1)), (e: unknown) => e instanceof CodedError);
    assert.equal(mp.size, 0);
  });

  it("emits an event when a tx is added", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    const seen: string[] = [];
    const off = mp.onTxAdded((e) => seen.push(e.sender));
    const waiting = mp.waitForTx();
    await mp.add(t("a", 0, 1));
    await waiting;
    off();
    await mp.add(t("b", 0, 1));
    assert.deepEqual(seen, ["a"]);
    await mp.waitForTx(); // resolves immediately when non-empty
  });

  it("evicts the least recently seen hash from the cache", () => {
    const c = new LruSet(2);
    c.push("a");
    c.push("b");
    assert.ok(c.has("a")); // refresh a
    c.push("c"); // evicts b
    assert.ok(c.has("a"));
    assert.ok(!c.has("b"));
    assert.ok(c.has("c"));
    assert.equal(c.size, 2);
  });

  it("heap pops in order", () => {
    const r = rng(7);
    const xs = Array.from({ length: 500 }, () => Math.floor(r() * 1000));
    const h = new Heap<number>((a, b) => a < b, xs.slice(0, 250));
    for (const x of xs.slice(250)) h.push(x);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop()!);
    assert.deepEqual(
      out,
      xs.slice().sort((a, b) => a - b),
    );
  });
});

describe("Mempool intake and proposals", () => {
  it("marks txs from peers, and hashes each bytes object once (hashOf)", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    const seen: boolean[] = [];
    mp.onTxAdded((e) => seen.push(e.fromPeer));
    const local = t("a", 0, 1);
    const gossiped = t("b", 0, 1);
    await mp.add(local);
    await mp.add(gossiped, true);
    assert.deepEqual(seen, [false, true]);
    assert.deepEqual(mp.hashOf(local), sha256(local));
    assert.equal(mp.hashOf(local), mp.get(toHex(sha256(local)))?.hash, "the held entry's hash object");
    assert.deepEqual(mp.hashOf(t("z", 0, 1)), sha256(t("z", 0, 1)), "a tx it does not hold");
  });

  it("reaps at most maxTxs, in proposal order", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    for (let i = 0; i < 5; i++) await mp.add(t(`s${i}`, 0, 10 - i));
    assert.deepEqual(names(mp.reap(-1, -1, 3)), ["s0:0", "s1:0", "s2:0"]);
    assert.equal(mp.reap(-1, -1).length, 5);
    assert.equal(mp.reap(-1, -1, 0).length, 0);
  });

  it("whenBelow resolves at once under the limit, else after the update that makes room", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.whenBelow(1);
    for (let i = 0; i < 3; i++) await mp.add(t("a", i, 1));
    let two = false;
    let one = false;
    const w2 = mp.whenBelow(3).then(() => {
      two = true;
    });
    const w1 = mp.whenBelow(1).then(() => {
      one = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(two || one, false);
    await mp.update(1, [t("a", 0, 1)]);
    await w2;
    await new Promise((r) => setImmediate(r));
    assert.equal(two, true);
    assert.equal(one, false, "2 txs are still held");
    mp.flush();
    await w1;
    assert.equal(one, true);
  });

  it("whenBelow gives up waiting after its timeout", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 1));
    const started = Date.now();
    await mp.whenBelow(1, 30);
    assert.ok(Date.now() - started >= 25);
    assert.equal(mp.size, 1);
    await mp.update(1, [t("a", 0, 1)]); // no waiter left to wake
  });
});

describe("Mempool update", () => {
  it("removes committed txs, keeps them in the cache, and rechecks the rest", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    await mp.add(t("a", 0, 1));
    await mp.add(t("a", 1, 1));
    await mp.add(t("b", 0, 1));
    await mp.add(t("c", 0, 1));
    app.committed.set("a", 1n);
    app.banned.add("c");
    app.calls.length = 0;
    await mp.update(1, [t("a", 0, 1)]);
    assert.equal(mp.height, 1);
    assert.deepEqual(names(mp.txs()), ["a:1", "b:0"]);
    assert.ok(app.calls.every((c) => c.type === CheckTxType.Recheck));
    assert.deepEqual(app.calls.map((c) => c.tx.split(":").slice(0, 2).join(":")).sort(), [
      "a:1",
      "b:0",
      "c:0",
    ]);
    // committed tx is refused as a duplicate; the evicted one may come back once valid again
    await rejects(mp.add(t("a", 0, 1)), SdkCode.TxInMempoolCache);
    app.banned.delete("c");
    assert.equal((await mp.add(t("c", 0, 1))).added, true);
  });

  it("interns a block's copies of held txs to the held objects, then removes them on update", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    const held = [t("a", 0, 1), t("b", 0, 1)];
    for (const x of held) await mp.add(x);
    // a block decoded from the network: equal bytes, other objects, and one tx the mempool lacks
    const block = [t("a", 0, 1), t("z", 0, 1), t("b", 0, 1)];
    const stranger = block[1];
    mp.intern(block);
    assert.equal(block[0], held[0]);
    assert.equal(block[1], stranger);
    assert.equal(block[2], held[1]);
    assert.deepEqual(names(block), ["a:0", "z:0", "b:0"]);
    await mp.update(1, block);
    assert.equal(mp.size, 0);
    await rejects(mp.add(t("b", 0, 1)), SdkCode.TxInMempoolCache);
  });

  it("lets a committed tx that failed in the block be sent again", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 1));
    await mp.add(t("b", 0, 1));
    await mp.update(1, [t("a", 0, 1), t("b", 0, 1)], [{ code: 0 }, { code: 11 }]);
    assert.equal(mp.size, 0);
    await rejects(mp.add(t("a", 0, 1)), SdkCode.TxInMempoolCache);
    assert.equal((await mp.add(t("b", 0, 1))).added, true);
  });

  it("rechecks each sender's txs in sequence order", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    await mp.add(t("a", 2, 1));
    await mp.add(t("a", 0, 1));
    await mp.add(t("a", 1, 1));
    app.calls.length = 0;
    await mp.update(1, []);
    assert.deepEqual(
      app.calls.map((c) => c.tx.split(":")[1]),
      ["0", "1", "2"],
    );
  });

  it("holds new adds while an update runs, so they are checked against the new state", async () => {
    const app = new FakeApp();
    const mp = new Mempool({}, { app });
    await mp.add(t("a", 0, 1));
    await mp.add(t("b", 0, 1));
    let open!: () => void;
    app.recheckGate = new Promise<void>((r) => {
      open = r;
    });
    app.calls.length = 0;
    const u = mp.update(1, [t("a", 0, 1)]);
    const adding = mp.add(t("c", 0, 1));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      app.calls.map((c) => c.tx.slice(0, 3)),
      ["b:0"],
      "the new tx must wait for the recheck",
    );
    app.committed.set("c", 1n); // the block moved c's sequence
    open();
    await u;
    const r = await adding;
    assert.equal(r.added, false);
    assert.equal(r.response.code, 32);
    assert.deepEqual(names(mp.txs()), ["b:0"]);
  });

  it("skips recheck when disabled", async () => {
    const app = new FakeApp();
    const mp = new Mempool({ recheck: false }, { app });
    await mp.add(t("a", 0, 1));
    app.banned.add("a");
    app.calls.length = 0;
    await mp.update(1, []);
    assert.equal(app.calls.length, 0);
    assert.equal(mp.size, 1);
  });

  it("flush empties the mempool and the cache", async () => {
    const mp = new Mempool({}, { app: new FakeApp() });
    await mp.add(t("a", 0, 1));
    mp.flush();
    assert.equal(mp.size, 0);
    assert.equal(mp.bytes, 0);
    assert.equal((await mp.add(t("a", 0, 1))).added, true);
  });
});

describe("Mempool pre-verification", () => {
  it("runs CheckTx in arrival order even when pre-verifications finish out of order", async () => {
    const app = new FakeApp();
    const next = rng(7);
    const started: string[] = [];
    const mp = new Mempool(
      {},
      {
        app,
        preverify: async (tx) => {
          started.push(fromUtf8(tx));
          // Finish after a seeded random number of event-loop turns.
          const turns = Math.floor(next() * 5);
          for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
        },
      },
    );
    const sent = Array.from({ length: 40 }, (_, i) => t(`s${i % 4}`, Math.floor(i / 4), 1));
    const results = await Promise.all(sent.map((x) => mp.add(x)));
    assert.ok(results.every((r) => r.added));
    assert.deepEqual(started, sent.map(fromUtf8));
    assert.deepEqual(
      app.calls.map((c) => c.tx),
      sent.map(fromUtf8),
    );
  });

  it("checks the tx anyway when pre-verification fails, and keeps the mempool's own errors", async () => {
    const app = new FakeApp();
    const mp = new Mempool(
      { maxTxs: 1 },
      {
        app,
        preverify: async () => {
          throw new Error("worker gone");
        },
      },
    );
    assert.equal((await mp.add(t("a", 0, 1))).added, true);
    await rejects(mp.add(t("a", 0, 1)), SdkCode.TxInMempoolCache);
    await rejects(mp.add(t("b", 0, 1)), SdkCode.MempoolIsFull);
    app.banned.add("c");
    const mp2 = new Mempool({}, { app, preverify: async () => undefined });
    const r = await mp2.add(t("c", 0, 1));
    assert.equal(r.added, false);
    assert.equal(r.response.code, 5);
    assert.equal(mp2.size, 0);
  });
});
