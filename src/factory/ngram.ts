/**
 * The reference language model: an n-gram model with interpolated modified Kneser–Ney smoothing (Chen &
 * Goodman 1998) over the attribution tokenizer's tokens (`tokenizeToStrings`, vocabulary ordered by
 * `tokenId64`). Training is deterministic (same sequences → byte-identical artifact); it runs off chain,
 * so floats are allowed (discounts are computed once and stored; probabilities at load time).
 *
 * Artifact format `openledger.ngram-kn` version 1 is UTF-8 JSON with keys in this order and no spaces:
 * `{"format":"openledger.ngram-kn","version":1,"tokenizer":1,"order":N,"vocab":[...],
 * "discounts":[[D1,D2,D3+] per order 1..N],"grams":[[[ids...,count],...] per order 1..N],"meta":{...}}`.
 * Ids: 0 = `<unk>`, 1 = `</s>`, 2 = `<s>`, then `vocab[i]` is id `i + 3`; `vocab` is sorted by
 * (`tokenId64`, code units). `grams[k-1]` lists every k-gram ending in a predictable token (not `<s>`),
 * sorted by its ids: for k = N the count is the raw count, for k < N the continuation count (the number
 * of distinct tokens seen before it). Each sequence is padded with N-1 `<s>` and ended by `</s>`.
 */
import { TOKENIZER_VERSION, tokenId64, tokenizeToStrings } from "../attribution/engine/tokenizer.js";

/** Artifact format name. */
export const NGRAM_FORMAT = "openledger.ngram-kn";
/** Artifact format version. */
export const NGRAM_FORMAT_VERSION = 1;
/** Base model id of the reference trainer. */
export const NGRAM_BASE_MODEL = "ngram-kn-v1";
/** Unknown-token id. */
export const UNK = 0;
/** End-of-sequence id. */
export const EOS = 1;
/** Begin-of-sequence (padding) id. */
export const BOS = 2;
/** Number of special ids. */
export const SPECIALS = 3;
/** Smallest and largest supported order. */
export const MIN_ORDER = 1;
/** Largest supported order. */
export const MAX_ORDER = 6;

/** The parsed artifact document. */
export interface NgramArtifact {
  format: string;
  version: number;
  tokenizer: number;
  order: number;
  vocab: string[];
  discounts: number[][];
  grams: number[][][];
  meta: Record<string, unknown>;
}

