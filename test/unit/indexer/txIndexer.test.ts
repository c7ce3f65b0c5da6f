import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { AbciEvent, ExecTxResult } from "../../../src/abci/types.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { INDEXER_CODESPACE, IndexerErrorCode } from "../../../src/indexer/errors.js";
import { TxIndexer } from "../../../src/indexer/txIndexer.js";
import { LevelDatabase } from "../../../src/store/levelDatabase.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import { toHex, toHexUpper, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const ev = (type: string, attrs: Record<string, string>, index = true): AbciEvent => ({
  type,
  attributes: Object.entries(attrs).map(([key, value]) => ({ key, value, index })),
});

function result(events: AbciEvent[], code = 0): ExecTxResult {
  return {
    code,
    data: utf8("ok"),
    log: "",
    info: "",
    gasWanted: 200000n,
    gasUsed: 50000n,
    events,
    codespace: code === 0 ? "" : "sdk",
  };
}

/** Height h has h % 4 txs; tx i of height h sends from `open1s{(h+i)%3}` to `open1r{i}` an amount h*10+i. */
function sendTx(h: number, i: number): { tx: Uint8Array; res: ExecTxResult } {
  const tx = utf8(`send-${h}-${i}`);
  return {
    tx,
    res: result(
      [
        ev("message", {
          action: "/cosmos.bank.v1beta1.MsgSend",
          sender: `open1s${(h + i) % 3}`,
          module: "bank",
        }),
        ev("transfer", { recipient: `open1r${i}`, sender: `open1s${(h + i) % 3}`, amount: `${h * 10 + i}` }),
        ev("transfer", { recipient: "open1fee", sender: `open1s${(h + i) % 3}`, amount: "1" }),
        ev("secret", { note: "not indexed" }, false),
      ],
      h === 7 && i === 1 ? 5 : 0,
    ),
  };
}

async function buildIndex(db: MemoryDatabase | LevelDatabase, heights = 12): Promise<TxIndexer> {
  const idx = new TxIndexer(db);
  for (let h = 1; h <= heights; h++) {
    const made = Array.from({ length: h % 4 }, (_, i) => sendTx(h, i));
    idx.stageBlock(
      h,
      made.map((m) => m.tx),
      made.map((m) => m.res),
      [ev("block_reward", { validator: h % 2 === 0 ? "even" : "odd", amount: String(h) })],
    );
    await db.flush();
  }
  return idx;
}

const loc = (r: { txs: { height: number; index: number }[] }) => r.txs.map((t) => `${t.height}/${t.index}`);

function isIndexerError(code: number) {
  return (e: unknown) => e instanceof CodedError && e.codespace === INDEXER_CODESPACE && e.code === code;
}

