/**
 * The mempool: transactions that passed `CheckTx` and wait for a block. Ordered by priority (fee per
 * gas, from the app's `CheckTxResponse`) then arrival, while a sender's transactions always come out in
 * sequence order. A seen-tx cache makes every tx verified once; bounds on count and bytes give a coded
 * error when full; after each block, committed txs leave and the rest are re-checked.
 */
import type { Application, CheckTxResponse } from "../abci/types.js";
import { CheckTxType } from "../abci/types.js";
import { sha256 } from "../crypto/hash.js";
import { toHex } from "../types/bytes.js";
import { CodedError, SdkCode, sdkError } from "../types/errors.js";
import { txMemo } from "../types/txMemo.js";
import { Heap } from "./heap.js";
import { LruSet } from "./lru.js";

/** Default bounds, as CometBFT's `[mempool]` section (size 5000, 64 MiB, 1 MiB per tx, cache 10000). */
export const DEFAULT_MEMPOOL_OPTIONS: Readonly<MempoolOptions> = Object.freeze({
  maxTxs: 5000,
  maxBytes: 64 * 1024 * 1024,
  maxTxBytes: 1024 * 1024,
  cacheSize: 10000,
  recheck: true,
});

/** Mempool bounds and behaviour. */
export interface MempoolOptions {
  /** Most transactions held at once. */
  maxTxs: number;
  /** Most bytes (sum of raw tx sizes) held at once. */
  maxBytes: number;
  /** Largest single tx accepted. */
  maxTxBytes: number;
  /** Size of the seen-tx hash cache (0 disables it). */
  cacheSize: number;
  /** Re-check the remaining txs after each block (default true). */
  recheck: boolean;
}

/** What the mempool needs: the app's `CheckTx`. */
export interface MempoolDeps {
  app: Pick<Application, "checkTx">;
  /**
   * Optional work to start for a new tx before its `CheckTx`, concurrently with other txs (the node
   * pre-verifies signatures on a worker thread here). It must not change state and must not throw;
   * `CheckTx` calls still run one at a time in arrival order.
   */
  preverify?: (tx: Uint8Array, hash: Uint8Array) => Promise<void>;
}

/** A transaction held by the mempool, with what `CheckTx` said about it. */
export interface MempoolTx {
  /** Raw tx bytes, as received. */
  readonly tx: Uint8Array;
  /** sha256 of the raw bytes. */
  readonly hash: Uint8Array;
  /** Lower-case hex of `hash`. */
  readonly key: string;
  /** Fee per gas (scaled), higher first. */
  readonly priority: bigint;
  /** Gas limit the tx asks for. */
  readonly gasWanted: bigint;
  /** Signer the app reported ("" when unknown: the tx orders alone). */
  readonly sender: string;
  /** Sequence the tx consumes. */
  readonly sequence: bigint;
  /** Arrival order (monotonic counter). */
  readonly arrival: number;
  /** Mempool height (last updated block height) when the tx arrived. */
  readonly height: number;
  /** True when a peer gossiped it (its gossip relays it; this node need not publish it again). */
  readonly fromPeer: boolean;
}

/** The outcome of `add`: the app's answer, and whether the tx is now in the mempool. */
export interface AddTxResult {
  /** sha256 of the raw tx. */
  hash: Uint8Array;
  /** The app's `CheckTx` response (code 0 on success). */
  response: CheckTxResponse;
  /** True when the tx entered the mempool. */
  added: boolean;
}

/** Called when a tx enters the mempool. */
export type TxAddedListener = (tx: MempoolTx) => void;

/** One sender's txs, ascending by sequence (then arrival). */
interface SenderQueue {
  readonly key: string;
  entries: MempoolTx[];
}

