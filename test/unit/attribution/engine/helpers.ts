/** Seeded generators and naive reference implementations for the attribution engine tests. */
import type { IndexRow } from "../../../../src/attribution/engine/index.js";

/** A seeded PRNG (mulberry32) returning uint32 values. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A uniform integer in [0, n). */
export function below(rng: () => number, n: number): number {
  return rng() % n;
}

/** A Zipfian sampler over word ids [0, vocab) with exponent s (test-only floats). */
export function zipf(rng: () => number, vocab: number, s = 1.0): () => number {
  const cdf = new Float64Array(vocab);
  let sum = 0;
  for (let i = 0; i < vocab; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  return () => {
    const u = (rng() / 2 ** 32) * sum;
    let lo = 0;
    let hi = vocab - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The word spelled for a word id. */
export function word(id: number): string {
  return `w${id}`;
}

/** Random rows of Zipfian words: `count` rows of 0..maxLen words with ids starting at `firstId`. */
export function randomRows(
  rng: () => number,
  count: number,
  maxLen: number,
  vocab: number,
  firstId = 1n,
): { rows: IndexRow[]; words: string[][] } {
  const sample = zipf(rng, vocab);
  const rows: IndexRow[] = [];
  const words: string[][] = [];
  for (let r = 0; r < count; r++) {
    const len = below(rng, maxLen + 1);
    const w: string[] = [];
    for (let i = 0; i < len; i++) w.push(word(sample()));
    words.push(w);
    rows.push({ rowId: firstId + BigInt(r), text: w.join(" ") });
  }
  return { rows, words };
}

/** Naive suffix array: sort all suffixes by direct comparison. */
export function naiveSuffixArray(text: ArrayLike<number>): number[] {
  const n = text.length;
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let d = 0; ; d++) {
      const x = a + d < n ? text[a + d]! : -1;
      const y = b + d < n ? text[b + d]! : -1;
      if (x !== y) return x - y;
    }
  });
}

/** Naive longest match of every position of `q` in any of `rows` (no crossing of rows). */
export function naiveLongest(rows: readonly (readonly string[])[], q: readonly string[]): number[] {
  return q.map((_, i) => {
    let best = 0;
    for (const row of rows) {
      for (let p = 0; p < row.length; p++) {
        let d = 0;
        while (i + d < q.length && p + d < row.length && row[p + d] === q[i + d]) d++;
        if (d > best) best = d;
      }
    }
    return best;
  });
}

/** Naive: rows (index → first offset) containing `span` as a contiguous token run. */
export function naiveRowsContaining(
  rows: readonly (readonly string[])[],
  span: readonly string[],
): Map<number, number> {
  const out = new Map<number, number>();
  rows.forEach((row, r) => {
    for (let p = 0; p + span.length <= row.length; p++) {
      let ok = true;
      for (let d = 0; d < span.length && ok; d++) ok = row[p + d] === span[d];
      if (ok) {
        out.set(r, p);
        return;
      }
    }
  });
  return out;
}
