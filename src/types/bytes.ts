/** Byte helpers shared by every layer: hex, base64, utf8, comparison, concatenation. */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 encode a string. */
export function utf8(s: string): Uint8Array {
  return textEncoder.encode(s);
}

/** UTF-8 decode bytes; throws on invalid UTF-8. */
export function fromUtf8(b: Uint8Array): string {
  return textDecoder.decode(b);
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Upper-case hex of bytes, as CometBFT prints hashes and addresses. */
export function toHexUpper(b: Uint8Array): string {
  return toHex(b).toUpperCase();
}

/** Parse hex (either case, optional 0x); throws on malformed input. */
export function fromHex(s: string): Uint8Array {
  const h = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`invalid hex string`);
  return new Uint8Array(Buffer.from(h, "hex"));
}

/** Standard base64 of bytes. */
export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/** Parse standard base64; throws on malformed input. */
export function fromBase64(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error("invalid base64 string");
  // Decode straight into an exactly sized array of its own (no pooled Buffer slice, no second copy).
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(s, "base64");
  return out;
}

/** Lexicographic comparison of byte strings: <0, 0, >0. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** True when two byte strings are equal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Concatenate byte strings. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Big-endian 8-byte encoding of a non-negative integer (keys that sort by number). */
export function uint64BE(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** Read a big-endian 8-byte integer. */
export function readUint64BE(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}

/**
 * The smallest key strictly greater than every key with this prefix, for exclusive range ends;
 * undefined when the prefix is all 0xff (no upper bound).
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.slice(0, i + 1);
    }
  }
  return undefined;
}
