/** staking's key space under its store prefix (`staking/`). Never reuse a prefix. */
import type { Timestamp } from "../../abci/types.js";
import { storePrefix } from "../../app/prefixStore.js";
import { concatBytes, uint64BE } from "../../types/bytes.js";

/** Module name (also the `app_state` key and store key). */
export const MODULE_NAME = "staking";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);
/** Bonded tokens pool module account. */
export const BONDED_POOL = "bonded_tokens_pool";
/** Not-bonded tokens pool module account. */
export const NOT_BONDED_POOL = "not_bonded_tokens_pool";
/** Tokens per unit of consensus power (10^18: one OPEN is one power). */
export const POWER_REDUCTION = 10n ** 18n;

/** Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Last total power. */
export const LAST_TOTAL_POWER_KEY = Uint8Array.of(0x12);
/** Unbonding id counter. */
export const UNBONDING_ID_KEY = Uint8Array.of(0x60);
/** Last validator power: 0x11 ‖ lp(val) → power (decimal string). */
export const LAST_POWER = 0x11;
/** Validator: 0x21 ‖ lp(val) → Validator. */
export const VALIDATOR = 0x21;
/** Consensus address index: 0x22 ‖ lp(cons) → val. */
export const VALIDATOR_BY_CONS = 0x22;
/** Delegation: 0x31 ‖ lp(del) ‖ lp(val) → Delegation. */
export const DELEGATION = 0x31;
/** Delegations by validator: 0x32 ‖ lp(val) ‖ lp(del). */
export const DELEGATION_BY_VAL = 0x32;
/** Unbonding delegation: 0x33 ‖ lp(del) ‖ lp(val) → UnbondingDelegation. */
export const UBD = 0x33;
/** Unbonding delegations by validator: 0x34 ‖ lp(val) ‖ lp(del). */
export const UBD_BY_VAL = 0x34;
/** Redelegation: 0x35 ‖ lp(del) ‖ lp(src) ‖ lp(dst) → Redelegation. */
export const RED = 0x35;
/** Redelegations by source: 0x36 ‖ lp(src) ‖ lp(del) ‖ lp(dst). */
export const RED_BY_SRC = 0x36;
/** Redelegations by destination: 0x37 ‖ lp(dst) ‖ lp(del) ‖ lp(src). */
export const RED_BY_DST = 0x37;
/** Unbonding queue: 0x41 ‖ time ‖ lp(del) ‖ lp(val). */
export const UBD_QUEUE = 0x41;
/** Redelegation queue: 0x42 ‖ time ‖ lp(del) ‖ lp(src) ‖ lp(dst). */
export const RED_QUEUE = 0x42;
/** Unbonding validator queue: 0x43 ‖ time ‖ lp(val). */
export const VAL_QUEUE = 0x43;
/** Historical info: 0x50 ‖ height (8 bytes BE) → HistoricalInfo. */
export const HISTORICAL = 0x50;

/** Length-prefixed bytes. */
export function lp(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + 1);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}

/** A key: prefix byte then parts. */
export function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), ...parts);
}

/** Split a key body of length-prefixed parts. */
export function splitLp(b: Uint8Array, from: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = from;
  while (i < b.length) {
    const n = b[i]!;
    out.push(b.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

/** Time as 12 sortable bytes (seconds BE8 ‖ nanos BE4). */
export function timeBytes(t: Timestamp): Uint8Array {
  const n = new Uint8Array(4);
  new DataView(n.buffer).setUint32(0, t.nanos);
  return concatBytes(uint64BE(t.seconds < 0n ? 0n : t.seconds), n);
}

/** The end of the keys of a prefix byte. */
export function prefixRange(prefix: number, ...parts: Uint8Array[]): [Uint8Array, Uint8Array] {
  const start = key(prefix, ...parts);
  const end = Uint8Array.from(start);
  let i = end.length - 1;
  while (i >= 0 && end[i] === 0xff) i--;
  if (i < 0) return [start, Uint8Array.of(0xff, 0xff, 0xff)];
  end[i]! += 1;
  return [start, end.slice(0, i + 1)];
}
