/** The auth keeper: the only code that touches auth's store (accounts, account numbers, params). */
import { BaseAccount, ModuleAccount, Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { encodeAny, ProtoWriter } from "../../app/protoWriter.js";
import type { Context } from "../../app/types.js";
import type { KVReader } from "../../store/types.js";
import { equalBytes, readUint64BE, uint64BE, utf8 } from "../../types/bytes.js";
import { decodeBaseAccountAny, encodeBaseAccountAny } from "./accountCodec.js";
import { invalidAccount } from "./errors.js";
import {
  ACCOUNT_NUMBER_PREFIX,
  ACCOUNT_PREFIX,
  accountKey,
  BASE_ACCOUNT_TYPE,
  GLOBAL_ACCOUNT_NUMBER_KEY,
  MODULE_ACCOUNT_TYPE,
  PARAMS_KEY,
  SECP256K1_PUBKEY_TYPE,
  STORE_PREFIX,
  storeAccountKey,
} from "./keys.js";
import { defaultAuthParams } from "./params.js";

/** An account as the app handles it. */
export interface Account {
  /** 20-byte (or 32-byte) address. */
  address: Uint8Array;
  /** 33-byte compressed secp256k1 key, once known. */
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
  /** Set for module accounts. */
  module?: { name: string; permissions: string[] };
}

/**
 * Encode an account as the stored `Any` (hand-rolled: this runs for every tx). `bech32`, when the
 * caller has it, is the address's bech32 form under `prefix`.
 */
export function encodeAccount(acc: Account, prefix: string, bech32?: string): Uint8Array {
  if (!acc.module) {
    const fast = encodeBaseAccountAny(
      bech32 ?? bech32Of(prefix, acc.address),
      acc.pubKey,
      acc.accountNumber,
      acc.sequence,
    );
    if (fast) return fast;
  }
  const base = new ProtoWriter().string(1, bech32Of(prefix, acc.address));
  if (acc.pubKey)
    base.message(2, encodeAny(SECP256K1_PUBKEY_TYPE, new ProtoWriter().bytes(1, acc.pubKey).finish()));
  base.uint64(3, acc.accountNumber).uint64(4, acc.sequence);
  const baseBytes = base.finish();
  if (acc.module) {
    const m = new ProtoWriter().message(1, baseBytes).string(2, acc.module.name);
    for (const p of acc.module.permissions) m.bytes(3, utf8(p));
    return encodeAny(MODULE_ACCOUNT_TYPE, m.finish());
  }
  return encodeAny(BASE_ACCOUNT_TYPE, baseBytes);
}

/** An account as `Any(BaseAccount | ModuleAccount)`. */
export function accountToAny(acc: Account, prefix: string): Any {
  const base: BaseAccount = {
    address: bech32Of(prefix, acc.address),
    pubKey: acc.pubKey
      ? { typeUrl: SECP256K1_PUBKEY_TYPE, value: PubKey.encode({ key: acc.pubKey }).finish() }
      : undefined,
    accountNumber: acc.accountNumber,
    sequence: acc.sequence,
  };
  if (acc.module) {
    const m: ModuleAccount = {
      baseAccount: base,
      name: acc.module.name,
      permissions: acc.module.permissions,
    };
    return { typeUrl: MODULE_ACCOUNT_TYPE, value: ModuleAccount.encode(m).finish() };
  }
  return { typeUrl: BASE_ACCOUNT_TYPE, value: BaseAccount.encode(base).finish() };
}

/** Decode a public key `Any`; only secp256k1 is supported. Throws a coded error otherwise. */
export function decodePubKeyAny(any: Any): Uint8Array {
  if (any.typeUrl !== SECP256K1_PUBKEY_TYPE)
    throw invalidAccount(`unsupported public key type ${any.typeUrl.slice(0, 100)}`);
  const v = any.value;
  // The usual `PubKey{key: 33 bytes}` (0x0a 0x21 ‖ key): the same view cosmjs-types' decoder returns.
  if (v.length === 35 && v[0] === 0x0a && v[1] === 33) return v.subarray(2);
  const key = PubKey.decode(v).key;
  if (key.length !== 33) throw invalidAccount(`invalid secp256k1 public key length ${key.length}`);
  return key;
}

/** Decode stored account bytes (`Any`) at a known address; throws on malformed bytes. */
export function decodeAccount(bz: Uint8Array, address: Uint8Array): Account {
  const fast = decodeBaseAccountAny(bz);
  if (fast)
    return { address, pubKey: fast.pubKey, accountNumber: fast.accountNumber, sequence: fast.sequence };
  return accountFromAny(Any.decode(bz), address);
}

/** Decode a stored account `Any` at a known address. */
export function accountFromAny(any: Any, address: Uint8Array): Account {
  let base: BaseAccount | undefined;
  let module: Account["module"];
  if (any.typeUrl === BASE_ACCOUNT_TYPE) {
    base = BaseAccount.decode(any.value);
  } else if (any.typeUrl === MODULE_ACCOUNT_TYPE) {
    const m = ModuleAccount.decode(any.value);
    base = m.baseAccount;
    module = { name: m.name, permissions: m.permissions };
  }
  if (!base) throw invalidAccount(`unsupported account type ${any.typeUrl.slice(0, 100)}`);
  const acc: Account = {
    address,
    pubKey: base.pubKey ? decodePubKeyAny(base.pubKey) : undefined,
    accountNumber: base.accountNumber,
    sequence: base.sequence,
  };
  if (module) acc.module = module;
  return acc;
}

/** Accounts, account numbers and params. */
export class AuthKeeper {
  /** Module account permissions by name, from the app's module list. */
  private readonly permissions = new Map<string, string[]>();
  /** The last params bytes decoded, and what they decoded to. */
  private paramsMemo: { bytes: Uint8Array; params: Params } | undefined;

  /** Declare a module account and its permissions. */
  addModuleAccountPermissions(name: string, permissions: readonly string[]): void {
    this.permissions.set(name, [...permissions]);
  }

  /** Names of every declared module account, sorted. */
  moduleAccountNames(): string[] {
    return [...this.permissions.keys()].sort();
  }

  /** Declared permissions of a module account, or undefined. */
  moduleAccountPermissions(name: string): string[] | undefined {
    return this.permissions.get(name);
  }

  /** The account at `address`, or undefined. */
  getAccount(ctx: Context, address: Uint8Array): Account | undefined {
    // Straight to the app store with the prefixed key (what `ctx.kv(STORE_PREFIX)` would build).
    const bz = ctx.store.get(storeAccountKey(address));
    if (bz === undefined) return undefined;
    return decodeAccount(bz, address);
  }

  /** Read an account from an auth-prefixed reader (also used by queries). */
  readAccount(store: KVReader, address: Uint8Array): Account | undefined {
    const bz = store.get(accountKey(address));
    if (bz === undefined) return undefined;
    return decodeAccount(bz, address);
  }

  /** True when an account exists. */
  hasAccount(ctx: Context, address: Uint8Array): boolean {
    return ctx.store.has(storeAccountKey(address));
  }

  /** Store an account; `bech32`, when the caller has it, is its address's bech32 form. */
  setAccount(ctx: Context, acc: Account, bech32?: string): void {
    ctx.store.set(storeAccountKey(acc.address), encodeAccount(acc, ctx.chain.bech32Prefix, bech32));
  }

  /** Store an account written for the first time, with its account-number index entry. */
  private setNewAccount(ctx: Context, acc: Account): void {
    this.setAccount(ctx, acc);
    const k = new Uint8Array(9);
    k[0] = ACCOUNT_NUMBER_PREFIX;
    k.set(uint64BE(acc.accountNumber), 1);
    ctx.kv(STORE_PREFIX).set(k, acc.address);
  }

  /** Create and store a new base account with the next account number. */
  createAccount(ctx: Context, address: Uint8Array): Account {
    const acc: Account = {
      address,
      pubKey: undefined,
      accountNumber: this.nextAccountNumber(ctx),
      sequence: 0n,
    };
    this.setNewAccount(ctx, acc);
    return acc;
  }

  /** Store an account imported from genesis, keeping its number. */
  importAccount(ctx: Context, acc: Account): void {
    this.setNewAccount(ctx, acc);
  }

  /** Take the next global account number. */
  nextAccountNumber(ctx: Context): bigint {
    const store = ctx.kv(STORE_PREFIX);
    const bz = store.get(GLOBAL_ACCOUNT_NUMBER_KEY);
    const n = bz === undefined ? 0n : readUint64BE(bz);
    store.set(GLOBAL_ACCOUNT_NUMBER_KEY, uint64BE(n + 1n));
    return n;
  }

  /** Peek the next account number without taking it. */
  peekAccountNumber(ctx: Context): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(GLOBAL_ACCOUNT_NUMBER_KEY);
    return bz === undefined ? 0n : readUint64BE(bz);
  }

  /** Set the next account number (genesis). */
  setNextAccountNumber(ctx: Context, n: bigint): void {
    ctx.kv(STORE_PREFIX).set(GLOBAL_ACCOUNT_NUMBER_KEY, uint64BE(n));
  }

  /** The address stored for an account number, or undefined. */
  addressByNumber(store: KVReader, n: bigint): Uint8Array | undefined {
    const k = new Uint8Array(9);
    k[0] = ACCOUNT_NUMBER_PREFIX;
    k.set(uint64BE(n), 1);
    return store.get(k);
  }

  /** The module account `name`, created when missing (as the SDK's `GetModuleAccount`). */
  getModuleAccount(ctx: Context, name: string): Account {
    const address = moduleAddressOf(name);
    const existing = this.getAccount(ctx, address);
    if (existing) return existing;
    const acc: Account = {
      address,
      pubKey: undefined,
      accountNumber: this.nextAccountNumber(ctx),
      sequence: 0n,
      module: { name, permissions: this.permissions.get(name) ?? [] },
    };
    this.setNewAccount(ctx, acc);
    return acc;
  }

  /** Params (SDK defaults when unset). */
  getParams(ctx: Context): Params {
    return this.readParams(ctx.kv(STORE_PREFIX));
  }

  /** Params from an auth-prefixed reader. */
  readParams(store: KVReader): Params {
    const bz = store.get(PARAMS_KEY);
    if (bz === undefined) return defaultAuthParams();
    // Every tx reads the params: decode only bytes not seen last time (a copy each call: callers own it).
    const memo = this.paramsMemo;
    if (memo !== undefined && equalBytes(memo.bytes, bz)) return { ...memo.params };
    const params = Params.decode(bz);
    this.paramsMemo = { bytes: Uint8Array.from(bz), params: { ...params } };
    return params;
  }

  /** Store params. */
  setParams(ctx: Context, params: Params): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(params).finish());
  }

  /** Every account in address order, from an auth-prefixed reader. */
  *iterateAccounts(store: KVReader): IterableIterator<Account> {
    const start = Uint8Array.of(ACCOUNT_PREFIX);
    const end = Uint8Array.of(ACCOUNT_PREFIX + 1);
    for (const [k, v] of store.iterator(start, end)) yield decodeAccount(v, k.slice(1));
  }
}
