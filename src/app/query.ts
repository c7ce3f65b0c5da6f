/**
 * Query helpers: gRPC-status-shaped coded errors as SDK 0.50's query router returns them, and
 * `PageRequest` pagination over a prefixed store.
 */
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { KVReader } from "../store/types.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";

/** Default page size when the request gives none (SDK `DefaultLimit`). */
export const DEFAULT_PAGE_LIMIT = 100n;
/** Largest page served. */
export const MAX_PAGE_LIMIT = 10_000n;

/** `sdk` 18 as a gRPC InvalidArgument, the SDK's log shape. */
export function invalidArgument(msg: string): CodedError {
  return new CodedError(
    SDK,
    SdkCode.InvalidRequest,
    `rpc error: code = InvalidArgument desc = ${msg}: invalid request`,
  );
}

/** `sdk` 22 as a gRPC NotFound, the SDK's log shape. */
export function notFound(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.KeyNotFound, `rpc error: code = NotFound desc = ${msg}: key not found`);
}

/** Decode a request proto, mapping malformed bytes to `sdk` 18. */
export function decodeRequest<T>(decode: (b: Uint8Array) => T, data: Uint8Array): T {
  try {
    return decode(data);
  } catch (e) {
    throw invalidArgument(`failed to decode request: ${(e as Error).message}`);
  }
}

/**
 * Page through `store` (already prefixed) with SDK semantics: `key` resumes at a key, otherwise
 * `offset` skips; `next_key` is the first key not returned; `total` when `count_total` with offset.
 * `decode` returns undefined to skip an entry.
 */
export function paginate<T>(
  store: KVReader,
  page: PageRequest | undefined,
  decode: (key: Uint8Array, value: Uint8Array) => T | undefined,
): { items: T[]; pagination: PageResponse } {
  const limitReq = page?.limit ?? 0n;
  const limit = limitReq === 0n ? DEFAULT_PAGE_LIMIT : limitReq > MAX_PAGE_LIMIT ? MAX_PAGE_LIMIT : limitReq;
  const reverse = page?.reverse ?? false;
  const key = page?.key && page.key.length > 0 ? page.key : undefined;
  const offset = page?.offset ?? 0n;
  if (key && offset > 0n)
    throw invalidArgument("paginate: invalid request, either offset or key is expected, got both");
  const countTotal = (page?.countTotal ?? false) && !key;
  const items: T[] = [];
  let nextKey = new Uint8Array();
  let seen = 0n;
  const iter = reverse
    ? store.iterator(undefined, key ? nextAfter(key) : undefined, true)
    : store.iterator(key, undefined, false);
  for (const [k, v] of iter) {
    const item = decode(k, v);
    if (item === undefined) continue;
    seen++;
    if (seen <= offset) continue;
    if (BigInt(items.length) < limit) {
      items.push(item);
      continue;
    }
    if (nextKey.length === 0) nextKey = Uint8Array.from(k);
    if (!countTotal) break;
  }
  return { items, pagination: { nextKey, total: countTotal ? seen : 0n } };
}

function nextAfter(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}
