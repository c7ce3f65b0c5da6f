/**
 * The application's committed, versioned, authenticated state (`CommitStore`) over the shared
 * `Database`: an IAVL-style tree (tree.ts) for hashes, history and proofs, plus a flat latest-value
 * index for one-`getSync` reads.
 *
 * Key space:
 * - `Bucket.stateTree ‖ nodeKey` → node record (tree.ts)
 * - `Bucket.stateRoots ‖ u64be(version)` → `rootHash[32] ‖ rootNodeKey[12]` (hash only for an empty tree)
 * - `Bucket.stateOrphans ‖ u64be(version)` → concatenated 12-byte ids of nodes last live at version-1
 * - `Bucket.stateFlat ‖ key` → latest committed value
 * - `Bucket.meta ‖ "state/latest"` and `"state/earliest"` → u64be versions
 *
 * Everything one version writes (new nodes, orphan list, root, flat index, meta, pruning deletes) is
 * staged into the shared batch and lands in the one `flush()` of `commit`, together with whatever the
 * block store staged; after a crash the store re-opens at the last flushed version with its hash.
 *
 * Working state: `working` is a write-cache over the last committed version (reads: cache, then the
 * flat index; iteration: the committed tree merged with the cache). `computeHash()` applies the net
 * writes, in key order, to a fresh working tree over the committed root, so the hash depends only on
 * the committed state and the final set of writes, not on when `computeHash` was called.
 *
 * `StateStore.open` is synchronous (it reads with `getSync`).
 */
import { concatBytes, uint64BE } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { FifoQueue } from "../types/fifo.js";
import { mergeIterators } from "./branch.js";
import { type BatchOp, Bucket, bucketKey, type Database } from "./db.js";
import { buildProof } from "./proof.js";
import { bytesKey, keyBytes, SortedMap } from "./sortedMap.js";
import {
  EMPTY_ROOT,
  HASH_LENGTH,
  MutableTree,
  NODE_KEY_LENGTH,
  type Node,
  NodeStore,
  STORE_CODESPACE,
  StoreCode,
  settle,
  treeGet,
  treeRange,
} from "./tree.js";
import type { CommitStore, KVPair, KVReader, KVStore, ProvenRead } from "./types.js";

/** Default number of recent versions kept readable. */
export const DEFAULT_KEEP_RECENT = 100;
/** Default bound of the parsed-node cache in records (the byte bound below is what usually binds). */
export const DEFAULT_CACHE_SIZE = 100_000;
/** Default bound of the parsed-node cache: about this many bytes of JS heap. */
export const DEFAULT_NODE_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * Default serialised-record cache size (bytes, off the JS heap, index included): the hot part of a
 * large tree (~320k records of ~160 bytes: the top 18 levels), or the whole tree of ~300k keys.
 */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** Default bound of the latest-value read cache: about this many bytes of JS heap. */
export const DEFAULT_FLAT_CACHE_BYTES = 16 * 1024 * 1024;
/** Estimated heap bytes of one latest-value cache entry besides its key and value bytes. */
const FLAT_ENTRY_OVERHEAD = 200;

const META_LATEST = concatBytes(Uint8Array.of(Bucket.meta), new TextEncoder().encode("state/latest"));
const META_EARLIEST = concatBytes(Uint8Array.of(Bucket.meta), new TextEncoder().encode("state/earliest"));

/** Options of `StateStore.open`. */
export interface StateStoreOptions {
  /** Versions kept readable (the latest and the `keepRecent - 1` before it); 0 keeps every version. */
  keepRecent?: number;
  /** Bound of the parsed tree-node cache, in records (default 100,000). */
  cacheSize?: number;
  /** Bound of the parsed tree-node cache, in estimated heap bytes (default 32 MiB). */
  nodeCacheBytes?: number;
  /** Bound of the serialised tree-record cache, in bytes (default 64 MiB; 0 disables it). */
  cacheBytes?: number;
  /** Bound of the latest-value read cache, in estimated heap bytes (default 16 MiB; 0 disables it). */
  flatCacheBytes?: number;
}

/** A cached write of the working state (`undefined` value = delete). */
interface WorkingEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

