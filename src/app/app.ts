/**
 * OpenLedgerApp: the state machine behind the ABCI-shaped `Application` interface — tx decoding, ante,
 * message routing with a state (and event) snapshot around each tx's messages, the query router, the
 * module manager (ordered genesis, begin/end block hooks, invariants), CheckTx state, proposals,
 * FinalizeBlock and Commit.
 */
import "../types/cosmjsFix.js";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type {
  AbciEvent,
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
  QueryRequest,
  QueryResponse,
  ValidatorUpdate,
} from "../abci/types.js";
import { CheckTxType } from "../abci/types.js";
import { defaultConsensusParams } from "../config/genesis.js";
import { sha256 } from "../crypto/hash.js";
import { AuthKeeper, decodePubKeyAny } from "../modules/auth/keeper.js";
import { STORE_PREFIX as AUTH_STORE_PREFIX } from "../modules/auth/keys.js";
import { AuthModule } from "../modules/auth/module.js";
import { BankKeeper } from "../modules/bank/keeper.js";
import { BankModule } from "../modules/bank/module.js";
import { GOV_MODULE } from "../modules/bank/msgServer.js";
import { type BranchStore, type CommitStore, createBranch } from "../store/index.js";
import type { KVStore } from "../store/types.js";
import { fromUtf8, utf8 } from "../types/bytes.js";
import { CodedError, SDK, SdkCode, toCodedError } from "../types/errors.js";
import { FifoQueue } from "../types/fifo.js";
import { txMemo } from "../types/txMemo.js";
import { bech32Of, moduleAddressOf } from "./addressCache.js";
import { type AnteDeps, rememberDirectSigKey, runAnte, SignatureCache, sigCacheKey } from "./ante.js";
import { type DecCoin, parseDecCoins } from "./coins.js";
import { attr, EventManager } from "./events.js";
import { GasKVStore, GasMeter } from "./gas.js";
import { chainConfigFromAppState, DEFAULT_MODULE_ACCOUNTS } from "./genesis.js";
import { PrefixReader, ReadOnlyStore, storePrefix } from "./prefixStore.js";
import { encodeSignDoc, encodeTxMsgData } from "./protoWriter.js";
import { type DecodedTx, decodeTx, MAX_TX_BYTES, msgSigners } from "./tx.js";
import {
  type AnyMsg,
  type AppModule,
  type BlockHeader,
  type ChainConfig,
  Context,
  type ExecMode,
  type Invariant,
  type ModuleAccountSpec,
  type ModuleRegistrar,
  type MsgDef,
  makeChainConfig,
  type QueryHandler,
} from "./types.js";

/** App name reported by `Info`. */
export const APP_NAME = "openledger";
/** App version reported by `Info`. */
export const APP_VERSION = "0.1.0";
/** gRPC path of tx simulation. */
export const SIMULATE_PATH = "/cosmos.tx.v1beta1.Service/Simulate";
const BASEAPP_PREFIX = storePrefix("baseapp");
const CONFIG_KEY = utf8("config");
const EMPTY = new Uint8Array();
/**
 * Decoded txs kept by hash for reuse between CheckTx, proposals and FinalizeBlock when the bytes
 * arrive as a new object (a peer's proposal, replay); the usual path finds them by object identity.
 */
const DECODE_CACHE_SIZE = 20_000;
/**
 * …and at most this many raw bytes of them: a decoded tx takes ~10-20× its raw size in objects, so
 * a few large txs (multi-sends) must not pin hundreds of MB. 1 MiB (~4k bank sends, ~11× that in heap):
 * the usual path (the same bytes object from CheckTx to FinalizeBlock) is served by the per-object memo,
 * so this cache only covers re-received copies; at 4 MiB it held ~45 MB of heap at 1M accounts.
 */
const DECODE_CACHE_BYTES = 1024 * 1024;

