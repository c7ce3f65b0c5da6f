/**
 * The indexer's key space under the shared database's buckets. Heights are 8-byte big-endian, tx
 * indexes and event sequence numbers 4-byte big-endian, so every scan returns keys in
 * (height, index) order. Composite keys and values are UTF-8 separated by 0x00.
 *
 *   txByHash      | hash                                                    → 0x00 | height | index | ok
 *                                          (a pointer into the block store; older records: TxResult proto)
 *   txEvents      | 0x02 | height                                          → tx hashes (32 bytes each, by index)
 *   txEventGroups | type.key | 0x00 | value | 0x00 | height                 → (index | seq)*, ascending
 *   blockEvents   | 0x00 | height                                          → (empty)
 *   blockEvents   | 0x01 | type.key | 0x00 | value | 0x00 | height | seq     → (empty)
 *
 * A tx event group holds every (tx index, event sequence) of one block whose event carries the
 * indexed attribute `type.key` = `value`: attributes shared by many txs of a block (the module, the
 * action, the fee collector, the fee) cost one entry a block instead of one a tx. Versions before the
 * groups wrote one entry per attribute, and one height entry per tx, instead; searches still read them
 * (all at lower heights):
 *
 *   txEvents      | 0x00 | height | index                                   → tx hash
 *   txEvents      | 0x01 | type.key | 0x00 | value | 0x00 | height | index | seq → tx hash
 */
import { writeUtf8 } from "../blockstore/fastProto.js";
import { Bucket, bucketKey } from "../store/db.js";
import { concatBytes, uint64BE, utf8 } from "../types/bytes.js";

const HEIGHT = 0x00;
const EVENT = 0x01;
const HEIGHT_GROUP = 0x02;
const SEP = new Uint8Array([0]);

/** Big-endian 4-byte unsigned integer. */
export function uint32BE(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** Read a big-endian 4-byte unsigned integer. */
export function readUint32BE(b: Uint8Array, offset: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset);
}

