import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paginate } from "../../../src/app/query.js";
import { MemoryKVStore } from "../../../src/store/index.js";
import { CodedError } from "../../../src/types/errors.js";

const store = new MemoryKVStore();
for (let i = 0; i < 10; i++) store.set(Uint8Array.of(i), Uint8Array.of(i * 10));
const page = (p: {
  key?: number;
  offset?: bigint;
  limit?: bigint;
  countTotal?: boolean;
  reverse?: boolean;
}) => ({
  key: p.key === undefined ? new Uint8Array() : Uint8Array.of(p.key),
  offset: p.offset ?? 0n,
  limit: p.limit ?? 0n,
  countTotal: p.countTotal ?? false,
  reverse: p.reverse ?? false,
});
const values = (r: { items: number[] }) => r.items;

describe("paginate", () => {
  it("pages forward by key and by offset with totals", () => {
    const p1 = paginate(store, page({ limit: 4n, countTotal: true }), (_k, v) => v[0]!);
    assert.deepEqual(values(p1), [0, 10, 20, 30]);
    assert.equal(p1.pagination.total, 10n);
    assert.deepEqual(p1.pagination.nextKey, Uint8Array.of(4));
    const p2 = paginate(store, page({ key: 4, limit: 4n }), (_k, v) => v[0]!);
    assert.deepEqual(values(p2), [40, 50, 60, 70]);
    const p3 = paginate(store, page({ offset: 8n, limit: 4n }), (_k, v) => v[0]!);
    assert.deepEqual(values(p3), [80, 90]);
    assert.equal(p3.pagination.nextKey.length, 0);
    assert.deepEqual(values(paginate(store, undefined, (_k, v) => v[0]!)).length, 10);
  });

  it("pages in reverse", () => {
    const r1 = paginate(store, page({ limit: 3n, reverse: true }), (_k, v) => v[0]!);
    assert.deepEqual(values(r1), [90, 80, 70]);
    const r2 = paginate(
      store,
      page({ key: r1.pagination.nextKey[0]!, limit: 3n, reverse: true }),
      (_k, v) => v[0]!,
    );
    assert.deepEqual(values(r2), [60, 50, 40]);
  });

  it("rejects key and offset together with sdk 18", () => {
    assert.throws(
      () => paginate(store, page({ key: 1, offset: 1n }), (_k, v) => v[0]!),
      (e: unknown) => e instanceof CodedError && e.code === 18,
    );
  });
});
