/**
 * The fast hashing paths (one-shot sha256, scratch-buffer merkle nodes, the direct results-hash leaf
 * encoder) against reference implementations built from node:crypto's Hash objects and cosmjs-types'
 * encoder, over seeded random inputs.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ExecTxResult as ProtoExecTxResult } from "cosmjs-types/tendermint/abci/types";
import type { ExecTxResult } from "../../../src/abci/types.js";
import { sha256, sha256Latin1, sha256Parts } from "../../../src/crypto/hash.js";
import { dataHash, lastResultsHash, txHash } from "../../../src/types/block.js";
import {
  hashFromByteSlices,
  hashFromLeafHashes,
  innerHash,
  leafHash,
  proofsFromByteSlices,
} from "../../../src/types/merkle.js";
import { txMemo } from "../../../src/types/txMemo.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

function bytes(r: () => number, max: number): Uint8Array {
  return Uint8Array.from({ length: Math.floor(r() * max) }, () => Math.floor(r() * 256));
}

function refSha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function refRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return refSha256();
  if (items.length === 1) return refSha256(new Uint8Array([0]), items[0] as Uint8Array);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return refSha256(new Uint8Array([1]), refRoot(items.slice(0, k)), refRoot(items.slice(k)));
}

function refLastResultsHash(results: readonly ExecTxResult[]): Uint8Array {
  return refRoot(
    results.map((r) =>
      ProtoExecTxResult.encode(
        ProtoExecTxResult.fromPartial({
          code: r.code,
          data: r.data,
          gasWanted: r.gasWanted,
          gasUsed: r.gasUsed,
        }),
      ).finish(),
    ),
  );
}

const GAS = [
  0n,
  1n,
  127n,
  128n,
  16383n,
  16384n,
  2n ** 31n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 63n - 1n,
  -1n,
  -(2n ** 63n),
];

function randomResult(r: () => number): ExecTxResult {
  const gas = () =>
    r() < 0.4 ? (GAS[Math.floor(r() * GAS.length)] as bigint) : BigInt(Math.floor(r() * 1e9));
  return {
    code: r() < 0.5 ? 0 : r() < 0.5 ? Math.floor(r() * 200) : Math.floor(r() * 2 ** 32),
    data: r() < 0.9 ? bytes(r, 300) : bytes(r, 70000),
    log: "ignored",
    info: "",
    gasWanted: gas(),
    gasUsed: gas(),
    events: [{ type: "ignored", attributes: [] }],
    codespace: "x",
  };
}

describe("fast hashing", () => {
  it("sha256 and sha256Parts match node:crypto Hash objects", () => {
    const r = rng(1);
    for (let i = 0; i < 300; i++) {
      const a = bytes(r, 2000);
      const b = bytes(r, 100);
      assert.deepEqual(sha256(a), refSha256(a));
      assert.deepEqual(sha256Parts(a, b), refSha256(a, b));
      assert.equal(Object.getPrototypeOf(sha256(a)), Uint8Array.prototype);
    }
  });

  it("merkle leaf, inner and root hashes match the reference construction", () => {
    const r = rng(2);
    for (let n = 0; n <= 70; n++) {
      const items = Array.from({ length: n }, () => bytes(r, r() < 0.95 ? 100 : 1000));
      assert.deepEqual(hashFromByteSlices(items), refRoot(items));
      assert.deepEqual(hashFromLeafHashes(items.map(leafHash)), refRoot(items));
      assert.deepEqual(proofsFromByteSlices(items).root, refRoot(items));
    }
    const odd = bytes(r, 10);
    const full = bytes(r, 40).subarray(0, 32);
    assert.deepEqual(innerHash(odd, full), refSha256(new Uint8Array([1]), odd, full));
  });

  it("lastResultsHash and dataHash match the reference encoders", () => {
    const r = rng(3);
    for (let round = 0; round < 60; round++) {
      const results = Array.from({ length: Math.floor(r() * 40) }, () => randomResult(r));
      assert.deepEqual(lastResultsHash(results), refLastResultsHash(results));
      const txs = results.map((x) => x.data);
      assert.deepEqual(dataHash(txs), refRoot(txs.map((tx) => refSha256(tx))));
    }
  });
});

describe("txHash memo", () => {
  it("is the sha256 of the bytes, computed once per bytes object, and takes a remembered hash", () => {
    const txs = Array.from({ length: 50 }, (_, i) =>
      Uint8Array.from({ length: 1 + i * 7 }, (_, j) => (i * 31 + j) & 255),
    );
    for (const tx of txs) {
      const h = txHash(tx);
      assert.deepEqual(h, sha256(tx));
      assert.equal(txHash(tx), h);
    }
    assert.deepEqual(dataHash(txs), hashFromByteSlices(txs.map((t) => sha256(t))));
    const fresh = Uint8Array.of(1, 2, 3);
    const known = sha256(fresh);
    const memo = txMemo(fresh, known);
    assert.equal(memo.hash, known);
    assert.equal(txMemo(fresh, sha256(Uint8Array.of(9))), memo);
    assert.equal(txHash(fresh), known);
  });
});

describe("sha256Latin1", () => {
  it("is the latin1 string of sha256's bytes (seeded)", () => {
    const r = rng(99);
    for (let i = 0; i < 300; i++) {
      const b = Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256));
      assert.equal(sha256Latin1(b), Buffer.from(sha256(b)).toString("latin1"));
    }
  });
});
