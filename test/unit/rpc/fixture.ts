/**
 * A small fixed chain (3 blocks, 3 txs, one validator) and an in-memory `RpcEnv` over it, for the RPC
 * tests. Deterministic: fixed seed, fixed times.
 */
import {
  BlockIdFlag,
  type CheckTxResponse,
  type ConsensusParams,
  type ExecTxResult,
  type FinalizeBlockResponse,
  type InfoResponse,
  type QueryRequest,
  type QueryResponse,
} from "../../../src/abci/types.js";
import { ed25519Address, ed25519FromSeed, ed25519Sign } from "../../../src/crypto/ed25519.js";
import { sha256 } from "../../../src/crypto/hash.js";
import type {
  RpcBlockPage,
  RpcChainPoint,
  RpcEnv,
  RpcNetInfo,
  RpcNodeInfo,
  RpcOrder,
  RpcTxPage,
  RpcTxRecord,
  RpcValidatorInfo,
} from "../../../src/rpc/env.js";
import {
  type Block,
  type BlockID,
  type BlockMeta,
  type Commit,
  consensusParamsHash,
  emptyCommit,
  encodeBlock,
  fillHeader,
  lastResultsHash,
  makeBlockId,
  SignedMsgType,
  type Validator,
  validatorSetHash,
  voteSignBytes,
  zeroBlockId,
} from "../../../src/types/block.js";
import { equalBytes, toHexUpper, utf8 } from "../../../src/types/bytes.js";

/** Chain id of the fixture chain. */
export const CHAIN_ID = "openledger-test-1";

/** Genesis time: 2024-01-02T03:04:05Z. */
export const GENESIS_SECONDS = 1704164645n;