/** Statistics of the last commit, for benchmarks and metrics. */
export interface CommitStats {
  /** Keys written or deleted. */
  dirtyKeys: number;
  /** Tree nodes written. */
  newNodes: number;
  /** Tree nodes orphaned. */
  orphans: number;
  /** Tree nodes deleted by pruning. */
  prunedNodes: number;
  /** Database ops staged by the store. */
  ops: number;
  /** Milliseconds spent saving the tree and building the batch. */
  stageMs: number;
  /** Milliseconds spent in `db.flush()`. */
  flushMs: number;
}

/** The versioned state store. */
export class StateStore implements CommitStore {
  /** The mutable working state over the last committed version. */
  readonly working: KVStore;
  /** Statistics of the last commit. */
  lastCommitStats: CommitStats = {
    dirtyKeys: 0,
    newNodes: 0,
    orphans: 0,
    prunedNodes: 0,
    ops: 0,
    stageMs: 0,
    flushMs: 0,
  };

  private readonly nodes: NodeStore;
  private readonly keepRecent: number;
  private readonly cache = new SortedMap<WorkingEntry>();
  /**
   * Recently read latest committed values (null = absent), FIFO-bounded: repeated reads of hot keys
   * (accounts, balances) skip LevelDB. Kept exact: a commit updates every key it wrote.
   */
  private readonly flatCache = new Map<string, Uint8Array | null>();
  /** `flatCache`'s keys in insertion order, for eviction (see `FifoQueue`). */
  private readonly flatCacheOrder = new FifoQueue<string>();
  private flatCacheUsed = 0;
  private readonly flatCacheBytes: number;
  private committedRoot: Node | undefined;
  private committedHash: string;
  private tree: MutableTree | undefined;
  private treeStale = true;
  private lastVersion: number;
  private earliest: number;
  private committing = false;

  private constructor(
    private readonly db: Database,
    opts: StateStoreOptions,
  ) {
    const keep = opts.keepRecent ?? DEFAULT_KEEP_RECENT;
    if (!Number.isSafeInteger(keep) || keep < 0)
      throw storeError(StoreCode.InvalidKey, "keepRecent must be >= 0");
    this.keepRecent = keep;
    const cacheSize = opts.cacheSize ?? DEFAULT_CACHE_SIZE;
    const cacheBytes = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
    const nodeCacheBytes = opts.nodeCacheBytes ?? DEFAULT_NODE_CACHE_BYTES;
    const flatCacheBytes = opts.flatCacheBytes ?? DEFAULT_FLAT_CACHE_BYTES;
    for (const v of [cacheSize, cacheBytes, nodeCacheBytes, flatCacheBytes]) {
      if (!Number.isSafeInteger(v) || v < 0)
        throw storeError(StoreCode.InvalidKey, "cache sizes must be integers >= 0");
    }
    this.flatCacheBytes = flatCacheBytes;
    this.nodes = new NodeStore(db, Math.max(16, cacheSize), cacheBytes, Math.max(64 * 1024, nodeCacheBytes));
    this.lastVersion = readU64(db.getSync(META_LATEST));
    this.earliest = readU64(db.getSync(META_EARLIEST));
    const root = this.lastVersion === 0 ? undefined : this.loadRoot(this.lastVersion);
    this.committedRoot = root?.node;
    this.committedHash = root?.hash ?? EMPTY_ROOT;
    this.working = new WorkingStore(this);
  }

  /** Open the store on `db`, resuming at the last committed version (synchronous). */
  static open(db: Database, opts: StateStoreOptions = {}): StateStore {
    return new StateStore(db, opts);
  }

  /** The last committed version; 0 before the first commit. */
  get version(): number {
    return this.lastVersion;
  }

  /** Root hash of the last committed version. */
  get lastHash(): Uint8Array {
    return keyBytes(this.committedHash);
  }

  /** Oldest readable version (0 before the first commit). */
  get earliestVersion(): number {
    return this.earliest;
  }

  /** Number of uncommitted writes in the working state. */
  get pendingWrites(): number {
    return this.cache.size;
  }

  /** Number of tree nodes in the in-memory cache. */
  get cachedNodes(): number {
    return this.nodes.cached;
  }

  /** Number of serialised tree records in the byte-budgeted cache. */
  get cachedRecords(): number {
    return this.nodes.slabRecords;
  }