/** Construction options. */
export interface AppOptions {
  /** Expected chain id (checked against InitChain); taken from InitChain when absent. */
  chainId?: string;
  /** The node's minimum gas prices, e.g. `0.000000001aopen` or parsed (empty: no minimum). */
  minGasPrices?: string | DecCoin[];
  /** Largest tx accepted in bytes. */
  maxTxBytes?: number;
  /** Entries in the verified-signature cache. */
  sigCacheSize?: number;
  /** Run every invariant after each block (slow; tests and simulations). */
  checkInvariantsEveryBlock?: boolean;
}

/** Collaborators. */
export interface AppDeps {
  /** The committed state. */
  store: CommitStore;
  /** Further modules, after auth and bank, in genesis / block-hook order. */
  modules?: AppModule[];
}

/** The outcome of running one tx. */
export interface TxOutcome {
  code: number;
  codespace: string;
  log: string;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
  data: Uint8Array;
  msgResponses: AnyMsg[];
  priority: bigint;
  sender: string;
  sequence: bigint;
}

function failure(e: unknown, gasWanted: bigint, gasUsed: bigint, events: AbciEvent[] = []): TxOutcome {
  const c = toCodedError(e);
  return {
    code: c.code,
    codespace: c.codespace,
    log: c.message,
    gasWanted,
    gasUsed,
    events,
    data: EMPTY,
    msgResponses: [],
    priority: 0n,
    sender: "",
    sequence: 0n,
  };
}

/** The OpenLedger state machine. */
export class OpenLedgerApp implements Application, ModuleRegistrar {
  /** Accounts. */
  readonly authKeeper: AuthKeeper;
  /** Balances. */
  readonly bankKeeper: BankKeeper;
  /** Modules in genesis / hook order. */
  readonly modules: AppModule[] = [];
  /** Chain naming (prefixes, bond denom), from genesis. */
  chain: ChainConfig = makeChainConfig();
  /** Chain id, from InitChain or options. */
  chainId: string;

  private readonly store: CommitStore;
  private readonly msgRoutes = new Map<string, MsgDef<unknown>>();
  private readonly queryRoutes = new Map<string, QueryHandler>();
  private readonly minGasPrices: DecCoin[];
  private readonly maxTxBytes: number;
  private readonly sigCache: SignatureCache;
  private readonly ante: AnteDeps;
  private readonly checkInvariantsEveryBlock: boolean;
  private consensusParams: ConsensusParams = defaultConsensusParams();
  private checkState: BranchStore;
  private lastHeader: BlockHeader;
  private pendingHeight = 0;
  private readonly decoded = new Map<string, DecodedTx>();
  /** Keys of `decoded` in insertion order, for eviction (see `FifoQueue`). */
  private readonly decodedOrder = new FifoQueue<string>();
  /** Sum of the raw sizes of the txs in `decoded`. */
  private decodedBytes = 0;
  private readonly lookup = (typeUrl: string): MsgDef<unknown> | undefined => this.msgRoutes.get(typeUrl);

  /** Build the app over a committed store; auth and bank are always present. */
  constructor(options: AppOptions, deps: AppDeps) {
    this.store = deps.store;
    this.chainId = options.chainId ?? "";
    const mgp = options.minGasPrices ?? "";
    this.minGasPrices = typeof mgp === "string" ? parseDecCoins(mgp) : [...mgp];
    this.maxTxBytes = options.maxTxBytes ?? MAX_TX_BYTES;
    this.sigCache = new SignatureCache(options.sigCacheSize);
    this.checkInvariantsEveryBlock = options.checkInvariantsEveryBlock ?? false;
    this.authKeeper = new AuthKeeper();
    this.bankKeeper = new BankKeeper(this.authKeeper);
    this.ante = {
      auth: this.authKeeper,
      bank: this.bankKeeper,
      minGasPrices: this.minGasPrices,
      sigCache: this.sigCache,
    };
    for (const ma of DEFAULT_MODULE_ACCOUNTS) this.declareModuleAccount(ma);
    this.addModule(new AuthModule(this.authKeeper));
    this.addModule(new BankModule(this.bankKeeper));
    for (const m of deps.modules ?? []) this.addModule(m);
    this.lastHeader = {
      height: this.store.version,
      time: { seconds: 0n, nanos: 0 },
      chainId: this.chainId,
      proposer: EMPTY,
    };
    this.loadPersisted();
    this.checkState = createBranch(this.store.working);
  }

