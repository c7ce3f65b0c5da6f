/**
 * Memoised bech32 encoding and decoding and module addresses: every tx encodes and decodes the same
 * few addresses several times (signers, events, stored accounts), and bech32 is costly at thousands of
 * txs a second. Both caches are bounded (the oldest entries go first).
 */
import { decodeAddress, moduleAddress, secp256k1Address, toBech32 } from "../crypto/address.js";
import { bytesKey } from "../store/sortedMap.js";
import { FifoQueue } from "../types/fifo.js";

const MAX_ENTRIES = 50_000;
/** Per prefix: latin1 form of the address bytes → bech32 string. */
const bech32Cache = new Map<string, Map<string, string>>();
/** Per prefix: bech32 string → address bytes (shared: never mutated). */
const decodeCache = new Map<string, Map<string, Uint8Array>>();
const moduleCache = new Map<string, Uint8Array>();
/** latin1 form of a secp256k1 public key → its account address (shared: never mutated). */
const pubKeyAddressCache = new Map<string, Uint8Array>();

/** Per cache map: its keys in insertion order, for eviction (see `FifoQueue`). */
const orders = new WeakMap<Map<string, unknown>, FifoQueue<string>>();

function remember<V>(m: Map<string, V>, k: string, v: V): void {
  let order = orders.get(m);
  if (order === undefined) {
    order = new FifoQueue<string>();
    orders.set(m, order);
  }
  while (m.size >= MAX_ENTRIES && order.size > 0) m.delete(order.shift()!);
  m.set(k, v);
  order.push(k);
}

/** `toBech32(prefix, bytes)`, memoised. */
export function bech32Of(prefix: string, bytes: Uint8Array): string {
  let m = bech32Cache.get(prefix);
  if (m === undefined) {
    m = new Map();
    bech32Cache.set(prefix, m);
  }
  const key = bytesKey(bytes);
  let s = m.get(key);
  if (s === undefined) {
    s = toBech32(prefix, bytes);
    remember(m, key, s);
  }
  return s;
}

/**
 * `decodeAddress(address, prefix)`, memoised for addresses that decode (errors are thrown as before,
 * never cached). Callers must not mutate the result.
 */
export function decodeAddressOf(address: string, prefix: string): Uint8Array {
  let m = decodeCache.get(prefix);
  if (m === undefined) {
    m = new Map();
    decodeCache.set(prefix, m);
  }
  let b = m.get(address);
  if (b === undefined) {
    b = decodeAddress(address, prefix);
    remember(m, address, b);
  }
  return b;
}

/** `secp256k1Address(pubKey)`, memoised (bounded). Callers must not mutate the result. */
export function secp256k1AddressOf(pubKey: Uint8Array): Uint8Array {
  const key = bytesKey(pubKey);
  let a = pubKeyAddressCache.get(key);
  if (a === undefined) {
    a = secp256k1Address(pubKey);
    remember(pubKeyAddressCache, key, a);
  }
  return a;
}

/** `moduleAddress(name)`, memoised. Callers must not mutate the result. */
export function moduleAddressOf(name: string): Uint8Array {
  let a = moduleCache.get(name);
  if (a === undefined) {
    a = moduleAddress(name);
    moduleCache.set(name, a);
  }
  return a;
}
