/**
 * The authenticated state tree: a versioned, persistent AVL+ tree in the style of IAVL.
 *
 * Shape. Leaves hold key/value pairs; inner nodes hold the smallest key of their right subtree and
 * route `key < node.key` left, else right. Heights of siblings differ by at most one (AVL).
 * Insert, update and remove copy the path from the root (persisted nodes are immutable: a changed one
 * is cloned and its id recorded as orphaned at the new version); nodes created in the working
 * version are mutated in place until commit.
 *
 * Hashing (all SHA-256, `uvarint` = unsigned LEB128):
 * - empty tree: `sha256("")` (e3b0c442…b855)
 * - leaf:  `sha256(0x00 ‖ uvarint(len key) ‖ key ‖ uvarint(len value) ‖ value)`
 * - inner: `sha256(0x01 ‖ u8 height ‖ uvarint(size) ‖ leftHash ‖ rightHash)`
 * (height = 1 + max child height, leaves 0; size = number of leaves below.) Versions are not hashed,
 * but the AVL shape, and so the root hash, depends on the order of inserts and removes: nodes agree
 * because they apply the same writes in the same order (the store applies each version's net writes
 * in key order, so only the sequence of committed versions' write sets matters).
 *
 * Persistence. Records are inner nodes with their leaf children stored inline (a leaf never has a
 * record of its own, except a lone root leaf). A record's id ("node key") is
 * `u64be(version) ‖ u32be(nonce)`, nonces assigned in post-order when the version is saved; it lives
 * under `Bucket.stateTree ‖ nodeKey` in the layout of `encodeNode`. A record holds its children's
 * hashes, heights and sizes, so rehashing a path never loads siblings and an insert rebalances
 * without loading them either.
 *
 * In memory, keys, values and hashes are latin1 strings (one char per byte): compact, compared with
 * native string order (= byte order), hashed without copies.
 */
import { hash as oneShotHash } from "node:crypto";
import { CodedError } from "../types/errors.js";
import type { Database } from "./db.js";
import { Bucket } from "./db.js";
import { RecordSlab } from "./slab.js";

/** Codespace of state-store errors. */
export const STORE_CODESPACE = "store";

/** Store error codes. */
export enum StoreCode {
  /** A version is pruned, not yet committed, or otherwise unavailable. */
  VersionUnavailable = 2,
  /** A tree node referenced by a root is missing from the database (pruned or corrupt). */
  MissingNode = 3,
  /** A commit was asked for the wrong version. */
  InvalidCommitVersion = 4,
  /** A bad key or value was passed in. */
  InvalidKey = 5,
  /** The database flush of a commit failed; nothing of that version was written (retry or re-open). */
  CommitFailed = 6,
  /** A write, rollback or second commit was attempted while a commit is being flushed. */
  CommitInProgress = 7,
}

/** Length of a node key in bytes. */
export const NODE_KEY_LENGTH = 12;
/** Length of a hash in bytes. */
export const HASH_LENGTH = 32;
/** SHA-256 of the empty string: the root hash of an empty tree (latin1 string). */
export const EMPTY_ROOT = oneShotHash("sha256", Buffer.alloc(0), "binary");

/** A tree node. Keys, values and hashes are latin1 strings. */
export class Node {
  /** Hash, or undefined while dirty (or, for a loaded inline leaf, not yet computed). */
  hash: string | undefined = undefined;
  /** Record id: inner nodes and a standalone root leaf once saved; undefined for inline leaves. */
  nodeKey: string | undefined = undefined;
  /** Immutable: saved (inner, root leaf) or part of a saved record (inline leaf). */
  frozen = false;
  /** Left child object: always for leaf children and working-version children, else loaded lazily. */
  left: Node | undefined = undefined;
  /** Left child's record id when it is a saved inner node. */
  leftKey: string | undefined = undefined;
  /** Hash of that saved left child. */
  leftHash: string | undefined = undefined;
  /** Right child object. */
  right: Node | undefined = undefined;
  /** Right child's record id when it is a saved inner node. */
  rightKey: string | undefined = undefined;
  /** Hash of that saved right child. */
  rightHash: string | undefined = undefined;
  /** Height of the left child. */
  lh = 0;
  /** Height of the right child. */
  rh = 0;
  /** Size of the left child. */
  ls = 0;
  /** Size of the right child. */
  rs = 0;