/** A caller of `whenBelow` waiting for the mempool to shrink. */
interface RoomWaiter {
  readonly limit: number;
  readonly resolve: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A read position in a sender queue during an ordered walk. */
interface Cursor {
  readonly queue: SenderQueue;
  idx: number;
}

/** The priority mempool. */
export class Mempool {
  private readonly options: MempoolOptions;
  private readonly app: Pick<Application, "checkTx">;
  private readonly preverify: ((tx: Uint8Array, hash: Uint8Array) => Promise<void>) | undefined;
  /** Settles when the latest `add` has finished its `CheckTx` (keeps CheckTx in arrival order). */
  private order: Promise<void> = Promise.resolve();
  private readonly cache: LruSet;
  private readonly byKey = new Map<string, MempoolTx>();
  private readonly senders = new Map<string, SenderQueue>();
  private readonly listeners = new Set<TxAddedListener>();
  private totalBytes = 0;
  private arrivals = 0;
  private lastHeight = 0;
  private activeAdds = 0;
  private updating: Promise<void> | undefined;
  private releaseLock: (() => void) | undefined;
  private addsDrained: (() => void) | undefined;
  private roomWaiters: RoomWaiter[] = [];

  /** A mempool with `options` (defaults for anything omitted) over the app's `checkTx`. */
  constructor(options: Partial<MempoolOptions>, deps: MempoolDeps) {
    const o: MempoolOptions = { ...DEFAULT_MEMPOOL_OPTIONS, ...options };
    for (const k of ["maxTxs", "maxBytes", "maxTxBytes", "cacheSize"] as const) {
      const v = o[k];
      if (!Number.isSafeInteger(v) || v < (k === "cacheSize" ? 0 : 1)) {
        throw sdkError(SdkCode.AppConfig, `mempool option ${k} must be a positive integer, got ${v}`);
      }
    }
    this.options = o;
    this.app = deps.app;
    this.preverify = deps.preverify;
    this.cache = new LruSet(o.cacheSize);
  }

  // ---- public: state ----

  /** Number of txs held. */
  get size(): number {
    return this.byKey.size;
  }

  /** Sum of the raw sizes of the txs held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The height of the last block the mempool was updated with. */
  get height(): number {
    return this.lastHeight;
  }

  /** True when a tx with this hash (bytes, or hex in either case) is held. */
  has(hash: Uint8Array | string): boolean {
    return this.byKey.has(hashKey(hash));
  }

  /** The sha256 of tx bytes, memoised per bytes object (`txMemo`): held txs are never hashed again. */
  hashOf(tx: Uint8Array): Uint8Array {
    return txMemo(tx).hash;
  }

  /** The held tx with this hash, if any. */
  get(hash: Uint8Array | string): MempoolTx | undefined {
    return this.byKey.get(hashKey(hash));
  }

  // ---- public: intake ----

  /**
   * Check `tx` with the app (`CheckTxType.New`) and hold it when accepted. Mempool-level rejections
   * throw a `CodedError`: tx too large (`sdk` 21), already seen (`sdk` 19), mempool full (`sdk` 20).
   * An app rejection is returned as the response with a nonzero code and `added: false`.
   * `fromPeer` marks a tx a peer gossiped (see `MempoolTx.fromPeer`).
   */
  async add(tx: Uint8Array, fromPeer = false): Promise<AddTxResult> {
    if (!(tx instanceof Uint8Array)) throw sdkError(SdkCode.TxDecode, "tx must be bytes");
    if (tx.length === 0) throw sdkError(SdkCode.TxDecode, "tx is empty");
    if (tx.length > this.options.maxTxBytes) {
      throw sdkError(
        SdkCode.TxTooLarge,
        `tx too large. Max size is ${this.options.maxTxBytes}, but got ${tx.length}`,
      );
    }
    // the memo keeps the hash for every later step (the app's decode, the block's data hash, update)
    const hash = txMemo(tx).hash;
    const key = toHex(hash);
    if (this.byKey.has(key) || this.cache.has(key)) {
      throw sdkError(SdkCode.TxInMempoolCache, "tx already exists in cache");
    }
    this.assertRoom(tx.length);
    this.cache.push(key);

    if (!this.preverify) return await this.check(tx, hash, key, fromPeer);
    // Start the pre-verification now (it runs alongside other adds), then take this tx's turn.
    const pre = this.preverify(tx, hash).catch(() => undefined);
    const before = this.order;
    let done!: () => void;
    this.order = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await pre;
      await before;
      return await this.check(tx, hash, key, fromPeer);
    } finally {
      done();
    }
  }

