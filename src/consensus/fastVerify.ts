/**
 * A fast ed25519 check for consensus with exactly the semantics of `ed25519Verify` (noble, ZIP-215,
 * cofactored equation): node's OpenSSL verifies first — a signature OpenSSL accepts (canonical
 * encodings, cofactorless equation) is always accepted by the ZIP-215 rule as well — and only what
 * OpenSSL refuses is decided by `ed25519Verify`. Positive results are remembered, so a vote checked
 * by the p2p layer before relay is not verified again by the engine, nor when it comes back as a
 * commit signature (`last_commit` of the next proposal).
 */
import { createPublicKey, type KeyObject, verify as opensslVerify } from "node:crypto";
import { ed25519Verify } from "../crypto/ed25519.js";
import type { SignatureVerifier } from "./types.js";

/** DER SubjectPublicKeyInfo prefix of a raw 32-byte ed25519 key. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Options of `createFastEd25519Verifier`. */
export interface FastVerifierOptions {
  /** Verified (pubKey, message, signature) triples remembered (default 16,384; 0 disables). */
  cacheSize?: number;
}

/**
 * A fast verifier plus `quick`, its OpenSSL-and-cache-only half: `true` is final, `false` may be a
 * false negative for exotic (non-canonical) encodings — for trying many keys before the full check.
 */
export type FastVerifier = SignatureVerifier & { quick: SignatureVerifier };

/** A `SignatureVerifier` (pubKey, message, signature) with `ed25519Verify`'s results, faster. */
export function createFastEd25519Verifier(opts: FastVerifierOptions = {}): FastVerifier {
  const max = opts.cacheSize ?? 16_384;
  const verified = new Set<string>();
  const keys = new Map<string, KeyObject | null>();
  const keyOf = (pubKey: Uint8Array): KeyObject | null => {
    const id = Buffer.from(pubKey).toString("latin1");
    let k = keys.get(id);
    if (k === undefined) {
      try {
        k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubKey]), format: "der", type: "spki" });
      } catch {
        k = null;
      }
      if (keys.size >= 1024) keys.clear();
      keys.set(id, k);
    }
    return k;
  };
  const check = (pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array, full: boolean): boolean => {
    if (signature.length !== 64 || pubKey.length !== 32) return false;
    const id = max > 0 ? Buffer.concat([signature, pubKey, message]).toString("latin1") : "";
    if (max > 0 && verified.has(id)) return true;
    let ok = false;
    const key = keyOf(pubKey);
    if (key !== null) {
      try {
        ok = opensslVerify(null, message, key, signature);
      } catch {
        ok = false;
      }
    }
    if (!ok && full) ok = ed25519Verify(signature, message, pubKey);
    if (ok && max > 0) {
      if (verified.size >= max) {
        // drop the oldest quarter (Set iterates in insertion order)
        let drop = max >> 2;
        for (const k of verified) {
          if (drop-- <= 0) break;
          verified.delete(k);
        }
      }
      verified.add(id);
    }
    return ok;
  };
  const verifier = ((pubKey, message, signature) => check(pubKey, message, signature, true)) as FastVerifier;
  verifier.quick = (pubKey, message, signature) => check(pubKey, message, signature, false);
  return verifier;
}
