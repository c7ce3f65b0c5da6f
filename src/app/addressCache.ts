/**
 * Memoised bech32 encoding and module addresses: every tx encodes the same few addresses several
 * times (events, stored accounts), and bech32 is costly at thousands of txs a second.
 */
import { moduleAddress, toBech32 } from "../crypto/address.js";

const MAX_ENTRIES = 200_000;
const bech32Cache = new Map<string, string>();
const moduleCache = new Map<string, Uint8Array>();

/** `toBech32(prefix, bytes)`, memoised (bounded; oldest entries dropped first). */
export function bech32Of(prefix: string, bytes: Uint8Array): string {
  const key =
    prefix + "\u0000" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let s = bech32Cache.get(key);
  if (s === undefined) {
    s = toBech32(prefix, bytes);
    if (bech32Cache.size >= MAX_ENTRIES) {
      const first = bech32Cache.keys().next();
      if (!first.done) bech32Cache.delete(first.value);
    }
    bech32Cache.set(key, s);
  }
  return s;
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
