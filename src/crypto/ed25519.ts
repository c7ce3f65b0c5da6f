/** ed25519 for consensus keys (validators and node identity), via @noble/curves. */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "./hash.js";

/** A consensus key pair: 32-byte seed (private key) and 32-byte public key. */
export interface Ed25519KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Generate a fresh key pair from the OS CSPRNG. */
export function ed25519Generate(): Ed25519KeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

/** The key pair of a 32-byte seed. */
export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  return { privateKey: seed, publicKey: ed25519.getPublicKey(seed) };
}

/** Sign a message. */
export function ed25519Sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, privateKey);
}

/** Verify a signature; malformed input returns false. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** CometBFT address of an ed25519 key: the first 20 bytes of sha256(pubkey). */
export function ed25519Address(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).slice(0, 20);
}
