/**
 * A byte-budgeted cache of serialised tree records that costs the JS heap (almost) nothing per
 * record: records are appended, with their 12-byte ids, to a ring of large chunks, and found through
 * an open-addressing hash table in typed arrays (id → location). No string, array or `Map` entry is
 * kept per record, so a million cached records add no GC marking work and ~20 bytes of index each.
 * When the ring is full the oldest chunk is recycled: its still-indexed records are first copied
 * forward (log-structured cleaning), so a live set that fits stays cached while dead records age out.
 */

/** Length of a record id (`u64be(version) ‖ u32be(nonce)`, a latin1 string of 12 chars). */
const ID_LENGTH = 12;
/** Per-record header in a chunk: `u32le(length) ‖ id[12]`. */
const HEADER = 4 + ID_LENGTH;
/** Index bytes per table slot: three u32 of the id and one u32 location. */
const SLOT_BYTES = 16;
/** Share of the byte budget given to chunks; the rest bounds the index. */
const CHUNK_SHARE = 0.8;
const EMPTY = 0;

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
 * Ring of chunks of `u32le(len) ‖ id ‖ record` entries, indexed by record id. A location is
 * `slot * chunkSize + offset + 1` (0 = empty table slot), below 2^32.
 */
export class RecordSlab {
  private readonly slots: Buffer[] = [];
  /** Bytes used in each chunk. */
  private readonly used: number[] = [];
  private cur = -1;
  private off = 0;
  private spare: Buffer | undefined;
  private readonly hit: SlabHit = { buf: Buffer.alloc(0), start: 0, end: 0 };
  private readonly maxChunks: number;
  private readonly chunkSize: number;
  private readonly maxTableSlots: number;
  // Hash table: ids as three u32 (version high, version low, nonce) and a location (0 = empty).
  private ids = new Uint32Array(0);
  private locs = new Uint32Array(0);
  private mask = -1;
  private count = 0;
  // The id being looked up, as three u32.
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;

  /**
   * A slab of about `maxBytes` in all (0 disables it): 80% for chunks of `chunkSize` bytes (default:
   * a sixteenth of that, between 4 KiB and 8 MiB), the rest bounds the id index.
   */
  constructor(maxBytes: number, chunkSize?: number) {
    const chunkBytes = Math.floor(maxBytes * CHUNK_SHARE);
    this.chunkSize = chunkSize ?? Math.max(4096, Math.min(8 * 1024 * 1024, Math.floor(chunkBytes / 16)));
    this.maxChunks = Math.min(
      Math.floor(chunkBytes / this.chunkSize),
      Math.floor(2 ** 32 / this.chunkSize) - 1,
    );
    this.maxTableSlots = Math.max(1024, floorPow2((maxBytes - chunkBytes) / SLOT_BYTES));
    if (this.maxChunks >= 2) this.resize(1024);
  }

  /** Number of indexed records. */
  get size(): number {
    return this.count;
  }

  /** Bytes allocated for chunks and the index. */
  get allocatedBytes(): number {
    return (this.slots.length + (this.spare ? 1 : 0)) * this.chunkSize + this.locs.length * SLOT_BYTES;
  }

  /** The record `id`, or undefined. The returned object is reused by the next call. */
  get(id: string): SlabHit | undefined {
    if (this.count === 0 || !this.setKey(id)) return undefined;
    const i = this.find();
    if (i < 0) return undefined;
    const loc = this.locs[i]! - 1;
    const slot = Math.floor(loc / this.chunkSize);
    const buf = this.slots[slot]!;
    const start = loc - slot * this.chunkSize;
    this.hit.buf = buf;
    this.hit.start = start + HEADER;
    this.hit.end = start + HEADER + buf.readUInt32LE(start);
    return this.hit;
  }

  /** Cache the record `id` (ignored when disabled, the id is not 12 bytes, or the record too large). */
  put(id: string, rec: Uint8Array): void {
    if (this.maxChunks < 2 || rec.length + HEADER > this.chunkSize || id.length !== ID_LENGTH) return;
    if (this.cur < 0 || this.off + HEADER + rec.length > this.chunkSize) this.nextChunk(HEADER + rec.length);
    this.setKey(id);
    const i = this.count === 0 ? -1 : this.find();
    if (i < 0 && this.count >= this.maxTableSlots * 0.75) return;
    const at = this.append(rec, 0, rec.length);
    if (i >= 0) this.locs[i] = at;
    else this.insert(at);
  }

  /** Forget the record `id`. */
  delete(id: string): void {
    if (this.count === 0 || !this.setKey(id)) return;
    const i = this.find();
    if (i >= 0) this.removeAt(i);
  }

  /** Forget everything. */
  clear(): void {
    this.slots.length = 0;
    this.used.length = 0;
    this.cur = -1;
    this.off = 0;
    this.spare = undefined;
    this.ids = new Uint32Array(0);
    this.locs = new Uint32Array(0);
    this.count = 0;
    if (this.maxChunks >= 2) this.resize(1024);
  }

  /** Load `id` into k0..k2; false when it is not a 12-char id. */
  private setKey(id: string): boolean {
    if (id.length !== ID_LENGTH) return false;
    this.k0 = u32At(id, 0);
    this.k1 = u32At(id, 4);
    this.k2 = u32At(id, 8);
    return true;
  }

  private hashKey(): number {
    let h = Math.imul(this.k2 ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ this.k1 ^ (h >>> 15), 0xc2b2ae35);
    h ^= this.k0;
    return (h ^ (h >>> 13)) & this.mask;
  }

