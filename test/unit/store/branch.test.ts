import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBranch, MemoryDatabase, MemoryKVStore, StateStore } from "../../../src/store/index.js";
import type { BranchStore, KVStore } from "../../../src/store/types.js";
import { b, hexPairs, Model, randBytes, randInt, randKey, randRange, rng } from "./helpers.js";

function checkAgainst(store: KVStore, model: Model, r: () => number, label: string): void {
  for (let q = 0; q < 5; q++) {
    const [s, e] = randRange(r);
    const reverse = r() < 0.5;
    assert.deepEqual(
      hexPairs(store.iterator(s, e, reverse)),
      hexPairs(model.range(s, e, reverse)),
      `${label} range`,
    );
  }
  const k = randKey(r);
  assert.deepEqual(store.get(k), model.get(k), `${label} get`);
  assert.equal(store.has(k), model.get(k) !== undefined, `${label} has`);
}

function randomOps(store: KVStore, model: Model, r: () => number, n: number): void {
  for (let i = 0; i < n; i++) {
    const k = randKey(r);
    if (r() < 0.3) {
      store.delete(k);
      model.delete(k);
    } else {
      const v = randBytes(r, randInt(r, 4));
      store.set(k, v);
      model.set(k, v);
    }
  }
}

describe("branch store", () => {
  it("matches a naive sorted model under seeded random ops, nested, with write and drop", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const base = new MemoryKVStore();
      const baseModel = new Model();
      randomOps(base, baseModel, r, 60);
      const b1 = createBranch(base);
      const m1 = baseModel.clone();
      randomOps(b1, m1, r, 60);
      checkAgainst(b1, m1, r, `seed ${seed} b1`);
      checkAgainst(base, baseModel, r, `seed ${seed} base untouched`);
      const b2 = b1.branch();
      const m2 = m1.clone();
      randomOps(b2, m2, r, 40);
      checkAgainst(b2, m2, r, `seed ${seed} b2`);
      checkAgainst(b1, m1, r, `seed ${seed} b1 untouched by b2`);
      if (r() < 0.5) {
        b2.write();
        checkAgainst(b1, m2, r, `seed ${seed} b1 after b2.write`);
        checkAgainst(b2, m2, r, `seed ${seed} b2 after write`);
        b1.write();
        checkAgainst(base, m2, r, `seed ${seed} base after b1.write`);
      } else {
        b1.write();
        checkAgainst(base, m1, r, `seed ${seed} base after b1.write, b2 dropped`);
      }
    }
  });

  it("merges over the state store's working state and committed tree", async () => {
    const r = rng(99);
    const store = StateStore.open(new MemoryDatabase(), { keepRecent: 0 });
    const model = new Model();
    randomOps(store.working, model, r, 80);
    await store.commit(1);
    randomOps(store.working, model, r, 40);
    const br: BranchStore = createBranch(store.working);
    const bm = model.clone();
    randomOps(br, bm, r, 40);
    for (let i = 0; i < 10; i++) checkAgainst(br, bm, r, "branch over working");
    for (let i = 0; i < 10; i++) checkAgainst(store.working, model, r, "working");
    br.write();
    for (let i = 0; i < 10; i++) checkAgainst(store.working, bm, r, "working after write");
  });

  it("write applies in key order", () => {
    const seen: string[] = [];
    const parent = new MemoryKVStore();
    const spy: KVStore = {
      get: (k) => parent.get(k),
      has: (k) => parent.has(k),
      iterator: (s, e, rev) => parent.iterator(s, e, rev),
      set: (k, v) => {
        seen.push(`set ${Buffer.from(k).toString("hex")}`);
        parent.set(k, v);
      },
      delete: (k) => {
        seen.push(`del ${Buffer.from(k).toString("hex")}`);
        parent.delete(k);
      },
    };
    const br = createBranch(spy);
    br.set(b("c"), b("3"));
    br.set(b("a"), b("1"));
    br.delete(b("b"));
    br.set(b("a"), b("2"));
    br.write();
    assert.deepEqual(seen, ["set 61", "del 62", "set 63"]);
    assert.deepEqual(parent.get(b("a")), b("2"));
    seen.length = 0;
    br.write();
    assert.deepEqual(seen, [], "cleared after write");
  });

  it("tolerates writes during iteration (no crash, ordered, no duplicates)", () => {
    const base = new MemoryKVStore();
    for (const k of ["a", "c", "e", "g"]) base.set(b(k), b(k));
    const br = createBranch(base);
    br.set(b("b"), b("b"));
    const seen: string[] = [];
    for (const [k] of br.iterator()) {
      const s = new TextDecoder().decode(k);
      seen.push(s);
      if (s === "c") {
        br.set(b("d"), b("d"));
        br.delete(b("e"));
      }
    }
    // Writes during iteration are allowed (no crash, order kept); whether the iterator sees them is
    // unspecified, as in the Cosmos SDK.
    assert.deepEqual(seen.slice(0, 3), ["a", "b", "c"]);
    assert.equal(seen.at(-1), "g");
    assert.deepEqual([...seen].sort(), seen);
    assert.equal(new Set(seen).size, seen.length);
  });

  it("empty values are values, not deletes", () => {
    const br = createBranch(new MemoryKVStore());
    br.set(b("k"), new Uint8Array(0));
    assert.equal(br.has(b("k")), true);
    assert.deepEqual(br.get(b("k")), new Uint8Array(0));
    assert.equal([...br.iterator()].length, 1);
  });
});

describe("MemoryDatabase", () => {
  it("stages until flush, discards on discardStaged, iterates in order with bounds and limit", async () => {
    const db = new MemoryDatabase();
    db.stage([
      { type: "put", key: b("b"), value: b("2") },
      { type: "put", key: b("a"), value: b("1") },
      { type: "put", key: b("c"), value: b("3") },
    ]);
    assert.equal(db.stagedCount, 3);
    assert.equal(db.getSync(b("a")), undefined);
    await db.flush();
    assert.deepEqual(db.getSync(b("a")), b("1"));
    db.stage([{ type: "del", key: b("a") }]);
    db.discardStaged();
    await db.flush();
    assert.deepEqual(await db.get(b("a")), b("1"));
    const keys: string[] = [];
    for await (const [k] of db.iterate(b("a"), b("c"), true)) keys.push(new TextDecoder().decode(k));
    assert.deepEqual(keys, ["b", "a"]);
    const limited: string[] = [];
    for await (const [k] of db.iterate(undefined, undefined, false, 2))
      limited.push(new TextDecoder().decode(k));
    assert.deepEqual(limited, ["a", "b"]);
  });
});
