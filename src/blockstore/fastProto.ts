/**
 * A fast protobuf encoder for the hot path of every block: ABCI events and `ExecTxResult`s (stored
 * once in the block results and once per tx in the index). Two passes, size then write, into one
 * Buffer; the output is byte-identical to cosmjs-types' encoders (fields in number order, proto3
 * defaults omitted), which the tests check.
 */
import type { AbciEvent, ExecTxResult } from "../abci/types.js";

const TWO_32 = 4294967296;

/** Writes protobuf wire data into a preallocated Buffer. */
export class ProtoWriter {
  /** Write position. */
  pos = 0;
  /** The output buffer, sized by the caller from a size pass. */
  readonly buf: Buffer;

  /** A writer over `size` bytes. */
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The bytes written. */
  finish(): Uint8Array {
    if (this.pos !== this.buf.length)
      throw new Error(`proto size mismatch: ${this.pos} != ${this.buf.length}`);
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** A non-negative integer below 2^53 as a varint. */
  varint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** An int64/uint64 as a varint (negative values as 64-bit two's complement). */
  varint64(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** Length-delimited bytes. */
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Length-delimited UTF-8 string whose byte length is `len`. */
  string(s: string, len: number): void {
    this.varint(len);
    this.pos += this.buf.write(s, this.pos, len, "utf8");
  }
}

/** Bytes of a varint of a non-negative integer below 2^53. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 4;
  let v = Math.floor(n / 0x10000000);
  while (v > 0) {
    size++;
    v = Math.floor(v / 0x80);
  }
  return size;
}

/** Bytes of a 64-bit varint. */
export function varint64Size(n: bigint): number {
  let v = BigInt.asUintN(64, n);
  if (v < BigInt(TWO_32)) return varintSize(Number(v));
  let size = 1;
  while (v >= 0x80n) {
    size++;
    v >>= 7n;
  }
  return size;
}

/** Encoded size of an `Event`. */
export function eventSize(e: AbciEvent): number {
  let size = stringFieldSize(e.type);
  for (const a of e.attributes) {
    const s = attributeSize(a.key, a.value, a.index);
    size += 1 + varintSize(s) + s;
  }
  return size;
}

/** Write an `Event` (without tag or length). */
export function writeEvent(w: ProtoWriter, e: AbciEvent): void {
  writeStringField(w, 0x0a, e.type);
  for (const a of e.attributes) {
    w.buf[w.pos++] = 0x12;
    w.varint(attributeSize(a.key, a.value, a.index));
    writeStringField(w, 0x0a, a.key);
    writeStringField(w, 0x12, a.value);
    if (a.index) {
      w.buf[w.pos++] = 0x18;
      w.buf[w.pos++] = 1;
    }
  }
}

/** Encoded size of an `ExecTxResult`. */
export function execTxResultSize(r: ExecTxResult): number {
  let size = 0;
  if (r.code !== 0) size += 1 + varintSize(r.code);
  if (r.data.length !== 0) size += 1 + varintSize(r.data.length) + r.data.length;
  size += stringFieldSize(r.log) + stringFieldSize(r.info);
  if (r.gasWanted !== 0n) size += 1 + varint64Size(r.gasWanted);
  if (r.gasUsed !== 0n) size += 1 + varint64Size(r.gasUsed);
  for (const e of r.events) {
    const s = eventSize(e);
    size += 1 + varintSize(s) + s;
  }
  return size + stringFieldSize(r.codespace);
}

/** Write an `ExecTxResult` (without tag or length). */
export function writeExecTxResult(w: ProtoWriter, r: ExecTxResult): void {
  if (r.code !== 0) {
    w.buf[w.pos++] = 0x08;
    w.varint(r.code);
  }
  if (r.data.length !== 0) {
    w.buf[w.pos++] = 0x12;
    w.bytes(r.data);
  }
  writeStringField(w, 0x1a, r.log);
  writeStringField(w, 0x22, r.info);
  if (r.gasWanted !== 0n) {
    w.buf[w.pos++] = 0x28;
    w.varint64(r.gasWanted);
  }
  if (r.gasUsed !== 0n) {
    w.buf[w.pos++] = 0x30;
    w.varint64(r.gasUsed);
  }
  for (const e of r.events) {
    w.buf[w.pos++] = 0x3a;
    w.varint(eventSize(e));
    writeEvent(w, e);
  }
  writeStringField(w, 0x42, r.codespace);
}

/** `tendermint.abci.ExecTxResult` bytes. */
export function encodeExecTxResultFast(r: ExecTxResult): Uint8Array {
  const w = new ProtoWriter(execTxResultSize(r));
  writeExecTxResult(w, r);
  return w.finish();
}

/** `tendermint.abci.TxResult{height, index, tx, result}` bytes: the tx index's record of a tx. */
export function encodeTxResultRecord(
  height: number,
  index: number,
  tx: Uint8Array,
  r: ExecTxResult,
): Uint8Array {
  const rs = execTxResultSize(r);
  let size = 0;
  if (height !== 0) size += 1 + varintSize(height);
  if (index !== 0) size += 1 + varintSize(index);
  if (tx.length !== 0) size += 1 + varintSize(tx.length) + tx.length;
  size += 1 + varintSize(rs) + rs;
  const w = new ProtoWriter(size);
  if (height !== 0) {
    w.buf[w.pos++] = 0x08;
    w.varint(height);
  }
  if (index !== 0) {
    w.buf[w.pos++] = 0x10;
    w.varint(index);
  }
  if (tx.length !== 0) {
    w.buf[w.pos++] = 0x1a;
    w.bytes(tx);
  }
  w.buf[w.pos++] = 0x22;
  w.varint(rs);
  writeExecTxResult(w, r);
  return w.finish();
}

/**
 * The leading fields of `ResponseFinalizeBlock`: `events = 1` and `tx_results = 2` (the bulk of it),
 * to which the caller appends the remaining fields.
 */
export function encodeEventsAndTxResults(
  events: readonly AbciEvent[],
  txResults: readonly ExecTxResult[],
): Uint8Array {
  let size = 0;
  for (const e of events) {
    const s = eventSize(e);
    size += 1 + varintSize(s) + s;
  }
  const sizes = txResults.map(execTxResultSize);
  for (const s of sizes) size += 1 + varintSize(s) + s;
  const w = new ProtoWriter(size);
  for (const e of events) {
    w.buf[w.pos++] = 0x0a;
    w.varint(eventSize(e));
    writeEvent(w, e);
  }
  txResults.forEach((r, i) => {
    w.buf[w.pos++] = 0x12;
    w.varint(sizes[i] as number);
    writeExecTxResult(w, r);
  });
  return w.finish();
}

function attributeSize(key: string, value: string, index: boolean): number {
  return stringFieldSize(key) + stringFieldSize(value) + (index ? 2 : 0);
}

function stringFieldSize(s: string): number {
  if (s.length === 0) return 0;
  const len = Buffer.byteLength(s, "utf8");
  return 1 + varintSize(len) + len;
}

function writeStringField(w: ProtoWriter, tag: number, s: string): void {
  if (s.length === 0) return;
  w.buf[w.pos++] = tag;
  w.string(s, Buffer.byteLength(s, "utf8"));
}

// ---------------------------------------------------------------------------------------------
// Single-pass writer: lengths are patched in after the content (shifting it when the length takes
// more bytes than reserved), so every string is measured once, by writing it.

/** A growable protobuf writer whose length-delimited fields are written before their length is known. */
class PatchWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.pos + n, 2 * this.buf.length));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Reserve `reserved` bytes for a length to patch later; returns where they start. */
  open(tag: number, reserved: number): number {
    this.ensure(1 + reserved);
    this.buf[this.pos++] = tag;
    const at = this.pos;
    this.pos += reserved;
    return at;
  }