  /** Number of tree node reads that missed the cache since open. */
  get nodeCacheMisses(): number {
    return this.nodes.misses;
  }

  /** Root hash the working state would commit to. */
  computeHash(): Uint8Array {
    return keyBytes(this.workingTree().hash());
  }

  /**
   * Commit the working state as `version` (last + 1, or any positive initial height for the first
   * commit): stage nodes, root, orphans, flat index and pruning into `db` and flush it.
   */
  async commit(version: number): Promise<Uint8Array> {
    if (this.committing) throw storeError(StoreCode.CommitInProgress, "a commit is already in progress");
    const expected = this.lastVersion + 1;
    if (!Number.isSafeInteger(version) || version < 1 || (this.lastVersion > 0 && version !== expected)) {
      throw storeError(
        StoreCode.InvalidCommitVersion,
        `cannot commit version ${version}; expected ${expected}`,
      );
    }
    this.committing = true;
    try {
      return await this.doCommit(version);
    } finally {
      this.committing = false;
    }
  }

  /** Drop uncommitted working changes. */
  rollbackWorking(): void {
    if (this.committing)
      throw storeError(StoreCode.CommitInProgress, "cannot roll back while a commit is in progress");
    this.cache.clear();
    this.tree = undefined;
    this.treeStale = true;
  }

  /** Read-only view at a retained committed version. */
  readAt(version: number): KVReader {
    const root = this.rootAt(version);
    // The flat index serves point reads only while `version` is still the latest.
    return new TreeReader(this.nodes, root, () => (this.lastVersion === version ? this.db : undefined));
  }

  /** Read `key` at a retained version with an existence or non-existence proof. */
  proveAt(version: number, key: Uint8Array): ProvenRead {
    assertKey(key);
    const root = this.rootAt(version);
    const hash =
      version === this.lastVersion ? this.committedHash : (this.loadRoot(version)?.hash ?? EMPTY_ROOT);
    const v = treeGet(this.nodes, root, bytesKey(key));
    return {
      value: v === undefined ? undefined : keyBytes(v),
      proof: [buildProof(this.nodes, root, key)],
      root: keyBytes(hash),
    };
  }

  /** Root hash of a retained version. */
  hashAt(version: number): Uint8Array {
    this.rootAt(version);
    if (version === this.lastVersion) return keyBytes(this.committedHash);
    return keyBytes(this.loadRoot(version)?.hash ?? EMPTY_ROOT);
  }

  /** @internal Working read: cached write, else the flat index. */
  workingGet(key: Uint8Array): Uint8Array | undefined {
    const k = bytesKey(key);
    const e = this.cache.get(k);
    if (e !== undefined) return e.value;
    const hit = this.flatCache.get(k);
    if (hit !== undefined) return hit ?? undefined;
    const v = this.db.getSync(bucketKey(Bucket.stateFlat, key));
    this.cacheFlat(k, v);
    return v;
  }

  private cacheFlat(k: string, v: Uint8Array | undefined): void {
    const prev = this.flatCache.get(k);
    if (prev !== undefined) {
      // Updated in place: the key keeps its place in the eviction order (and its one queue entry).
      this.flatCache.set(k, v ?? null);
      this.flatCacheUsed += (v?.length ?? 0) - (prev?.length ?? 0);
      this.evictFlat(0);
      return;
    }
    const cost = FLAT_ENTRY_OVERHEAD + k.length + (v?.length ?? 0);
    if (cost > this.flatCacheBytes) return;
    this.evictFlat(cost);
    this.flatCache.set(k, v ?? null);
    this.flatCacheOrder.push(k);
    this.flatCacheUsed += cost;
  }

  /** Evict the oldest latest-value cache entries until `room` more bytes fit. */
  private evictFlat(room: number): void {
    while (this.flatCacheUsed + room > this.flatCacheBytes) {
      const fk = this.flatCacheOrder.shift();
      if (fk === undefined) break;
      const fv = this.flatCache.get(fk);
      if (fv === undefined) continue;
      this.flatCache.delete(fk);
      this.flatCacheUsed -= FLAT_ENTRY_OVERHEAD + fk.length + (fv?.length ?? 0);
    }
  }

