/**
 * The simulation's deterministic pieces around the engine: a tiny key/value `Application` whose
 * committed state survives a crash (the working state does not), a block store whose staged writes
 * are flushed by the app's `commit()` (as the node's one atomic batch), and a mempool that makes a
 * few txs per height (some of which ProcessProposal rejects when a byzantine proposer includes them).
 */
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
  PrepareProposalRequest,
  ProcessProposalRequest,
  QueryResponse,
  ValidatorUpdate,
} from "../../src/abci/types.js";
import type { ConsensusBlockStore, ConsensusMempool, StagedBlock } from "../../src/consensus/types.js";
import { sha256 } from "../../src/crypto/hash.js";
import type { Block, BlockID, Commit, Validator } from "../../src/types/block.js";
import { concatBytes, fromUtf8, utf8 } from "../../src/types/bytes.js";

/** What a validator's disk holds: the app's committed state and the flushed block store. */
export interface SimDisk {
  appHeight: number;
  appHash: Uint8Array;
  kv: Map<string, string>;
  blocks: Map<number, StagedBlock>;
  consensusParams: Map<number, ConsensusParams>;
  validators: Map<number, Validator[]>;
}

/** A new, empty disk. */
export function newDisk(): SimDisk {
  return {
    appHeight: 0,
    appHash: new Uint8Array(0),
    kv: new Map(),
    blocks: new Map(),
    consensusParams: new Map(),
    validators: new Map(),
  };
}

/** A tx the app accepts: `k=v` with short ASCII; anything starting with `bad` is rejected. */
export function isValidTx(tx: Uint8Array): boolean {
  const s = fromUtf8(tx);
  return !s.startsWith("bad") && /^[a-z0-9]{1,16}=[a-z0-9:]{0,32}$/.test(s);
}

/** The KV app. `val:<i>=<power>` txs change validator i's power (validator updates at H+2). */
export class SimApp implements Application {
  private working = new Map<string, string>();
  private pendingHash: Uint8Array | undefined;
  private pendingHeight = 0;

  /** An app over `disk` (its committed state) and `store` (flushed by commit). */
  constructor(
    private readonly disk: SimDisk,
    private readonly store: SimBlockStore,
    private readonly validatorKeys: Uint8Array[],
  ) {
    this.working = new Map(disk.kv);
  }

  async info(): Promise<InfoResponse> {
    return {
      data: "sim",
      version: "1",
      appVersion: 0,
      lastBlockHeight: this.disk.appHeight,
      lastBlockAppHash: this.disk.appHash,
    };
  }

  async initChain(req: InitChainRequest): Promise<InitChainResponse> {
    this.working = new Map();
    const appHash = sha256(utf8(`genesis:${req.chainId}`));
    this.pendingHash = appHash;
    this.pendingHeight = 0;
    this.disk.appHash = appHash;
    return { validators: [], appHash };
  }

  async checkTx(): Promise<CheckTxResponse> {
    return {
      code: 0,
      data: new Uint8Array(0),
      log: "",
      info: "",
      gasWanted: 0n,
      gasUsed: 0n,
      events: [],
      codespace: "",
      priority: 0n,
      sender: "",
      sequence: 0n,
    };
  }

  async prepareProposal(req: PrepareProposalRequest): Promise<{ txs: Uint8Array[] }> {
    return { txs: req.txs.filter(isValidTx) };
  }

  async processProposal(req: ProcessProposalRequest): Promise<{ accept: boolean }> {
    return { accept: req.txs.every(isValidTx) };
  }

