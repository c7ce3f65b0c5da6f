/**
 * Where settlement gets the suffix-array segments of a model's pinned datanet versions. The index is
 * derived data (outside the app hash): the segment of (datanet D, version k) indexes the rows version k
 * added (positions `[row_count(k−1), row_count(k))`, in position order), so the index of (D, v) is the
 * segments of versions 1..v, and every node builds byte-identical segments from the same state.
 *
 * `StateIndexProvider` builds segments from the rows in state and keeps them in memory; give it a
 * `SegmentStore` (the node's `data/attribution/<D>/<k>.olax` files) to persist them. A stored segment
 * whose meta (datanet, version, merkle root) differs, or that fails its checksum, is rebuilt and
 * rewritten. The module reaches all this only through `IndexProvider`, so it imports no fs code.
 *
 * Reads made to build a segment are not charged to the transaction: whether a node has the segment
 * cached must not change gas. (Settlement charges for the search's work instead.)
 */
import { GasKVStore, GasMeter } from "../../app/gas.js";
import type { Context } from "../../app/types.js";
import { buildSegment, EngineError, type IndexRow, Segment } from "../../attribution/engine/index.js";
import type { KVStore } from "../../store/types.js";
import { equalBytes, toHex, utf8 } from "../../types/bytes.js";
import { AttributionCode, attributionError } from "./errors.js";
import type { AttributionDatanetsKeeper } from "./expectedKeepers.js";
import { big } from "./proto.js";

/** The segments of pinned datanet versions. */
export interface IndexProvider {
  /**
   * The segments of datanet `datanetId` versions 1..`version`, in version order; builds (or loads) what is
   * missing. Throws `attribution` 12 when the version is not published.
   */
  segments(ctx: Context, datanetId: bigint, version: bigint): Segment[];
}

/** Persistent storage of serialised segments (the node's data folder). */
export interface SegmentStore {
  /** The stored bytes of (datanet, version), or undefined. */
  load(datanetId: bigint, version: bigint): Uint8Array | undefined;
  /** Store the bytes of (datanet, version) (replacing any). */
  save(datanetId: bigint, version: bigint, bytes: Uint8Array): void;
}

/** Progress of a segment build, for logs. */
export interface IndexBuildEvent {
  datanetId: bigint;
  version: bigint;
  rows: number;
  tokens: number;
  reason: "missing" | "corrupt" | "mismatch";
}

/** The meta stored in a segment's header. */
export function segmentMeta(datanetId: bigint, version: bigint, root: Uint8Array): Uint8Array {
  return utf8(
    JSON.stringify({ datanet: datanetId.toString(), version: version.toString(), root: toHex(root) }),
  );
}

/** The context's store without gas metering (reads for derived data). */
export function unmetered(ctx: Context): Context {
  let store: KVStore = ctx.store;
  // Building derived data must not consume the tx's gas.
  while (store instanceof GasKVStore) store = store.inner;
  return ctx.with(store, new GasMeter(undefined), ctx.events);
}

/** Segments built from state, cached in memory, optionally persisted through a `SegmentStore`. */
export class StateIndexProvider implements IndexProvider {
  private readonly cache = new Map<string, { root: Uint8Array; segment: Segment }>();

  /** Over the datanets keeper (lazily resolved), with optional persistence and build logging. */
  constructor(
    private readonly datanets: () => AttributionDatanetsKeeper,
    private readonly store?: SegmentStore,
    private readonly onBuild?: (e: IndexBuildEvent) => void,
  ) {}

  /** Segments of versions 1..version. */
  segments(ctx: Context, datanetId: bigint, version: bigint): Segment[] {
    const free = unmetered(ctx);
    const dn = this.datanets();
    if (version < 1n || !dn.getVersion(free, datanetId, version)) {
      throw attributionError(
        AttributionCode.VersionNotPublished,
        `datanet ${datanetId} has no published version ${version}`,
      );
    }
    const out: Segment[] = [];
    for (let k = 1n; k <= version; k++) out.push(this.segment(free, datanetId, k));
    return out;
  }

  /** Drop every cached segment (tests). */
  clear(): void {
    this.cache.clear();
  }

  private segment(ctx: Context, datanetId: bigint, k: bigint): Segment {
    const dn = this.datanets();
    const v = dn.getVersion(ctx, datanetId, k);
    if (!v) {
      throw attributionError(AttributionCode.VersionNotPublished, `datanet ${datanetId} has no version ${k}`);
    }
    const root = v.root ?? new Uint8Array();
    const key = `${datanetId}/${k}`;
    const hit = this.cache.get(key);
    if (hit && equalBytes(hit.root, root)) return hit.segment;
    const meta = segmentMeta(datanetId, k, root);
    let reason: IndexBuildEvent["reason"] = "missing";
    const bytes = this.store?.load(datanetId, k);
    if (bytes) {
      try {
        const s = Segment.deserialize(bytes);
        if (equalBytes(s.meta, meta)) {
          this.cache.set(key, { root, segment: s });
          return s;
        }
        reason = "mismatch";
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        reason = "corrupt";
      }
    }
    const prev = k > 1n ? big(dn.getVersion(ctx, datanetId, k - 1n)?.rowCount) : 0n;
    const rows: IndexRow[] = [];
    for (const { position, row } of dn.iterateVersionRows(ctx, datanetId, k)) {
      if (position >= prev) rows.push({ rowId: big(row.id), text: row.content ?? "" });
    }
    let segment: Segment;
    try {
      segment = buildSegment(rows, { meta });
    } catch (e) {
      if (e instanceof EngineError)
        throw attributionError(
          AttributionCode.IndexUnavailable,
          `index of datanet ${datanetId} v${k}: ${e.message}`,
        );
      throw e;
    }
    this.onBuild?.({ datanetId, version: k, rows: rows.length, tokens: segment.tokenCount, reason });
    this.store?.save(datanetId, k, segment.serialize());
    this.cache.set(key, { root, segment });
    return segment;
  }
}
