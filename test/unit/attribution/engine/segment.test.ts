import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type BuildProgress,
  buildSegment,
  buildSegmentFromTokens,
  EngineError,
  EngineErrorCode,
  Segment,
  suffixArray,
} from "../../../../src/attribution/engine/index.js";
import { below, naiveSuffixArray, prng, randomRows } from "./helpers.js";

function isCode(code: EngineErrorCode): (e: unknown) => boolean {
  return (e: unknown) => e instanceof EngineError && e.code === code;
}

describe("suffix array construction (SA-IS)", () => {
  it("matches a naive sort on random texts of many sizes and alphabets", () => {
    const rng = prng(1);
    for (let trial = 0; trial < 600; trial++) {
      const n = 1 + below(rng, trial < 300 ? 40 : 400);
      const k = 2 + below(rng, trial % 3 === 0 ? 2 : trial % 3 === 1 ? 6 : 300);
      const text = new Int32Array(n);
      for (let i = 0; i < n - 1; i++) text[i] = 1 + below(rng, k - 1);
      const sa = new Int32Array(n);
      suffixArray(text, sa, k);
      assert.deepEqual(Array.from(sa), naiveSuffixArray(text), `n=${n} k=${k}`);
    }
  });

  it("handles repetitive texts (deep recursion)", () => {
    for (const [n, period] of [
      [1, 1],
      [2, 1],
      [1000, 1],
      [1001, 2],
      [999, 3],
      [2048, 7],
    ] as const) {
      const text = new Int32Array(n);
      for (let i = 0; i < n - 1; i++) text[i] = 1 + (i % period);
      const sa = new Int32Array(n);
      suffixArray(text, sa, period + 1);
      assert.deepEqual(Array.from(sa), naiveSuffixArray(text), `n=${n} period=${period}`);
    }
  });
});

describe("segment build", () => {
  it("lays rows out with separators and a suffix array equal to the naive one", () => {
    const rng = prng(2);
    for (let trial = 0; trial < 60; trial++) {
      const count = below(rng, 12);
      const { rows, words } = randomRows(rng, count, trial % 2 ? 30 : 3, 2 + below(rng, 30));
      const seg = buildSegment(rows);
      assert.equal(seg.rowCount, count);
      assert.equal(
        seg.tokenCount,
        words.reduce((s, w) => s + w.length, 0),
      );
      assert.deepEqual(Array.from(seg.sa), naiveSuffixArray(seg.text));
      for (let r = 0; r < count; r++) {
        const start = seg.rowStarts[r]!;
        const got = Array.from(
          seg.text.subarray(start, seg.rowStarts[r + 1]! - 1),
          (s) => seg.vocabulary[s - 2],
        );
        assert.deepEqual(got, words[r]);
        if (words[r]!.length > 0) assert.equal(seg.rowIndexAt(start + words[r]!.length - 1), r);
      }
    }
  });

  it("builds empty, one-token and repetitive segments", () => {
    const empty = buildSegment([]);
    assert.equal(empty.tokenCount, 0);
    assert.deepEqual(Array.from(empty.text), [0]);
    const one = buildSegment([{ rowId: 5n, text: "hello" }]);
    assert.deepEqual(Array.from(one.text), [2, 1, 0]);
    assert.deepEqual(Array.from(one.sa), [2, 1, 0]);
    const rep = buildSegment([
      { rowId: 1n, text: "a ".repeat(500) },
      { rowId: 2n, text: "" },
      { rowId: 3n, text: "a b ".repeat(300) },
    ]);
    assert.deepEqual(Array.from(rep.sa), naiveSuffixArray(rep.text));
  });

  it("reports progress and stores meta", () => {
    const rng = prng(3);
    const { rows } = randomRows(rng, 2500, 5, 50);
    const seen: BuildProgress[] = [];
    const seg = buildSegment(rows, { meta: Uint8Array.of(1, 2, 3), onProgress: (p) => seen.push(p) });
    assert.deepEqual(
      seen.filter((p) => p.phase === "tokenize").map((p) => p.done),
      [1000, 2000, 2500],
    );
    assert.ok(seen.some((p) => p.phase === "sort"));
    assert.equal(seen.at(-1)?.phase, "done");
    assert.deepEqual(Segment.deserialize(seg.serialize()).meta, Uint8Array.of(1, 2, 3));
  });

  it("rejects bad rows with InvalidRows", () => {
    const invalid = isCode(EngineErrorCode.InvalidRows);
    assert.throws(
      () =>
        buildSegment([
          { rowId: 1n, text: "a" },
          { rowId: 1n, text: "b" },
        ]),
      invalid,
    );
    assert.throws(() => buildSegment([{ rowId: -1n, text: "a" }]), invalid);
    assert.throws(() => buildSegment([{ rowId: 1n << 64n, text: "a" }]), invalid);
    assert.throws(() => buildSegment([], { meta: new Uint8Array(65_537) }), invalid);
    const base = { vocabulary: ["a", "b"], rowIds: [1n], rowLengths: [2], tokens: Int32Array.of(0, 1) };
    assert.ok(buildSegmentFromTokens(base).tokenCount === 2);
    assert.throws(() => buildSegmentFromTokens({ ...base, tokens: Int32Array.of(0, 2) }), invalid);
    assert.throws(() => buildSegmentFromTokens({ ...base, rowLengths: [3] }), invalid);
    assert.throws(() => buildSegmentFromTokens({ ...base, rowLengths: [1] }), invalid);
    assert.throws(() => buildSegmentFromTokens({ ...base, rowLengths: [] }), invalid);
    assert.throws(() => buildSegmentFromTokens({ ...base, vocabulary: ["a", "a"] }), invalid);
  });
});

