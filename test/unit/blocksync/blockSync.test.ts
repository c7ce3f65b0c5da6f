import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  Application,
  CheckTxResponse,
  CommitResponse,
  ConsensusParams,
  ExecTxResult,
  FinalizeBlockRequest,
  FinalizeBlockResponse,
  InfoResponse,
  InitChainRequest,
  InitChainResponse,
  QueryResponse,
  Timestamp,
} from "../../../src/abci/types.js";
import { BlockIdFlag } from "../../../src/abci/types.js";
import { BlockStore } from "../../../src/blockstore/index.js";
import { BLOCKSYNC_CODESPACE, BlockSync, type BlockWithCommit } from "../../../src/blocksync/blockSync.js";
import { applyValidatorUpdates } from "../../../src/consensus/producer.js";
import { ed25519FromSeed, ed25519Sign } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { MemoryDatabase } from "../../../src/store/memoryDatabase.js";
import {
  BLOCK_CODESPACE,
  BLOCK_PROTOCOL,
  type Block,
  type BlockID,
  type Commit,
  consensusParamsHash,
  emptyCommit,
  fillHeader,
  GO_ZERO_TIME,
  lastResultsHash,
  makeBlockId,
  SignedMsgType,
  type Validator,
  validatorSetHash,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { concatBytes, equalBytes, utf8 } from "../../../src/types/bytes.js";
import { verifyCommit } from "../../../src/types/commitVerify.js";
import { CodedError } from "../../../src/types/errors.js";

const CHAIN = "openledger-sync-test";
const PARAMS: ConsensusParams = {
  block: { maxBytes: 22020096, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};
const KEYS = [1, 2, 3, 4].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i)));
const GENESIS: InitChainRequest = {
  time: { seconds: 1_700_000_000n, nanos: 0 },
  chainId: CHAIN,
  consensusParams: PARAMS,
  validators: KEYS.map((k) => ({ pubKey: k.publicKey, power: 10n })),
  appStateBytes: utf8("{}"),
  initialHeight: 1,
};
const VALIDATORS: Validator[] = applyValidatorUpdates([], GENESIS.validators);

/** A deterministic hash-chain app over a `MemoryDatabase` (commit flushes the staged batch). */
class HashApp implements Application {
  height = 0;
  appHash: Uint8Array = new Uint8Array(0);
  private pending: Uint8Array | undefined;
  initChains = 0;
  constructor(private readonly db: MemoryDatabase) {}
  async info(): Promise<InfoResponse> {
    return {
      data: "",
      version: "",
      appVersion: 0,
      lastBlockHeight: this.height,
      lastBlockAppHash: this.appHash,
    };
  }
  async initChain(): Promise<InitChainResponse> {
    this.initChains++;
    this.appHash = sha256(utf8("genesis"));
    return { validators: [], appHash: this.appHash };
  }
  async checkTx(): Promise<CheckTxResponse> {
    throw new Error("unused");
  }
  async prepareProposal(): Promise<{ txs: Uint8Array[] }> {
    throw new Error("unused");
  }
  async processProposal(): Promise<{ accept: boolean }> {
    return { accept: true };
  }
  async finalizeBlock(req: FinalizeBlockRequest): Promise<FinalizeBlockResponse> {
    this.pending = sha256(concatBytes(this.appHash, ...req.txs));
    return {
      events: [],
      txResults: req.txs.map(() => txResult()),
      validatorUpdates: [],
      appHash: this.pending,
    };
  }
  async commit(): Promise<CommitResponse> {
    if (!this.pending) throw new Error("commit without finalize");
    this.appHash = this.pending;
    this.pending = undefined;
    this.height++;
    await this.db.flush();
    return { retainHeight: 0 };
  }
  async query(): Promise<QueryResponse> {
    throw new Error("unused");
  }
}

function txResult(): ExecTxResult {
  return {
    code: 0,
    data: new Uint8Array(0),
    log: "",
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
    codespace: "",
  };
}

function signCommit(height: number, blockId: BlockID, time: Timestamp, signers: number[]): Commit {
  return {
    height,
    round: 0,
    blockId,
    signatures: VALIDATORS.map((v, i) => {
      const key = KEYS.find((k) => equalBytes(k.publicKey, v.pubKey));
      if (!key || !signers.includes(i)) {
        return {
          blockIdFlag: BlockIdFlag.Absent,
          validatorAddress: new Uint8Array(0),
          timestamp: GO_ZERO_TIME,
          signature: new Uint8Array(0),
        };
      }
      const bytes = voteSignBytes(CHAIN, {
        type: SignedMsgType.Precommit,
        height,
        round: 0,
        blockId,
        timestamp: time,
        validatorAddress: v.address,
        validatorIndex: i,
        signature: new Uint8Array(0),
      });
      return {
        blockIdFlag: BlockIdFlag.Commit,
        validatorAddress: v.address,
        timestamp: time,
        signature: ed25519Sign(bytes, key.privateKey),
      };
    }),
  };
}

