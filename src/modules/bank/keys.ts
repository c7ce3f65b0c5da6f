/** bank's key space under its store prefix (`bank/`). Never reuse a prefix. */
import { storePrefix } from "../../app/prefixStore.js";
import { utf8 } from "../../types/bytes.js";

/** Module name (also the `app_state` key and store key). */
export const MODULE_NAME = "bank";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);

/** Supply: 0x00 ‖ denom → amount (decimal string). */
export const SUPPLY_PREFIX = 0x00;
/** Denom metadata: 0x01 ‖ denom → Metadata. */
export const DENOM_METADATA_PREFIX = 0x01;
/** Balances: 0x02 ‖ len(addr) ‖ addr ‖ denom → amount (decimal string). */
export const BALANCES_PREFIX = 0x02;
/** Denom owners index: 0x03 ‖ denom ‖ 0x00 ‖ addr → empty. */
export const DENOM_OWNERS_PREFIX = 0x03;
/** Send-enabled flags: 0x04 ‖ denom → 0x00 | 0x01. */
export const SEND_ENABLED_PREFIX = 0x04;
/** Params. */
export const PARAMS_KEY = Uint8Array.of(0x05);

/** UTF-8 of denoms seen recently (a chain has few; bounded all the same). */
const denomBytes = new Map<string, Uint8Array>();
const MAX_DENOMS = 1024;

/** `utf8(denom)`, memoised. Callers must not mutate the result. */
function denomUtf8(denom: string): Uint8Array {
  let d = denomBytes.get(denom);
  if (d === undefined) {
    d = utf8(denom);
    if (denomBytes.size >= MAX_DENOMS) denomBytes.clear();
    denomBytes.set(denom, d);
  }
  return d;
}

/** `prefixByte ‖ utf8(denom)`. */
export function denomKey(prefix: number, denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const k = new Uint8Array(d.length + 1);
  k[0] = prefix;
  k.set(d, 1);
  return k;
}

/** `0x02 ‖ len ‖ addr`: the prefix of one account's balances. */
export function balancesPrefix(address: Uint8Array): Uint8Array {
  const k = new Uint8Array(address.length + 2);
  k[0] = BALANCES_PREFIX;
  k[1] = address.length;
  k.set(address, 2);
  return k;
}

/** `0x02 ‖ len ‖ addr ‖ denom`. */
export function balanceKey(address: Uint8Array, denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const k = new Uint8Array(address.length + 2 + d.length);
  k[0] = BALANCES_PREFIX;
  k[1] = address.length;
  k.set(address, 2);
  k.set(d, 2 + address.length);
  return k;
}

/**
 * `STORE_PREFIX ‖ balanceKey(address, denom)` in one allocation: the key under the app's store, for
 * the keeper's per-tx reads and writes (the same key a prefixed view of `balanceKey` reaches).
 */
export function storeBalanceKey(address: Uint8Array, denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const p = STORE_PREFIX.length;
  const k = new Uint8Array(p + address.length + 2 + d.length);
  k.set(STORE_PREFIX, 0);
  k[p] = BALANCES_PREFIX;
  k[p + 1] = address.length;
  k.set(address, p + 2);
  k.set(d, p + 2 + address.length);
  return k;
}

/** `0x03 ‖ denom ‖ 0x00`: the prefix of one denom's owners. */
export function denomOwnersPrefix(denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const k = new Uint8Array(d.length + 2);
  k[0] = DENOM_OWNERS_PREFIX;
  k.set(d, 1);
  return k;
}

/** `0x03 ‖ denom ‖ 0x00 ‖ addr`. */
export function denomOwnerKey(denom: string, address: Uint8Array): Uint8Array {
  const p = denomOwnersPrefix(denom);
  const k = new Uint8Array(p.length + address.length);
  k.set(p);
  k.set(address, p.length);
  return k;
}
