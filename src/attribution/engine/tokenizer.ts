/**
 * The deterministic tokenizer shared by Proof of Attribution and the reference n-gram trainer.
 *
 * Version 1 (`TOKENIZER_VERSION = 1`) is defined as follows; changing any rule needs a new version, and a
 * new version needs every index rebuilt (serialised indexes record the version and refuse another).
 *
 * 1. The input is a JavaScript string. Tokens are found on the string **as given**, so token offsets are
 *    offsets into the caller's text (UTF-16 code units, i.e. JS string indices).
 * 2. Code points are classified with Unicode general categories: word code points are `\p{L}` (letters),
 *    `\p{M}` (marks) and `\p{N}` (numbers); space code points are `\p{White_Space}`; every other code point
 *    (punctuation, symbols, controls, format characters, private use, unassigned, lone surrogates) is
 *    "other".
 * 3. A **word token** is a maximal run of word code points. An **other token** is one "other" code point
 *    followed by the maximal run of marks (`\p{M}`) after it (so NFC compositions such as `=` + U+0338 stay
 *    one token). Space code points separate tokens and produce none. Formally, tokens are the successive
 *    matches of `/[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}\p{White_Space}]\p{M}*` + `/gu` over the input.
 * 4. A token's text is `NFC(toLowerCase(NFC(wellFormed(raw))))`: lone surrogates become U+FFFD, then
 *    Unicode NFC normalisation, then the locale-independent default case mapping
 *    (`String.prototype.toLowerCase`, never `toLocaleLowerCase`), then NFC again (case mapping can
 *    denormalise). For pure-ASCII tokens this equals ASCII lower-casing.
 *
 * So `Don't stop!` → `don`, `'`, `t`, `stop`, `!`; `Ünïcode` (composed or decomposed) → `ünïcode`;
 * `3.14` → `3`, `.`, `14`.
 *
 * Determinism: the rules use no locale and no engine-dependent regex feature; the Unicode data (character
 * categories, NFC, case mapping) is the one of the Node.js runtime (Node 20 ships ICU 78 / Unicode 17), so
 * validators must run the same Node.js major — only code points assigned in a later Unicode version can
 * tokenize differently.
 *
 * Token ids: attribution indexes map token strings to dense ids through a per-segment dictionary keyed by
 * the exact token string, so hashing never decides a match (no collisions are possible). Consumers that
 * need a vocabulary-free id (the n-gram trainer's hashed features) use `tokenId64`, 64-bit FNV-1a of the
 * token's UTF-8 bytes; at 64 bits a collision is negligible for any realistic vocabulary, and consumers
 * keep the token string next to it when a collision would matter.
 */

/** The tokenizer version recorded in every serialised index and attribution result. */
export const TOKENIZER_VERSION = 1;

/** One token of a text: its normalised text and its span `[start, end)` in the original string. */
export interface Token {
  /** The normalised token text (NFC, lower-cased). */
  text: string;
  /** Offset of the token's first UTF-16 code unit in the original string. */
  start: number;
  /** Offset just past the token's last UTF-16 code unit in the original string. */
  end: number;
}

const TOKEN_RE = /[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}\p{White_Space}]\p{M}*/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point of this pattern
const ASCII_RE = /^[\u0000-\u007f]*$/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Normalise one raw token (rule 4 of the definition above). */
export function normalizeToken(raw: string): string {
  if (ASCII_RE.test(raw)) return raw.toLowerCase();
  const wellFormed = raw.replace(LONE_SURROGATE_RE, "\uFFFD");
  return wellFormed.normalize("NFC").toLowerCase().normalize("NFC");
}

/** Tokenize a text into tokens with their offsets in the original string. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const ascii = ASCII_RE.test(text);
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const raw = m[0];
    out.push({
      text: ascii ? raw.toLowerCase() : normalizeToken(raw),
      start: m.index,
      end: m.index + raw.length,
    });
  }
  return out;
}

/** Tokenize a text into normalised token strings only (the trainer's and the index builder's path). */
export function tokenizeToStrings(text: string): string[] {
  const out: string[] = [];
  const ascii = ASCII_RE.test(text);
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    out.push(ascii ? m[0].toLowerCase() : normalizeToken(m[0]));
  }
  return out;
}

const encoder = new TextEncoder();

/** 64-bit FNV-1a of a token's UTF-8 bytes, a vocabulary-free token id (see the collision note above). */
export function tokenId64(token: string): bigint {
  const bytes = encoder.encode(token);
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // h *= 0x100000001b3  ==  h * 0x1b3 + (h << 40), modulo 2^64.
    const p = lo * 0x1b3;
    const carry = Math.floor(p / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = p >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}
