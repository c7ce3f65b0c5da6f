import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExecTxResult } from "../../../src/abci/types.js";
import { fastLastResultsHash } from "../../../src/consensus/resultsHash.js";
import { lastResultsHash } from "../../../src/types/block.js";

function result(code: number, data: Uint8Array, gasWanted: bigint, gasUsed: bigint): ExecTxResult {
  return { code, data, log: "ignored", info: "", gasWanted, gasUsed, events: [], codespace: "sdk" };
}

describe("fastLastResultsHash", () => {
  it("equals lastResultsHash (cosmjs-types encoding) on edge and seeded random results", () => {
    const edge = [
      result(0, new Uint8Array(0), 0n, 0n),
      result(1, new Uint8Array([1, 2, 3]), 200_000n, 54_321n),
      result(0xffffffff, new Uint8Array(300).fill(7), (1n << 63n) - 1n, 127n),
      result(5, new Uint8Array(0), -1n, -(1n << 63n)),
      result(128, new Uint8Array([0]), 128n, 16_384n),
      result(0, new Uint8Array(0), 2n ** 31n, 2n ** 32n - 1n),
    ];
    assert.deepEqual(fastLastResultsHash([]), lastResultsHash([]));
    for (const r of edge) assert.deepEqual(fastLastResultsHash([r]), lastResultsHash([r]));
    assert.deepEqual(fastLastResultsHash(edge), lastResultsHash(edge));
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const many: ExecTxResult[] = [];
    for (let i = 0; i < 200; i++) {
      const big = (BigInt(rnd(1 << 30)) << BigInt(rnd(34))) * (rnd(10) === 0 ? -1n : 1n);
      many.push(
        result(
          rnd(4) === 0 ? rnd(1 << 20) : 0,
          new Uint8Array(rnd(3) * rnd(200)).fill(rnd(256)),
          big,
          BigInt(rnd(1 << 20)),
        ),
      );
    }
    assert.deepEqual(fastLastResultsHash(many), lastResultsHash(many));
  });
});