  /** A node; `value` is set only on leaves (height 0). */
  constructor(
    public key: string,
    public value: string | undefined,
    public height: number,
    public size: number,
  ) {}
}

/**
 * Loads persisted nodes through two bounded caches: parsed nodes (two generations of `Map`, about
 * LRU, O(1) per access, bounded by an estimate of their heap bytes and optionally by a count) in
 * front of a byte-budgeted slab of serialised records (slab.ts), in front of the database.
 */
export class NodeStore {
  private young = new Map<string, Node>();
  private old = new Map<string, Node>();
  private youngBytes = 0;
  private readonly halfCount: number;
  private readonly halfBytes: number;
  private readonly slab: RecordSlab;
  /** Count of database node reads (misses of both caches), for benchmarks. */
  misses = 0;

  /**
   * A node store over `db` caching parsed nodes up to about `nodeCacheBytes` of heap (and at most
   * `cacheSize` of them) and `cacheBytes` of serialised records.
   */
  constructor(
    private readonly db: Database,
    cacheSize: number,
    cacheBytes = 0,
    nodeCacheBytes = Number.MAX_SAFE_INTEGER,
  ) {
    this.halfCount = Math.max(1, Math.floor(cacheSize / 2));
    this.halfBytes = Math.max(1, Math.floor(nodeCacheBytes / 2));
    this.slab = new RecordSlab(cacheBytes);
  }

  /** Number of cached parsed nodes. */
  get cached(): number {
    return this.young.size + this.old.size;
  }

  /** Number of records in the slab cache. */
  get slabRecords(): number {
    return this.slab.size;
  }

  /** The persisted node `nodeKey`, whose hash (known to its parent) is `hash`. */
  load(nodeKey: string, hash: string): Node {
    let n = this.young.get(nodeKey);
    if (n !== undefined) return n;
    n = this.old.get(nodeKey);
    if (n === undefined) {
      const hit = this.slab.get(nodeKey);
      if (hit !== undefined) n = decodeNodeAt(hit.buf, hit.start, hit.end);
      else {
        this.misses++;
        const raw = this.db.getSync(nodeDbKey(nodeKey));
        if (raw === undefined) {
          throw new CodedError(
            STORE_CODESPACE,
            StoreCode.MissingNode,
            `tree node ${latin1Hex(nodeKey)} is missing`,
          );
        }
        n = decodeNode(raw);
        this.slab.put(nodeKey, raw);
      }
      n.nodeKey = nodeKey;
      n.hash = hash;
    }
    this.add(n);
    return n;
  }

  /** Put a persisted node (and, when given, its serialised record) into the caches. */
  add(n: Node, record?: Uint8Array): void {
    if (record !== undefined) this.slab.put(n.nodeKey!, record);
    if (!this.young.has(n.nodeKey!)) this.youngBytes += nodeHeapBytes(n);
    this.young.set(n.nodeKey!, n);
    if (this.young.size >= this.halfCount || this.youngBytes >= this.halfBytes) {
      this.old = this.young;
      this.young = new Map();
      this.youngBytes = 0;
    }
  }

  /** Forget a record that is no longer part of the latest tree (it reloads if an old version needs it). */
  evict(nodeKey: string): void {
    const n = this.young.get(nodeKey);
    if (n !== undefined) {
      this.young.delete(nodeKey);
      this.youngBytes -= nodeHeapBytes(n);
    } else this.old.delete(nodeKey);
    this.slab.delete(nodeKey);
  }

  /** Drop everything cached. */
  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngBytes = 0;
    this.slab.clear();
  }
}

