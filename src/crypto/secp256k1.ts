/**
 * secp256k1 ECDSA as Cosmos uses it: 33-byte compressed public keys, 64-byte r‖s signatures over
 * sha256(message), low-S only. Verification runs through the native libsecp256k1 binding; importing
 * `secp256k1/bindings` (not the package root) makes a missing native addon fail loudly at start-up
 * instead of silently falling back to a JS implementation 25× slower.
 */
import { createRequire } from "node:module";
import type * as Secp256k1 from "secp256k1";
import { sha256 } from "./hash.js";

const require = createRequire(import.meta.url);
const native = require("secp256k1/bindings") as typeof Secp256k1;

/** Length of a compressed secp256k1 public key. */
export const SECP256K1_PUBKEY_LENGTH = 33;
/** Length of an r‖s signature. */
export const SECP256K1_SIGNATURE_LENGTH = 64;

/** True when `signature` (64-byte r‖s, low-S) by `pubKey` (33 bytes) signs sha256(`message`). */
export function secp256k1Verify(message: Uint8Array, signature: Uint8Array, pubKey: Uint8Array): boolean {
  return secp256k1VerifyDigest(sha256(message), signature, pubKey);
}

/** Verify a signature over a precomputed 32-byte digest. Malformed keys or signatures return false. */
export function secp256k1VerifyDigest(
  digest: Uint8Array,
  signature: Uint8Array,
  pubKey: Uint8Array,
): boolean {
  if (signature.length !== SECP256K1_SIGNATURE_LENGTH || pubKey.length !== SECP256K1_PUBKEY_LENGTH)
    return false;
  if (digest.length !== 32) return false;
  try {
    // The native verify rejects high-S signatures, as the SDK does.
    return native.ecdsaVerify(signature, digest, pubKey);
  } catch {
    return false;
  }
}

/** Sign sha256(`message`) with a 32-byte private key; returns the 64-byte low-S r‖s signature. */
export function secp256k1Sign(message: Uint8Array, privKey: Uint8Array): Uint8Array {
  const { signature } = native.ecdsaSign(sha256(message), privKey);
  return new Uint8Array(signature);
}

/** The 33-byte compressed public key of a private key. */
export function secp256k1PublicKey(privKey: Uint8Array): Uint8Array {
  return new Uint8Array(native.publicKeyCreate(privKey, true));
}

/** True when `key` is a valid compressed public key on the curve. */
export function secp256k1IsValidPublicKey(key: Uint8Array): boolean {
  return key.length === SECP256K1_PUBKEY_LENGTH && native.publicKeyVerify(key);
}
