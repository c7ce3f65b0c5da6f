/**
 * A byte-budgeted cache of serialised tree records: records are appended to a ring of large chunks
 * (a few big allocations instead of one object per record, so a million records cost ~200 MB and
 * almost no GC work) and found through one `Map` from record id to location. When the ring is full the
 * oldest chunk is recycled; its still-indexed records are first copied forward (log-structured
 * cleaning), so the live tree stays cached while dead records age out.
 */

/** Location of a record: a chunk and an offset (the record's bytes are `buf[start, end)`). */
export interface SlabHit {
  /** The chunk holding the record. */
  buf: Buffer;
  /** Offset of the record. */
  start: number;
  /** End offset of the record. */
  end: number;
}

/**
 * Ring of chunks of length-prefixed records, indexed by record id. A location is
 * `slot * chunkSize + offset`, below the byte budget, so it stays a small integer (no boxed numbers).
 */
export class RecordSlab {
  private readonly slots: Buffer[] = [];
  private readonly slotKeys: string[][] = [];
  private cur = -1;
  private off = 0;
  private spare: Buffer | undefined;
  private readonly index = new Map<string, number>();
  private readonly hit: SlabHit = { buf: Buffer.alloc(0), start: 0, end: 0 };
  private readonly maxChunks: number;
  private readonly chunkSize: number;

  /**
   * A slab of at most `maxBytes` (0 disables it) in chunks of `chunkSize` bytes (default: a sixteenth
   * of the budget, between 4 KiB and 8 MiB).
   */
  constructor(maxBytes: number, chunkSize?: number) {
    this.chunkSize = chunkSize ?? Math.max(4096, Math.min(8 * 1024 * 1024, Math.floor(maxBytes / 16)));
    this.maxChunks = Math.floor(maxBytes / this.chunkSize);
  }

  /** Number of indexed records. */
  get size(): number {
    return this.index.size;
  }

  /** Bytes allocated for chunks. */
  get allocatedBytes(): number {
    return (this.slots.length + (this.spare ? 1 : 0)) * this.chunkSize;
  }

  /** The record `key`, or undefined. The returned object is reused by the next call. */
  get(key: string): SlabHit | undefined {
    const loc = this.index.get(key);
    if (loc === undefined) return undefined;
    const slot = Math.floor(loc / this.chunkSize);
    const buf = this.slots[slot]!;
    const start = loc - slot * this.chunkSize;
    const len = buf.readUInt32LE(start);
    this.hit.buf = buf;
    this.hit.start = start + 4;
    this.hit.end = start + 4 + len;
    return this.hit;
  }

  /** Cache the record `key` (ignored when the slab is disabled or the record is too large). */
  put(key: string, rec: Uint8Array): void {
    if (this.maxChunks < 2 || rec.length + 4 > this.chunkSize) return;
    if (this.cur < 0 || this.off + 4 + rec.length > this.chunkSize) this.nextChunk();
    this.append(key, rec, 0, rec.length);
  }

  /** Forget the record `key`. */
  delete(key: string): void {
    this.index.delete(key);
  }

  /** Forget everything. */
  clear(): void {
    this.index.clear();
    this.slots.length = 0;
    this.slotKeys.length = 0;
    this.cur = -1;
    this.off = 0;
    this.spare = undefined;
  }

  private append(key: string, src: Uint8Array, from: number, to: number): void {
    const buf = this.slots[this.cur]!;
    const len = to - from;
    buf.writeUInt32LE(len, this.off);
    if (from === 0 && to === src.length) buf.set(src, this.off + 4);
    else buf.set(src.subarray(from, to), this.off + 4);
    this.index.set(key, this.cur * this.chunkSize + this.off);
    this.slotKeys[this.cur]!.push(key);
    this.off += 4 + len;
  }

  private nextChunk(): void {
    const next = (this.cur + 1) % this.maxChunks;
    this.off = 0;
    if (next >= this.slots.length) {
      this.slots.push(Buffer.allocUnsafeSlow(this.chunkSize));
      this.slotKeys.push([]);
      this.cur = next;
      return;
    }
    // Recycle the oldest chunk: copy its live records into a fresh buffer in the same slot, then keep
    // the old buffer as the spare.
    const oldBuf = this.slots[next]!;
    const oldKeys = this.slotKeys[next]!;
    this.slots[next] = this.spare ?? Buffer.allocUnsafeSlow(this.chunkSize);
    this.slotKeys[next] = [];
    this.cur = next;
    const base = next * this.chunkSize;
    const limit = this.chunkSize - (this.chunkSize >>> 2);
    // Phase 1: take every indexed record of the old chunk out of the index (once, even if its key
    // was put twice); phase 2: copy as many as fit forward.
    const live: string[] = [];
    const starts: number[] = [];
    for (const k of oldKeys) {
      const loc = this.index.get(k);
      if (loc === undefined || loc < base || loc >= base + this.chunkSize) continue;
      this.index.delete(k);
      live.push(k);
      starts.push(loc - base);
    }
    for (let i = 0; i < live.length; i++) {
      const start = starts[i]!;
      const len = oldBuf.readUInt32LE(start);
      if (this.off + 4 + len > limit) break;
      this.append(live[i]!, oldBuf, start + 4, start + 4 + len);
    }
    this.spare = oldBuf;
  }
}
