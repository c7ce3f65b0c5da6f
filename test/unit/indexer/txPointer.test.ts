/**
 * The tx index in pointer mode (records by hash point into the block store) must answer exactly as
 * the copy mode (records by hash hold the whole `TxResult`): same `getTx`, same searches, same
 * duplicate handling, on memory and LevelDB, over seeded random blocks.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type {
  AbciEvent,
  ConsensusParams,
  ExecTxResult,
  FinalizeBlockResponse,
} from "../../../src/abci/types.js";
import { BlockStore } from "../../../src/blockstore/blockStore.js";
import { encodeExecTxResult, encodeFinalizeBlockResponse } from "../../../src/blockstore/codec.js";
import { scanBlockTx, scanBlockTxs, scanFinalizeBlockTxResult } from "../../../src/blockstore/protoScan.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { KeyArena, txEventKey, txHeightKey } from "../../../src/indexer/keys.js";
import { TxIndexer } from "../../../src/indexer/txIndexer.js";
import type { Database } from "../../../src/store/db.js";
import { LevelDatabase } from "../../../src/store/levelDatabase.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import {
  type Block,
  type BlockID,
  emptyCommit,
  encodeBlock,
  fillHeader,
  makeBlockId,
  type Validator,
  zeroBlockId,
} from "../../../src/types/block.js";
import { toHexUpper, utf8 } from "../../../src/types/bytes.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

const PICK_STRINGS = [
  "",
  "a",
  "bank",
  "open1s0",
  "open1s1",
  "é€",
  "x\u0000y",
  "5aopen",
  "tx",
  "hash",
  "height",
  "🙂",
];

function randomEvent(r: () => number): AbciEvent {
  const pick = () => PICK_STRINGS[Math.floor(r() * PICK_STRINGS.length)] as string;
  const types = ["transfer", "message", "tx", "", "coin_spent", "ü.type"];
  return {
    type: types[Math.floor(r() * types.length)] as string,
    attributes: Array.from({ length: Math.floor(r() * 4) }, () => ({
      key:
        r() < 0.8
          ? (["sender", "recipient", "amount", "hash", "height", ""][Math.floor(r() * 6)] as string)
          : pick(),
      value: r() < 0.5 ? `v${Math.floor(r() * 5)}` : pick(),
      index: r() < 0.8,
    })),
  };
}

function randomResult(r: () => number): ExecTxResult {
  return {
    code: r() < 0.2 ? 1 + Math.floor(r() * 40) : 0,
    data: r() < 0.7 ? utf8(`data-${Math.floor(r() * 1000)}`) : new Uint8Array(0),
    log: r() < 0.5 ? "" : `log ${Math.floor(r() * 100)} ü`,
    info: r() < 0.8 ? "" : "info",
    gasWanted: BigInt(Math.floor(r() * 300000)),
    gasUsed: r() < 0.1 ? 0n : BigInt(Math.floor(r() * 200000)),
    events: Array.from({ length: Math.floor(r() * 5) }, () => randomEvent(r)),
    codespace: r() < 0.7 ? "" : "sdk",
  };
}

const valset: Validator[] = [
  {
    address: new Uint8Array(20).fill(7),
    pubKey: new Uint8Array(32).fill(9),
    votingPower: 10n,
    proposerPriority: 0n,
  },
];
const params: ConsensusParams = {
  block: { maxBytes: 22020096, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

interface Height {
  block: Block;
  id: BlockID;
  results: FinalizeBlockResponse;
}

/** Seeded random heights; some txs repeat earlier ones (duplicates, some failing). */
function makeHeights(seed: number, n: number): Height[] {
  const r = rng(seed);
  const specs: Spec[] = [];
  const seen: Uint8Array[] = [];
  for (let h = 1; h <= n; h++) {
    const count = Math.floor(r() * 6);
    const txs: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const dup = seen.length > 0 && r() < 0.15;
      const tx = dup
        ? (seen[Math.floor(r() * seen.length)] as Uint8Array)
        : utf8(`tx-${seed}-${h}-${i}-${r()}`);
      txs.push(tx);
      seen.push(tx);
    }
    specs.push({
      txs,
      txResults: txs.map(() => randomResult(r)),
      events: Array.from({ length: Math.floor(r() * 3) }, () => randomEvent(r)),
    });
  }
  return makeChain(specs);
}

interface Spec {
  txs: Uint8Array[];
  txResults: ExecTxResult[];
  events: AbciEvent[];
}

/** Blocks (heights 1, 2, …) of the given txs, results and block events. */
function makeChain(specs: Spec[]): Height[] {
  const out: Height[] = [];
  let prev: BlockID = zeroBlockId();
  specs.forEach(({ txs, txResults, events }, i) => {
    const h = i + 1;
    const block = fillHeader({
      header: {
        version: { block: 11n, app: 0n },
        chainId: "pointer-test",
        height: h,
        time: { seconds: 1_700_000_000n + BigInt(h), nanos: 0 },
        lastBlockId: prev,
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: new Uint8Array(32).fill(1),
        nextValidatorsHash: new Uint8Array(32).fill(1),
        consensusHash: new Uint8Array(32).fill(2),
        appHash: new Uint8Array(32).fill(3),
        lastResultsHash: new Uint8Array(32).fill(4),
        evidenceHash: new Uint8Array(0),
        proposerAddress: new Uint8Array(20).fill(7),
      },
      data: { txs },
      evidence: [],
      lastCommit: emptyCommit(),
    });
    const id = makeBlockId(block);
    out.push({
      block,
      id,
      results: { events, txResults, validatorUpdates: [], appHash: sha256(utf8(`app-${h}`)) },
    });
    prev = id;
  });
  return out;
}

