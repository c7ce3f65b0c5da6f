/**
 * Span scoring: from the longest matches of an output to per-row parts per million.
 *
 * 1. Spans. With `L[i]` the longest match at output position i (over all segments searched), the
 *    end `i + L[i]` never decreases, so the span `[i, i + L[i])` lies inside a longer matched span exactly
 *    when `L[i] < L[i−1]`. The **maximal spans** are the positions with `L[i] ≥ L[i−1]` (or i = 0) and
 *    `L[i] ≥ minSpanTokens`. Maximal spans may overlap; each counts in full.
 * 2. Rows of a span: the distinct rows holding at least one occurrence of the span's tokens (any segment),
 *    with, per row, the smallest token offset of an occurrence within that row. A span in more than
 *    `maxSpanRows` rows is **common**: counted in `commonSpans` and skipped (no credit, not listed).
 * 3. Weights: a credited span of length L weighs `L × SPAN_WEIGHT_SCALE` units, split equally among its d
 *    rows by integer division; the remainder `W mod d` goes one unit each to its first rows by ascending
 *    row id. `SPAN_WEIGHT_SCALE` = 720720 = lcm(1..16), so splits among up to 16 rows are exact. A row's
 *    score is the sum of its shares (a bigint).
 * 4. Rows kept: the `maxRows` highest scores (ties: smaller row id first). Truncated rows are dropped
 *    before normalising, so the kept rows' ppm again sum to 1,000,000 (each row's ppm is its share among
 *    the kept rows).
 * 5. Parts per million by largest remainder: `ppm = floor(score × 10^6 / total)`; the 10^6 − Σppm
 *    leftover units go one each to the rows with the largest remainders `score × 10^6 mod total`, ties to
 *    the smaller row id. Σppm = 1,000,000 exactly, or no rows at all when nothing was credited.
 *
 * Everything is integer: token and character offsets are numbers, scores bigints.
 */
import { EngineError, EngineErrorCode } from "./errors.js";
import { LongestMatchSearch } from "./search.js";
import type { Segment } from "./segment.js";
import { TOKENIZER_VERSION, type Token, tokenize } from "./tokenizer.js";

/** Parts per million that the credited rows' `ppm` sum to. */
export const PPM_TOTAL = 1_000_000;
/** Weight units per matched token of a span: lcm(1..16), so splits among up to 16 rows are exact. */
export const SPAN_WEIGHT_SCALE = 720_720n;
/** Largest `maxSpanRows` (every row of a credited span then gets at least one weight unit). */
export const MAX_SPAN_ROWS_LIMIT = 720_720;

/** The governed knobs of span scoring. */
export interface AttributionParams {
  /** Shortest span (in tokens) that earns credit; at least 1. */
  minSpanTokens: number;
  /** A span found in more rows than this is common and skipped; 1..720720. */
  maxSpanRows: number;
  /** At most this many rows are credited; at least 1. */
  maxRows: number;
}

/** A credited span of the output. */
export interface AttributedSpan {
  /** First output token of the span. */
  start: number;
  /** One past the last output token. */
  end: number;
  /** UTF-16 offset of the span's first character in the output text. */
  charStart: number;
  /** UTF-16 offset just past the span's last character. */
  charEnd: number;
  /** The distinct rows holding the span, by ascending row id. */
  rows: bigint[];
  /** Per row (same order), the token offset within the row of the span's first occurrence there. */
  rowOffsets: number[];
}

/** A credited row. */
export interface AttributedRow {
  /** The row's id. */
  rowId: bigint;
  /** Its share in parts per million (the kept rows' shares sum to 1,000,000). */
  ppm: number;
  /** Its raw score in weight units. */
  score: bigint;
  /** Indices into `Attribution.spans` of the spans that credited it, ascending. */
  spans: number[];
}

/** The attribution of one output. */
export interface Attribution {
  /** The tokenizer version used (`TOKENIZER_VERSION`). */
  tokenizerVersion: number;
  /** Credited rows, highest score first (ties: smaller row id first), at most `maxRows`. */
  rows: AttributedRow[];
  /** Credited maximal spans by ascending start. */
  spans: AttributedSpan[];
  /** Maximal spans skipped as common (found in more than `maxSpanRows` rows). */
  commonSpans: number;
  /** Output tokens covered by at least one credited span. */
  matchedTokens: number;
  /** Output tokens. */
  totalTokens: number;
  /** Deterministic work of the search and row lookup (binary-search steps, comparisons, occurrences). */
  work: number;
}

/** Options of one attribution run. */
export interface AttributeOptions {
  /**
   * Abort with `EngineError` `WorkLimitExceeded` once `work` passes this bound (checked after every
   * output position and every 1,024 occurrences scanned), so a pathological output (a long repetitive
   * text matching a repetitive row, where the search is quadratic) costs at most the gas it pays for.
   */
  maxWork?: number;
}

/** Check scoring params; throws `EngineError` `InvalidParams`. */
export function validateParams(p: AttributionParams): void {
  const bad = (why: string): EngineError => new EngineError(EngineErrorCode.InvalidParams, why);
  if (!Number.isSafeInteger(p.minSpanTokens) || p.minSpanTokens < 1) throw bad("minSpanTokens must be ≥ 1");
  if (!Number.isSafeInteger(p.maxSpanRows) || p.maxSpanRows < 1 || p.maxSpanRows > MAX_SPAN_ROWS_LIMIT) {
    throw bad(`maxSpanRows must be in [1, ${MAX_SPAN_ROWS_LIMIT}]`);
  }
  if (!Number.isSafeInteger(p.maxRows) || p.maxRows < 1) throw bad("maxRows must be ≥ 1");
}

