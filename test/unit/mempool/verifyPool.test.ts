import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sha256 } from "../../../src/crypto/hash.js";
import { secp256k1PublicKey, secp256k1Sign, secp256k1VerifyDigest } from "../../../src/crypto/secp256k1.js";
import { SignatureVerifyPool } from "../../../src/mempool/verifyPool.js";

const sk = sha256(new TextEncoder().encode("verify-pool-test"));
const pk = secp256k1PublicKey(sk);
const msg = new TextEncoder().encode("hello");
const digest = sha256(msg);
const sig = secp256k1Sign(msg, sk);

/** The same signature with s replaced by n - s (valid ECDSA, rejected as high-S). */
function highS(signature: Uint8Array): Uint8Array {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString("hex")}`);
  const out = signature.slice();
  out.set(Buffer.from((n - s).toString(16).padStart(64, "0"), "hex"), 32);
  return out;
}

describe("SignatureVerifyPool", () => {
  it("answers as secp256k1VerifyDigest, batched, in order", async () => {
    const pool = new SignatureVerifyPool(2);
    try {
      const bad = sig.slice();
      bad[7]! ^= 1;
      const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
        [digest, sig, pk],
        [digest, bad, pk],
        [sha256(new Uint8Array([1])), sig, pk],
        [digest, highS(sig), pk],
        [digest, sig, new Uint8Array(33)],
        [digest, sig.subarray(0, 63), pk],
        [digest.subarray(0, 31), sig, pk],
      ];
      const many = Array.from({ length: 200 }, (_, i) => cases[i % cases.length]!);
      const got = await Promise.all(many.map(([d, s, p]) => pool.verify(d, s, p)));
      const want = many.map(([d, s, p]) => secp256k1VerifyDigest(d, s, p));
      assert.deepEqual(got, want);
      assert.deepEqual(want.slice(0, cases.length), [true, false, false, false, false, false, false]);
    } finally {
      await pool.close();
    }
  });

  it("answers false once closed", async () => {
    const pool = new SignatureVerifyPool(1);
    assert.equal(await pool.verify(digest, sig, pk), true);
    await pool.close();
    assert.equal(await pool.verify(digest, sig, pk), false);
  });
});
