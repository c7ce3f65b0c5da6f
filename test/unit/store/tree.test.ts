import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bucket, MemoryDatabase } from "../../../src/store/index.js";
import { bytesKey } from "../../../src/store/sortedMap.js";
import {
  decodeNode,
  EMPTY_ROOT,
  encodeNode,
  leftOf,
  MutableTree,
  type Node,
  NodeStore,
  rightOf,
  settle,
  treeGet,
} from "../../../src/store/tree.js";
import { randBytes, randInt, rng } from "./helpers.js";

/** Check AVL, ordering, size and routing-key invariants; returns [min key, max key]. */
function check(store: NodeStore, n: Node): [string, string] {
  if (n.height === 0) {
    assert.equal(n.size, 1);
    return [n.key, n.key];
  }
  const l = leftOf(store, n);
  const r = rightOf(store, n);
  assert.equal(n.height, Math.max(l.height, r.height) + 1, "height");
  assert.ok(Math.abs(l.height - r.height) <= 1, "balanced");
  assert.equal(n.size, l.size + r.size, "size");
  assert.deepEqual([n.lh, n.rh, n.ls, n.rs], [l.height, r.height, l.size, r.size], "child heights and sizes");
  const [lmin, lmax] = check(store, l);
  const [rmin, rmax] = check(store, r);
  assert.ok(lmax < rmin, "ordered");
  assert.equal(n.key, rmin, "inner key is the right subtree's minimum");
  return [lmin, rmax];
}

describe("AVL+ tree", () => {
  it("keeps AVL invariants and contents under random inserts, updates and removes across saves", async () => {
    const db = new MemoryDatabase();
    const store = new NodeStore(db, 64); // tiny cache: forces reloads from the database
    let root: Node | undefined;
    const model = new Map<string, string>();
    const r = rng(7);
    for (let version = 1; version <= 12; version++) {
      const t = new MutableTree(store, root);
      for (let i = 0; i < 150; i++) {
        const k = bytesKey(randBytes(r, 1 + randInt(r, 2)));
        if (r() < 0.35) {
          t.remove(k);
          model.delete(k);
        } else {
          const v = bytesKey(randBytes(r, randInt(r, 5)));
          t.set(k, v);
          model.set(k, v);
        }
      }
      t.hash();
      const ops: { key: Uint8Array; value: Uint8Array }[] = [];
      const saved: Node[] = [];
      t.save(version, ops, saved);
      db.stage(ops.map((o) => ({ type: "put" as const, key: o.key, value: o.value })));
      await db.flush();
      settle(store, saved);
      root = t.root;
      if (root !== undefined) {
        check(store, root);
        assert.equal(root.size, model.size);
      } else assert.equal(model.size, 0);
      for (const [k, v] of model) assert.equal(treeGet(store, root, k), v);
      assert.equal(treeGet(store, root, "\xff\xff\xff"), undefined);
    }
  });

  it("hashes only by contents and shape: equal histories give equal roots, updates to equal values are no-ops", () => {
    const store = new NodeStore(new MemoryDatabase(), 1000);
    const a = new MutableTree(store, undefined);
    const b2 = new MutableTree(store, undefined);
    assert.equal(a.hash(), EMPTY_ROOT);
    for (const k of ["m", "c", "x", "a", "e"]) {
      a.set(k, `v${k}`);
      b2.set(k, `v${k}`);
    }
    assert.equal(a.hash(), b2.hash());
    b2.set("c", "vc");
    assert.equal(a.hash(), b2.hash());
    b2.set("c", "other");
    assert.notEqual(a.hash(), b2.hash());
    b2.remove("zzz");
    b2.set("c", "vc");
    assert.equal(a.hash(), b2.hash());
  });

  it("round-trips node records, with leaves stored inside their parent", () => {
    const store = new NodeStore(new MemoryDatabase(), 10);
    const t = new MutableTree(store, undefined);
    t.set("\x00\xff", "\x80value");
    t.set("\x01", "");
    t.set("\x02", "x");
    t.hash();
    const ops: { key: Uint8Array; value: Uint8Array }[] = [];
    const saved: Node[] = [];
    t.save(3, ops, saved);
    assert.equal(saved.length, 2, "two inner records; leaves inline");
    for (const [i, n] of saved.entries()) {
      const d = decodeNode(encodeNode(n));
      assert.deepEqual(
        [
          d.key,
          d.value,
          d.height,
          d.size,
          d.lh,
          d.rh,
          d.ls,
          d.rs,
          d.leftKey,
          d.leftHash,
          d.rightKey,
          d.rightHash,
        ],
        [
          n.key,
          n.value,
          n.height,
          n.size,
          n.lh,
          n.rh,
          n.ls,
          n.rs,
          n.leftKey,
          n.leftHash,
          n.rightKey,
          n.rightHash,
        ],
      );
      for (const [dc, nc] of [
        [d.left, n.left],
        [d.right, n.right],
      ] as const) {
        if (nc !== undefined && nc.height === 0) assert.deepEqual([dc?.key, dc?.value], [nc.key, nc.value]);
      }
      assert.equal(ops[i]!.key[0], Bucket.stateTree);
    }
    const single = new MutableTree(store, undefined);
    single.set("k", "v");
    const leafOps: { key: Uint8Array; value: Uint8Array }[] = [];
    single.save(4, leafOps, []);
    const leaf = decodeNode(leafOps[0]!.value);
    assert.deepEqual([leaf.height, leaf.key, leaf.value], [0, "k", "v"]);
    for (const bad of [[1, 5], [], [0, 5, 1], [2, 2, 0, 0, 1, 1, 97, 1, 1, 97, 0, 1, 98, 0]]) {
      assert.throws(() => decodeNode(Uint8Array.from(bad)), { name: "CodedError" });
    }
  });
});
