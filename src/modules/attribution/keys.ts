/**
 * attribution's key space under its store prefix (`attribution/`). Ids, heights and nonces are 8-byte
 * big-endian so keys sort numerically; addresses are length-prefixed. Never reuse a prefix.
 */
import { storePrefix } from "../../app/prefixStore.js";
import { concatBytes, uint64BE } from "../../types/bytes.js";

/** Module name (also the `app_state` key, store key and the module account holding credit and rewards). */
export const MODULE_NAME = "attribution";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);

/** Params → Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Next inference id → u64 BE. */
export const NEXT_INFERENCE_ID_KEY = Uint8Array.of(0x02);
/** Credits: 0x10 ‖ len ‖ requester ‖ len ‖ operator → Credit. */
export const CREDIT_PREFIX = 0x10;
/** Withdrawal queue: 0x11 ‖ unlock height ‖ len ‖ requester ‖ len ‖ operator → empty. */
export const UNLOCK_QUEUE_PREFIX = 0x11;
/** Used nonces: 0x20 ‖ len ‖ requester ‖ nonce → empty. */
export const NONCE_PREFIX = 0x20;
/** Inference records: 0x30 ‖ id → InferenceRecord. */
export const INFERENCE_PREFIX = 0x30;
/** By model: 0x31 ‖ modelId ‖ id → empty. */
export const BY_MODEL_PREFIX = 0x31;
/** By requester: 0x32 ‖ len ‖ addr ‖ id → empty. */
export const BY_REQUESTER_PREFIX = 0x32;
/** By operator: 0x33 ‖ len ‖ addr ‖ id → empty. */
export const BY_OPERATOR_PREFIX = 0x33;
/** By contributor: 0x34 ‖ len ‖ addr ‖ id → empty. */
export const BY_CONTRIBUTOR_PREFIX = 0x34;
/** Reward accounts: 0x40 ‖ len ‖ addr → RewardAccount. */
export const REWARD_PREFIX = 0x40;
/** Row earnings: 0x41 ‖ rowId → RowEarnings. */
export const ROW_EARNINGS_PREFIX = 0x41;

/** `len ‖ addr`. */
export function lenAddr(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(addr.length), addr);
}

/** `0x10 ‖ requester ‖ operator`. */
export function creditKey(requester: Uint8Array, operator: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(CREDIT_PREFIX), lenAddr(requester), lenAddr(operator));
}

/** `0x11 ‖ height` (prefix) or with `‖ requester ‖ operator`. */
export function unlockQueueKey(height: bigint, requester?: Uint8Array, operator?: Uint8Array): Uint8Array {
  const p = concatBytes(Uint8Array.of(UNLOCK_QUEUE_PREFIX), uint64BE(height));
  return requester && operator ? concatBytes(p, lenAddr(requester), lenAddr(operator)) : p;
}

/** `0x20 ‖ requester ‖ nonce`. */
export function nonceKey(requester: Uint8Array, nonce: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(NONCE_PREFIX), lenAddr(requester), uint64BE(nonce));
}

/** `0x30 ‖ id`. */
export function inferenceKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(INFERENCE_PREFIX), uint64BE(id));
}

/** `0x31 ‖ modelId` (prefix) or with `‖ id`. */
export function byModelKey(modelId: bigint, id?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(BY_MODEL_PREFIX), uint64BE(modelId));
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `prefix ‖ len ‖ addr` (prefix) or with `‖ id` (by requester / operator / contributor). */
export function byAddressKey(prefix: number, addr: Uint8Array, id?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(prefix), lenAddr(addr));
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x40 ‖ addr`. */
export function rewardKey(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(REWARD_PREFIX), lenAddr(addr));
}

/** `0x41 ‖ rowId`. */
export function rowEarningsKey(rowId: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(ROW_EARNINGS_PREFIX), uint64BE(rowId));
}