describe("TxIndexer", () => {
  it("gets txs by hash and finds them with tx.hash", async () => {
    const db = new MemoryDatabase();
    const idx = await buildIndex(db);
    const { tx, res } = sendTx(6, 1);
    const rec = await idx.getTx(sha256(tx));
    assert.ok(rec !== undefined);
    assert.equal(rec.height, 6);
    assert.equal(rec.index, 1);
    assert.deepEqual(rec.tx, tx);
    assert.deepEqual(rec.result, res);
    const found = await idx.searchTxs(`tx.hash='${toHexUpper(sha256(tx))}'`);
    assert.equal(found.totalCount, 1);
    assert.deepEqual(found.txs[0]!.tx, tx);
    assert.equal((await idx.searchTxs(`tx.hash='${toHex(sha256(utf8("none")))}'`)).totalCount, 0);
    await assert.rejects(idx.searchTxs("tx.hash='zz'"), isIndexerError(IndexerErrorCode.InvalidQuery));
    assert.equal(await idx.getTx(sha256(utf8("none"))), undefined);
  });

  it("searches by height, equality and combinations, in (height, index) order", async () => {
    const idx = await buildIndex(new MemoryDatabase());
    assert.deepEqual(loc(await idx.searchTxs("tx.height=6")), ["6/0", "6/1"]);
    assert.deepEqual(loc(await idx.searchTxs("tx.height >= 5 AND tx.height < 7")), ["5/0", "6/0", "6/1"]);
    assert.deepEqual(loc(await idx.searchTxs("transfer.recipient='open1r2'")), ["3/2", "7/2", "11/2"]);
    assert.deepEqual(loc(await idx.searchTxs("transfer.recipient='open1r2' AND tx.height > 3")), [
      "7/2",
      "11/2",
    ]);
    assert.deepEqual(
      loc(await idx.searchTxs("tm.event='Tx' AND message.sender='open1s0' AND transfer.recipient='open1r1'")),
      ["2/1", "11/1"],
    );
    // one tx matching through two events counts once
    const bySender = await idx.searchTxs("message.sender='open1s0'");
    const byTransfer = await idx.searchTxs("transfer.sender='open1s0'");
    assert.ok(bySender.totalCount > 0);
    assert.deepEqual(loc(byTransfer), loc(bySender));
    assert.equal(byTransfer.totalCount, bySender.totalCount);
    assert.deepEqual(
      loc(await idx.searchTxs("transfer.sender='open1s0'", { orderBy: "desc" })),
      loc(bySender).reverse(),
    );
    // same-type conditions must hold in one event
    assert.equal((await idx.searchTxs("transfer.recipient='open1fee' AND transfer.amount=61")).totalCount, 0);
    assert.deepEqual(loc(await idx.searchTxs("transfer.recipient='open1r1' AND transfer.amount=61")), [
      "6/1",
    ]);
    assert.equal((await idx.searchTxs("secret.note EXISTS")).totalCount, 0);
    assert.equal((await idx.searchTxs("tm.event='NewBlock'")).totalCount, 0);
    assert.equal((await idx.searchTxs("tx.height=5 AND tx.height=6")).totalCount, 0);
  });

  it("supports ranges on numbers, CONTAINS and EXISTS", async () => {
    const idx = await buildIndex(new MemoryDatabase());
    assert.deepEqual(loc(await idx.searchTxs("transfer.amount > 100")), ["10/1", "11/0", "11/1", "11/2"]);
    assert.deepEqual(loc(await idx.searchTxs("transfer.amount >= 61 AND transfer.amount <= 70")), [
      "6/1",
      "7/0",
    ]);
    assert.deepEqual(loc(await idx.searchTxs("transfer.recipient CONTAINS 'r2'")), ["3/2", "7/2", "11/2"]);
    assert.equal((await idx.searchTxs("message.action EXISTS")).totalCount, 18);
    assert.equal((await idx.searchTxs("tx.height EXISTS")).totalCount, 18);
    assert.equal((await idx.searchTxs("message.action EXISTS AND tx.height <= 3")).totalCount, 6);
  });

  it("paginates and orders", async () => {
    const idx = await buildIndex(new MemoryDatabase());
    const all = await idx.searchTxs("message.module='bank'", { perPage: 100 });
    assert.equal(all.totalCount, 18);
    const p1 = await idx.searchTxs("message.module='bank'", { perPage: 5, page: 1 });
    const p4 = await idx.searchTxs("message.module='bank'", { perPage: 5, page: 4 });
    assert.deepEqual(loc(p1), loc(all).slice(0, 5));
    assert.deepEqual(loc(p4), loc(all).slice(15));
    assert.equal(p4.totalCount, 18);
    assert.equal((await idx.searchTxs("message.module='bank'", { perPage: 5, page: 5 })).txs.length, 0);
    assert.equal((await idx.searchTxs("message.module='bank'", { page: 0 })).txs.length, 0);
    const desc = await idx.searchTxs("message.module='bank'", { orderBy: "desc", perPage: 3 });
    assert.deepEqual(loc(desc), ["11/2", "11/1", "11/0"]);
    const descH = await idx.searchTxs("tx.height > 0", { orderBy: "desc", perPage: 3, page: 2 });
    assert.deepEqual(loc(descH), ["10/1", "10/0", "9/0"]);
    assert.equal(descH.totalCount, 18);
    assert.equal((await idx.searchTxs("tx.height > 0", { perPage: 1000 })).txs.length, 18);
    assert.equal((await idx.searchTxs("tx.height > 0", { perPage: 0 })).txs.length, 18);
    // default page size 30 / max 100
    const many = new TxIndexer(new MemoryDatabase());
    const db2 = new MemoryDatabase();
    const big = new TxIndexer(db2);
    const txs = Array.from({ length: 150 }, (_, i) => utf8(`t${i}`));
    big.stageBlock(
      1,
      txs,
      txs.map(() => result([ev("x", { y: "z" })])),
      [],
    );
    await db2.flush();
    assert.equal((await big.searchTxs("x.y='z'")).txs.length, 30);
    assert.equal((await big.searchTxs("x.y='z'", { perPage: 500 })).txs.length, 100);
    assert.equal((await big.searchTxs("x.y='z'")).totalCount, 150);
    assert.equal((await many.searchTxs("x.y='z'")).totalCount, 0);
  });

  it("searches blocks by height and finalize-block events", async () => {
    const idx = await buildIndex(new MemoryDatabase());
    const even = await idx.searchBlocks("block_reward.validator='even'");
    assert.deepEqual(even.heights, [2, 4, 6, 8, 10, 12]);
    assert.deepEqual((await idx.searchBlocks("block.height > 9")).heights, [10, 11, 12]);
    assert.deepEqual(
      (
        await idx.searchBlocks("block_reward.validator='odd' AND block_reward.amount >= 5", {
          orderBy: "desc",
        })
      ).heights,
      [11, 9, 7, 5],
    );
    assert.deepEqual((await idx.searchBlocks("tm.event='NewBlock' AND block.height=3")).heights, [3]);
    assert.equal((await idx.searchBlocks("tm.event='Tx'")).totalCount, 0);
    assert.equal(await idx.lastIndexedHeight(), 12);
  });

  it("keeps an earlier successful record when a failed duplicate is indexed", async () => {
    const db = new MemoryDatabase();
    const idx = new TxIndexer(db);
    const tx = utf8("dup");
    idx.stageBlock(1, [tx], [result([])], []);
    await db.flush();
    idx.stageBlock(2, [tx], [result([], 19)], []);
    await db.flush();
    const rec = await idx.getTx(sha256(tx));
    assert.equal(rec?.height, 1);
    assert.equal(rec?.result.code, 0);
  });

  it("rejects bad arguments and bad queries with coded errors and stages nothing", async () => {
    const db = new MemoryDatabase();
    const idx = new TxIndexer(db);
    assert.throws(() => idx.stageBlock(0, [], [], []), isIndexerError(IndexerErrorCode.InvalidRequest));
    assert.throws(
      () => idx.stageBlock(1, [utf8("a")], [], []),
      isIndexerError(IndexerErrorCode.InvalidRequest),
    );
    assert.equal(db.stagedCount, 0);
    for (const q of ["", "tx.height >", "a.b = 'x' OR a.c = 'y'", "tx.hash > 5"]) {
      await assert.rejects(idx.searchTxs(q), isIndexerError(IndexerErrorCode.InvalidQuery));
      await assert.rejects(
        idx.searchBlocks(q === "tx.hash > 5" ? "block.height CONTAINS 5" : q),
        isIndexerError(IndexerErrorCode.InvalidQuery),
      );
    }
  });

  it("works on LevelDB and across re-open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "indexer-"));
    try {
      let db = await LevelDatabase.open(dir);
      await buildIndex(db, 8);
      await db.close();
      db = await LevelDatabase.open(dir);
      const idx = new TxIndexer(db);
      assert.deepEqual(loc(await idx.searchTxs("transfer.recipient='open1r2'")), ["3/2", "7/2"]);
      assert.deepEqual(loc(await idx.searchTxs("tx.height >= 6", { orderBy: "desc" })), [
        "7/2",
        "7/1",
        "7/0",
        "6/1",
        "6/0",
      ]);
      assert.equal(await idx.lastIndexedHeight(), 8);
      await db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
