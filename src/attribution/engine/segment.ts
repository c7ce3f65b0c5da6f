/**
 * One segment of an attribution index: the suffix array of a set of rows, its dictionary and its
 * serialised form.
 *
 * A datanet version's index is the list of segments of versions 1..v, each holding only the rows that
 * version added; so publishing a version indexes only its new rows, and a model pinned to version v
 * searches exactly the rows of versions 1..v.
 *
 * Layout in memory: the rows' token ids are concatenated into `text` as symbols `dictId + 2`, each row
 * followed by the separator symbol 1, the whole ended by the unique sentinel 0. Query symbols are always
 * ≥ 2, so no match can cross a row boundary. `sa` is the suffix array of `text` (SA-IS, linear time).
 *
 * Serialised form (all integers little-endian; identical bytes on every node for the same rows in the
 * same order):
 *
 * ```
 * header (64 bytes)
 *   0  magic "OLAX"            4  format version (u32, 1)   8  tokenizer version (u32)
 *  12  n = text length (u32)  16  row count (u32)          20  vocabulary size (u32)
 *  24  vocabulary UTF-8 bytes (u32)                          28  meta length (u32)
 *  32  sha256 over header bytes [0, 32) ‖ body
 * body
 *   meta (caller's bytes, e.g. datanet id, version and merkle root), zero-padded to a multiple of 8
 *   row ids: u64 × rows                     row starts: u32 × (rows + 1)
 *   vocabulary: u32 length × size, then the UTF-8 strings in id order, zero-padded to a multiple of 4
 *   text: i32 × n                           sa: i32 × n
 * ```
 *
 * Loading checks the checksum (corruption), then the structure (separators where the row starts say,
 * symbols in range, `sa` a permutation sorted by first symbol, row ids and vocabulary distinct); any
 * failure is an `EngineError` (`CorruptIndex`, or `VersionMismatch` for another format or tokenizer
 * version), after which the node rebuilds the segment from the rows in state.
 */
import { createHash } from "node:crypto";
import { fromUtf8, utf8 } from "../../types/bytes.js";
import { EngineError, EngineErrorCode } from "./errors.js";
import { suffixArray } from "./sais.js";
import { TOKENIZER_VERSION, tokenizeToStrings } from "./tokenizer.js";

/** The serialised segment format version. */
export const SEGMENT_FORMAT_VERSION = 1;
/** Largest text length (tokens + rows + 1) of one segment: suffix array entries are int32. */
export const MAX_SEGMENT_SYMBOLS = 0x7fff_fff0;
/** Largest caller meta blob stored in a segment header. */
export const MAX_SEGMENT_META = 65_536;

const MAGIC = [0x4f, 0x4c, 0x41, 0x58]; // "OLAX"
const HEADER_BYTES = 64;
const MAX_U64 = (1n << 64n) - 1n;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A row to index: its id (unique across every segment searched together) and its UTF-8 text. */
export interface IndexRow {
  /** The row's id (a uint64), reported in attribution results. */
  rowId: bigint;
  /** The row's content. */
  text: string;
}

/** Rows already tokenized against a vocabulary (the builder's lower layer; benchmarks use it directly). */
export interface TokenizedRows {
  /** Distinct token strings; a token's id is its index. */
  vocabulary: readonly string[];
  /** Row ids in row order. */
  rowIds: readonly bigint[];
  /** Token count of each row, in row order. */
  rowLengths: ArrayLike<number>;
  /** The rows' token ids, concatenated in row order. */
  tokens: Int32Array;
}

/** Progress of a segment build, reported through `BuildOptions.onProgress`. */
export interface BuildProgress {
  /** `tokenize`: rows tokenized; `sort`: suffix sorting (done = recursion level reached); `done`. */
  phase: "tokenize" | "sort" | "done";
  /** Units done in this phase. */
  done: number;
  /** Units in this phase (rows for tokenize; text length for sort and done). */
  total: number;
}

/** Options of a segment build. */
export interface BuildOptions {
  /** Bytes stored in the header (at most 64 KiB), e.g. datanet id, version and merkle root. */
  meta?: Uint8Array;
  /** Called as the build progresses (every 1,000 rows while tokenizing, at each sort level, at the end). */
  onProgress?: (p: BuildProgress) => void;
}

/** An immutable, searchable suffix-array segment. Build with `buildSegment`, load with `Segment.deserialize`. */
export class Segment {
  /** Symbol → first suffix-array index of suffixes starting with it; `bucketStarts[c + 1]` ends it. */
  readonly bucketStarts: Int32Array;
  private readonly dictionary: Map<string, number>;
  private cachedChecksum: Uint8Array | undefined;

