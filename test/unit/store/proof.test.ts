import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryDatabase, PROOF_TYPE, StateStore, verifyProof } from "../../../src/store/index.js";
import type { ProofOp } from "../../../src/store/types.js";
import { b, Model, randBytes, randInt, rng } from "./helpers.js";

function flip(op: ProofOp, index: number): ProofOp {
  const data = Uint8Array.from(op.data);
  data[index]! ^= 0x01;
  return { ...op, data };
}

async function populated(): Promise<{ s: StateStore; model: Model; snapshot: Model }> {
  const s = StateStore.open(new MemoryDatabase(), { keepRecent: 0, cacheSize: 50 });
  const r = rng(3);
  const model = new Model();
  for (let i = 0; i < 300; i++) {
    const k = randBytes(r, 1 + randInt(r, 3));
    const v = randBytes(r, randInt(r, 8));
    s.working.set(k, v);
    model.set(k, v);
  }
  await s.commit(1);
  const snapshot = model.clone();
  for (const [, [k]] of [...model.m].slice(0, 40)) {
    s.working.delete(k);
    model.delete(k);
  }
  await s.commit(2);
  return { s, model, snapshot };
}

describe("proofs", () => {
  it("prove existence and non-existence of random keys at the latest and an older version", async () => {
    const { s, model, snapshot } = await populated();
    const r = rng(8);
    let exist = 0;
    let absent = 0;
    for (const [version, m] of [
      [2, model],
      [1, snapshot],
    ] as const) {
      const keys = [...[...m.m.values()].slice(0, 60).map(([k]) => k)];
      for (let i = 0; i < 150; i++) keys.push(randBytes(r, 1 + randInt(r, 3)));
      keys.push(Uint8Array.of(0), Uint8Array.of(0xff, 0xff, 0xff, 0xff));
      for (const k of keys) {
        const p = s.proveAt(version, k);
        assert.deepEqual(p.value, m.get(k));
        assert.deepEqual(p.root, version === 2 ? s.lastHash : s.hashAt(1));
        assert.equal(p.proof.length, 1);
        assert.equal(p.proof[0]!.type, PROOF_TYPE);
        assert.ok(verifyProof(p.root, k, p.value, p.proof), "valid proof verifies");
        if (p.value === undefined) {
          absent++;
          assert.equal(verifyProof(p.root, k, b("x"), p.proof), false, "absence is not presence");
        } else {
          exist++;
          assert.equal(verifyProof(p.root, k, undefined, p.proof), false, "presence is not absence");
          const wrong = Uint8Array.of(...p.value, 1);
          assert.equal(verifyProof(p.root, k, wrong, p.proof), false, "wrong value fails");
        }
        const otherRoot = version === 2 ? s.hashAt(1) : s.lastHash;
        assert.equal(verifyProof(otherRoot, k, p.value, p.proof), false, "wrong root fails");
      }
    }
    assert.ok(exist > 50 && absent > 50, `both kinds exercised (${exist}/${absent})`);
  });

  it("rejects every single-bit tampering, truncation, wrong key, wrong type and extra ops", async () => {
    const { s, model } = await populated();
    const present = [...model.m.values()][5]![0];
    const cases: Uint8Array[] = [present, b("\x80\x80\x80\x80absent")];
    for (const k of cases) {
      const p = s.proveAt(2, k);
      const op = p.proof[0]!;
      for (let i = 0; i < op.data.length; i++) {
        assert.equal(verifyProof(p.root, k, p.value, [flip(op, i)]), false, `bit flip at byte ${i}`);
      }
      assert.equal(
        verifyProof(p.root, k, p.value, [{ ...op, data: op.data.subarray(0, op.data.length - 1) }]),
        false,
      );
      assert.equal(verifyProof(p.root, k, p.value, [{ ...op, data: Uint8Array.of(...op.data, 0) }]), false);
      assert.equal(verifyProof(p.root, k, p.value, [{ ...op, type: "ics23:iavl" }]), false);
      assert.equal(verifyProof(p.root, Uint8Array.of(...k, 0), p.value, p.proof), false);
      assert.equal(verifyProof(p.root, k, p.value, [op, op]), false);
      assert.equal(verifyProof(p.root, k, p.value, []), false);
      assert.equal(verifyProof(p.root.subarray(1), k, p.value, p.proof), false);
    }
  });

  it("a neighbour proof cannot be reused for a key that exists or is not between the neighbours", async () => {
    const { s, model } = await populated();
    const sorted = model.range();
    const [k1] = sorted[10]!;
    const [k2] = sorted[11]!;
    const between = Uint8Array.of(...k1, 0);
    assert.ok(Buffer.compare(between, k2) < 0);
    const p = s.proveAt(2, between);
    assert.equal(p.value, undefined);
    assert.ok(verifyProof(p.root, between, undefined, p.proof));
    // The same neighbours claimed for k2 (which exists) or for a key beyond k2 must fail.
    for (const k of [k2, Uint8Array.of(...k2, 0)]) {
      const forged = { ...p.proof[0]!, key: k };
      const data = Uint8Array.from(forged.data);
      // rewrite the embedded queried key (same length only)
      if (between.length === k.length) data.set(k, 2);
      assert.equal(verifyProof(p.root, k, undefined, [{ ...forged, data }]), false);
    }
    // Non-adjacent neighbours: prove absence of `between` using the neighbours of a key further on.
    const far = Uint8Array.of(...sorted[40]![0], 0);
    const pf = s.proveAt(2, far);
    assert.equal(verifyProof(pf.root, between, undefined, [{ ...pf.proof[0]!, key: between }]), false);
  });

  it("proves absence in an empty tree and at both ends", async () => {
    const s = StateStore.open(new MemoryDatabase());
    const e = s.proveAt(0, b("k"));
    assert.equal(e.value, undefined);
    assert.ok(verifyProof(e.root, b("k"), undefined, e.proof));
    s.working.set(b("m"), b("1"));
    await s.commit(1);
    for (const k of [b("a"), b("z")]) {
      const p = s.proveAt(1, k);
      assert.ok(verifyProof(p.root, k, undefined, p.proof), "single-leaf neighbour");
    }
    const one = s.proveAt(1, b("m"));
    assert.ok(verifyProof(one.root, b("m"), b("1"), one.proof));
    s.working.set(b("c"), b("2"));
    s.working.set(b("x"), b("3"));
    await s.commit(2);
    const lo = s.proveAt(2, b("a"));
    const hi = s.proveAt(2, b("z"));
    assert.ok(verifyProof(lo.root, b("a"), undefined, lo.proof));
    assert.ok(verifyProof(hi.root, b("z"), undefined, hi.proof));
    // An end-proof for "a" (leftmost neighbour only) cannot prove "d" absent.
    assert.equal(verifyProof(lo.root, b("d"), undefined, [{ ...lo.proof[0]!, key: b("d") }]), false);
  });
});
