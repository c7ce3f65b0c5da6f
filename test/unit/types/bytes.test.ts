import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBase64, toBase64 } from "../../../src/types/bytes.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

describe("fromBase64", () => {
  it("decodes like Buffer.from(s, 'base64') into an exactly sized plain Uint8Array (seeded)", () => {
    const r = rng(4242);
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(r() * 700);
      const b = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      const s = Buffer.from(b).toString("base64");
      const d = fromBase64(s);
      assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
      assert.equal(d.byteLength, n);
      assert.equal(d.buffer.byteLength, n);
      assert.deepEqual(d, new Uint8Array(Buffer.from(s, "base64")));
      assert.equal(toBase64(d), s);
    }
  });

  it("rejects malformed input", () => {
    for (const bad of ["a", "ab=", "a===", "ab$d", "abc=d===", "====", "AB=A"]) {
      assert.throws(() => fromBase64(bad), /invalid base64/);
    }
    assert.deepEqual(fromBase64(""), new Uint8Array(0));
  });
});
