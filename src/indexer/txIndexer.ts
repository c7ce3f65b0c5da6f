/**
 * The tx and block event indexer (CometBFT's `state/txindex/kv` and `state/indexer/block/kv`): txs by
 * hash, by height and by every indexed event attribute; blocks by height and FinalizeBlock events.
 * Index entries are staged into the shared `Database` with the block, and become searchable once
 * the node flushes that batch. Given the block store as its `txSource`, the record of a tx by hash is a
 * pointer (height, index) to the tx and its result stored there, not a second copy of both.
 *
 * Matching follows CometBFT 0.38: conditions on attributes of the same event type must hold within one
 * event (`transfer.sender='a' AND transfer.amount='5aopen'` matches only a transfer event carrying
 * both); conditions on different event types may be met by different events of the tx. `tx.height`
 * and `block.height` narrow scans to a height range; `tm.event` conditions (the subscription tag)
 * are accepted for `Tx` in tx search and `NewBlock`/`NewBlockEvents` in block search.
 */
import { TxResult as ProtoTxResult } from "cosmjs-types/tendermint/abci/types";
import type { AbciEvent, ExecTxResult } from "../abci/types.js";
import { encodeTxResultRecord } from "../blockstore/fastProto.js";
import { sha256 } from "../crypto/hash.js";
import { type BatchOp, Bucket, type Database } from "../store/db.js";
import { txHash } from "../types/block.js";
import { concatBytes, fromHex, readUint64BE, toHex, uint64BE } from "../types/bytes.js";
import { IndexerErrorCode, indexerError } from "./errors.js";
import {
  blockEventKey,
  blockHeightKey,
  blockHeightPrefix,
  type EventBucket,
  eventTagPrefix,
  eventValuePrefix,
  KeyArena,
  putUint32BE,
  readUint32BE,
  txHashKey,
  txHeightGroupKey,
  txHeightGroupPrefix,
  txHeightKey,
  txHeightPrefix,
} from "./keys.js";
import { type Condition, conditionMatchesValue, integerBounds, parseQuery, type Query } from "./query.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** Results per page when the caller gives none (CometBFT `defaultPerPage`). */
export const DEFAULT_PER_PAGE = 30;
/** Most results per page (CometBFT `maxPerPage`). */
export const MAX_PER_PAGE = 100;
/** The reserved tag of a tx's hash. */
export const TX_HASH_TAG = "tx.hash";
/** The reserved tag of a tx's height. */
export const TX_HEIGHT_TAG = "tx.height";
/** The reserved tag of a block's height. */
export const BLOCK_HEIGHT_TAG = "block.height";
/** The subscription event-kind tag. */
export const EVENT_TYPE_TAG = "tm.event";

// ---------------------------------------------------------------------------------------------
// Types

/** A committed, indexed transaction. */
export interface TxRecord {
  /** sha256 of the tx bytes. */
  hash: Uint8Array;
  height: number;
  /** Position in its block. */
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
}

/** Where the index finds a committed tx and its result by position (the block store). */
export interface TxSource {
  /** The tx at `index` of the block at `height` and its result, or undefined when not stored. */
  loadTxResult(height: number, index: number): Promise<{ tx: Uint8Array; result: ExecTxResult } | undefined>;
}

/** Options of the tx indexer. */
export interface TxIndexerOptions {
  /**
   * Store, by tx hash, a pointer into this source instead of a copy of the tx and its result. Only
   * for a source whose data is flushed in the same batch as the index and never pruned before it.
   */
  txSource?: TxSource;
  /**
   * @internal Write the per-attribute event entries and per-tx height entries of older versions
   * instead of event and height groups (tests of indexes that older versions began).
   */
  olderLayout?: boolean;
}

/** Paging and ordering of a search. */
export interface SearchOptions {
  /** 1-based page (default 1); a page past the last yields no results. */
  page?: number;
  /** Results per page: default 30, at most 100. */
  perPage?: number;
  /** By (height, index) ascending (default) or descending. */
  orderBy?: "asc" | "desc";
}