/**
 * Rough heap bytes of a parsed persisted node: the object, its strings (key, hash, id, child ids and
 * hashes) and its inline leaf children. Only used to bound the parsed-node cache.
 */
function nodeHeapBytes(n: Node): number {
  let b = 320 + n.key.length;
  if (n.value !== undefined) b += n.value.length;
  const l = n.left;
  if (l !== undefined && l.height === 0) b += 200 + l.key.length + l.value!.length;
  const r = n.right;
  if (r !== undefined && r.height === 0) b += 200 + r.key.length + r.value!.length;
  return b;
}

/** Left child of `n`. */
export function leftOf(store: NodeStore, n: Node): Node {
  return n.left ?? store.load(n.leftKey!, n.leftHash!);
}

/** Right child of `n`. */
export function rightOf(store: NodeStore, n: Node): Node {
  return n.right ?? store.load(n.rightKey!, n.rightHash!);
}

/** Hash of `n`, computing dirty hashes below it. */
export function hashNode(n: Node): string {
  if (n.hash !== undefined) return n.hash;
  let h: string;
  if (n.height === 0) h = leafHash(n.key, n.value!);
  else {
    const lh = n.left !== undefined ? hashNode(n.left) : n.leftHash!;
    const rh = n.right !== undefined ? hashNode(n.right) : n.rightHash!;
    h = innerHash(n.height, n.size, lh, rh);
  }
  n.hash = h;
  return h;
}

/** Hash of an inner node from its fields (latin1 strings). */
export function innerHash(height: number, size: number, leftHash: string, rightHash: string): string {
  return sha256Latin1("\x01" + String.fromCharCode(height) + uvarintStr(size) + leftHash + rightHash);
}

/** Hash of a leaf from its key and value (latin1 strings). */
export function leafHash(key: string, value: string): string {
  return sha256Latin1("\x00" + uvarintStr(key.length) + key + uvarintStr(value.length) + value);
}

/** SHA-256 of a latin1 string, as a latin1 string. */
export function sha256Latin1(s: string): string {
  return oneShotHash("sha256", Buffer.from(s, "latin1"), "binary");
}

/** LEB128 of a non-negative integer as a latin1 string. */
export function uvarintStr(n: number): string {
  if (n < 0x80) return String.fromCharCode(n);
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  return s + String.fromCharCode(n);
}

const TREE_PREFIX = String.fromCharCode(Bucket.stateTree);

/** Database key of a node. */
export function nodeDbKey(nodeKey: string): Uint8Array {
  return Buffer.from(TREE_PREFIX + nodeKey, "latin1");
}

/** `u64be(version) ‖ u32be(nonce)` as a latin1 string. */
export function makeNodeKey(version: number, nonce: number): string {
  return versionPrefix(version) + u32Str(nonce);
}

/** `u64be(version)` as a latin1 string. */
export function versionPrefix(version: number): string {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(version), 0);
  return b.toString("latin1", 0, 8);
}