/** Write `n` (below 2^32) big-endian at `at`, without Buffer's argument checks. */
export function putUint32BE(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/** Key of the stored tx with this hash. */
export function txHashKey(hash: Uint8Array): Uint8Array {
  return bucketKey(Bucket.txByHash, hash);
}

/** Key of the tx at (height, index) in the height index. */
export function txHeightKey(height: number, index: number): Uint8Array {
  const out = Buffer.allocUnsafe(14);
  out[0] = Bucket.txEvents;
  out[1] = HEIGHT;
  writeHeight(out, 2, height);
  out.writeUInt32BE(index, 10);
  return out;
}

/** Prefix of the whole tx height index (one entry per tx, as older versions wrote it). */
export const txHeightPrefix: Uint8Array = bucketKey(Bucket.txEvents, new Uint8Array([HEIGHT]));

/** Key of the hashes of every tx of the block at `height`, in block order. */
export function txHeightGroupKey(height: number): Uint8Array {
  const out = Buffer.allocUnsafe(10);
  out[0] = Bucket.txEvents;
  out[1] = HEIGHT_GROUP;
  writeHeight(out, 2, height);
  return new Uint8Array(out.buffer, out.byteOffset, 10);
}

/** Prefix of every block's tx hashes. */
export const txHeightGroupPrefix: Uint8Array = bucketKey(Bucket.txEvents, new Uint8Array([HEIGHT_GROUP]));

/** An event index: the tx event groups, or the per-attribute entries of older txs and of blocks. */
export type EventBucket = Bucket.txEvents | Bucket.blockEvents | Bucket.txEventGroups;

/** Prefix of every entry for one composite key (`type.key`) in an event index. */
export function eventTagPrefix(bucket: EventBucket, tag: string): Uint8Array {
  if (bucket === Bucket.txEventGroups) return bucketKey(bucket, concatBytes(utf8(tag), SEP));
  return bucketKey(bucket, concatBytes(new Uint8Array([EVENT]), utf8(tag), SEP));
}

/** Prefix of every entry for one composite key and value. */
export function eventValuePrefix(bucket: EventBucket, tag: string, value: string): Uint8Array {
  return concatBytes(eventTagPrefix(bucket, tag), utf8(value), SEP);
}

/** Key of one indexed tx event attribute in the per-attribute layout of older versions. */
export function txEventKey(
  tag: string,
  value: string,
  height: number,
  index: number,
  seq: number,
): Uint8Array {
  const out = eventKeyBuffer(Bucket.txEvents, tag, value, 16);
  const at = out.length - 16;
  writeHeight(out, at, height);
  out.writeUInt32BE(index, at + 8);
  out.writeUInt32BE(seq, at + 12);
  return out;
}

/** Key of the tx event group of `tag` (`type.key`) = `value` at `height`. */
export function txEventGroupKey(tag: string, value: string, height: number): Uint8Array {
  const out = Buffer.from(concatBytes(eventValuePrefix(Bucket.txEventGroups, tag, value), new Uint8Array(8)));
  writeHeight(out, out.length - 8, height);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Key marking a block as indexed. */
export function blockHeightKey(height: number): Uint8Array {
  return bucketKey(Bucket.blockEvents, concatBytes(new Uint8Array([HEIGHT]), uint64BE(height)));
}

/** Prefix of the block height index. */
export const blockHeightPrefix: Uint8Array = bucketKey(Bucket.blockEvents, new Uint8Array([HEIGHT]));

/** Key of one indexed block event attribute. */
export function blockEventKey(tag: string, value: string, height: number, seq: number): Uint8Array {
  const out = eventKeyBuffer(Bucket.blockEvents, tag, value, 12);
  const at = out.length - 12;
  writeHeight(out, at, height);
  out.writeUInt32BE(seq, at + 8);
  return out;
}

/** `bucket | 0x01 | tag | 0x00 | value | 0x00 | <suffix bytes to fill>`. */
function eventKeyBuffer(bucket: Bucket, tag: string, value: string, suffix: number): Buffer {
  const tagLen = Buffer.byteLength(tag, "utf8");
  const valueLen = Buffer.byteLength(value, "utf8");
  const out = Buffer.allocUnsafe(2 + tagLen + 1 + valueLen + 1 + suffix);
  out[0] = bucket;
  out[1] = EVENT;
  out.write(tag, 2, tagLen, "utf8");
  out[2 + tagLen] = 0;
  out.write(value, 3 + tagLen, valueLen, "utf8");
  out[3 + tagLen + valueLen] = 0;
  return out;
}

function writeHeight(out: Buffer, at: number, height: number): void {
  out.writeUInt32BE(Math.floor(height / 4294967296), at);
  out.writeUInt32BE(height >>> 0, at + 4);
}

/** Size of a key arena's chunks. */
const ARENA_CHUNK = 64 * 1024;

/**
 * Builds the many index keys of one block into a few large chunks (one allocation per ~1000 keys
 * instead of one per key); each key is a view into its chunk, byte-identical to the key the
 * standalone builders above make.
 */
export class KeyArena {
  private buf: Buffer = Buffer.allocUnsafe(0);
  private pos = 0;

  /** Like `txHeightKey`. */
  txHeightKey(height: number, index: number): Uint8Array {
    this.reserve(14);
    const out = this.buf;
    const at = this.pos;
    out[at] = Bucket.txEvents;
    out[at + 1] = HEIGHT;
    putUint32BE(out, at + 2, Math.floor(height / 4294967296));
    putUint32BE(out, at + 6, height >>> 0);
    putUint32BE(out, at + 10, index);
    return this.take(14);
  }

  /** Like `txEventKey(`${type}.${key}`, value, height, index, seq)`. */
  txEventKey(
    type: string,
    key: string,
    value: string,
    height: number,
    index: number,
    seq: number,
  ): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(2 + 3 * (type.length + 1 + key.length) + 1 + 3 * value.length + 1 + 16);
    const out = this.buf;
    const start = this.pos;
    let at = start;
    out[at++] = Bucket.txEvents;
    out[at++] = EVENT;
    at = writeTagValueHeight(out, at, type, key, value, height);
    putUint32BE(out, at + 8, index);
    putUint32BE(out, at + 12, seq);
    return this.take(at + 16 - start);
  }

  /** Key of the tx event group of `type.key` = `value` at `height`. */
  txEventGroupKey(type: string, key: string, value: string, height: number): Uint8Array {
    this.reserve(1 + 3 * (type.length + 1 + key.length) + 1 + 3 * value.length + 1 + 8);
    const out = this.buf;
    const start = this.pos;
    let at = start;
    out[at++] = Bucket.txEventGroups;
    at = writeTagValueHeight(out, at, type, key, value, height);
    return this.take(at + 8 - start);
  }

  /** `n` bytes for a value, zeroed by the caller's writes. */
  bytes(n: number): Uint8Array {
    this.reserve(n);
    return this.take(n);
  }

  private reserve(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    this.buf = Buffer.allocUnsafe(Math.max(ARENA_CHUNK, n));
    this.pos = 0;
  }

  private take(len: number): Uint8Array {
    const key = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, len);
    this.pos += len;
    return key;
  }
}

/**
 * Write `type.key` 0x00 `value` 0x00 at `at` and the 8-byte big-endian `height` after it; returns the
 * offset of the height (the caller's suffix goes 8 bytes past it).
 */
function writeTagValueHeight(
  out: Buffer,
  at: number,
  type: string,
  key: string,
  value: string,
  height: number,
): number {
  at += writeUtf8(out, type, at);
  out[at++] = 0x2e; // "."
  at += writeUtf8(out, key, at);
  out[at++] = 0;
  at += writeUtf8(out, value, at);
  out[at++] = 0;
  putUint32BE(out, at, Math.floor(height / 4294967296));
  putUint32BE(out, at + 4, height >>> 0);
  return at;
}
