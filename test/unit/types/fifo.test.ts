import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignatureCache } from "../../../src/app/ante.js";
import { FifoQueue } from "../../../src/types/fifo.js";

describe("FifoQueue", () => {
  it("keeps first-in first-out order across growth and wrap-around (seeded against an array)", () => {
    const q = new FifoQueue<number>(4);
    const ref: number[] = [];
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 20_000; i++) {
      if (rnd() < 0.55) {
        q.push(i);
        ref.push(i);
      } else {
        assert.equal(q.shift(), ref.shift());
      }
      assert.equal(q.size, ref.length);
    }
    while (ref.length > 0) assert.equal(q.shift(), ref.shift());
    assert.equal(q.shift(), undefined);
    assert.equal(q.size, 0);
  });
});

describe("SignatureCache", () => {
  it("evicts the oldest entries first and ignores re-adds", () => {
    const c = new SignatureCache(3);
    c.add("a");
    c.add("b");
    c.add("a");
    c.add("c");
    assert.equal(c.size, 3);
    c.add("d");
    assert.equal(c.has("a"), false);
    assert.deepEqual(
      ["b", "c", "d"].map((k) => c.has(k)),
      [true, true, true],
    );
    c.add("e");
    assert.equal(c.has("b"), false);
    assert.equal(c.size, 3);
  });
});
