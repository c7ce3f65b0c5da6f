import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { Any } from "cosmjs-types/google/protobuf/any";
import { sortedJsonStringify, stdSignBytes } from "../../../src/app/amino.js";
import { camelToSnake, snakeToCamel } from "../../../src/app/protoJson.js";
import { encodeSignDoc, encodeTxMsgData, ProtoWriter } from "../../../src/app/protoWriter.js";
import { accountToAny, encodeAccount } from "../../../src/modules/auth/keeper.js";
import { hdAccount } from "../../../src/testing/index.js";

describe("hand-rolled protobuf encoders", () => {
  it("encode SignDoc exactly as cosmjs-types", () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const auth = Uint8Array.from({ length: 130 }, (_, i) => (i * 7) & 0xff);
    for (const n of [0n, 1n, 127n, 128n, 300n, 2n ** 40n]) {
      assert.deepEqual(
        encodeSignDoc(body, auth, "openledger-1", n),
        SignDoc.encode({
          bodyBytes: body,
          authInfoBytes: auth,
          chainId: "openledger-1",
          accountNumber: n,
        }).finish(),
      );
    }
  });

  it("encode SignDoc exactly as the general writer (seeded sizes, chain ids, numbers)", () => {
    let a = 9;
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    const ids = ["", "openledger-1", "x", "chain-é€", "c".repeat(200)];
    for (let i = 0; i < 2000; i++) {
      const body = Uint8Array.from({ length: rand() < 0.1 ? 0 : Math.floor(rand() * 20000) }, () => 7);
      const auth = Uint8Array.from({ length: rand() < 0.1 ? 0 : Math.floor(rand() * 300) }, () => 9);
      const chainId = ids[Math.floor(rand() * ids.length)]!;
      const n =
        rand() < 0.2 ? 0n : BigInt(Math.floor(rand() * 2 ** 30)) * BigInt(Math.floor(rand() * 2 ** 34));
      const want = new ProtoWriter().bytes(1, body).bytes(2, auth).string(3, chainId).uint64(4, n).finish();
      assert.deepEqual(encodeSignDoc(body, auth, chainId, n), want);
    }
  });

  it("encode accounts exactly as cosmjs-types", () => {
    const a = hdAccount(0);
    const plain = { address: a.addressBytes, pubKey: undefined, accountNumber: 0n, sequence: 0n };
    const withKey = { address: a.addressBytes, pubKey: a.pubKey, accountNumber: 200n, sequence: 70_000n };
    const mod = {
      ...plain,
      accountNumber: 3n,
      module: { name: "bonded_tokens_pool", permissions: ["burner", "staking"] },
    };
    for (const acc of [plain, withKey, mod])
      assert.deepEqual(encodeAccount(acc, "open"), Any.encode(accountToAny(acc, "open")).finish());
    const back = ModuleAccount.decode(Any.decode(encodeAccount(mod, "open")).value);
    assert.equal(back.name, "bonded_tokens_pool");
    assert.equal(BaseAccount.decode(Any.decode(encodeAccount(withKey, "open")).value).sequence, 70_000n);
  });

  it("encode TxMsgData exactly as cosmjs-types", () => {
    const responses = [
      { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array() },
      { typeUrl: "/x.Y", value: new Uint8Array([1, 2, 3]) },
    ];
    assert.deepEqual(
      encodeTxMsgData(responses),
      TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
    );
  });

  it("encode TxMsgData exactly as cosmjs-types (seeded)", () => {
    let a = 3;
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    for (let i = 0; i < 1000; i++) {
      const responses = Array.from({ length: Math.floor(rand() * 4) }, () => ({
        typeUrl:
          rand() < 0.1
            ? ""
            : rand() < 0.1
              ? "/é.€"
              : `/m${Math.floor(rand() * 1e6)}.R`.repeat(1 + Math.floor(rand() * 10)),
        value: Uint8Array.from({ length: rand() < 0.5 ? 0 : Math.floor(rand() * 300) }, () => 5),
      }));
      assert.deepEqual(
        encodeTxMsgData(responses),
        TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      );
    }
  });
});

describe("amino sign docs", () => {
  it("match @cosmjs/amino's serializeSignDoc, escaping & < >", () => {
    const msgs = [
      {
        type: "cosmos-sdk/MsgSend",
        value: { to_address: "b", from_address: "a<&>", amount: [{ denom: "aopen", amount: "1" }] },
      },
    ];
    const fee = { amount: [{ denom: "aopen", amount: "5" }], gas: "200000" };
    for (const timeout of [0n, 9n]) {
      const expected = serializeSignDoc(
        makeSignDoc(msgs, fee, "chain-<1>", "memo & more", "3", "4", timeout),
      );
      const ours = stdSignBytes({
        accountNumber: 3n,
        chainId: "chain-<1>",
        fee: { amount: fee.amount, gas: 200000n, payer: "", granter: "" },
        memo: "memo & more",
        msgs,
        sequence: 4n,
        timeoutHeight: timeout,
      });
      assert.equal(new TextDecoder().decode(ours), new TextDecoder().decode(expected));
    }
    assert.equal(sortedJsonStringify({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}');
  });

  it("convert field names between proto and camel case", () => {
    assert.equal(camelToSnake("denomUnits"), "denom_units");
    assert.equal(snakeToCamel("sig_verify_cost_ed25519"), "sigVerifyCostEd25519");
    assert.equal(camelToSnake("sigVerifyCostEd25519"), "sig_verify_cost_ed25519");
  });
});