function u32Str(n: number): string {
  return String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

const CHILD_REF = "\x00";
const CHILD_LEAF = "\x01";

function encodeChild(c: Node | undefined, key: string | undefined, hash: string | undefined): string {
  if (c !== undefined && c.height === 0) {
    return CHILD_LEAF + uvarintStr(c.key.length) + c.key + uvarintStr(c.value!.length) + c.value!;
  }
  return CHILD_REF + key! + hash!;
}

/**
 * Serialise a saved node (inner children must be saved). Leaf record (standalone root):
 * `0x00 ‖ bytes key ‖ bytes value`. Inner: `u8 height ‖ uvarint size ‖ u8 lh ‖ u8 rh ‖ uvarint ls ‖
 * bytes key ‖ left ‖ right`, a child being `0x00 ‖ nodeKey[12] ‖ hash[32]` or an inline leaf
 * `0x01 ‖ bytes key ‖ bytes value`.
 */
export function encodeNode(n: Node): Buffer {
  let s: string;
  if (n.height === 0) s = "\x00" + uvarintStr(n.key.length) + n.key + uvarintStr(n.value!.length) + n.value!;
  else {
    s =
      String.fromCharCode(n.height) +
      uvarintStr(n.size) +
      String.fromCharCode(n.lh) +
      String.fromCharCode(n.rh) +
      uvarintStr(n.ls) +
      uvarintStr(n.key.length) +
      n.key +
      encodeChild(n.left, n.leftKey, n.leftHash) +
      encodeChild(n.right, n.rightKey, n.rightHash);
  }
  return Buffer.from(s, "latin1");
}

const EMPTY_BUF = Buffer.alloc(0);
let dBuf: Buffer = EMPTY_BUF;
let dOff = 0;
let dEnd = 0;

function corrupt(): CodedError {
  return new CodedError(STORE_CODESPACE, StoreCode.MissingNode, "corrupt tree node");
}

function dByte(): number {
  if (dOff >= dEnd) throw corrupt();
  return dBuf[dOff++]!;
}

function dVarint(): number {
  let n = 0;
  let mul = 1;
  for (;;) {
    const c = dByte();
    n += (c & 0x7f) * mul;
    if (c < 0x80) return n;
    mul *= 128;
    if (mul > 2 ** 49) throw corrupt();
  }
}

function dTake(len: number): string {
  if (dOff + len > dEnd) throw corrupt();
  const s = dBuf.toString("latin1", dOff, dOff + len);
  dOff += len;
  return s;
}

function dLeaf(): Node {
  const key = dTake(dVarint());
  const n = new Node(key, dTake(dVarint()), 0, 1);
  n.frozen = true;
  return n;
}

/** Parse a node record (without its id and hash); inline leaves come back as frozen child objects. */
export function decodeNode(raw: Uint8Array): Node {
  return decodeNodeAt(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), 0, raw.byteLength);
}

/** Parse the node record at `buf[start, end)`. */
export function decodeNodeAt(buf: Buffer, start: number, end: number): Node {
  dBuf = buf;
  dOff = start;
  dEnd = end;
  const height = dByte();
  let n: Node;
  if (height === 0) n = dLeaf();
  else {
    const size = dVarint();
    const lh = dByte();
    const rh = dByte();
    const ls = dVarint();
    n = new Node(dTake(dVarint()), undefined, height, size);
    n.lh = lh;
    n.rh = rh;
    n.ls = ls;
    n.rs = size - ls;
    if (dByte() === 0) {
      n.leftKey = dTake(NODE_KEY_LENGTH);
      n.leftHash = dTake(HASH_LENGTH);
    } else n.left = dLeaf();
    if (dByte() === 0) {
      n.rightKey = dTake(NODE_KEY_LENGTH);
      n.rightHash = dTake(HASH_LENGTH);
    } else n.right = dLeaf();
    if (n.rs < 1 || n.ls < 1 || height !== Math.max(lh, rh) + 1) throw corrupt();
  }
  if (dOff !== dEnd) throw corrupt();
  n.frozen = true;
  dBuf = EMPTY_BUF;
  return n;
}

/**
 * A working tree on top of a committed root: applies sets and removes by path copying, records the
 * persisted records it orphans, and saves its new nodes at commit.
 */
export class MutableTree {
  /** Ids of persisted records dropped from this working version. */
  orphans: string[] = [];
  private updated = false;
  private changed = false;
  private removed = false;
  private newKey: string | undefined = undefined;

  /** A working tree starting at `root` (undefined = empty). */
  constructor(
    private readonly store: NodeStore,
    public root: Node | undefined,
  ) {}

  /** Root hash (latin1). */
  hash(): string {
    return this.root === undefined ? EMPTY_ROOT : hashNode(this.root);
  }

  /** Set `key` to `value` (latin1 strings). */
  set(key: string, value: string): void {
    if (this.root === undefined) {
      this.root = new Node(key, value, 0, 1);
      return;
    }
    this.root = this.setRec(this.root, key, value);
  }

