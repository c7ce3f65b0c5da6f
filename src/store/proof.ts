/**
 * Existence and non-existence proofs of the state tree, carried as one ABCI `ProofOp` of type
 * `openledger:iavl` whose `key` is the queried key and whose `data` is this binary layout
 * (`uvarint` = unsigned LEB128, `bytes` = uvarint length then the bytes):
 *
 * ```
 * proof      = 0x01 existence | 0x02 nonexistence
 * existence  = bytes key ‖ bytes value ‖ uvarint n ‖ n × step        (steps leaf → root)
 * step       = u8 side (0: path node is the left child, 1: the right) ‖ u8 height ‖ uvarint size ‖ sibling[32]
 * nonexistence = bytes key ‖ u8 flags (bit0 left neighbour, bit1 right) ‖ [existence left] ‖ [existence right]
 * ```
 *
 * A leaf hashes as `sha256(0x00 ‖ uvarint(len key) ‖ key ‖ uvarint(len value) ‖ value)` and a step as
 * `sha256(0x01 ‖ u8 height ‖ uvarint(size) ‖ left ‖ right)` (see tree.ts). Non-existence is shown by
 * the key's neighbours: the greatest key below it and the least key above it, each proven to exist,
 * and adjacent (below their lowest common ancestor the left one's path turns only right and the right
 * one's only left); a missing neighbour must be the tree's first or last leaf. An empty tree (root =
 * sha256 of nothing) proves every key absent with no neighbours.
 */
import { equalBytes } from "../types/bytes.js";
import { bytesKey, keyBytes } from "./sortedMap.js";
import { EMPTY_ROOT, innerHash, leafHash, type Node, type NodeStore, treePath, treeRange } from "./tree.js";
import type { ProofOp } from "./types.js";

/** `ProofOp.type` of state tree proofs. */
export const PROOF_TYPE = "openledger:iavl";

const EXIST = 1;
const NONEXIST = 2;
const MAX_STEPS = 256;

/** A decoded existence proof (latin1 strings). */
interface ExistenceProof {
  key: string;
  value: string;
  steps: { isRight: boolean; height: number; size: number; sibling: string }[];
}

/** Build the proof op for `key` in the tree under `root` (undefined = empty). */
export function buildProof(store: NodeStore, root: Node | undefined, key: Uint8Array): ProofOp {
  const k = bytesKey(key);
  const w = new ByteWriter();
  const found = treePath(store, root, k);
  if (found !== undefined) {
    w.byte(EXIST);
    writeExistence(w, found.leaf.key, found.leaf.value!, found.steps);
  } else {
    w.byte(NONEXIST);
    w.bytes(k);
    const left = treeRange(store, root, undefined, k, true).next();
    const right = treeRange(store, root, k, undefined, false).next();
    const lp = left.done ? undefined : treePath(store, root, left.value.key);
    const rp = right.done ? undefined : treePath(store, root, right.value.key);
    w.byte((lp ? 1 : 0) | (rp ? 2 : 0));
    if (lp) writeExistence(w, lp.leaf.key, lp.leaf.value!, lp.steps);
    if (rp) writeExistence(w, rp.leaf.key, rp.leaf.value!, rp.steps);
  }
  return { type: PROOF_TYPE, key: Uint8Array.from(key), data: w.finish() };
}

/**
 * Check `ops` proves that `key` maps to `value` (existence) or, when `value` is undefined, that `key`
 * is absent (non-existence), under `root`. False on any mismatch or malformed proof; never throws.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  ops: readonly ProofOp[],
): boolean {
  try {
    if (ops.length !== 1) return false;
    const op = ops[0]!;
    if (op.type !== PROOF_TYPE || !equalBytes(op.key, key) || root.length !== 32) return false;
    const r = bytesKey(root);
    const k = bytesKey(key);
    const rd = new ByteReader(op.data);
    const kind = rd.byte();
    if (kind === EXIST) {
      const p = readExistence(rd);
      rd.end();
      if (value === undefined || p.key !== k || p.value !== bytesKey(value)) return false;
      return existenceRoot(p) === r;
    }
    if (kind !== NONEXIST || value !== undefined) return false;
    if (rd.bytes() !== k) return false;
    const flags = rd.byte();
    if (flags > 3) return false;
    const left = flags & 1 ? readExistence(rd) : undefined;
    const right = flags & 2 ? readExistence(rd) : undefined;
    rd.end();
    if (left === undefined && right === undefined) return r === EMPTY_ROOT;
    if (left !== undefined && (!(left.key < k) || existenceRoot(left) !== r)) return false;
    if (right !== undefined && (!(right.key > k) || existenceRoot(right) !== r)) return false;
    if (left === undefined) return right!.steps.every((s) => !s.isRight);
    if (right === undefined) return left.steps.every((s) => s.isRight);
    return adjacent(left, right);
  } catch {
    return false;
  }
}

/** Decode the value a proof op claims (existence) or undefined (non-existence / malformed). */
export function proofValue(op: ProofOp): Uint8Array | undefined {
  try {
    const rd = new ByteReader(op.data);
    if (rd.byte() !== EXIST) return undefined;
    return keyBytes(readExistence(rd).value);
  } catch {
    return undefined;
  }
}

