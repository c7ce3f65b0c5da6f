/** Hash functions: node:crypto on the hot path. */
import { createHash } from "node:crypto";

/** SHA-256 of bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** SHA-256 over the concatenation of several byte strings, without copying them together. */
export function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RIPEMD-160 of bytes (secp256k1 address derivation). */
export function ripemd160(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("ripemd160").update(data).digest());
}