  /** Remove `key` if present. */
  remove(key: string): void {
    if (this.root === undefined) return;
    this.removed = false;
    this.newKey = undefined;
    const r = this.removeRec(this.root, key);
    if (this.removed) this.root = r;
  }

  /**
   * Give every new record an id (post-order nonces), serialise it into `out`, and list the new
   * records in `saved`. Leaves are stored inside their parent; only a root leaf is a record of its own.
   * After the batch is durable, call `settle(saved)`.
   */
  save(version: number, out: { key: Uint8Array; value: Uint8Array }[], saved: Node[]): void {
    let root = this.root;
    if (root === undefined) return;
    hashNode(root);
    let nonce = 0;
    const prefix = versionPrefix(version);
    const emit = (n: Node): void => {
      nonce++;
      n.nodeKey = prefix + u32Str(nonce);
      out.push({ key: nodeDbKey(n.nodeKey), value: encodeNode(n) });
      n.frozen = true;
      saved.push(n);
    };
    if (root.height === 0) {
      if (root.nodeKey !== undefined) return;
      if (root.frozen) {
        root = cloneNode(root);
        hashNode(root);
        this.root = root;
      }
      emit(root);
      return;
    }
    if (root.frozen) return;
    const stack: Node[] = [root];
    const phase: boolean[] = [false];
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      if (!phase[phase.length - 1]) {
        phase[phase.length - 1] = true;
        const l = n.left;
        const r = n.right;
        // Push right then left so the left subtree is numbered first.
        if (r !== undefined && r.height > 0 && !r.frozen) {
          stack.push(r);
          phase.push(false);
        }
        if (l !== undefined && l.height > 0 && !l.frozen) {
          stack.push(l);
          phase.push(false);
        }
        continue;
      }
      stack.pop();
      phase.pop();
      n.left = this.prepareChild(n.left);
      n.right = this.prepareChild(n.right);
      if (n.left !== undefined && n.left.height > 0) {
        n.leftKey = n.left.nodeKey;
        n.leftHash = n.left.hash;
      }
      if (n.right !== undefined && n.right.height > 0) {
        n.rightKey = n.right.nodeKey;
        n.rightHash = n.right.hash;
      }
      emit(n);
    }
  }

  private prepareChild(c: Node | undefined): Node | undefined {
    if (c === undefined || c.height > 0) return c;
    if (c.nodeKey !== undefined) {
      // A former standalone root leaf now stored inside its parent: its own record goes.
      this.dropRecord(c.nodeKey);
      const k = cloneNode(c);
      k.hash = c.hash;
      k.frozen = true;
      return k;
    }
    c.frozen = true;
    return c;
  }

  private mutable(n: Node): Node {
    if (!n.frozen) {
      n.hash = undefined;
      return n;
    }
    if (n.nodeKey !== undefined) this.dropRecord(n.nodeKey);
    return cloneNode(n);
  }

  private orphan(n: Node): void {
    if (n.nodeKey !== undefined) this.dropRecord(n.nodeKey);
  }

  private dropRecord(nodeKey: string): void {
    this.orphans.push(nodeKey);
    this.store.evict(nodeKey);
  }

  private setRec(n: Node, key: string, value: string): Node {
    if (n.height === 0) {
      if (key === n.key) {
        this.updated = true;
        if (n.value === value) {
          this.changed = false;
          return n;
        }
        this.changed = true;
        const m = this.mutable(n);
        m.value = value;
        return m;
      }
      this.updated = false;
      this.changed = true;
      const leaf = new Node(key, value, 0, 1);
      return key < n.key ? newInner(n.key, leaf, n) : newInner(key, n, leaf);
    }
    let m: Node;
    if (key < n.key) {
      const c = this.setRec(leftOf(this.store, n), key, value);
      if (!this.changed) return n;
      m = this.mutable(n);
      setLeft(m, c);
    } else {
      const c = this.setRec(rightOf(this.store, n), key, value);
      if (!this.changed) return n;
      m = this.mutable(n);
      setRight(m, c);
    }
    if (this.updated) return m;
    updateHeightSize(m);
    return this.balance(m);
  }

  private removeRec(n: Node, key: string): Node | undefined {
    if (n.height === 0) {
      if (key !== n.key) return n;
      this.orphan(n);
      this.removed = true;
      this.newKey = undefined;
      return undefined;
    }
    if (key < n.key) {
      const c = this.removeRec(leftOf(this.store, n), key);
      if (!this.removed) return n;
      if (c === undefined) {
        this.orphan(n);
        this.newKey = n.key;
        return rightOf(this.store, n);
      }
      const m = this.mutable(n);
      setLeft(m, c);
      updateHeightSize(m);
      return this.balance(m);
    }
    const c = this.removeRec(rightOf(this.store, n), key);
    if (!this.removed) return n;
    if (c === undefined) {
      this.orphan(n);
      this.newKey = undefined;
      return leftOf(this.store, n);
    }
    const m = this.mutable(n);
    setRight(m, c);
    if (this.newKey !== undefined) {
      m.key = this.newKey;
      this.newKey = undefined;
    }
    updateHeightSize(m);
    return this.balance(m);
  }

  private balance(n: Node): Node {
    const bf = n.lh - n.rh;
    if (bf > 1) {
      const l = leftOf(this.store, n);
      if (l.lh < l.rh) setLeft(n, this.rotateLeft(this.mutable(l)));
      return this.rotateRight(n);
    }
    if (bf < -1) {
      const r = rightOf(this.store, n);
      if (r.rh < r.lh) setRight(n, this.rotateRight(this.mutable(r)));
      return this.rotateLeft(n);
    }
    return n;
  }

  /** `n` (mutable) with its left child lifted above it. */
  private rotateRight(n: Node): Node {
    const l = this.mutable(leftOf(this.store, n));
    n.left = l.right;
    n.leftKey = l.rightKey;
    n.leftHash = l.rightHash;
    n.lh = l.rh;
    n.ls = l.rs;
    n.hash = undefined;
    updateHeightSize(n);
    setRight(l, n);
    updateHeightSize(l);
    return l;
  }

  /** `n` (mutable) with its right child lifted above it. */
  private rotateLeft(n: Node): Node {
    const r = this.mutable(rightOf(this.store, n));
    n.right = r.left;
    n.rightKey = r.leftKey;
    n.rightHash = r.leftHash;
    n.rh = r.lh;
    n.rs = r.ls;
    n.hash = undefined;
    updateHeightSize(n);
    setLeft(r, n);
    updateHeightSize(r);
    return r;
  }
}