  /** `CheckTx` for a new tx (after the size, cache and room checks) and insertion when accepted. */
  private async check(
    tx: Uint8Array,
    hash: Uint8Array,
    key: string,
    fromPeer: boolean,
  ): Promise<AddTxResult> {
    while (this.updating) await this.updating;
    this.activeAdds++;
    try {
      let response: CheckTxResponse;
      try {
        response = await this.app.checkTx({ tx, type: CheckTxType.New });
      } catch (e) {
        this.cache.remove(key);
        throw e instanceof CodedError ? e : sdkError(SdkCode.Panic, `checkTx failed: ${String(e)}`);
      }
      if (response.code !== 0) {
        this.cache.remove(key);
        return { hash, response, added: false };
      }
      try {
        this.assertRoom(tx.length);
      } catch (e) {
        this.cache.remove(key);
        throw e;
      }
      const entry: MempoolTx = {
        tx,
        hash,
        key,
        priority: response.priority,
        gasWanted: response.gasWanted,
        sender: response.sender,
        sequence: response.sequence,
        arrival: this.arrivals++,
        height: this.lastHeight,
        fromPeer,
      };
      this.insert(entry);
      for (const l of this.listeners) {
        try {
          l(entry);
        } catch {
          // a listener's failure is not the sender's problem
        }
      }
      return { hash, response, added: true };
    } finally {
      this.activeAdds--;
      if (this.activeAdds === 0 && this.addsDrained) {
        const drained = this.addsDrained;
        this.addsDrained = undefined;
        drained();
      }
    }
  }

  // ---- public: proposals ----

  /**
   * Txs for a proposal, best first: at most `maxBytes` of encoded `Data.txs` (each tx counts its
   * protobuf field overhead) and `maxGas` total gas wanted; a negative bound means unlimited. A sender
   * whose next tx does not fit contributes nothing more (its later sequences cannot go first).
   */
  reap(maxBytes: number, maxGas: number, maxTxs = Number.POSITIVE_INFINITY): Uint8Array[] {
    return this.walk(maxBytes, maxGas, maxTxs).map((e) => e.tx);
  }