  /** Table slot of the current key, or -1. */
  private find(): number {
    const ids = this.ids;
    const locs = this.locs;
    for (let i = this.hashKey(); ; i = (i + 1) & this.mask) {
      if (locs[i] === EMPTY) return -1;
      const j = i * 3;
      if (ids[j + 2] === this.k2 && ids[j + 1] === this.k1 && ids[j] === this.k0) return i;
    }
  }

  /** Insert the current key (known absent) at location `at`. */
  private insert(at: number): void {
    if ((this.count + 1) * 4 > this.locs.length * 3) this.resize(this.locs.length * 2);
    let i = this.hashKey();
    while (this.locs[i] !== EMPTY) i = (i + 1) & this.mask;
    this.ids[i * 3] = this.k0;
    this.ids[i * 3 + 1] = this.k1;
    this.ids[i * 3 + 2] = this.k2;
    this.locs[i] = at;
    this.count++;
  }

  /** Remove table slot `i`, shifting back the entries of its probe run (no tombstones). */
  private removeAt(i: number): void {
    const ids = this.ids;
    const locs = this.locs;
    const mask = this.mask;
    const k0 = this.k0;
    const k1 = this.k1;
    const k2 = this.k2;
    let hole = i;
    for (let j = (i + 1) & mask; locs[j] !== EMPTY; j = (j + 1) & mask) {
      this.k0 = ids[j * 3]!;
      this.k1 = ids[j * 3 + 1]!;
      this.k2 = ids[j * 3 + 2]!;
      const home = this.hashKey();
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        ids[hole * 3] = this.k0;
        ids[hole * 3 + 1] = this.k1;
        ids[hole * 3 + 2] = this.k2;
        locs[hole] = locs[j]!;
        hole = j;
      }
    }
    locs[hole] = EMPTY;
    this.count--;
    this.k0 = k0;
    this.k1 = k1;
    this.k2 = k2;
  }

  private resize(slots: number): void {
    const oldIds = this.ids;
    const oldLocs = this.locs;
    const k0 = this.k0;
    const k1 = this.k1;
    const k2 = this.k2;
    this.ids = new Uint32Array(slots * 3);
    this.locs = new Uint32Array(slots);
    this.mask = slots - 1;
    this.count = 0;
    for (let i = 0; i < oldLocs.length; i++) {
      if (oldLocs[i] === EMPTY) continue;
      this.k0 = oldIds[i * 3]!;
      this.k1 = oldIds[i * 3 + 1]!;
      this.k2 = oldIds[i * 3 + 2]!;
      let j = this.hashKey();
      while (this.locs[j] !== EMPTY) j = (j + 1) & this.mask;
      this.ids.set(oldIds.subarray(i * 3, i * 3 + 3), j * 3);
      this.locs[j] = oldLocs[i]!;
      this.count++;
    }
    this.k0 = k0;
    this.k1 = k1;
    this.k2 = k2;
  }

  /** Append `src[from, to)` with the current key to the current chunk; returns its location. */
  private append(src: Uint8Array, from: number, to: number): number {
    const buf = this.slots[this.cur]!;
    const len = to - from;
    const o = this.off;
    buf.writeUInt32LE(len, o);
    buf.writeUInt32BE(this.k0, o + 4);
    buf.writeUInt32BE(this.k1, o + 8);
    buf.writeUInt32BE(this.k2, o + 12);
    if (from === 0 && to === src.length) buf.set(src, o + HEADER);
    else buf.set(src.subarray(from, to), o + HEADER);
    this.off = o + HEADER + len;
    this.used[this.cur] = this.off;
    return this.cur * this.chunkSize + o + 1;
  }

  /** Move to the next chunk, leaving at least `need` bytes free in it. */
  private nextChunk(need: number): void {
    const next = (this.cur + 1) % this.maxChunks;
    this.off = 0;
    if (next >= this.slots.length) {
      this.slots.push(Buffer.allocUnsafeSlow(this.chunkSize));
      this.used.push(0);
      this.cur = next;
      return;
    }
    // Recycle the oldest chunk: copy its live records (those the index still points at) into a
    // fresh buffer in the same slot, up to three quarters of it and leaving `need` bytes; forget the
    // rest. Keep the old buffer as the spare.
    const oldBuf = this.slots[next]!;
    const oldUsed = this.used[next]!;
    this.slots[next] = this.spare ?? Buffer.allocUnsafeSlow(this.chunkSize);
    this.used[next] = 0;
    this.cur = next;
    const base = next * this.chunkSize + 1;
    const limit = Math.min(this.chunkSize - (this.chunkSize >>> 2), this.chunkSize - need);
    for (let o = 0; o < oldUsed; ) {
      const len = oldBuf.readUInt32LE(o);
      this.k0 = oldBuf.readUInt32BE(o + 4);
      this.k1 = oldBuf.readUInt32BE(o + 8);
      this.k2 = oldBuf.readUInt32BE(o + 12);
      const i = this.count === 0 ? -1 : this.find();
      if (i >= 0 && this.locs[i] === base + o) {
        if (this.off + HEADER + len <= limit)
          this.locs[i] = this.append(oldBuf, o + HEADER, o + HEADER + len);
        else this.removeAt(i);
      }
      o += HEADER + len;
    }
    this.spare = oldBuf;
  }
}

function u32At(s: string, i: number): number {
  return (
    ((s.charCodeAt(i) << 24) |
      (s.charCodeAt(i + 1) << 16) |
      (s.charCodeAt(i + 2) << 8) |
      s.charCodeAt(i + 3)) >>>
    0
  );
}

function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}