  private constructor(
    /** Row ids in row order. */
    readonly rowIds: BigUint64Array,
    /** Text position of each row's first token; `rowStarts[rowCount]` is the sentinel's position. */
    readonly rowStarts: Int32Array,
    /** Token strings in id order. */
    readonly vocabulary: readonly string[],
    /** The symbol text (see the file comment). */
    readonly text: Int32Array,
    /** The suffix array of `text`. */
    readonly sa: Int32Array,
    /** The caller's header bytes. */
    readonly meta: Uint8Array,
    dictionary: Map<string, number> | undefined,
    checksum: Uint8Array | undefined,
  ) {
    this.dictionary = dictionary ?? new Map(vocabulary.map((t, i) => [t, i]));
    this.cachedChecksum = checksum;
    this.bucketStarts = new Int32Array(vocabulary.length + 3);
    for (let i = 0; i < text.length; i++) this.bucketStarts[text[i]! + 1]!++;
    for (let c = 1; c < this.bucketStarts.length; c++) this.bucketStarts[c]! += this.bucketStarts[c - 1]!;
  }

  /** Number of rows. */
  get rowCount(): number {
    return this.rowIds.length;
  }

  /** Number of tokens (excluding separators and the sentinel). */
  get tokenCount(): number {
    return this.text.length - this.rowIds.length - 1;
  }

  /** sha256 of the serialised segment (its header checksum): equal on every node for the same rows. */
  get checksum(): Uint8Array {
    if (this.cachedChecksum === undefined) this.serialize();
    return this.cachedChecksum!;
  }

  /** The symbol of a token string in this segment (`id + 2`), or -1 when the segment never saw it. */
  symbolOf(token: string): number {
    const id = this.dictionary.get(token);
    return id === undefined ? -1 : id + 2;
  }

