/**
 * Write-ahead-log records and the in-memory WAL (tests and the simulation). The file-backed WAL lives
 * in `src/wal/` (consensus does no I/O); both share the record encoding here.
 */
import "../types/cosmjsFix.js";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { CodedError } from "../types/errors.js";
import { decodeConsensusMessage, encodeConsensusMessage } from "./messages.js";
import { CONSENSUS_CODESPACE, ConsensusErrorCode, type WAL, type WalEntry } from "./types.js";

/** Encode one record: field 1 msg {height, peer, message}, 2 timeout, 3 end-height. */
export function encodeWalEntry(e: WalEntry): Uint8Array {
  const w = BinaryWriter.create();
  if (e.kind === "msg") {
    w.uint32(10)
      .fork()
      .uint32(8)
      .int64(BigInt(e.height))
      .uint32(18)
      .string(e.peer)
      .uint32(26)
      .bytes(encodeConsensusMessage(e.msg))
      .ldelim();
  } else if (e.kind === "timeout") {
    w.uint32(18)
      .fork()
      .uint32(8)
      .int64(BigInt(e.height))
      .uint32(16)
      .int32(e.round)
      .uint32(24)
      .uint32(e.step)
      .ldelim();
  } else {
    w.uint32(26).fork().uint32(8).int64(BigInt(e.height)).ldelim();
  }
  return w.finish();
}

/** Decode one record; malformed bytes give a coded `WalCorrupt` error. */
export function decodeWalEntry(bytes: Uint8Array): WalEntry {
  try {
    const r = new BinaryReader(bytes);
    const tag = r.uint32();
    const body = new BinaryReader(r.bytes());
    const kind = tag >>> 3;
    let height = 0;
    let peer = "";
    let msgBytes: Uint8Array | undefined;
    let round = 0;
    let step = 0;
    while (body.pos < body.len) {
      const t = body.uint32();
      const f = t >>> 3;
      if (f === 1) height = Number(body.int64());
      else if (kind === 1 && f === 2) peer = body.string();
      else if (kind === 1 && f === 3) msgBytes = body.bytes();
      else if (kind === 2 && f === 2) round = body.int32();
      else if (kind === 2 && f === 3) step = body.uint32();
      else body.skipType(t & 7);
    }
    if (kind === 1 && msgBytes !== undefined) {
      return { kind: "msg", height, peer, msg: decodeConsensusMessage(msgBytes) };
    }
    if (kind === 2) return { kind: "timeout", height, round, step };
    if (kind === 3) return { kind: "endHeight", height };
  } catch (e) {
    throw walError(`corrupt WAL record: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw walError("corrupt WAL record: unknown kind");
}

/**
 * A WAL in memory. Records survive `crash()` when they were fsynced (or followed by an fsynced
 * record); the unsynced tail survives only when `keepUnsynced` says so, like a page cache lost in a
 * power cut. Records are stored encoded, so replay exercises the codec.
 */
export class MemoryWAL implements WAL {
  private records: { height: number; bytes?: Uint8Array; entry?: WalEntry }[] = [];
  private synced = 0;
  private closed = false;

  /**
   * An empty WAL. With `encode` false, records are kept as objects (faster; for the simulation,
   * whose messages are never mutated).
   */
  constructor(private readonly encode = true) {}

  /** Append a record (encoded). */
  async append(entry: WalEntry, fsync: boolean): Promise<void> {
    if (this.closed) throw walError("WAL is closed");
    this.records.push(
      this.encode ? { height: entry.height, bytes: encodeWalEntry(entry) } : { height: entry.height, entry },
    );
    if (fsync) this.synced = this.records.length;
  }

  /** Append the end-height marker (fsynced) and drop records of heights before `height - 1`. */
  async endHeight(height: number): Promise<void> {
    await this.append({ kind: "endHeight", height }, true);
    // keep the previous height's records too (CometBFT keeps rotated files for a while)
    const keepFrom = this.records.findIndex((r) => r.height >= height - 1);
    if (keepFrom > 0) {
      this.records = this.records.slice(keepFrom);
      this.synced = Math.max(0, this.synced - keepFrom);
    }
  }

  /** Records of `height` after the last end-height marker of an earlier height. */
  async replay(height: number): Promise<WalEntry[]> {
    const out: WalEntry[] = [];
    for (const r of this.records) {
      if (r.height < height) continue;
      const e = r.entry ?? decodeWalEntry(r.bytes as Uint8Array);
      if (e.kind === "endHeight") {
        if (e.height >= height) out.length = 0;
        continue;
      }
      if (e.height === height) out.push(e);
    }
    return out;
  }

  /** Mark closed; later appends fail. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** Simulate a crash: lose the unsynced tail unless `keepUnsynced`; the WAL can be used again. */
  crash(keepUnsynced: boolean): void {
    if (!keepUnsynced) this.records = this.records.slice(0, this.synced);
    this.synced = this.records.length;
    this.closed = false;
  }

  /** Number of records held. */
  get size(): number {
    return this.records.length;
  }
}

function walError(message: string): CodedError {
  return new CodedError(CONSENSUS_CODESPACE, ConsensusErrorCode.WalCorrupt, message);
}