  /** @internal Working write (`undefined` = delete). */
  workingSet(key: Uint8Array, value: Uint8Array | undefined): void {
    if (this.committing)
      throw storeError(StoreCode.CommitInProgress, "cannot write while a commit is in progress");
    this.cache.set(bytesKey(key), { key, value });
    this.treeStale = true;
  }

  /** @internal Working iteration: committed tree merged with the cache. */
  workingIterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<KVPair> {
    const s = start === undefined ? undefined : bytesKey(start);
    const e = end === undefined ? undefined : bytesKey(end);
    return mergeIterators(
      leafPairs(treeRange(this.nodes, this.committedRoot, s, e, reverse)),
      this.cache.range(s, e, reverse),
      reverse,
    );
  }

  private workingTree(): MutableTree {
    if (this.tree === undefined || this.treeStale) {
      const t = new MutableTree(this.nodes, this.committedRoot);
      for (const k of this.cache.sortedKeys()) {
        const e = this.cache.get(k)!;
        if (e.value === undefined) t.remove(k);
        else t.set(k, bytesKey(e.value));
      }
      this.tree = t;
      this.treeStale = false;
    }
    return this.tree;
  }

  private async doCommit(version: number): Promise<Uint8Array> {
    const t0 = performance.now();
    const tree = this.workingTree();
    const hash = tree.hash();
    const ops: BatchOp[] = [];
    const nodeOps: { key: Uint8Array; value: Uint8Array }[] = [];
    const saved: Node[] = [];
    tree.save(version, nodeOps, saved);
    for (const o of nodeOps) ops.push({ type: "put", key: o.key, value: o.value });
    const vkey = uint64BE(version);
    const root = tree.root;
    ops.push({
      type: "put",
      key: bucketKey(Bucket.stateRoots, vkey),
      value: root === undefined ? keyBytes(hash) : keyBytes(hash + root.nodeKey!),
    });
    const orphans = tree.orphans;
    if (orphans.length > 0) {
      ops.push({ type: "put", key: bucketKey(Bucket.stateOrphans, vkey), value: keyBytes(orphans.join("")) });
    }
    for (const k of this.cache.sortedKeys()) {
      const e = this.cache.get(k)!;
      const fk = bucketKey(Bucket.stateFlat, e.key);
      ops.push(e.value === undefined ? { type: "del", key: fk } : { type: "put", key: fk, value: e.value });
    }
    const firstEarliest = this.earliest === 0 ? version : this.earliest;
    let newEarliest = firstEarliest;
    if (this.keepRecent > 0) newEarliest = Math.max(firstEarliest, version - this.keepRecent + 1);
    let pruned = 0;
    for (let u = firstEarliest + 1; u <= newEarliest; u++) {
      const ids =
        u === version
          ? orphans.join("")
          : bytesOrEmpty(this.db.getSync(bucketKey(Bucket.stateOrphans, uint64BE(u))));
      for (let i = 0; i + NODE_KEY_LENGTH <= ids.length; i += NODE_KEY_LENGTH) {
        ops.push({ type: "del", key: nodeKeyDb(ids.slice(i, i + NODE_KEY_LENGTH)) });
        pruned++;
      }
      ops.push({ type: "del", key: bucketKey(Bucket.stateOrphans, uint64BE(u)) });
      ops.push({ type: "del", key: bucketKey(Bucket.stateRoots, uint64BE(u - 1)) });
    }
    ops.push({ type: "put", key: META_LATEST, value: uint64BE(version) });
    ops.push({ type: "put", key: META_EARLIEST, value: uint64BE(newEarliest) });
    this.db.stage(ops);
    const t1 = performance.now();
    try {
      await this.db.flush();
    } catch (e) {
      // Nothing of this version is durable; the nodes just given ids are abandoned and the working
      // tree is rebuilt from the committed root on the next computeHash/commit.
      this.tree = undefined;
      this.treeStale = true;
      const msg = e instanceof Error ? e.message : String(e);
      throw storeError(StoreCode.CommitFailed, `commit of version ${version} failed: ${msg}`);
    }
    settle(
      this.nodes,
      saved,
      nodeOps.map((o) => o.value),
    );
    this.lastCommitStats = {
      dirtyKeys: this.cache.size,
      newNodes: saved.length,
      orphans: orphans.length,
      prunedNodes: pruned,
      ops: ops.length,
      stageMs: t1 - t0,
      flushMs: performance.now() - t1,
    };
    this.committedRoot = root;
    this.committedHash = hash;
    this.lastVersion = version;
    this.earliest = newEarliest;
    for (const k of this.cache.sortedKeys()) {
      if (this.flatCache.has(k)) this.cacheFlat(k, this.cache.get(k)!.value);
    }
    this.cache.clear();
    this.tree = undefined;
    this.treeStale = true;
    return keyBytes(hash);
  }