/** One page of tx search results and the number of all matches. */
export interface TxSearchResult {
  txs: TxRecord[];
  totalCount: number;
}

/** One page of matching block heights and the number of all matches. */
export interface BlockSearchResult {
  heights: number[];
  totalCount: number;
}

/** Where a search looks: the tx index or the block index. */
interface Space {
  bucket: Bucket.txEvents | Bucket.blockEvents;
  heightTag: string;
  heightPrefix: Uint8Array;
  /** Prefix of the per-block height groups of this space (txs), after `heightPrefix`'s older entries. */
  heightGroups?: Uint8Array;
  /** Bytes of a location (height, and for txs the index) in keys. */
  locLen: number;
  /** `tm.event` values this space answers to. */
  eventKinds: readonly string[];
  /** The grouped event index of this space (txs), searched after `bucket`'s older entries. */
  groups?: Bucket.txEventGroups;
}

const TX_SPACE: Space = {
  bucket: Bucket.txEvents,
  heightTag: TX_HEIGHT_TAG,
  heightPrefix: txHeightPrefix,
  heightGroups: txHeightGroupPrefix,
  locLen: 12,
  eventKinds: ["Tx"],
  groups: Bucket.txEventGroups,
};

const BLOCK_SPACE: Space = {
  bucket: Bucket.blockEvents,
  heightTag: BLOCK_HEIGHT_TAG,
  heightPrefix: blockHeightPrefix,
  locLen: 8,
  eventKinds: ["NewBlock", "NewBlockEvents"],
};

/** Matches of one condition: location (hex) → event sequence numbers that matched. */
type Hits = Map<string, Set<number>>;

// ---------------------------------------------------------------------------------------------
// Main class

/** Indexes txs and blocks by their events and answers CometBFT queries over them. */
export class TxIndexer {
  private readonly txSource: TxSource | undefined;
  private readonly olderLayout: boolean;

  /**
   * An indexer over the node's database. With a `txSource` (the block store, flushed in the same
   * batch as the index) the record of a tx by hash is a pointer to its block and position instead of
   * a second copy of the tx and its result.
   */
  constructor(
    private readonly db: Database,
    opts: TxIndexerOptions = {},
  ) {
    this.txSource = opts.txSource;
    this.olderLayout = opts.olderLayout === true;
  }

  // -------------------------------------------------------------------------------------------
  // Public