/**
 * After the batch holding `saved` (serialised as `records`, same order) is durable: drop pointers to
 * inner children (they reload by id) and cache the new records.
 */
export function settle(store: NodeStore, saved: readonly Node[], records?: readonly Uint8Array[]): void {
  for (let i = 0; i < saved.length; i++) {
    const n = saved[i]!;
    if (n.left !== undefined && n.left.height > 0) n.left = undefined;
    if (n.right !== undefined && n.right.height > 0) n.right = undefined;
    store.add(n, records?.[i]);
  }
}

function cloneNode(n: Node): Node {
  const c = new Node(n.key, n.value, n.height, n.size);
  c.left = n.left;
  c.leftKey = n.leftKey;
  c.leftHash = n.leftHash;
  c.right = n.right;
  c.rightKey = n.rightKey;
  c.rightHash = n.rightHash;
  c.lh = n.lh;
  c.rh = n.rh;
  c.ls = n.ls;
  c.rs = n.rs;
  return c;
}

function updateHeightSize(n: Node): void {
  n.height = Math.max(n.lh, n.rh) + 1;
  n.size = n.ls + n.rs;
}

function newInner(key: string, l: Node, r: Node): Node {
  const n = new Node(key, undefined, Math.max(l.height, r.height) + 1, l.size + r.size);
  setLeft(n, l);
  setRight(n, r);
  return n;
}

