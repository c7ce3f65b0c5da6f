/**
 * The Proof of Attribution engine: a pure, deterministic library (no chain imports) — the tokenizer,
 * segmented suffix-array indexes with their serialised form, longest-match search and span scoring.
 * The attribution module runs it on chain; the models module's n-gram trainer shares its tokenizer.
 */
export {
  type AttributedRow,
  type AttributedSpan,
  type AttributeOptions,
  type Attribution,
  type AttributionParams,
  attribute,
  attributeTokens,
  MAX_SPAN_ROWS_LIMIT,
  normalizePpm,
  PPM_TOTAL,
  SPAN_WEIGHT_SCALE,
  validateParams,
} from "./attribute.js";
export { EngineError, EngineErrorCode } from "./errors.js";
export { suffixArray } from "./sais.js";
export { LongestMatchSearch, longestMatches, type SegmentMatch } from "./search.js";
export {
  type BuildOptions,
  type BuildProgress,
  buildSegment,
  buildSegmentFromTokens,
  type IndexRow,
  MAX_SEGMENT_META,
  MAX_SEGMENT_SYMBOLS,
  SEGMENT_FORMAT_VERSION,
  Segment,
  type TokenizedRows,
} from "./segment.js";
export {
  normalizeToken,
  TOKENIZER_VERSION,
  type Token,
  tokenId64,
  tokenize,
  tokenizeToStrings,
} from "./tokenizer.js";