  /**
   * Stage the index entries of one block: each tx by hash (with its result), by height and by every
   * indexed event attribute; the block by height and its FinalizeBlock events. A failed tx does not
   * overwrite an earlier successful record of the same hash. Bad arguments are a coded error and
   * stage nothing.
   */
  stageBlock(
    height: number,
    txs: readonly Uint8Array[],
    txResults: readonly ExecTxResult[],
    blockEvents: readonly AbciEvent[],
  ): void {
    if (!Number.isSafeInteger(height) || height <= 0) {
      throw indexerError(IndexerErrorCode.InvalidRequest, `invalid height ${height}`);
    }
    if (txs.length !== txResults.length) {
      throw indexerError(
        IndexerErrorCode.InvalidRequest,
        `${txs.length} txs but ${txResults.length} results`,
      );
    }
    const ops: BatchOp[] = [];
    const keys = new KeyArena();
    const pointers = this.txSource !== undefined;
    const perAttribute = this.olderLayout;
    // The block's tx hashes in order, one entry (older versions: one entry per tx).
    const hashes = perAttribute || txs.length === 0 ? undefined : keys.bytes(32 * txs.length);
    /** type → attribute key → value → [index, seq, index, seq, …] (ascending). */
    const groups = new Map<string, Map<string, Map<string, number[]>>>();
    let pairs = 0;
    for (let index = 0; index < txs.length; index++) {
      const tx = txs[index] as Uint8Array;
      const result = txResults[index] as ExecTxResult;
      const hash = txHash(tx);
      if (!this.keepsEarlierSuccess(hash, result)) {
        const value = pointers
          ? txPointer(height, index, result.code === 0)
          : encodeTxResultRecord(height, index, tx, result);
        ops.push({ type: "put", key: txHashKey(hash), value });
      }
      if (hashes === undefined) ops.push({ type: "put", key: keys.txHeightKey(height, index), value: hash });
      else hashes.set(hash, 32 * index);
      const events = result.events;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as AbciEvent;
        const type = event.type;
        if (type === "" || type.includes("\0")) continue;
        const attrs = event.attributes;
        let byKey: Map<string, Map<string, number[]>> | undefined;
        for (let j = 0; j < attrs.length; j++) {
          const attr = attrs[j]!;
          const key = attr.key;
          if (!attr.index || key === "" || key.includes("\0")) continue;
          if (type === "tx" && (key === "hash" || key === "height")) continue; // reserved tags
          if (perAttribute) {
            ops.push({
              type: "put",
              key: keys.txEventKey(type, key, attr.value, height, index, i + 1),
              value: hash,
            });
            continue;
          }
          if (byKey === undefined) {
            byKey = groups.get(type);
            if (byKey === undefined) {
              byKey = new Map();
              groups.set(type, byKey);
            }
          }
          let byValue = byKey.get(key);
          if (byValue === undefined) {
            byValue = new Map();
            byKey.set(key, byValue);
          }
          const list = byValue.get(attr.value);
          // One (index, seq) per event even when it repeats the attribute.
          if (list === undefined) byValue.set(attr.value, [index, i + 1]);
          else if (list[list.length - 2] !== index || list[list.length - 1] !== i + 1)
            list.push(index, i + 1);
          else continue;
          pairs++;
        }
      }
    }
    if (hashes !== undefined) ops.push({ type: "put", key: txHeightGroupKey(height), value: hashes });
    if (pairs > 0) {
      const values = keys.bytes(8 * pairs);
      let at = 0;
      for (const [type, byKey] of groups) {
        for (const [key, byValue] of byKey) {
          for (const [value, list] of byValue) {
            const start = at;
            for (let p = 0; p < list.length; p++, at += 4) putUint32BE(values, at, list[p] as number);
            ops.push({
              type: "put",
              key: keys.txEventGroupKey(type, key, value, height),
              value: values.subarray(start, at),
            });
          }
        }
      }
    }
    ops.push({ type: "put", key: blockHeightKey(height), value: new Uint8Array(0) });
    forEachIndexed(blockEvents, [BLOCK_HEIGHT_TAG], (tag, value, seq) => {
      ops.push({ type: "put", key: blockEventKey(tag, value, height, seq), value: new Uint8Array(0) });
    });
    this.db.stage(ops);
  }

  /** The indexed tx with this hash, or undefined. */
  async getTx(hash: Uint8Array): Promise<TxRecord | undefined> {
    const bytes = await this.db.get(txHashKey(hash));
    if (bytes === undefined) return undefined;
    const pointer = readTxPointer(bytes);
    if (pointer !== undefined) {
      const found = await this.txSource?.loadTxResult(pointer.height, pointer.index);
      if (found === undefined) return undefined;
      return {
        hash: sha256(found.tx),
        height: pointer.height,
        index: pointer.index,
        tx: found.tx,
        result: found.result,
      };
    }
    const pb = ProtoTxResult.decode(bytes);
    return {
      hash: sha256(pb.tx),
      height: Number(pb.height),
      index: pb.index,
      tx: pb.tx,
      result: execTxResultFromProto(pb.result),
    };
  }

  /** Txs matching a CometBFT query, one page of them and the total count. Bad queries: coded error. */
  async searchTxs(query: string, opts: SearchOptions = {}): Promise<TxSearchResult> {
    const q = parseQuery(query);
    const { skip, take, desc } = paging(opts);
    const hashCond = q.find((c) => c.tag === TX_HASH_TAG);
    if (hashCond !== undefined && hashCond.op !== "EXISTS") {
      if (hashCond.op !== "=" || hashCond.arg === undefined) {
        throw indexerError(
          IndexerErrorCode.InvalidQuery,
          "invalid query: tx.hash supports only = and EXISTS",
        );
      }
      let hash: Uint8Array;
      try {
        hash = fromHex(hashCond.arg.text);
      } catch {
        throw indexerError(IndexerErrorCode.InvalidQuery, "invalid query: tx.hash must be hex");
      }
      const rec = await this.getTx(hash);
      if (rec === undefined) return { txs: [], totalCount: 0 };
      return { txs: skip === 0 ? [rec] : [], totalCount: 1 };
    }
    const rest = q.filter((c) => c.tag !== TX_HASH_TAG);
    const { locs, totalCount } = await this.search(TX_SPACE, rest, skip, take, desc);
    const txs: TxRecord[] = [];
    const blocks = new Map<number, Uint8Array | undefined>();
    for (const loc of locs) {
      let group = blocks.get(loc.height);
      if (!blocks.has(loc.height)) {
        group = await this.db.get(txHeightGroupKey(loc.height));
        blocks.set(loc.height, group);
      }
      const hash =
        group === undefined
          ? await this.db.get(txHeightKey(loc.height, loc.index))
          : 32 * loc.index + 32 <= group.length
            ? group.subarray(32 * loc.index, 32 * loc.index + 32)
            : undefined;
      if (hash === undefined) continue;
      const rec = await this.getTx(hash);
      // a later identical tx may own the hash record; report the one at this location
      if (rec !== undefined) txs.push({ ...rec, height: loc.height, index: loc.index });
    }
    return { txs, totalCount };
  }

  /** Heights of blocks matching a CometBFT query (`block.height`, FinalizeBlock events), paged. */
  async searchBlocks(query: string, opts: SearchOptions = {}): Promise<BlockSearchResult> {
    const q = parseQuery(query);
    const { skip, take, desc } = paging(opts);
    const { locs, totalCount } = await this.search(BLOCK_SPACE, q, skip, take, desc);
    return { heights: locs.map((l) => l.height), totalCount };
  }

  /** The highest indexed block height, 0 when none. */
  async lastIndexedHeight(): Promise<number> {
    for await (const [k] of this.db.iterate(blockHeightPrefix, prefixEndOf(blockHeightPrefix), true, 1)) {
      return Number(readUint64BE(k, k.length - 8));
    }
    return 0;
  }

  // -------------------------------------------------------------------------------------------
  // Private

  private keepsEarlierSuccess(hash: Uint8Array, result: ExecTxResult): boolean {
    if (result.code === 0) return false;
    const existing = this.db.getSync(txHashKey(hash));
    if (existing === undefined) return false;
    const pointer = readTxPointer(existing);
    if (pointer !== undefined) return pointer.ok;
    try {
      return ProtoTxResult.decode(existing).result?.code === 0;
    } catch {
      return false;
    }
  }

  private async search(
    space: Space,
    q: Query,
    skip: number,
    take: number,
    desc: boolean,
  ): Promise<{ locs: { height: number; index: number }[]; totalCount: number }> {
    const none = { locs: [], totalCount: 0 };
    const conds: Condition[] = [];
    for (const c of q) {
      if (c.tag !== EVENT_TYPE_TAG) {
        conds.push(c);
        continue;
      }
      if (c.op === "EXISTS") continue;
      if (c.op === "=" && c.arg !== undefined && space.eventKinds.includes(c.arg.text)) continue;
      return none;
    }
    const bounds = integerBounds(conds, space.heightTag);
    if (bounds.empty) return none;
    const heightFilters = conds.filter(
      (c) =>
        c.tag === space.heightTag && c.op !== "EXISTS" && (c.arg === undefined || c.arg.kind !== "number"),
    );
    const heightOk = (h: number) => heightFilters.every((c) => conditionMatchesValue(c, String(h)));
    const eventConds = conds.filter((c) => c.tag !== space.heightTag);

    if (eventConds.length === 0) {
      // Stream the height index: count everything, keep one page.
      const locs: { height: number; index: number }[] = [];
      let totalCount = 0;
      for await (const loc of this.heightLocs(space, bounds.lo, bounds.hi, desc)) {
        if (!heightOk(loc.height)) continue;
        if (totalCount >= skip && locs.length < take) locs.push(loc);
        totalCount++;
      }
      return { locs, totalCount };
    }

    const only = eventConds[0];
    if (eventConds.length === 1 && only !== undefined && only.op === "=" && only.arg !== undefined) {
      // One equality: stream its (height, index)-ordered entries, count all, keep one page.
      const locs: { height: number; index: number }[] = [];
      let totalCount = 0;
      for await (const loc of this.equalLocs(space, only.tag, only.arg.text, bounds.lo, bounds.hi, desc)) {
        if (!heightOk(loc.height)) continue;
        if (totalCount >= skip && locs.length < take) locs.push(loc);
        totalCount++;
      }
      return { locs, totalCount };
    }

    // Group event conditions by event type; within a group they must hold in one event.
    const groups = new Map<string, Condition[]>();
    for (const c of eventConds) {
      const dot = c.tag.lastIndexOf(".");
      const type = dot > 0 ? c.tag.slice(0, dot) : c.tag;
      const list = groups.get(type);
      if (list === undefined) groups.set(type, [c]);
      else list.push(c);
    }
    let matched: Set<string> | undefined;
    for (const [, group] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      let hits: Hits | undefined;
      for (const c of group) {
        const found = await this.scanCondition(space, c, bounds.lo, bounds.hi, matched);
        hits = hits === undefined ? found : intersectHits(hits, found);
        if (hits.size === 0) return none;
      }
      const locsOfGroup = new Set((hits as Hits).keys());
      matched = matched === undefined ? locsOfGroup : intersectSets(matched, locsOfGroup);
      if (matched.size === 0) return none;
    }
    const sorted = [...(matched ?? new Set<string>())]
      .sort()
      .map((hex) => parseLoc(Buffer.from(hex, "hex"), space.locLen))
      .filter((l) => heightOk(l.height));
    if (desc) sorted.reverse();
    return { locs: sorted.slice(skip, skip + take), totalCount: sorted.length };
  }

  /**
   * Every location in [lo, hi] of the height index, in (height, index) order (descending when `desc`):
   * the older per-tx entries, then the per-block groups (older entries are all at lower heights).
   */
  private async *heightLocs(
    space: Space,
    lo: number,
    hi: number,
    desc: boolean,
  ): AsyncGenerator<{ height: number; index: number }> {
    const sources: Uint8Array[] =
      space.heightGroups === undefined ? [space.heightPrefix] : [space.heightPrefix, space.heightGroups];
    if (desc) sources.reverse();
    for (const prefix of sources) {
      const start = concatBytes(prefix, uint64BE(lo));
      const end = concatBytes(prefix, uint64BE(BigInt(hi) + 1n));
      const grouped = prefix === space.heightGroups;
      for await (const [k, v] of this.db.iterate(start, end, desc)) {
        if (!grouped) {
          yield parseLoc(k.subarray(prefix.length), space.locLen);
          continue;
        }
        const height = Number(readUint64BE(k, prefix.length));
        const n = v.length >>> 5;
        for (let i = 0; i < n; i++) yield { height, index: desc ? n - 1 - i : i };
      }
    }
  }

  /**
   * Distinct locations with `tag` = `value` in [lo, hi], in (height, index) order (descending when
   * `desc`): the older per-attribute entries, then the groups (older entries are all at lower heights).
   */
  private async *equalLocs(
    space: Space,
    tag: string,
    value: string,
    lo: number,
    hi: number,
    desc: boolean,
  ): AsyncGenerator<{ height: number; index: number }> {
    const sources: EventBucket[] = space.groups === undefined ? [space.bucket] : [space.bucket, space.groups];
    if (desc) sources.reverse();
    let lastHeight = -1;
    let lastIndex = -1;
    for (const bucket of sources) {
      const prefix = eventValuePrefix(bucket, tag, value);
      const start = concatBytes(prefix, uint64BE(lo));
      const end = concatBytes(prefix, uint64BE(BigInt(hi) + 1n));
      if (bucket === Bucket.txEventGroups) {
        for await (const [k, v] of this.db.iterate(start, end, desc)) {
          if (k.length !== prefix.length + 8) continue;
          const height = Number(readUint64BE(k, prefix.length));
          const n = v.length >>> 3;
          for (let p = 0; p < n; p++) {
            const index = readUint32BE(v, 8 * (desc ? n - 1 - p : p));
            if (height === lastHeight && index === lastIndex) continue;
            lastHeight = height;
            lastIndex = index;
            yield { height, index };
          }
        }
        continue;
      }
      const suffix = space.locLen + 4;
      for await (const [k] of this.db.iterate(start, end, desc)) {
        if (k.length !== prefix.length + suffix) continue;
        const loc = parseLoc(k.subarray(prefix.length, prefix.length + space.locLen), space.locLen);
        if (loc.height === lastHeight && loc.index === lastIndex) continue;
        lastHeight = loc.height;
        lastIndex = loc.index;
        yield loc;
      }
    }
  }

  /** Locations (and event sequences) whose indexed attributes satisfy one condition. */
  private async scanCondition(
    space: Space,
    c: Condition,
    lo: number,
    hi: number,
    within: Set<string> | undefined,
  ): Promise<Hits> {
    const hits: Hits = new Map();
    const suffix = space.locLen + 4;
    const hit = (locBytes: Uint8Array, height: number, seq: number) => {
      if (height < lo || height > hi) return;
      const loc = toHex(locBytes);
      if (within !== undefined && !within.has(loc)) return;
      const seqs = hits.get(loc);
      if (seqs === undefined) hits.set(loc, new Set([seq]));
      else seqs.add(seq);
    };
    const add = (key: Uint8Array) => {
      const locBytes = key.subarray(key.length - suffix, key.length - 4);
      hit(locBytes, Number(readUint64BE(locBytes, 0)), readUint32BE(key, key.length - 4));
    };
    // A group: `height` from the key's last 8 bytes, then (index, seq) pairs.
    const locBytes = new Uint8Array(12);
    const addGroup = (key: Uint8Array, value: Uint8Array) => {
      locBytes.set(key.subarray(key.length - 8), 0);
      const height = Number(readUint64BE(locBytes, 0));
      for (let p = 0; p + 8 <= value.length; p += 8) {
        locBytes.set(value.subarray(p, p + 4), 8);
        hit(locBytes, height, readUint32BE(value, p + 4));
      }
    };
    if (c.op === "=" && c.arg !== undefined) {
      const prefix = eventValuePrefix(space.bucket, c.tag, c.arg.text);
      const start = concatBytes(prefix, uint64BE(lo));
      const end = concatBytes(prefix, uint64BE(BigInt(hi) + 1n));
      for await (const [k] of this.db.iterate(start, end)) {
        if (k.length === prefix.length + suffix) add(k);
      }
      if (space.groups !== undefined) {
        const gPrefix = eventValuePrefix(space.groups, c.tag, c.arg.text);
        const gStart = concatBytes(gPrefix, uint64BE(lo));
        const gEnd = concatBytes(gPrefix, uint64BE(BigInt(hi) + 1n));
        for await (const [k, v] of this.db.iterate(gStart, gEnd)) {
          if (k.length === gPrefix.length + 8) addGroup(k, v);
        }
      }
      return hits;
    }
    const prefix = eventTagPrefix(space.bucket, c.tag);
    for await (const [k] of this.db.iterate(prefix, prefixEndOf(prefix))) {
      const valueEnd = k.length - suffix - 1;
      if (valueEnd < prefix.length || k[valueEnd] !== 0) continue;
      const value = Buffer.from(k.buffer, k.byteOffset + prefix.length, valueEnd - prefix.length).toString(
        "utf8",
      );
      if (conditionMatchesValue(c, value)) add(k);
    }
    if (space.groups !== undefined) {
      const gPrefix = eventTagPrefix(space.groups, c.tag);
      for await (const [k, v] of this.db.iterate(gPrefix, prefixEndOf(gPrefix))) {
        const valueEnd = k.length - 8 - 1;
        if (valueEnd < gPrefix.length || k[valueEnd] !== 0) continue;
        const value = Buffer.from(
          k.buffer,
          k.byteOffset + gPrefix.length,
          valueEnd - gPrefix.length,
        ).toString("utf8");
        if (conditionMatchesValue(c, value)) addGroup(k, v);
      }
    }
    return hits;
  }
}