/** Consensus params of the fixture chain. */
export const PARAMS: ConsensusParams = {
  block: { maxBytes: 22020096, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

const KEY = ed25519FromSeed(new Uint8Array(32).fill(7));

/** The fixture's only validator. */
export const VALIDATOR: Validator = {
  address: ed25519Address(KEY.publicKey),
  pubKey: KEY.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};

/** Bech32-looking sender/recipient strings used in events. */
export const SENDER = "open1sender0000000000000000000000000000000";
export const RECIPIENT = "open1recipient000000000000000000000000000";

/** The fixed chain and its indexes. */
export interface Chain {
  blocks: Block[];
  metas: BlockMeta[];
  commits: Commit[];
  results: FinalizeBlockResponse[];
  txs: RpcTxRecord[];
}

/** Build the fixture chain: block 1 empty, block 2 with two txs (one failed), block 3 with one. */
export function buildChain(): Chain {
  const txsPerBlock: Uint8Array[][] = [[], [utf8("tx-a"), utf8("tx-b")], [utf8("tx-c")]];
  const chain: Chain = { blocks: [], metas: [], commits: [], results: [], txs: [] };
  let lastBlockId: BlockID = zeroBlockId();
  let lastCommit: Commit = emptyCommit();
  let prevResults: ExecTxResult[] = [];
  txsPerBlock.forEach((txs, i) => {
    const height = i + 1;
    const results = txs.map((tx, j) => txResult(tx, height, j));
    const block = fillHeader({
      header: {
        version: { block: 11n, app: 0n },
        chainId: CHAIN_ID,
        height,
        time: { seconds: GENESIS_SECONDS + BigInt(height), nanos: height === 2 ? 120_000_000 : 123_456_789 },
        lastBlockId,
        lastCommitHash: new Uint8Array(0),
        dataHash: new Uint8Array(0),
        validatorsHash: validatorSetHash([VALIDATOR]),
        nextValidatorsHash: validatorSetHash([VALIDATOR]),
        consensusHash: consensusParamsHash(PARAMS),
        appHash: sha256(utf8(`app-${height - 1}`)),
        lastResultsHash: lastResultsHash(prevResults),
        evidenceHash: new Uint8Array(0),
        proposerAddress: VALIDATOR.address,
      },
      data: { txs },
      evidence: [],
      lastCommit,
    });
    const blockId = makeBlockId(block);
    const commit = signCommit(height, blockId, block.header.time.seconds);
    chain.blocks.push(block);
    chain.metas.push({
      blockId,
      blockSize: encodeBlock(block).length,
      header: block.header,
      numTxs: txs.length,
    });
    chain.commits.push(commit);
    chain.results.push({
      events: [{ type: "block_event", attributes: [{ key: "height", value: String(height), index: true }] }],
      txResults: results,
      validatorUpdates: [],
      appHash: sha256(utf8(`app-${height}`)),
    });
    txs.forEach((tx, j) => {
      chain.txs.push({ height, index: j, tx, result: results[j] as ExecTxResult });
    });
    lastBlockId = blockId;
    lastCommit = commit;
    prevResults = results;
  });
  return chain;
}

/** An in-memory RpcEnv over the fixture chain, with a toy mempool and query matcher. */
export class FixtureEnv implements RpcEnv {
  readonly chain = buildChain();
  readonly mempool: Uint8Array[] = [];
  /** Txs `waitForTx` reports as included (by upper hex hash). */
  readonly willCommit = new Map<string, RpcTxRecord>();
  checkTxCalls = 0;

  chainId(): string {
    return CHAIN_ID;
  }

  nodeInfo(): RpcNodeInfo {
    return { id: "a".repeat(40), listenAddr: "tcp://0.0.0.0:26656", moniker: "fixture" };
  }

  validatorInfo(): RpcValidatorInfo {
    return { pubKey: VALIDATOR.pubKey, votingPower: VALIDATOR.votingPower };
  }

  latest(): RpcChainPoint {
    return this.point(this.chain.metas.length);
  }

  earliest(): RpcChainPoint {
    return this.point(1);
  }

  catchingUp(): boolean {
    return false;
  }

  async loadBlock(height: number): Promise<Block | undefined> {
    return this.chain.blocks[height - 1];
  }

  async loadBlockMeta(height: number): Promise<BlockMeta | undefined> {
    return this.chain.metas[height - 1];
  }

  async loadBlockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const i = this.chain.metas.findIndex((m) => equalBytes(m.blockId.hash, hash));
    return i < 0 ? undefined : this.chain.blocks[i];
  }

  async loadCommit(height: number): Promise<Commit | undefined> {
    return this.chain.commits[height - 1];
  }

  async loadResults(height: number): Promise<FinalizeBlockResponse | undefined> {
    return this.chain.results[height - 1];
  }

  async loadValidators(height: number): Promise<Validator[] | undefined> {
    return height >= 1 && height <= this.chain.blocks.length + 1 ? [VALIDATOR] : undefined;
  }

  async consensusParams(): Promise<ConsensusParams> {
    return PARAMS;
  }

  genesisJson(): string {
    return JSON.stringify({
      genesis_time: "2024-01-02T03:04:05Z",
      chain_id: CHAIN_ID,
      initial_height: "1",
      consensus_params: {
        block: { max_bytes: "22020096", max_gas: "-1" },
        evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
        validator: { pub_key_types: ["ed25519"] },
        version: { app: "0" },
      },
      validators: [
        {
          address: toHexUpper(VALIDATOR.address),
          pub_key: {
            type: "tendermint/PubKeyEd25519",
            value: Buffer.from(VALIDATOR.pubKey).toString("base64"),
          },
          power: "10",
          name: "val0",
        },
      ],
      app_hash: "",
      app_state: { bank: { balances: [] } },
    });
  }

  async abciQuery(req: QueryRequest): Promise<QueryResponse> {
    const found = req.path === "/custom/echo";
    return {
      code: found ? 0 : 6,
      log: found ? "" : `unknown query path ${req.path}`,
      info: "",
      index: 0n,
      key: new Uint8Array(0),
      value: found ? req.data : new Uint8Array(0),
      proofOps: [],
      height: found ? this.chain.blocks.length : 0,
      codespace: found ? "" : "sdk",
    };
  }

  async abciInfo(): Promise<InfoResponse> {
    return {
      data: "openledger",
      version: "0.1.0",
      appVersion: 1,
      lastBlockHeight: this.chain.blocks.length,
      lastBlockAppHash: sha256(utf8(`app-${this.chain.blocks.length}`)),
    };
  }

  async checkTx(tx: Uint8Array): Promise<CheckTxResponse> {
    this.checkTxCalls++;
    const bad = tx[0] === 0xff;
    return {
      code: bad ? 2 : 0,
      data: new Uint8Array(0),
      log: bad ? "tx parse error" : "",
      info: "",
      gasWanted: bad ? 0n : 200000n,
      gasUsed: bad ? 0n : 1234n,
      events: [],
      codespace: bad ? "sdk" : "",
      priority: 0n,
      sender: "",
      sequence: 0n,
    };
  }

  async broadcastTx(tx: Uint8Array): Promise<CheckTxResponse> {
    if (this.mempool.some((m) => equalBytes(m, tx))) throw new Error("tx already exists in cache");
    const res = await this.checkTx(tx);
    if (res.code === 0) this.mempool.push(tx);
    return res;
  }

  waitForTx(hash: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<RpcTxRecord | undefined> {
    const rec = this.willCommit.get(toHexUpper(hash));
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), rec === undefined ? timeoutMs : 20);
      if (rec !== undefined) setTimeout(() => resolve(rec), 10);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }

  async getTx(hash: Uint8Array): Promise<RpcTxRecord | undefined> {
    return this.chain.txs.find((t) => equalBytes(sha256(t.tx), hash));
  }

  async searchTxs(query: string, page: number, perPage: number, order: RpcOrder): Promise<RpcTxPage> {
    const conds = parseQuery(query);
    const matches = this.chain.txs.filter((t) =>
      conds.every(([k, v]) => {
        if (k === "tx.height") return String(t.height) === v;
        if (k === "tx.hash") return toHexUpper(sha256(t.tx)) === v;
        return t.result.events.some((e) =>
          e.attributes.some((a) => `${e.type}.${a.key}` === k && a.value === v),
        );
      }),
    );
    const sorted = order === "asc" ? matches : [...matches].reverse();
    return { txs: sorted.slice((page - 1) * perPage, page * perPage), totalCount: sorted.length };
  }

  async searchBlocks(query: string, page: number, perPage: number, order: RpcOrder): Promise<RpcBlockPage> {
    const conds = parseQuery(query);
    const heights = this.chain.metas
      .map((m) => m.header.height)
      .filter((h) => conds.every(([k, v]) => k === "block.height" && String(h) === v));
    const sorted = order === "asc" ? heights : [...heights].reverse();
    return { heights: sorted.slice((page - 1) * perPage, page * perPage), totalCount: sorted.length };
  }

  mempoolSize(): number {
    return this.mempool.length;
  }

  mempoolBytes(): number {
    return this.mempool.reduce((n, t) => n + t.length, 0);
  }

  mempoolTxs(limit: number): Uint8Array[] {
    return this.mempool.slice(0, limit);
  }

  netInfo(): RpcNetInfo {
    return { listening: true, listeners: ["Listener(@tcp://0.0.0.0:26656)"], peers: [] };
  }

  private point(height: number): RpcChainPoint {
    const meta = this.chain.metas[height - 1];
    if (meta === undefined) throw new Error(`no block ${height}`);
    return {
      height,
      hash: meta.blockId.hash,
      appHash: meta.header.appHash,
      time: meta.header.time,
    };
  }
}

