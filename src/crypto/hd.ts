/**
 * BIP-39 mnemonics and BIP-32/44 hierarchical keys as Cosmos wallets derive them: English word list,
 * secp256k1, path m/44'/118'/account'/0/index, account address ripemd160(sha256(compressed pubkey)).
 */
import { HDKey } from "@scure/bip32";
import { generateMnemonic as bip39Generate, mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { CodedError } from "../types/errors.js";
import { secp256k1Address, toBech32 } from "./address.js";
import { secp256k1PublicKey } from "./secp256k1.js";

/** Codespace of HD-derivation errors. */
export const HD_CODESPACE = "hd";
/** SLIP-44 coin type of Cosmos chains (ATOM), which OpenLedger keeps for wallet compatibility. */
export const COSMOS_COIN_TYPE = 118;
/** The default number of mnemonic words. */
export const DEFAULT_MNEMONIC_WORDS = 24;
/** The chain's default account bech32 prefix. */
export const DEFAULT_ACCOUNT_PREFIX = "open";
/** Largest non-hardened BIP-32 child index (and hardened account number before the offset). */
export const MAX_HD_INDEX = 0x7fffffff;

/** Error codes of the `hd` codespace. */
export enum HdCode {
  /** The mnemonic is not a valid BIP-39 English phrase (wrong word, length or checksum). */
  InvalidMnemonic = 2,
  /** Unsupported mnemonic length requested. */
  InvalidWordCount = 3,
  /** Account or address index outside 0..2^31-1. */
  InvalidIndex = 4,
  /** Derivation produced no private key (astronomically unlikely; reported rather than crashing). */
  DerivationFailed = 5,
}

/** A derived account: secret key, compressed public key and bech32 address. */
export interface DerivedAccount {
  /** 32-byte secp256k1 private key. */
  privateKey: Uint8Array;
  /** 33-byte compressed secp256k1 public key. */
  publicKey: Uint8Array;
  /** bech32 account address with the requested prefix. */
  address: string;
  /** The HD path the key was derived at. */
  hdPath: string;
}

/** Options for derivation beyond index and prefix. */
export interface DeriveOptions {
  /** Hardened account number in m/44'/118'/account'/0/index (default 0). */
  account?: number;
  /** Optional BIP-39 passphrase ("25th word"); empty by default, as Cosmos wallets use. */
  bip39Passphrase?: string;
}

/** Generate a new random mnemonic (OS CSPRNG) of 12, 15, 18, 21 or 24 words (default 24). */
export function generateMnemonic(words: number = DEFAULT_MNEMONIC_WORDS): string {
  if (![12, 15, 18, 21, 24].includes(words)) {
    throw new CodedError(
      HD_CODESPACE,
      HdCode.InvalidWordCount,
      `mnemonic must have 12, 15, 18, 21 or 24 words, not ${words}`,
    );
  }
  return bip39Generate(english, (words / 3) * 32);
}

/** Collapse whitespace and lower-case a mnemonic typed or pasted by a person. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().toLowerCase().split(/\s+/).join(" ");
}

/** True when `mnemonic` (after normalisation) is a valid English BIP-39 phrase. */
export function isValidMnemonic(mnemonic: string): boolean {
  return validateMnemonic(normalizeMnemonic(mnemonic), english);
}

/** The Cosmos HD path string m/44'/118'/account'/0/index. */
export function hdPath(index = 0, account = 0): string {
  checkIndex(index, "address index");
  checkIndex(account, "account");
  return `m/44'/${COSMOS_COIN_TYPE}'/${account}'/0/${index}`;
}

/**
 * Derive the secp256k1 account at m/44'/118'/0'/0/`index` (or another `account`) from a mnemonic;
 * throws `hd` code 2 for an invalid mnemonic and code 4 for an out-of-range index.
 */
export function deriveAccount(
  mnemonic: string,
  index = 0,
  prefix: string = DEFAULT_ACCOUNT_PREFIX,
  options: DeriveOptions = {},
): DerivedAccount {
  const phrase = normalizeMnemonic(mnemonic);
  if (!validateMnemonic(phrase, english)) {
    throw new CodedError(
      HD_CODESPACE,
      HdCode.InvalidMnemonic,
      "invalid mnemonic: not a valid BIP-39 English phrase",
    );
  }
  const path = hdPath(index, options.account ?? 0);
  const seed = mnemonicToSeedSync(phrase, options.bip39Passphrase ?? "");
  const node = HDKey.fromMasterSeed(seed).derive(path);
  seed.fill(0);
  const privateKey = node.privateKey;
  if (privateKey === null)
    throw new CodedError(HD_CODESPACE, HdCode.DerivationFailed, `no private key at ${path}`);
  return accountFromPrivateKey(Uint8Array.from(privateKey), prefix, path);
}

/** The account (public key and address) of a raw 32-byte private key. */
export function accountFromPrivateKey(
  privateKey: Uint8Array,
  prefix: string = DEFAULT_ACCOUNT_PREFIX,
  path = "",
): DerivedAccount {
  const publicKey = secp256k1PublicKey(privateKey);
  return { privateKey, publicKey, address: toBech32(prefix, secp256k1Address(publicKey)), hdPath: path };
}

function checkIndex(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_HD_INDEX) {
    throw new CodedError(
      HD_CODESPACE,
      HdCode.InvalidIndex,
      `${what} must be an integer in 0..${MAX_HD_INDEX}, got ${n}`,
    );
  }
}