  /** The row index holding text position `pos` (which must be a token position). */
  rowIndexAt(pos: number): number {
    const starts = this.rowStarts;
    let lo = 0;
    let hi = this.rowIds.length; // answer in [lo, hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Serialise to bytes (format in the file comment). */
  serialize(): Uint8Array {
    const vocabBytes = this.vocabulary.map((t) => utf8(t));
    const vocabTotal = vocabBytes.reduce((s, b) => s + b.length, 0);
    const layout = computeLayout(
      this.text.length,
      this.rowIds.length,
      this.vocabulary.length,
      vocabTotal,
      this.meta.length,
    );
    const out = new Uint8Array(layout.total);
    const dv = new DataView(out.buffer);
    out.set(MAGIC, 0);
    dv.setUint32(4, SEGMENT_FORMAT_VERSION, true);
    dv.setUint32(8, TOKENIZER_VERSION, true);
    dv.setUint32(12, this.text.length, true);
    dv.setUint32(16, this.rowIds.length, true);
    dv.setUint32(20, this.vocabulary.length, true);
    dv.setUint32(24, vocabTotal, true);
    dv.setUint32(28, this.meta.length, true);
    out.set(this.meta, layout.meta);
    for (let i = 0; i < this.rowIds.length; i++)
      dv.setBigUint64(layout.rowIds + 8 * i, this.rowIds[i]!, true);
    writeI32(out, dv, layout.rowStarts, this.rowStarts);
    let off = layout.vocab;
    for (let i = 0; i < vocabBytes.length; i++) dv.setUint32(off + 4 * i, vocabBytes[i]!.length, true);
    off += 4 * vocabBytes.length;
    for (const b of vocabBytes) {
      out.set(b, off);
      off += b.length;
    }
    writeI32(out, dv, layout.text, this.text);
    writeI32(out, dv, layout.sa, this.sa);
    const sum = checksumOf(out);
    out.set(sum, 32);
    this.cachedChecksum = sum;
    return out;
  }

  /** Load serialised bytes, verifying checksum and structure; throws `EngineError` when corrupt. */
  static deserialize(input: Uint8Array): Segment {
    const corrupt = (why: string): EngineError =>
      new EngineError(EngineErrorCode.CorruptIndex, `corrupt attribution index: ${why}`);
    if (input.length < HEADER_BYTES) throw corrupt("shorter than its header");
    for (let i = 0; i < 4; i++) if (input[i] !== MAGIC[i]) throw corrupt("bad magic");
    // Views need 8-byte alignment; copy otherwise (e.g. small files read into a shared Buffer pool).
    // (`new Uint8Array(view)` copies; `Buffer#slice` would not.)
    const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const format = dv.getUint32(4, true);
    const tokenizer = dv.getUint32(8, true);
    if (format !== SEGMENT_FORMAT_VERSION || tokenizer !== TOKENIZER_VERSION) {
      throw new EngineError(
        EngineErrorCode.VersionMismatch,
        `attribution index has format ${format} / tokenizer ${tokenizer}, this node uses ${SEGMENT_FORMAT_VERSION} / ${TOKENIZER_VERSION}`,
      );
    }
    const n = dv.getUint32(12, true);
    const rows = dv.getUint32(16, true);
    const vocabSize = dv.getUint32(20, true);
    const vocabTotal = dv.getUint32(24, true);
    const metaLength = dv.getUint32(28, true);
    if (n < 1 || n > MAX_SEGMENT_SYMBOLS || rows > n - 1 || metaLength > MAX_SEGMENT_META) {
      throw corrupt("header sizes out of range");
    }
    const layout = computeLayout(n, rows, vocabSize, vocabTotal, metaLength);
    if (layout.total !== bytes.length) throw corrupt(`length ${bytes.length}, header says ${layout.total}`);
    const sum = checksumOf(bytes);
    for (let i = 0; i < 32; i++) if (sum[i] !== bytes[32 + i]) throw corrupt("checksum mismatch");

    const meta = new Uint8Array(bytes.subarray(layout.meta, layout.meta + metaLength));
    const rowIds = new BigUint64Array(rows);
    for (let i = 0; i < rows; i++) rowIds[i] = dv.getBigUint64(layout.rowIds + 8 * i, true);
    const rowStarts = readI32(bytes, dv, layout.rowStarts, rows + 1);
    const vocabulary: string[] = new Array(vocabSize);
    let off = layout.vocab + 4 * vocabSize;
    for (let i = 0; i < vocabSize; i++) {
      const len = dv.getUint32(layout.vocab + 4 * i, true);
      if (off + len > layout.vocab + 4 * vocabSize + vocabTotal) throw corrupt("vocabulary overruns");
      try {
        vocabulary[i] = fromUtf8(bytes.subarray(off, off + len));
      } catch {
        throw corrupt("vocabulary is not UTF-8");
      }
      off += len;
    }
    if (off !== layout.vocab + 4 * vocabSize + vocabTotal) throw corrupt("vocabulary size mismatch");
    const dictionary = new Map(vocabulary.map((t, i) => [t, i]));
    if (dictionary.size !== vocabSize) throw corrupt("duplicate vocabulary entry");
    if (new Set(rowIds).size !== rows) throw corrupt("duplicate row id");
    const text = readI32(bytes, dv, layout.text, n);
    const sa = readI32(bytes, dv, layout.sa, n);
    const why = checkStructure(text, sa, rowStarts, vocabSize);
    if (why !== undefined) throw corrupt(why);
    return new Segment(rowIds, rowStarts, vocabulary, text, sa, meta, dictionary, sum);
  }

  /** @internal Assemble a segment from built parts (used by the builder). */
  static fromParts(
    rowIds: BigUint64Array,
    rowStarts: Int32Array,
    vocabulary: readonly string[],
    text: Int32Array,
    sa: Int32Array,
    meta: Uint8Array,
  ): Segment {
    return new Segment(rowIds, rowStarts, vocabulary, text, sa, meta, undefined, undefined);
  }
}

/** Tokenize rows (ids by first occurrence, in row order) and build their segment. */
export function buildSegment(rows: readonly IndexRow[], options: BuildOptions = {}): Segment {
  const dictionary = new Map<string, number>();
  const vocabulary: string[] = [];
  const rowIds: bigint[] = [];
  const rowLengths = new Int32Array(rows.length);
  const perRow: Int32Array[] = [];
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    rowIds.push(row.rowId);
    const strings = tokenizeToStrings(row.text);
    const ids = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i]!;
      let id = dictionary.get(s);
      if (id === undefined) {
        id = vocabulary.length;
        dictionary.set(s, id);
        vocabulary.push(s);
      }
      ids[i] = id;
    }
    perRow.push(ids);
    rowLengths[r] = ids.length;
    total += ids.length;
    if (total + r + 2 > MAX_SEGMENT_SYMBOLS) {
      throw new EngineError(EngineErrorCode.InvalidRows, "too many tokens for one segment");
    }
    if ((r + 1) % 1000 === 0) options.onProgress?.({ phase: "tokenize", done: r + 1, total: rows.length });
  }
  options.onProgress?.({ phase: "tokenize", done: rows.length, total: rows.length });
  const tokens = new Int32Array(total);
  let off = 0;
  for (const ids of perRow) {
    tokens.set(ids, off);
    off += ids.length;
  }
  return buildSegmentFromTokens({ vocabulary, rowIds, rowLengths, tokens }, options);
}

