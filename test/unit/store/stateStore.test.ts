import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sha256 } from "../../../src/crypto/hash.js";
import type { Database } from "../../../src/store/db.js";
import {
  Bucket,
  bucketKey,
  EMPTY_ROOT_HASH,
  LevelDatabase,
  MemoryDatabase,
  STORE_CODESPACE,
  StateStore,
  StoreCode,
} from "../../../src/store/index.js";
import { bytesKey } from "../../../src/store/sortedMap.js";
import { decodeNode, NODE_KEY_LENGTH } from "../../../src/store/tree.js";
import type { KVStore } from "../../../src/store/types.js";
import { b, hexPairs, Model, randBytes, randInt, randKey, randRange, rng } from "./helpers.js";

function randomOps(store: KVStore, model: Model, r: () => number, n: number): void {
  for (let i = 0; i < n; i++) {
    const k = r() < 0.5 ? randKey(r) : randBytes(r, 1 + randInt(r, 6));
    if (r() < 0.25) {
      store.delete(k);
      model.delete(k);
    } else {
      const v = randBytes(r, randInt(r, 6));
      store.set(k, v);
      model.set(k, v);
    }
  }
}

function hex(x: Uint8Array): string {
  return Buffer.from(x).toString("hex");
}

function isCoded(code: StoreCode) {
  return (e: unknown): boolean => {
    const c = e as { codespace?: string; code?: number };
    return c.codespace === STORE_CODESPACE && c.code === code;
  };
}

/** Every node key reachable from the roots of `versions`, read straight from the database. */
function reachable(db: Database, versions: number[]): Set<string> {
  const seen = new Set<string>();
  for (const v of versions) {
    const rec = db.getSync(bucketKey(Bucket.stateRoots, uint64(v)));
    assert.ok(rec, `root record of ${v}`);
    if (rec.length === 32) continue;
    const stack = [bytesKey(rec.subarray(32))];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      const raw = db.getSync(bucketKey(Bucket.stateTree, Buffer.from(k, "latin1")));
      assert.ok(raw, "reachable node present");
      const n = decodeNode(raw);
      if (n.leftKey !== undefined) stack.push(n.leftKey);
      if (n.rightKey !== undefined) stack.push(n.rightKey);
    }
  }
  return seen;
}

function uint64(v: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(v));
  return out;
}

async function countPrefix(db: Database, bucket: Bucket): Promise<number> {
  let n = 0;
  for await (const _ of db.iterate(Uint8Array.of(bucket), Uint8Array.of(bucket + 1))) n++;
  return n;
}

