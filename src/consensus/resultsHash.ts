/**
 * CometBFT's `LastResultsHash` without a protobuf library on the hot path: the merkle root of each
 * tx result's deterministic encoding (`ExecTxResult` with only code, data, gas_wanted, gas_used),
 * hand-encoded as proto3 does (zero fields omitted; int64 as two's-complement varints). Equal to
 * `lastResultsHash` of `src/types/block.ts` for every input (the unit test checks both).
 */
import type { ExecTxResult } from "../abci/types.js";
import { hashFromByteSlices } from "../types/merkle.js";

const U64 = (1n << 64n) - 1n;

/** Merkle root of the deterministic encodings of `txResults`. */
export function fastLastResultsHash(txResults: readonly ExecTxResult[]): Uint8Array {
  return hashFromByteSlices(txResults.map(encodeDeterministicResult));
}

/** Proto3 bytes of `ExecTxResult{code, data, gas_wanted, gas_used}`. */
export function encodeDeterministicResult(r: ExecTxResult): Uint8Array {
  const out: number[] = [];
  if (r.code !== 0) {
    out.push(0x08);
    varint(out, BigInt(r.code >>> 0));
  }
  if (r.data.length > 0) {
    out.push(0x12);
    varint(out, BigInt(r.data.length));
    for (const b of r.data) out.push(b);
  }
  if (r.gasWanted !== 0n) {
    out.push(0x28);
    varint(out, BigInt.asUintN(64, r.gasWanted) & U64);
  }
  if (r.gasUsed !== 0n) {
    out.push(0x30);
    varint(out, BigInt.asUintN(64, r.gasUsed) & U64);
  }
  return Uint8Array.from(out);
}

function varint(out: number[], v: bigint): void {
  if (v < 0x80n) {
    out.push(Number(v));
    return;
  }
  let n = v;
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
}