/** Build a segment from already tokenized rows (validates them; throws `EngineError` `InvalidRows`). */
export function buildSegmentFromTokens(input: TokenizedRows, options: BuildOptions = {}): Segment {
  const invalid = (why: string): EngineError => new EngineError(EngineErrorCode.InvalidRows, why);
  const { vocabulary, rowIds, rowLengths, tokens } = input;
  const rows = rowIds.length;
  if (rowLengths.length !== rows) throw invalid("row lengths and row ids differ in count");
  const meta = options.meta ?? new Uint8Array(0);
  if (meta.length > MAX_SEGMENT_META) throw invalid(`meta longer than ${MAX_SEGMENT_META} bytes`);
  const n = tokens.length + rows + 1;
  if (n > MAX_SEGMENT_SYMBOLS) throw invalid("too many tokens for one segment");
  if (new Set(vocabulary).size !== vocabulary.length) throw invalid("duplicate vocabulary entry");
  const ids = new BigUint64Array(rows);
  for (let r = 0; r < rows; r++) {
    const id = rowIds[r]!;
    if (typeof id !== "bigint" || id < 0n || id > MAX_U64)
      throw invalid(`row id ${String(id)} is not a uint64`);
    ids[r] = id;
  }
  if (new Set(ids).size !== rows) throw invalid("duplicate row id");
  const v = vocabulary.length;
  const text = new Int32Array(n);
  const rowStarts = new Int32Array(rows + 1);
  let src = 0;
  let dst = 0;
  for (let r = 0; r < rows; r++) {
    const len = rowLengths[r]!;
    if (!Number.isSafeInteger(len) || len < 0 || src + len > tokens.length) throw invalid("bad row length");
    rowStarts[r] = dst;
    for (let i = 0; i < len; i++) {
      const t = tokens[src++]!;
      if (t < 0 || t >= v) throw invalid(`token id ${t} outside the vocabulary`);
      text[dst++] = t + 2;
    }
    text[dst++] = 1;
  }
  if (src !== tokens.length) throw invalid("row lengths do not sum to the token count");
  rowStarts[rows] = dst;
  text[dst] = 0;
  const sa = new Int32Array(n);
  suffixArray(text, sa, v + 2, (level) => options.onProgress?.({ phase: "sort", done: level, total: n }));
  options.onProgress?.({ phase: "done", done: n, total: n });
  return Segment.fromParts(ids, rowStarts, vocabulary, text, sa, meta);
}

interface Layout {
  meta: number;
  rowIds: number;
  rowStarts: number;
  vocab: number;
  text: number;
  sa: number;
  total: number;
}

function computeLayout(
  n: number,
  rows: number,
  vocabSize: number,
  vocabTotal: number,
  metaLength: number,
): Layout {
  const meta = HEADER_BYTES;
  const rowIds = meta + Math.ceil(metaLength / 8) * 8;
  const rowStarts = rowIds + 8 * rows;
  const vocab = rowStarts + 4 * (rows + 1);
  const text = vocab + Math.ceil((4 * vocabSize + vocabTotal) / 4) * 4;
  const sa = text + 4 * n;
  return { meta, rowIds, rowStarts, vocab, text, sa, total: sa + 4 * n };
}

function checksumOf(bytes: Uint8Array): Uint8Array {
  const h = createHash("sha256");
  h.update(bytes.subarray(0, 32));
  h.update(bytes.subarray(HEADER_BYTES));
  return new Uint8Array(h.digest());
}

function writeI32(out: Uint8Array, dv: DataView, offset: number, values: Int32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  } else {
    for (let i = 0; i < values.length; i++) dv.setInt32(offset + 4 * i, values[i]!, true);
  }
}

function readI32(bytes: Uint8Array, dv: DataView, offset: number, count: number): Int32Array {
  if (LITTLE_ENDIAN) return new Int32Array(bytes.buffer, bytes.byteOffset + offset, count);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getInt32(offset + 4 * i, true);
  return out;
}

/** Structural check of loaded arrays; returns why they are malformed, or undefined. */
function checkStructure(
  text: Int32Array,
  sa: Int32Array,
  rowStarts: Int32Array,
  vocabSize: number,
): string | undefined {
  const n = text.length;
  const rows = rowStarts.length - 1;
  if (rowStarts[0] !== 0 || rowStarts[rows] !== n - 1 || text[n - 1] !== 0)
    return "bad row starts or sentinel";
  for (let r = 0; r < rows; r++) {
    const start = rowStarts[r]!;
    const end = rowStarts[r + 1]! - 1; // separator position
    if (end < start || text[end] !== 1) return `row ${r} has no separator`;
    for (let i = start; i < end; i++) {
      const s = text[i]!;
      if (s < 2 || s >= vocabSize + 2) return `symbol out of range at ${i}`;
    }
  }
  const seen = new Uint32Array(Math.ceil(n / 32));
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const p = sa[i]!;
    if (p < 0 || p >= n) return "suffix array entry out of range";
    const bit = 1 << (p & 31);
    if ((seen[p >>> 5]! & bit) !== 0) return "suffix array is not a permutation";
    seen[p >>> 5]! |= bit;
    const s = text[p]!;
    if (s < prev) return "suffix array is not sorted";
    prev = s;
  }
  return undefined;
}
