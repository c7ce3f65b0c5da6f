/**
 * A process-wide fix of cosmjs-types 0.11's int64 protobuf writers. Imported for its effect by the
 * program entry point (`src/polyfill.ts`) and by every module that encodes protobuf, so no encoder
 * runs with the broken writer.
 */
import { BinaryWriter } from "cosmjs-types/binary";
import { int64Length, writeVarint64 } from "cosmjs-types/varint";

type Int64Arg = string | number | bigint;

interface PatchableWriter {
  _push(fn: typeof writeVarint64, len: number, val: { lo: number; hi: number }): BinaryWriter;
  int64(value: Int64Arg): BinaryWriter;
  uint64(value: Int64Arg): BinaryWriter;
  sint64(value: Int64Arg): BinaryWriter;
  __int64Fixed?: boolean;
}

/**
 * cosmjs-types 0.11's `BinaryWriter` mis-encodes int64/uint64/sint64 values in [2^31, 2^32): it keeps
 * the low word signed, so the varint is cut short (2357947691 encodes as `2b 00 00 00 00`, which decodes
 * as 43). That corrupts gas, voting powers, proposer priorities and, from 2038, timestamps. This swaps
 * in correct writers on the shared prototype, once, process-wide; it runs when this module loads, and
 * the composition root may call it first thing too. Decoding is unaffected.
 */
export function fixCosmjsInt64Encoding(): void {
  const proto = BinaryWriter.prototype as unknown as PatchableWriter;
  if (proto.__int64Fixed === true) return;
  const write = (w: PatchableWriter, v: bigint): BinaryWriter => {
    const lo = Number(v & 0xffffffffn);
    const hi = Number(v >> 32n);
    return w._push(writeVarint64, int64Length(lo, hi), { lo, hi });
  };
  const toBig = (value: Int64Arg): bigint => BigInt(typeof value === "bigint" ? value : String(value));
  proto.int64 = function (this: PatchableWriter, value: Int64Arg) {
    return write(this, BigInt.asUintN(64, toBig(value)));
  };
  proto.uint64 = proto.int64;
  proto.sint64 = function (this: PatchableWriter, value: Int64Arg) {
    const n = BigInt.asIntN(64, toBig(value));
    return write(this, BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
  };
  proto.__int64Fixed = true;
}

fixCosmjsInt64Encoding();
