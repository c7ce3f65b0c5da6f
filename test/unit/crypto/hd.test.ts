import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
import { fromBech32 } from "../../../src/crypto/address.js";
import {
  accountFromPrivateKey,
  deriveAccount,
  generateMnemonic,
  HD_CODESPACE,
  HdCode,
  hdPath,
  isValidMnemonic,
  normalizeMnemonic,
} from "../../../src/crypto/hd.js";
import { secp256k1Sign, secp256k1Verify } from "../../../src/crypto/secp256k1.js";
import { CodedError } from "../../../src/types/errors.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";

function assertCode(fn: () => unknown, code: number): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof CodedError && e.codespace === HD_CODESPACE && e.code === code,
  );
}

describe("hd", () => {
  it("derives the same cosmos address and pubkey as CosmJS for the dev mnemonic, indices 0..2", async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
      prefix: "cosmos",
      hdPaths: [makeCosmoshubPath(0), makeCosmoshubPath(1), makeCosmoshubPath(2)],
    });
    const accounts = await wallet.getAccounts();
    for (let i = 0; i < 3; i++) {
      const ours = deriveAccount(DEV_MNEMONIC, i, "cosmos");
      assert.equal(ours.address, accounts[i]!.address);
      assert.deepEqual(ours.publicKey, accounts[i]!.pubkey);
      assert.equal(ours.publicKey.length, 33);
      assert.equal(ours.privateKey.length, 32);
      assert.equal(ours.hdPath, `m/44'/118'/0'/0/${i}`);
    }
  });

  it("uses the open prefix by default and the same key bytes under any prefix", () => {
    const open = deriveAccount(DEV_MNEMONIC, 0);
    const cosmos = deriveAccount(DEV_MNEMONIC, 0, "cosmos");
    assert.match(open.address, /^open1/);
    assert.deepEqual(fromBech32(open.address).data, fromBech32(cosmos.address).data);
    assert.notEqual(deriveAccount(DEV_MNEMONIC, 1).address, open.address);
  });

  it("derived keys sign what secp256k1Verify accepts; accountFromPrivateKey agrees", () => {
    const a = deriveAccount(DEV_MNEMONIC, 3);
    const msg = new TextEncoder().encode("hello");
    assert.ok(secp256k1Verify(msg, secp256k1Sign(msg, a.privateKey), a.publicKey));
    assert.equal(accountFromPrivateKey(a.privateKey).address, a.address);
  });

  it("normalises case and whitespace of a mnemonic", () => {
    const messy = `  TEST test\ttest test test test test test test test test   JUNK \n`;
    assert.equal(normalizeMnemonic(messy), DEV_MNEMONIC);
    assert.equal(deriveAccount(messy).address, deriveAccount(DEV_MNEMONIC).address);
  });

  it("generates valid 24-word mnemonics by default, and 12 on request", () => {
    const m = generateMnemonic();
    assert.equal(m.split(" ").length, 24);
    assert.ok(isValidMnemonic(m));
    assert.notEqual(generateMnemonic(), m);
    assert.equal(generateMnemonic(12).split(" ").length, 12);
    assertCode(() => generateMnemonic(13), HdCode.InvalidWordCount);
  });

  it("rejects invalid mnemonics and indices with coded errors", () => {
    assertCode(() => deriveAccount("test test test"), HdCode.InvalidMnemonic);
    assertCode(() => deriveAccount(DEV_MNEMONIC.replace("junk", "test")), HdCode.InvalidMnemonic); // bad checksum
    assertCode(() => deriveAccount(DEV_MNEMONIC.replace("junk", "notaword")), HdCode.InvalidMnemonic);
    assertCode(() => deriveAccount(DEV_MNEMONIC, -1), HdCode.InvalidIndex);
    assertCode(() => deriveAccount(DEV_MNEMONIC, 2 ** 31), HdCode.InvalidIndex);
    assertCode(() => deriveAccount(DEV_MNEMONIC, 1.5), HdCode.InvalidIndex);
    assertCode(() => hdPath(0, -3), HdCode.InvalidIndex);
    assert.equal(hdPath(7, 2), "m/44'/118'/2'/0/7");
  });
});
