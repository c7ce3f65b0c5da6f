import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519SignatureVerifier } from "../../../src/consensus/engine.js";
import { createFastEd25519Verifier } from "../../../src/consensus/fastVerify.js";
import { ed25519FromSeed, ed25519Sign, ed25519Verify } from "../../../src/crypto/ed25519.js";
import { utf8 } from "../../../src/types/bytes.js";

describe("createFastEd25519Verifier", () => {
  const kp = ed25519FromSeed(new Uint8Array(32).fill(11));
  const other = ed25519FromSeed(new Uint8Array(32).fill(12));

  it("agrees with ed25519Verify on valid, tampered, wrong-key and malformed input", () => {
    const fast = createFastEd25519Verifier();
    for (let i = 0; i < 8; i++) {
      const msg = utf8(`vote sign bytes ${i}`);
      const sig = ed25519Sign(msg, kp.privateKey);
      const bad = new Uint8Array(sig);
      bad[i] = (bad[i] ?? 0) ^ 1;
      const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
        [kp.publicKey, msg, sig],
        [kp.publicKey, msg, bad],
        [other.publicKey, msg, sig],
        [kp.publicKey, utf8("other"), sig],
        [kp.publicKey, msg, sig.subarray(0, 63)],
        [kp.publicKey.subarray(0, 31), msg, sig],
      ];
      for (const [pub, m, s] of cases) {
        assert.equal(fast(pub, m, s), ed25519Verify(s, m, pub));
        assert.equal(fast(pub, m, s), ed25519SignatureVerifier(pub, m, s));
      }
      assert.equal(fast(kp.publicKey, msg, sig), true, "cached positive stays true");
      assert.equal(fast(kp.publicKey, msg, bad), false, "a failure is never cached as success");
    }
  });

  it("falls back to the ZIP-215 rule where OpenSSL's strict check refuses (small-order key)", () => {
    const fast = createFastEd25519Verifier({ cacheSize: 0 });
    // A = (0, -1), the point of order 2; R = identity; s = 0: the cofactored equation always holds
    const pub = new Uint8Array(32).fill(0xff);
    pub[0] = 0xec;
    pub[31] = 0x7f;
    const sig = new Uint8Array(64);
    sig[0] = 1;
    let nobleTrue = 0;
    let strictFalse = 0;
    for (let i = 0; i < 8; i++) {
      const msg = utf8(`m${i}`);
      const want = ed25519Verify(sig, msg, pub);
      if (want) nobleTrue++;
      if (!fast.quick(pub, msg, sig)) strictFalse++;
      assert.equal(fast(pub, msg, sig), want);
    }
    assert.equal(nobleTrue, 8, "noble (ZIP-215) accepts these for every message");
    assert.ok(strictFalse > 0, "OpenSSL's cofactorless check refuses some: the fallback decided them");
  });

  it("quick is OpenSSL-only: true is final, false may hand over to the full check", () => {
    const fast = createFastEd25519Verifier();
    const msg = utf8("proposal");
    const sig = ed25519Sign(msg, kp.privateKey);
    assert.equal(fast.quick(kp.publicKey, msg, sig), true);
    assert.equal(fast.quick(other.publicKey, msg, sig), false);
  });
});
