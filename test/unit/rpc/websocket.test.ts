import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import WebSocket from "ws";
import { type CommittedBlock, EventBus } from "../../../src/events/index.js";
import { RateLimiter } from "../../../src/rpc/rateLimit.js";
import { RpcServer } from "../../../src/rpc/server.js";
import { txHash } from "../../../src/types/block.js";
import { toHexUpper } from "../../../src/types/bytes.js";
import { FixtureEnv } from "./fixture.js";

type Reply = {
  id?: number | string;
  result?: { query?: string; data?: { type: string; value: Record<string, unknown> }; events?: unknown };
  error?: { code: number; message: string; data?: string };
};

/** A raw WebSocket client collecting every message. */
class Probe {
  readonly messages: Reply[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      this.messages.push(JSON.parse(d.toString()) as Reply);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<Probe> {
    const ws = new WebSocket(`${url.replace("http", "ws")}/websocket`);
    await new Promise<void>((res, rej) => {
      ws.once("open", () => res());
      ws.once("error", rej);
    });
    return new Probe(ws);
  }

  send(v: unknown): void {
    this.ws.send(typeof v === "string" ? v : JSON.stringify(v));
  }

  async call(id: number, method: string, params: unknown = {}): Promise<Reply> {
    this.send({ jsonrpc: "2.0", id, method, params });
    return await this.until((m) => m.id === id);
  }

  async until(pred: (m: Reply) => boolean, timeoutMs = 5000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0] as Reply;
      if (this.closed) throw new Error("socket closed");
      if (Date.now() > deadline)
        throw new Error(`timeout; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Disconnect a CosmJS WebsocketClient for good: its ReconnectingSocket schedules a reconnect even
 * after an explicit disconnect (which would keep the test process alive), so cancel that timer.
 */
function closeCosmjsWebsocket(ws: WebsocketClient): void {
  ws.disconnect();
  const socket = (ws as unknown as { socket: { reconnectTimeout?: NodeJS.Timeout | null } }).socket;
  if (socket.reconnectTimeout) clearTimeout(socket.reconnectTimeout);
}

const env = new FixtureEnv();
const committed: CommittedBlock[] = env.chain.blocks.map((block, i) => ({
  block,
  blockId: env.chain.metas[i]!.blockId,
  results: env.chain.results[i]!,
}));

describe("WebSocket /websocket", () => {
  let server: RpcServer;
  let bus: EventBus;
  const calls: string[] = [];

  before(async () => {
    bus = new EventBus({ maxClients: 3, maxSubscriptionsPerClient: 3, bufferSize: 4 });
    server = await RpcServer.start(
      {
        laddr: "tcp://127.0.0.1:0",
        eventBus: bus,
        maxBodyBytes: 10_000,
        websocket: { writeBufferSize: 2 },
        onCall: (m) => calls.push(m),
      },
      env,
    );
  });

  after(async () => {
    await server.close();
  });

  it("answers methods like HTTP and counts them", async () => {
    const p = await Probe.open(server.url);
    try {
      const s = await p.call(1, "status");
      assert.equal((s.result as unknown as { node_info: { version: string } }).node_info.version, "0.38.17");
      const blk = await p.call("x" as unknown as number, "block", { height: "2" });
      assert.equal(blk.id, "x");
      const unknown = await p.call(3, "no_such_method");
      assert.equal(unknown.error?.code, -32601);
      const bad = await p.call(4, "block", { height: "abc" });
      assert.equal(bad.error?.code, -32602);
      const sub = await p.call(5, "subscribe", { query: 7 });
      assert.equal(sub.error?.code, -32602);
      p.send("{not json");
      assert.equal(
        (await p.until((m) => m.error?.code === -32700)).error?.message,
        "Parse error. Invalid JSON",
      );
      p.send(`${"[".repeat(200)}${"]".repeat(200)}`);
      assert.match((await p.until((m) => m.error?.code === -32700)).error?.data ?? "", /max depth/);
      p.send({ jsonrpc: "2.0", id: 6, method: "health", params: "x".repeat(20_000) });
      assert.match((await p.until((m) => m.error?.code === -32600)).error?.data ?? "", /too large/);
      assert.ok((await p.call(7, "health")).result !== undefined, "still serving");
      assert.ok(calls.includes("status") && calls.includes("unknown"));
    } finally {
      p.close();
    }
  });

  it("pushes events with the subscribe id and CometBFT 0.38 shapes", async () => {
    const p = await Probe.open(server.url);
    try {
      assert.deepEqual((await p.call(10, "subscribe", { query: "tm.event='NewBlock'" })).result, {});
      assert.deepEqual((await p.call(11, "subscribe", ["tm.event='Tx' AND tx.height=2"])).result, {});
      for (const c of committed) bus.publishBlock(c);
      const nb = await p.until((m) => m.id === 10);
      assert.equal(nb.result?.query, "tm.event='NewBlock'");
      assert.equal(nb.result?.data?.type, "tendermint/event/NewBlock");
      const value = (nb.result?.data?.value ?? {}) as {
        block: unknown;
        block_id: unknown;
        result_finalize_block: unknown;
      };
      assert.ok(value.block && value.block_id && value.result_finalize_block);
      const nbEvents = (nb.result?.events ?? {}) as Record<string, string[]>;
      assert.deepEqual(nbEvents["tm.event"], ["NewBlock"]);
      const tx = await p.until((m) => m.id === 11);
      assert.equal(tx.result?.data?.type, "tendermint/event/Tx");
      const txValue = (tx.result?.data?.value ?? {}) as { TxResult: { height: string; index: number } };
      const txr = txValue.TxResult;
      assert.equal(txr.height, "2");
      assert.equal(txr.index, 0);
      const events = tx.result?.events as Record<string, string[]>;
      assert.deepEqual(events["tx.hash"], [toHexUpper(txHash(env.chain.txs[0]!.tx))]);
      assert.deepEqual(events["tx.height"], ["2"]);
      // duplicates, then the limit of 3 per client
      assert.equal(
        (await p.call(12, "subscribe", { query: "tm.event = 'NewBlock'" })).error?.data,
        "already subscribed",
      );
      assert.deepEqual((await p.call(17, "subscribe", { query: "tm.event='NewBlockHeader'" })).result, {});
      const fourth = await p.call(13, "subscribe", { query: "tm.event='NewBlockEvents'" });
      assert.equal(fourth.error?.code, -32603);
      assert.equal(fourth.error?.data, "max_subscriptions_per_client 3 reached");
      assert.deepEqual((await p.call(14, "unsubscribe", { query: "tm.event='NewBlock'" })).result, {});
      assert.equal(
        (await p.call(15, "unsubscribe", { query: "tm.event='NewBlock'" })).error?.data,
        "subscription not found",
      );
      assert.deepEqual((await p.call(16, "unsubscribe_all")).result, {});
      assert.equal(bus.numClients(), 0);
    } finally {
      p.close();
    }
  });

  it("cancels a subscription whose client does not keep up, and keeps the connection", async () => {
    const p = await Probe.open(server.url);
    try {
      await p.call(20, "subscribe", { query: "tm.event='NewBlockHeader'" });
      // 12 headers published synchronously: the write buffer (2) and subscription buffer (4) overflow
      for (let i = 0; i < 4; i++) for (const c of committed) bus.publishBlock(c);
      const cancel = await p.until((m) => m.id === 20 && m.error !== undefined);
      assert.equal(cancel.error?.code, -32000);
      assert.equal(
        cancel.error?.data,
        "subscription was canceled (reason: client is not pulling messages fast enough)",
      );
      assert.ok((await p.call(21, "health")).result !== undefined, "the connection is still served");
      assert.deepEqual((await p.call(22, "subscribe", { query: "tm.event='NewBlockHeader'" })).result, {});
    } finally {
      p.close();
    }
  });

  it("bounds subscribing clients and frees the slot on disconnect", async () => {
    const probes = await Promise.all([0, 1, 2, 3].map(() => Probe.open(server.url)));
    try {
      const replies = [];
      for (const [i, p] of probes.entries()) {
        replies.push(await p.call(30 + i, "subscribe", { query: "tm.event='NewBlock'" }));
      }
      assert.equal(replies.filter((r) => r.result !== undefined).length, 3);
      assert.equal(replies[3]?.error?.data, "max_subscription_clients 3 reached");
      probes[0]!.close();
      const deadline = Date.now() + 5000;
      while (bus.numClients() > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(bus.numClients(), 2);
      assert.deepEqual((await probes[3]!.call(40, "subscribe", { query: "tm.event='NewBlock'" })).result, {});
    } finally {
      for (const p of probes) p.close();
    }
  });

  it("decodes with CosmJS Comet38Client subscriptions", async () => {
    const wsClient = new WebsocketClient(server.url.replace("http", "ws"));
    const client = Comet38Client.create(wsClient);
    try {
      const heights: number[] = [];
      const txs: { height: number; hash: string }[] = [];
      const headers: number[] = [];
      const done = new Promise<void>((resolve, reject) => {
        const check = () => {
          if (heights.length >= 3 && txs.length >= 1 && headers.length >= 3) resolve();
        };
        client.subscribeNewBlock().addListener({
          next: (b) => {
            heights.push(b.header.height);
            check();
          },
          error: reject,
        });
        client.subscribeNewBlockHeader().addListener({
          next: (h) => {
            headers.push(h.height);
            check();
          },
          error: reject,
        });
        client.subscribeTx("tx.height=3").addListener({
          next: (t) => {
            txs.push({ height: t.height, hash: toHexUpper(t.hash) });
            check();
          },
          error: reject,
        });
      });
      // wait until the three subscriptions are registered, then publish
      const deadline = Date.now() + 5000;
      while (bus.numClients() === 0) {
        if (Date.now() > deadline) throw new Error("no subscription");
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 200));
      for (const c of committed) bus.publishBlock(c);
      await done;
      assert.deepEqual(heights, [1, 2, 3]);
      assert.deepEqual(headers, [1, 2, 3]);
      assert.deepEqual(txs, [{ height: 3, hash: toHexUpper(txHash(env.chain.txs[2]!.tx)) }]);
    } finally {
      closeCosmjsWebsocket(wsClient);
    }
  });

  it("rejects upgrades on other paths", async () => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/other`);
    const status = await new Promise<number>((resolve) => {
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(-1));
    });
    assert.equal(status, 404);
  });
});

