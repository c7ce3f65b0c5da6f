/** Test helpers for the store: a seeded PRNG, byte helpers and a naive sorted model. */

import type { KVPair } from "../../../src/store/types.js";
import { compareBytes } from "../../../src/types/bytes.js";

/** Deterministic PRNG (mulberry32, the shared test helper). */
export { mulberry32 as rng } from "../../helpers/rng.js";

/** Random integer in [0, n). */
export function randInt(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

/** Random bytes of length `len`. */
export function randBytes(r: () => number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = randInt(r, 256);
  return b;
}

/** UTF-8 bytes. */
export function b(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** A naive model: an unsorted map, sorted on every query. */
export class Model {
  readonly m = new Map<string, [Uint8Array, Uint8Array]>();

  set(k: Uint8Array, v: Uint8Array): void {
    this.m.set(Buffer.from(k).toString("hex"), [k, v]);
  }

  delete(k: Uint8Array): void {
    this.m.delete(Buffer.from(k).toString("hex"));
  }

  get(k: Uint8Array): Uint8Array | undefined {
    return this.m.get(Buffer.from(k).toString("hex"))?.[1];
  }

  range(start?: Uint8Array, end?: Uint8Array, reverse = false): KVPair[] {
    const all = [...this.m.values()]
      .filter(
        ([k]) =>
          (start === undefined || compareBytes(k, start) >= 0) &&
          (end === undefined || compareBytes(k, end) < 0),
      )
      .sort((x, y) => compareBytes(x[0], y[0]));
    return reverse ? all.reverse() : all;
  }

  clone(): Model {
    const c = new Model();
    for (const [k, v] of this.m) c.m.set(k, v);
    return c;
  }
}

/** Hex of pairs, for deep comparison. */
export function hexPairs(pairs: Iterable<KVPair>): string[] {
  const out: string[] = [];
  for (const [k, v] of pairs) out.push(`${Buffer.from(k).toString("hex")}=${Buffer.from(v).toString("hex")}`);
  return out;
}

/** A random key from a small alphabet so collisions, prefixes and neighbours are common. */
export function randKey(r: () => number): Uint8Array {
  const len = 1 + randInt(r, 3);
  const k = new Uint8Array(len);
  for (let i = 0; i < len; i++) k[i] = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff][randInt(r, 6)]!;
  return k;
}

/** Random optional range bounds. */
export function randRange(r: () => number): [Uint8Array | undefined, Uint8Array | undefined] {
  const s = r() < 0.3 ? undefined : randKey(r);
  const e = r() < 0.3 ? undefined : randKey(r);
  return [s, e];
}
