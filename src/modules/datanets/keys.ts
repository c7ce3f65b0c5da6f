/**
 * datanets' key space under its store prefix (`datanets/`). Ids and positions are 8-byte big-endian so
 * keys sort numerically. Never reuse a prefix.
 */
import { storePrefix } from "../../app/prefixStore.js";
import { concatBytes, uint64BE, utf8 } from "../../types/bytes.js";

/** Module name (also the `app_state` key, store key and escrow module account). */
export const MODULE_NAME = "datanets";
/** Store prefix of this module. */
export const STORE_PREFIX = storePrefix(MODULE_NAME);

/** Params → Params. */
export const PARAMS_KEY = Uint8Array.of(0x01);
/** Next datanet id → u64 BE. */
export const NEXT_DATANET_ID_KEY = Uint8Array.of(0x02);
/** Next row id → u64 BE. */
export const NEXT_ROW_ID_KEY = Uint8Array.of(0x03);
/** Datanets: 0x10 ‖ id → Datanet. */
export const DATANET_PREFIX = 0x10;
/** By owner: 0x11 ‖ len(addr) ‖ addr ‖ id → empty. */
export const BY_OWNER_PREFIX = 0x11;
/** By tag: 0x12 ‖ tag ‖ 0x00 ‖ id → empty. */
export const BY_TAG_PREFIX = 0x12;
/** By status: 0x13 ‖ status ‖ id → empty. */
export const BY_STATUS_PREFIX = 0x13;
/** Rows: 0x20 ‖ rowId → Row. */
export const ROW_PREFIX = 0x20;
/** Rows of a datanet: 0x21 ‖ datanetId ‖ rowId → empty. */
export const DATANET_ROWS_PREFIX = 0x21;
/** Rows of a datanet by status: 0x22 ‖ datanetId ‖ status ‖ rowId → empty. */
export const ROWS_BY_STATUS_PREFIX = 0x22;
/** Rows of a datanet by contributor: 0x23 ‖ datanetId ‖ len(addr) ‖ addr ‖ rowId → empty. */
export const ROWS_BY_CONTRIBUTOR_PREFIX = 0x23;
/** Accepted rows in order: 0x24 ‖ datanetId ‖ position → rowId ‖ sha256(content). */
export const ACCEPTED_PREFIX = 0x24;
/** Content hashes of draft and accepted rows: 0x25 ‖ datanetId ‖ sha256 → rowId. */
export const CONTENT_HASH_PREFIX = 0x25;
/** Versions: 0x30 ‖ datanetId ‖ number → Version. */
export const VERSION_PREFIX = 0x30;
/** Merkle frontier of the accepted rows: 0x31 ‖ datanetId → concatenated 32-byte subtree roots. */
export const FRONTIER_PREFIX = 0x31;
/** Contributor records: 0x40 ‖ datanetId ‖ len(addr) ‖ addr → ContributorRecord. */
export const CONTRIBUTOR_PREFIX = 0x40;

function lenAddr(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(addr.length), addr);
}

/** `0x10 ‖ id`. */
export function datanetKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(DATANET_PREFIX), uint64BE(id));
}

/** `0x11 ‖ len ‖ owner` (prefix) or with `‖ id`. */
export function byOwnerKey(owner: Uint8Array, id?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(BY_OWNER_PREFIX), lenAddr(owner));
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x12 ‖ tag ‖ 0x00` (prefix) or with `‖ id`. */
export function byTagKey(tag: string, id?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(BY_TAG_PREFIX), utf8(tag), Uint8Array.of(0));
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x13 ‖ status` (prefix) or with `‖ id`. */
export function byStatusKey(status: number, id?: bigint): Uint8Array {
  const p = Uint8Array.of(BY_STATUS_PREFIX, status);
  return id === undefined ? p : concatBytes(p, uint64BE(id));
}

/** `0x20 ‖ rowId`. */
export function rowKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(ROW_PREFIX), uint64BE(id));
}

/** `0x21 ‖ datanetId` (prefix) or with `‖ rowId`. */
export function datanetRowKey(datanetId: bigint, rowId?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(DATANET_ROWS_PREFIX), uint64BE(datanetId));
  return rowId === undefined ? p : concatBytes(p, uint64BE(rowId));
}

/** `0x22 ‖ datanetId ‖ status` (prefix) or with `‖ rowId`. */
export function rowStatusKey(datanetId: bigint, status: number, rowId?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(ROWS_BY_STATUS_PREFIX), uint64BE(datanetId), Uint8Array.of(status));
  return rowId === undefined ? p : concatBytes(p, uint64BE(rowId));
}

/** `0x23 ‖ datanetId ‖ len ‖ contributor` (prefix) or with `‖ rowId`. */
export function rowContributorKey(datanetId: bigint, contributor: Uint8Array, rowId?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(ROWS_BY_CONTRIBUTOR_PREFIX), uint64BE(datanetId), lenAddr(contributor));
  return rowId === undefined ? p : concatBytes(p, uint64BE(rowId));
}

/** `0x24 ‖ datanetId` (prefix) or with `‖ position`. */
export function acceptedKey(datanetId: bigint, position?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(ACCEPTED_PREFIX), uint64BE(datanetId));
  return position === undefined ? p : concatBytes(p, uint64BE(position));
}

/** `0x25 ‖ datanetId ‖ sha256`. */
export function contentHashKey(datanetId: bigint, sha: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(CONTENT_HASH_PREFIX), uint64BE(datanetId), sha);
}

/** `0x30 ‖ datanetId` (prefix) or with `‖ number`. */
export function versionKey(datanetId: bigint, number?: bigint): Uint8Array {
  const p = concatBytes(Uint8Array.of(VERSION_PREFIX), uint64BE(datanetId));
  return number === undefined ? p : concatBytes(p, uint64BE(number));
}

/** `0x31 ‖ datanetId`. */
export function frontierKey(datanetId: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(FRONTIER_PREFIX), uint64BE(datanetId));
}

/** `0x40 ‖ datanetId` (prefix) or with `‖ len ‖ address`. */
export function contributorKey(datanetId: bigint, address?: Uint8Array): Uint8Array {
  const p = concatBytes(Uint8Array.of(CONTRIBUTOR_PREFIX), uint64BE(datanetId));
  return address === undefined ? p : concatBytes(p, lenAddr(address));
}
