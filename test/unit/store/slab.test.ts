import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordSlab } from "../../../src/store/slab.js";
import { randBytes, randInt, rng } from "./helpers.js";

/** A 12-byte record id (latin1) made from a label and a number. */
function id(label: number, n: number): string {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(label, 0);
  b.writeUInt32BE(n, 8);
  return b.toString("latin1");
}

function read(slab: RecordSlab, k: string): string | undefined {
  const h = slab.get(k);
  return h === undefined ? undefined : h.buf.toString("hex", h.start, h.end);
}

describe("RecordSlab", () => {
  it("returns what was put, forgets deletes, and stays within its budget while recycling chunks", () => {
    const slab = new RecordSlab(4096 * 4, 4096);
    const r = rng(1);
    const live = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const k = id(1, randInt(r, 300));
      if (r() < 0.2) {
        slab.delete(k);
        live.delete(k);
        continue;
      }
      const rec = randBytes(r, randInt(r, 200));
      slab.put(k, rec);
      live.set(k, Buffer.from(rec).toString("hex"));
      assert.ok(slab.allocatedBytes <= 4096 * 5 + 1024 * 16, "budget plus one spare chunk and the index");
      // Whatever is still indexed must be exactly the last value put.
      for (const [lk, lv] of live) {
        const got = read(slab, lk);
        if (got !== undefined) assert.equal(got, lv);
      }
    }
    assert.ok(slab.size > 0);
    assert.ok(slab.size <= live.size);
  });

  it("copies live records forward when recycling, so a small live set survives churn", () => {
    const slab = new RecordSlab(4096 * 4, 4096);
    const r = rng(2);
    const keep = Array.from({ length: 10 }, (_, i) => [id(2, i), randBytes(r, 50)] as const);
    for (const [k, v] of keep) slab.put(k, v);
    for (let i = 0; i < 500; i++) {
      const k = id(3, i);
      slab.put(k, randBytes(r, 100));
      slab.delete(k);
    }
    for (const [k, v] of keep) assert.equal(read(slab, k), Buffer.from(v).toString("hex"));
  });

  it("is a no-op when disabled or the record is too large", () => {
    const off = new RecordSlab(0);
    off.put(id(4, 1), new Uint8Array(10));
    assert.equal(off.get(id(4, 1)), undefined);
    const small = new RecordSlab(4096 * 4, 4096);
    small.put(id(4, 2), new Uint8Array(5000));
    assert.equal(small.get(id(4, 2)), undefined);
  });
});

describe("RecordSlab recycling with re-put keys", () => {
  it("keeps the latest value of a key put several times into the recycled chunk", () => {
    const slab = new RecordSlab(4096 * 3, 4096);
    const r = rng(3);
    const latest = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const k = id(5, randInt(r, 20));
      const rec = randBytes(r, 1 + randInt(r, 120));
      slab.put(k, rec);
      latest.set(k, Buffer.from(rec).toString("hex"));
      for (const [lk, lv] of latest) {
        const got = read(slab, lk);
        if (got !== undefined) assert.equal(got, lv, `key ${lk} at step ${i}`);
      }
    }
  });
});

describe("RecordSlab index", () => {
  it("finds every live record exactly through table growth and deletes (no eviction)", () => {
    const slab = new RecordSlab(64 * 1024 * 1024);
    const r = rng(7);
    const live = new Map<string, string>();
    for (let i = 0; i < 60_000; i++) {
      // Ids that differ only in the version's high word, low word or the nonce must not collide.
      const k = id(randInt(r, 3), randInt(r, 20_000));
      if (r() < 0.3) {
        slab.delete(k);
        live.delete(k);
        assert.equal(slab.get(k), undefined);
        continue;
      }
      const rec = randBytes(r, 1 + randInt(r, 40));
      slab.put(k, rec);
      live.set(k, Buffer.from(rec).toString("hex"));
    }
    assert.equal(slab.size, live.size);
    for (const [k, v] of live) assert.equal(read(slab, k), v);
    for (let n = 20_000; n < 20_100; n++) assert.equal(slab.get(id(0, n)), undefined);
    slab.clear();
    assert.equal(slab.size, 0);
    for (const k of [...live.keys()].slice(0, 100)) assert.equal(slab.get(k), undefined);
  });
});

describe("RecordSlab with records near the chunk size", () => {
  it("always makes room for the record being put after recycling a chunk", () => {
    const slab = new RecordSlab(4096 * 4, 4096);
    const r = rng(11);
    const latest = new Map<string, string>();
    for (let i = 0; i < 500; i++) {
      const k = id(6, randInt(r, 10));
      const rec = randBytes(r, 1 + randInt(r, 4000));
      slab.put(k, rec);
      latest.set(k, Buffer.from(rec).toString("hex"));
      assert.equal(read(slab, k), latest.get(k), `just put at step ${i}`);
      for (const [lk, lv] of latest) {
        const got = read(slab, lk);
        if (got !== undefined) assert.equal(got, lv);
      }
    }
  });
});
