import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildTags,
  type CommittedBlock,
  ERR_OUT_OF_CAPACITY,
  ERR_STOPPED,
  ERR_UNSUBSCRIBED,
  EventBus,
  EventsErrorCode,
} from "../../../src/events/index.js";
import { txHash } from "../../../src/types/block.js";
import { toHexUpper } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";
import { buildChain, RECIPIENT, SENDER } from "../rpc/fixture.js";

const chain = buildChain();
const committed: CommittedBlock[] = chain.blocks.map((block, i) => ({
  block,
  blockId: chain.metas[i]!.blockId,
  results: chain.results[i]!,
}));

function publishAll(bus: EventBus): void {
  for (const c of committed) bus.publishBlock(c);
}

function drain(sub: { take(): unknown }): unknown[] {
  const out: unknown[] = [];
  for (let m = sub.take(); m !== undefined; m = sub.take()) out.push(m);
  return out;
}

function assertCoded(fn: () => void, code: EventsErrorCode, text: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CodedError);
    assert.equal(e.codespace, "events");
    assert.equal(e.code, code);
    assert.match(e.message, text);
    return true;
  });
}

describe("EventBus tags", () => {
  it("builds composite keys with tm.event and reserved tags first, skipping empty types and keys", () => {
    const tags = buildTags(
      "Tx",
      [
        { type: "transfer", attributes: [{ key: "amount", value: "5aopen", index: true }] },
        { type: "transfer", attributes: [{ key: "amount", value: "7aopen", index: false }] },
        { type: "", attributes: [{ key: "x", value: "y", index: true }] },
        { type: "message", attributes: [{ key: "", value: "z", index: true }] },
      ],
      [["tx.height", "2"]],
    );
    assert.deepEqual(
      [...tags.entries()],
      [
        ["tm.event", ["Tx"]],
        ["tx.height", ["2"]],
        ["transfer.amount", ["5aopen", "7aopen"]],
      ],
    );
  });
});

describe("EventBus filters", () => {
  it("does no work and keeps counting without subscribers", () => {
    const bus = new EventBus();
    publishAll(bus);
    // 3 blocks × (NewBlock, NewBlockHeader, NewBlockEvents) + 3 txs
    assert.equal(bus.publishedCount, 12);
  });

  it("delivers NewBlock / NewBlockHeader / NewBlockEvents only to matching queries", () => {
    const bus = new EventBus();
    const blocks = bus.subscribe("c1", "tm.event='NewBlock'");
    const headers = bus.subscribe("c1", "tm.event = 'NewBlockHeader' AND block.height >= 2");
    const events = bus.subscribe("c2", "tm.event='NewBlockEvents' AND block_event.height = 3");
    publishAll(bus);
    const b = drain(blocks) as { data: { type: string; block: { header: { height: number } } } }[];
    assert.deepEqual(
      b.map((m) => [m.data.type, m.data.block.header.height]),
      [
        ["NewBlock", 1],
        ["NewBlock", 2],
        ["NewBlock", 3],
      ],
    );
    const h = drain(headers) as { data: { type: string; header: { height: number } } }[];
    assert.deepEqual(
      h.map((m) => m.data.header.height),
      [2, 3],
    );
    const e = drain(events) as { data: { type: string; height: number; numTxs: number } }[];
    assert.deepEqual(
      e.map((m) => [m.data.type, m.data.height, m.data.numTxs]),
      [["NewBlockEvents", 3, 1]],
    );
  });

  it("publishes one Tx per tx with tx.hash, tx.height and every attribute as tags", () => {
    const bus = new EventBus();
    const all = bus.subscribe("c", "tm.event='Tx'");
    const byHeight = bus.subscribe("c", "tm.event='Tx' AND tx.height=2");
    const bySender = bus.subscribe(
      "c",
      `message.sender='${SENDER}' AND transfer.recipient CONTAINS 'recipient'`,
    );
    const tx = chain.txs[2]!;
    const byHash = bus.subscribe("d", `tx.hash='${toHexUpper(txHash(tx.tx))}'`);
    const none = bus.subscribe("d", `transfer.recipient='${RECIPIENT}x'`);
    publishAll(bus);
    type TxMsg = { data: { type: "Tx"; height: number; index: number }; tags: Map<string, string[]> };
    const pick = (xs: unknown[]) => (xs as TxMsg[]).map((m) => [m.data.height, m.data.index]);
    assert.deepEqual(pick(drain(all)), [
      [2, 0],
      [2, 1],
      [3, 0],
    ]);
    assert.deepEqual(pick(drain(byHeight)), [
      [2, 0],
      [2, 1],
    ]);
    // tx 2/1 failed and has no message/transfer events
    assert.deepEqual(pick(drain(bySender)), [
      [2, 0],
      [3, 0],
    ]);
    const hashed = drain(byHash) as TxMsg[];
    assert.deepEqual(pick(hashed), [[3, 0]]);
    assert.deepEqual(hashed[0]!.tags.get("tx.height"), ["3"]);
    assert.equal(drain(none).length, 0);
  });

  it("publishes ValidatorSetUpdates only when the set changes", () => {
    const bus = new EventBus();
    const sub = bus.subscribe("c", "tm.event='ValidatorSetUpdates'");
    publishAll(bus);
    assert.equal(sub.pending, 0);
    const c = committed[0]!;
    bus.publishBlock({
      ...c,
      results: { ...c.results, validatorUpdates: [{ pubKey: new Uint8Array(32).fill(1), power: 5n }] },
    });
    const got = drain(sub) as { data: { type: string; validatorUpdates: unknown[] } }[];
    assert.equal(got.length, 1);
    assert.equal(got[0]!.data.validatorUpdates.length, 1);
  });

  it("resolves next() as messages arrive and undefined after unsubscribe", async () => {
    const bus = new EventBus();
    const sub = bus.subscribe("c", "tm.event='NewBlockHeader'");
    const first = sub.next();
    bus.publishBlock(committed[0]!);
    const m = await first;
    assert.equal(m?.data.type, "NewBlockHeader");
    const pending = sub.next();
    bus.unsubscribe("c", "tm.event = 'NewBlockHeader'");
    assert.equal(await pending, undefined);
    assert.equal(sub.err, ERR_UNSUBSCRIBED);
    assert.equal(bus.numClients(), 0);
  });
});

