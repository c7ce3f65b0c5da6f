import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeSignDoc as makeAminoSignDoc, Secp256k1Wallet, serializeSignDoc } from "@cosmjs/amino";
import { DirectSecp256k1Wallet, makeSignBytes, Registry } from "@cosmjs/proto-signing";
import {
  AminoTypes,
  createDefaultAminoConverters,
  defaultRegistryTypes,
  SigningStargateClient,
} from "@cosmjs/stargate";
import { SignDoc, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createSigner, KeyAminoSigner, KeyDirectSigner, parseSignMode } from "../../../src/client/signer.js";
import { deriveAccount } from "../../../src/crypto/hd.js";
import { secp256k1Verify } from "../../../src/crypto/secp256k1.js";
import { fromBase64 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const key = deriveAccount(DEV_MNEMONIC, 0, "open");
const other = deriveAccount(DEV_MNEMONIC, 1, "open");

function sendMsg() {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: {
      fromAddress: key.address,
      toAddress: other.address,
      amount: [{ denom: "aopen", amount: "1000" }],
    },
  };
}
const fee = { amount: [{ denom: "aopen", amount: "5000" }], gas: "200000" };
const signerData = { accountNumber: 7n, sequence: 3, chainId: "openledger-dev" };

describe("keyring signers", () => {
  it("direct: signature over SignDoc bytes verifies with our secp256k1 and equals CosmJS's", async () => {
    const signer = new KeyDirectSigner(key.privateKey, "open");
    const [acct] = await signer.getAccounts();
    assert.equal(acct!.address, key.address);
    assert.deepEqual(acct!.pubkey, key.publicKey);
    const doc = SignDoc.fromPartial({
      bodyBytes: new Uint8Array([1, 2, 3]),
      authInfoBytes: new Uint8Array([4, 5]),
      chainId: "openledger-dev",
      accountNumber: 7n,
    });
    const ours = await signer.signDirect(key.address, doc);
    const sig = fromBase64(ours.signature.signature);
    assert.equal(sig.length, 64);
    assert.ok(secp256k1Verify(makeSignBytes(doc), sig, key.publicKey));
    assert.ok(!secp256k1Verify(makeSignBytes({ ...doc, accountNumber: 8n }), sig, key.publicKey));
    const cosmjs = await (await DirectSecp256k1Wallet.fromKey(key.privateKey, "open")).signDirect(
      key.address,
      doc,
    );
    assert.equal(ours.signature.signature, cosmjs.signature.signature);
    assert.deepEqual(ours.signature.pub_key, cosmjs.signature.pub_key);
  });

  it("amino: signature over the sorted JSON sign doc verifies and equals CosmJS's", async () => {
    const signer = new KeyAminoSigner(key.privateKey, "open");
    const msg = {
      type: "cosmos-sdk/MsgSend",
      value: {
        from_address: key.address,
        to_address: other.address,
        amount: [{ denom: "aopen", amount: "1" }],
      },
    };
    const doc = makeAminoSignDoc([msg], fee, "openledger-dev", "memo & <x>", 7, 3);
    const ours = await signer.signAmino(key.address, doc);
    assert.ok(secp256k1Verify(serializeSignDoc(doc), fromBase64(ours.signature.signature), key.publicKey));
    const cosmjs = await (await Secp256k1Wallet.fromKey(key.privateKey, "open")).signAmino(key.address, doc);
    assert.equal(ours.signature.signature, cosmjs.signature.signature);
  });

  it("refuses to sign for another address", async () => {
    const signer = new KeyDirectSigner(key.privateKey, "open");
    const doc = SignDoc.fromPartial({ chainId: "c" });
    await assert.rejects(
      signer.signDirect(other.address, doc),
      (e: unknown) => e instanceof CodedError && e.code === 24,
    );
    assert.throws(() => parseSignMode("textual"), CodedError);
    assert.equal(parseSignMode("amino-json"), "amino-json");
  });

  for (const mode of ["direct", "amino-json"] as const) {
    it(`SigningStargateClient (${mode}) builds the same TxRaw with our signer as with CosmJS's wallet`, async () => {
      const registry = new Registry(defaultRegistryTypes);
      const aminoTypes = new AminoTypes(createDefaultAminoConverters());
      const ours = await SigningStargateClient.offline(createSigner(key.privateKey, "open", mode), {
        registry,
        aminoTypes,
      });
      const reference =
        mode === "direct"
          ? await DirectSecp256k1Wallet.fromKey(key.privateKey, "open")
          : await Secp256k1Wallet.fromKey(key.privateKey, "open");
      const theirs = await SigningStargateClient.offline(reference, { registry, aminoTypes });
      const a = await ours.sign(key.address, [sendMsg()], fee, "hi", signerData);
      const b = await theirs.sign(key.address, [sendMsg()], fee, "hi", signerData);
      assert.deepEqual(TxRaw.encode(a).finish(), TxRaw.encode(b).finish());
      if (mode === "direct") {
        const doc = SignDoc.fromPartial({
          bodyBytes: a.bodyBytes,
          authInfoBytes: a.authInfoBytes,
          chainId: signerData.chainId,
          accountNumber: signerData.accountNumber,
        });
        assert.ok(secp256k1Verify(makeSignBytes(doc), a.signatures[0]!, key.publicKey));
      }
    });
  }
});