  /** Write the length of the content after the `reserved` bytes at `at`, moving the content if needed. */
  close(at: number, reserved: number): void {
    const start = at + reserved;
    const len = this.pos - start;
    const size = varintSize(len);
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buf.copyWithin(at + size, start, this.pos);
      this.pos += size - reserved;
    }
    let v = len;
    let p = at;
    while (v >= 0x80) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p] = v;
  }

  /** A non-empty string field (proto3: empty strings are omitted). */
  string(tag: number, s: string): void {
    if (s.length === 0) return;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; a length varint of such a string ≤ 5 bytes.
    this.ensure(1 + 5 + 3 * s.length);
    this.buf[this.pos++] = tag;
    const at = this.pos;
    const n = writeUtf8(this.buf, s, at + 1);
    if (n < 0x80) {
      this.buf[at] = n;
      this.pos = at + 1 + n;
      return;
    }
    this.pos = at + 1 + n;
    this.close(at, 1);
  }

  /** A varint of a non-negative integer below 2^53 (after its tag). */
  varint(tag: number, n: number): void {
    this.ensure(11);
    this.buf[this.pos++] = tag;
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** An int64 as a varint (two's complement for negatives; after its tag). */
  varint64(tag: number, n: bigint): void {
    if (n > 0n && n <= 9007199254740991n) {
      this.varint(tag, Number(n));
      return;
    }
    this.ensure(11);
    this.buf[this.pos++] = tag;
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** A non-empty bytes field. */
  bytes(tag: number, b: Uint8Array): void {
    if (b.length === 0) return;
    this.varint(tag, b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The written bytes (a view of the buffer). */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }
}

function patchEvent(w: PatchWriter, tag: number, e: AbciEvent): void {
  const at = w.open(tag, 1);
  w.string(0x0a, e.type);
  for (const a of e.attributes) {
    const attrAt = w.open(0x12, 1);
    w.string(0x0a, a.key);
    w.string(0x12, a.value);
    if (a.index) {
      w.ensure(2);
      w.buf[w.pos++] = 0x18;
      w.buf[w.pos++] = 1;
    }
    w.close(attrAt, 1);
  }
  w.close(at, 1);
}

function patchExecTxResult(w: PatchWriter, r: ExecTxResult): void {
  if (r.code !== 0) w.varint(0x08, r.code >>> 0);
  w.bytes(0x12, r.data);
  w.string(0x1a, r.log);
  w.string(0x22, r.info);
  if (r.gasWanted !== 0n) w.varint64(0x28, r.gasWanted);
  if (r.gasUsed !== 0n) w.varint64(0x30, r.gasUsed);
  for (const e of r.events) patchEvent(w, 0x3a, e);
  w.string(0x42, r.codespace);
}

/**
 * Same bytes as `encodeEventsAndTxResults` followed by `tail` (the response's remaining fields), in
 * one pass over the data: each string is UTF-8-encoded once, straight into the output, and nested
 * lengths are patched in behind their content.
 */
export function encodeEventsAndTxResultsOnePass(
  events: readonly AbciEvent[],
  txResults: readonly ExecTxResult[],
  tail: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const w = new PatchWriter(1024 + 1024 * txResults.length + tail.length);
  for (const e of events) patchEvent(w, 0x0a, e);
  for (const r of txResults) {
    const at = w.open(0x12, 2);
    patchExecTxResult(w, r);
    w.close(at, 2);
  }
  w.ensure(tail.length);
  w.buf.set(tail, w.pos);
  w.pos += tail.length;
  return w.finish();
}

/**
 * Write `s` as UTF-8 at `at` (room for 3 bytes per code unit is the caller's); returns the bytes
 * written. Short ASCII strings, nearly all of them here, are copied in a loop: cheaper than a call
 * into the native encoder.
 */
export function writeUtf8(buf: Buffer, s: string, at: number): number {
  const len = s.length;
  if (len > 64) return buf.write(s, at);
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return buf.write(s, at);
    buf[at + i] = c;
  }
  return len;
}