describe("segment serialisation", () => {
  const rng = prng(4);
  const { rows } = randomRows(rng, 200, 40, 300);

  it("round-trips to identical bytes, and a rebuild gives identical bytes", () => {
    const seg = buildSegment(rows, { meta: Uint8Array.of(9) });
    const bytes = seg.serialize();
    const loaded = Segment.deserialize(bytes);
    assert.deepEqual(loaded.serialize(), bytes);
    assert.deepEqual(buildSegment(rows, { meta: Uint8Array.of(9) }).serialize(), bytes);
    assert.deepEqual(loaded.checksum, seg.checksum);
    assert.deepEqual(Array.from(loaded.sa), Array.from(seg.sa));
    assert.deepEqual(Array.from(loaded.rowIds), Array.from(seg.rowIds));
    assert.deepEqual(loaded.vocabulary, seg.vocabulary);
    // A misaligned buffer (as from a Buffer pool) loads too.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    assert.deepEqual(Segment.deserialize(shifted.subarray(1)).serialize(), bytes);
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    assert.notEqual(pooled.byteOffset % 8, 0);
    assert.deepEqual(Segment.deserialize(pooled).serialize(), bytes);
    // A different row order is a different segment.
    assert.notDeepEqual(buildSegment([...rows].reverse()).checksum, seg.checksum);
  });

  it("detects corruption anywhere, truncation, bad magic and other versions", () => {
    const bytes = buildSegment(rows).serialize();
    const corrupt = isCode(EngineErrorCode.CorruptIndex);
    const r = prng(5);
    for (let trial = 0; trial < 40; trial++) {
      const copy = bytes.slice();
      const at = trial === 0 ? bytes.length - 1 : 12 + below(r, bytes.length - 12);
      copy[at]! ^= 1 << below(r, 8);
      assert.throws(() => Segment.deserialize(copy), corrupt, `flip at ${at}`);
    }
    assert.throws(() => Segment.deserialize(bytes.subarray(0, bytes.length - 4)), corrupt);
    assert.throws(() => Segment.deserialize(bytes.subarray(0, 10)), corrupt);
    assert.throws(() => Segment.deserialize(new Uint8Array(0)), corrupt);
    const magic = bytes.slice();
    magic[0] = 0;
    assert.throws(() => Segment.deserialize(magic), corrupt);
    for (const at of [4, 8]) {
      const other = bytes.slice();
      other[at] = 2;
      assert.throws(() => Segment.deserialize(other), isCode(EngineErrorCode.VersionMismatch));
    }
  });
});
