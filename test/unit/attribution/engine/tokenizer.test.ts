import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  normalizeToken,
  TOKENIZER_VERSION,
  tokenId64,
  tokenize,
  tokenizeToStrings,
} from "../../../../src/attribution/engine/index.js";
import { below, prng } from "./helpers.js";

const texts = (s: string): string[] => tokenize(s).map((t) => t.text);

describe("attribution tokenizer v1", () => {
  it("is version 1", () => {
    assert.equal(TOKENIZER_VERSION, 1);
  });

  it("splits words and punctuation, lower-cased, whitespace dropped", () => {
    assert.deepEqual(texts("Don't stop!"), ["don", "'", "t", "stop", "!"]);
    assert.deepEqual(texts("  Pi is 3.14\t\n(approx.)  "), [
      "pi",
      "is",
      "3",
      ".",
      "14",
      "(",
      "approx",
      ".",
      ")",
    ]);
    assert.deepEqual(texts(""), []);
    assert.deepEqual(texts(" \u00a0\u2003\n"), []);
    assert.deepEqual(texts("snake_case a-b"), ["snake", "_", "case", "a", "-", "b"]);
  });

  it("normalises NFC so composed and decomposed forms give the same token", () => {
    const composed = "Ünïcode café";
    const decomposed = composed.normalize("NFD");
    assert.notEqual(composed, decomposed);
    assert.deepEqual(texts(composed), ["ünïcode", "café"]);
    assert.deepEqual(texts(decomposed), texts(composed));
    assert.deepEqual(texts("ΑΒΓ Straße ДОМ"), ["αβγ", "straße", "дом"]);
  });

  it("keeps an other code point with its combining marks and maps lone surrogates to U+FFFD", () => {
    assert.deepEqual(texts("a =\u0338 b"), ["a", "≠", "b"]);
    assert.deepEqual(texts("x\ud800y"), ["x", "\ufffd", "y"]);
    assert.deepEqual(texts("hi 👋🏽!"), ["hi", "👋", "🏽", "!"]);
    assert.equal(normalizeToken("İ"), "i\u0307");
  });

  it("reports offsets into the original text", () => {
    const text = "  Héllo,\u00a0WORLD e\u0301!";
    for (const t of tokenize(text)) {
      assert.equal(normalizeToken(text.slice(t.start, t.end)), t.text);
    }
    assert.deepEqual(
      tokenize(text).map((t) => [t.start, t.end]),
      [
        [2, 7],
        [7, 8],
        [9, 14],
        [15, 17],
        [17, 18],
      ],
    );
  });

  it("tokenizeToStrings agrees with tokenize on random Unicode text", () => {
    const rng = prng(7);
    const alphabet = [
      "a",
      "B",
      "é",
      "e\u0301",
      " ",
      "\n",
      ".",
      "!",
      "7",
      "Ж",
      "中",
      "\u0338",
      "\ud83d\ude00",
      "\u00a0",
    ];
    for (let trial = 0; trial < 200; trial++) {
      let s = "";
      const len = below(rng, 40);
      for (let i = 0; i < len; i++) s += alphabet[below(rng, alphabet.length)];
      assert.deepEqual(tokenizeToStrings(s), texts(s));
      assert.deepEqual(texts(s), texts(s.normalize("NFD")), `NFD invariance on ${JSON.stringify(s)}`);
    }
  });

  it("tokenId64 is 64-bit FNV-1a of the UTF-8 bytes", () => {
    assert.equal(tokenId64(""), 0xcbf29ce484222325n);
    assert.equal(tokenId64("a"), 0xaf63dc4c8601ec8cn);
    assert.equal(tokenId64("foobar"), 0x85944171f73967e8n);
    assert.notEqual(tokenId64("é"), tokenId64("e"));
  });
});
