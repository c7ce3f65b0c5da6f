/**
 * A keyring of named secp256k1 keys on disk.
 *
 * Layout: `<dir>/keyring-<backend>/` (mode 0700) holds one `<name>.json` per key (mode 0600):
 *
 *     {"version":1,"name":"alice","type":"local","algo":"secp256k1","pubkey":"<b64 33 bytes>",
 *      "address":"<hex 20 bytes>","hd_path":"m/44'/118'/0'/0/0","secret":<sealed box>}
 *
 * Backend `file` seals the 32-byte private key with the keyring password (scrypt + AES-256-GCM, see
 * `cipher.ts`), binding the public record as associated data, so names, pubkeys and addresses are
 * listable without the password yet cannot be altered undetected. A `keyhash` file (a sealed constant)
 * makes every key of one keyring share one password. Backend `test` stores `"private_key":"<hex>"`
 * unencrypted, for scripts and tests. Mnemonics are never stored: `create` returns it once.
 */
import { randomBytes } from "node:crypto";
import {
  chmod,
  link,
  mkdir,
  open as openFile,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
} from "node:fs/promises";
import { join } from "node:path";
import { fromBech32, secp256k1Address } from "../crypto/address.js";
import {
  accountFromPrivateKey,
  DEFAULT_MNEMONIC_WORDS,
  deriveAccount,
  generateMnemonic,
  normalizeMnemonic,
} from "../crypto/hd.js";
import { secp256k1IsValidPublicKey } from "../crypto/secp256k1.js";
import { equalBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../types/bytes.js";
import { CodedError } from "../types/errors.js";
import { armorPrivateKey, unarmorPrivateKey } from "./armor.js";
import { DEFAULT_SCRYPT, open, type ScryptParams, seal } from "./cipher.js";
import { KeyringCode, keyringError } from "./errors.js";
import type { PasswordProvider } from "./password.js";

/** Keyring backends: `file` (encrypted at rest) and `test` (plain, for scripts). */
export const KEYRING_BACKENDS = ["file", "test"] as const;
/** The default backend. */
export const DEFAULT_KEYRING_BACKEND: KeyringBackend = "file";
/** Valid key names: 1–64 of [A-Za-z0-9._-], starting with a letter or digit. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Version of the key file format. */
export const KEY_FILE_VERSION = 1;

const KEY_FILE_SUFFIX = ".json";
const KEYHASH_FILE = "keyhash";
const KEYHASH_AAD = utf8("openledger-keyhash-v1");
const KEYHASH_PLAINTEXT = utf8("openledger keyring password check");
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** A keyring backend name. */
export type KeyringBackend = (typeof KEYRING_BACKENDS)[number];

/** How a key came to be: derived from a mnemonic here, or imported as a raw/armored private key. */
export type KeyType = "local" | "imported";

/** The public facts of a key: everything but the secret. */
export interface KeyInfo {
  name: string;
  type: KeyType;
  algo: "secp256k1";
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
  /** 20-byte account address. */
  address: Uint8Array;
  /** HD path for `local` keys; empty for imported ones. */
  hdPath: string;
}

/** A key with its private key, after unlocking. */
export interface UnlockedKey extends KeyInfo {
  privateKey: Uint8Array;
}

/** Options to open a keyring. */
export interface KeyringOptions {
  /** Base directory (the node home or `--keyring-dir`); keys live in `<dir>/keyring-<backend>/`. */
  dir: string;
  backend: KeyringBackend;
  /** Where the password comes from (file backend only). */
  password?: PasswordProvider;
  /** scrypt parameters for new secrets (tests may lower N to 2^14). */
  scrypt?: ScryptParams;
}

/** Options to create a key. */
export interface CreateKeyOptions {
  /** Recover from this mnemonic instead of generating one. */
  mnemonic?: string;
  /** Number of words of a generated mnemonic (default 24). */
  words?: number;
  /** Address index i in m/44'/118'/account'/0/i. */
  index?: number;
  /** Hardened account number. */
  account?: number;
  /** BIP-39 passphrase. */
  bip39Passphrase?: string;
}

interface KeyFile {
  version: number;
  name: string;
  type: KeyType;
  algo: "secp256k1";
  pubkey: string;
  address: string;
  hd_path: string;
  secret?: unknown;
  private_key?: string;
}

/** A directory of named keys; see the module comment for the format. */
export class Keyring {
  /** The directory holding the key files. */
  readonly path: string;
  private readonly backend: KeyringBackend;
  private readonly passwordProvider: PasswordProvider | undefined;
  private readonly scrypt: ScryptParams;
  private cachedPassword: string | undefined;

  /** Open (lazily: nothing is created until a key is written) the keyring under `options.dir`. */
  constructor(options: KeyringOptions) {
    if (!(KEYRING_BACKENDS as readonly string[]).includes(options.backend)) {
      throw keyringError(
        KeyringCode.InvalidBackend,
        `unknown keyring backend ${JSON.stringify(options.backend)}`,
      );
    }
    this.backend = options.backend;
    this.path = join(options.dir, `keyring-${options.backend}`);
    this.passwordProvider = options.password;
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
  }

  /** All keys, sorted by name; a corrupted key file fails with `keyring` code 6. */
  async list(): Promise<KeyInfo[]> {
    const names = await this.names();
    const out: KeyInfo[] = [];
    for (const name of names) out.push(await this.get(name));
    return out;
  }

  /** The key called `name`; `keyring` code 4 when absent, 6 when its file is corrupted. */
  async get(name: string): Promise<KeyInfo> {
    return toInfo(await this.readKeyFile(name));
  }

  /** The key with this name, or else with this bech32 address (any prefix). */
  async find(nameOrAddress: string): Promise<KeyInfo> {
    if (KEY_NAME_PATTERN.test(nameOrAddress) && (await this.exists(nameOrAddress)))
      return this.get(nameOrAddress);
    let address: Uint8Array | undefined;
    try {
      address = fromBech32(nameOrAddress).data;
    } catch {
      address = undefined;
    }
    if (address !== undefined) {
      for (const k of await this.list()) if (equalBytes(k.address, address)) return k;
    }
    throw keyringError(KeyringCode.KeyNotFound, `key ${JSON.stringify(nameOrAddress)} not found`);
  }

  /** True when a key file for `name` exists. */
  async exists(name: string): Promise<boolean> {
    validateKeyName(name);
    try {
      await stat(this.keyPath(name));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Create a key from a new random mnemonic (returned once, never stored) or recover one from
   * `options.mnemonic`. Fails with code 3 when the name or the address already exists.
   */
  async create(name: string, options: CreateKeyOptions = {}): Promise<{ info: KeyInfo; mnemonic: string }> {
    validateKeyName(name);
    const mnemonic =
      options.mnemonic !== undefined
        ? normalizeMnemonic(options.mnemonic)
        : generateMnemonic(options.words ?? DEFAULT_MNEMONIC_WORDS);
    const derived = deriveAccount(mnemonic, options.index ?? 0, "open", {
      account: options.account ?? 0,
      bip39Passphrase: options.bip39Passphrase ?? "",
    });
    const info = await this.store(name, "local", derived.privateKey, derived.publicKey, derived.hdPath);
    derived.privateKey.fill(0);
    return { info, mnemonic };
  }

  /** Add a raw 32-byte private key under `name` (type `imported`). */
  async importPrivateKey(name: string, privateKey: Uint8Array): Promise<KeyInfo> {
    validateKeyName(name);
    const publicKey = publicKeyOf(privateKey);
    return this.store(name, "imported", privateKey, publicKey, "");
  }

  /** Decrypt an armored export with `passphrase` and add it under `name`. */
  async importArmor(name: string, armor: string, passphrase: string): Promise<KeyInfo> {
    validateKeyName(name);
    if (await this.exists(name))
      throw keyringError(KeyringCode.KeyExists, `key ${JSON.stringify(name)} already exists`);
    const privateKey = await unarmorPrivateKey(armor, passphrase);
    try {
      return await this.importPrivateKey(name, privateKey);
    } finally {
      privateKey.fill(0);
    }
  }

  /** Export the private key of `name`, encrypted under `passphrase`, in the armor format of `armor.ts`. */
  async exportArmor(name: string, passphrase: string): Promise<string> {
    const key = await this.unlock(name);
    try {
      return await armorPrivateKey(key.privateKey, passphrase, this.scrypt);
    } finally {
      key.privateKey.fill(0);
    }
  }

  /** Decrypt the key called `name` (asks for the password on the file backend). */
  async unlock(name: string): Promise<UnlockedKey> {
    const file = await this.readKeyFile(name);
    const info = toInfo(file);
    let privateKey: Uint8Array;
    if (this.backend === "test") {
      privateKey = parsePlainKey(file.private_key, name);
    } else {
      const password = await this.password(false);
      privateKey = await open(file.secret, password, recordAad(file), `key ${JSON.stringify(name)}`);
      this.cachedPassword = password;
    }
    if (privateKey.length !== 32 || !equalBytes(publicKeyOf(privateKey, name), info.publicKey)) {
      throw keyringError(
        KeyringCode.CorruptKeyFile,
        `key file of ${JSON.stringify(name)}: private key does not match pubkey`,
      );
    }
    return { ...info, privateKey };
  }

  /** Delete the key called `name` (even when its file is corrupted); code 4 when absent. */
  async delete(name: string): Promise<void> {
    validateKeyName(name);
    try {
      await unlink(this.keyPath(name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw keyringError(KeyringCode.KeyNotFound, `key ${JSON.stringify(name)} not found`);
      }
      throw ioError("delete key", e);
    }
  }

  private async store(
    name: string,
    type: KeyType,
    privateKey: Uint8Array,
    publicKey: Uint8Array,
    hdPath: string,
  ): Promise<KeyInfo> {
    if (await this.exists(name))
      throw keyringError(KeyringCode.KeyExists, `key ${JSON.stringify(name)} already exists`);
    const address = secp256k1Address(publicKey);
    for (const k of await this.list()) {
      if (equalBytes(k.address, address)) {
        throw keyringError(
          KeyringCode.KeyExists,
          `this key is already in the keyring as ${JSON.stringify(k.name)}`,
        );
      }
    }
    const file: KeyFile = {
      version: KEY_FILE_VERSION,
      name,
      type,
      algo: "secp256k1",
      pubkey: toBase64(publicKey),
      address: toHex(address),
      hd_path: hdPath,
    };
    if (this.backend === "test") {
      file.private_key = toHex(privateKey);
    } else {
      const password = await this.passwordForWrite();
      file.secret = await seal(privateKey, password, recordAad(file), this.scrypt);
    }
    await this.ensureDir();
    await writeNewFile(this.keyPath(name), `${JSON.stringify(file, null, 2)}\n`);
    return toInfo(file);
  }

  /** The keyring password for writing: checked against `keyhash`, or set (and `keyhash` written) on first use. */
  private async passwordForWrite(): Promise<string> {
    const hashPath = join(this.path, KEYHASH_FILE);
    let existing: string | undefined;
    try {
      existing = await readFile(hashPath, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw ioError("read keyhash", e);
    }
    if (existing === undefined) {
      const password = await this.password(true);
      const box = await seal(KEYHASH_PLAINTEXT, password, KEYHASH_AAD, this.scrypt);
      await this.ensureDir();
      await writeNewFile(hashPath, `${JSON.stringify(box)}\n`);
      this.cachedPassword = password;
      return password;
    }
    let box: unknown;
    try {
      box = JSON.parse(existing);
    } catch {
      throw keyringError(KeyringCode.CorruptKeyFile, `corrupted keyring password check file ${hashPath}`);
    }
    const password = await this.password(false);
    const plain = await open(box, password, KEYHASH_AAD, "keyring password check");
    if (!equalBytes(plain, KEYHASH_PLAINTEXT)) {
      throw keyringError(KeyringCode.CorruptKeyFile, `corrupted keyring password check file ${hashPath}`);
    }
    this.cachedPassword = password;
    return password;
  }

  private async password(isNew: boolean): Promise<string> {
    if (this.cachedPassword !== undefined) return this.cachedPassword;
    if (this.passwordProvider === undefined) {
      throw keyringError(KeyringCode.PasswordRequired, "the file keyring backend needs a password");
    }
    return this.passwordProvider({ isNew, purpose: "keyring" });
  }

  private async names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw ioError("list keyring", e);
    }
    return entries
      .filter((f) => f.endsWith(KEY_FILE_SUFFIX))
      .map((f) => f.slice(0, -KEY_FILE_SUFFIX.length))
      .filter((n) => KEY_NAME_PATTERN.test(n))
      .sort();
  }

  private keyPath(name: string): string {
    return join(this.path, `${name}${KEY_FILE_SUFFIX}`);
  }

  private async readKeyFile(name: string): Promise<KeyFile> {
    validateKeyName(name);
    const path = this.keyPath(name);
    let text: string;
    try {
      const st = await stat(path);
      if (st.size > MAX_KEY_FILE_BYTES)
        throw keyringError(KeyringCode.CorruptKeyFile, `key file ${path} is too large`);
      text = await readFile(path, "utf8");
    } catch (e) {
      if (e instanceof CodedError) throw e;
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw keyringError(KeyringCode.KeyNotFound, `key ${JSON.stringify(name)} not found`);
      }
      throw ioError("read key", e);
    }
    return parseKeyFile(text, name, this.backend);
  }

  private async ensureDir(): Promise<void> {
    try {
      await mkdir(this.path, { recursive: true, mode: 0o700 });
      await chmod(this.path, 0o700);
    } catch (e) {
      throw ioError("create keyring directory", e);
    }
  }
}

/** Throw `keyring` code 2 unless `name` matches KEY_NAME_PATTERN. */
export function validateKeyName(name: string): void {
  if (!KEY_NAME_PATTERN.test(name)) {
    throw keyringError(
      KeyringCode.InvalidName,
      `invalid key name ${JSON.stringify(name.slice(0, 80))}: use 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit`,
    );
  }
}

/** Parse a backend name; `keyring` code 10 when unknown. */
export function parseKeyringBackend(s: string): KeyringBackend {
  if ((KEYRING_BACKENDS as readonly string[]).includes(s)) return s as KeyringBackend;
  throw keyringError(
    KeyringCode.InvalidBackend,
    `unknown keyring backend ${JSON.stringify(s)}; use file or test`,
  );
}

function recordAad(f: KeyFile): Uint8Array {
  return utf8(["openledger-key-v1", f.name, f.type, f.algo, f.pubkey, f.address, f.hd_path].join("\n"));
}

function toInfo(f: KeyFile): KeyInfo {
  return {
    name: f.name,
    type: f.type,
    algo: "secp256k1",
    publicKey: fromBase64(f.pubkey),
    address: fromHex(f.address),
    hdPath: f.hd_path,
  };
}

function publicKeyOf(privateKey: Uint8Array, name?: string): Uint8Array {
  try {
    if (privateKey.length !== 32) throw new Error("length");
    return accountFromPrivateKey(privateKey).publicKey;
  } catch {
    if (name !== undefined) {
      throw keyringError(
        KeyringCode.CorruptKeyFile,
        `key file of ${JSON.stringify(name)} holds an invalid private key`,
      );
    }
    throw keyringError(KeyringCode.InvalidPrivateKey, "not a valid 32-byte secp256k1 private key");
  }
}

function parsePlainKey(hex: unknown, name: string): Uint8Array {
  try {
    if (typeof hex !== "string") throw new Error("missing");
    const b = fromHex(hex);
    if (b.length !== 32) throw new Error("length");
    return b;
  } catch {
    throw keyringError(KeyringCode.CorruptKeyFile, `key file of ${JSON.stringify(name)}: bad private_key`);
  }
}

function parseKeyFile(text: string, name: string, backend: KeyringBackend): KeyFile {
  const bad = (why: string) =>
    keyringError(KeyringCode.CorruptKeyFile, `corrupted key file of ${JSON.stringify(name)}: ${why}`);
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw bad("not an object");
  const r = o as Record<string, unknown>;
  if (r["version"] !== KEY_FILE_VERSION) throw bad(`unsupported version ${String(r["version"])}`);
  if (r["name"] !== name) throw bad("name does not match file name");
  if (r["type"] !== "local" && r["type"] !== "imported") throw bad("bad type");
  if (r["algo"] !== "secp256k1") throw bad("unsupported algo");
  if (typeof r["hd_path"] !== "string") throw bad("bad hd_path");
  let pubkey: Uint8Array;
  let address: Uint8Array;
  try {
    pubkey = fromBase64(String(r["pubkey"]));
    address = fromHex(String(r["address"]));
  } catch {
    throw bad("bad pubkey or address encoding");
  }
  if (!secp256k1IsValidPublicKey(pubkey)) throw bad("invalid pubkey");
  if (!equalBytes(secp256k1Address(pubkey), address)) throw bad("address does not match pubkey");
  if (backend === "file" && (typeof r["secret"] !== "object" || r["secret"] === null))
    throw bad("missing secret");
  if (backend === "test" && typeof r["private_key"] !== "string") throw bad("missing private_key");
  return r as unknown as KeyFile;
}

function ioError(what: string, e: unknown): CodedError {
  return keyringError(KeyringCode.Io, `${what}: ${(e as Error).message}`);
}

/** Write a new 0600 file atomically without replacing an existing one (temp file, fsync, link). */
async function writeNewFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    const fh = await openFile(tmp, "wx", 0o600);
    try {
      await fh.writeFile(content, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, 0o600);
    try {
      await link(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") {
        throw keyringError(KeyringCode.KeyExists, `${path} already exists`);
      }
      // Filesystems without hard links: fall back to rename (we checked existence just before).
      await rename(tmp, path);
    }
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw ioError("write key file", e);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
