/**
 * Tx decoding: `TxRaw` bytes into body, auth info and typed messages, keeping the exact body and
 * auth-info bytes for signature checks. Malformed protobuf, unknown fields (SDK policy: only
 * non-critical fields ≥ 1024 may be unknown, and only in the body), unknown message types and empty
 * message lists are rejected with `sdk` codes.
 */
import { AuthInfo, type SignerInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "../crypto/hash.js";
import { equalBytes } from "../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { type BigCoin, fromProtoCoins } from "./coins.js";
import { decodeAuthInfoFast, decodeTxBodyFast, decodeTxRawFast } from "./txCodec.js";
import type { ChainConfig, MsgDef } from "./types.js";

/** Largest tx accepted, in bytes (CometBFT's default `max_tx_bytes`). */
export const MAX_TX_BYTES = 1_048_576;
/** Most messages in one tx. */
export const MAX_MSGS_PER_TX = 256;

/** A decoded message with its route. */
export interface DecodedMsg {
  typeUrl: string;
  msg: unknown;
  def: MsgDef<unknown>;
  /** Its signers under a chain config, once asked (see `msgSigners`). */
  signers?: { chain: ChainConfig; list: readonly Uint8Array[] };
}

/**
 * `m.def.signers(m.msg, chain)`, computed once per decoded message and chain config (CheckTx,
 * pre-verification and FinalizeBlock all ask). Errors are thrown each time, never cached. Callers must
 * not mutate the result.
 */
export function msgSigners(m: DecodedMsg, chain: ChainConfig): readonly Uint8Array[] {
  const c = m.signers;
  if (c !== undefined && c.chain === chain) return c.list;
  const list = m.def.signers(m.msg, chain);
  m.signers = { chain, list };
  return list;
}

/**
 * A decoded tx; the raw parts are the bytes exactly as received. A pending tx keeps this from CheckTx
 * to FinalizeBlock, so it holds only what the ante handler and the messages read (memo, timeout
 * height, signer infos, fee payer and granter): the full `body` and `authInfo` are decoded again from
 * their bytes when asked (the amino canonical check, rare callers), not retained.
 */
export interface DecodedTx {
  bytes: Uint8Array;
  hash: Uint8Array;
  /** The body's bytes: a view of `bytes`, made on each read (a pending tx keeps offsets, not views). */
  readonly bodyBytes: Uint8Array;
  /** The auth info's bytes: a view of `bytes`, made on each read. */
  readonly authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  /** The body, decoded again from `bodyBytes` on each read (not retained). */
  readonly body: TxBody;
  /** The auth info, decoded again from `authInfoBytes` on each read (not retained). */
  readonly authInfo: AuthInfo;
  /** `body.memo`. */
  memo: string;
  /** `body.timeoutHeight`. */
  timeoutHeight: bigint;
  /** `authInfo.signerInfos`. */
  signerInfos: SignerInfo[];
  /** `authInfo.fee.payer`. */
  feePayer: string;
  /** `authInfo.fee.granter`. */
  feeGranter: string;
  msgs: DecodedMsg[];
  /** The fee's gas limit. */
  gasLimit: bigint;
  /** Fee coins (parsed, validated later). */
  fee: BigCoin[];
  /** Whether body, auth info and messages are canonically encoded (checked lazily, for amino mode). */
  canonical?: boolean;
  /**
   * The signature-cache key of the first signer's DIRECT signature, and what it depends on (set by the
   * ante handler or pre-verification, which computed it).
   */
  directSigKey?: DirectSigKey;
  /**
   * The ante handler's signers under a chain config and their bech32 forms (the same for CheckTx,
   * re-checks and FinalizeBlock). Shared: never mutated.
   */
  anteSigners?: AnteSigners;
}

/** See `DecodedTx.anteSigners`. */
export interface AnteSigners {
  chain: ChainConfig;
  signers: readonly Uint8Array[];
  strs: readonly string[];
}

/** A DIRECT signature's cache key under one account number, chain id and pubkey. */
export interface DirectSigKey {
  accountNumber: bigint;
  chainId: string;
  pubKey: Uint8Array;
  key: string;
}

/**
 * True when the tx's body, auth info and every message re-encode to exactly the bytes received. Amino
 * signatures cover the decoded content, not the bytes, so a non-canonical encoding would let anyone
 * make a different tx (hash) with the same valid signature.
 */
export function isCanonical(tx: DecodedTx): boolean {
  if (tx.canonical !== undefined) return tx.canonical;
  const body = tx.body;
  let ok =
    equalBytes(TxBody.encode(body).finish(), tx.bodyBytes) &&
    equalBytes(AuthInfo.encode(tx.authInfo).finish(), tx.authInfoBytes);
  for (let i = 0; ok && i < tx.msgs.length; i++) {
    const m = tx.msgs[i]!;
    ok = m.def.encode !== undefined && equalBytes(m.def.encode(m.msg), body.messages[i]!.value);
  }
  tx.canonical = ok;
  return ok;
}

/** Looks up message definitions by type URL. */
export type MsgLookup = (typeUrl: string) => MsgDef<unknown> | undefined;

function txErr(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.TxDecode, `${msg}: tx parse error`);
}