/**
 * Attribute an output text to the rows of `segments` (row ids must be unique across them). Results do
 * not depend on how rows are split into segments or on their order; `work` does, so pass segments in a
 * canonical order (datanet, then version).
 */
export function attribute(
  segments: readonly Segment[],
  text: string,
  params: AttributionParams,
  options: AttributeOptions = {},
): Attribution {
  return attributeTokens(segments, tokenize(text), params, options);
}

/** Attribute an already tokenized output (tokens from `tokenize`, offsets into the output text). */
export function attributeTokens(
  segments: readonly Segment[],
  tokens: readonly Token[],
  params: AttributionParams,
  options: AttributeOptions = {},
): Attribution {
  validateParams(params);
  const maxWork = options.maxWork ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxWork) || maxWork < 0) {
    throw new EngineError(EngineErrorCode.InvalidParams, "maxWork must be a non-negative safe integer");
  }
  const search = new LongestMatchSearch(
    segments,
    tokens.map((t) => t.text),
  );
  const checkWork = (extra: number): void => {
    if (search.work + extra > maxWork) {
      throw new EngineError(EngineErrorCode.WorkLimitExceeded, `attribution work exceeds ${maxWork}`);
    }
  };
  const spans: AttributedSpan[] = [];
  const scores = new Map<bigint, { score: bigint; spans: number[] }>();
  let commonSpans = 0;
  let matchedTokens = 0;
  let coveredTo = 0;
  let prevLen = 0;
  let work = 0;
  for (let i = 0; i < tokens.length; i++) {
    const len = search.next();
    checkWork(work);
    const maximal = len >= params.minSpanTokens && (i === 0 || len >= prevLen);
    prevLen = len;
    if (!maximal) continue;
    // Distinct rows holding the span, with each row's first offset; stop once it is common.
    const rowOffset = new Map<bigint, number>();
    let common = false;
    for (let s = 0; s < segments.length && !common; s++) {
      const m = search.matches[s]!;
      if (m.length !== len) continue;
      const seg = segments[s]!;
      const lookupCost = 1 + (32 - Math.clz32(seg.rowCount));
      for (let j = m.lo; j < m.hi; j++) {
        const pos = seg.sa[j]!;
        const r = seg.rowIndexAt(pos);
        work += lookupCost;
        if (((j - m.lo) & 1023) === 1023) checkWork(work);
        const rowId = seg.rowIds[r]!;
        const offset = pos - seg.rowStarts[r]!;
        const seen = rowOffset.get(rowId);
        if (seen === undefined) {
          rowOffset.set(rowId, offset);
          if (rowOffset.size > params.maxSpanRows) {
            common = true;
            break;
          }
        } else if (offset < seen) {
          rowOffset.set(rowId, offset);
        }
      }
    }
    if (common) {
      commonSpans++;
      continue;
    }
    checkWork(work);
    const rows = [...rowOffset.keys()].sort(compareBigint);
    const index = spans.length;
    spans.push({
      start: i,
      end: i + len,
      charStart: tokens[i]!.start,
      charEnd: tokens[i + len - 1]!.end,
      rows,
      rowOffsets: rows.map((r) => rowOffset.get(r)!),
    });
    matchedTokens += i + len - Math.max(i, coveredTo);
    coveredTo = i + len;
    // Split L × scale equally; remainder units to the first rows by ascending id.
    const weight = BigInt(len) * SPAN_WEIGHT_SCALE;
    const d = BigInt(rows.length);
    const share = weight / d;
    const remainder = Number(weight % d);
    for (let k = 0; k < rows.length; k++) {
      const rowId = rows[k]!;
      const add = share + (k < remainder ? 1n : 0n);
      const entry = scores.get(rowId);
      if (entry === undefined) scores.set(rowId, { score: add, spans: [index] });
      else {
        entry.score += add;
        entry.spans.push(index);
      }
    }
  }
  const ranked = [...scores.entries()]
    .map(([rowId, e]) => ({ rowId, score: e.score, spans: e.spans, ppm: 0 }))
    .sort((a, b) => (a.score === b.score ? compareBigint(a.rowId, b.rowId) : a.score > b.score ? -1 : 1))
    .slice(0, params.maxRows);
  normalizePpm(ranked);
  return {
    tokenizerVersion: TOKENIZER_VERSION,
    rows: ranked,
    spans,
    commonSpans,
    matchedTokens,
    totalTokens: tokens.length,
    work: search.work + work,
  };
}

/**
 * Set `ppm` of each row from its `score` by largest remainder so the ppm sum to exactly 1,000,000
 * (rule 5 above); a list whose scores sum to 0 gets ppm 0 everywhere. Exported for tests and callers that
 * re-normalise.
 */
export function normalizePpm(rows: { rowId: bigint; score: bigint; ppm: number }[]): void {
  let total = 0n;
  for (const r of rows) total += r.score;
  if (total === 0n) {
    for (const r of rows) r.ppm = 0;
    return;
  }
  const million = BigInt(PPM_TOTAL);
  const remainders: { index: number; rem: bigint; rowId: bigint }[] = [];
  let assigned = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const num = r.score * million;
    r.ppm = Number(num / total);
    assigned += r.ppm;
    remainders.push({ index: i, rem: num % total, rowId: r.rowId });
  }
  remainders.sort((a, b) => (a.rem === b.rem ? compareBigint(a.rowId, b.rowId) : a.rem > b.rem ? -1 : 1));
  for (let k = 0; k < PPM_TOTAL - assigned; k++) rows[remainders[k]!.index]!.ppm += 1;
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