  private rootAt(version: number): Node | undefined {
    if (!Number.isSafeInteger(version) || version < 0 || version > this.lastVersion) {
      throw storeError(
        StoreCode.VersionUnavailable,
        `version ${version} is not committed (latest ${this.lastVersion})`,
      );
    }
    if (version === this.lastVersion) return this.committedRoot;
    if (version < this.earliest) {
      throw storeError(
        StoreCode.VersionUnavailable,
        `version ${version} is pruned (earliest ${this.earliest})`,
      );
    }
    const r = this.loadRoot(version);
    return r?.node;
  }

  private loadRoot(version: number): { node: Node | undefined; hash: string } | undefined {
    const raw = this.db.getSync(bucketKey(Bucket.stateRoots, uint64BE(version)));
    if (raw === undefined) throw storeError(StoreCode.VersionUnavailable, `no root for version ${version}`);
    const s = bytesKey(raw);
    if (s.length === HASH_LENGTH) return { node: undefined, hash: s };
    if (s.length !== HASH_LENGTH + NODE_KEY_LENGTH) {
      throw storeError(StoreCode.MissingNode, `corrupt root record for version ${version}`);
    }
    const hash = s.slice(0, HASH_LENGTH);
    return { node: this.nodes.load(s.slice(HASH_LENGTH), hash), hash };
  }
}

/** The working state's `KVStore` face. */
class WorkingStore implements KVStore {
  constructor(private readonly s: StateStore) {}

  get(key: Uint8Array): Uint8Array | undefined {
    assertKey(key);
    return this.s.workingGet(key);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    assertKey(key);
    if (!(value instanceof Uint8Array)) throw storeError(StoreCode.InvalidKey, "value must be bytes");
    this.s.workingSet(key, value);
  }

  delete(key: Uint8Array): void {
    assertKey(key);
    this.s.workingSet(key, undefined);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<KVPair> {
    return this.s.workingIterator(start, end, reverse);
  }
}

/** A committed version's read-only view (latest: flat-index point reads; older: tree walks). */
class TreeReader implements KVReader {
  constructor(
    private readonly nodes: NodeStore,
    private readonly root: Node | undefined,
    private readonly flat: () => Database | undefined,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    assertKey(key);
    const flat = this.flat();
    if (flat !== undefined) return flat.getSync(bucketKey(Bucket.stateFlat, key));
    const v = treeGet(this.nodes, this.root, bytesKey(key));
    return v === undefined ? undefined : keyBytes(v);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<KVPair> {
    const s = start === undefined ? undefined : bytesKey(start);
    const e = end === undefined ? undefined : bytesKey(end);
    return leafPairs(treeRange(this.nodes, this.root, s, e, reverse));
  }
}

function* leafPairs(leaves: Iterator<Node>): Generator<KVPair> {
  for (;;) {
    const r = leaves.next();
    if (r.done) return;
    yield [keyBytes(r.value.key), keyBytes(r.value.value!)];
  }
}

function assertKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0)
    throw storeError(StoreCode.InvalidKey, "key must be non-empty bytes");
}

function storeError(code: StoreCode, message: string): CodedError {
  return new CodedError(STORE_CODESPACE, code, message);
}

function readU64(raw: Uint8Array | undefined): number {
  if (raw === undefined) return 0;
  if (raw.length !== 8) throw storeError(StoreCode.MissingNode, "corrupt state meta record");
  return Number(new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0));
}

function bytesOrEmpty(raw: Uint8Array | undefined): string {
  return raw === undefined ? "" : bytesKey(raw);
}

function nodeKeyDb(nodeKey: string): Uint8Array {
  const b = Buffer.allocUnsafe(1 + NODE_KEY_LENGTH);
  b[0] = Bucket.stateTree;
  b.write(nodeKey, 1, "latin1");
  return b;
}
