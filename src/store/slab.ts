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

/** Ring of chunks of length-prefixed records, indexed by record id. */
export class RecordSlab {
  private readonly chunks: Buffer[] = [];
  private readonly chunkKeys: string[][] = [];
  private firstId = 0;
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
    return (this.chunks.length + (this.spare ? 1 : 0)) * this.chunkSize;
  }

  /** The record `key`, or undefined. The returned object is reused by the next call. */
  get(key: string): SlabHit | undefined {
    const loc = this.index.get(key);
    if (loc === undefined) return undefined;
    const id = Math.floor(loc / this.chunkSize);
    const buf = this.chunks[id - this.firstId]!;
    const start = loc - id * this.chunkSize;
    const len = buf.readUInt32LE(start);
    this.hit.buf = buf;
    this.hit.start = start + 4;
    this.hit.end = start + 4 + len;
    return this.hit;
  }

  /** Cache the record `key` (ignored when the slab is disabled or the record is too large). */
  put(key: string, rec: Uint8Array): void {
    if (this.maxChunks < 2 || rec.length + 4 > this.chunkSize) return;
    if (this.chunks.length === 0 || this.off + 4 + rec.length > this.chunkSize) this.nextChunk();
    this.append(key, rec, 0, rec.length);
  }

  /** Forget the record `key`. */
  delete(key: string): void {
    this.index.delete(key);
  }

  /** Forget everything. */
  clear(): void {
    this.index.clear();
    this.chunks.length = 0;
    this.chunkKeys.length = 0;
    this.firstId = 0;
    this.off = 0;
    this.spare = undefined;
  }

  private append(key: string, src: Uint8Array, from: number, to: number): void {
    const lastIdx = this.chunks.length - 1;
    const buf = this.chunks[lastIdx]!;
    const len = to - from;
    buf.writeUInt32LE(len, this.off);
    if (from === 0 && to === src.length) buf.set(src, this.off + 4);
    else buf.set(src.subarray(from, to), this.off + 4);
    this.index.set(key, (this.firstId + lastIdx) * this.chunkSize + this.off);
    this.chunkKeys[lastIdx]!.push(key);
    this.off += 4 + len;
  }

  private nextChunk(): void {
    if (this.chunks.length < this.maxChunks) {
      this.chunks.push(Buffer.allocUnsafeSlow(this.chunkSize));
      this.chunkKeys.push([]);
      this.off = 0;
      return;
    }
    // Recycle the oldest chunk: copy its live records into a fresh chunk, then keep it as the spare.
    const oldBuf = this.chunks.shift()!;
    const oldKeys = this.chunkKeys.shift()!;
    const oldId = this.firstId;
    this.firstId++;
    this.chunks.push(this.spare ?? Buffer.allocUnsafeSlow(this.chunkSize));
    this.chunkKeys.push([]);
    this.off = 0;
    const limit = this.chunkSize >>> 1;
    for (const k of oldKeys) {
      const loc = this.index.get(k);
      if (loc === undefined || Math.floor(loc / this.chunkSize) !== oldId) continue;
      const start = loc - oldId * this.chunkSize;
      const len = oldBuf.readUInt32LE(start);
      if (this.off + 4 + len > limit) {
        this.index.delete(k);
        continue;
      }
      this.append(k, oldBuf, start + 4, start + 4 + len);
    }
    this.spare = oldBuf;
  }
}
