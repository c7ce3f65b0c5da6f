/**
 * Armored, passphrase-encrypted export of a private key (`keys export` / `keys import`).
 *
 * Format (ASCII, one header per line, a blank line, then the base64 ciphertext wrapped at 64 columns):
 *
 *     -----BEGIN OPENLEDGER PRIVATE KEY-----
 *     version: 1
 *     type: secp256k1
 *     kdf: scrypt
 *     n: 32768
 *     r: 8
 *     p: 1
 *     salt: <base64, 16 bytes>
 *     nonce: <base64, 12 bytes>
 *     tag: <base64, 16 bytes>
 *
 *     <base64 of AES-256-GCM ciphertext of the 32-byte private key>
 *     -----END OPENLEDGER PRIVATE KEY-----
 *
 * The key is scrypt(passphrase NFKC, salt, N, r, p) → 32 bytes; the associated data is the UTF-8 string
 * `openledger-armor-v1:secp256k1`. Only the private key travels (as with the SDK's `keys export`), never
 * the mnemonic; an imported key therefore has no mnemonic and type `imported`.
 */
import { utf8 } from "../types/bytes.js";
import { DEFAULT_SCRYPT, open, parseSealedBox, type ScryptParams, seal } from "./cipher.js";
import { KeyringCode, keyringError } from "./errors.js";

/** First line of an armored key. */
export const ARMOR_BEGIN = "-----BEGIN OPENLEDGER PRIVATE KEY-----";
/** Last line of an armored key. */
export const ARMOR_END = "-----END OPENLEDGER PRIVATE KEY-----";
/** The armor format version this code writes and reads. */
export const ARMOR_VERSION = "1";

const ARMOR_AAD = utf8("openledger-armor-v1:secp256k1");

/** Encrypt a 32-byte secp256k1 private key under `passphrase` and armor it. */
export async function armorPrivateKey(
  privateKey: Uint8Array,
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const box = await seal(privateKey, passphrase, ARMOR_AAD, params);
  const body = box.ciphertext.match(/.{1,64}/g) ?? [];
  return [
    ARMOR_BEGIN,
    `version: ${ARMOR_VERSION}`,
    "type: secp256k1",
    `kdf: ${box.kdf}`,
    `n: ${box.n}`,
    `r: ${box.r}`,
    `p: ${box.p}`,
    `salt: ${box.salt}`,
    `nonce: ${box.nonce}`,
    `tag: ${box.tag}`,
    "",
    ...body,
    ARMOR_END,
    "",
  ].join("\n");
}

/**
 * Decrypt an armored private key; throws `keyring` code 8 for malformed armor, code 5 for a wrong
 * passphrase.
 */
export async function unarmorPrivateKey(armor: string, passphrase: string): Promise<Uint8Array> {
  const bad = (why: string) => keyringError(KeyringCode.InvalidArmor, `invalid armored key: ${why}`);
  const lines = armor
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trim());
  const begin = lines.indexOf(ARMOR_BEGIN);
  const end = lines.indexOf(ARMOR_END);
  if (begin < 0 || end < 0 || end <= begin) throw bad("missing BEGIN/END lines");
  const inner = lines.slice(begin + 1, end);
  const blank = inner.indexOf("");
  if (blank < 0) throw bad("missing blank line after headers");
  const headers = new Map<string, string>();
  for (const line of inner.slice(0, blank)) {
    const i = line.indexOf(":");
    if (i <= 0) throw bad(`malformed header line ${JSON.stringify(line.slice(0, 40))}`);
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  if (headers.get("version") !== ARMOR_VERSION) throw bad(`unsupported version ${headers.get("version")}`);
  if (headers.get("type") !== "secp256k1") throw bad(`unsupported key type ${headers.get("type")}`);
  const num = (k: string): number => {
    const v = headers.get(k) ?? "";
    if (!/^[0-9]{1,8}$/.test(v)) throw bad(`header ${k} is not a number`);
    return Number(v);
  };
  const candidate = {
    kdf: headers.get("kdf"),
    cipher: "aes-256-gcm",
    n: num("n"),
    r: num("r"),
    p: num("p"),
    salt: headers.get("salt"),
    nonce: headers.get("nonce"),
    tag: headers.get("tag"),
    ciphertext: inner.slice(blank + 1).join(""),
  };
  let box: ReturnType<typeof parseSealedBox>;
  try {
    box = parseSealedBox(candidate, "armored key");
  } catch (e) {
    throw bad((e as Error).message);
  }
  const key = await open(box, passphrase, ARMOR_AAD, "armored key");
  if (key.length !== 32) throw bad("payload is not a 32-byte private key");
  return key;
}
