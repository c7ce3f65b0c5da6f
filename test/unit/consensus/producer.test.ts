import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type {
  Application,
  CheckTxRequest,
  CheckTxResponse,
  CommitResponse,
  ConsensusParams,
  ExecTxResult,
  FinalizeBlockRequest,
  FinalizeBlockResponse,
  InfoResponse,
  InitChainRequest,
  InitChainResponse,
  PrepareProposalRequest,
  ProcessProposalRequest,
  QueryResponse,
  Timestamp,
} from "../../../src/abci/types.js";
import { BlockIdFlag } from "../../../src/abci/types.js";
import { BlockStore } from "../../../src/blockstore/index.js";
import { addMillis, compareTimestamps } from "../../../src/consensus/clock.js";
import { applyValidatorUpdates, BlockProducer, medianTime } from "../../../src/consensus/producer.js";
import {
  type Clock,
  CONSENSUS_CODESPACE,
  type ConsensusBlockStore,
  ConsensusErrorCode,
  type NewBlockEvent,
  type Signer,
  type StagedBlock,
} from "../../../src/consensus/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Sign, ed25519Verify } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { Mempool } from "../../../src/mempool/mempool.js";
import { FilePV } from "../../../src/privval/file.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import {
  type Block,
  type BlockID,
  type Commit,
  commitHash,
  consensusParamsHash,
  dataHash,
  emptyCommit,
  headerHash,
  isZeroBlockId,
  lastResultsHash,
  makeBlockId,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Validator,
  type Vote,
  validatorSetHash,
  voteSignBytes,
} from "../../../src/types/block.js";
import { equalBytes, fromUtf8, utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "openledger-test";
const SEED = new Uint8Array(32).fill(7);
const KEY = ed25519FromSeed(SEED);
const GENESIS_TIME: Timestamp = { seconds: 1_700_000_000n, nanos: 0 };
const PARAMS: ConsensusParams = {
  block: { maxBytes: 22020096, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};
const tmpDirs: string[] = [];
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

// ---- test doubles -------------------------------------------------------------------------

/** The shared database: staged writes land only on flush (called by the app's commit). */
class FakeDb {
  private staged: (() => void)[] = [];
  stage(op: () => void): void {
    this.staged.push(op);
  }
  flush(): void {
    for (const op of this.staged) op();
    this.staged = [];
  }
  get stagedCount(): number {
    return this.staged.length;
  }
}

/** What the counter app has on "disk". */
interface AppDisk {
  height: number;
  count: bigint;
  appHash: Uint8Array;
}

/** A deterministic counter app: tx `inc:N` adds N; anything else fails with code 1. */
class CounterApp implements Application {
  private count = 0n;
  private height = 0;
  private pendingHash: Uint8Array | undefined;
  readonly finalized: number[] = [];
  initChains = 0;
  rejectProposals = false;

  constructor(
    private readonly db: { flush(): void | Promise<void> },
    public disk: AppDisk,
  ) {
    this.count = disk.count;
    this.height = disk.height;
  }

  async info(): Promise<InfoResponse> {
    return {
      data: "counter",
      version: "1",
      appVersion: 0,
      lastBlockHeight: this.disk.height,
      lastBlockAppHash: this.disk.appHash,
    };
  }
  async initChain(req: InitChainRequest): Promise<InitChainResponse> {
    this.initChains++;
    const start = BigInt(JSON.parse(fromUtf8(req.appStateBytes)).start);
    this.count = start;
    return { validators: [], appHash: counterHash(0, start) };
  }
  async checkTx(req: CheckTxRequest): Promise<CheckTxResponse> {
    const ok = parseInc(req.tx) !== undefined;
    return {
      code: ok ? 0 : 1,
      data: new Uint8Array(),
      log: "",
      info: "",
      gasWanted: 10n,
      gasUsed: 0n,
      events: [],
      codespace: ok ? "" : "counter",
      priority: 1n,
      sender: "",
      sequence: 0n,
    };
  }
  async prepareProposal(req: PrepareProposalRequest): Promise<{ txs: Uint8Array[] }> {
    return { txs: req.txs };
  }
  async processProposal(_req: ProcessProposalRequest): Promise<{ accept: boolean }> {
    return { accept: !this.rejectProposals };
  }
  async finalizeBlock(req: FinalizeBlockRequest): Promise<FinalizeBlockResponse> {
    const txResults: ExecTxResult[] = req.txs.map((tx) => {
      const n = parseInc(tx);
      if (n !== undefined) this.count += n;
      return {
        code: n === undefined ? 1 : 0,
        data: new Uint8Array(),
        log: "",
        info: "",
        gasWanted: 10n,
        gasUsed: 5n,
        events: [],
        codespace: "",
      };
    });
    this.height = req.height;
    this.finalized.push(req.height);
    this.pendingHash = counterHash(req.height, this.count);
    return { events: [], txResults, validatorUpdates: [], appHash: this.pendingHash };
  }
  async commit(): Promise<CommitResponse> {
    this.disk = { height: this.height, count: this.count, appHash: this.pendingHash ?? new Uint8Array() };
    await this.db.flush();
    return { retainHeight: 0 };
  }
  async query(): Promise<QueryResponse> {
    throw new Error("not used");
  }
}

function parseInc(tx: Uint8Array): bigint | undefined {
  const m = /^inc:(\d+)$/.exec(new TextDecoder().decode(tx));
  return m ? BigInt(m[1]!) : undefined;
}

function counterHash(height: number, count: bigint): Uint8Array {
  return sha256(utf8(`${height}:${count}`));
}

/** An in-memory block store whose writes are staged into the fake database. */
class MemBlockStore implements ConsensusBlockStore {
  readonly entries = new Map<number, StagedBlock>();
  readonly validators = new Map<number, Validator[]>();
  readonly params = new Map<number, ConsensusParams>();
  constructor(private readonly db: FakeDb) {}
  get height(): number {
    let h = 0;
    for (const k of this.entries.keys()) if (k > h) h = k;
    return h;
  }
  async loadBlock(height: number): Promise<Block | undefined> {
    return this.entries.get(height)?.block;
  }
  async loadBlockId(height: number): Promise<BlockID | undefined> {
    return this.entries.get(height)?.blockId;
  }
  async loadSeenCommit(height: number): Promise<Commit | undefined> {
    return this.entries.get(height)?.seenCommit;
  }
  async loadResults(height: number): Promise<FinalizeBlockResponse | undefined> {
    return this.entries.get(height)?.results;
  }
  async loadValidators(height: number): Promise<Validator[] | undefined> {
    return this.validators.get(height);
  }
  async loadConsensusParams(height: number): Promise<ConsensusParams | undefined> {
    return this.params.get(height);
  }
  stageBlock(e: StagedBlock): void {
    const h = e.block.header.height;
    this.db.stage(() => {
      this.entries.set(h, e);
      this.validators.set(h, e.validators);
      this.validators.set(h + 1, e.nextValidators);
      this.params.set(h + 1, e.nextConsensusParams);
    });
  }
}

/** An in-memory signer (no double-sign protection). */
class MemSigner implements Signer {
  readonly address = ed25519Address(KEY.publicKey);
  readonly pubKey = KEY.publicKey;
  async signVote(chainId: string, vote: Vote): Promise<Vote> {
    return { ...vote, signature: ed25519Sign(voteSignBytes(chainId, vote), KEY.privateKey) };
  }
  async signProposal(chainId: string, p: Proposal): Promise<Proposal> {
    return { ...p, signature: ed25519Sign(proposalSignBytes(chainId, p), KEY.privateKey) };
  }
}

/** A clock that advances 300 ms per reading; timers fire on the next macrotask (or never). */
class FakeClock implements Clock {
  private t: Timestamp = addMillis(GENESIS_TIME, 5000);
  constructor(private readonly fire: boolean) {}
  now(): Timestamp {
    this.t = addMillis(this.t, 300);
    return this.t;
  }
  setTimeout(callback: () => void, _ms: number): () => void {
    if (!this.fire) return () => {};
    const h = setImmediate(callback);
    return () => clearImmediate(h);
  }
}

interface Node {
  db: FakeDb;
  app: CounterApp;
  store: MemBlockStore;
  mempool: Mempool;
  producer: BlockProducer;
  blocks: NewBlockEvent[];
  indexed: number[];
  errors: unknown[];
}

function genesis(initialHeight = 1): InitChainRequest {
  return {
    time: GENESIS_TIME,
    chainId: CHAIN,
    consensusParams: PARAMS,
    validators: [{ pubKey: KEY.publicKey, power: 10n }],
    appStateBytes: utf8(JSON.stringify({ start: 100 })),
    initialHeight,
  };
}

function makeNode(opts: {
  db?: FakeDb;
  store?: MemBlockStore;
  disk?: AppDisk;
  signer?: Signer;
  fire?: boolean;
  initialHeight?: number;
}): Node {
  const db = opts.db ?? new FakeDb();
  const store = opts.store ?? new MemBlockStore(db);
  const app = new CounterApp(db, opts.disk ?? { height: 0, count: 0n, appHash: new Uint8Array() });
  const mempool = new Mempool({}, { app });
  const blocks: NewBlockEvent[] = [];
  const indexed: number[] = [];
  const errors: unknown[] = [];
  const producer = new BlockProducer(
    { timeoutCommitMs: 1, genesis: genesis(opts.initialHeight) },
    {
      app,
      blockStore: store,
      mempool,
      signer: opts.signer ?? new MemSigner(),
      clock: new FakeClock(opts.fire ?? false),
      events: {
        beforeCommit: (block) => {
          db.stage(() => indexed.push(block.header.height));
        },
        onNewBlock: (e) => blocks.push(e),
        onError: (e) => errors.push(e),
      },
    },
  );
  return { db, app, store, mempool, producer, blocks, indexed, errors };
}

function verifyCommit(commit: Commit, validators: Validator[]): void {
  assert.equal(commit.signatures.length, validators.length);
  commit.signatures.forEach((sig, i) => {
    assert.equal(sig.blockIdFlag, BlockIdFlag.Commit);
    const v = validators[i]!;
    assert.deepEqual(sig.validatorAddress, v.address);
    const vote: Vote = {
      type: SignedMsgType.Precommit,
      height: commit.height,
      round: commit.round,
      blockId: commit.blockId,
      timestamp: sig.timestamp,
      validatorAddress: sig.validatorAddress,
      validatorIndex: i,
      signature: sig.signature,
    };
    assert.ok(
      ed25519Verify(sig.signature, voteSignBytes(CHAIN, vote), v.pubKey),
      `signature of height ${commit.height}`,
    );
    assert.ok(!ed25519Verify(sig.signature, voteSignBytes("other-chain", vote), v.pubKey));
  });
}

async function rejectsWith(p: Promise<unknown>, code: ConsensusErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CodedError, String(e));
    assert.equal(e.codespace, CONSENSUS_CODESPACE);
    assert.equal(e.code, code);
    return true;
  });
}