/**
 * Walk protobuf wire format, rejecting malformed input and fields outside `known`; fields ≥ 1024
 * (non-critical) are tolerated when `allowNonCritical`.
 */
export function checkUnknownFields(
  buf: Uint8Array,
  known: readonly number[],
  allowNonCritical: boolean,
  what: string,
): void {
  let pos = 0;
  // Varints as numbers: exact below 2^53, and past that only compared against lengths (a larger
  // value is out of range either way) or shifted to a field number (bounded below).
  const readVarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw txErr(`${what}: truncated varint`);
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw txErr(`${what}: varint overflow`);
  };
  while (pos < buf.length) {
    const start = pos;
    const tag = readVarint();
    let field: number;
    let wire: number;
    if (tag <= 0xffffffff) {
      field = Math.floor(tag / 8);
      wire = tag % 8;
    } else {
      const big = tagAt(buf, start);
      field = Number(big >> 3n);
      wire = Number(big & 7n);
    }
    if (field === 0) throw txErr(`${what}: invalid field number 0`);
    if (!known.includes(field)) {
      if (!(allowNonCritical && (field & 1024) !== 0)) {
        throw txErr(`${what}: unknown field number ${field} (critical)`);
      }
    }
    switch (wire) {
      case 0:
        readVarint();
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = readVarint();
        if (len > buf.length - pos) throw txErr(`${what}: length out of range`);
        pos += len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw txErr(`${what}: invalid wire type ${wire}`);
    }
    if (pos > buf.length) throw txErr(`${what}: truncated field`);
  }
}

/** The exact (bigint) value of the varint at `pos`, for the rare tag too large for a number. */
function tagAt(buf: Uint8Array, pos: number): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
  return result;
}

/** A `DecodedTx` whose `body` and `authInfo` are prototype getters (no per-tx closures). */
class Decoded implements DecodedTx {
  // Present from the start, so every decoded tx keeps one shape.
  canonical: boolean | undefined = undefined;
  directSigKey: DirectSigKey | undefined = undefined;
  anteSigners: AnteSigners | undefined = undefined;
  // Where the body and auth-info bytes lie in `bytes` (a view costs ~100 bytes of heap a pending tx
  // would keep; two numbers cost nothing). `*View` is kept only when a part is not inside `bytes`.
  private readonly bodyAt: number;
  private readonly bodyLen: number;
  private readonly bodyView: Uint8Array | undefined;
  private readonly authAt: number;
  private readonly authLen: number;
  private readonly authView: Uint8Array | undefined;

  constructor(
    public bytes: Uint8Array,
    public hash: Uint8Array,
    bodyBytes: Uint8Array,
    authInfoBytes: Uint8Array,
    public signatures: Uint8Array[],
    public memo: string,
    public timeoutHeight: bigint,
    public signerInfos: SignerInfo[],
    public feePayer: string,
    public feeGranter: string,
    public msgs: DecodedMsg[],
    public gasLimit: bigint,
    public fee: BigCoin[],
  ) {
    const inBytes = (b: Uint8Array) =>
      b.buffer === bytes.buffer &&
      b.byteOffset >= bytes.byteOffset &&
      b.byteOffset + b.byteLength <= bytes.byteOffset + bytes.byteLength;
    const bodyIn = inBytes(bodyBytes);
    this.bodyAt = bodyIn ? bodyBytes.byteOffset - bytes.byteOffset : 0;
    this.bodyLen = bodyBytes.byteLength;
    this.bodyView = bodyIn ? undefined : bodyBytes;
    const authIn = inBytes(authInfoBytes);
    this.authAt = authIn ? authInfoBytes.byteOffset - bytes.byteOffset : 0;
    this.authLen = authInfoBytes.byteLength;
    this.authView = authIn ? undefined : authInfoBytes;
  }