// ---------------------------------------------------------------------------------------------
// Private helpers

function forEachIndexed(
  events: readonly AbciEvent[],
  reserved: readonly string[],
  fn: (tag: string, value: string, seq: number) => void,
): void {
  events.forEach((event, i) => {
    if (event.type === "" || event.type.includes("\0")) return;
    for (const attr of event.attributes) {
      if (!attr.index || attr.key === "" || attr.key.includes("\0")) continue;
      const tag = `${event.type}.${attr.key}`;
      if (reserved.includes(tag)) continue;
      fn(tag, attr.value, i + 1);
    }
  });
}

/** A tx-by-hash pointer record: `0x00 | height (8) | index (4) | 1 if the tx succeeded else 0`. */
function txPointer(height: number, index: number, ok: boolean): Uint8Array {
  const out = new Uint8Array(TX_POINTER_LEN);
  putUint32BE(out, 1, Math.floor(height / 4294967296));
  putUint32BE(out, 5, height >>> 0);
  putUint32BE(out, 9, index);
  out[13] = ok ? 1 : 0;
  return out;
}

/**
 * The pointer in a tx-by-hash record, or undefined for a full `TxResult` record (which never starts
 * with 0x00: no protobuf field has number 0).
 */
function readTxPointer(b: Uint8Array): { height: number; index: number; ok: boolean } | undefined {
  if (b.length !== TX_POINTER_LEN || b[0] !== 0) return undefined;
  return { height: Number(readUint64BE(b, 1)), index: readUint32BE(b, 9), ok: b[13] === 1 };
}