/** Index `heights` in copy mode (no source) or pointer mode (block store staged alongside). */
async function index(db: Database, heights: Height[], pointers: boolean): Promise<TxIndexer> {
  const store = await BlockStore.open(db);
  const idx = pointers ? new TxIndexer(db, { txSource: store }) : new TxIndexer(db);
  for (const { block, id, results } of heights) {
    if (pointers) {
      store.stageBlock({
        block,
        blockId: id,
        seenCommit: { height: block.header.height, round: 0, blockId: id, signatures: [] },
        results,
        validators: valset,
        nextValidators: valset,
        nextConsensusParams: params,
      });
    }
    idx.stageBlock(block.header.height, block.data.txs, results.txResults, results.events);
    await db.flush();
  }
  return idx;
}

const QUERIES = [
  "tx.height > 0",
  "tx.height >= 3 AND tx.height < 9",
  "transfer.sender='v1'",
  "transfer.sender EXISTS",
  "message.amount CONTAINS 'v'",
  "transfer.recipient='v2' AND transfer.amount='v3'",
  "coin_spent.hash EXISTS AND tx.height <= 10",
  "tm.event='Tx' AND transfer.height='v0'",
  "transfer.amount > 3",
];

async function assertSameAnswers(a: TxIndexer, b: TxIndexer, heights: Height[]): Promise<void> {
  for (const { block } of heights) {
    for (const tx of block.data.txs) {
      const hash = sha256(tx);
      assert.deepEqual(await b.getTx(hash), await a.getTx(hash));
      const q = `tx.hash='${toHexUpper(hash)}'`;
      assert.deepEqual(await b.searchTxs(q), await a.searchTxs(q));
    }
  }
  assert.equal(await b.getTx(sha256(utf8("absent"))), undefined);
  for (const q of QUERIES) {
    for (const opts of [{}, { orderBy: "desc" as const, perPage: 3, page: 2 }, { perPage: 100 }]) {
      assert.deepEqual(await b.searchTxs(q, opts), await a.searchTxs(q, opts), q);
    }
  }
  assert.deepEqual(await b.searchBlocks("block.height > 2"), await a.searchBlocks("block.height > 2"));
}

describe("tx index pointer records", () => {
  it("answer exactly as full records over seeded random blocks (memory)", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const heights = makeHeights(seed, 14);
      const copy = await index(new MemoryDatabase(), heights, false);
      const pointer = await index(new MemoryDatabase(), heights, true);
      await assertSameAnswers(copy, pointer, heights);
    }
  });

  it("answer exactly as full records on LevelDB across re-open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "txpointer-"));
    try {
      const heights = makeHeights(42, 12);
      const copy = await index(new MemoryDatabase(), heights, false);
      let db = await LevelDatabase.open(dir);
      await index(db, heights, true);
      await db.close();
      db = await LevelDatabase.open(dir);
      const reopened = new TxIndexer(db, { txSource: await BlockStore.open(db) });
      await assertSameAnswers(copy, reopened, heights);
      await db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keep an earlier successful record when a failed duplicate is indexed", async () => {
    const tx = utf8("dup");
    const ok = { ...randomResult(rng(1)), code: 0 };
    const heights = makeChain([
      { txs: [tx], txResults: [ok], events: [] },
      { txs: [tx], txResults: [{ ...ok, code: 19 }], events: [] },
    ]);
    const pointer = await index(new MemoryDatabase(), heights, true);
    const rec = await pointer.getTx(sha256(tx));
    assert.equal(rec?.height, 1);
    assert.equal(rec?.result.code, 0);
    const copy = await index(new MemoryDatabase(), heights, false);
    await assertSameAnswers(copy, pointer, heights);
  });

  it("scan one tx and one result out of stored bytes like the decoders", () => {
    for (const { block, results } of makeHeights(9, 10)) {
      const blockBytes = encodeBlock(block);
      const resultsBytes = encodeFinalizeBlockResponse(results);
      block.data.txs.forEach((tx, i) => {
        assert.deepEqual(scanBlockTx(blockBytes, i), tx);
        assert.deepEqual(
          scanFinalizeBlockTxResult(resultsBytes, i),
          encodeExecTxResult(results.txResults[i]!),
        );
      });
      assert.deepEqual(scanBlockTxs(blockBytes), block.data.txs);
      const n = block.data.txs.length;
      assert.equal(scanBlockTx(blockBytes, n), undefined);
      assert.equal(scanFinalizeBlockTxResult(resultsBytes, n), undefined);
      assert.equal(scanBlockTx(blockBytes.subarray(0, blockBytes.length - 1), 0), undefined);
      assert.equal(scanBlockTxs(blockBytes.subarray(0, blockBytes.length - 1)), undefined);
    }
  });

  it("build arena keys byte-identical to the standalone key builders", () => {
    const r = rng(99);
    const arena = new KeyArena();
    for (let i = 0; i < 5000; i++) {
      const e = randomEvent(r);
      const key = `${e.attributes[0]?.key ?? "k"}${"x".repeat(Math.floor(r() * 3) * 700)}`;
      const value = e.attributes[0]?.value ?? "";
      const height = Math.floor(r() * 2 ** 40);
      const index = Math.floor(r() * 2 ** 32);
      const seq = Math.floor(r() * 2 ** 32);
      assert.deepEqual(
        new Uint8Array(arena.txEventKey(e.type, key, value, height, index, seq)),
        new Uint8Array(txEventKey(`${e.type}.${key}`, value, height, index, seq)),
      );
      assert.deepEqual(
        new Uint8Array(arena.txHeightKey(height, index)),
        new Uint8Array(txHeightKey(height, index)),
      );
    }
  });
});
