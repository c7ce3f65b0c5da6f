import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BlockIdFlag, type ConsensusParams, type FinalizeBlockResponse } from "../../../src/abci/types.js";
import { BlockStore, type BlockStoreEntry } from "../../../src/blockstore/blockStore.js";
import {
  decodeExecTxResult,
  decodeFinalizeBlockResponse,
  encodeExecTxResult,
  encodeFinalizeBlockResponse,
} from "../../../src/blockstore/codec.js";
import { BLOCKSTORE_CODESPACE, BlockStoreErrorCode } from "../../../src/blockstore/errors.js";
import type { ConsensusBlockStore } from "../../../src/consensus/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Sign } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import type { Database } from "../../../src/store/db.js";
import { LevelDatabase } from "../../../src/store/levelDatabase.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import {
  type Block,
  type BlockID,
  blockHash,
  type Commit,
  emptyCommit,
  fillHeader,
  lastResultsHash,
  makeBlockId,
  SignedMsgType,
  type Validator,
  validatorSetHash,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "openledger-test";
const key = ed25519FromSeed(sha256(utf8("validator-0")));
const address = ed25519Address(key.publicKey);
const valset: Validator[] = [{ address, pubKey: key.publicKey, votingPower: 100n, proposerPriority: 0n }];
const params: ConsensusParams = {
  block: { maxBytes: 22020096, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

interface Produced {
  block: Block;
  id: BlockID;
  seen: Commit;
  results: FinalizeBlockResponse;
}

function results(height: number, txs: Uint8Array[]): FinalizeBlockResponse {
  return {
    events: [{ type: "block_marker", attributes: [{ key: "h", value: String(height), index: true }] }],
    txResults: txs.map((_, i) => ({
      code: i % 2,
      data: utf8(`d${i}`),
      log: "",
      info: "",
      gasWanted: 1000n,
      gasUsed: BigInt(500 + i),
      events: [{ type: "transfer", attributes: [{ key: "amount", value: "5aopen", index: true }] }],
      codespace: i % 2 === 1 ? "sdk" : "",
    })),
    validatorUpdates: [],
    appHash: sha256(utf8(`app-${height}`)),
  };
}

function commitFor(height: number, id: BlockID, variant = 0): Commit {
  const timestamp = { seconds: 1_700_000_000n + BigInt(height), nanos: variant };
  const sign = voteSignBytes(CHAIN, {
    type: SignedMsgType.Precommit,
    height,
    round: 0,
    blockId: id,
    timestamp,
    validatorAddress: address,
    validatorIndex: 0,
    signature: new Uint8Array(0),
  });
  return {
    height,
    round: 0,
    blockId: id,
    signatures: [
      {
        blockIdFlag: BlockIdFlag.Commit,
        validatorAddress: address,
        timestamp,
        signature: ed25519Sign(sign, key.privateKey),
      },
    ],
  };
}

/** A deterministic chain of `n` blocks from `start`. */
function makeChain(n: number, start = 1): Produced[] {
  const out: Produced[] = [];
  let prev: Produced | undefined;
  for (let h = start; h < start + n; h++) {
    const txs = Array.from({ length: h % 3 }, (_, i) => utf8(`tx-${h}-${i}`));
    const block = fillHeader({
      header: {
        version: { block: 11n, app: 0n },
        chainId: CHAIN,
        height: h,
        time: { seconds: 1_700_000_000n + BigInt(h), nanos: 0 },
        lastBlockId: prev?.id ?? zeroBlockId(),
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: validatorSetHash(valset),
        nextValidatorsHash: validatorSetHash(valset),
        consensusHash: sha256(utf8("params")),
        appHash: prev === undefined ? new Uint8Array(0) : prev.results.appHash,
        lastResultsHash: lastResultsHash(prev?.results.txResults ?? []),
        evidenceHash: new Uint8Array(0),
        proposerAddress: address,
      },
      data: { txs },
      evidence: [],
      // the canonical commit differs from the seen one (nanos) so tests can tell them apart
      lastCommit: prev === undefined ? emptyCommit() : commitFor(h - 1, prev.id, 1),
    });
    const id = makeBlockId(block);
    const p = { block, id, seen: commitFor(h, id, 0), results: results(h, txs) };
    out.push(p);
    prev = p;
  }
  return out;
}

function entry(p: Produced, id: BlockID = p.id, seen: Commit = p.seen): BlockStoreEntry {
  return {
    block: p.block,
    blockId: id,
    seenCommit: seen,
    results: p.results,
    validators: valset,
    nextValidators: valset,
    nextConsensusParams: params,
  };
}

function stageAll(store: BlockStore, chain: Produced[]): void {
  for (const p of chain) store.stageBlock(entry(p));
}

function isCoded(code: number): (e: unknown) => boolean {
  return (e: unknown) => e instanceof CodedError && e.codespace === BLOCKSTORE_CODESPACE && e.code === code;
}

async function withLevel(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "blockstore-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("BlockStore", () => {
  it("starts empty", async () => {
    const store = await BlockStore.open(new MemoryDatabase());
    assert.equal(store.height, 0);
    assert.equal(store.base, 0);
    assert.equal(await store.loadBlock(1), undefined);
    assert.equal(await store.loadCommit(1), undefined);
  });

  it("round-trips blocks, metas, commits, results and validators", async () => {
    const db = new MemoryDatabase();
    const store = await BlockStore.open(db);
    const chain = makeChain(5);
    stageAll(store, chain);
    await db.flush();
    assert.equal(store.height, 5);
    assert.equal(store.base, 1);
    for (const p of chain) {
      const h = p.block.header.height;
      assert.deepEqual(await store.loadBlock(h), p.block);
      assert.deepEqual(await store.loadBlockByHash(blockHash(p.block)), p.block);
      assert.deepEqual(await store.loadBlockId(h), p.id);
      const meta = await store.loadBlockMeta(h);
      assert.equal(meta?.numTxs, p.block.data.txs.length);
      assert.deepEqual(meta?.header, p.block.header);
      assert.deepEqual(await store.loadResults(h), p.results);
      assert.deepEqual(await store.loadValidators(h), valset);
    }
    // canonical commits come from the next block's last commit, the tip's from the seen commit
    for (let h = 1; h < 5; h++) assert.deepEqual(await store.loadCommit(h), chain[h]!.block.lastCommit);
    assert.deepEqual(await store.loadCommit(5), chain[4]!.seen);
    assert.notDeepEqual(await store.loadCommit(4), chain[3]!.seen);
    assert.deepEqual(await store.loadValidators(6), valset);
    assert.equal(await store.loadValidators(7), undefined);
    assert.deepEqual(await store.loadConsensusParams(6), params);
    assert.equal(await store.loadConsensusParams(1), undefined);
    assert.equal(await store.loadBlock(6), undefined);
    assert.equal(await store.loadBlock(0), undefined);
    assert.equal(await store.loadBlock(-1), undefined);
    assert.equal(await store.loadBlock(1.5), undefined);
    assert.equal(await store.loadBlockByHash(sha256(utf8("nope"))), undefined);
  });

  it("serves staged blocks before the flush", async () => {
    const db = new MemoryDatabase();
    const store = await BlockStore.open(db, { cacheBlocks: 1 });
    const chain = makeChain(2);
    stageAll(store, chain);
    assert.equal(db.stagedCount > 0, true);
    assert.deepEqual(await store.loadBlockMeta(2), {
      blockId: chain[1]!.id,
      blockSize: (await store.loadBlockMeta(2))!.blockSize,
      header: chain[1]!.block.header,
      numTxs: 2,
    });
    assert.deepEqual(await store.loadBlock(1), chain[0]!.block);
    assert.deepEqual(await store.loadCommit(2), chain[1]!.seen);
    assert.deepEqual(await store.loadResults(2), chain[1]!.results);
  });

  it("caches a staged block with its own copies of the txs, not the staged tx objects", async () => {
    const store = await BlockStore.open(new MemoryDatabase());
    const chain = makeChain(2);
    stageAll(store, chain);
    const got = await store.loadBlock(2);
    assert.deepEqual(got, chain[1]!.block);
    assert.equal(got!.data.txs.length, 2);
    for (const [i, tx] of got!.data.txs.entries()) assert.notEqual(tx, chain[1]!.block.data.txs[i]);
    assert.deepEqual((await store.loadTxResult(2, 1))?.tx, chain[1]!.block.data.txs[1]);
  });

  it("rejects non-contiguous heights and mismatched ids with coded errors, changing nothing", async () => {
    const db = new MemoryDatabase();
    const store = await BlockStore.open(db);
    const chain = makeChain(3);
    stageAll(store, chain.slice(0, 1));
    await db.flush();
    const p3 = chain[2]!;
    assert.throws(() => store.stageBlock(entry(p3)), isCoded(BlockStoreErrorCode.NonContiguousHeight));
    const p2 = chain[1]!;
    assert.throws(() => store.stageBlock(entry(p2, p3.id)), isCoded(BlockStoreErrorCode.Mismatch));
    assert.throws(() => store.stageBlock(entry(p2, p2.id, p3.seen)), isCoded(BlockStoreErrorCode.Mismatch));
    assert.throws(() => store.stageValidators(0, valset), isCoded(BlockStoreErrorCode.InvalidHeight));
    assert.equal(db.stagedCount, 0);
    assert.equal(store.height, 1);
  });

  it("accepts a first block above 1 (initial height) and prunes below a retain height", async () => {
    const db = new MemoryDatabase();
    const store = await BlockStore.open(db);
    const chain = makeChain(6, 10);
    stageAll(store, chain);
    await db.flush();
    assert.equal(store.base, 10);
    assert.equal(store.height, 15);
    await assert.rejects(store.prune(16), isCoded(BlockStoreErrorCode.InvalidRetainHeight));
    assert.equal(await store.prune(13), 3);
    assert.equal(await store.prune(12), 0);
    await db.flush();
    assert.equal(store.base, 13);
    assert.equal(await store.loadBlock(12), undefined);
    assert.equal(await store.loadBlockByHash(blockHash(chain[1]!.block)), undefined);
    assert.deepEqual(await store.loadBlock(13), chain[3]!.block);
    const reopened = await BlockStore.open(db);
    assert.equal(reopened.base, 13);
    assert.equal(reopened.height, 15);
    // no key of a pruned height survives
    for (let h = 10; h < 13; h++) {
      assert.equal(await reopened.loadResults(h), undefined);
      assert.equal(await reopened.loadCommit(h), undefined);
    }
  });

  it("survives re-open on LevelDB and discards unflushed stagings on reload", async () => {
    await withLevel(async (path) => {
      const chain = makeChain(4);
      let db: Database = await LevelDatabase.open(path);
      let store = await BlockStore.open(db);
      stageAll(store, chain.slice(0, 3));
      await db.flush();
      store.stageBlock(entry(chain[3]!));
      db.discardStaged();
      await store.reload();
      assert.equal(store.height, 3);
      assert.equal(await store.loadBlock(4), undefined);
      await db.close();

      db = await LevelDatabase.open(path);
      store = await BlockStore.open(db);
      assert.equal(store.height, 3);
      assert.equal(store.base, 1);
      assert.deepEqual(await store.loadBlock(3), chain[2]!.block);
      assert.deepEqual(await store.loadCommit(3), chain[2]!.seen);
      assert.deepEqual(await store.loadCommit(2), chain[2]!.block.lastCommit);
      assert.deepEqual(await store.loadResults(2), chain[1]!.results);
      store.stageBlock(entry(chain[3]!));
      await db.flush();
      assert.deepEqual(await store.loadBlockByHash(chain[3]!.id.hash), chain[3]!.block);
      await db.close();
    });
  });
});

describe("BlockStore consensus state", () => {
  it("stores genesis validators and params before the first block, and implements ConsensusBlockStore", async () => {
    const db = new MemoryDatabase();
    const store = await BlockStore.open(db);
    const asConsensus: ConsensusBlockStore = store;
    store.stageValidators(1, valset);
    store.stageConsensusParams(1, params);
    await db.flush();
    assert.deepEqual(await asConsensus.loadValidators(1), valset);
    assert.deepEqual(await asConsensus.loadConsensusParams(1), params);
    const chain = makeChain(2);
    stageAll(store, chain);
    await db.flush();
    assert.deepEqual(await asConsensus.loadSeenCommit(2), chain[1]!.seen);
    assert.equal(await asConsensus.loadSeenCommit(1), undefined); // replaced by the canonical commit
    assert.deepEqual(await store.loadCommit(1), chain[1]!.block.lastCommit);
    assert.deepEqual(await asConsensus.loadConsensusParams(3), params);
    assert.equal(await asConsensus.loadConsensusParams(4), undefined);
  });
});

describe("results codec", () => {
  it("round-trips FinalizeBlock responses with params and validator updates", () => {
    const r: FinalizeBlockResponse = {
      ...results(3, [utf8("a"), utf8("b")]),
      validatorUpdates: [{ pubKey: key.publicKey, power: 7n }],
      consensusParamUpdates: {
        block: { maxBytes: 22020096, maxGas: -1 },
        evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
        validator: { pubKeyTypes: ["ed25519"] },
        version: { app: 1 },
      },
    };
    assert.deepEqual(decodeFinalizeBlockResponse(encodeFinalizeBlockResponse(r)), r);
    const tx = r.txResults[1]!;
    assert.deepEqual(decodeExecTxResult(encodeExecTxResult(tx)), tx);
    assert.throws(
      () => decodeExecTxResult(new Uint8Array([0x0a, 0xff])),
      (e: unknown) => e instanceof CodedError,
    );
  });
});
