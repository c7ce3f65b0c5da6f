/**
 * The off-chain inference request and its ADR-036 sign doc, shared by the chain (verification), the
 * gateway and the CLI (signing). The canonical JSON of a request has its seven fields in key order,
 * every integer as a decimal string:
 * `{"chain_id":…,"expiry_height":"…","max_fee":"…","model_id":"…","nonce":"…","prompt_sha256":"…","requester":"…"}`.
 * The requester signs the amino sign doc
 * `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"","msgs":[{"type":"sign/MsgSignData",
 * "value":{"data":<base64 of the canonical JSON>,"signer":<requester>}}],"sequence":"0"}` (sorted keys, no
 * spaces): secp256k1 over sha256 of its UTF-8 bytes, as wallets' `signArbitrary` does.
 */
import { secp256k1Address } from "../../crypto/address.js";
import { secp256k1Sign, secp256k1Verify } from "../../crypto/secp256k1.js";
import { equalBytes, toBase64, utf8 } from "../../types/bytes.js";
import { big, type IInferenceRequest } from "./proto.js";

/** A request with its integer fields as bigints (the form code computes with). */
export interface InferenceRequestData {
  chainId: string;
  modelId: bigint;
  requester: string;
  /** Lowercase hex sha256 of the prompt. */
  promptSha256: string;
  maxFee: bigint;
  nonce: bigint;
  expiryHeight: bigint;
}

/** A decoded request (protobuf object) as `InferenceRequestData`. */
export function requestData(r: IInferenceRequest): InferenceRequestData {
  return {
    chainId: r.chainId ?? "",
    modelId: big(r.modelId),
    requester: r.requester ?? "",
    promptSha256: r.promptSha256 ?? "",
    maxFee: /^[0-9]{1,78}$/.test(r.maxFee ?? "") ? BigInt(r.maxFee ?? "0") : -1n,
    nonce: big(r.nonce),
    expiryHeight: big(r.expiryHeight),
  };
}

/** The protobuf object of a request. */
export function requestProto(d: InferenceRequestData): IInferenceRequest {
  return {
    chainId: d.chainId,
    modelId: Number(d.modelId),
    requester: d.requester,
    promptSha256: d.promptSha256,
    maxFee: d.maxFee.toString(),
    nonce: Number(d.nonce),
    expiryHeight: Number(d.expiryHeight),
  };
}

/** The canonical JSON of a request (sorted keys, integers as strings). */
export function canonicalRequestJson(d: InferenceRequestData): string {
  return JSON.stringify({
    chain_id: d.chainId,
    expiry_height: d.expiryHeight.toString(),
    max_fee: d.maxFee.toString(),
    model_id: d.modelId.toString(),
    nonce: d.nonce.toString(),
    prompt_sha256: d.promptSha256,
    requester: d.requester,
  });
}

/** The ADR-036 amino sign doc bytes of a request (what the requester's key signs). */
export function requestSignBytes(d: InferenceRequestData): Uint8Array {
  const data = toBase64(utf8(canonicalRequestJson(d)));
  return utf8(
    JSON.stringify({
      account_number: "0",
      chain_id: "",
      fee: { amount: [], gas: "0" },
      memo: "",
      msgs: [{ type: "sign/MsgSignData", value: { data, signer: d.requester } }],
      sequence: "0",
    }),
  );
}

/** Sign a request with a secp256k1 private key (64-byte r‖s). */
export function signRequest(d: InferenceRequestData, privKey: Uint8Array): Uint8Array {
  return secp256k1Sign(requestSignBytes(d), privKey);
}

/** True when `signature` by `pubKey` signs the request. */
export function verifyRequest(d: InferenceRequestData, signature: Uint8Array, pubKey: Uint8Array): boolean {
  return secp256k1Verify(requestSignBytes(d), signature, pubKey);
}

/** True when the 33-byte key hashes to the 20-byte address. */
export function pubKeyMatches(pubKey: Uint8Array, address: Uint8Array): boolean {
  return pubKey.length === 33 && equalBytes(secp256k1Address(pubKey), address);
}
