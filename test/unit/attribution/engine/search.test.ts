import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSegment, longestMatches, Segment } from "../../../../src/attribution/engine/index.js";
import { below, naiveLongest, prng, randomRows, word, zipf } from "./helpers.js";

/** An output mixing random words (some unknown to the corpus) with runs copied from rows. */
function mixedOutput(rng: () => number, words: string[][], vocab: number, length: number): string[] {
  const sample = zipf(rng, vocab + 5);
  const out: string[] = [];
  while (out.length < length) {
    const row = words[below(rng, Math.max(words.length, 1))];
    if (row !== undefined && row.length > 0 && below(rng, 2) === 0) {
      const start = below(rng, row.length);
      const len = 1 + below(rng, row.length - start);
      out.push(...row.slice(start, start + len));
    } else {
      out.push(word(sample()));
    }
  }
  return out.slice(0, length);
}

describe("longest-match search", () => {
  it("matches the naive longest match on random corpora, one or many segments", () => {
    const rng = prng(11);
    for (let trial = 0; trial < 80; trial++) {
      const vocab = 2 + below(rng, trial % 4 === 0 ? 3 : 40);
      const { rows, words } = randomRows(rng, below(rng, 25), 1 + below(rng, 40), vocab);
      const cuts = below(rng, 4);
      const segments: Segment[] = [];
      let from = 0;
      for (let c = 0; c <= cuts; c++) {
        const to = c === cuts ? rows.length : from + below(rng, rows.length - from + 1);
        segments.push(buildSegment(rows.slice(from, to)));
        from = to;
      }
      const q = mixedOutput(rng, words, vocab, below(rng, 60));
      const expected = naiveLongest(words, q);
      assert.deepEqual(Array.from(longestMatches(segments, q).lengths), expected, `trial ${trial}`);
      assert.deepEqual(Array.from(longestMatches([buildSegment(rows)], q).lengths), expected);
    }
  });

  it("handles empty segments, empty output and fully copied repetitive text", () => {
    assert.deepEqual(Array.from(longestMatches([], ["a", "b"]).lengths), [0, 0]);
    assert.deepEqual(Array.from(longestMatches([buildSegment([])], ["a"]).lengths), [0]);
    assert.deepEqual(Array.from(longestMatches([buildSegment([{ rowId: 1n, text: "a" }])], []).lengths), []);
    const seg = buildSegment([
      { rowId: 1n, text: "a a a a a a a a" },
      { rowId: 2n, text: "a a a b" },
    ]);
    const q = "a a a a a a a a a a b".split(" ");
    assert.deepEqual(
      Array.from(longestMatches([seg], q).lengths),
      naiveLongest([q.slice(0, 8), ["a", "a", "a", "b"]], q),
    );
  });

  it("counts work deterministically, the same after serialisation", () => {
    const rng = prng(12);
    const { rows, words } = randomRows(rng, 50, 60, 30);
    const seg = buildSegment(rows);
    const q = mixedOutput(rng, words, 30, 300);
    const a = longestMatches([seg], q);
    const b = longestMatches([Segment.deserialize(seg.serialize())], q);
    assert.ok(a.work > q.length);
    assert.equal(a.work, b.work);
    assert.deepEqual(a.lengths, b.lengths);
  });
});
