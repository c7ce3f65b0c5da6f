import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { decodeAuthInfoFast, decodeTxBodyFast, decodeTxRawFast } from "../../../src/app/txCodec.js";
import { decodeMsgSendFast } from "../../../src/modules/bank/msgServer.js";
import { mulberry32 as prng } from "../../helpers/rng.js";

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const bytes = (r: Rand, n: number) => Uint8Array.from({ length: n }, () => int(r, 256));
function str(r: Rand, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += r() < 0.03 ? "é€" : String.fromCharCode(32 + int(r, 95));
  return s;
}
function big(r: Rand): bigint {
  const k = int(r, 4);
  if (k === 0) return 0n;
  if (k === 1) return BigInt(int(r, 1000));
  if (k === 2) return BigInt(int(r, 2 ** 30)) * BigInt(int(r, 2 ** 30));
  return 2n ** 63n + BigInt(int(r, 1000));
}
const coins = (r: Rand) =>
  Array.from({ length: int(r, 3) }, () => ({
    denom: r() < 0.1 ? "" : str(r, 5),
    amount: String(int(r, 1e9)),
  }));

function randomTx(r: Rand): { raw: Uint8Array; body: Uint8Array; auth: Uint8Array } {
  const body = TxBody.encode(
    TxBody.fromPartial({
      messages: Array.from({ length: int(r, 3) }, () => ({
        typeUrl: r() < 0.1 ? "" : `/${str(r, 20)}`,
        value:
          r() < 0.5
            ? MsgSend.encode({ fromAddress: str(r, 10), toAddress: str(r, 10), amount: coins(r) }).finish()
            : bytes(r, int(r, 40)),
      })),
      memo: r() < 0.5 ? "" : str(r, int(r, 30)),
      timeoutHeight: r() < 0.7 ? 0n : big(r),
      extensionOptions: r() < 0.05 ? [{ typeUrl: "/x", value: new Uint8Array([1]) }] : [],
      nonCriticalExtensionOptions: r() < 0.05 ? [{ typeUrl: "/y", value: new Uint8Array() }] : [],
    }),
  ).finish();
  const auth = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: Array.from({ length: int(r, 3) }, () => ({
        publicKey: r() < 0.3 ? undefined : { typeUrl: str(r, 10), value: bytes(r, 33) },
        modeInfo:
          r() < 0.1
            ? undefined
            : r() < 0.1
              ? { multi: { modeInfos: [{ single: { mode: 1 } }] } }
              : { single: { mode: r() < 0.8 ? 1 : int(r, 200) } },
        sequence: big(r),
      })),
      fee:
        r() < 0.1
          ? undefined
          : {
              amount: coins(r),
              gasLimit: big(r),
              payer: r() < 0.8 ? "" : str(r, 8),
              granter: r() < 0.9 ? "" : "g",
            },
      tip: r() < 0.05 ? { amount: [], tipper: "t" } : undefined,
    }),
  ).finish();
  const raw = TxRaw.encode({
    bodyBytes: body,
    authInfoBytes: auth,
    signatures: Array.from({ length: int(r, 3) }, () => bytes(r, int(r, 70))),
  }).finish();
  return { raw, body, auth };
}

function mutate(r: Rand, b: Uint8Array): Uint8Array {
  const k = int(r, 3);
  if (k === 0 && b.length > 0) {
    const c = Uint8Array.from(b);
    for (let i = 0; i < 1 + int(r, 3); i++) c[int(r, c.length)] = int(r, 256);
    return c;
  }
  if (k === 1) return b.subarray(0, int(r, b.length + 1));
  return Uint8Array.from([...b, ...bytes(r, 1 + int(r, 4))]);
}

/** The fast decoder agrees with cosmjs-types whenever it answers. */
function agree<T>(
  fast: (b: Uint8Array) => T | undefined,
  slow: (b: Uint8Array) => T,
  input: Uint8Array,
): boolean {
  const got = fast(input);
  if (got === undefined) return false;
  let want: T;
  try {
    want = slow(input);
  } catch (e) {
    assert.fail(
      `fast decoder accepted what cosmjs-types rejects (${String(e)}): ${Buffer.from(input).toString("hex")}`,
    );
  }
  assert.deepEqual(got, want, Buffer.from(input).toString("hex"));
  return true;
}

describe("fast tx envelope decoding", () => {
  it("equals cosmjs-types on seeded random txs, taking the usual ones", () => {
    const r = prng(2024);
    let taken = 0;
    for (let i = 0; i < 4000; i++) {
      const t = randomTx(r);
      if (agree(decodeTxRawFast, (b) => TxRaw.decode(b), t.raw)) taken++;
      agree(decodeTxBodyFast, (b) => TxBody.decode(b), t.body);
      agree(decodeAuthInfoFast, (b) => AuthInfo.decode(b), t.auth);
      for (const m of TxBody.decode(t.body).messages)
        agree(decodeMsgSendFast, (b) => MsgSend.decode(b), m.value);
    }
    assert.ok(taken > 3000);
  });

  it("never disagrees with cosmjs-types on mutated bytes (seeded)", () => {
    const r = prng(77);
    let taken = 0;
    for (let i = 0; i < 6000; i++) {
      const t = randomTx(r);
      if (agree(decodeTxRawFast, (b) => TxRaw.decode(b), mutate(r, t.raw))) taken++;
      if (agree(decodeTxBodyFast, (b) => TxBody.decode(b), mutate(r, t.body))) taken++;
      if (agree(decodeAuthInfoFast, (b) => AuthInfo.decode(b), mutate(r, t.auth))) taken++;
      const m = MsgSend.encode({ fromAddress: str(r, 12), toAddress: str(r, 12), amount: coins(r) }).finish();
      if (agree(decodeMsgSendFast, (b) => MsgSend.decode(b), mutate(r, m))) taken++;
    }
    assert.ok(taken > 1000);
  });

  it("takes the txs CosmJS signs", () => {
    const body = TxBody.encode(
      TxBody.fromPartial({
        messages: [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: MsgSend.encode({
              fromAddress: "open1abc",
              toAddress: "open1def",
              amount: [{ denom: "aopen", amount: "5" }],
            }).finish(),
          },
        ],
      }),
    ).finish();
    const auth = AuthInfo.encode(
      AuthInfo.fromPartial({
        signerInfos: [
          {
            publicKey: { typeUrl: "/k", value: new Uint8Array(35) },
            modeInfo: { single: { mode: 1 } },
            sequence: 3n,
          },
        ],
        fee: { amount: [{ denom: "aopen", amount: "200000" }], gasLimit: 200000n },
      }),
    ).finish();
    assert.ok(decodeTxBodyFast(body));
    assert.ok(decodeAuthInfoFast(auth));
    assert.ok(decodeMsgSendFast(TxBody.decode(body).messages[0]!.value));
  });
});
