/**
 * The grouped tx event index (one entry per type.key, value and height) and height index (one entry
 * per block) answer every query exactly as the per-attribute and per-tx entries of older versions did,
 * and an index that older versions began (lower heights in the older layout) answers as one built
 * either way.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AbciEvent, ExecTxResult } from "../../../src/abci/types.js";
import { KeyArena, txEventGroupKey, txHeightGroupKey } from "../../../src/indexer/keys.js";
import { type SearchOptions, TxIndexer } from "../../../src/indexer/txIndexer.js";
import { Bucket } from "../../../src/store/db.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import { utf8 } from "../../../src/types/bytes.js";
import { mulberry32 } from "../../helpers/rng.js";

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const TYPES = ["message", "transfer", "coin_spent", "tx", "a.b"] as const;
const KEYS = ["sender", "recipient", "amount", "module", "fee", "x.y"] as const;
const VALUES = ["open1a", "open1b", "open1c", "bank", "5aopen", "10", "7", "200", "", "ü€", "a\u0000b"];

function randomEvents(r: Rng): AbciEvent[] {
  const events: AbciEvent[] = [];
  const n = Math.floor(r() * 6);
  for (let e = 0; e < n; e++) {
    const attributes = [];
    const m = Math.floor(r() * 5);
    for (let a = 0; a < m; a++) {
      attributes.push({
        key: r() < 0.03 ? "" : pick(r, KEYS),
        value: pick(r, VALUES),
        index: r() < 0.9,
      });
    }
    events.push({ type: r() < 0.03 ? "" : pick(r, TYPES), attributes });
  }
  return events;
}

function result(events: AbciEvent[], code: number): ExecTxResult {
  return {
    code,
    data: new Uint8Array(0),
    log: "",
    info: "",
    gasWanted: 1n,
    gasUsed: 1n,
    events,
    codespace: "",
  };
}

interface Block {
  height: number;
  txs: Uint8Array[];
  results: ExecTxResult[];
}

function randomChain(seed: number, heights: number): Block[] {
  const r = mulberry32(seed);
  const blocks: Block[] = [];
  for (let height = 1; height <= heights; height++) {
    const n = Math.floor(r() * 6);
    const txs: Uint8Array[] = [];
    const results: ExecTxResult[] = [];
    for (let i = 0; i < n; i++) {
      txs.push(utf8(`tx-${seed}-${height}-${i}`));
      results.push(result(randomEvents(r), r() < 0.1 ? 3 : 0));
    }
    blocks.push({ height, txs, results });
  }
  return blocks;
}

/** An index of `blocks`, per attribute below `groupsFrom` and grouped from it on. */
async function build(blocks: readonly Block[], groupsFrom: number): Promise<TxIndexer> {
  const db = new MemoryDatabase();
  const older = new TxIndexer(db, { olderLayout: true });
  const newer = new TxIndexer(db);
  for (const b of blocks) {
    (b.height < groupsFrom ? older : newer).stageBlock(b.height, b.txs, b.results, []);
    await db.flush();
  }
  return newer;
}

function randomQuery(r: Rng, heights: number): string {
  const conds: string[] = [];
  if (r() < 0.15) {
    // Heights only: the height index alone answers.
    const n = Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      conds.push(`tx.height ${pick(r, ["<", "<=", ">", ">=", "="])} ${1 + Math.floor(r() * heights)}`);
    }
    return conds.length === 0 ? "tx.height >= 1" : conds.join(" AND ");
  }
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const tag = `${pick(r, TYPES)}.${pick(r, KEYS)}`;
    const v = pick(r, VALUES.slice(0, 8));
    const roll = r();
    if (roll < 0.5) conds.push(`${tag}='${v}'`);
    else if (roll < 0.6) conds.push(`${tag} EXISTS`);
    else if (roll < 0.7) conds.push(`${tag} CONTAINS '${v.slice(0, 3)}'`);
    else if (roll < 0.8) conds.push(`${tag} ${pick(r, ["<", "<=", ">", ">="])} ${Math.floor(r() * 20)}`);
    else conds.push(`tx.height ${pick(r, ["<", "<=", ">", ">=", "="])} ${1 + Math.floor(r() * heights)}`);
  }
  return conds.join(" AND ");
}

const view = (res: { txs: { height: number; index: number; hash: Uint8Array }[]; totalCount: number }) => ({
  total: res.totalCount,
  txs: res.txs.map((t) => `${t.height}/${t.index}/${Buffer.from(t.hash).toString("hex")}`),
});

describe("tx event groups", () => {
  it("answer seeded random queries as the per-attribute layout, also in a mixed index", async () => {
    const heights = 30;
    for (let seed = 1; seed <= 6; seed++) {
      const blocks = randomChain(seed, heights);
      const older = await build(blocks, heights + 1);
      const grouped = await build(blocks, 1);
      const mixed = await build(blocks, 1 + Math.floor(heights / 2));
      const r = mulberry32(1000 + seed);
      let nonEmpty = 0;
      for (let q = 0; q < 150; q++) {
        const query = randomQuery(r, heights);
        const opts: SearchOptions = {
          page: 1 + Math.floor(r() * 3),
          perPage: pick(r, [1, 3, 30]),
          orderBy: r() < 0.5 ? "asc" : "desc",
        };
        const want = view(await older.searchTxs(query, opts));
        if (want.total > 0) nonEmpty++;
        assert.deepEqual(
          view(await grouped.searchTxs(query, opts)),
          want,
          `${query} ${JSON.stringify(opts)}`,
        );
        assert.deepEqual(view(await mixed.searchTxs(query, opts)), want, `mixed: ${query}`);
      }
      assert.ok(nonEmpty > 30, `seed ${seed}: only ${nonEmpty} queries matched anything`);
    }
  });

  it("write one entry per type.key, value and height with its (index, event) pairs", async () => {
    const db = new MemoryDatabase();
    const idx = new TxIndexer(db);
    const ev = (value: string): AbciEvent => ({
      type: "message",
      attributes: [
        { key: "module", value: "bank", index: true },
        { key: "sender", value, index: true },
        { key: "sender", value, index: true },
      ],
    });
    idx.stageBlock(9, [utf8("a"), utf8("b")], [result([ev("x"), ev("y")], 0), result([ev("x")], 0)], []);
    await db.flush();
    const groups = new Map<string, string>();
    for await (const [k, v] of db.iterate(
      Uint8Array.of(Bucket.txEventGroups),
      Uint8Array.of(Bucket.txEventGroups + 1),
    )) {
      groups.set(Buffer.from(k).toString("hex"), Buffer.from(v).toString("hex"));
    }
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    assert.equal(
      (await db.get(txHeightGroupKey(9)))?.length,
      64,
      "one height entry for the block: its two tx hashes",
    );
    assert.deepEqual(
      groups,
      new Map([
        [
          hex(txEventGroupKey("message.module", "bank", 9)),
          "000000000000000100000000000000020000000100000001",
        ],
        [hex(txEventGroupKey("message.sender", "x", 9)), "0000000000000001" + "0000000100000001"],
        [hex(txEventGroupKey("message.sender", "y", 9)), "0000000000000002"],
      ]),
    );
    const arena = new KeyArena();
    for (const h of [1, 2 ** 32 + 5, 2 ** 40 - 1]) {
      assert.deepEqual(
        new Uint8Array(arena.txEventGroupKey("transfer", "sender", "ü€", h)),
        txEventGroupKey("transfer.sender", "ü€", h),
      );
    }
  });
});
