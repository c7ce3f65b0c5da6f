/**
 * The bank keeper: the only code that touches bank's store — balances, supply, denom metadata,
 * send-enabled flags and params — and the only way coins move.
 */
import { Metadata, Params } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { type BigCoin, coinsToString } from "../../app/coins.js";
import type { Context } from "../../app/types.js";
import { bytesKey } from "../../store/sortedMap.js";
import type { KVReader, KVStore } from "../../store/types.js";
import { equalBytes, fromUtf8 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { PERM_BURNER, PERM_MINTER } from "../auth/keys.js";
import { BankCode, bankError, blockedAddress, insufficientFunds } from "./errors.js";
import {
  burnEvent,
  coinbaseEvent,
  coinReceivedEvent,
  coinSpentEvent,
  messageSenderEvent,
  transferEvent,
} from "./events.js";
import type { AccountKeeper } from "./expectedKeepers.js";
import {
  balancesPrefix,
  DENOM_METADATA_PREFIX,
  denomKey,
  denomOwnerKey,
  PARAMS_KEY,
  SEND_ENABLED_PREFIX,
  STORE_PREFIX,
  SUPPLY_PREFIX,
  storeBalanceKey,
} from "./keys.js";
import { defaultBankParams } from "./params.js";

const EMPTY = new Uint8Array();
const P15 = 10n ** 15n;

/** Parse a stored amount. */
export function decodeAmount(bz: Uint8Array): bigint {
  // The stored form is plain ASCII digits: read them without a UTF-8 decoder.
  // Parsed in 15-digit chunks (each exact in a double): no string is built.
  const n = bz.length;
  if (n > 0 && n <= 80) {
    let acc = 0n;
    let v = 0;
    let chunkEnd = n % 15 || 15;
    for (let i = 0; i < n; i++) {
      const c = bz[i]!;
      if (c < 0x30 || c > 0x39) return BigInt(fromUtf8(bz));
      v = v * 10 + (c - 0x30);
      if (i + 1 === chunkEnd) {
        acc = acc === 0n ? BigInt(v) : acc * P15 + BigInt(v);
        v = 0;
        chunkEnd += 15;
      }
    }
    return acc;
  }
  return BigInt(fromUtf8(bz));
}

/** The stored form of an amount: its decimal digits (ASCII). */
export function encodeAmount(amount: bigint): Uint8Array {
  const s = amount.toString();
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** One multi-send leg. */
export interface IoLeg {
  address: Uint8Array;
  coins: BigCoin[];
}

/** Balances, supply, metadata, send-enabled, params; coin movement with SDK events. */
export class BankKeeper {
  private blocked = new Set<string>();
  /** The last params bytes decoded for `defaultSendEnabled`. */
  private paramsMemo: { bytes: Uint8Array; defaultSendEnabled: boolean } | undefined;

  /** Built over the auth keeper (accounts are created on first receipt). */
  constructor(readonly auth: AccountKeeper) {}

  /** Block an address from receiving funds through user sends. */
  blockAddress(address: Uint8Array): void {
    this.blocked.add(bytesKey(address));
  }

  /** True when the address may not receive funds through user sends. */
  isBlocked(address: Uint8Array): boolean {
    return this.blocked.has(bytesKey(address));
  }

  // ---- reads ----

  /** Balance of one denom. */
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint {
    // Straight to the app store with the prefixed key (what `ctx.kv(STORE_PREFIX)` would build).
    const bz = ctx.store.get(storeBalanceKey(address, denom));
    return bz === undefined ? 0n : decodeAmount(bz);
  }

  /** Every balance of an account, sorted by denom, from a bank-prefixed reader. */
  readAllBalances(store: KVReader, address: Uint8Array): BigCoin[] {
    const p = balancesPrefix(address);
    const out: BigCoin[] = [];
    for (const [k, v] of store.iterator(p, prefixEndOf(p))) {
      out.push({ denom: fromUtf8(k.subarray(p.length)), amount: decodeAmount(v) });
    }
    return out;
  }

  /** Every balance of an account. */
  getAllBalances(ctx: Context, address: Uint8Array): BigCoin[] {
    return this.readAllBalances(ctx.kv(STORE_PREFIX), address);
  }

  /** Total supply of a denom. */
  getSupply(ctx: Context, denom: string): bigint {
    const bz = ctx.kv(STORE_PREFIX).get(denomKey(SUPPLY_PREFIX, denom));
    return bz === undefined ? 0n : decodeAmount(bz);
  }

  /** Every denom's supply, sorted, from a bank-prefixed reader. */
  readAllSupply(store: KVReader): BigCoin[] {
    const out: BigCoin[] = [];
    for (const [k, v] of store.iterator(Uint8Array.of(SUPPLY_PREFIX), Uint8Array.of(SUPPLY_PREFIX + 1))) {
      out.push({ denom: fromUtf8(k.subarray(1)), amount: decodeAmount(v) });
    }
    return out;
  }

  /** Every address with a balance, with its balances, in key order, from a bank-prefixed reader. */
  *readAllAccountBalances(store: KVReader): IterableIterator<{ address: Uint8Array; coins: BigCoin[] }> {
    let cur: { address: Uint8Array; coins: BigCoin[] } | undefined;
    for (const [k, v] of store.iterator(Uint8Array.of(0x02), Uint8Array.of(0x03))) {
      const len = k[1]!;
      const addr = k.subarray(2, 2 + len);
      const coin = { denom: fromUtf8(k.subarray(2 + len)), amount: decodeAmount(v) };
      if (cur && cur.address.length === addr.length && Buffer.compare(cur.address, addr) === 0) {
        cur.coins.push(coin);
      } else {
        if (cur) yield cur;
        cur = { address: Uint8Array.from(addr), coins: [coin] };
      }
    }
    if (cur) yield cur;
  }

  /** Params from a bank-prefixed reader. */
  readParams(store: KVReader): Params {
    const bz = store.get(PARAMS_KEY);
    return bz === undefined ? defaultBankParams() : Params.decode(bz);
  }

  /** `readParams(store).defaultSendEnabled`, with the same read, decoding only bytes not seen last time. */
  private defaultSendEnabled(store: KVReader): boolean {
    const bz = store.get(PARAMS_KEY);
    if (bz === undefined) return defaultBankParams().defaultSendEnabled;
    const memo = this.paramsMemo;
    if (memo !== undefined && equalBytes(memo.bytes, bz)) return memo.defaultSendEnabled;
    const defaultSendEnabled = Params.decode(bz).defaultSendEnabled;
    this.paramsMemo = { bytes: Uint8Array.from(bz), defaultSendEnabled };
    return defaultSendEnabled;
  }

  /** Params. */
  getParams(ctx: Context): Params {
    return this.readParams(ctx.kv(STORE_PREFIX));
  }

  /** Store params. */
  setParams(ctx: Context, params: Params): void {
    ctx.kv(STORE_PREFIX).set(PARAMS_KEY, Params.encode(params).finish());
  }

  /** Denom metadata, or undefined. */
  getDenomMetadata(ctx: Context, denom: string): Metadata | undefined {
    const bz = ctx.kv(STORE_PREFIX).get(denomKey(DENOM_METADATA_PREFIX, denom));
    return bz === undefined ? undefined : Metadata.decode(bz);
  }

  /** Store denom metadata under its base denom. */
  setDenomMetadata(ctx: Context, md: Metadata): void {
    ctx.kv(STORE_PREFIX).set(denomKey(DENOM_METADATA_PREFIX, md.base), Metadata.encode(md).finish());
  }

  /** Every denom metadata, by base denom, from a bank-prefixed reader. */
  readAllDenomMetadata(store: KVReader): Metadata[] {
    const out: Metadata[] = [];
    const p = DENOM_METADATA_PREFIX;
    for (const [, v] of store.iterator(Uint8Array.of(p), Uint8Array.of(p + 1))) out.push(Metadata.decode(v));
    return out;
  }

  /** Explicit send-enabled flag of a denom, or undefined (then the params default applies). */
  readSendEnabledFlag(store: KVReader, denom: string): boolean | undefined {
    const bz = store.get(denomKey(SEND_ENABLED_PREFIX, denom));
    return bz === undefined ? undefined : bz[0] === 1;
  }

  /** Set or clear (undefined) a denom's send-enabled flag. */
  setSendEnabled(ctx: Context, denom: string, enabled: boolean | undefined): void {
    const store = ctx.kv(STORE_PREFIX);
    const k = denomKey(SEND_ENABLED_PREFIX, denom);
    if (enabled === undefined) store.delete(k);
    else store.set(k, Uint8Array.of(enabled ? 1 : 0));
  }

  /** Every explicit send-enabled entry, sorted by denom, from a bank-prefixed reader. */
  readAllSendEnabled(store: KVReader): { denom: string; enabled: boolean }[] {
    const out: { denom: string; enabled: boolean }[] = [];
    const p = SEND_ENABLED_PREFIX;
    for (const [k, v] of store.iterator(Uint8Array.of(p), Uint8Array.of(p + 1))) {
      out.push({ denom: fromUtf8(k.subarray(1)), enabled: v[0] === 1 });
    }
    return out;
  }

  /** Throw bank 5 unless every coin's denom may be sent. */
  checkSendEnabled(ctx: Context, coins: readonly BigCoin[]): void {
    if (coins.length === 0) return;
    const store = ctx.kv(STORE_PREFIX);
    let def: boolean | undefined;
    for (const c of coins) {
      let enabled = this.readSendEnabledFlag(store, c.denom);
      if (enabled === undefined) {
        def ??= this.defaultSendEnabled(store);
        enabled = def;
      }
      if (!enabled)
        throw bankError(
          BankCode.SendDisabled,
          `${c.denom} transfers are currently disabled: send transactions are disabled`,
        );
    }
  }

  // ---- writes ----

  /**
   * Set a balance (deleting zero balances) and maintain the denom-owners index; `prev` is the balance
   * the caller already read (saves a lookup).
   */
  setBalance(ctx: Context, address: Uint8Array, denom: string, amount: bigint, prev?: bigint): void {
    // The balance key straight under the app store (prefixed once); the owners index via the view.
    const key = storeBalanceKey(address, denom);
    if (amount === 0n) {
      ctx.store.delete(key);
      ctx.kv(STORE_PREFIX).delete(denomOwnerKey(denom, address));
    } else {
      const had = prev === undefined ? ctx.store.has(key) : prev > 0n;
      ctx.store.set(key, encodeAmount(amount));
      if (!had) ctx.kv(STORE_PREFIX).set(denomOwnerKey(denom, address), EMPTY);
    }
  }

  /** Set the supply of a denom. */
  setSupply(ctx: Context, denom: string, amount: bigint): void {
    const store = ctx.kv(STORE_PREFIX);
    const k = denomKey(SUPPLY_PREFIX, denom);
    if (amount === 0n) store.delete(k);
    else store.set(k, encodeAmount(amount));
  }

  /** Move coins between accounts (SDK `SendCoins`): creates the recipient account if needed; emits events. */
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly BigCoin[]): void {
    if (!this.auth.hasAccount(ctx, to)) this.auth.createAccount(ctx, to);
    this.move(ctx, from, to, coins);
  }

  /** Subtract, add and emit `transfer` and `message{sender}` (the recipient account exists). */
  private move(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly BigCoin[]): void {
    const fromStr = bech32Of(ctx.chain.bech32Prefix, from);
    const toStr = bech32Of(ctx.chain.bech32Prefix, to);
    const amount = coinsToString(coins);
    this.subUnlockedCoins(ctx, from, fromStr, coins, amount);
    this.addCoins(ctx, to, toStr, coins, amount);
    ctx.events.emit(transferEvent(toStr, fromStr, amount));
    ctx.events.emit(messageSenderEvent(fromStr));
  }

  /** Multi-send (SDK `InputOutputCoins`): one input, many outputs; sums must match (checked by the caller). */
  inputOutputCoins(ctx: Context, input: IoLeg, outputs: readonly IoLeg[]): void {
    const inStr = bech32Of(ctx.chain.bech32Prefix, input.address);
    this.subUnlockedCoins(ctx, input.address, inStr, input.coins);
    ctx.events.emit(messageSenderEvent(inStr));
    for (const out of outputs) {
      const outStr = bech32Of(ctx.chain.bech32Prefix, out.address);
      this.addCoins(ctx, out.address, outStr, out.coins);
      ctx.events.emit(transferEvent(outStr, inStr, coinsToString(out.coins)));
      if (!this.auth.hasAccount(ctx, out.address)) this.auth.createAccount(ctx, out.address);
    }
  }

  /** Send from an account to a module account (fees, deposits, delegations); creates it if missing. */
  sendCoinsFromAccountToModule(
    ctx: Context,
    from: Uint8Array,
    module: string,
    coins: readonly BigCoin[],
  ): void {
    const to = moduleAddressOf(module);
    if (!this.auth.hasAccount(ctx, to)) this.auth.getModuleAccount(ctx, module);
    this.move(ctx, from, to, coins);
  }

  /** Send from a module account to an account; blocked recipients are refused. */
  sendCoinsFromModuleToAccount(
    ctx: Context,
    module: string,
    to: Uint8Array,
    coins: readonly BigCoin[],
  ): void {
    if (this.isBlocked(to)) throw blockedAddress(bech32Of(ctx.chain.bech32Prefix, to));
    this.sendCoins(ctx, moduleAddressOf(module), to, coins);
  }

  /** Send between module accounts. */
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, coins: readonly BigCoin[]): void {
    const acc = this.auth.getModuleAccount(ctx, to);
    this.sendCoins(ctx, moduleAddressOf(from), acc.address, coins);
  }

  /** Mint coins into a module account with the `minter` permission; supply grows. */
  mintCoins(ctx: Context, module: string, coins: readonly BigCoin[]): void {
    const acc = this.auth.getModuleAccount(ctx, module);
    if (!acc.module?.permissions.includes(PERM_MINTER)) {
      throw new CodedError(
        SDK,
        SdkCode.Unauthorized,
        `module account ${module} does not have permissions to mint tokens: unauthorized`,
      );
    }
    const addr = bech32Of(ctx.chain.bech32Prefix, acc.address);
    this.addCoins(ctx, acc.address, addr, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) + c.amount);
    ctx.events.emit(coinbaseEvent(addr, coinsToString(coins)));
  }

  /** Burn coins from a module account with the `burner` permission; supply shrinks. */
  burnCoins(ctx: Context, module: string, coins: readonly BigCoin[]): void {
    const acc = this.auth.getModuleAccount(ctx, module);
    if (!acc.module?.permissions.includes(PERM_BURNER)) {
      throw new CodedError(
        SDK,
        SdkCode.Unauthorized,
        `module account ${module} does not have permissions to burn tokens: unauthorized`,
      );
    }
    const addr = bech32Of(ctx.chain.bech32Prefix, acc.address);
    this.subUnlockedCoins(ctx, acc.address, addr, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) - c.amount);
    ctx.events.emit(burnEvent(addr, coinsToString(coins)));
  }

  /**
   * Subtract coins; throws `sdk` 5 with the SDK's message when short. Emits `coin_spent` (`amount`:
   * `coinsToString(coins)` when the caller has it).
   */
  subUnlockedCoins(
    ctx: Context,
    address: Uint8Array,
    addrStr: string,
    coins: readonly BigCoin[],
    amount?: string,
  ): void {
    for (const c of coins) {
      const bal = this.getBalance(ctx, address, c.denom);
      if (bal < c.amount) throw insufficientFunds(`${bal}${c.denom}`, `${c.amount}${c.denom}`);
      this.setBalance(ctx, address, c.denom, bal - c.amount, bal);
    }
    ctx.events.emit(coinSpentEvent(addrStr, amount ?? coinsToString(coins)));
  }

  /** Add coins; emits `coin_received` (`amount`: `coinsToString(coins)` when the caller has it). */
  addCoins(
    ctx: Context,
    address: Uint8Array,
    addrStr: string,
    coins: readonly BigCoin[],
    amount?: string,
  ): void {
    for (const c of coins) {
      const bal = this.getBalance(ctx, address, c.denom);
      this.setBalance(ctx, address, c.denom, bal + c.amount, bal);
    }
    ctx.events.emit(coinReceivedEvent(addrStr, amount ?? coinsToString(coins)));
  }

  /** Direct write used by genesis import (no events, supply handled by the caller). */
  importBalances(ctx: Context, address: Uint8Array, coins: readonly BigCoin[]): void {
    for (const c of coins) this.setBalance(ctx, address, c.denom, c.amount);
  }

  /** The store under bank's prefix (for queries and invariants). */
  store(ctx: Context): KVStore {
    return ctx.kv(STORE_PREFIX);
  }
}

function prefixEndOf(p: Uint8Array): Uint8Array {
  const end = Uint8Array.from(p);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.slice(0, i + 1);
    }
  }
  return new Uint8Array([0xff, 0xff]);
}