/** Build `n` blocks (with deterministic txs) and the commit of each, signed by validators 0..2. */
function buildChain(n: number): BlockWithCommit[] {
  const out: BlockWithCommit[] = [];
  let appHash = sha256(utf8("genesis"));
  let lastBlockId = zeroBlockId();
  let lastCommit = emptyCommit();
  const vsh = validatorSetHash(VALIDATORS);
  for (let h = 1; h <= n; h++) {
    const txs = [utf8(`tx-${h}-a`), utf8(`tx-${h}-b`)];
    const time = { seconds: 1_700_000_000n + BigInt(h), nanos: 0 };
    const block: Block = fillHeader({
      header: {
        version: { block: BLOCK_PROTOCOL, app: 0n },
        chainId: CHAIN,
        height: h,
        time,
        lastBlockId,
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: vsh,
        nextValidatorsHash: vsh,
        consensusHash: consensusParamsHash(PARAMS),
        appHash,
        lastResultsHash: lastResultsHash(h === 1 ? [] : [txResult(), txResult()]),
        evidenceHash: new Uint8Array(0),
        proposerAddress: (VALIDATORS[h % 4] as Validator).address,
      },
      data: { txs },
      evidence: [],
      lastCommit,
    });
    const blockId = makeBlockId(block);
    const commit = signCommit(h, blockId, { seconds: time.seconds, nanos: 500 }, [0, 1, 2]);
    out.push({ block, commit });
    appHash = sha256(concatBytes(appHash, ...txs));
    lastBlockId = blockId;
    lastCommit = commit;
  }
  return out;
}

class FakeSource {
  readonly bad: { peer: string; reason: string }[] = [];
  constructor(
    readonly peers: Map<string, (h: number) => BlockWithCommit | undefined>,
    readonly heights: Map<string, number>,
  ) {}
  peerHeights(): ReadonlyMap<string, number> {
    return this.heights;
  }
  async fetchBlock(peer: string, height: number): Promise<BlockWithCommit | undefined> {
    return this.peers.get(peer)?.(height);
  }
  reportBadPeer(peer: string, reason: string): void {
    this.bad.push({ peer, reason });
    this.heights.delete(peer);
  }
}

async function newSyncer(source: FakeSource) {
  const db = new MemoryDatabase();
  const app = new HashApp(db);
  const blockStore = await BlockStore.open(db);
  const committed: number[] = [];
  const sync = new BlockSync(
    { chainId: CHAIN, genesis: GENESIS, pollMs: 5 },
    {
      app,
      blockStore,
      mempool: { reap: () => [], update: async () => {} },
      events: { onNewBlock: (e) => committed.push(e.block.header.height) },
      source,
    },
  );
  return { app, blockStore, sync, committed };
}

const CHAIN_BLOCKS = buildChain(12);
const serve = (blocks: BlockWithCommit[]) => (h: number) => blocks[h - 1];

describe("verifyCommit", () => {
  const { block, commit } = CHAIN_BLOCKS[0] as BlockWithCommit;
  const id = makeBlockId(block);

  it("accepts +2/3 of the power and returns it", () => {
    assert.equal(verifyCommit(CHAIN, VALIDATORS, id, 1, commit), 30n);
  });

  it("rejects exactly 2/3 or less", () => {
    const two = signCommit(1, id, block.header.time, [0, 1]);
    assert.throws(
      () => verifyCommit(CHAIN, VALIDATORS, id, 1, two),
      (e: unknown) => {
        return e instanceof CodedError && e.codespace === BLOCK_CODESPACE && /2\/3/.test(e.message);
      },
    );
  });

  it("rejects a forged signature, the wrong chain, height or block, and a short signature list", () => {
    const forged = structuredClone(commit);
    const sig = forged.signatures[1];
    assert.ok(sig);
    sig.signature = new Uint8Array(sig.signature);
    sig.signature[0] = (sig.signature[0] ?? 0) ^ 1;
    const coded = (e: unknown) => e instanceof CodedError && e.codespace === BLOCK_CODESPACE;
    assert.throws(() => verifyCommit(CHAIN, VALIDATORS, id, 1, forged), coded);
    assert.throws(() => verifyCommit("other-chain", VALIDATORS, id, 1, commit), coded);
    assert.throws(() => verifyCommit(CHAIN, VALIDATORS, id, 2, commit), coded);
    const other = makeBlockId((CHAIN_BLOCKS[1] as BlockWithCommit).block);
    assert.throws(() => verifyCommit(CHAIN, VALIDATORS, other, 1, commit), coded);
    assert.throws(
      () => verifyCommit(CHAIN, VALIDATORS, id, 1, { ...commit, signatures: commit.signatures.slice(0, 3) }),
      coded,
    );
  });
});

