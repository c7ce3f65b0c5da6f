/**
 * The node's persistent evidence pool (CometBFT `evidence/pool.go`): duplicate-vote evidence waiting
 * to be proposed (pending) and markers of evidence already committed, kept in the node's one
 * `Database` so that pending evidence survives a restart and committed evidence is never proposed or
 * accepted again. Both are pruned once the evidence is older than the consensus evidence params allow.
 *
 * Writes are staged into the shared database batch, never flushed here: they land with the next
 * block's atomic commit. `markCommitted` is called (by the composition root's `beforeCommit` hook)
 * while the block is being staged, so a block and the markers of its evidence are written together.
 * Evidence verification happens before `addEvidence` (the engine's own detection, or `EvidenceVerifier`
 * for evidence from peers).
 */
import type { ConsensusParams, Timestamp } from "../abci/types.js";
import { evidenceKey, evidenceWithinBytes, isEvidenceExpired } from "../consensus/evidence.js";
import type { EvidencePool } from "../consensus/types.js";
import { type BatchOp, Bucket, bucketKey, type Database } from "../store/db.js";
import { decodeEvidence, type Evidence, encodeEvidence, evidenceItemHash } from "../types/block.js";
import { fromHex, toHex } from "../types/bytes.js";

/** Most pending items kept (a flood of valid evidence is bounded by the validator set anyway). */
export const MAX_PENDING_EVIDENCE = 10_000;

/** A committed-evidence marker: the evidence's height and time (enough to expire it). */
interface CommittedMarker {
  height: number;
  seconds: bigint;
}

/** Evidence pool over the node's database (`Bucket.evidencePending` and `Bucket.evidence`). */
export class PersistentEvidencePool implements EvidencePool {
  private readonly pending = new Map<string, Evidence>();
  private readonly committed = new Map<string, CommittedMarker>();
  private readonly listeners: ((evidence: Evidence) => void)[] = [];

  private constructor(private readonly db: Database) {}

  /** Open the pool over `db`, loading pending evidence and committed markers from it. */
  static async open(db: Database): Promise<PersistentEvidencePool> {
    const pool = new PersistentEvidencePool(db);
    for await (const [key, value] of db.iterate(...bucketRange(Bucket.evidencePending))) {
      try {
        const ev = decodeEvidence(value);
        pool.pending.set(evidenceKey(ev), ev);
      } catch {
        // unreadable record (should not happen): drop it with the next flush
        db.stage([{ type: "del", key }]);
      }
    }
    for await (const [key, value] of db.iterate(...bucketRange(Bucket.evidence))) {
      if (key.length !== 1 + 8 + 32 || value.length !== 8) continue;
      const dv = new DataView(key.buffer, key.byteOffset, key.byteLength);
      const height = Number(dv.getBigUint64(1));
      const seconds = new DataView(value.buffer, value.byteOffset, 8).getBigInt64(0);
      pool.committed.set(toHex(key.subarray(9)), { height, seconds });
    }
    return pool;
  }

  // ---- EvidencePool ----

  /**
   * Add verified evidence; true when it is new (neither pending nor committed). New evidence is staged
   * for the next flush and handed to the `onAdded` listeners (the node gossips it).
   */
  addEvidence(evidence: Evidence): boolean {
    const key = evidenceKey(evidence);
    if (this.pending.has(key) || this.committed.has(key)) return false;
    if (this.pending.size >= MAX_PENDING_EVIDENCE) return false;
    this.pending.set(key, evidence);
    this.db.stage([{ type: "put", key: pendingKey(evidence), value: encodeEvidence(evidence) }]);
    for (const l of this.listeners) {
      try {
        l(evidence);
      } catch {
        // a listener's failure must not reach consensus
      }
    }
    return true;
  }

  /** Pending evidence within `maxBytes` (each counted encoded + 4), oldest height first. */
  pendingEvidence(maxBytes: number): Evidence[] {
    return evidenceWithinBytes(this.allPending(), maxBytes);
  }