// ---- tests --------------------------------------------------------------------------------

describe("BlockProducer", () => {
  it("produces a linked chain of CometBFT-shaped blocks with verifiable commits", async () => {
    const n = makeNode({});
    await n.producer.start();
    assert.equal(n.app.initChains, 1);
    assert.equal(n.producer.height, 0);
    for (let h = 1; h <= 5; h++) {
      if (h === 2) {
        await n.mempool.add(utf8("inc:5"));
        await n.mempool.add(utf8("inc:7"));
      }
      if (h === 3) await n.mempool.add(utf8("inc:1"));
      await n.producer.produceBlock();
    }
    await n.producer.stop();
    assert.equal(n.producer.height, 5);
    assert.equal(n.store.height, 5);
    assert.deepEqual(n.indexed, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      n.blocks.map((b) => b.block.header.height),
      [1, 2, 3, 4, 5],
    );
    assert.equal(n.mempool.size, 0);
    assert.equal(n.app.disk.count, 113n);

    const vals = (await n.store.loadValidators(1))!;
    assert.equal(vals.length, 1);
    assert.deepEqual(vals[0]!.pubKey, KEY.publicKey);
    const first = n.store.entries.get(1)!;
    assert.deepEqual(first.block.header.time, GENESIS_TIME);
    assert.ok(isZeroBlockId(first.block.header.lastBlockId));
    assert.deepEqual(first.block.lastCommit, emptyCommit());
    assert.deepEqual(first.block.header.appHash, counterHash(0, 100n));
    assert.deepEqual(first.block.header.lastResultsHash, lastResultsHash([]));

    for (let h = 1; h <= 5; h++) {
      const e = n.store.entries.get(h)!;
      const hd = e.block.header;
      assert.equal(hd.chainId, CHAIN);
      assert.equal(hd.height, h);
      assert.equal(hd.version.block, 11n);
      assert.deepEqual(e.blockId, makeBlockId(e.block));
      assert.deepEqual(e.blockId.hash, headerHash(hd));
      assert.equal(e.blockId.hash.length, 32);
      assert.deepEqual(hd.dataHash, dataHash(e.block.data.txs));
      assert.deepEqual(hd.lastCommitHash, commitHash(e.block.lastCommit));
      assert.deepEqual(hd.validatorsHash, validatorSetHash(vals));
      assert.deepEqual(hd.nextValidatorsHash, validatorSetHash(vals));
      assert.deepEqual(hd.consensusHash, consensusParamsHash(PARAMS));
      assert.deepEqual(hd.proposerAddress, ed25519Address(KEY.publicKey));
      // seen commit of h: our precommit for this block id
      assert.deepEqual(e.seenCommit.blockId, e.blockId);
      verifyCommit(e.seenCommit, vals);
      assert.ok(compareTimestamps(e.seenCommit.signatures[0]!.timestamp, hd.time) > 0);
      if (h > 1) {
        const prev = n.store.entries.get(h - 1)!;
        assert.deepEqual(hd.lastBlockId, prev.blockId);
        assert.deepEqual(e.block.lastCommit, prev.seenCommit);
        verifyCommit(e.block.lastCommit, vals);
        // app hash after h-1 and results of h-1 are in header h
        assert.deepEqual(hd.appHash, prev.results.appHash);
        assert.deepEqual(hd.lastResultsHash, lastResultsHash(prev.results.txResults));
        // BFT time: the median of the last commit, strictly after the previous block
        assert.deepEqual(hd.time, medianTime(prev.seenCommit, vals));
        assert.ok(compareTimestamps(hd.time, prev.block.header.time) > 0);
      }
    }
    assert.deepEqual(
      n.store.entries.get(2)!.block.data.txs.map((t) => fromUtf8(t)),
      ["inc:5", "inc:7"],
    );
    assert.deepEqual(n.store.entries.get(5)!.results.appHash, counterHash(5, 113n));
  });

  it("starts at the genesis initial height", async () => {
    const n = makeNode({ initialHeight: 40 });
    await n.producer.start();
    assert.equal(n.producer.height, 39);
    const b = await n.producer.produceBlock();
    assert.equal(b.header.height, 40);
    assert.deepEqual(b.header.time, GENESIS_TIME);
    assert.equal(n.producer.height, 40);
    await n.producer.produceBlock();
    assert.equal(n.store.height, 41);
  });

  it("runs on its own timer and stops cleanly between blocks", async () => {
    const n = makeNode({ fire: true });
    let resolve!: () => void;
    const three = new Promise<void>((r) => {
      resolve = r;
    });
    await n.producer.start();
    const poll = setInterval(() => {
      if (n.blocks.length >= 3) resolve();
    }, 1);
    await three;
    clearInterval(poll);
    await n.producer.stop();
    const h = n.producer.height;
    assert.ok(h >= 3);
    assert.equal(n.store.height, h);
    assert.equal(n.app.disk.height, h);
    assert.equal(n.db.stagedCount, 0, "no half-written height");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(n.producer.height, h, "no blocks after stop");
    assert.deepEqual(n.errors, []);
  });

  it("resumes at the same height after a restart", async () => {
    const a = makeNode({});
    await a.producer.start();
    await a.mempool.add(utf8("inc:3"));
    for (let i = 0; i < 3; i++) await a.producer.produceBlock();
    await a.producer.stop();
    const b = makeNode({ db: a.db, store: a.store, disk: a.app.disk });
    await b.producer.start();
    assert.equal(b.app.initChains, 0, "no InitChain on restart");
    assert.deepEqual(b.app.finalized, [], "nothing to replay");
    assert.equal(b.producer.height, 3);
    const blk = await b.producer.produceBlock();
    assert.equal(blk.header.height, 4);
    const prev = a.store.entries.get(3)!;
    assert.deepEqual(blk.header.lastBlockId, prev.blockId);
    assert.deepEqual(blk.header.appHash, prev.results.appHash);
    assert.deepEqual(blk.lastCommit, prev.seenCommit);
    assert.deepEqual(blk.header.time, medianTime(prev.seenCommit, (await a.store.loadValidators(3))!));
    assert.equal(b.app.disk.count, 103n);
    await b.producer.stop();
  });

  it("replays blocks the app has not committed (app behind the block store)", async () => {
    const a = makeNode({});
    await a.producer.start();
    await a.producer.produceBlock();
    const diskAt1 = { ...a.app.disk };
    await a.mempool.add(utf8("inc:9"));
    await a.producer.produceBlock();
    await a.producer.produceBlock();
    await a.producer.stop();
    // the app lost blocks 2..3
    const b = makeNode({ db: a.db, store: a.store, disk: diskAt1 });
    await b.producer.start();
    assert.deepEqual(b.app.finalized, [2, 3]);
    assert.equal(b.app.disk.height, 3);
    assert.deepEqual(b.app.disk.appHash, a.app.disk.appHash);
    assert.equal(b.producer.height, 3);
    const blk = await b.producer.produceBlock();
    assert.equal(blk.header.height, 4);
    assert.deepEqual(blk.header.appHash, a.app.disk.appHash);
    // the app lost everything: InitChain, then replay from the initial height
    const c = makeNode({ db: a.db, store: a.store });
    await c.producer.start();
    assert.equal(c.app.initChains, 1);
    assert.deepEqual(c.app.finalized, [1, 2, 3, 4]);
    assert.equal(c.app.disk.count, 109n);
  });

  it("refuses to start when the app is ahead of the block store or hashes disagree", async () => {
    const a = makeNode({ disk: { height: 5, count: 0n, appHash: new Uint8Array(32) } });
    await rejectsWith(a.producer.start(), ConsensusErrorCode.HandshakeFailed);
    const b = makeNode({});
    await b.producer.start();
    await b.producer.produceBlock();
    const c = makeNode({ db: b.db, store: b.store, disk: { ...b.app.disk, appHash: new Uint8Array(32) } });
    await rejectsWith(c.producer.start(), ConsensusErrorCode.HandshakeFailed);
  });

  it("refuses to produce when this node is not the validator", async () => {
    const other = ed25519FromSeed(new Uint8Array(32).fill(9));
    const signer: Signer = {
      address: ed25519Address(other.publicKey),
      pubKey: other.publicKey,
      signVote: async (_c, v) => v,
      signProposal: async (_c, p) => p,
    };
    const n = makeNode({ signer });
    await n.producer.start();
    await rejectsWith(n.producer.produceBlock(), ConsensusErrorCode.NotValidator);
    assert.equal(n.store.height, 0);
  });

  it("halts without staging anything when the app rejects its own proposal", async () => {
    const n = makeNode({});
    await n.producer.start();
    n.app.rejectProposals = true;
    await rejectsWith(n.producer.produceBlock(), ConsensusErrorCode.AppMisbehaved);
    assert.equal(n.db.stagedCount, 0);
    assert.equal(n.producer.height, 0);
    await assert.rejects(n.producer.start(), (e: unknown) => e instanceof CodedError);
  });

  it("moves to the next round when the signer holds a conflicting precommit from before a crash", async () => {
    const d = mkdtempSync(join(tmpdir(), "producer-"));
    tmpDirs.push(d);
    const pv = FilePV.generate(join(d, "key.json"), join(d, "state.json"), SEED);
    // a precommit for some other block at height 1 round 0, signed before a crash
    await pv.signVote(CHAIN, {
      type: SignedMsgType.Precommit,
      height: 1,
      round: 0,
      blockId: {
        hash: new Uint8Array(32).fill(1),
        partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) },
      },
      timestamp: GENESIS_TIME,
      validatorAddress: pv.address,
      validatorIndex: 0,
      signature: new Uint8Array(),
    });
    const n = makeNode({ signer: FilePV.load(join(d, "key.json"), join(d, "state.json")) });
    await n.producer.start();
    await n.producer.produceBlock();
    const e = n.store.entries.get(1)!;
    assert.equal(e.seenCommit.round, 1);
    verifyCommit(e.seenCommit, (await n.store.loadValidators(1))!);
    const b2 = await n.producer.produceBlock();
    assert.equal(b2.lastCommit.round, 1);
    assert.equal(b2.header.height, 2);
  });

  it("refuses to produce two blocks at once", async () => {
    const n = makeNode({});
    await n.producer.start();
    const first = n.producer.produceBlock();
    await rejectsWith(n.producer.produceBlock(), ConsensusErrorCode.InvalidState);
    await first;
    assert.equal(n.producer.height, 1);
  });

  it("applies validator updates and orders the set by power then address", () => {
    const k = (i: number) => ed25519FromSeed(new Uint8Array(32).fill(i)).publicKey;
    const set = applyValidatorUpdates(
      [],
      [
        { pubKey: k(1), power: 5n },
        { pubKey: k(2), power: 10n },
        { pubKey: k(3), power: 5n },
      ],
    );
    assert.deepEqual(set[0]!.pubKey, k(2));
    assert.ok(Buffer.compare(set[1]!.address, set[2]!.address) < 0);
    const next = applyValidatorUpdates(set, [{ pubKey: k(2), power: 0n }]);
    assert.equal(next.length, 2);
    assert.ok(next.every((v) => !equalBytes(v.pubKey, k(2))));
    assert.throws(
      () => applyValidatorUpdates(set, [{ pubKey: new Uint8Array(3), power: 1n }]),
      (e: unknown) => e instanceof CodedError,
    );
  });

  it("rejects bad options with coded errors", () => {
    const app = new CounterApp(new FakeDb(), { height: 0, count: 0n, appHash: new Uint8Array() });
    const deps = {
      app,
      blockStore: new MemBlockStore(new FakeDb()),
      mempool: new Mempool({}, { app }),
      signer: new MemSigner(),
      clock: new FakeClock(false),
      events: {},
    };
    for (const bad of [
      { timeoutCommitMs: -1, genesis: genesis() },
      { timeoutCommitMs: 1, genesis: { ...genesis(), initialHeight: 0 } },
      { timeoutCommitMs: 1, genesis: { ...genesis(), chainId: "" } },
    ]) {
      assert.throws(
        () => new BlockProducer(bad, deps),
        (e: unknown) => e instanceof CodedError && e.code === ConsensusErrorCode.InvalidConfig,
      );
    }
  });

  it("works over the real block store and resumes from it", async () => {
    const db = new MemoryDatabase();
    const run = async (disk: AppDisk | undefined, blocks: number, txs: string[]) => {
      const store: ConsensusBlockStore = await BlockStore.open(db);
      const app = new CounterApp(db, disk ?? { height: 0, count: 0n, appHash: new Uint8Array() });
      const mempool = new Mempool({}, { app });
      const producer = new BlockProducer(
        { timeoutCommitMs: 1, genesis: genesis() },
        { app, blockStore: store, mempool, signer: new MemSigner(), clock: new FakeClock(false), events: {} },
      );
      await producer.start();
      for (const tx of txs) await mempool.add(utf8(tx));
      for (let i = 0; i < blocks; i++) await producer.produceBlock();
      await producer.stop();
      return { app, store, producer };
    };
    const a = await run(undefined, 3, ["inc:4"]);
    assert.equal(a.store.height, 3);
    assert.equal(db.stagedCount, 0);
    const b = await run(a.app.disk, 2, ["inc:6"]);
    assert.equal(b.producer.height, 5);
    assert.equal(b.app.disk.count, 110n);
    const vals = (await b.store.loadValidators(4))!;
    for (let h = 2; h <= 5; h++) {
      const blk = (await b.store.loadBlock(h))!;
      const prevId = (await b.store.loadBlockId(h - 1))!;
      assert.deepEqual(blk.header.lastBlockId, prevId);
      assert.deepEqual(blk.header.appHash, (await b.store.loadResults(h - 1))!.appHash);
      verifyCommit(blk.lastCommit, vals);
    }
    verifyCommit((await b.store.loadSeenCommit(5))!, vals);
  });
});
