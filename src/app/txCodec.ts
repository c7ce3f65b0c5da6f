/**
 * Fast decoding of the tx envelope — `TxRaw`, `TxBody`, `AuthInfo` — for the canonical layouts wallets
 * produce (see `protoReader.ts`): the same objects as cosmjs-types' decoders, or `undefined` when the
 * input is anything else and the caller must use cosmjs-types. Seeded tests compare both.
 */
import type { AuthInfo, Fee, ModeInfo, SignerInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { FastReader, readAny, readCoin, readFields } from "./protoReader.js";

/** `TxRaw{body_bytes = 1, auth_info_bytes = 2, repeated signatures = 3}`. */
export function decodeTxRawFast(bytes: Uint8Array): TxRaw | undefined {
  const r = new FastReader(bytes);
  const out: TxRaw = { bodyBytes: new Uint8Array(), authInfoBytes: new Uint8Array(), signatures: [] };
  readFields(r, [3], (t) => {
    if (t === 0x0a) out.bodyBytes = r.bytes();
    else if (t === 0x12) out.authInfoBytes = r.bytes();
    else if (t === 0x1a) out.signatures.push(r.bytes());
    else r.ok = false;
  });
  return r.ok ? out : undefined;
}

/** `TxBody{repeated messages = 1, memo = 2, timeout_height = 3}` (no extension options). */
export function decodeTxBodyFast(bytes: Uint8Array): TxBody | undefined {
  const r = new FastReader(bytes);
  const out: TxBody = {
    messages: [],
    memo: "",
    timeoutHeight: 0n,
    unordered: false,
    timeoutTimestamp: undefined,
    extensionOptions: [],
    nonCriticalExtensionOptions: [],
  };
  readFields(r, [1], (t) => {
    if (t === 0x0a) {
      const s = r.sub();
      out.messages.push(readAny(s));
      r.join(s);
    } else if (t === 0x12) out.memo = r.string();
    else if (t === 0x18) out.timeoutHeight = r.uint64();
    else r.ok = false;
  });
  return r.ok ? out : undefined;
}

function readModeInfo(r: FastReader): ModeInfo {
  const out: ModeInfo = { single: undefined, multi: undefined };
  readFields(r, [], (t) => {
    if (t !== 0x0a) {
      r.ok = false;
      return;
    }
    const s = r.sub();
    let mode = 0;
    readFields(s, [], (u) => {
      if (u !== 0x08) {
        s.ok = false;
        return;
      }
      const v = s.varint();
      // int32: a non-negative mode below 2^31 reads the same as cosmjs-types' `uint32() | 0`.
      if (v < 0 || v >= 0x80000000) s.ok = false;
      else mode = v;
    });
    r.join(s);
    out.single = { mode };
  });
  return out;
}

function readSignerInfo(r: FastReader): SignerInfo {
  const out: SignerInfo = { publicKey: undefined, modeInfo: undefined, sequence: 0n };
  readFields(r, [], (t) => {
    if (t === 0x0a) {
      const s = r.sub();
      out.publicKey = readAny(s);
      r.join(s);
    } else if (t === 0x12) {
      const s = r.sub();
      out.modeInfo = readModeInfo(s);
      r.join(s);
    } else if (t === 0x18) out.sequence = r.uint64();
    else r.ok = false;
  });
  return out;
}

function readFee(r: FastReader): Fee {
  const out: Fee = { amount: [], gasLimit: 0n, payer: "", granter: "" };
  readFields(r, [1], (t) => {
    if (t === 0x0a) {
      const s = r.sub();
      out.amount.push(readCoin(s));
      r.join(s);
    } else if (t === 0x10) out.gasLimit = r.uint64();
    else if (t === 0x1a) out.payer = r.string();
    else if (t === 0x22) out.granter = r.string();
    else r.ok = false;
  });
  return out;
}

/** `AuthInfo{repeated signer_infos = 1, fee = 2}` (no tip). */
export function decodeAuthInfoFast(bytes: Uint8Array): AuthInfo | undefined {
  const r = new FastReader(bytes);
  const out: AuthInfo = { signerInfos: [], fee: undefined, tip: undefined };
  readFields(r, [1], (t) => {
    if (t === 0x0a) {
      const s = r.sub();
      out.signerInfos.push(readSignerInfo(s));
      r.join(s);
    } else if (t === 0x12) {
      const s = r.sub();
      out.fee = readFee(s);
      r.join(s);
    } else r.ok = false;
  });
  return r.ok ? out : undefined;
}