describe("WebSocket keepalive and hard limits", () => {
  it("drops a client that does not answer pings and one that sends a huge frame; the server keeps serving", async () => {
    const server = await RpcServer.start(
      { laddr: "tcp://127.0.0.1:0", maxBodyBytes: 1000, websocket: { pingIntervalMs: 100 } },
      new FixtureEnv(),
    );
    try {
      const wsUrl = `${server.url.replace("http", "ws")}/websocket`;
      const mute = new WebSocket(wsUrl, { autoPong: false });
      await new Promise<void>((res) => mute.once("open", () => res()));
      const closedMute = await new Promise<number>((res) => mute.once("close", (code) => res(code)));
      assert.equal(closedMute, 1006, "terminated without a close frame");
      const huge = await Probe.open(server.url);
      huge.send("x".repeat(5000)); // > 4 × maxBodyBytes: the socket is closed (1009)
      const code = await new Promise<number>((res) => huge.ws.once("close", (c) => res(c)));
      assert.equal(code, 1009);
      const p = await Probe.open(server.url);
      assert.ok((await p.call(1, "health")).result !== undefined);
      p.close();
      assert.ok(server.websocketConnections <= 1);
    } finally {
      await server.close();
    }
  });
});

describe("RPC rate limit", () => {
  it("token bucket: burst, refill, per key, bounded table", () => {
    let now = 0;
    const rl = new RateLimiter(10, 3, () => now, 2);
    assert.ok(rl.take("a") && rl.take("a") && rl.take("a"));
    assert.equal(rl.take("a"), false);
    assert.ok(rl.take("b"), "another key has its own bucket");
    now += 100; // +1 token
    assert.ok(rl.take("a"));
    assert.equal(rl.take("a"), false);
    rl.take("c");
    assert.ok(rl.size <= 2);
    assert.ok(new RateLimiter(0).take("x", 1e9), "0 = off");
  });

  it("answers 429 with a JSON-RPC error over HTTP and -32000 over WebSocket", async () => {
    const server = await RpcServer.start(
      { laddr: "tcp://127.0.0.1:0", rateLimitPerSecond: 1, rateLimitBurst: 3 },
      new FixtureEnv(),
    );
    try {
      const statuses: number[] = [];
      let last: Reply = {};
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${server.url}/health`);
        statuses.push(res.status);
        last = (await res.json()) as Reply;
      }
      assert.deepEqual(statuses, [200, 200, 200, 429], JSON.stringify(last));
      assert.equal(last.error?.code, -32000);
      assert.equal(last.error?.data, "rate limit exceeded");
    } finally {
      await server.close();
    }
  });
});
