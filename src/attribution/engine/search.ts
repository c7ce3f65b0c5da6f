/**
 * Longest-match search (the Infini-gram approach): for every output position i, the longest prefix of
 * `output[i:]` that occurs in the corpus, by binary search over each segment's suffix array.
 *
 * Per segment, a position's search starts from the first token's bucket (precomputed, no search), then,
 * when the previous position matched `L` tokens in this segment, finds the suffix-array range of the
 * `L − 1` tokens known to occur by one binary search that skips already-compared prefixes (the
 * Manber–Myers `min(lcp_left, lcp_right)` rule), then extends one token at a time: a lower-bound binary
 * search for the next token and a galloping search for the range's end, or, once one suffix remains, a
 * direct comparison. Cost is about O(log n) per position plus the matched lengths, so near-linear in the
 * output. `work` counts binary-search steps plus token comparisons, deterministically, so the chain can
 * charge gas in proportion.
 */
import type { Segment } from "./segment.js";

/** The match of one output position in one segment: its length and its suffix-array range `[lo, hi)`. */
export interface SegmentMatch {
  /** Matched tokens (0 when the position's token is absent from the segment). */
  length: number;
  /** First suffix-array index whose suffix starts with the match (meaningful when length > 0). */
  lo: number;
  /** One past the last such index. */
  hi: number;
}

/** Incremental longest-match search of one tokenized output against a list of segments. */
export class LongestMatchSearch {
  /** Deterministic work done so far (binary-search steps + token comparisons). */
  work = 0;
  /** Per segment, the match at the position last searched. */
  readonly matches: SegmentMatch[];
  private readonly symbols: Int32Array[];
  private position = -1;

  /** Prepare a search of `tokens` (normalised token strings) over `segments`. */
  constructor(
    readonly segments: readonly Segment[],
    readonly tokens: readonly string[],
  ) {
    this.symbols = segments.map((seg) => {
      const q = new Int32Array(tokens.length);
      for (let i = 0; i < tokens.length; i++) q[i] = seg.symbolOf(tokens[i]!);
      return q;
    });
    this.matches = segments.map(() => ({ length: 0, lo: 0, hi: 0 }));
    this.work = tokens.length * segments.length;
  }

  /** Search the next position (0, 1, …) and return the longest match length over all segments. */
  next(): number {
    const i = ++this.position;
    if (i >= this.tokens.length) throw new RangeError("search past the end of the output");
    let best = 0;
    for (let s = 0; s < this.segments.length; s++) {
      const m = this.matches[s]!;
      this.matchAt(this.segments[s]!, this.symbols[s]!, i, m.length > 1 ? m.length - 1 : 0, m);
      if (m.length > best) best = m.length;
    }
    return best;
  }

  private matchAt(seg: Segment, q: Int32Array, i: number, known: number, out: SegmentMatch): void {
    const text = seg.text;
    const sa = seg.sa;
    const m = q.length;
    const c0 = q[i]!;
    out.length = 0;
    if (c0 < 0) return;
    let lo = seg.bucketStarts[c0]!;
    let hi = seg.bucketStarts[c0 + 1]!;
    if (lo === hi) return;
    let k = 1;
    if (known > 1) {
      // The range of q[i, i+known), which is known to occur: lower and upper bound with lcp skipping.
      let a = lo;
      let b = hi;
      let la = 1;
      let lb = 1;
      while (a < b) {
        const mid = (a + b) >>> 1;
        const p = sa[mid]!;
        let d = Math.min(la, lb);
        while (d < known && text[p + d] === q[i + d]) d++;
        this.work += 1 + d;
        if (d === known || text[p + d]! > q[i + d]!) {
          b = mid;
          lb = d;
        } else {
          a = mid + 1;
          la = d;
        }
      }
      const first = a; // holds the known prefix, so the range's end is after it
      a = first + 1;
      b = hi;
      la = known;
      lb = 1;
      while (a < b) {
        const mid = (a + b) >>> 1;
        const p = sa[mid]!;
        let d = Math.min(la, lb);
        while (d < known && text[p + d] === q[i + d]) d++;
        this.work += 1 + d;
        if (d === known || text[p + d]! < q[i + d]!) {
          a = mid + 1;
          la = d;
        } else {
          b = mid;
          lb = d;
        }
      }
      lo = first;
      hi = a;
      k = known;
    }
    // Extend token by token.
    while (i + k < m) {
      const c = q[i + k]!;
      if (c < 0) break;
      if (hi - lo === 1) {
        const p = sa[lo]!;
        while (i + k < m && text[p + k] === q[i + k]) {
          k++;
          this.work++;
        }
        break;
      }
      // Lower bound of c at depth k in [lo, hi).
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        this.work++;
        if (text[sa[mid]! + k]! < c) a = mid + 1;
        else b = mid;
      }
      if (a === hi || text[sa[a]! + k] !== c) break;
      // Gallop for the end of c's run, then binary search inside the last step.
      let step = 1;
      let last = a; // known to hold c
      while (last + step < hi) {
        this.work++;
        if (text[sa[last + step]! + k] !== c) break;
        last += step;
        step *= 2;
      }
      let end = Math.min(last + step, hi); // first index known (or assumed at hi) not to hold c
      while (end - last > 1) {
        const mid = (last + end) >>> 1;
        this.work++;
        if (text[sa[mid]! + k] === c) last = mid;
        else end = mid;
      }
      lo = a;
      hi = end;
      k++;
    }
    out.length = k;
    out.lo = lo;
    out.hi = hi;
  }
}

/** The longest-match length of every position of `tokens` over `segments`, and the work it took. */
export function longestMatches(
  segments: readonly Segment[],
  tokens: readonly string[],
): { lengths: Int32Array; work: number } {
  const search = new LongestMatchSearch(segments, tokens);
  const lengths = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) lengths[i] = search.next();
  return { lengths, work: search.work };
}
