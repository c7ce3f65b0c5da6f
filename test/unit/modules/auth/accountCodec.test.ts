import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { encodeAny, ProtoWriter } from "../../../../src/app/protoWriter.js";
import { decodeBaseAccountAny, encodeBaseAccountAny } from "../../../../src/modules/auth/accountCodec.js";
import { accountFromAny, decodeAccount } from "../../../../src/modules/auth/keeper.js";
import { BASE_ACCOUNT_TYPE, SECP256K1_PUBKEY_TYPE } from "../../../../src/modules/auth/keys.js";
import { mulberry32 as prng } from "../../../helpers/rng.js";

function randomBig(rand: () => number): bigint {
  switch (Math.floor(rand() * 5)) {
    case 0:
      return 0n;
    case 1:
      return BigInt(Math.floor(rand() * 300));
    case 2:
      return BigInt(Math.floor(rand() * 2 ** 32));
    case 3:
      return 2n ** 64n - 1n - BigInt(Math.floor(rand() * 1000));
    default: {
      let v = 0n;
      for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(Math.floor(rand() * 256));
      return v >> BigInt(Math.floor(rand() * 64));
    }
  }
}

function randomBytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** cosmjs-types' encoding (its uint64 writer is wrong for values in [2^31, 2^32), so kept below). */
function cosmjsReference(
  address: string,
  pubKey: Uint8Array | undefined,
  an: bigint,
  seq: bigint,
): Uint8Array {
  const value = BaseAccount.encode({
    address,
    pubKey: pubKey
      ? { typeUrl: SECP256K1_PUBKEY_TYPE, value: PubKey.encode({ key: pubKey }).finish() }
      : undefined,
    accountNumber: an,
    sequence: seq,
  }).finish();
  return Any.encode({ typeUrl: BASE_ACCOUNT_TYPE, value }).finish();
}

/** The general encoder the node used before (ProtoWriter), the reference for state bytes. */
function reference(address: string, pubKey: Uint8Array | undefined, an: bigint, seq: bigint): Uint8Array {
  const base = new ProtoWriter().string(1, address);
  if (pubKey) base.message(2, encodeAny(SECP256K1_PUBKEY_TYPE, new ProtoWriter().bytes(1, pubKey).finish()));
  base.uint64(3, an).uint64(4, seq);
  return encodeAny(BASE_ACCOUNT_TYPE, base.finish());
}

const CHARS = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

describe("base account codec", () => {
  it("encodes byte-identically to the general encoder and cosmjs-types (seeded)", () => {
    const rand = prng(42);
    for (let i = 0; i < 5000; i++) {
      const len = rand() < 0.05 ? 0 : 10 + Math.floor(rand() * 200);
      let address = "";
      for (let j = 0; j < len; j++) address += CHARS[Math.floor(rand() * CHARS.length)];
      const r = rand();
      const pubKey =
        r < 0.3 ? undefined : r < 0.35 ? new Uint8Array(0) : randomBytes(rand, r < 0.4 ? 65 : 33);
      const an = randomBig(rand);
      const seq = randomBig(rand);
      const want = reference(address, pubKey, an, seq);
      assert.deepEqual(encodeBaseAccountAny(address, pubKey, an, seq), want);
      if (an < 2n ** 31n && seq < 2n ** 31n)
        assert.deepEqual(cosmjsReference(address, pubKey, an, seq), want);
    }
  });

  it("decodes what it encodes like cosmjs-types, and declines what it does not know (seeded)", () => {
    const rand = prng(7);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const address = "open1".padEnd(5 + Math.floor(rand() * 60), "q");
      const r = rand();
      const pubKey = r < 0.3 ? undefined : randomBytes(rand, 33);
      const bz = reference(address, pubKey, randomBig(rand), randomBig(rand));
      const addr = randomBytes(rand, 20);
      const want = accountFromAny(Any.decode(bz), addr);
      const got = decodeBaseAccountAny(bz);
      if (got) {
        fast++;
        assert.deepEqual({ address: addr, ...got }, want);
      } else {
        assert.ok(want.accountNumber >= 2n ** 49n || want.sequence >= 2n ** 49n);
      }
      assert.deepEqual(decodeAccount(bz, addr), want);
    }
    assert.ok(fast > 2000);
  });

  it("never accepts mutated bytes that cosmjs-types reads differently (seeded)", () => {
    const rand = prng(99);
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const pubKey = rand() < 0.5 ? undefined : randomBytes(rand, 33);
      const base = reference("open1qqqqqqqqqqqq", pubKey, BigInt(Math.floor(rand() * 1e6)), BigInt(i % 500));
      const bz = Uint8Array.from(base);
      const kind = Math.floor(rand() * 3);
      if (kind === 0) bz[Math.floor(rand() * bz.length)] = Math.floor(rand() * 256);
      const cut = kind === 1 ? bz.subarray(0, Math.floor(rand() * bz.length)) : bz;
      const input =
        kind === 2 ? Uint8Array.from([...bz, ...randomBytes(rand, 1 + Math.floor(rand() * 4))]) : cut;
      const got = decodeBaseAccountAny(input);
      if (!got) continue;
      accepted++;
      const addr = new Uint8Array(20);
      const want = accountFromAny(Any.decode(input), addr);
      assert.deepEqual({ address: addr, ...got }, want);
    }
    assert.ok(accepted > 0);
  });
});