  // ---- lifecycle (ABCI) ----

  /** Where the app stands. */
  async info(): Promise<InfoResponse> {
    return {
      data: APP_NAME,
      version: APP_VERSION,
      appVersion: this.consensusParams.version.app,
      lastBlockHeight: this.store.version,
      lastBlockAppHash: this.store.version === 0 ? EMPTY : this.store.lastHash,
    };
  }

  /** Import genesis: chain config, then each module's state in order; module accounts created. */
  async initChain(req: InitChainRequest): Promise<InitChainResponse> {
    if (this.chainId !== "" && this.chainId !== req.chainId) {
      throw new CodedError(
        SDK,
        SdkCode.InvalidChainID,
        `invalid chain-id on InitChain; expected: ${this.chainId}, got: ${req.chainId}`,
      );
    }
    this.chainId = req.chainId;
    let appState: Record<string, unknown> = {};
    if (req.appStateBytes.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fromUtf8(req.appStateBytes));
      } catch (e) {
        throw new CodedError(SDK, SdkCode.JSONUnmarshal, `app_state: ${(e as Error).message}`);
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new CodedError(SDK, SdkCode.JSONUnmarshal, "app_state must be a JSON object");
      }
      appState = parsed as Record<string, unknown>;
    }
    this.chain = chainConfigFromAppState(appState);
    this.consensusParams = req.consensusParams;
    this.pendingHeight = req.initialHeight > 0 ? req.initialHeight : 1;
    const header: BlockHeader = {
      height: this.pendingHeight,
      time: req.time,
      chainId: req.chainId,
      proposer: EMPTY,
    };
    const ctx = this.blockContext(this.store.working, header, "genesis", new EventManager());
    const updates: ValidatorUpdate[] = [];
    for (const m of this.modules) {
      const json = appState[m.name] ?? m.defaultGenesis?.(this.chain);
      if (json !== undefined && m.initGenesis) {
        const u = m.initGenesis(ctx, json);
        if (u) updates.push(...u);
      }
      if (m.name === "auth") {
        for (const name of this.authKeeper.moduleAccountNames()) this.authKeeper.getModuleAccount(ctx, name);
      }
    }
    this.persist(ctx);
    this.lastHeader = header;
    this.checkState = createBranch(this.store.working);
    return { validators: updates.length > 0 ? updates : req.validators, appHash: this.store.computeHash() };
  }

  /** Ante checks only, on the check state (kept across calls, reset after each commit). */
  async checkTx(req: CheckTxRequest): Promise<CheckTxResponse> {
    const mode: ExecMode = req.type === CheckTxType.Recheck ? "recheck" : "check";
    const header: BlockHeader = { ...this.lastHeader, height: this.store.version + 1, chainId: this.chainId };
    let out: TxOutcome;
    try {
      const tx = this.decodeCached(req.tx);
      out = this.runTx(mode, tx, this.checkState, header);
    } catch (e) {
      out = failure(e, 0n, 0n);
    }
    return {
      code: out.code,
      data: out.data,
      log: out.log,
      info: "",
      gasWanted: out.gasWanted,
      gasUsed: out.gasUsed,
      events: out.events,
      codespace: out.codespace,
      priority: out.priority,
      sender: out.sender,
      sequence: out.sequence,
    };
  }

  /**
   * Before `checkTx`: verify a new tx's signature with `verify` (e.g. on a worker thread) and, when it
   * holds, put it in the verified-signature cache, so the ante handler (CheckTx, then FinalizeBlock)
   * finds it there instead of running ECDSA on the main thread. Only the common case is handled — one
   * signer, SIGN_MODE_DIRECT; anything else, or any doubt (undecodable tx, unknown account), does
   * nothing and leaves the ante handler to verify (and reject) as before. Changes no state; the cache
   * only ever holds triples that verified, so results are identical with or without this step.
   * `hash`, when given, is the sha256 of `raw` (the mempool computed it already).
   */
  async preverifyTx(
    raw: Uint8Array,
    verify: (digest: Uint8Array, signature: Uint8Array, pubKey: Uint8Array) => Promise<boolean>,
    hash?: Uint8Array,
  ): Promise<void> {
    let signBytes: Uint8Array;
    let pubKey: Uint8Array | undefined;
    let sig: Uint8Array;
    let tx: DecodedTx;
    let accountNumber: bigint;
    try {
      tx = this.decodeCached(raw, hash);
      const infos = tx.signerInfos;
      if (infos.length !== 1 || tx.signatures.length !== 1 || tx.msgs.length === 0) return;
      const single = infos[0]!.modeInfo?.single;
      if (!single || single.mode !== SignMode.SIGN_MODE_DIRECT) return;
      const signer = msgSigners(tx.msgs[0]!, this.chain)[0];
      if (!signer) return;
      const acc = this.authKeeper.readAccount(new PrefixReader(this.checkState, AUTH_STORE_PREFIX), signer);
      if (!acc) return;
      const pk = infos[0]!.publicKey;
      pubKey = pk ? decodePubKeyAny(pk) : acc.pubKey;
      if (!pubKey) return;
      sig = tx.signatures[0]!;
      accountNumber = acc.accountNumber;
      signBytes = encodeSignDoc(tx.bodyBytes, tx.authInfoBytes, this.chainId, accountNumber);
    } catch {
      return;
    }
    const digest = sha256(signBytes);
    const key = sigCacheKey(digest, pubKey, sig);
    rememberDirectSigKey(tx, accountNumber, this.chainId, pubKey, key);
    if (this.sigCache.has(key)) return;
    if (await verify(digest, sig, pubKey)) this.sigCache.add(key);
  }

  /** Take txs in order while they fit in `maxTxBytes` and the block's max gas; drop undecodable ones. */
  async prepareProposal(req: PrepareProposalRequest): Promise<{ txs: Uint8Array[] }> {
    const maxGas = BigInt(this.consensusParams.block.maxGas);
    const out: Uint8Array[] = [];
    let bytes = 0;
    let gas = 0n;
    for (const raw of req.txs) {
      if (bytes + raw.length > req.maxTxBytes) break;
      let tx: DecodedTx;
      try {
        tx = this.decodeCached(raw);
      } catch {
        continue;
      }
      if (maxGas > 0n && gas + tx.gasLimit > maxGas) break;
      gas += tx.gasLimit;
      bytes += raw.length;
      out.push(raw);
    }
    return { txs: out };
  }

  /** Accept a proposal only when every tx decodes and the gas fits. */
  async processProposal(req: ProcessProposalRequest): Promise<{ accept: boolean }> {
    const maxGas = BigInt(this.consensusParams.block.maxGas);
    let gas = 0n;
    for (const raw of req.txs) {
      try {
        gas += this.decodeCached(raw).gasLimit;
      } catch {
        return { accept: false };
      }
    }
    return { accept: !(maxGas > 0n && gas > maxGas) };
  }

  /** Execute a decided block: begin-block hooks, each tx, end-block hooks; returns the app hash. */
  async finalizeBlock(req: FinalizeBlockRequest): Promise<FinalizeBlockResponse> {
    const header: BlockHeader = {
      height: req.height,
      time: req.time,
      chainId: this.chainId,
      proposer: req.proposerAddress,
      lastCommit: req.decidedLastCommit,
      misbehavior: req.misbehavior,
    };
    this.pendingHeight = req.height;
    const working = this.store.working;
    const blockEvents = new EventManager();
    const ctx = this.blockContext(working, header, "block", blockEvents);
    for (const m of this.modules) m.beginBlock?.(ctx);
    const beginEvents = tagMode(blockEvents.events.splice(0), "BeginBlock");
    const txResults: ExecTxResult[] = [];
    for (const raw of req.txs) {
      let out: TxOutcome;
      try {
        const tx = this.decodeCached(raw);
        out = this.runTx("finalize", tx, working, header);
      } catch (e) {
        out = failure(e, 0n, 0n);
      }
      txResults.push({
        code: out.code,
        data: out.data,
        log: out.log,
        info: "",
        gasWanted: out.gasWanted,
        gasUsed: out.gasUsed,
        events: out.events,
        codespace: out.codespace,
      });
    }
    const validatorUpdates: ValidatorUpdate[] = [];
    for (const m of this.modules) {
      const u = m.endBlock?.(ctx);
      if (u) validatorUpdates.push(...u);
    }
    const endEvents = tagMode(blockEvents.events.splice(0), "EndBlock");
    if (this.checkInvariantsEveryBlock) {
      const broken = this.checkInvariants();
      if (broken.length > 0)
        throw new Error(`invariant broken at height ${req.height}: ${broken.join("; ")}`);
    }
    this.lastHeader = header;
    return {
      events: [...beginEvents, ...endEvents],
      txResults,
      validatorUpdates,
      appHash: this.store.computeHash(),
    };
  }

  /** Persist the finalized state as the new version; reset the check state. */
  async commit(): Promise<CommitResponse> {
    const height = this.pendingHeight > this.store.version ? this.pendingHeight : this.store.version + 1;
    await this.store.commit(height);
    this.checkState = createBranch(this.store.working);
    return { retainHeight: 0 };
  }

  /** Serve a query: gRPC paths, `store/<name>/key` (with proofs), or Simulate. */
  async query(req: QueryRequest): Promise<QueryResponse> {
    const height = req.height > 0 ? req.height : this.store.version;
    try {
      if (req.path === SIMULATE_PATH) return this.ok(height, this.simulateQuery(req.data));
      if (req.path.startsWith("store/")) return this.storeQuery(req, height);
      if (req.path === "/app/version" || req.path === "app/version")
        return this.ok(height, utf8(APP_VERSION));
      const handler = this.queryRoutes.get(req.path);
      if (!handler)
        throw new CodedError(
          SDK,
          SdkCode.UnknownRequest,
          `unknown query path: ${req.path.slice(0, 200)}: unknown request`,
        );
      const ctx = this.queryContext(height);
      return this.ok(height, handler(ctx, req.data));
    } catch (e) {
      const c = toCodedError(e);
      return {
        code: c.code,
        log: c.message,
        info: "",
        index: 0n,
        key: EMPTY,
        value: EMPTY,
        proofOps: [],
        height,
        codespace: c.codespace,
      };
    }
  }

  // ---- handlers (registration) ----

  /** Add a module (before InitChain); registers its messages, queries and module accounts. */
  addModule(m: AppModule): void {
    this.modules.push(m);
    for (const ma of m.moduleAccounts ?? []) this.declareModuleAccount(ma);
    m.register(this);
  }

  /** Declare a module account: its permissions, and (except gov's) a block on receiving user sends. */
  declareModuleAccount(ma: ModuleAccountSpec): void {
    this.authKeeper.addModuleAccountPermissions(ma.name, ma.permissions);
    if (ma.name !== GOV_MODULE) this.bankKeeper.blockAddress(moduleAddressOf(ma.name));
  }

  /** Route a message type; a duplicate route is a programming error. */
  registerMsg<M>(def: MsgDef<M>): void {
    if (this.msgRoutes.has(def.typeUrl)) throw new Error(`duplicate message route ${def.typeUrl}`);
    this.msgRoutes.set(def.typeUrl, def as unknown as MsgDef<unknown>);
  }

  /** Serve a gRPC query path (later registrations replace earlier ones, so the node can add GetTx). */
  registerQuery(path: string, handler: QueryHandler): void {
    this.queryRoutes.set(path, handler);
  }

  // ---- public ----

  /** The message definition for a type URL. */
  msgDef(typeUrl: string): MsgDef<unknown> | undefined {
    return this.msgRoutes.get(typeUrl);
  }

  /** Decode tx bytes with this app's message registry (throws coded errors). */
  decodeTx(bytes: Uint8Array): DecodedTx {
    return decodeTx(bytes, (u) => this.msgRoutes.get(u), this.maxTxBytes);
  }

  /** Simulate a tx (ante in simulate mode + messages) on a throwaway branch of the check state. */
  simulate(txBytes: Uint8Array): TxOutcome {
    const tx = this.decodeTx(txBytes);
    const header: BlockHeader = { ...this.lastHeader, height: this.store.version + 1, chainId: this.chainId };
    return this.runTx("simulate", tx, this.checkState.branch(), header);
  }

  /** Run every registered invariant on the working state; returns the broken ones' descriptions. */
  checkInvariants(): string[] {
    const ctx = this.blockContext(
      new ReadOnlyStore(this.store.working),
      this.lastHeader,
      "query",
      new EventManager(),
    );
    const broken: string[] = [];
    for (const m of this.modules) {
      for (const inv of (m.invariants ?? []) as Invariant[]) {
        const r = inv.check(ctx);
        if (r !== undefined) broken.push(`${inv.name}: ${r}`);
      }
    }
    return broken;
  }

  /** Export every module's genesis state from the working (latest) state, as `app_state`. */
  exportGenesis(): Record<string, unknown> {
    const ctx = this.blockContext(
      new ReadOnlyStore(this.store.working),
      this.lastHeader,
      "query",
      new EventManager(),
    );
    const out: Record<string, unknown> = {};
    for (const m of this.modules) if (m.exportGenesis) out[m.name] = m.exportGenesis(ctx);
    return out;
  }

  /** The bech32 address of a module account. */
  moduleAccountAddress(name: string): string {
    return bech32Of(this.chain.bech32Prefix, moduleAddressOf(name));
  }

  /** The last block header the app executed (or the genesis header). */
  get header(): BlockHeader {
    return this.lastHeader;
  }

  // ---- private ----

  /** Decode through a bounded cache keyed by tx hash, so a tx seen in CheckTx is not decoded again. */
  private decodeCached(bytes: Uint8Array, hash?: Uint8Array): DecodedTx {
    // The same bytes object usually travels RPC → mempool → CheckTx → proposal → FinalizeBlock:
    // recognise it without hashing it again.
    // Its memo (`txMemo`) keeps its hash and, when this app decoded it, the decoded tx.
    if (bytes.length > this.maxTxBytes) return decodeTx(bytes, this.lookup, this.maxTxBytes);
    const memo = txMemo(bytes, hash);
    // Only this app writes a `DecodedTx` under its own ownership.
    if (memo.owner === this) return memo.decoded as DecodedTx;
    const tx = this.decodeByHash(bytes, memo.hash);
    memo.owner = this;
    memo.decoded = tx;
    return tx;
  }

  private decodeByHash(bytes: Uint8Array, hash: Uint8Array): DecodedTx {
    const key = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("latin1");
    const hit = this.decoded.get(key);
    if (hit) return hit;
    const tx = decodeTx(bytes, this.lookup, this.maxTxBytes, hash);
    while (
      this.decoded.size > 0 &&
      (this.decoded.size >= DECODE_CACHE_SIZE || this.decodedBytes + bytes.length > DECODE_CACHE_BYTES)
    ) {
      const oldest = this.decodedOrder.shift();
      if (oldest === undefined) break;
      const evicted = this.decoded.get(oldest);
      if (evicted === undefined) continue;
      this.decoded.delete(oldest);
      this.decodedBytes -= evicted.bytes.length;
    }
    this.decoded.set(key, tx);
    this.decodedOrder.push(key);
    this.decodedBytes += bytes.length;
    return tx;
  }

  private runTx(mode: ExecMode, tx: DecodedTx, parent: KVStore, header: BlockHeader): TxOutcome {
    const meter = new GasMeter(mode === "simulate" ? undefined : tx.gasLimit);
    const txBranch = createBranch(parent);
    const anteEvents = new EventManager();
    const ctx = new Context(new GasKVStore(txBranch, meter), meter, anteEvents, header, mode, this.chain);
    let ante: ReturnType<typeof runAnte>;
    try {
      ante = runAnte(ctx, tx, this.ante);
    } catch (e) {
      return failure(e, tx.gasLimit, meter.consumed);
    }
    const base = { priority: ante.priority, sender: ante.sender, sequence: ante.sequence };
    if (mode === "check" || mode === "recheck") {
      txBranch.write();
      return {
        code: 0,
        codespace: "",
        log: "",
        gasWanted: tx.gasLimit,
        gasUsed: meter.consumed,
        events: anteEvents.events,
        data: EMPTY,
        msgResponses: [],
        ...base,
      };
    }
    const msgBranch = txBranch.branch();
    const msgStore = new GasKVStore(msgBranch, meter);
    const events: AbciEvent[] = [];
    const responses: AnyMsg[] = [];
    let i = 0;
    try {
      for (; i < tx.msgs.length; i++) {
        const m = tx.msgs[i]!;
        const em = new EventManager();
        const mctx = ctx.with(msgStore, meter, em);
        const resp = m.def.handle(mctx, m.msg);
        responses.push(resp);
        const msgIndex = msgIndexAttr(i);
        const signer = msgSigners(m, this.chain)[0];
        events.push({
          type: "message",
          attributes: [
            sharedAttr("action", m.typeUrl),
            attr("sender", signer ? bech32Of(this.chain.bech32Prefix, signer) : ""),
            sharedAttr("module", m.def.module),
            msgIndex,
          ],
        });
        for (const ev of em.events) events.push({ type: ev.type, attributes: [...ev.attributes, msgIndex] });
      }
    } catch (e) {
      txBranch.write();
      const c = toCodedError(e);
      const log =
        c.code === SdkCode.OutOfGas && c.codespace === SDK
          ? c.message
          : `failed to execute message; message index: ${i}: ${c.message}`;
      return {
        ...failure(new CodedError(c.codespace, c.code, log), tx.gasLimit, meter.consumed, anteEvents.events),
        ...base,
      };
    }
    msgBranch.write();
    txBranch.write();
    const data = encodeTxMsgData(responses);
    return {
      code: 0,
      codespace: "",
      log: "",
      gasWanted: tx.gasLimit,
      gasUsed: meter.consumed,
      events: [...anteEvents.events, ...events],
      data,
      msgResponses: responses,
      ...base,
    };
  }

  private simulateQuery(data: Uint8Array): Uint8Array {
    let req: SimulateRequest;
    try {
      req = SimulateRequest.decode(data);
    } catch (e) {
      throw new CodedError(
        SDK,
        SdkCode.InvalidRequest,
        `invalid simulate request: ${(e as Error).message}: invalid request`,
      );
    }
    let txBytes = req.txBytes;
    if (txBytes.length === 0 && req.tx) {
      txBytes = TxRaw.encode({
        bodyBytes: TxBody.encode(req.tx.body ?? TxBody.fromPartial({})).finish(),
        authInfoBytes: AuthInfo.encode(req.tx.authInfo ?? AuthInfo.fromPartial({})).finish(),
        signatures: req.tx.signatures,
      }).finish();
    }
    if (txBytes.length === 0)
      throw new CodedError(SDK, SdkCode.InvalidRequest, "empty txBytes is not allowed: invalid request");
    const out = this.simulate(txBytes);
    if (out.code !== 0) throw new CodedError(out.codespace, out.code, out.log);
    return SimulateResponse.encode({
      gasInfo: { gasWanted: out.gasWanted, gasUsed: out.gasUsed },
      result: { data: out.data, log: out.log, events: out.events, msgResponses: out.msgResponses },
    }).finish();
  }

  private storeQuery(req: QueryRequest, height: number): QueryResponse {
    const parts = req.path.split("/");
    if (parts.length !== 3 || parts[2] !== "key" || parts[1] === "") {
      throw new CodedError(
        SDK,
        SdkCode.UnknownRequest,
        `unknown query path: ${req.path.slice(0, 200)}: unknown request`,
      );
    }
    const prefix = storePrefix(parts[1]!);
    const full = new Uint8Array(prefix.length + req.data.length);
    full.set(prefix);
    full.set(req.data, prefix.length);
    if (req.prove) {
      const r = this.store.proveAt(height, full);
      return { ...this.ok(height, r.value ?? EMPTY), key: req.data, proofOps: r.proof };
    }
    const v = this.store.readAt(height).get(full);
    return { ...this.ok(height, v ?? EMPTY), key: req.data };
  }

  private ok(height: number, value: Uint8Array): QueryResponse {
    return { code: 0, log: "", info: "", index: 0n, key: EMPTY, value, proofOps: [], height, codespace: "" };
  }

  private queryContext(height: number): Context {
    if (height === 0)
      throw new CodedError(SDK, SdkCode.InvalidHeight, "no committed state yet (height 0): invalid height");
    const reader = this.store.readAt(height);
    const header: BlockHeader = { ...this.lastHeader, height, chainId: this.chainId };
    return new Context(
      new ReadOnlyStore(reader),
      new GasMeter(undefined),
      new EventManager(),
      header,
      "query",
      this.chain,
    );
  }

  private blockContext(store: KVStore, header: BlockHeader, mode: ExecMode, events: EventManager): Context {
    return new Context(store, new GasMeter(undefined), events, header, mode, this.chain);
  }

  private persist(ctx: Context): void {
    const cfg = { chainId: this.chainId, chain: this.chain, consensusParams: this.consensusParams };
    ctx.kv(BASEAPP_PREFIX).set(CONFIG_KEY, utf8(JSON.stringify(cfg)));
  }

  private loadPersisted(): void {
    const bz = new PrefixReader(this.store.working, BASEAPP_PREFIX).get(CONFIG_KEY);
    if (bz === undefined) return;
    const cfg = JSON.parse(fromUtf8(bz)) as {
      chainId: string;
      chain: ChainConfig;
      consensusParams: ConsensusParams;
    };
    if (this.chainId === "") this.chainId = cfg.chainId;
    this.chain = cfg.chain;
    this.consensusParams = cfg.consensusParams;
    this.lastHeader = { ...this.lastHeader, chainId: this.chainId };
  }
}