describe("StateStore", () => {
  it("starts empty at version 0 with the sha256-of-nothing hash", () => {
    const s = StateStore.open(new MemoryDatabase());
    assert.equal(s.version, 0);
    assert.equal(s.earliestVersion, 0);
    assert.deepEqual(s.lastHash, sha256(new Uint8Array(0)));
    assert.deepEqual(s.lastHash, EMPTY_ROOT_HASH);
    assert.deepEqual(s.computeHash(), EMPTY_ROOT_HASH);
    assert.deepEqual([...s.readAt(0).iterator()], []);
  });

  it("working state, every retained version and iteration match a model; pruning keeps exactly the live nodes", async () => {
    const db = new MemoryDatabase();
    const s = StateStore.open(db, { keepRecent: 4, cacheSize: 100, cacheBytes: 64 * 1024 });
    const r = rng(42);
    const model = new Model();
    const snapshots = new Map<number, Model>();
    for (let v = 1; v <= 15; v++) {
      randomOps(s.working, model, r, 120);
      for (let q = 0; q < 3; q++) {
        const [a, z] = randRange(r);
        const rev = r() < 0.5;
        assert.deepEqual(hexPairs(s.working.iterator(a, z, rev)), hexPairs(model.range(a, z, rev)));
      }
      if (v % 3 === 0) {
        s.rollbackWorking();
        model.m.clear();
        for (const [k, val] of snapshots.get(v - 1)!.m) model.m.set(k, val);
        randomOps(s.working, model, r, 50);
      }
      await s.commit(v);
      snapshots.set(v, model.clone());
      assert.equal(s.version, v);
      assert.equal(s.earliestVersion, Math.max(1, v - 3));
      for (let u = s.earliestVersion; u <= v; u++) {
        const m = snapshots.get(u)!;
        const view = s.readAt(u);
        assert.deepEqual(hexPairs(view.iterator()), hexPairs(m.range()), `version ${u} contents`);
        const [a, z] = randRange(r);
        assert.deepEqual(hexPairs(view.iterator(a, z, true)), hexPairs(m.range(a, z, true)));
        for (const [, [k, val]] of [...m.m].slice(0, 10)) assert.deepEqual(view.get(k), val);
        assert.equal(view.get(b("\x05absent")), undefined);
      }
      const live = reachable(
        db,
        Array.from({ length: v - s.earliestVersion + 1 }, (_, i) => s.earliestVersion + i),
      );
      assert.equal(await countPrefix(db, Bucket.stateTree), live.size, `only live nodes stored at ${v}`);
      assert.equal(await countPrefix(db, Bucket.stateRoots), v - s.earliestVersion + 1);
      assert.equal(await countPrefix(db, Bucket.stateFlat), model.m.size);
    }
    assert.throws(() => s.readAt(s.earliestVersion - 1), isCoded(StoreCode.VersionUnavailable));
    assert.throws(() => s.readAt(16), isCoded(StoreCode.VersionUnavailable));
    assert.throws(() => s.proveAt(1, b("k")), isCoded(StoreCode.VersionUnavailable));
    assert.throws(() => s.readAt(Number.NaN), isCoded(StoreCode.VersionUnavailable));
  });

  it("prunes exactly through root-leaf and empty-tree transitions", async () => {
    const db = new MemoryDatabase();
    const s = StateStore.open(db, { keepRecent: 2 });
    const steps: [string, string | undefined][][] = [
      [["a", "1"]],
      [["b", "2"]],
      [["a", undefined]],
      [["b", "3"]],
      [["b", undefined]],
      [["c", "4"]],
      [
        ["d", "5"],
        ["e", "6"],
      ],
      [
        ["c", undefined],
        ["d", undefined],
      ],
      [["f", "7"]],
    ];
    const model = new Model();
    for (const [i, ops] of steps.entries()) {
      for (const [k, v] of ops) {
        if (v === undefined) {
          s.working.delete(b(k));
          model.delete(b(k));
        } else {
          s.working.set(b(k), b(v));
          model.set(b(k), b(v));
        }
      }
      const v = i + 1;
      await s.commit(v);
      const versions = Array.from({ length: v - s.earliestVersion + 1 }, (_, j) => s.earliestVersion + j);
      assert.equal(await countPrefix(db, Bucket.stateTree), reachable(db, versions).size, `version ${v}`);
      assert.deepEqual(hexPairs(s.readAt(v).iterator()), hexPairs(model.range()));
      const reopened = StateStore.open(db);
      assert.deepEqual(hexPairs(reopened.working.iterator()), hexPairs(model.range()));
      assert.equal(hex(reopened.lastHash), hex(s.lastHash));
    }
  });

  it("keepRecent 0 keeps every version; a reader of the then-latest version stays on that version", async () => {
    const s = StateStore.open(new MemoryDatabase(), { keepRecent: 0 });
    s.working.set(b("k"), b("v0"));
    await s.commit(100);
    const first = s.readAt(100);
    s.working.set(b("k"), b("v1"));
    await s.commit(101);
    assert.deepEqual(first.get(b("k")), b("v0"));
    assert.deepEqual(s.readAt(101).get(b("k")), b("v1"));
    for (let v = 102; v <= 106; v++) {
      s.working.set(b("k"), b(`v${v}`));
      await s.commit(v);
    }
    assert.equal(s.earliestVersion, 100);
    for (let v = 102; v <= 106; v++) assert.deepEqual(s.readAt(v).get(b("k")), b(`v${v}`));
  });

  it("hashes are deterministic and do not depend on when computeHash was called", async () => {
    const runs: string[][] = [];
    for (let variant = 0; variant < 3; variant++) {
      const s = StateStore.open(new MemoryDatabase(), {
        cacheSize: variant === 2 ? 20 : 10_000,
        cacheBytes: variant === 2 ? 0 : 100_000,
      });
      const r = rng(5);
      const model = new Model();
      const hashes: string[] = [];
      for (let v = 1; v <= 6; v++) {
        for (let i = 0; i < 100; i++) {
          randomOps(s.working, model, r, 1);
          if (variant === 1 && i % 17 === 0) s.computeHash();
        }
        const pre = hex(s.computeHash());
        const h = hex(await s.commit(v));
        assert.equal(pre, h, "computeHash equals the committed hash");
        hashes.push(h);
      }
      runs.push(hashes);
    }
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
    assert.equal(new Set(runs[0]).size, 6);
  });

  it("rejects bad input with coded errors and no state change", async () => {
    const s = StateStore.open(new MemoryDatabase());
    s.working.set(b("a"), b("1"));
    await assert.rejects(s.commit(0), isCoded(StoreCode.InvalidCommitVersion));
    await assert.rejects(s.commit(-1), isCoded(StoreCode.InvalidCommitVersion));
    await assert.rejects(s.commit(1.5), isCoded(StoreCode.InvalidCommitVersion));
    assert.equal(s.version, 0);
    await s.commit(10); // initial height
    assert.equal(s.version, 10);
    assert.equal(s.earliestVersion, 10);
    const h = hex(s.lastHash);
    s.working.set(b("b"), b("2"));
    await assert.rejects(s.commit(10), isCoded(StoreCode.InvalidCommitVersion));
    await assert.rejects(s.commit(12), isCoded(StoreCode.InvalidCommitVersion));
    assert.equal(hex(s.lastHash), h);
    assert.deepEqual(s.working.get(b("b")), b("2"));
    assert.throws(() => s.working.set(new Uint8Array(0), b("x")), isCoded(StoreCode.InvalidKey));
    assert.throws(() => s.working.get(new Uint8Array(0)), isCoded(StoreCode.InvalidKey));
    assert.throws(() => s.proveAt(10, new Uint8Array(0)), isCoded(StoreCode.InvalidKey));
    assert.throws(
      () => StateStore.open(new MemoryDatabase(), { keepRecent: -1 }),
      isCoded(StoreCode.InvalidKey),
    );
    await s.commit(11);
    assert.deepEqual(s.readAt(10).get(b("b")), undefined);
    assert.deepEqual(s.readAt(11).get(b("b")), b("2"));
  });

  it("a flush that never happened leaves the previous version intact, and the commit can be retried", async () => {
    class CrashingDb extends MemoryDatabase {
      crash = false;
      override async flush(): Promise<void> {
        if (this.crash) {
          this.discardStaged();
          throw new Error("power cut");
        }
        return super.flush();
      }
    }
    const db = new CrashingDb();
    const s = StateStore.open(db, { keepRecent: 2 });
    const ref = StateStore.open(new MemoryDatabase(), { keepRecent: 2 });
    for (const st of [s, ref]) {
      st.working.set(b("a"), b("1"));
      st.working.set(b("b"), b("2"));
      await st.commit(1);
      st.working.set(b("a"), b("3"));
      st.working.delete(b("b"));
      st.working.set(b("c"), b("4"));
    }
    const h1 = hex(s.lastHash);
    db.crash = true;
    await assert.rejects(s.commit(2), isCoded(StoreCode.CommitFailed));
    assert.equal(s.version, 1);
    const reopened = StateStore.open(db);
    assert.equal(reopened.version, 1);
    assert.equal(hex(reopened.lastHash), h1);
    assert.deepEqual(reopened.working.get(b("a")), b("1"));
    assert.deepEqual(reopened.working.get(b("b")), b("2"));
    assert.deepEqual(
      hexPairs(reopened.readAt(1).iterator()),
      hexPairs([
        [b("a"), b("1")],
        [b("b"), b("2")],
      ]),
    );
    db.crash = false;
    const h2 = hex(await s.commit(2));
    assert.equal(h2, hex(await ref.commit(2)));
    const again = StateStore.open(db);
    assert.equal(again.version, 2);
    assert.equal(hex(again.lastHash), h2);
    assert.deepEqual(again.working.get(b("c")), b("4"));
  });

  it("refuses writes, rollbacks and a second commit while a commit is flushing", async () => {
    const s = StateStore.open(new MemoryDatabase());
    s.working.set(b("a"), b("1"));
    const pending = s.commit(1);
    assert.throws(() => s.working.set(b("b"), b("2")), isCoded(StoreCode.CommitInProgress));
    assert.throws(() => s.working.delete(b("a")), isCoded(StoreCode.CommitInProgress));
    assert.throws(() => s.rollbackWorking(), isCoded(StoreCode.CommitInProgress));
    await assert.rejects(s.commit(2), isCoded(StoreCode.CommitInProgress));
    await pending;
    assert.equal(s.version, 1);
    assert.deepEqual(s.working.get(b("a")), b("1"));
    assert.equal(s.working.get(b("b")), undefined);
    s.working.set(b("b"), b("2"));
    await s.commit(2);
  });

  it("commits in one flush that also carries the block store's staged writes", async () => {
    const db = new MemoryDatabase();
    const s = StateStore.open(db);
    db.stage([{ type: "put", key: bucketKey(Bucket.blocks, uint64(1)), value: b("block") }]);
    s.working.set(b("x"), b("y"));
    const before = db.flushCount;
    await s.commit(1);
    assert.equal(db.flushCount, before + 1);
    assert.equal(db.stagedCount, 0);
    assert.deepEqual(db.getSync(bucketKey(Bucket.blocks, uint64(1))), b("block"));
  });

  it("re-opens from LevelDB at the same version and hash, and continues like a never-closed store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openledger-store-"));
    try {
      const r = rng(11);
      const mem = StateStore.open(new MemoryDatabase(), { keepRecent: 3 });
      const memModel = new Model();
      let db = await LevelDatabase.open(dir);
      let s = StateStore.open(db, { keepRecent: 3 });
      for (let v = 1; v <= 4; v++) {
        const seed = randInt(r, 1e9);
        randomOps(s.working, new Model(), rng(seed), 80);
        randomOps(mem.working, memModel, rng(seed), 80);
        assert.equal(hex(await s.commit(v)), hex(await mem.commit(v)));
      }
      const hash = hex(s.lastHash);
      await db.close();
      db = await LevelDatabase.open(dir);
      s = StateStore.open(db, { keepRecent: 3 });
      assert.equal(s.version, 4);
      assert.equal(s.earliestVersion, 2);
      assert.equal(hex(s.lastHash), hash);
      assert.deepEqual(hexPairs(s.working.iterator()), hexPairs(memModel.range()));
      assert.deepEqual(hexPairs(s.readAt(2).iterator()), hexPairs(mem.readAt(2).iterator()));
      for (const [, [k, v]] of memModel.m) assert.deepEqual(s.working.get(k), v);
      for (let v = 5; v <= 6; v++) {
        const seed = randInt(r, 1e9);
        randomOps(s.working, new Model(), rng(seed), 80);
        randomOps(mem.working, memModel, rng(seed), 80);
        assert.equal(hex(await s.commit(v)), hex(await mem.commit(v)));
      }
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves committed reads from the flat index without walking the tree", async () => {
    const db = new MemoryDatabase();
    const s = StateStore.open(db, { cacheSize: 16, cacheBytes: 0 });
    for (let i = 0; i < 200; i++) s.working.set(b(`key${i}`), b(`v${i}`));
    await s.commit(1);
    const reopened = StateStore.open(db, { cacheSize: 16, cacheBytes: 0 });
    const misses = reopened.nodeCacheMisses;
    for (let i = 0; i < 200; i++) assert.deepEqual(reopened.working.get(b(`key${i}`)), b(`v${i}`));
    assert.equal(reopened.nodeCacheMisses, misses);
    assert.ok(NODE_KEY_LENGTH === 12);
  });
  it("keeps working reads exact with tiny byte-bounded caches (flat, parsed nodes, records)", async () => {
    const db = new MemoryDatabase();
    const tiny = { flatCacheBytes: 2_000, nodeCacheBytes: 1, cacheBytes: 64 * 1024 };
    const s = StateStore.open(db, { keepRecent: 3, ...tiny });
    const ref = StateStore.open(new MemoryDatabase(), { keepRecent: 3, flatCacheBytes: 0, cacheBytes: 0 });
    const r = rng(9);
    const model = new Model();
    for (let v = 1; v <= 12; v++) {
      for (let i = 0; i < 150; i++) {
        const k = b(`key${randInt(r, 400)}`);
        // Some values are larger than the whole flat cache: they must never be served stale.
        const val = r() < 0.1 ? randBytes(r, 2_500) : randBytes(r, 1 + randInt(r, 30));
        if (r() < 0.2) {
          s.working.delete(k);
          ref.working.delete(k);
          model.delete(k);
        } else {
          s.working.set(k, val);
          ref.working.set(k, val);
          model.set(k, val);
        }
      }
      assert.equal(hex(await s.commit(v)), hex(await ref.commit(v)));
      for (let i = 0; i < 400; i++) {
        const k = b(`key${i}`);
        assert.deepEqual(s.working.get(k), model.get(k), `key${i} at ${v}`);
      }
    }
    const reopened = StateStore.open(db, tiny);
    assert.equal(hex(reopened.lastHash), hex(s.lastHash));
    assert.deepEqual(hexPairs(reopened.readAt(11).iterator()), hexPairs(ref.readAt(11).iterator()));
  });
});