function setLeft(n: Node, c: Node): void {
  n.hash = undefined;
  n.left = c;
  const ref = c.height > 0 && c.nodeKey !== undefined;
  n.leftKey = ref ? c.nodeKey : undefined;
  n.leftHash = ref ? c.hash : undefined;
  n.lh = c.height;
  n.ls = c.size;
}

function setRight(n: Node, c: Node): void {
  n.hash = undefined;
  n.right = c;
  const ref = c.height > 0 && c.nodeKey !== undefined;
  n.rightKey = ref ? c.nodeKey : undefined;
  n.rightHash = ref ? c.hash : undefined;
  n.rh = c.height;
  n.rs = c.size;
}

/** Value at `key` in the tree under `root` (latin1), walking from the root. */
export function treeGet(store: NodeStore, root: Node | undefined, key: string): string | undefined {
  let n = root;
  if (n === undefined) return undefined;
  while (n.height > 0) n = key < n.key ? leftOf(store, n) : rightOf(store, n);
  return n.key === key ? n.value : undefined;
}

/** Leaves with `start <= key < end` (latin1 bounds, optional) in order, loading nodes synchronously. */
export function* treeRange(
  store: NodeStore,
  root: Node | undefined,
  start: string | undefined,
  end: string | undefined,
  reverse: boolean,
): Generator<Node> {
  if (root === undefined) return;
  const stack: Node[] = [];
  let n: Node | undefined = root;
  for (;;) {
    if (n !== undefined) {
      while (n.height > 0) {
        if (!reverse) {
          if (end !== undefined && n.key >= end) n = leftOf(store, n);
          else if (start !== undefined && n.key <= start) n = rightOf(store, n);
          else {
            stack.push(n);
            n = leftOf(store, n);
          }
        } else if (end !== undefined && n.key >= end) n = leftOf(store, n);
        else if (start !== undefined && n.key <= start) n = rightOf(store, n);
        else {
          stack.push(n);
          n = rightOf(store, n);
        }
      }
      const k: string = n.key;
      if (!reverse) {
        if (end !== undefined && k >= end) return;
        if (start === undefined || k >= start) yield n;
      } else {
        if (start !== undefined && k < start) return;
        if (end === undefined || k < end) yield n;
      }
    }
    const p = stack.pop();
    if (p === undefined) return;
    n = reverse ? leftOf(store, p) : rightOf(store, p);
  }
}

/** One step of a leaf-to-root path: the sibling and the parent's height and size. */
export interface PathStep {
  /** True when the path node is the right child (its sibling is on the left). */
  readonly isRight: boolean;
  /** Height of the parent. */
  readonly height: number;
  /** Size of the parent. */
  readonly size: number;
  /** Hash of the sibling (latin1). */
  readonly sibling: string;
}

/** The leaf with exactly `key` and its path to the root (leaf first), or undefined when absent. */
export function treePath(
  store: NodeStore,
  root: Node | undefined,
  key: string,
): { leaf: Node; steps: PathStep[] } | undefined {
  if (root === undefined) return undefined;
  const steps: PathStep[] = [];
  let n = root;
  while (n.height > 0) {
    const goLeft = key < n.key;
    const sibling = goLeft ? childHash(n.right, n.rightHash) : childHash(n.left, n.leftHash);
    steps.push({ isRight: !goLeft, height: n.height, size: n.size, sibling });
    n = goLeft ? leftOf(store, n) : rightOf(store, n);
  }
  if (n.key !== key) return undefined;
  steps.reverse();
  return { leaf: n, steps };
}

function childHash(c: Node | undefined, h: string | undefined): string {
  return c !== undefined ? hashNode(c) : h!;
}

/** Hex of a latin1 string (for messages). */
export function latin1Hex(s: string): string {
  return Buffer.from(s, "latin1").toString("hex");
}