  /**
   * Resolves once fewer than `limit` txs are held: at once when already so, otherwise after the
   * `update` or `flush` that brings the count under it, or after `timeoutMs` at the latest. The node
   * makes clients' broadcasts wait here (back-pressure) when the mempool is far ahead of the chain.
   */
  whenBelow(limit: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.byKey.size < limit) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: RoomWaiter = { limit, resolve, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          const i = this.roomWaiters.indexOf(waiter);
          if (i >= 0) this.roomWaiters.splice(i, 1);
          resolve();
        }, timeoutMs);
      }
      this.roomWaiters.push(waiter);
    });
  }

  /** Up to `limit` held txs in proposal order (for `unconfirmed_txs`). */
  txs(limit = Number.POSITIVE_INFINITY): Uint8Array[] {
    return this.walk(-1, -1, limit).map((e) => e.tx);
  }

  /** Up to `limit` held entries in proposal order. */
  entries(limit = Number.POSITIVE_INFINITY): MempoolTx[] {
    return this.walk(-1, -1, limit);
  }

  /**
   * Swap each of `txs` whose content this mempool holds for the held bytes object, in place (a block
   * decoded from the network carries its own copies): the app's decoded-tx cache and `update` then
   * find them by identity instead of hashing them again. Bytes are equal, so nothing else changes.
   */
  intern(txs: Uint8Array[]): void {
    if (this.byKey.size === 0) return;
    for (let i = 0; i < txs.length; i++) {
      const raw = txs[i]!;
      // a fresh copy has no memo yet: hash it, and memoise the hash only if it stays in the block
      const hash = sha256(raw);
      const held = this.byKey.get(toHex(hash));
      if (held !== undefined) txs[i] = held.tx;
      else txMemo(raw, hash);
    }
  }

  // ---- public: after a block ----

  /**
   * After block `height` committed `committedTxs`: drop those (they stay in the seen cache, so a replay
   * is refused — except those whose result `codes[i]` is nonzero, which may be sent again), then
   * re-check every remaining tx with `CheckTxType.Recheck`, in each sender's sequence order, dropping
   * those that fail now. New `add`s wait until this finishes.
   */
  async update(
    height: number,
    committedTxs: readonly Uint8Array[],
    results?: readonly { readonly code: number }[],
  ): Promise<void> {
    if (!this.releaseLock) await this.lock();
    try {
      this.lastHeight = height;
      const removed = new Set<MempoolTx>();
      for (let i = 0; i < committedTxs.length; i++) {
        const key = toHex(txMemo(committedTxs[i]!).hash);
        if ((results?.[i]?.code ?? 0) === 0) this.cache.push(key);
        else this.cache.remove(key);
        const entry = this.byKey.get(key);
        if (entry) removed.add(entry);
      }
      this.removeAll(removed);
      if (this.options.recheck && this.byKey.size > 0) await this.recheck();
    } finally {
      const release = this.releaseLock;
      this.releaseLock = undefined;
      this.updating = undefined;
      release?.();
      this.wakeRoomWaiters();
    }
  }

  /**
   * Hold new `add`s and wait for those running, until the next `update()` releases them. Consensus
   * calls it right before the app commits, so no tx is checked against the fresh check state before
   * the held txs are re-checked into it.
   */
  async lock(): Promise<void> {
    while (this.updating) await this.updating;
    this.updating = new Promise<void>((resolve) => {
      this.releaseLock = resolve;
    });
    if (this.activeAdds > 0) {
      await new Promise<void>((resolve) => {
        this.addsDrained = resolve;
      });
    }
  }

  /** Drop every held tx and clear the seen cache (`unsafe_flush_mempool`). */
  flush(): void {
    this.byKey.clear();
    this.senders.clear();
    this.cache.clear();
    this.totalBytes = 0;
    this.wakeRoomWaiters();
  }

  // ---- public: events ----

  /** Call `listener` whenever a tx enters the mempool; returns the unsubscribe function. */
  onTxAdded(listener: TxAddedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves as soon as the mempool holds at least one tx. */
  waitForTx(): Promise<void> {
    if (this.byKey.size > 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const off = this.onTxAdded(() => {
        off();
        resolve();
      });
    });
  }

  // ---- private ----

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const size = this.byKey.size;
    const waiting: RoomWaiter[] = [];
    for (const w of this.roomWaiters) {
      if (size < w.limit) {
        if (w.timer !== undefined) clearTimeout(w.timer);
        w.resolve();
      } else waiting.push(w);
    }
    this.roomWaiters = waiting;
  }

  private assertRoom(txBytes: number): void {
    if (this.byKey.size >= this.options.maxTxs || this.totalBytes + txBytes > this.options.maxBytes) {
      throw sdkError(
        SdkCode.MempoolIsFull,
        `mempool is full: number of txs ${this.byKey.size} (max: ${this.options.maxTxs}), ` +
          `total txs bytes ${this.totalBytes} (max: ${this.options.maxBytes})`,
      );
    }
  }

  private insert(entry: MempoolTx): void {
    const qkey = entry.sender === "" ? `#${entry.key}` : entry.sender;
    let queue = this.senders.get(qkey);
    if (!queue) {
      queue = { key: qkey, entries: [] };
      this.senders.set(qkey, queue);
    }
    const list = queue.entries;
    const last = list[list.length - 1];
    if (!last || !seqBefore(entry, last)) {
      list.push(entry);
    } else {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (seqBefore(entry, list[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      list.splice(lo, 0, entry);
    }
    this.byKey.set(entry.key, entry);
    this.totalBytes += entry.tx.length;
  }

  /** Remove a set of entries; each affected sender queue is rebuilt once (linear overall). */
  private removeAll(removed: Set<MempoolTx>): void {
    if (removed.size === 0) return;
    const touched = new Set<string>();
    for (const e of removed) {
      if (this.byKey.delete(e.key)) this.totalBytes -= e.tx.length;
      touched.add(e.sender === "" ? `#${e.key}` : e.sender);
    }
    for (const qkey of touched) {
      const queue = this.senders.get(qkey);
      if (!queue) continue;
      queue.entries = queue.entries.filter((e) => !removed.has(e));
      if (queue.entries.length === 0) this.senders.delete(qkey);
    }
  }

  private async recheck(): Promise<void> {
    const queues = [...this.senders.values()];
    const failed = new Set<MempoolTx>();
    for (const queue of queues) {
      for (const entry of queue.entries) {
        let ok: boolean;
        try {
          const res = await this.app.checkTx({ tx: entry.tx, type: CheckTxType.Recheck });
          ok = res.code === 0;
        } catch {
          ok = false;
        }
        if (!ok) {
          failed.add(entry);
          this.cache.remove(entry.key);
        }
      }
    }
    this.removeAll(failed);
  }

  /** Ordered walk: a heap of sender heads by (priority desc, arrival asc). */
  private walk(maxBytes: number, maxGas: number, limit: number): MempoolTx[] {
    const out: MempoolTx[] = [];
    if (limit <= 0) return out;
    const cursors: Cursor[] = [];
    for (const queue of this.senders.values()) {
      if (queue.entries.length > 0) cursors.push({ queue, idx: 0 });
    }
    const heap = new Heap<Cursor>(
      (a, b) => better(a.queue.entries[a.idx]!, b.queue.entries[b.idx]!),
      cursors,
    );
    const gasLimit = maxGas < 0 ? -1n : BigInt(maxGas);
    let bytes = 0;
    let gas = 0n;
    while (heap.size > 0 && out.length < limit) {
      const cursor = heap.pop()!;
      const entry = cursor.queue.entries[cursor.idx]!;
      const size = protoTxSize(entry.tx.length);
      if (maxBytes >= 0 && bytes + size > maxBytes) continue;
      if (gasLimit >= 0n && gas + entry.gasWanted > gasLimit) continue;
      bytes += size;
      gas += entry.gasWanted;
      out.push(entry);
      cursor.idx++;
      if (cursor.idx < cursor.queue.entries.length) heap.push(cursor);
    }
    return out;
  }
}

/** True when `a` should be proposed before `b` (across senders). */
function better(a: MempoolTx, b: MempoolTx): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.arrival < b.arrival;
}

/** True when `a` comes before `b` within one sender. */
function seqBefore(a: MempoolTx, b: MempoolTx): boolean {
  if (a.sequence !== b.sequence) return a.sequence < b.sequence;
  return a.arrival < b.arrival;
}

/** Bytes a tx takes inside protobuf `Data{repeated bytes txs = 1}`: tag + length varint + body. */
function protoTxSize(len: number): number {
  let v = 1;
  for (let n = len; n >= 0x80; n = Math.floor(n / 128)) v++;
  return 1 + v + len;
}

function hashKey(hash: Uint8Array | string): string {
  return typeof hash === "string" ? hash.toLowerCase() : toHex(hash);
}