  get bodyBytes(): Uint8Array {
    return this.bodyView ?? this.bytes.subarray(this.bodyAt, this.bodyAt + this.bodyLen);
  }

  get authInfoBytes(): Uint8Array {
    return this.authView ?? this.bytes.subarray(this.authAt, this.authAt + this.authLen);
  }

  get body(): TxBody {
    return decodeBody(this.bodyBytes);
  }

  get authInfo(): AuthInfo {
    return decodeAuthInfo(this.authInfoBytes);
  }
}

/** `TxBody` bytes that decoded once already (so they decode again without error). */
function decodeBody(b: Uint8Array): TxBody {
  return decodeTxBodyFast(b) ?? TxBody.decode(b);
}

/** `AuthInfo` bytes that decoded once already. */
function decodeAuthInfo(b: Uint8Array): AuthInfo {
  return decodeAuthInfoFast(b) ?? AuthInfo.decode(b);
}

/** Decode tx bytes; throws `sdk` 2 (parse), 21 (too large) or 31 (extension options). */
export function decodeTx(
  bytes: Uint8Array,
  lookup: MsgLookup,
  maxBytes = MAX_TX_BYTES,
  hash?: Uint8Array,
): DecodedTx {
  if (bytes.length === 0) throw txErr("tx bytes are empty");
  if (bytes.length > maxBytes)
    throw new CodedError(
      SDK,
      SdkCode.TxTooLarge,
      `tx too large: ${bytes.length} > ${maxBytes}: tx too large`,
    );
  checkUnknownFields(bytes, [1, 2, 3], false, "TxRaw");
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    // The one-pass readers take the usual layouts; anything else goes to cosmjs-types as before.
    raw = decodeTxRawFast(bytes) ?? TxRaw.decode(bytes);
    checkUnknownFields(raw.bodyBytes, [1, 2, 3, 1023, 2047], true, "TxBody");
    checkUnknownFields(raw.authInfoBytes, [1, 2, 3], false, "AuthInfo");
    body = decodeBody(raw.bodyBytes);
    authInfo = decodeAuthInfo(raw.authInfoBytes);
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw txErr((e as Error).message);
  }
  if (body.extensionOptions.length > 0) {
    throw new CodedError(SDK, SdkCode.UnknownExtensionOptions, "unknown extension options");
  }
  if (body.messages.length === 0)
    throw new CodedError(SDK, SdkCode.InvalidRequest, "must contain at least one message: invalid request");
  if (body.messages.length > MAX_MSGS_PER_TX) throw txErr(`too many messages: ${body.messages.length}`);
  // `map`, not `push` onto `[]`: an array grown by push keeps room for 17 entries (~130 bytes more),
  // and a pending tx keeps this array until FinalizeBlock.
  const msgs = body.messages.map((any): DecodedMsg => {
    const def = lookup(any.typeUrl);
    if (!def) throw txErr(`unable to resolve type URL ${any.typeUrl.slice(0, 200)}`);
    let msg: unknown;
    try {
      msg = def.decode(any.value);
    } catch (e) {
      throw txErr(`${any.typeUrl}: ${(e as Error).message}`);
    }
    return { typeUrl: any.typeUrl, msg, def, signers: undefined };
  });
  const fee = authInfo.fee;
  if (!fee) throw txErr("missing fee");
  for (const si of authInfo.signerInfos) {
    if (!si.modeInfo) throw txErr("signer info without mode info");
  }
  return new Decoded(
    bytes,
    hash ?? sha256(bytes),
    raw.bodyBytes,
    raw.authInfoBytes,
    // Exact-size copies of the arrays the readers grew by `push` (see `msgs`).
    raw.signatures.slice(),
    body.memo,
    body.timeoutHeight,
    authInfo.signerInfos.slice(),
    fee.payer,
    fee.granter,
    msgs,
    fee.gasLimit,
    fromProtoCoins(fee.amount),
  );
}
