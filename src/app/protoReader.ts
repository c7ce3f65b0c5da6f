/**
 * Strict one-pass protobuf reading for the hot path (tx decoding): the canonical layouts our clients
 * write (each field once and in ascending order, or a repeated field's entries together; ASCII
 * strings; numbers below 2^49), producing objects deep-equal to cosmjs-types' decoders. Anything else
 * makes a reader return `undefined`, and the caller decodes with cosmjs-types as before — so every
 * input keeps its old meaning, errors included.
 */
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";

/** Longest string built with one `String.fromCharCode.apply` (far below any engine's argument limit). */
const APPLY_MAX = 1024;

/**
 * The string of ASCII bytes `buf[start, end)` (the caller checked they are all < 0x80), made in one
 * allocation: building it a character at a time (`s += …`) makes a string per character (cons strings
 * past 12) that every later hash or compare must flatten, which cost more than the decode itself.
 */
export function asciiString(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= APPLY_MAX) {
    return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
}

/** A bounded cursor; readers set `ok = false` on anything outside the fast case. */
export class FastReader {
  /** Position of the next byte. */
  pos: number;
  /** False once something outside the fast case was seen. */
  ok = true;

  /** Read `buf[start, end)`. */
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** True while there are bytes left (and nothing failed). */
  more(): boolean {
    return this.ok && this.pos < this.end;
  }

  /** A one-byte tag (fields 1–15), or -1 (and `ok = false`) otherwise. */
  tag(): number {
    const t = this.buf[this.pos++]!;
    if (t >= 0x80) {
      this.ok = false;
      return -1;
    }
    return t;
  }

  /** A varint below 2^49, or -1 (and `ok = false`). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) break;
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    this.ok = false;
    return -1;
  }

  /** A uint64 field's value (below 2^49), as cosmjs-types' bigint. */
  uint64(): bigint {
    const v = this.varint();
    return v < 0 ? 0n : BigInt(v);
  }

  /** The bounds of a length-delimited field's payload (below 2^28 bytes, inside `end`), or undefined. */
  delimited(): number {
    const start = this.pos;
    let len = 0;
    let mul = 1;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) break;
      const b = this.buf[this.pos++]!;
      len += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (len > this.end - this.pos) break;
        return len;
      }
      mul *= 128;
    }
    this.pos = start;
    this.ok = false;
    return -1;
  }

  /** A bytes field (a view into the buffer, as cosmjs-types returns). */
  bytes(): Uint8Array {
    const n = this.delimited();
    if (n < 0) return EMPTY;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A string field of ASCII characters (anything else: `ok = false`). */
  string(): string {
    const n = this.delimited();
    if (n < 0) return "";
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) {
        this.ok = false;
        return "";
      }
    }
    this.pos = end;
    return asciiString(buf, start, end);
  }

  /** A sub-reader over an embedded message's payload (advances past it). */
  sub(): FastReader {
    const n = this.delimited();
    const r = new FastReader(this.buf, this.pos, n < 0 ? this.pos : this.pos + n);
    if (n < 0) r.ok = false;
    else this.pos += n;
    return r;
  }

  /** Fold a finished sub-reader's outcome into this one. */
  join(r: FastReader): void {
    if (!r.ok || r.pos !== r.end) this.ok = false;
  }
}

const EMPTY = new Uint8Array();

/** Most distinct strings `intern` keeps; past it, strings are returned as they are. */
const INTERN_MAX = 1024;
/** Longest string `intern` keeps. */
const INTERN_MAX_LENGTH = 128;
const interned = new Map<string, string>();

/**
 * One shared copy of a short string that recurs across txs (type URLs, denoms), so the decoded txs a
 * node holds between CheckTx and FinalizeBlock keep one string between them instead of one each. The
 * table is bounded (first come, kept): any string is returned either way, with the same value.
 */
export function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < INTERN_MAX) interned.set(s, s);
  return s;
}

/** `Coin{denom = 1, amount = 2}` (the denom interned). */
export function readCoin(r: FastReader): Coin {
  let denom = "";
  let amount = "";
  let last = 0;
  while (r.more()) {
    const t = r.tag();
    if (t >> 3 <= last) r.ok = false;
    last = t >> 3;
    if (t === 0x0a) denom = intern(r.string());
    else if (t === 0x12) amount = r.string();
    else r.ok = false;
  }
  return { denom, amount };
}

/** `Any{type_url = 1, value = 2}`. */
export function readAny(r: FastReader): { typeUrl: string; value: Uint8Array } {
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array();
  let last = 0;
  while (r.more()) {
    const t = r.tag();
    if (t >> 3 <= last) r.ok = false;
    last = t >> 3;
    if (t === 0x0a) typeUrl = intern(r.string());
    else if (t === 0x12) value = r.bytes();
    else r.ok = false;
  }
  return { typeUrl, value };
}

/**
 * Read fields in ascending order, each once except `repeated` ones (whose entries must be together),
 * calling `field(tag)` for each (which must set `r.ok = false` on a tag it does not take); breaking
 * the order rule sets `r.ok = false`.
 */
export function readFields(r: FastReader, repeated: readonly number[], field: (tag: number) => void): void {
  let last = 0;
  while (r.more()) {
    const t = r.tag();
    if (!r.ok) return;
    const f = t >> 3;
    if (f < last || (f === last && !repeated.includes(f))) {
      r.ok = false;
      return;
    }
    last = f;
    field(t);
  }
}
