import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ExecTxResult as ProtoExecTxResult,
  ResponseFinalizeBlock as ProtoResponseFinalizeBlock,
  TxResult as ProtoTxResult,
} from "cosmjs-types/tendermint/abci/types";
import type { ExecTxResult } from "../../../src/abci/types.js";
import { encodeFinalizeBlockResponse } from "../../../src/blockstore/codec.js";
import {
  encodeEventsAndTxResults,
  encodeEventsAndTxResultsOnePass,
  encodeExecTxResultFast,
  encodeTxResultRecord,
  varint64Size,
  varintSize,
} from "../../../src/blockstore/fastProto.js";
import { utf8 } from "../../../src/types/bytes.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

const ALPHABET = ["a", "Z", "0", "/", " ", "é", "€", "🙂", "\u0000", "x"];

/** A random string: mostly ASCII, sometimes multi-byte or a lone surrogate, of 0 to ~400 units. */
function randomString(r: () => number, surrogates: boolean): string {
  const n = r() < 0.1 ? 0 : r() < 0.9 ? Math.floor(r() * 70) : Math.floor(r() * 400);
  const ascii = r() < 0.8;
  let s = "";
  for (let i = 0; i < n; i++)
    s += ascii
      ? "abcXYZ019/."[Math.floor(r() * 11)]
      : surrogates && r() < 0.1
        ? "\ud800"
        : ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomExecTxResult(r: () => number, surrogates = false): ExecTxResult {
  const gas = [0n, 1n, 200000n, 2n ** 53n, 2n ** 63n - 1n, -1n];
  return {
    code: r() < 0.6 ? 0 : Math.floor(r() * 2 ** 32),
    data: Uint8Array.from({ length: r() < 0.5 ? 0 : Math.floor(r() * 300) }, () => Math.floor(r() * 256)),
    log: randomString(r, surrogates),
    info: randomString(r, surrogates),
    gasWanted: gas[Math.floor(r() * gas.length)] as bigint,
    gasUsed: BigInt(Math.floor(r() * 2 ** 40)),
    events: Array.from({ length: Math.floor(r() * 12) }, () => ({
      type: randomString(r, surrogates),
      attributes: Array.from({ length: Math.floor(r() * 5) }, () => ({
        key: randomString(r, surrogates),
        value: randomString(r, surrogates),
        index: r() < 0.7,
      })),
    })),
    codespace: randomString(r, surrogates),
  };
}

function sample(i: number): ExecTxResult {
  return {
    code: i % 3 === 0 ? 0 : 300 + i,
    data: i % 2 === 0 ? new Uint8Array(0) : utf8(`data-${i}`.repeat(i)),
    log: i % 4 === 0 ? "" : `log ✓ ${i}`,
    info: i % 5 === 0 ? "info" : "",
    gasWanted: i === 7 ? -1n : BigInt(i) * 123456789n,
    gasUsed: BigInt(i) ** 9n,
    events: Array.from({ length: i % 4 }, (_, e) => ({
      type: e === 2 ? "" : `ev${e}`,
      attributes: Array.from({ length: e + 1 }, (_, a) => ({
        key: a === 1 ? "" : `k${a}`,
        value: `välue-${"x".repeat(a * 70)}`,
        index: a % 2 === 0,
      })),
    })),
    codespace: i % 3 === 0 ? "" : "sdk",
  };
}

describe("fast proto encoder", () => {
  it("is byte-identical to cosmjs-types for ExecTxResult and TxResult", () => {
    for (let i = 0; i < 30; i++) {
      const r = sample(i);
      assert.deepEqual(encodeExecTxResultFast(r), ProtoExecTxResult.encode(r).finish());
      const tx = utf8(`tx${i}`.repeat(i * 20));
      assert.deepEqual(
        encodeTxResultRecord(i * 1_000_003, i, tx, r),
        ProtoTxResult.encode({ height: BigInt(i * 1_000_003), index: i, tx, result: r }).finish(),
      );
    }
  });

  it("is byte-identical for FinalizeBlock responses", () => {
    const r = {
      events: [{ type: "b", attributes: [{ key: "h", value: "1", index: true }] }],
      txResults: Array.from({ length: 12 }, (_, i) => sample(i)),
      validatorUpdates: [{ pubKey: new Uint8Array(32).fill(7), power: 10n }],
      appHash: new Uint8Array(32).fill(1),
    };
    const expected = ProtoResponseFinalizeBlock.encode({
      events: r.events,
      txResults: r.txResults,
      validatorUpdates: [{ pubKey: { ed25519: r.validatorUpdates[0]!.pubKey }, power: 10n }],
      consensusParamUpdates: undefined,
      appHash: r.appHash,
    }).finish();
    assert.deepEqual(encodeFinalizeBlockResponse(r), expected);
  });

  it("writes events and tx results in one pass byte-identical to cosmjs-types (seeded random)", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const txResults = Array.from({ length: Math.floor(r() * 30) }, () => randomExecTxResult(r));
      const events = randomExecTxResult(r).events;
      const expected = ProtoResponseFinalizeBlock.encode({
        events,
        txResults,
        validatorUpdates: [],
        consensusParamUpdates: undefined,
        appHash: new Uint8Array(0),
      }).finish();
      assert.deepEqual(encodeEventsAndTxResultsOnePass(events, txResults), expected, `seed ${seed}`);
      assert.deepEqual(encodeEventsAndTxResults(events, txResults), expected, `seed ${seed}`);
    }
    // Lone surrogates (cosmjs writes them as WTF-8, Buffer as U+FFFD): the same bytes as the two-pass writer.
    for (let seed = 100; seed <= 120; seed++) {
      const r = rng(seed);
      const txResults = Array.from({ length: Math.floor(r() * 30) }, () => randomExecTxResult(r, true));
      const events = randomExecTxResult(r, true).events;
      assert.deepEqual(
        encodeEventsAndTxResultsOnePass(events, txResults),
        encodeEventsAndTxResults(events, txResults),
      );
    }
  });

  it("sizes varints exactly", () => {
    for (const n of [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 21 - 1,
      2 ** 21,
      2 ** 28 - 1,
      2 ** 28,
      2 ** 35,
      2 ** 53 - 1,
    ]) {
      const bytes = ProtoExecTxResult.encode(
        ProtoExecTxResult.fromPartial({ code: 0, gasUsed: BigInt(n) }),
      ).finish();
      assert.equal(varintSize(n), n === 0 ? 1 : bytes.length - 1, `n=${n}`);
      assert.equal(varint64Size(BigInt(n)), varintSize(n));
    }
    assert.equal(varint64Size(-1n), 10);
  });
});