describe("BlockSync", () => {
  it("syncs a far-behind node to the peers' height with identical blocks and app hash", async () => {
    const source = new FakeSource(new Map([["good", serve(CHAIN_BLOCKS)]]), new Map([["good", 12]]));
    const n = await newSyncer(source);
    assert.equal(n.sync.isBehind(), true);
    const height = await n.sync.run();
    assert.equal(height, 12);
    assert.equal(n.blockStore.height, 12);
    assert.deepEqual(
      n.committed,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.equal(n.app.initChains, 1);
    for (let h = 1; h <= 12; h++) {
      const stored = await n.blockStore.loadBlockId(h);
      assert.ok(
        stored && equalBytes(stored.hash, makeBlockId((CHAIN_BLOCKS[h - 1] as BlockWithCommit).block).hash),
      );
    }
    // The app hash after block 11 is the one block 12 carries.
    const results11 = await n.blockStore.loadResults(11);
    assert.ok(
      results11 && equalBytes(results11.appHash, (CHAIN_BLOCKS[11] as BlockWithCommit).block.header.appHash),
    );
    assert.deepEqual(source.bad, []);
  });

  it("rejects a bad commit from one peer, reports it, and takes the block from another", async () => {
    const evil = CHAIN_BLOCKS.map((e) => ({
      block: e.block,
      // only 2 of 4 validators: not +2/3
      commit: signCommit(e.block.header.height, makeBlockId(e.block), e.block.header.time, [0, 1]),
    }));
    const source = new FakeSource(
      new Map([
        ["evil", serve(evil)],
        ["good", serve(CHAIN_BLOCKS)],
      ]),
      new Map([
        ["evil", 12],
        ["good", 12],
      ]),
    );
    const n = await newSyncer(source);
    await n.sync.run();
    assert.equal(n.blockStore.height, 12);
    assert.ok(source.bad.length >= 1);
    assert.ok(source.bad.every((b) => b.peer === "evil"));
    assert.match(source.bad[0]?.reason ?? "", /2\/3/);
  });

  it("rejects a tampered block (txs changed) and a block that does not extend ours; state unchanged", async () => {
    const n = await newSyncer(new FakeSource(new Map(), new Map()));
    const first = CHAIN_BLOCKS[0] as BlockWithCommit;
    const tampered = structuredClone(first);
    tampered.block.data.txs[0] = utf8("evil");
    const isBad = (e: unknown) =>
      e instanceof CodedError && e.codespace === BLOCKSYNC_CODESPACE && e.code === 1;
    await assert.rejects(n.sync.applyVerified(tampered), isBad);
    await assert.rejects(n.sync.applyVerified(CHAIN_BLOCKS[1] as BlockWithCommit), isBad);
    assert.equal(n.blockStore.height, 0);
    assert.equal(n.app.height, 0);
    await n.sync.applyVerified(first);
    assert.equal(n.blockStore.height, 1);
    // a wrong app hash in the next header is refused
    const wrongApp = structuredClone(CHAIN_BLOCKS[1] as BlockWithCommit);
    wrongApp.block.header.appHash = sha256(utf8("nope"));
    const refilled = fillHeader(wrongApp.block);
    const id = makeBlockId(refilled);
    await assert.rejects(
      n.sync.applyVerified({ block: refilled, commit: signCommit(2, id, refilled.header.time, [0, 1, 2]) }),
      (e: unknown) => isBad(e) && /app hash/.test((e as Error).message),
    );
    assert.equal(n.blockStore.height, 1);
  });

  it("is not behind when peers are at most one block ahead, and resumes from its stored height", async () => {
    const heights = new Map([["good", 5]]);
    const source = new FakeSource(new Map([["good", serve(CHAIN_BLOCKS)]]), heights);
    const n = await newSyncer(source);
    await n.sync.run();
    assert.equal(n.blockStore.height, 5);
    heights.set("good", 6);
    assert.equal(n.sync.isBehind(), false);
    heights.set("good", 9);
    assert.equal(n.sync.isBehind(), true);
    await n.sync.run();
    assert.equal(n.blockStore.height, 9);
  });
});

describe("BlockSync and the mempool", () => {
  it("locks the mempool before each app commit and updates it after", async () => {
    const source = new FakeSource(new Map([["good", serve(CHAIN_BLOCKS)]]), new Map([["good", 3]]));
    const db = new MemoryDatabase();
    const app = new HashApp(db);
    const order: string[] = [];
    const commit = app.commit.bind(app);
    app.commit = async () => {
      order.push("commit");
      return commit();
    };
    const sync = new BlockSync(
      { chainId: CHAIN, genesis: GENESIS, pollMs: 5 },
      {
        app,
        blockStore: await BlockStore.open(db),
        mempool: {
          reap: () => [],
          lock: async () => {
            order.push("lock");
          },
          update: async (h) => {
            order.push(`update${h}`);
          },
        },
        events: {},
        source,
      },
    );
    assert.equal(await sync.run(), 3);
    assert.deepEqual(order, [
      "lock",
      "commit",
      "update1",
      "lock",
      "commit",
      "update2",
      "lock",
      "commit",
      "update3",
    ]);
  });
});