/** `a.b='x' AND c.d=5` → pairs; throws on anything else (enough grammar for the tests). */
function parseQuery(query: string): [string, string][] {
  return query.split(" AND ").map((part) => {
    const m = /^\s*([\w.]+)\s*=\s*(?:'([^']*)'|(\d+))\s*$/.exec(part);
    if (m === null) throw new Error(`failed to parse query: ${query}`);
    return [m[1] as string, (m[2] ?? m[3]) as string];
  });
}

function txResult(tx: Uint8Array, height: number, index: number): ExecTxResult {
  const failed = height === 2 && index === 1;
  return {
    code: failed ? 5 : 0,
    data: failed ? new Uint8Array(0) : utf8(`data-${Buffer.from(tx).toString()}`),
    log: failed ? "insufficient funds" : "",
    info: "",
    gasWanted: 200000n,
    gasUsed: 50000n + BigInt(index),
    events: failed
      ? [{ type: "tx", attributes: [{ key: "fee", value: "10aopen", index: true }] }]
      : [
          { type: "tx", attributes: [{ key: "fee", value: "10aopen", index: true }] },
          { type: "message", attributes: [{ key: "sender", value: SENDER, index: true }] },
          {
            type: "transfer",
            attributes: [
              { key: "recipient", value: RECIPIENT, index: true },
              { key: "amount", value: "5aopen", index: true },
            ],
          },
        ],
    codespace: failed ? "sdk" : "",
  };
}

function signCommit(height: number, blockId: BlockID, seconds: bigint): Commit {
  const timestamp = { seconds: seconds + 1n, nanos: 500 };
  const signature = ed25519Sign(
    voteSignBytes(CHAIN_ID, {
      type: SignedMsgType.Precommit,
      height,
      round: 0,
      blockId,
      timestamp,
      validatorAddress: VALIDATOR.address,
      validatorIndex: 0,
      signature: new Uint8Array(0),
    }),
    KEY.privateKey,
  );
  return {
    height,
    round: 0,
    blockId,
    signatures: [
      { blockIdFlag: BlockIdFlag.Commit, validatorAddress: VALIDATOR.address, timestamp, signature },
    ],
  };
}
