/**
 * The hot-path codec of stored base accounts: `Any{BaseAccount}` written and read in one pass over
 * exact-size buffers (every tx reads and writes its signer's account, often twice). The bytes are
 * identical to cosmjs-types' encoding; the reader takes only the canonical layout this encoder writes
 * and returns `undefined` for anything else, so the caller falls back to the cosmjs-types decoder and
 * every other input keeps its old meaning (seeded tests compare both ways).
 */
import { BASE_ACCOUNT_TYPE, SECP256K1_PUBKEY_TYPE } from "./keys.js";

/** A decoded base account: what the app keeps of it (the address comes from the store key). */
export interface BaseAccountFields {
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
}

function ascii(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return undefined;
    out[i] = c;
  }
  return out;
}

const BASE_TYPE = ascii(BASE_ACCOUNT_TYPE)!;
const PUBKEY_TYPE = ascii(SECP256K1_PUBKEY_TYPE)!;

function varintLen(v: bigint): number {
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

function smallVarintLen(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeSmallVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    out[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}

function writeVarint(out: Uint8Array, pos: number, v: bigint): number {
  if (v < 0x20000000000000n) return writeSmallVarint(out, pos, Number(v));
  while (v >= 0x80n) {
    out[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[pos++] = Number(v);
  return pos;
}

/**
 * `Any{type_url: BaseAccount, value: BaseAccount{address, pub_key?, account_number, sequence}}` bytes,
 * as cosmjs-types encodes them (proto3: empty and zero fields left out; a present pubkey always
 * written). `address` is the bech32 string (ASCII); returns `undefined` for a non-ASCII address, for the
 * caller's general encoder. `accountNumber` and `sequence` must be in uint64 range.
 */
export function encodeBaseAccountAny(
  address: string,
  pubKey: Uint8Array | undefined,
  accountNumber: bigint,
  sequence: bigint,
): Uint8Array | undefined {
  // Sizes: the pubkey message, its Any, the base account, the outer Any.
  let pkAnyLen = 0;
  let pkMsgLen = 0;
  if (pubKey) {
    pkMsgLen = pubKey.length === 0 ? 0 : 1 + smallVarintLen(pubKey.length) + pubKey.length;
    pkAnyLen = 1 + smallVarintLen(PUBKEY_TYPE.length) + PUBKEY_TYPE.length;
    if (pkMsgLen > 0) pkAnyLen += 1 + smallVarintLen(pkMsgLen) + pkMsgLen;
  }
  const addrLen = address.length;
  let baseLen = 0;
  if (addrLen > 0) baseLen += 1 + smallVarintLen(addrLen) + addrLen;
  if (pubKey) baseLen += 1 + smallVarintLen(pkAnyLen) + pkAnyLen;
  if (accountNumber !== 0n) baseLen += 1 + varintLen(accountNumber);
  if (sequence !== 0n) baseLen += 1 + varintLen(sequence);
  let total = 1 + smallVarintLen(BASE_TYPE.length) + BASE_TYPE.length;
  if (baseLen > 0) total += 1 + smallVarintLen(baseLen) + baseLen;

  const out = new Uint8Array(total);
  let pos = 0;
  out[pos++] = 0x0a;
  pos = writeSmallVarint(out, pos, BASE_TYPE.length);
  out.set(BASE_TYPE, pos);
  pos += BASE_TYPE.length;
  if (baseLen === 0) return out;
  out[pos++] = 0x12;
  pos = writeSmallVarint(out, pos, baseLen);
  if (addrLen > 0) {
    out[pos++] = 0x0a;
    pos = writeSmallVarint(out, pos, addrLen);
    for (let i = 0; i < addrLen; i++) {
      const c = address.charCodeAt(i);
      if (c >= 0x80) return undefined;
      out[pos++] = c;
    }
  }
  if (pubKey) {
    out[pos++] = 0x12;
    pos = writeSmallVarint(out, pos, pkAnyLen);
    out[pos++] = 0x0a;
    pos = writeSmallVarint(out, pos, PUBKEY_TYPE.length);
    out.set(PUBKEY_TYPE, pos);
    pos += PUBKEY_TYPE.length;
    if (pkMsgLen > 0) {
      out[pos++] = 0x12;
      pos = writeSmallVarint(out, pos, pkMsgLen);
      out[pos++] = 0x0a;
      pos = writeSmallVarint(out, pos, pubKey.length);
      out.set(pubKey, pos);
      pos += pubKey.length;
    }
  }
  if (accountNumber !== 0n) {
    out[pos++] = 0x18;
    pos = writeVarint(out, pos, accountNumber);
  }
  if (sequence !== 0n) {
    out[pos++] = 0x20;
    pos = writeVarint(out, pos, sequence);
  }
  return out;
}

/** A cursor over protobuf bytes; every read returns -1 on anything unexpected. */
class Reader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** A varint below 2^49 (7 bytes), or -1. */
  small(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) return -1;
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    return -1;
  }

  /** The length of a length-delimited field, checked against the end, or -1. */
  len(): number {
    const n = this.small();
    if (n < 0 || n > this.end - this.pos) return -1;
    return n;
  }

  /** True when the next `want.length` bytes (a length-prefixed string) equal `want`. */
  bytesEqual(n: number, want: Uint8Array): boolean {
    if (n !== want.length) return false;
    for (let i = 0; i < n; i++) if (this.buf[this.pos + i] !== want[i]) return false;
    return true;
  }
}

/**
 * Read a stored `Any{BaseAccount}` written in canonical layout (fields once each, ascending, a
 * secp256k1 pubkey of 33 bytes, numbers below 2^49). `undefined` means "not this fast case": the
 * caller decodes with cosmjs-types, which also yields any error.
 */
export function decodeBaseAccountAny(bz: Uint8Array): BaseAccountFields | undefined {
  const r = new Reader(bz, 0, bz.length);
  if (bz[r.pos++] !== 0x0a) return undefined;
  let n = r.len();
  if (n < 0 || !r.bytesEqual(n, BASE_TYPE)) return undefined;
  r.pos += n;
  let pubKey: Uint8Array | undefined;
  let accountNumber = 0n;
  let sequence = 0n;
  if (r.pos === bz.length) return { pubKey, accountNumber, sequence };
  if (bz[r.pos++] !== 0x12) return undefined;
  n = r.len();
  if (n < 0 || r.pos + n !== bz.length) return undefined;
  // BaseAccount fields, each at most once and in ascending order.
  let last = 0;
  while (r.pos < bz.length) {
    const tag = bz[r.pos++]!;
    const field = tag >> 3;
    if (tag >= 0x80 || field <= last) return undefined;
    last = field;
    if (tag === 0x0a) {
      n = r.len();
      if (n < 0) return undefined;
      r.pos += n;
    } else if (tag === 0x12) {
      n = r.len();
      if (n < 0) return undefined;
      const end = r.pos + n;
      // Any{type_url = secp256k1, value = PubKey{key (33 bytes)}}
      const a = new Reader(bz, r.pos, end);
      if (a.pos >= end || bz[a.pos++] !== 0x0a) return undefined;
      const tl = a.len();
      if (tl < 0 || !a.bytesEqual(tl, PUBKEY_TYPE)) return undefined;
      a.pos += tl;
      if (a.pos >= end || bz[a.pos++] !== 0x12) return undefined;
      const vl = a.len();
      if (vl < 0 || a.pos + vl !== end) return undefined;
      if (a.pos >= end || bz[a.pos++] !== 0x0a) return undefined;
      const kl = a.len();
      if (kl !== 33 || a.pos + kl !== end) return undefined;
      pubKey = bz.slice(a.pos, end);
      r.pos = end;
    } else if (tag === 0x18) {
      const v = r.small();
      if (v < 0) return undefined;
      accountNumber = BigInt(v);
    } else if (tag === 0x20) {
      const v = r.small();
      if (v < 0) return undefined;
      sequence = BigInt(v);
    } else {
      return undefined;
    }
  }
  return r.pos === bz.length ? { pubKey, accountNumber, sequence } : undefined;
}