/** A model artifact parse / check failure. */
export class ArtifactError extends Error {
  /** With a message saying what is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

function cmpVocab(a: string, b: string): number {
  const ia = tokenId64(a);
  const ib = tokenId64(b);
  if (ia !== ib) return ia < ib ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpTuple(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Modified KN discounts (D1, D2, D3+) from count-of-counts, with fallbacks for tiny corpora. */
export function discountsOf(counts: Iterable<number>): number[] {
  const n = [0, 0, 0, 0, 0];
  for (const c of counts) if (c >= 1 && c <= 4) n[c] = (n[c] ?? 0) + 1;
  const [, n1 = 0, n2 = 0, n3 = 0, n4 = 0] = n;
  const fallback = [0.5, 1.0, 1.5];
  if (n1 === 0 || n2 === 0) return fallback;
  const y = n1 / (n1 + 2 * n2);
  const d = [
    1 - (2 * y * n2) / n1,
    n3 > 0 ? 2 - (3 * y * n3) / n2 : fallback[1]!,
    n4 > 0 && n3 > 0 ? 3 - (4 * y * n4) / n3 : fallback[2]!,
  ];
  return d.map((x, i) => (Number.isFinite(x) && x > 0 && x <= i + 1 ? x : fallback[i]!));
}

/** Train on token sequences; returns the artifact document. */
export function trainNgram(
  sequences: readonly (readonly string[])[],
  order: number,
  meta: Record<string, unknown> = {},
): NgramArtifact {
  if (!Number.isInteger(order) || order < MIN_ORDER || order > MAX_ORDER)
    throw new RangeError(`order must be an integer in [${MIN_ORDER}, ${MAX_ORDER}]`);
  const vocabSet = new Set<string>();
  for (const s of sequences) for (const t of s) vocabSet.add(t);
  const vocab = [...vocabSet].sort(cmpVocab);
  const idOf = new Map<string, number>();
  for (const [i, t] of vocab.entries()) idOf.set(t, i + SPECIALS);
  // Highest order: raw counts. Lower orders: continuation counts from the distinct (k+1)-gram types.
  const tables: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const types: Set<string>[] = Array.from({ length: order }, () => new Set());
  for (const s of sequences) {
    const ids = [...Array<number>(order - 1).fill(BOS), ...s.map((t) => idOf.get(t)!), EOS];
    for (let i = order - 1; i < ids.length; i++) {
      for (let k = 1; k <= order; k++) {
        const key = ids.slice(i - k + 1, i + 1).join(",");
        if (k === order) {
          const top = tables[order - 1]!;
          top.set(key, (top.get(key) ?? 0) + 1);
        } else {
          types[k]!.add(ids.slice(i - k, i + 1).join(","));
        }
      }
    }
  }
  for (let k = 1; k < order; k++) {
    const t = tables[k - 1]!;
    for (const key of types[k]!) {
      const suffix = key.slice(key.indexOf(",") + 1);
      t.set(suffix, (t.get(suffix) ?? 0) + 1);
    }
  }
  const grams = tables.map((t) =>
    [...t.entries()].map(([k, c]) => [...k.split(",").map(Number), c]).sort((a, b) => cmpTuple(a, b)),
  );
  const discounts = tables.map((t) => discountsOf(t.values()));
  return {
    format: NGRAM_FORMAT,
    version: NGRAM_FORMAT_VERSION,
    tokenizer: TOKENIZER_VERSION,
    order,
    vocab,
    discounts,
    grams,
    meta,
  };
}

/** Train on texts (each text is one sequence, tokenized with the attribution tokenizer). */
export function trainNgramOnTexts(
  texts: readonly string[],
  order: number,
  meta: Record<string, unknown> = {},
): NgramArtifact {
  return trainNgram(
    texts.map((t) => tokenizeToStrings(t)),
    order,
    meta,
  );
}

/** The artifact's canonical bytes (deterministic JSON). */
export function serializeArtifact(a: NgramArtifact): Uint8Array {
  const doc = {
    format: a.format,
    version: a.version,
    tokenizer: a.tokenizer,
    order: a.order,
    vocab: a.vocab,
    discounts: a.discounts,
    grams: a.grams,
    meta: a.meta,
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

/** Parse and structurally check artifact bytes; throws `ArtifactError`. */
export function parseArtifact(bytes: Uint8Array): NgramArtifact {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ArtifactError(`artifact is not UTF-8 JSON: ${(e as Error).message}`);
  }
  const a = doc as NgramArtifact;
  if (typeof a !== "object" || a === null || a.format !== NGRAM_FORMAT)
    throw new ArtifactError(`not an ${NGRAM_FORMAT} artifact`);
  if (a.version !== NGRAM_FORMAT_VERSION)
    throw new ArtifactError(`unsupported artifact version ${a.version}`);
  if (a.tokenizer !== TOKENIZER_VERSION)
    throw new ArtifactError(`artifact tokenizer ${a.tokenizer} is not ${TOKENIZER_VERSION}`);
  if (!Number.isInteger(a.order) || a.order < MIN_ORDER || a.order > MAX_ORDER)
    throw new ArtifactError("bad order");
  if (!Array.isArray(a.vocab) || !a.vocab.every((t) => typeof t === "string"))
    throw new ArtifactError("bad vocab");
  if (!Array.isArray(a.discounts) || a.discounts.length !== a.order) throw new ArtifactError("bad discounts");
  if (!Array.isArray(a.grams) || a.grams.length !== a.order) throw new ArtifactError("bad grams");
  const size = a.vocab.length + SPECIALS;
  for (let k = 1; k <= a.order; k++) {
    const d = a.discounts[k - 1];
    if (
      !Array.isArray(d) ||
      d.length !== 3 ||
      !d.every((x, i) => typeof x === "number" && x >= 0 && x <= i + 1)
    )
      throw new ArtifactError(`bad discounts of order ${k}`);
    for (const g of a.grams[k - 1] ?? []) {
      if (!Array.isArray(g) || g.length !== k + 1) throw new ArtifactError(`bad ${k}-gram`);
      for (let i = 0; i < k; i++) {
        const id = g[i];
        if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= size)
          throw new ArtifactError(`bad id in ${k}-gram`);
      }
      const c = g[k];
      if (!Number.isInteger(c) || (c as number) < 1) throw new ArtifactError(`bad count in ${k}-gram`);
    }
  }
  return a;
}

/** Children of one context: next-token ids and their counts, and the interpolation weight. */
interface ContextEntry {
  words: Int32Array;
  /** Discounted probability mass of each word: (c - D(c)) / total. */
  mass: Float64Array;
  /** Back-off weight γ(h). */
  gamma: number;
}

/** A loaded n-gram model: conditional distributions and text generation. */
export class NgramModel {
  /** Model order. */
  readonly order: number;
  /** Number of ids (specials + vocabulary). */
  readonly size: number;
  /** Approximate heap bytes held (for the gateway's LRU accounting). */
  readonly approxBytes: number;
  private readonly vocab: string[];
  private readonly ids: Map<string, number>;
  /** Per order k (index k-1): context key (ids joined by ",") → entry. */
  private readonly tables: Map<string, ContextEntry>[];