/**
 * Attribute objects are never mutated once emitted, so the constant ones of every tx's message events
 * (`action`, `module`, `msg_index`) are shared instead of built per tx: fewer objects that live until
 * the block's results are stored and indexed.
 */
const sharedAttrs = new Map<string, Map<string, AbciEvent["attributes"][number]>>();
/** Values per key kept at most (message type URLs and module names are few). */
const SHARED_ATTR_VALUES = 1024;

function sharedAttr(key: string, value: string): AbciEvent["attributes"][number] {
  let byValue = sharedAttrs.get(key);
  if (byValue === undefined) {
    byValue = new Map();
    sharedAttrs.set(key, byValue);
  }
  let a = byValue.get(value);
  if (a === undefined) {
    a = attr(key, value);
    if (byValue.size < SHARED_ATTR_VALUES) byValue.set(value, a);
  }
  return a;
}

const MSG_INDEX_ATTRS = Array.from({ length: 64 }, (_, i) => attr("msg_index", String(i)));

function msgIndexAttr(i: number): AbciEvent["attributes"][number] {
  return MSG_INDEX_ATTRS[i] ?? attr("msg_index", String(i));
}

function tagMode(events: AbciEvent[], mode: string): AbciEvent[] {
  return events.map((e) => ({
    type: e.type,
    attributes: [...e.attributes, { key: "mode", value: mode, index: true }],
  }));
}