  /** True when this evidence was committed in a block (and has not expired since). */
  isCommitted(evidence: Evidence): boolean {
    return this.committed.has(evidenceKey(evidence));
  }

  /**
   * After the block at `height` (time `blockTime`) is committed: mark its evidence committed (a no-op
   * when `markCommitted` already did) and prune pending evidence and committed markers that `params`
   * now call expired.
   */
  update(
    height: number,
    committed: readonly Evidence[],
    params: ConsensusParams,
    blockTime: Timestamp,
  ): void {
    this.markCommitted(committed);
    const ops: BatchOp[] = [];
    for (const [key, ev] of this.pending) {
      if (!isEvidenceExpired(ev, height, blockTime, params.evidence)) continue;
      this.pending.delete(key);
      ops.push({ type: "del", key: pendingKey(ev) });
    }
    for (const [key, m] of this.committed) {
      const expired =
        height - m.height > params.evidence.maxAgeNumBlocks &&
        blockTime.seconds - m.seconds > BigInt(params.evidence.maxAgeDurationSeconds);
      if (!expired) continue;
      this.committed.delete(key);
      ops.push({ type: "del", key: committedKey(m.height, fromHex(key)) });
    }
    if (ops.length > 0) this.db.stage(ops);
  }

  // ---- public ----

  /**
   * Mark `evidence` (of a block being committed) committed: staged into the block's batch, so the block
   * and its markers are written atomically; pending copies are removed.
   */
  markCommitted(evidence: readonly Evidence[]): void {
    const ops: BatchOp[] = [];
    for (const ev of evidence) {
      const hash = evidenceItemHash(ev);
      const key = toHex(hash);
      if (this.pending.delete(key)) ops.push({ type: "del", key: pendingKey(ev) });
      if (this.committed.has(key)) continue;
      this.committed.set(key, { height: ev.voteA.height, seconds: ev.timestamp.seconds });
      const value = new Uint8Array(8);
      new DataView(value.buffer).setBigInt64(0, ev.timestamp.seconds);
      ops.push({ type: "put", key: committedKey(ev.voteA.height, hash), value });
    }
    if (ops.length > 0) this.db.stage(ops);
  }

  /** True when the evidence is pending or committed. */
  has(evidence: Evidence): boolean {
    const key = evidenceKey(evidence);
    return this.pending.has(key) || this.committed.has(key);
  }

  /** Every pending item, oldest height first (ties by key, so the order is stable). */
  allPending(): Evidence[] {
    return [...this.pending.entries()]
      .sort(([ka, a], [kb, b]) => a.voteA.height - b.voteA.height || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([, ev]) => ev);
  }

  /** Call `listener` with every new item `addEvidence` accepts. */
  onAdded(listener: (evidence: Evidence) => void): void {
    this.listeners.push(listener);
  }

  /** Number of pending items. */
  get size(): number {
    return this.pending.size;
  }

  /** Number of committed markers kept. */
  get committedCount(): number {
    return this.committed.size;
  }
}

// ---- private ----

function heightBytes(height: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(height));
  return out;
}

/** `evidencePending | height (8, BE) | hash (32)`: iteration yields oldest height first. */
function pendingKey(ev: Evidence): Uint8Array {
  const k = new Uint8Array(40);
  k.set(heightBytes(ev.voteA.height), 0);
  k.set(evidenceItemHash(ev), 8);
  return bucketKey(Bucket.evidencePending, k);
}

/** `evidence | height (8, BE) | hash (32)` → the evidence's time in seconds (8, BE, signed). */
function committedKey(height: number, hash: Uint8Array): Uint8Array {
  const k = new Uint8Array(40);
  k.set(heightBytes(height), 0);
  k.set(hash, 8);
  return bucketKey(Bucket.evidence, k);
}

function bucketRange(bucket: Bucket): [Uint8Array, Uint8Array] {
  return [Uint8Array.of(bucket), Uint8Array.of(bucket + 1)];
}
