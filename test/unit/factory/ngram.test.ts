import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  ArtifactError,
  BOS,
  detokenize,
  discountsOf,
  EOS,
  mulberry32,
  NgramModel,
  parseArtifact,
  serializeArtifact,
  trainNgramOnTexts,
} from "../../../src/factory/ngram.js";

const CORPUS = [
  "The cat sat on the mat.",
  "The dog sat on the log.",
  "A cat and a dog met on the mat, and the cat ran.",
  "Ünïcode words and numbers like 3.14 count too!",
  "the cat sat on the mat again",
];

function sha(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

describe("n-gram Kneser–Ney trainer", () => {
  it("is deterministic: same rows, byte-identical artifact", () => {
    const a = serializeArtifact(trainNgramOnTexts(CORPUS, 3, { datanets: ["1@1"] }));
    const b = serializeArtifact(trainNgramOnTexts([...CORPUS], 3, { datanets: ["1@1"] }));
    assert.equal(sha(a), sha(b));
    const c = serializeArtifact(trainNgramOnTexts([...CORPUS].reverse(), 3, { datanets: ["1@1"] }));
    // Same multiset of sequences: counts equal, so the artifact is equal too.
    assert.equal(sha(a), sha(c));
    const d = serializeArtifact(trainNgramOnTexts([...CORPUS, "one more row"], 3, { datanets: ["1@1"] }));
    assert.notEqual(sha(a), sha(d));
  });

  it("gives distributions that sum to 1 (|Σ−1| < 1e-9) for seen, unseen and padded contexts", () => {
    for (const order of [1, 2, 3, 4]) {
      const m = new NgramModel(parseArtifact(serializeArtifact(trainNgramOnTexts(CORPUS, order))));
      const rng = mulberry32(7);
      const contexts: number[][] = [
        Array(order - 1).fill(BOS),
        m.contextOf("the cat"),
        m.contextOf("zebra unknown words"),
        m.contextOf("on the"),
      ];
      for (let i = 0; i < 20; i++)
        contexts.push(Array.from({ length: order + 1 }, () => Math.floor(rng() * m.size)));
      for (const h of contexts) {
        const p = m.distribution(h);
        let s = 0;
        for (const x of p) {
          assert.ok(x >= 0);
          s += x;
        }
        assert.ok(Math.abs(s - 1) < 1e-9, `order ${order}: sum ${s}`);
        assert.equal(p[BOS], 0);
      }
    }
  });

  it("prefers what the corpus says and backs off sensibly", () => {
    const m = new NgramModel(parseArtifact(serializeArtifact(trainNgramOnTexts(CORPUS, 3))));
    const p = m.distribution(m.contextOf("sat on"));
    assert.ok(p[m.idOf("the")]! > 0.5);
    const q = m.distribution(m.contextOf("on the"));
    assert.ok(q[m.idOf("mat")]! > q[m.idOf("dog")]!);
    assert.ok(q[m.idOf("numbers")]! > 0, "unseen continuations keep back-off mass");
  });

  it("generates greedily and reproducibly with a seed", () => {
    const m = new NgramModel(parseArtifact(serializeArtifact(trainNgramOnTexts(CORPUS, 3))));
    const greedy = [...m.generate("the dog sat", { maxTokens: 5, temperature: 0, seed: 0 })];
    assert.deepEqual(greedy, ["on", "the", "mat", ".", "the"].slice(0, greedy.length));
    const s1 = [...m.generate("the", { maxTokens: 12, temperature: 0.8, seed: 42 })];
    const s2 = [...m.generate("the", { maxTokens: 12, temperature: 0.8, seed: 42 })];
    assert.deepEqual(s1, s2);
    assert.ok(!s1.includes("<unk>") && !s1.includes("<s>"));
    assert.equal(detokenize(["hello", ",", "world", "!"]), "hello, world!");
    assert.equal(EOS, 1);
  });

  it("computes modified KN discounts within their ranges and refuses bad artifacts", () => {
    const d = discountsOf([1, 1, 1, 1, 2, 2, 3, 4, 5]);
    assert.ok(d[0]! > 0 && d[0]! <= 1 && d[1]! <= 2 && d[2]! <= 3);
    assert.deepEqual(discountsOf([]), [0.5, 1, 1.5]);
    assert.throws(() => parseArtifact(new TextEncoder().encode("{}")), ArtifactError);
    assert.throws(() => parseArtifact(Uint8Array.of(0xff, 0xfe)), ArtifactError);
    const good = trainNgramOnTexts(CORPUS, 2);
    const bad = { ...good, grams: [[[999999, 1]], good.grams[1]!] };
    assert.throws(() => parseArtifact(serializeArtifact(bad)), ArtifactError);
  });
});
