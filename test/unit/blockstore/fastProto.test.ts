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
  encodeExecTxResultFast,
  encodeTxResultRecord,
  varint64Size,
  varintSize,
} from "../../../src/blockstore/fastProto.js";
import { utf8 } from "../../../src/types/bytes.js";

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
