/**
 * RFC-6962 binary merkle trees exactly as CometBFT's `crypto/merkle`: leaves hash as
 * sha256(0x00 || leaf), inner nodes as sha256(0x01 || left || right), the split point is the largest
 * power of two below the leaf count, and the empty tree hashes to sha256("").
 */
import { sha256, sha256Latin1 } from "../crypto/hash.js";
import { equalBytes } from "./bytes.js";

const EMPTY = new Uint8Array(0);
/** Scratch for `0x01 || left || right` of 32-byte children (hashed in one call, no Hash object). */
const INNER = new Uint8Array(65);
/** Scratch for `0x00 || leaf`, grown as needed. */
let leafScratch = new Uint8Array(256);
/**
 * Scratch for the root computations, which keep every digest below the root as a 32-character latin1
 * string (one char per byte): a string digest is a small on-heap object, where a byte digest is a
 * Buffer with its own backing store — about 4× cheaper for a block's tx hashes.
 */
const SCRATCH = Buffer.alloc(65);

/** A merkle inclusion proof (CometBFT `merkle.Proof`): aunts ordered from the leaf upwards. */
export interface MerkleProof {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
}

/** sha256 of the empty string: the root of an empty tree. */
export function emptyHash(): Uint8Array {
  return sha256(EMPTY);
}

/** sha256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  if (leaf.length + 1 > leafScratch.length)
    leafScratch = new Uint8Array(Math.max(leaf.length + 1, 2 * leafScratch.length));
  leafScratch[0] = 0;
  leafScratch.set(leaf, 1);
  return sha256(leafScratch.subarray(0, leaf.length + 1));
}

/** sha256(0x01 || left || right). */
export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== 32 || right.length !== 32) {
    const buf = new Uint8Array(1 + left.length + right.length);
    buf[0] = 1;
    buf.set(left, 1);
    buf.set(right, 1 + left.length);
    return sha256(buf);
  }
  INNER[0] = 1;
  INNER.set(left, 1);
  INNER.set(right, 33);
  return sha256(INNER);
}

/** The largest power of two strictly less than `n` (n ≥ 2), as CometBFT `getSplitPoint`. */
export function splitPoint(n: number): number {
  if (n < 1) throw new Error("splitPoint: n must be positive");
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The merkle root of `items` in order (CometBFT `merkle.HashFromByteSlices`). */
export function hashFromByteSlices(items: readonly Uint8Array[]): Uint8Array {
  return hashRange(items, 0, items.length);
}

/**
 * The merkle root over leaves already hashed with `leafHash` (the same root as `hashFromByteSlices`
 * of the leaves), for callers that hash their leaves without building the leaf bytes first.
 */
export function hashFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  return leafHashes.length === 0 ? emptyHash() : hashLeafRange(leafHashes, 0, leafHashes.length);
}

/** The root and one inclusion proof per item (CometBFT `merkle.ProofsFromByteSlices`). */
export function proofsFromByteSlices(items: readonly Uint8Array[]): {
  root: Uint8Array;
  proofs: MerkleProof[];
} {
  const total = items.length;
  const proofs: MerkleProof[] = items.map((item, index) => ({
    total,
    index,
    leafHash: leafHash(item),
    aunts: [],
  }));
  if (total === 0) return { root: emptyHash(), proofs };
  const root = buildTrails(proofs, 0, total);
  return { root, proofs };
}

/** The root a proof leads to from its leaf hash, or undefined when the proof is malformed. */
export function computeRootFromProof(proof: MerkleProof): Uint8Array | undefined {
  return computeFromAunts(proof.index, proof.total, proof.leafHash, proof.aunts);
}

/** True when `proof` shows that `leaf` is in the tree with `root`. */
export function verifyMerkleProof(proof: MerkleProof, root: Uint8Array, leaf: Uint8Array): boolean {
  if (proof.total <= 0 || proof.index < 0 || proof.index >= proof.total) return false;
  if (!equalBytes(leafHash(leaf), proof.leafHash)) return false;
  const computed = computeRootFromProof(proof);
  return computed !== undefined && equalBytes(computed, root);
}

function hashRange(items: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 0) return emptyHash();
  return latin1Bytes(hashRangeLatin1(items, start, end));
}

function hashLeafRange(hashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return hashes[start] as Uint8Array;
  return latin1Bytes(hashLeafRangeLatin1(hashes, start, end));
}

/** `hashRange` over a non-empty range, as a latin1 digest. */
function hashRangeLatin1(items: readonly Uint8Array[], start: number, end: number): string {
  const n = end - start;
  if (n === 1) return leafHashLatin1(items[start] as Uint8Array);
  const k = splitPoint(n);
  return innerHashLatin1(hashRangeLatin1(items, start, start + k), hashRangeLatin1(items, start + k, end));
}

/** `hashLeafRange` over a range of two or more, as a latin1 digest. */
function hashLeafRangeLatin1(hashes: readonly Uint8Array[], start: number, end: number): string {
  const n = end - start;
  const k = splitPoint(n);
  const left =
    k === 1 ? digestLatin1(hashes[start] as Uint8Array) : hashLeafRangeLatin1(hashes, start, start + k);
  const right =
    n - k === 1 ? digestLatin1(hashes[start + k] as Uint8Array) : hashLeafRangeLatin1(hashes, start + k, end);
  return innerHashLatin1(left, right);
}

/** sha256(0x00 || leaf) as a latin1 digest. */
function leafHashLatin1(leaf: Uint8Array): string {
  if (leaf.length + 1 > leafScratch.length)
    leafScratch = new Uint8Array(Math.max(leaf.length + 1, 2 * leafScratch.length));
  leafScratch[0] = 0;
  leafScratch.set(leaf, 1);
  return sha256Latin1(leafScratch.subarray(0, leaf.length + 1));
}

/** sha256(0x01 || left || right) of two latin1 digests, as a latin1 digest. */
function innerHashLatin1(left: string, right: string): string {
  SCRATCH[0] = 1;
  SCRATCH.write(left, 1, 32, "latin1");
  SCRATCH.write(right, 33, 32, "latin1");
  return sha256Latin1(SCRATCH);
}

/** A 32-byte digest (a leaf hash given by the caller) as a latin1 string. */
function digestLatin1(d: Uint8Array): string {
  if (d.length !== 32) throw new Error("merkle: leaf hashes must be 32 bytes");
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("latin1");
}

/** A latin1 digest as bytes of its own (not a view of a pooled buffer). */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function buildTrails(proofs: MerkleProof[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return (proofs[start] as MerkleProof).leafHash;
  const k = splitPoint(n);
  const left = buildTrails(proofs, start, start + k);
  const right = buildTrails(proofs, start + k, end);
  for (let i = start; i < start + k; i++) (proofs[i] as MerkleProof).aunts.push(right);
  for (let i = start + k; i < end; i++) (proofs[i] as MerkleProof).aunts.push(left);
  return innerHash(left, right);
}

function computeFromAunts(
  index: number,
  total: number,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
): Uint8Array | undefined {
  if (index >= total || index < 0 || total <= 0) return undefined;
  if (total === 1) return aunts.length === 0 ? leaf : undefined;
  if (aunts.length === 0) return undefined;
  const numLeft = splitPoint(total);
  const last = aunts[aunts.length - 1] as Uint8Array;
  const rest = aunts.slice(0, -1);
  if (index < numLeft) {
    const left = computeFromAunts(index, numLeft, leaf, rest);
    return left === undefined ? undefined : innerHash(left, last);
  }
  const right = computeFromAunts(index - numLeft, total - numLeft, leaf, rest);
  return right === undefined ? undefined : innerHash(last, right);
}