/** Bytes of a pointer record. */
const TX_POINTER_LEN = 14;

function paging(opts: SearchOptions): { skip: number; take: number; desc: boolean } {
  let perPage = opts.perPage ?? DEFAULT_PER_PAGE;
  if (!Number.isSafeInteger(perPage) || perPage < 1) perPage = DEFAULT_PER_PAGE;
  if (perPage > MAX_PER_PAGE) perPage = MAX_PER_PAGE;
  const page = opts.page ?? 1;
  if (!Number.isSafeInteger(page) || page < 1) return { skip: Number.MAX_SAFE_INTEGER, take: 0, desc: false };
  return {
    skip: Math.min((page - 1) * perPage, Number.MAX_SAFE_INTEGER),
    take: perPage,
    desc: opts.orderBy === "desc",
  };
}

function parseLoc(b: Uint8Array, locLen: number): { height: number; index: number } {
  return { height: Number(readUint64BE(b, 0)), index: locLen === 12 ? readUint32BE(b, 8) : 0 };
}

function intersectHits(a: Hits, b: Hits): Hits {
  const out: Hits = new Map();
  for (const [loc, seqs] of a) {
    const other = b.get(loc);
    if (other === undefined) continue;
    const both = new Set([...seqs].filter((s) => other.has(s)));
    if (both.size > 0) out.set(loc, both);
  }
  return out;
}

function intersectSets(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

function prefixEndOf(prefix: Uint8Array): Uint8Array {
  // Every prefix here starts with a bucket byte below 0xff, so an end always exists.
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.slice(0, i + 1);
    }
  }
  return new Uint8Array([0xff, 0xff]);
}

function execTxResultFromProto(r: ExecTxResult | undefined): ExecTxResult {
  if (r === undefined) {
    return {
      code: 0,
      data: new Uint8Array(0),
      log: "",
      info: "",
      gasWanted: 0n,
      gasUsed: 0n,
      events: [],
      codespace: "",
    };
  }
  return {
    code: r.code,
    data: r.data,
    log: r.log,
    info: r.info,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    events: r.events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
    })),
    codespace: r.codespace,
  };
}
