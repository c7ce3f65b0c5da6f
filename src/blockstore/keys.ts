/**
 * The block store's key space, under the shared database's `Bucket` prefixes. Heights are 8-byte
 * big-endian so keys sort by height. Never reuse a sub-prefix.
 */
import { Bucket, bucketKey } from "../store/db.js";
import { concatBytes, uint64BE, utf8 } from "../types/bytes.js";

/** Sub-prefix under `Bucket.blocks`: the proto-encoded block. */
const BLOCK = 0x00;
/** Sub-prefix under `Bucket.blocks`: the proto-encoded block meta. */
const BLOCK_META = 0x01;
/** Sub-prefix under `Bucket.commits`: the canonical commit of a height (from the next block). */
const COMMIT = 0x00;
/** Sub-prefix under `Bucket.commits`: the commit this node saw for a height. */
const SEEN_COMMIT = 0x01;
/** Sub-prefix under `Bucket.validators`: the validator set in force at a height. */
const VALIDATOR_SET = 0x00;
/** Sub-prefix under `Bucket.validators`: the consensus params in force at a height. */
const CONSENSUS_PARAMS = 0x01;

/** `Bucket.meta` key of the block store's `base ‖ height` record. */
export const blockStoreStateKey: Uint8Array = bucketKey(Bucket.meta, utf8("blockstore/state"));

/** Key of the block at `height`. */
export function blockKey(height: number): Uint8Array {
  return bucketKey(Bucket.blocks, concatBytes(new Uint8Array([BLOCK]), uint64BE(height)));
}

/** Key of the block meta at `height`. */
export function blockMetaKey(height: number): Uint8Array {
  return bucketKey(Bucket.blocks, concatBytes(new Uint8Array([BLOCK_META]), uint64BE(height)));
}

/** Key of the height of the block with `hash`. */
export function blockHashKey(hash: Uint8Array): Uint8Array {
  return bucketKey(Bucket.blockByHash, hash);
}

/** Key of the canonical commit of `height`. */
export function commitKey(height: number): Uint8Array {
  return bucketKey(Bucket.commits, concatBytes(new Uint8Array([COMMIT]), uint64BE(height)));
}

/** Key of the seen commit of `height`. */
export function seenCommitKey(height: number): Uint8Array {
  return bucketKey(Bucket.commits, concatBytes(new Uint8Array([SEEN_COMMIT]), uint64BE(height)));
}

/** Key of the FinalizeBlock response of `height`. */
export function resultsKey(height: number): Uint8Array {
  return bucketKey(Bucket.blockResults, uint64BE(height));
}

/** Key of the validator set of `height`. */
export function validatorsKey(height: number): Uint8Array {
  return bucketKey(Bucket.validators, concatBytes(new Uint8Array([VALIDATOR_SET]), uint64BE(height)));
}

/** Key of the consensus params of `height` (kept in the validators bucket: consensus state by height). */
export function consensusParamsKey(height: number): Uint8Array {
  return bucketKey(Bucket.validators, concatBytes(new Uint8Array([CONSENSUS_PARAMS]), uint64BE(height)));
}
