import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { checkUnknownFields, decodeTx } from "../../../src/app/tx.js";
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

  it("keeps the compact fields and decodes body and auth info again, as cosmjs-types does", () => {
    const pub = { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: new Uint8Array([10, 1, 7]) };
    const auth: Partial<AuthInfo> = {
      signerInfos: [{ publicKey: pub, modeInfo: { single: { mode: 1 } }, sequence: 5n }],
      fee: { amount: [{ denom: "aopen", amount: "12" }], gasLimit: 9n, payer: "p", granter: "g" },
    };
    const body = {
      messages: [{ typeUrl: "/test.Msg", value: new Uint8Array([3]) }],
      memo: "m",
      timeoutHeight: 7n,
    };
    const bytes = raw(body, auth);
    const tx = decodeTx(bytes, lookup);
    const r = TxRaw.decode(bytes);
    assert.deepEqual(tx.bodyBytes, r.bodyBytes);
    assert.deepEqual(tx.authInfoBytes, r.authInfoBytes);
    assert.equal(tx.bodyBytes.buffer, bytes.buffer, "a view, not a copy");
    assert.deepEqual(tx.body, TxBody.decode(r.bodyBytes));
    assert.deepEqual(tx.authInfo, AuthInfo.decode(r.authInfoBytes));
    assert.equal(tx.memo, "m");
    assert.equal(tx.timeoutHeight, 7n);
    assert.deepEqual(tx.signerInfos, AuthInfo.decode(r.authInfoBytes).signerInfos);
    assert.equal(tx.feePayer, "p");
    assert.equal(tx.feeGranter, "g");
    assert.equal(tx.gasLimit, 9n);
    assert.deepEqual(tx.fee, [{ denom: "aopen", amount: 12n }]);
    // Recurring strings are shared between decoded txs.
    const again = decodeTx(raw(body, auth), lookup);
    assert.equal(again.msgs[0]!.typeUrl, tx.msgs[0]!.typeUrl);
    assert.equal(again.signerInfos[0]!.publicKey!.typeUrl, pub.typeUrl);
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

/** The previous (bigint) field walker, the reference for `checkUnknownFields`. */
function referenceCheck(buf: Uint8Array, known: readonly number[], allowNonCritical: boolean): void {
  const fail = (m: string) => {
    throw new CodedError("sdk", 2, `w: ${m}: tx parse error`);
  };
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) fail("truncated varint");
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    return fail("varint overflow") as never;
  };
  while (pos < buf.length) {
    const tag = readVarint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) fail("invalid field number 0");
    if (!known.includes(field) && !(allowNonCritical && (field & 1024) !== 0))
      fail(`unknown field number ${field} (critical)`);
    if (wire === 0) readVarint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) {
      const len = readVarint();
      if (len > BigInt(buf.length - pos)) fail("length out of range");
      pos += Number(len);
    } else if (wire === 5) pos += 4;
    else fail(`invalid wire type ${wire}`);
    if (pos > buf.length) fail("truncated field");
  }
}

describe("checkUnknownFields", () => {
  it("accepts and rejects exactly as the bigint walker did, with the same messages (seeded)", () => {
    let a = 12345;
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    const valid = raw({ messages: [{ typeUrl: "/test.Msg", value: new Uint8Array([1, 2, 3]) }], memo: "m" });
    let rejected = 0;
    for (let i = 0; i < 30000; i++) {
      const len = 1 + Math.floor(rand() * 24);
      let buf: Uint8Array;
      if (rand() < 0.5) {
        buf = Uint8Array.from({ length: len }, () =>
          rand() < 0.3 ? 0xff : rand() < 0.5 ? Math.floor(rand() * 256) : Math.floor(rand() * 32),
        );
      } else {
        buf = Uint8Array.from(valid);
        for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
          buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      }
      const known = [1, 2, 3, 1023, 2047];
      const allow = rand() < 0.5;
      const msg = (f: () => void) => {
        try {
          f();
          return "ok";
        } catch (e) {
          return (e as Error).message.replace(/^[^:]*: /, "");
        }
      };
      const want = msg(() => referenceCheck(buf, known, allow));
      const got = msg(() => checkUnknownFields(buf, known, allow, "w"));
      assert.equal(got, want, Buffer.from(buf).toString("hex"));
      if (want !== "ok") rejected++;
    }
    assert.ok(rejected > 1000);
  });
});
