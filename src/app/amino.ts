/**
 * SIGN_MODE_LEGACY_AMINO_JSON: the StdSignDoc the SDK (and CosmJS) signs — keys sorted recursively,
 * compact JSON, `& < >` escaped as `\u0026 \u003c \u003e` — built from each message's amino JSON.
 */
import { utf8 } from "../types/bytes.js";

/** One amino message `{type, value}`. */
export interface AminoMsg {
  type: string;
  value: unknown;
}

/** The fields of a StdSignDoc before serialisation. */
export interface StdSignDocInput {
  accountNumber: bigint;
  chainId: string;
  fee: { amount: { amount: string; denom: string }[]; gas: bigint; payer: string; granter: string };
  memo: string;
  msgs: AminoMsg[];
  sequence: bigint;
  timeoutHeight: bigint;
}

/** Sort object keys recursively (arrays keep order). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) {
      const v = src[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Sorted, compact JSON with `& < >` escaped, as `serializeSignDoc` in CosmJS and the SDK produce. */
export function sortedJsonStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value))
    .replace(/&/g, "\\u0026")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e");
}

/** The bytes a legacy amino signer signs (before sha256). */
export function stdSignBytes(doc: StdSignDocInput): Uint8Array {
  const fee: Record<string, unknown> = { amount: doc.fee.amount, gas: doc.fee.gas.toString() };
  if (doc.fee.payer !== "") fee["payer"] = doc.fee.payer;
  if (doc.fee.granter !== "") fee["granter"] = doc.fee.granter;
  const signDoc: Record<string, unknown> = {
    account_number: doc.accountNumber.toString(),
    chain_id: doc.chainId,
    fee,
    memo: doc.memo,
    msgs: doc.msgs,
    sequence: doc.sequence.toString(),
  };
  if (doc.timeoutHeight !== 0n) signDoc["timeout_height"] = doc.timeoutHeight.toString();
  return utf8(sortedJsonStringify(signDoc));
}
