/**
 * An append-only merkle frontier: the roots of the perfect subtrees of the accepted rows (one per set bit
 * of the row count, largest first). Appending is O(log n) and the root equals CometBFT's
 * `merkle.HashFromByteSlices` over the same leaves (its split point is the largest power of two below n,
 * so the root is the right fold of the perfect subtree roots).
 */
import { emptyHash, innerHash, leafHash } from "../../types/merkle.js";

/** Split stored bytes into 32-byte hashes. */
export function decodeFrontier(bz: Uint8Array | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (!bz) return out;
  for (let i = 0; i + 32 <= bz.length; i += 32) out.push(bz.slice(i, i + 32));
  return out;
}

/** Concatenate hashes for storage. */
export function encodeFrontier(f: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(f.length * 32);
  f.forEach((h, i) => {
    out.set(h, i * 32);
  });
  return out;
}

/** Append a leaf (its raw bytes) to a frontier of `count` leaves; returns the new frontier. */
export function appendLeaf(frontier: readonly Uint8Array[], count: bigint, leaf: Uint8Array): Uint8Array[] {
  const f = [...frontier];
  let node = leafHash(leaf);
  // Each trailing 1 bit of count is a perfect subtree the same size as `node`: merge it.
  let c = count;
  while ((c & 1n) === 1n) {
    const left = f.pop();
    if (!left) throw new Error("frontier does not match the row count");
    node = innerHash(left, node);
    c >>= 1n;
  }
  f.push(node);
  return f;
}

/** The root of a frontier. */
export function frontierRoot(frontier: readonly Uint8Array[]): Uint8Array {
  if (frontier.length === 0) return emptyHash();
  let r = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i--) r = innerHash(frontier[i]!, r);
  return r;
}
