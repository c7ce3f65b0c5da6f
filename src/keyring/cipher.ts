/**
 * Password-based authenticated encryption for keys at rest and exported keys: scrypt (N = 2^15, r = 8,
 * p = 1 by default) derives a 256-bit key from the password and a random 16-byte salt; AES-256-GCM with a
 * random 12-byte nonce seals the secret, binding caller-supplied associated data (the key's public record),
 * so a wrong password and any tampering both fail the tag check.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { fromBase64, toBase64 } from "../types/bytes.js";
import { KeyringCode, keyringError } from "./errors.js";

/** Default scrypt cost N (2^15). */
export const SCRYPT_N = 1 << 15;
/** Default scrypt block size r. */
export const SCRYPT_R = 8;
/** Default scrypt parallelism p. */
export const SCRYPT_P = 1;
/** Smallest N accepted when reading sealed data (weaker files are rejected, not silently trusted). */
export const SCRYPT_MIN_N = 1 << 14;
/** Largest N accepted when reading sealed data (caps memory a crafted file can make us spend). */
export const SCRYPT_MAX_N = 1 << 20;
/** Cap on scrypt memory 128·N·r accepted when reading sealed data: 256 MiB. */
export const SCRYPT_MAX_MEM = 256 * 1024 * 1024;

const SALT_LENGTH = 16;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;

/** A sealed secret as stored in JSON: all byte fields base64. */
export interface SealedBox {
  kdf: "scrypt";
  n: number;
  r: number;
  p: number;
  salt: string;
  cipher: "aes-256-gcm";
  nonce: string;
  ciphertext: string;
  tag: string;
}

/** scrypt parameters; tests may lower N for speed, never below SCRYPT_MIN_N. */
export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** The default scrypt parameters. */
export const DEFAULT_SCRYPT: ScryptParams = { n: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P };

/** Encrypt `plaintext` under `password`, authenticating `aad` too. */
export async function seal(
  plaintext: Uint8Array,
  password: string,
  aad: Uint8Array = new Uint8Array(0),
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<SealedBox> {
  checkParams(params);
  const salt = new Uint8Array(randomBytes(SALT_LENGTH));
  const nonce = new Uint8Array(randomBytes(NONCE_LENGTH));
  const key = await deriveKey(password, salt, params);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  key.fill(0);
  return {
    kdf: "scrypt",
    n: params.n,
    r: params.r,
    p: params.p,
    salt: toBase64(salt),
    cipher: "aes-256-gcm",
    nonce: toBase64(nonce),
    ciphertext: toBase64(ciphertext),
    tag: toBase64(tag),
  };
}

/**
 * Decrypt a sealed box; throws `keyring` code 5 (wrong password) when the tag fails and code 6 when the
 * box itself is malformed. `what` names the thing for error messages.
 */
export async function open(
  box: unknown,
  password: string,
  aad: Uint8Array = new Uint8Array(0),
  what = "key",
): Promise<Uint8Array> {
  const b = parseSealedBox(box, what);
  const salt = fromBase64(b.salt);
  const nonce = fromBase64(b.nonce);
  const tag = fromBase64(b.tag);
  const key = await deriveKey(password, salt, b);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const out = Buffer.concat([decipher.update(fromBase64(b.ciphertext)), decipher.final()]);
    return new Uint8Array(out);
  } catch {
    throw keyringError(KeyringCode.WrongPassword, `cannot decrypt ${what}: wrong password or altered data`);
  }
}

/** Validate the shape and bounds of a sealed box read from disk; throws `keyring` code 6 otherwise. */
export function parseSealedBox(box: unknown, what = "key"): SealedBox {
  const bad = (why: string) => keyringError(KeyringCode.CorruptKeyFile, `corrupted ${what}: ${why}`);
  if (typeof box !== "object" || box === null) throw bad("sealed data is not an object");
  const o = box as Record<string, unknown>;
  if (o["kdf"] !== "scrypt") throw bad("unsupported kdf");
  if (o["cipher"] !== "aes-256-gcm") throw bad("unsupported cipher");
  for (const f of ["n", "r", "p"]) {
    if (typeof o[f] !== "number" || !Number.isSafeInteger(o[f])) throw bad(`scrypt ${f} is not an integer`);
  }
  const params = { n: o["n"] as number, r: o["r"] as number, p: o["p"] as number };
  try {
    checkParams(params);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const lengths: Record<string, number | undefined> = {
    salt: SALT_LENGTH,
    nonce: NONCE_LENGTH,
    tag: TAG_LENGTH,
    ciphertext: undefined,
  };
  for (const [f, len] of Object.entries(lengths)) {
    const v = o[f];
    if (typeof v !== "string") throw bad(`${f} missing`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(v);
    } catch {
      throw bad(`${f} is not base64`);
    }
    if (len !== undefined && bytes.length !== len) throw bad(`${f} must be ${len} bytes`);
  }
  return {
    kdf: "scrypt",
    cipher: "aes-256-gcm",
    ...params,
    salt: o["salt"] as string,
    nonce: o["nonce"] as string,
    ciphertext: o["ciphertext"] as string,
    tag: o["tag"] as string,
  };
}

function checkParams(p: ScryptParams): void {
  const powerOfTwo = p.n > 1 && (p.n & (p.n - 1)) === 0;
  if (!powerOfTwo || p.n < SCRYPT_MIN_N || p.n > SCRYPT_MAX_N) {
    throw keyringError(
      KeyringCode.CorruptKeyFile,
      `scrypt N must be a power of two in ${SCRYPT_MIN_N}..${SCRYPT_MAX_N}`,
    );
  }
  if (p.r < 1 || p.r > 32 || p.p < 1 || p.p > 16 || 128 * p.n * p.r > SCRYPT_MAX_MEM) {
    throw keyringError(KeyringCode.CorruptKeyFile, "scrypt r/p out of range");
  }
}

function deriveKey(password: string, salt: Uint8Array, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N: p.n, r: p.r, p: p.p, maxmem: 2 * 128 * p.n * p.r + 1024 * 1024 },
      (err, key) => {
        if (err) reject(keyringError(KeyringCode.Io, `scrypt failed: ${err.message}`));
        else resolve(key);
      },
    );
  });
}