  /** Build the probability tables from a parsed artifact. */
  constructor(a: NgramArtifact) {
    this.order = a.order;
    this.vocab = a.vocab;
    this.size = a.vocab.length + SPECIALS;
    this.ids = new Map(a.vocab.map((t, i) => [t, i + SPECIALS]));
    let bytes = 64 * this.size;
    this.tables = a.grams.map((grams, idx) => {
      const k = idx + 1;
      const [d1, d2, d3] = a.discounts[idx] as [number, number, number];
      const groups = new Map<string, { words: number[]; counts: number[] }>();
      for (const g of grams) {
        const key = g.slice(0, k - 1).join(",");
        let e = groups.get(key);
        if (!e) {
          e = { words: [], counts: [] };
          groups.set(key, e);
        }
        e.words.push(g[k - 1]!);
        e.counts.push(g[k]!);
      }
      const table = new Map<string, ContextEntry>();
      for (const [key, e] of groups) {
        let total = 0;
        let disc = 0;
        const mass = new Float64Array(e.counts.length);
        const dOf = (c: number) => (c === 1 ? d1 : c === 2 ? d2 : d3);
        for (const c of e.counts) total += c;
        e.counts.forEach((c, i) => {
          const d = dOf(c);
          disc += d;
          mass[i] = (c - d) / total;
        });
        table.set(key, { words: Int32Array.from(e.words), mass, gamma: disc / total });
        // Measured (node 20, --expose-gc): a context costs ~500 B (map entry, key, object, two typed arrays).
        bytes += 500 + key.length * 2 + e.words.length * 12;
      }
      return table;
    });
    this.approxBytes = bytes;
  }

  /** The id of a token (`<unk>` when unseen). */
  idOf(token: string): number {
    return this.ids.get(token) ?? UNK;
  }

  /** The token of an id (specials as `<unk>`, `</s>`, `<s>`). */
  tokenOf(id: number): string {
    if (id === UNK) return "<unk>";
    if (id === EOS) return "</s>";
    if (id === BOS) return "<s>";
    return this.vocab[id - SPECIALS] ?? "<unk>";
  }

  /**
   * P(w | history) for every id w (index = id); `<s>` gets 0. Uses the last order-1 ids of `history`
   * (already padded with `<s>` by the caller). Sums to 1 up to float rounding.
   */
  distribution(history: readonly number[]): Float64Array {
    const p = new Float64Array(this.size);
    const uniform = 1 / (this.size - 1);
    p.fill(uniform);
    p[BOS] = 0;
    for (let k = 1; k <= this.order; k++) {
      if (history.length < k - 1) break;
      const ctx = history.slice(history.length - (k - 1)).join(",");
      const e = this.tables[k - 1]!.get(k === 1 ? "" : ctx);
      if (!e) continue;
      for (let i = 0; i < p.length; i++) p[i]! *= e.gamma;
      for (let j = 0; j < e.words.length; j++) p[e.words[j]!]! += e.mass[j]!;
    }
    return p;
  }

  /** Ids of a text's tokens, with the `<s>` padding of a sequence start. */
  contextOf(text: string): number[] {
    return [...Array<number>(this.order - 1).fill(BOS), ...tokenizeToStrings(text).map((t) => this.idOf(t))];
  }

  /**
   * Generate up to `maxTokens` tokens after `prompt`. Temperature 0 is greedy (ties: lowest id);
   * otherwise sampling from p^(1/T) with a PRNG seeded by `seed`. Never emits `<unk>` or `<s>`; stops
   * at `</s>`. Calls `onToken` for each token as it is produced.
   */
  *generate(prompt: string, opts: GenerateOptions): Generator<string, FinishReason> {
    const history = this.contextOf(prompt);
    const rng = mulberry32(opts.seed >>> 0);
    const temp = opts.temperature;
    for (let n = 0; n < opts.maxTokens; n++) {
      const p = this.distribution(history);
      p[UNK] = 0;
      let next = EOS;
      if (temp <= 0) {
        let best = -1;
        for (let i = 0; i < p.length; i++) {
          if (p[i]! > best) {
            best = p[i]!;
            next = i;
          }
        }
      } else {
        let total = 0;
        const inv = 1 / temp;
        for (let i = 0; i < p.length; i++) {
          p[i] = p[i]! > 0 ? p[i]! ** inv : 0;
          total += p[i]!;
        }
        let r = rng() * total;
        for (let i = 0; i < p.length; i++) {
          r -= p[i]!;
          if (r <= 0 && p[i]! > 0) {
            next = i;
            break;
          }
        }
      }
      if (next === EOS) return "stop";
      history.push(next);
      yield this.tokenOf(next);
    }
    return "length";
  }
}

/** Why generation ended (OpenAI's `finish_reason`). */
export type FinishReason = "stop" | "length";

/** Decoding options. */
export interface GenerateOptions {
  maxTokens: number;
  temperature: number;
  seed: number;
}

/** mulberry32: a small seeded 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NO_SPACE_BEFORE = /^[.,!?;:%)\]}'’]$/;
const NO_SPACE_AFTER = /^[([{'’$#@]$/;

/** Whether a space goes between `prev` (empty at the start of a text) and `token`. */
export function spaceBetween(prev: string, token: string): boolean {
  return prev !== "" && !NO_SPACE_BEFORE.test(token) && !NO_SPACE_AFTER.test(prev);
}

/** Join generated tokens into text: spaces between words, none around attaching punctuation. */
export function detokenize(tokens: readonly string[], leadingSpace = false): string {
  let out = "";
  let prev = leadingSpace ? "x" : "";
  for (const t of tokens) {
    if (prev !== "" && !NO_SPACE_BEFORE.test(t) && !NO_SPACE_AFTER.test(prev)) out += " ";
    out += t;
    prev = t;
  }
  return out;
}