function adjacent(left: ExistenceProof, right: ExistenceProof): boolean {
  const l = left.steps;
  const r = right.steps;
  let i = l.length - 1;
  let j = r.length - 1;
  while (i >= 0 && j >= 0 && l[i]!.isRight === r[j]!.isRight) {
    i--;
    j--;
  }
  if (i < 0 || j < 0) return false;
  if (l[i]!.isRight || !r[j]!.isRight) return false;
  for (let a = 0; a < i; a++) if (!l[a]!.isRight) return false;
  for (let b = 0; b < j; b++) if (r[b]!.isRight) return false;
  return true;
}

function existenceRoot(p: ExistenceProof): string {
  let h = leafHash(p.key, p.value);
  for (const s of p.steps)
    h = s.isRight ? innerHash(s.height, s.size, s.sibling, h) : innerHash(s.height, s.size, h, s.sibling);
  return h;
}

function writeExistence(
  w: ByteWriter,
  key: string,
  value: string,
  steps: readonly { isRight: boolean; height: number; size: number; sibling: string }[],
): void {
  w.bytes(key);
  w.bytes(value);
  w.uvarint(steps.length);
  for (const s of steps) {
    w.byte(s.isRight ? 1 : 0);
    w.byte(s.height);
    w.uvarint(s.size);
    w.raw(s.sibling);
  }
}

function readExistence(rd: ByteReader): ExistenceProof {
  const key = rd.bytes();
  const value = rd.bytes();
  const n = rd.uvarint();
  if (n > MAX_STEPS) throw new Error("too many steps");
  const steps: ExistenceProof["steps"] = [];
  for (let i = 0; i < n; i++) {
    const side = rd.byte();
    if (side > 1) throw new Error("bad side");
    const height = rd.byte();
    const size = rd.uvarint();
    steps.push({ isRight: side === 1, height, size, sibling: rd.raw(32) });
  }
  return { key, value, steps };
}

/** Appends latin1-string pieces; `finish()` returns the bytes. */
class ByteWriter {
  private s = "";

  byte(b: number): void {
    this.s += String.fromCharCode(b & 0xff);
  }

  uvarint(n: number): void {
    while (n >= 0x80) {
      this.byte((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }

  bytes(s: string): void {
    this.uvarint(s.length);
    this.s += s;
  }

  raw(s: string): void {
    this.s += s;
  }

  finish(): Uint8Array {
    return keyBytes(this.s);
  }
}

/** Bounds-checked reader; throws on truncation or trailing bytes. */
class ByteReader {
  private o = 0;
  private readonly b: Buffer;

  constructor(data: Uint8Array) {
    this.b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  byte(): number {
    if (this.o >= this.b.length) throw new Error("truncated");
    return this.b[this.o++]!;
  }

  uvarint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      const c = this.byte();
      n += (c & 0x7f) * mul;
      if (c < 0x80) return n;
      mul *= 128;
      if (mul > 2 ** 49) throw new Error("varint too long");
    }
  }

  raw(len: number): string {
    if (this.o + len > this.b.length) throw new Error("truncated");
    const s = this.b.toString("latin1", this.o, this.o + len);
    this.o += len;
    return s;
  }

  bytes(): string {
    return this.raw(this.uvarint());
  }

  end(): void {
    if (this.o !== this.b.length) throw new Error("trailing bytes");
  }
}
