/**
 * models' key space under its store prefix (`models/`). Ids and heights are 8-byte big-endian so keys
 * sort numerically. Never reuse a prefix.
 */
import { storePrefix } from "../../app/prefixStore.js";
import { concatBytes, uint64BE } from "../../types/bytes.js";

/** Module name (also the `app_state` key, store key and escrow module account). */
export const MODULE_NAME = "models";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);

/** Params → Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Next model id → u64 BE. */
export const NEXT_MODEL_ID_KEY = Uint8Array.of(0x02);
/** Next job id → u64 BE. */
export const NEXT_JOB_ID_KEY = Uint8Array.of(0x03);
/** Models: 0x10 ‖ id → Model. */
export const MODEL_PREFIX = 0x10;
/** Models by owner: 0x11 ‖ len(addr) ‖ addr ‖ id → empty. */
export const MODEL_BY_OWNER_PREFIX = 0x11;
/** Jobs: 0x20 ‖ id → TrainingJob. */
export const JOB_PREFIX = 0x20;
/** Jobs by status: 0x21 ‖ status ‖ id → empty. */
export const JOB_BY_STATUS_PREFIX = 0x21;
/** Operators: 0x30 ‖ len(addr) ‖ addr → Operator. */
export const OPERATOR_PREFIX = 0x30;
/** Served-by: 0x31 ‖ modelId ‖ len(addr) ‖ addr → empty. */
export const SERVED_BY_PREFIX = 0x31;
/** Unbonding queue: 0x40 ‖ height ‖ len(addr) ‖ addr → empty. */
export const UNBONDING_PREFIX = 0x40;

function lenAddr(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(addr.length), addr);
}

/** `0x10 ‖ id`. */
export function modelKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(MODEL_PREFIX), uint64BE(id));
}

/** `0x11 ‖ len ‖ owner` (prefix) or with `‖ id`. */
export function modelByOwnerKey(owner: Uint8Array, id?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(MODEL_BY_OWNER_PREFIX), lenAddr(owner));
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x20 ‖ id`. */
export function jobKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(JOB_PREFIX), uint64BE(id));
}

/** `0x21 ‖ status` (prefix) or with `‖ id`. */
export function jobByStatusKey(status: number, id?: bigint): Uint8Array {
  const p = Uint8Array.of(JOB_BY_STATUS_PREFIX, status);
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x30 ‖ len ‖ addr`. */
export function operatorKey(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(OPERATOR_PREFIX), lenAddr(addr));
}

/** `0x31 ‖ modelId` (prefix) or with `‖ len ‖ operator`. */
export function servedByKey(modelId: bigint, operator?: Uint8Array): Uint8Array {
  const p = concatBytes(Uint8Array.of(SERVED_BY_PREFIX), uint64BE(modelId));
  return operator === undefined ? p : concatBytes(p, lenAddr(operator));
}

/** `0x40 ‖ height` (prefix) or with `‖ len ‖ operator`. */
export function unbondingKey(height: bigint, operator?: Uint8Array): Uint8Array {
  const p = concatBytes(Uint8Array.of(UNBONDING_PREFIX), uint64BE(height));
  return operator === undefined ? p : concatBytes(p, lenAddr(operator));
}
