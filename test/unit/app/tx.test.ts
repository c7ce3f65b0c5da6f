import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { decodeTx } from "../../../src/app/tx.js";
import type { MsgDef } from "../../../src/app/types.js";
import { CodedError } from "../../../src/types/errors.js";

const def: MsgDef<Uint8Array> = {
  typeUrl: "/test.Msg",
  module: "test",
  decode: (b) => b,
  signers: () => [],
  handle: () => ({ typeUrl: "/test.MsgResponse", value: new Uint8Array() }),
};
const lookup = (u: string) => (u === def.typeUrl ? (def as MsgDef<unknown>) : undefined);

function raw(
  body: Partial<TxBody>,
  auth: Partial<AuthInfo> = { fee: { amount: [], gasLimit: 1n, payer: "", granter: "" } },
): Uint8Array {
  return TxRaw.encode({
    bodyBytes: TxBody.encode(TxBody.fromPartial(body)).finish(),
    authInfoBytes: AuthInfo.encode(AuthInfo.fromPartial(auth)).finish(),
    signatures: [new Uint8Array(64)],
  }).finish();
}

function err(f: () => unknown): [string, number] | undefined {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CodedError, String(e));
    return [e.codespace, e.code];
  }
  return undefined;
}

describe("decodeTx", () => {
  it("decodes a tx keeping the exact body and auth-info bytes", () => {
    const bytes = raw({ messages: [{ typeUrl: "/test.Msg", value: new Uint8Array([1, 2]) }], memo: "hi" });
    const tx = decodeTx(bytes, lookup);
    assert.equal(tx.msgs.length, 1);
    assert.deepEqual(tx.msgs[0]!.msg, new Uint8Array([1, 2]));
    assert.deepEqual(TxRaw.decode(bytes).bodyBytes, tx.bodyBytes);
    assert.equal(tx.body.memo, "hi");
    assert.equal(tx.hash.length, 32);
  });

  it("rejects malformed input with sdk codes", () => {
    assert.deepEqual(
      err(() => decodeTx(new Uint8Array(), lookup)),
      ["sdk", 2],
    );
    assert.deepEqual(
      err(() => decodeTx(new Uint8Array([0x0a, 0x05, 1]), lookup)),
      ["sdk", 2],
      "truncated",
    );
    assert.deepEqual(
      err(() => decodeTx(new Uint8Array([0x0b]), lookup)),
      ["sdk", 2],
      "group wire type",
    );
    assert.deepEqual(
      err(() => decodeTx(raw({ messages: [] }), lookup)),
      ["sdk", 18],
      "no messages",
    );
    assert.deepEqual(
      err(() => decodeTx(raw({ messages: [{ typeUrl: "/nope", value: new Uint8Array() }] }), lookup)),
      ["sdk", 2],
    );
    assert.deepEqual(
      err(() => decodeTx(new Uint8Array(2_000_000), lookup)),
      ["sdk", 21],
    );
    const ok = raw({ messages: [{ typeUrl: "/test.Msg", value: new Uint8Array() }] });
    assert.deepEqual(
      err(() => decodeTx(new Uint8Array([...ok, 0x20, 0x01]), lookup)),
      ["sdk", 2],
      "unknown TxRaw field",
    );
    assert.deepEqual(
      err(() => decodeTx(raw({ messages: [{ typeUrl: "/test.Msg", value: new Uint8Array() }] }, {}), lookup)),
      ["sdk", 2],
      "missing fee",
    );
    assert.deepEqual(
      err(() =>
        decodeTx(
          raw({
            messages: [{ typeUrl: "/test.Msg", value: new Uint8Array() }],
            extensionOptions: [{ typeUrl: "/x", value: new Uint8Array() }],
          }),
          lookup,
        ),
      ),
      ["sdk", 31],
    );
  });

  it("tolerates unknown non-critical body fields but not critical ones", () => {
    const body = TxBody.encode(
      TxBody.fromPartial({ messages: [{ typeUrl: "/test.Msg", value: new Uint8Array() }] }),
    ).finish();
    const auth = AuthInfo.encode(AuthInfo.fromPartial({ fee: { gasLimit: 1n } })).finish();
    const mk = (extra: number[]) =>
      TxRaw.encode({
        bodyBytes: new Uint8Array([...body, ...extra]),
        authInfoBytes: auth,
        signatures: [],
      }).finish();
    // field 1025 (non-critical), varint: tag = 1025 << 3 = 8200 → 0x88 0x40
    assert.equal(decodeTx(mk([0x88, 0x40, 0x01]), lookup).msgs.length, 1);
    // field 20 (critical)
    assert.deepEqual(
      err(() => decodeTx(mk([0xa0, 0x01, 0x01]), lookup)),
      ["sdk", 2],
    );
  });
});
