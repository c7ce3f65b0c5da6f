/** gov's key space under its store prefix (`gov/`). Never reuse a prefix. */
import type { Timestamp } from "../../abci/types.js";
import { storePrefix } from "../../app/prefixStore.js";
import { concatBytes, uint64BE } from "../../types/bytes.js";

/** Module name (also the `app_state` key, store key and module account). */
export const MODULE_NAME = "gov";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);

/** Proposals: 0x00 ‖ id(8) → v1 Proposal. */
export const PROPOSAL = 0x00;
/** Active (voting) queue: 0x01 ‖ votingEnd(12) ‖ id(8) → empty. */
export const ACTIVE_QUEUE = 0x01;
/** Inactive (deposit) queue: 0x02 ‖ depositEnd(12) ‖ id(8) → empty. */
export const INACTIVE_QUEUE = 0x02;
/** Next proposal id. */
export const NEXT_ID_KEY = Uint8Array.of(0x03);
/** Timelock queue (OpenLedger): 0x04 ‖ executesAt(12) ‖ id(8) → empty. */
export const TIMELOCK_QUEUE = 0x04;
/** Execution record (OpenLedger): 0x05 ‖ id(8) → JSON {executesAt, executed}. */
export const EXECUTION = 0x05;
/** Deposits: 0x10 ‖ id(8) ‖ depositor → v1 Deposit. */
export const DEPOSIT = 0x10;
/** Votes: 0x20 ‖ id(8) ‖ voter → v1 Vote. */
export const VOTE = 0x20;
/** Params (v1 Params). */
export const PARAMS_KEY = Uint8Array.of(0x30);
/** Constitution. */
export const CONSTITUTION_KEY = Uint8Array.of(0x31);
/** Timelock params (OpenLedger): execution delay in seconds, decimal string. */
export const TIMELOCK_KEY = Uint8Array.of(0x32);

/** 12-byte sortable time: seconds(8) ‖ nanos(4). */
export function timeKey(t: Timestamp): Uint8Array {
  const n = new Uint8Array(4);
  new DataView(n.buffer).setUint32(0, t.nanos);
  return concatBytes(uint64BE(t.seconds < 0n ? 0n : t.seconds), n);
}

/** `prefix ‖ parts…`. */
export function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), ...parts);
}

/** `prefix ‖ id(8)`. */
export function idKey(prefix: number, id: bigint): Uint8Array {
  return key(prefix, uint64BE(id));
}