  async finalizeBlock(req: FinalizeBlockRequest): Promise<FinalizeBlockResponse> {
    const txResults: ExecTxResult[] = [];
    const validatorUpdates: ValidatorUpdate[] = [];
    for (const tx of req.txs) {
      const [k, v] = fromUtf8(tx).split("=") as [string, string];
      this.working.set(k, v);
      const m = /^val(\d)$/.exec(k);
      const key = m ? this.validatorKeys[Number(m[1])] : undefined;
      if (key !== undefined) validatorUpdates.push({ pubKey: key, power: BigInt(v) });
      txResults.push({
        code: 0,
        data: new Uint8Array(0),
        log: "",
        info: "",
        gasWanted: 0n,
        gasUsed: 0n,
        events: [],
        codespace: "",
      });
    }
    const entries = [...this.working.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const appHash = sha256(concatBytes(utf8(`${req.height}|`), utf8(JSON.stringify(entries))));
    this.pendingHash = appHash;
    this.pendingHeight = req.height;
    return { events: [], txResults, validatorUpdates, appHash };
  }

  async commit(): Promise<CommitResponse> {
    this.disk.kv = new Map(this.working);
    if (this.pendingHash !== undefined) {
      this.disk.appHash = this.pendingHash;
      this.disk.appHeight = this.pendingHeight;
    }
    this.store.flush();
    return { retainHeight: 0 };
  }

  async query(): Promise<QueryResponse> {
    return {
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: new Uint8Array(0),
      value: new Uint8Array(0),
      proofOps: [],
      height: this.disk.appHeight,
      codespace: "",
    };
  }
}

/** A block store over a `SimDisk`: writes are staged until `flush()` (called by the app's commit). */
export class SimBlockStore implements ConsensusBlockStore {
  private staged: StagedBlock | undefined;

  /** A store over `disk`. */
  constructor(private readonly disk: SimDisk) {}

  get height(): number {
    let h = 0;
    for (const k of this.disk.blocks.keys()) if (k > h) h = k;
    return h;
  }

  async loadBlock(height: number): Promise<Block | undefined> {
    return this.disk.blocks.get(height)?.block;
  }

  async loadBlockId(height: number): Promise<BlockID | undefined> {
    return this.disk.blocks.get(height)?.blockId;
  }

  /** As the node's block store: the seen commit is kept for the latest height only. */
  async loadSeenCommit(height: number): Promise<Commit | undefined> {
    return height === this.height ? this.disk.blocks.get(height)?.seenCommit : undefined;
  }

  /** The canonical commit (block height+1's `last_commit`), or at the tip the seen commit. */
  async loadCommit(height: number): Promise<Commit | undefined> {
    return this.disk.blocks.get(height + 1)?.block.lastCommit ?? (await this.loadSeenCommit(height));
  }

  async loadResults(height: number): Promise<FinalizeBlockResponse | undefined> {
    return this.disk.blocks.get(height)?.results;
  }

  async loadValidators(height: number): Promise<Validator[] | undefined> {
    return this.disk.validators.get(height);
  }

  async loadConsensusParams(height: number): Promise<ConsensusParams | undefined> {
    return this.disk.consensusParams.get(height);
  }

  stageBlock(entry: StagedBlock): void {
    this.staged = entry;
  }

  /** Make the staged block durable. */
  flush(): void {
    const e = this.staged;
    if (e === undefined) return;
    const h = e.block.header.height;
    this.disk.blocks.set(h, e);
    this.disk.validators.set(
      h,
      e.validators.map((v) => ({ ...v })),
    );
    this.disk.validators.set(
      h + 1,
      e.nextValidators.map((v) => ({ ...v })),
    );
    this.disk.consensusParams.set(h + 1, e.nextConsensusParams);
    this.staged = undefined;
  }
}

/** A mempool that offers a few fresh txs per height (deterministic per node and height). */
export class SimMempool implements ConsensusMempool {
  private counter = 0;
  /** Extra txs to offer once (e.g. validator updates); removed when committed. */
  readonly extra: Uint8Array[] = [];

  /** A mempool for node `node`. */
  constructor(private readonly node: number) {}

  reap(): Uint8Array[] {
    this.counter++;
    return [utf8(`n${this.node}c${this.counter}=v${this.counter}`), ...this.extra];
  }

  async update(_height: number, committed: readonly Uint8Array[]): Promise<void> {
    const seen = new Set(committed.map((t) => fromUtf8(t)));
    for (let i = this.extra.length - 1; i >= 0; i--) {
      if (seen.has(fromUtf8(this.extra[i] as Uint8Array))) this.extra.splice(i, 1);
    }
  }
}
