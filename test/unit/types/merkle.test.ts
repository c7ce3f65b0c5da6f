import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  hashFromByteSlices,
  hashFromLeafHashes,
  innerHash,
  leafHash,
  proofsFromByteSlices,
  splitPoint,
} from "../../../src/types/merkle.js";
import { mulberry32 } from "../../helpers/rng.js";

/** The reference: CometBFT's recursion over byte digests (what `hashFromByteSlices` computed before). */
function reference(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  if (items.length === 1) return leafHash(items[0] as Uint8Array);
  const k = splitPoint(items.length);
  return innerHash(reference(items.slice(0, k)), reference(items.slice(k)));
}

function referenceFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  if (hashes.length === 1) return hashes[0] as Uint8Array;
  const k = splitPoint(hashes.length);
  return innerHash(referenceFromLeafHashes(hashes.slice(0, k)), referenceFromLeafHashes(hashes.slice(k)));
}

describe("merkle roots (latin1 digests below the root)", () => {
  it("equal the byte-digest reference for seeded random leaves of every count up to 300", () => {
    const rnd = mulberry32(20261127);
    for (let n = 0; n <= 300; n++) {
      const items = Array.from({ length: n }, () => {
        const b = new Uint8Array(Math.floor(rnd() * 300));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
        return b;
      });
      const want = reference(items);
      assert.deepEqual(hashFromByteSlices(items), want, `n=${n}`);
      assert.deepEqual(hashFromLeafHashes(items.map(leafHash)), want, `n=${n} from leaf hashes`);
      assert.deepEqual(hashFromLeafHashes(items.map(leafHash)), referenceFromLeafHashes(items.map(leafHash)));
      if (n > 0 && n < 40) assert.deepEqual(proofsFromByteSlices(items).root, want, `n=${n} proofs root`);
    }
  });

  it("return a digest that owns its bytes", () => {
    const root = hashFromByteSlices([new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]);
    assert.equal(root.length, 32);
    assert.equal(root.byteOffset, 0);
    assert.equal(root.buffer.byteLength, 32);
  });
});
