/**
 * Minimal protobuf encoding for the hot path (sign docs, accounts, tx results). cosmjs-types'
 * `BinaryWriter.finish()` allocates an 8 KiB slab per call, which dominates GC at thousands of txs a
 * second; these build exact-size buffers instead. Output is byte-identical to cosmjs-types'.
 */
import { utf8 } from "../types/bytes.js";

/** Bytes of a varint. */
export function varintSize(v: bigint | number): number {
  let n = BigInt(v);
  let size = 1;
  while (n >= 0x80n) {
    n >>= 7n;
    size++;
  }
  return size;
}

/** A field encoder that sizes first, then writes into one buffer. */
export class ProtoWriter {
  private readonly parts: (Uint8Array | number[])[] = [];
  private length = 0;

  /** Append a varint. */
  varint(v: bigint | number): this {
    const out: number[] = [];
    if (typeof v === "number" && v < 0x80000000 && v >= 0) {
      let n = v;
      while (n >= 0x80) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.push(n);
    } else {
      let n = BigInt(v);
      while (n >= 0x80n) {
        out.push(Number(n & 0x7fn) | 0x80);
        n >>= 7n;
      }
      out.push(Number(n));
    }
    this.parts.push(out);
    this.length += out.length;
    return this;
  }

  /** Append raw bytes. */
  raw(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }

  /** A length-delimited field (skipped when empty, as proto3 does). */
  bytes(field: number, b: Uint8Array): this {
    if (b.length === 0) return this;
    return this.varint((field << 3) | 2)
      .varint(b.length)
      .raw(b);
  }

  /** A string field (skipped when empty). */
  string(field: number, s: string): this {
    return s === "" ? this : this.bytes(field, utf8(s));
  }

  /** A uint64 field (skipped when zero). */
  uint64(field: number, v: bigint): this {
    return v === 0n ? this : this.varint(field << 3).varint(v);
  }

  /** An embedded message field (written even when empty, as a set message field). */
  message(field: number, b: Uint8Array): this {
    return this.varint((field << 3) | 2)
      .varint(b.length)
      .raw(b);
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let pos = 0;
    for (const p of this.parts) {
      if (p instanceof Uint8Array) out.set(p, pos);
      else for (let i = 0; i < p.length; i++) out[pos + i] = p[i]!;
      pos += p.length;
    }
    return out;
  }
}

/** `SignDoc{body_bytes, auth_info_bytes, chain_id, account_number}` bytes. */
export function encodeSignDoc(
  bodyBytes: Uint8Array,
  authInfoBytes: Uint8Array,
  chainId: string,
  accountNumber: bigint,
): Uint8Array {
  // One exact-size buffer (every tx builds one): sizes first, then the fields in order.
  const chain = chainIdBytes(chainId);
  let size = 0;
  if (bodyBytes.length > 0) size += 1 + varintSize(bodyBytes.length) + bodyBytes.length;
  if (authInfoBytes.length > 0) size += 1 + varintSize(authInfoBytes.length) + authInfoBytes.length;
  if (chain.length > 0) size += 1 + varintSize(chain.length) + chain.length;
  if (accountNumber !== 0n) size += 1 + varintSize(accountNumber);
  const out = new Uint8Array(size);
  let pos = 0;
  const field = (tag: number, b: Uint8Array): void => {
    if (b.length === 0) return;
    out[pos++] = tag;
    pos = putVarint(out, pos, b.length);
    out.set(b, pos);
    pos += b.length;
  };
  field(0x0a, bodyBytes);
  field(0x12, authInfoBytes);
  field(0x1a, chain);
  if (accountNumber !== 0n) {
    out[pos++] = 0x20;
    pos = putVarint(out, pos, accountNumber);
  }
  return out;
}

let lastChainId = "";
let lastChainIdBytes: Uint8Array = new Uint8Array();

/** `utf8(chainId)`, remembering the last one (a node has one chain id). */
function chainIdBytes(chainId: string): Uint8Array {
  if (chainId !== lastChainId) {
    lastChainIdBytes = utf8(chainId);
    lastChainId = chainId;
  }
  return lastChainIdBytes;
}

/** Write `v` as a varint at `pos`; returns the position after it. */
function putVarint(out: Uint8Array, pos: number, v: bigint | number): number {
  if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
    while (v >= 0x80) {
      out[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    out[pos++] = v;
    return pos;
  }
  let n = BigInt(v);
  while (n >= 0x80n) {
    out[pos++] = Number(n & 0x7fn) | 0x80;
    n >>= 7n;
  }
  out[pos++] = Number(n);
  return pos;
}

/** `Any{type_url, value}` bytes. */
export function encodeAny(typeUrl: string, value: Uint8Array): Uint8Array {
  return new ProtoWriter().string(1, typeUrl).bytes(2, value).finish();
}

/** UTF-8 of type URLs seen (a chain has a few hundred at most; bounded all the same). */
const typeUrlBytes = new Map<string, Uint8Array>();

function typeUrlUtf8(typeUrl: string): Uint8Array {
  let b = typeUrlBytes.get(typeUrl);
  if (b === undefined) {
    b = utf8(typeUrl);
    if (typeUrlBytes.size >= 4096) typeUrlBytes.clear();
    typeUrlBytes.set(typeUrl, b);
  }
  return b;
}

/** Size of `Any{type_url, value}`'s payload (empty fields left out). */
function anySize(t: Uint8Array, value: Uint8Array): number {
  let n = 0;
  if (t.length > 0) n += 1 + varintSize(t.length) + t.length;
  if (value.length > 0) n += 1 + varintSize(value.length) + value.length;
  return n;
}

/** `TxMsgData{msg_responses: Any[]}` bytes (one exact-size buffer). */
export function encodeTxMsgData(responses: readonly { typeUrl: string; value: Uint8Array }[]): Uint8Array {
  let size = 0;
  const types: Uint8Array[] = [];
  const sizes: number[] = [];
  for (const r of responses) {
    const t = typeUrlUtf8(r.typeUrl);
    const n = anySize(t, r.value);
    types.push(t);
    sizes.push(n);
    size += 1 + varintSize(n) + n;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (let i = 0; i < responses.length; i++) {
    const t = types[i]!;
    const value = responses[i]!.value;
    out[pos++] = 0x12;
    pos = putVarint(out, pos, sizes[i]!);
    if (t.length > 0) {
      out[pos++] = 0x0a;
      pos = putVarint(out, pos, t.length);
      out.set(t, pos);
      pos += t.length;
    }
    if (value.length > 0) {
      out[pos++] = 0x12;
      pos = putVarint(out, pos, value.length);
      out.set(value, pos);
      pos += value.length;
    }
  }
  return out;
}
