/**
 * OpenLedger extension of distribution: the reward stream paid each block from the
 * `community_rewards` genesis allocation. `MsgUpdateRewardStream` (gov authority) sets its rate;
 * `Query/RewardStream` reads it. Hand-written protobuf (fields: 1 authority, 2 amount_per_block;
 * response: 1 amount_per_block, 2 source, 3 source_balance).
 */
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

/** `/openledger.distribution.v1.MsgUpdateRewardStream`. */
export interface MsgUpdateRewardStream {
  authority: string;
  /** Bond-denom units paid per block (integer string). */
  amountPerBlock: string;
}

function readStrings(bytes: Uint8Array, n: number): string[] {
  const r = new BinaryReader(bytes);
  const out: string[] = Array.from({ length: n }, () => "");
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field >= 1 && field <= n && (tag & 7) === 2) out[field - 1] = r.string();
    else r.skipType(tag & 7);
  }
  return out;
}

function writeStrings(values: string[]): Uint8Array {
  const w = new BinaryWriter();
  values.forEach((v, i) => {
    if (v !== "") w.uint32(((i + 1) << 3) | 2).string(v);
  });
  return w.finish();
}

/** Codec of MsgUpdateRewardStream. */
export const MsgUpdateRewardStream = {
  typeUrl: "/openledger.distribution.v1.MsgUpdateRewardStream",
  /** Encode. */
  encode(m: MsgUpdateRewardStream): Uint8Array {
    return writeStrings([m.authority, m.amountPerBlock]);
  },
  /** Decode. */
  decode(b: Uint8Array): MsgUpdateRewardStream {
    const [authority, amountPerBlock] = readStrings(b, 2);
    return { authority: authority!, amountPerBlock: amountPerBlock! };
  },
};

/** Response of `/openledger.distribution.v1.Query/RewardStream`. */
export interface QueryRewardStreamResponse {
  amountPerBlock: string;
  source: string;
  sourceBalance: string;
}

/** Codec of QueryRewardStreamResponse. */
export const QueryRewardStreamResponse = {
  /** Encode. */
  encode(m: QueryRewardStreamResponse): Uint8Array {
    return writeStrings([m.amountPerBlock, m.source, m.sourceBalance]);
  },
  /** Decode. */
  decode(b: Uint8Array): QueryRewardStreamResponse {
    const [amountPerBlock, source, sourceBalance] = readStrings(b, 3);
    return { amountPerBlock: amountPerBlock!, source: source!, sourceBalance: sourceBalance! };
  },
};
