import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { bech32Of, decodeAddressOf, secp256k1AddressOf } from "../../../src/app/addressCache.js";
import { asciiString } from "../../../src/app/protoReader.js";
import { decodeAddress, secp256k1Address, toBech32 } from "../../../src/crypto/address.js";
import { decodePubKeyAny } from "../../../src/modules/auth/keeper.js";
import { SECP256K1_PUBKEY_TYPE } from "../../../src/modules/auth/keys.js";
import { decodeAmount, encodeAmount } from "../../../src/modules/bank/keeper.js";
import { fromUtf8, utf8 } from "../../../src/types/bytes.js";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 4294967296;
  };
}

function outcome(f: () => unknown): string {
  try {
    return `ok ${String(f())}`;
  } catch (e) {
    return `err ${(e as Error).message}`;
  }
}

describe("hot-path memos and codecs", () => {
  it("bank amounts read and write as BigInt(utf8) did (seeded, odd inputs included)", () => {
    const r = prng(5);
    const odd = ["", " 12", "0x1f", "007", "1e3", "-5", "12 ", "９", "1".repeat(90)];
    for (const s of odd)
      assert.equal(
        outcome(() => decodeAmount(utf8(s))),
        outcome(() => BigInt(fromUtf8(utf8(s)))),
      );
    for (let i = 0; i < 5000; i++) {
      let v = 0n;
      for (let k = 0; k < Math.floor(r() * 12); k++) v = v * 1000000n + BigInt(Math.floor(r() * 1e6));
      assert.deepEqual(encodeAmount(v), utf8(v.toString()));
      assert.equal(decodeAmount(encodeAmount(v)), v);
    }
  });

  it("bank amounts of every digit count up to 80 (leading zeros included) parse as BigInt(s) (seeded)", () => {
    const r = prng(77);
    for (let i = 0; i < 5000; i++) {
      const n = 1 + Math.floor(r() * 80);
      let s = "";
      for (let k = 0; k < n; k++) s += String(Math.floor(r() * 10));
      if (r() < 0.1) s = `000${s}`.slice(0, 80);
      assert.equal(decodeAmount(utf8(s)), BigInt(s), s);
    }
  });

  it("ASCII strings read by the fast proto reader match the bytes (seeded, long ones too)", () => {
    const r = prng(31);
    for (let i = 0; i < 2000; i++) {
      const n = r() < 0.05 ? 1000 + Math.floor(r() * 3000) : Math.floor(r() * 80);
      const off = Math.floor(r() * 8);
      const buf = Uint8Array.from({ length: off + n + 3 }, () => Math.floor(r() * 128));
      let ref = "";
      for (let k = off; k < off + n; k++) ref += String.fromCharCode(buf[k]!);
      assert.equal(asciiString(buf, off, off + n), ref);
      // A view that does not start at its buffer's first byte.
      const view = buf.subarray(off);
      assert.equal(asciiString(view, 0, n), ref);
    }
  });

  it("memoised bech32 and address decoding answer as the plain functions (errors too)", () => {
    const r = prng(9);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: r() < 0.5 ? 20 : 32 }, () => Math.floor(r() * 256));
      const prefix = r() < 0.5 ? "open" : "openvaloper";
      const s = toBech32(prefix, bytes);
      assert.equal(bech32Of(prefix, bytes), s);
      assert.equal(bech32Of(prefix, bytes), s);
      assert.deepEqual(decodeAddressOf(s, prefix), decodeAddress(s, prefix));
      assert.deepEqual(decodeAddressOf(s, prefix), bytes);
      const bad = r() < 0.5 ? s.slice(0, -1) : s.toUpperCase();
      assert.equal(
        outcome(() => Buffer.from(decodeAddressOf(bad, "open")).toString("hex")),
        outcome(() => Buffer.from(decodeAddress(bad, "open")).toString("hex")),
      );
      const pk = Uint8Array.from({ length: 33 }, () => Math.floor(r() * 256));
      assert.deepEqual(secp256k1AddressOf(pk), secp256k1Address(pk));
    }
  });

  it("secp256k1 pubkey Anys decode as cosmjs-types reads them (seeded layouts)", () => {
    const r = prng(13);
    for (let i = 0; i < 3000; i++) {
      const len = r() < 0.8 ? 33 : Math.floor(r() * 40);
      const key = Uint8Array.from({ length: len }, () => Math.floor(r() * 256));
      let value = PubKey.encode({ key }).finish();
      if (r() < 0.3) {
        value = Uint8Array.from(value);
        value[Math.floor(r() * value.length)] = Math.floor(r() * 256);
      }
      const want = outcome(() => {
        const k = PubKey.decode(value).key;
        if (k.length !== 33) throw new Error("length");
        return Buffer.from(k).toString("hex");
      });
      const got = outcome(() =>
        Buffer.from(decodePubKeyAny({ typeUrl: SECP256K1_PUBKEY_TYPE, value })).toString("hex"),
      );
      assert.equal(got.startsWith("ok"), want.startsWith("ok"), Buffer.from(value).toString("hex"));
      if (want.startsWith("ok")) assert.equal(got, want);
    }
  });
});