describe("EventBus bounds", () => {
  it("cancels a slow subscriber without affecting others or the publisher", () => {
    const bus = new EventBus({ bufferSize: 2 });
    const slow = bus.subscribe("slow", "tm.event='NewBlock'");
    const fast = bus.subscribe("fast", "tm.event='NewBlock'");
    let woken = 0;
    slow.onReady(() => {
      woken++;
    });
    const got: number[] = [];
    fast.onReady(() => {
      for (let m = fast.take(); m !== undefined; m = fast.take()) got.push(got.length);
    });
    publishAll(bus); // 3 NewBlock messages; slow never takes
    assert.equal(slow.canceled, true);
    assert.equal(slow.err, ERR_OUT_OF_CAPACITY);
    assert.equal(slow.pending, 0, "a cancelled subscription drops its buffer");
    assert.equal(woken, 3, "two deliveries and the cancellation");
    assert.equal(fast.canceled, false);
    assert.equal(got.length, 3);
    assert.equal(bus.numClientSubscriptions("slow"), 0, "cancelled subscriptions leave the tables");
    assert.equal(bus.numClients(), 1);
    // the slow client may subscribe again
    bus.subscribe("slow", "tm.event='NewBlock'");
  });

  it("a throwing listener does not reach the publisher", () => {
    const bus = new EventBus();
    const sub = bus.subscribe("c", "tm.event='NewBlock'");
    sub.onReady(() => {
      throw new Error("consumer bug");
    });
    assert.doesNotThrow(() => publishAll(bus));
    assert.equal(sub.pending, 3);
  });

  it("enforces max clients, max subscriptions per client, duplicates and query checks with coded errors", () => {
    const bus = new EventBus({ maxClients: 2, maxSubscriptionsPerClient: 2 });
    bus.subscribe("a", "tm.event='NewBlock'");
    bus.subscribe("b", "tm.event='NewBlock'");
    assertCoded(
      () => bus.subscribe("c", "tm.event='NewBlock'"),
      EventsErrorCode.TooManyClients,
      /^max_subscription_clients 2 reached$/,
    );
    assertCoded(
      () => bus.subscribe("a", "tm.event = 'NewBlock'"),
      EventsErrorCode.AlreadySubscribed,
      /^already subscribed$/,
    );
    bus.subscribe("a", "tm.event='Tx'");
    assertCoded(
      () => bus.subscribe("a", "tm.event='NewBlockHeader'"),
      EventsErrorCode.TooManySubscriptions,
      /^max_subscriptions_per_client 2 reached$/,
    );
    assertCoded(() => bus.subscribe("b", "tm.event="), EventsErrorCode.InvalidQuery, /failed to parse query/);
    assertCoded(
      () => bus.subscribe("b", `tm.event='${"x".repeat(600)}'`),
      EventsErrorCode.InvalidQuery,
      /maximum query length exceeded/,
    );
    assertCoded(
      () => bus.unsubscribe("b", "tm.event='Tx'"),
      EventsErrorCode.SubscriptionNotFound,
      /subscription not found/,
    );
    assertCoded(() => bus.unsubscribeAll("zzz"), EventsErrorCode.SubscriptionNotFound, /not found/);
    assert.equal(bus.numClientSubscriptions("a"), 2);
    bus.unsubscribeAll("a");
    assert.equal(bus.numClients(), 1);
    bus.subscribe("c", "tm.event='NewBlock'"); // room again
  });

  it("stop cancels every subscription and refuses new ones", () => {
    const bus = new EventBus();
    const sub = bus.subscribe("a", "tm.event='NewBlock'");
    bus.stop();
    assert.equal(sub.err, ERR_STOPPED);
    assertCoded(() => bus.subscribe("a", "tm.event='NewBlock'"), EventsErrorCode.Stopped, /stopped/);
    assert.doesNotThrow(() => publishAll(bus));
  });
});
