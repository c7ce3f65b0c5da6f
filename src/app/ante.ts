/**
 * The ante handler: SDK 0.50's checks before any message runs — basic validation, timeout height,
 * memo, tx-size gas, the node's minimum fee (CheckTx only), per signer account/pubkey/sequence and
 * signature (SIGN_MODE_DIRECT and SIGN_MODE_LEGACY_AMINO_JSON over secp256k1, with a verified-signature
 * cache), fee deduction to the fee collector, pubkey storage and sequence increments, and the `tx`
 * events. Simulate mode skips signature and fee checks but still checks sequences.
 */
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { sha256, sha256Latin1 } from "../crypto/hash.js";
import { secp256k1VerifyDigest } from "../crypto/secp256k1.js";
import type { Account, AuthKeeper } from "../modules/auth/keeper.js";
import { decodePubKeyAny } from "../modules/auth/keeper.js";
import { FEE_COLLECTOR } from "../modules/auth/keys.js";
import type { BankKeeper } from "../modules/bank/keeper.js";
import { equalBytes, toBase64 } from "../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { FifoQueue } from "../types/fifo.js";
import { bech32Of, secp256k1AddressOf } from "./addressCache.js";
import { type AminoMsg, stdSignBytes } from "./amino.js";
import { amountOf, type BigCoin, coinsToString, DEC_SCALE, type DecCoin, validateCoins } from "./coins.js";
import { attr, EventManager } from "./events.js";
import { OutOfGasError } from "./gas.js";
import { encodeSignDoc } from "./protoWriter.js";
import { type DecodedTx, isCanonical, msgSigners } from "./tx.js";
import type { Context } from "./types.js";

/** Largest gas limit a tx may ask for (SDK `MaxGasWanted`, 2^63 - 1). */
export const MAX_GAS_WANTED = 2n ** 63n - 1n;
/** Extra bytes charged per signer in simulate mode for the signature (and key) not yet present. */
const SIM_SIG_BYTES = 64n;
const SIM_PUBKEY_BYTES = 33n;
/** Bytes charged in simulate mode for the fee coins and gas limit a simulated tx does not carry yet. */
const SIM_FEE_BYTES = 64n;

/** A bounded set of verified (sign bytes, pubkey, signature) triples. */
export class SignatureCache {
  private readonly seen = new Set<string>();
  /** Insertion order, for eviction (see `FifoQueue`). */
  private readonly order = new FifoQueue<string>();

  /** Keep at most `max` entries (oldest evicted first). */
  constructor(private readonly max = 200_000) {}

  /** True when this triple was verified before. */
  has(key: string): boolean {
    return this.seen.has(key);
  }

  /** Remember a verified triple. */
  add(key: string): void {
    if (this.seen.has(key)) return;
    while (this.seen.size >= this.max && this.order.size > 0) this.seen.delete(this.order.shift()!);
    this.seen.add(key);
    this.order.push(key);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.seen.size;
  }
}

/**
 * Remember `key` as the signature-cache key of `tx`'s first (DIRECT) signature under this account
 * number, chain id and pubkey (for a caller that computed it before the ante handler runs).
 */
export function rememberDirectSigKey(
  tx: DecodedTx,
  accountNumber: bigint,
  chainId: string,
  pubKey: Uint8Array,
  key: string,
): void {
  tx.directSigKey = { accountNumber, chainId, pubKey, key };
}

/** Scratch for `sigCacheKey`'s input: digest (32) ‖ compressed pubkey (33) ‖ signature (64). */
let sigKeyScratch = new Uint8Array(32 + 33 + 64);

/**
 * The `SignatureCache` key of a (sign bytes, pubkey, signature) triple, from `digest` = sha256 of the
 * sign bytes (which the signature check needs anyway): sha256(digest ‖ pubkey ‖ signature) as a
 * 32-character latin1 string. The cache lives in memory only, so the key's form is the node's choice.
 */
export function sigCacheKey(digest: Uint8Array, pubKey: Uint8Array, signature: Uint8Array): string {
  const n = digest.length + pubKey.length + signature.length;
  if (sigKeyScratch.length < n) sigKeyScratch = new Uint8Array(n);
  const buf = sigKeyScratch;
  buf.set(digest, 0);
  buf.set(pubKey, digest.length);
  buf.set(signature, digest.length + pubKey.length);
  return sha256Latin1(n === buf.length ? buf : buf.subarray(0, n));
}

/** What the ante handler needs from the app. */
export interface AnteDeps {
  auth: AuthKeeper;
  bank: BankKeeper;
  /** The node's minimum gas prices (fixed point 10^18). */
  minGasPrices: readonly DecCoin[];
  sigCache: SignatureCache;
}

/** What a passed ante check reports. */
export interface AnteResult {
  /** Signer addresses in order (shared: never mutated). */
  signers: readonly Uint8Array[];
  /** First signer (bech32) and the sequence its signature used, for the mempool. */
  sender: string;
  sequence: bigint;
  /** Fee in the bond denom × 10^18 / gas limit. */
  priority: bigint;
}

function unauthorized(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.Unauthorized, `${msg}: unauthorized`);
}

/** The tx's signers: each message's signers in order, de-duplicated (then the fee payer if distinct). */
export function txSigners(ctx: Context, tx: DecodedTx): Uint8Array[] {
  if (tx.msgs.length === 1) {
    // One message: its signers, de-duplicated only when there are several.
    const m = tx.msgs[0]!;
    const list = msgSigners(m, ctx.chain);
    if (list.length <= 1) return [...list];
  }
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const m of tx.msgs) {
    for (const s of msgSigners(m, ctx.chain)) {
      const k = toBase64(s);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(s);
      }
    }
  }
  return out;
}

/** Amino JSON of the tx's messages; throws `sdk` 4 when a message has no amino form. */
function aminoMsgs(tx: DecodedTx): AminoMsg[] {
  return tx.msgs.map((m) => {
    if (!m.def.amino)
      throw unauthorized(
        `signature verification failed: ${m.typeUrl} does not support SIGN_MODE_LEGACY_AMINO_JSON`,
      );
    return { type: m.def.amino.aminoType, value: m.def.amino.toAmino(m.msg) };
  });
}

/** The fee the node requires for `gasLimit` (any one denom suffices); empty when no minimum. */
export function requiredFees(minGasPrices: readonly DecCoin[], gasLimit: bigint): BigCoin[] {
  const out: BigCoin[] = [];
  for (const p of minGasPrices) {
    if (p.amount === 0n) continue;
    const num = p.amount * gasLimit;
    out.push({ denom: p.denom, amount: (num + DEC_SCALE - 1n) / DEC_SCALE });
  }
  return out;
}

/** Run the ante checks in `ctx` (its store is the tx's branch, its meter the tx's gas meter). */
export function runAnte(ctx: Context, tx: DecodedTx, deps: AnteDeps): AnteResult {
  const simulate = ctx.mode === "simulate";
  const params = deps.auth.getParams(ctx);
  const infos = tx.signerInfos;

  // ValidateBasic.
  if (!simulate && tx.signatures.length === 0)
    throw new CodedError(SDK, SdkCode.NoSignatures, "no signatures supplied");
  if (tx.signatures.length !== infos.length) {
    throw unauthorized(`wrong number of signatures; expected ${infos.length}, got ${tx.signatures.length}`);
  }
  if (tx.gasLimit > MAX_GAS_WANTED)
    throw new CodedError(
      SDK,
      SdkCode.InvalidRequest,
      `invalid gas supplied; ${tx.gasLimit} > ${MAX_GAS_WANTED}`,
    );
  if (!simulate && tx.gasLimit === 0n)
    throw new CodedError(SDK, SdkCode.InvalidGasLimit, "gas limit must be greater than 0: invalid gas limit");
  try {
    validateCoins(tx.fee);
  } catch (e) {
    throw new CodedError(
      SDK,
      SdkCode.InsufficientFee,
      `invalid fee provided: ${(e as Error).message}: insufficient fee`,
    );
  }
  // Signers and their bech32 forms (for messages and events): computed once per decoded tx and chain
  // config.
  let memo = tx.anteSigners;
  if (memo === undefined || memo.chain !== ctx.chain) {
    let list: Uint8Array[];
    try {
      list = txSigners(ctx, tx);
    } catch (e) {
      if (e instanceof CodedError) throw e;
      throw new CodedError(SDK, SdkCode.InvalidAddress, (e as Error).message);
    }
    memo = {
      chain: ctx.chain,
      signers: list,
      strs: list.map((s) => bech32Of(ctx.chain.bech32Prefix, s)),
    };
    tx.anteSigners = memo;
  }
  const signers = memo.signers;
  const signerStrs = memo.strs;
  if (tx.feeGranter !== "")
    throw new CodedError(SDK, SdkCode.InvalidRequest, "fee grants are not enabled: invalid request");
  let payer = signers[0]!;
  let payerStr: string | undefined = signerStrs[0];
  if (tx.feePayer !== "") {
    const idx = signerStrs.indexOf(tx.feePayer);
    if (idx < 0) throw unauthorized(`fee payer ${tx.feePayer.slice(0, 100)} is not a signer of the tx`);
    payer = signers[idx]!;
    payerStr = signerStrs[idx]!;
  }
  if (signers.length !== infos.length)
    throw unauthorized(`wrong number of signers; expected ${signers.length}, got ${infos.length}`);
  if (BigInt(signers.length) > params.txSigLimit) {
    throw new CodedError(
      SDK,
      SdkCode.TooManySignatures,
      `signatures: ${signers.length}, limit: ${params.txSigLimit}: too many signatures`,
    );
  }

  // Timeout height and memo.
  const timeout = tx.timeoutHeight;
  if (timeout > 0n && BigInt(ctx.header.height) > timeout) {
    throw new CodedError(
      SDK,
      SdkCode.TxTimeoutHeight,
      `block height: ${ctx.header.height}, timeout height: ${timeout}: tx timeout height`,
    );
  }
  const memoChars = [...tx.memo].length;
  if (BigInt(memoChars) > params.maxMemoCharacters) {
    throw new CodedError(
      SDK,
      SdkCode.MemoTooLarge,
      `maximum number of characters is ${params.maxMemoCharacters} but received ${memoChars} characters: memo too large`,
    );
  }

  // Tx size gas.
  ctx.gasMeter.consume(params.txSizeCostPerByte * BigInt(tx.bytes.length), "txSize");

  // Minimum fee (CheckTx only, as the SDK).
  if (ctx.isCheckTx) {
    const required = requiredFees(deps.minGasPrices, tx.gasLimit);
    if (required.length > 0 && !required.some((r) => amountOf(tx.fee, r.denom) >= r.amount)) {
      throw new CodedError(
        SDK,
        SdkCode.InsufficientFee,
        `insufficient fees; got: ${coinsToString(tx.fee)} required: ${coinsToString(required)}: insufficient fee`,
      );
    }
  }

  // Per signer: account, pubkey, sequence, signature.
  const accounts: Account[] = [];
  let aminoCache: AminoMsg[] | undefined;
  for (let i = 0; i < signers.length; i++) {
    const signer = signers[i]!;
    const info = infos[i]!;
    const signerStr = signerStrs[i]!;
    const acc = deps.auth.getAccount(ctx, signer);
    if (!acc)
      throw new CodedError(
        SDK,
        SdkCode.UnknownAddress,
        `account ${signerStr} does not exist: unknown address`,
      );
    let pubKey = acc.pubKey;
    if (info.publicKey) {
      let pk: Uint8Array;
      try {
        pk = decodePubKeyAny(info.publicKey);
      } catch (e) {
        throw new CodedError(SDK, SdkCode.InvalidPubKey, `${(e as Error).message}: invalid pubkey`);
      }
      if (!equalBytes(secp256k1AddressOf(pk), signer)) {
        throw new CodedError(
          SDK,
          SdkCode.InvalidPubKey,
          `pubKey does not match signer address ${signerStr} with signer index: ${i}: invalid pubkey`,
        );
      }
      pubKey ??= pk;
    }
    if (!pubKey && !simulate)
      throw new CodedError(SDK, SdkCode.InvalidPubKey, "pubkey on account is not set: invalid pubkey");
    if (info.sequence !== acc.sequence) {
      throw new CodedError(
        SDK,
        SdkCode.WrongSequence,
        `account sequence mismatch, expected ${acc.sequence}, got ${info.sequence}: incorrect account sequence`,
      );
    }
    if (simulate) {
      ctx.gasMeter.consume(
        params.txSizeCostPerByte * (SIM_SIG_BYTES + (info.publicKey ? 0n : SIM_PUBKEY_BYTES)),
        "txSize",
      );
    }
    ctx.gasMeter.consume(params.sigVerifyCostSecp256k1, "ante verify: secp256k1");
    if (!simulate) {
      const single = info.modeInfo?.single;
      if (!single) throw unauthorized("signature verification failed; multisig signers are not supported");
      let signBytes: Uint8Array;
      const sig = tx.signatures[i]!;
      if (single.mode === SignMode.SIGN_MODE_DIRECT) {
        // The key of a verified DIRECT signature is kept on the decoded tx: CheckTx, re-checks and
        // FinalizeBlock then find it in the cache without re-encoding and re-hashing the sign doc.
        const memo = i === 0 ? tx.directSigKey : undefined;
        if (
          memo !== undefined &&
          memo.accountNumber === acc.accountNumber &&
          memo.chainId === ctx.header.chainId &&
          equalBytes(memo.pubKey, pubKey!) &&
          deps.sigCache.has(memo.key)
        ) {
          if (!acc.pubKey && pubKey) acc.pubKey = pubKey;
          accounts.push(acc);
          continue;
        }
        signBytes = encodeSignDoc(tx.bodyBytes, tx.authInfoBytes, ctx.header.chainId, acc.accountNumber);
      } else if (single.mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON) {
        if (!isCanonical(tx)) {
          throw new CodedError(
            SDK,
            SdkCode.TxDecode,
            "non-canonical encoding of an amino-signed tx: tx parse error",
          );
        }
        aminoCache ??= aminoMsgs(tx);
        // The fee's coins as received (amino mode is rare: decoded again from the auth-info bytes).
        const fee = tx.authInfo.fee!;
        signBytes = stdSignBytes({
          accountNumber: acc.accountNumber,
          chainId: ctx.header.chainId,
          fee: {
            amount: fee.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
            gas: fee.gasLimit,
            payer: fee.payer,
            granter: fee.granter,
          },
          memo: tx.memo,
          msgs: aminoCache,
          sequence: info.sequence,
          timeoutHeight: timeout,
        });
      } else {
        throw unauthorized(`signature verification failed; unsupported sign mode ${single.mode}`);
      }
      const digest = sha256(signBytes);
      const key = sigCacheKey(digest, pubKey!, sig);
      if (i === 0 && single.mode === SignMode.SIGN_MODE_DIRECT) {
        tx.directSigKey = {
          accountNumber: acc.accountNumber,
          chainId: ctx.header.chainId,
          pubKey: pubKey!,
          key,
        };
      }
      if (!deps.sigCache.has(key)) {
        if (!secp256k1VerifyDigest(digest, sig, pubKey!)) {
          throw unauthorized(
            `signature verification failed; please verify account number (${acc.accountNumber}), sequence (${acc.sequence}) and chain-id (${ctx.header.chainId})`,
          );
        }
        deps.sigCache.add(key);
      }
    }
    if (!acc.pubKey && pubKey) acc.pubKey = pubKey;
    accounts.push(acc);
  }

  // Deduct the fee to the fee collector; it stays even if the messages fail.
  payerStr ??= bech32Of(ctx.chain.bech32Prefix, payer);
  if (tx.fee.length > 0) {
    try {
      deps.bank.sendCoinsFromAccountToModule(ctx, payer, FEE_COLLECTOR, tx.fee);
    } catch (e) {
      if (e instanceof CodedError && e.codespace === SDK && e.code === SdkCode.InsufficientFunds) {
        throw new CodedError(
          SDK,
          SdkCode.InsufficientFunds,
          `insufficient funds to pay for fees; ${e.message}`,
        );
      }
      throw e;
    }
  } else if (simulate) {
    // A simulated tx carries no fee yet; charge the gas a fee transfer (and the fee's bytes) will cost,
    // on the throwaway branch.
    ctx.gasMeter.consume(params.txSizeCostPerByte * SIM_FEE_BYTES, "txSize");
    try {
      const probe = ctx.with(ctx.store, ctx.gasMeter, new EventManager());
      deps.bank.sendCoinsFromAccountToModule(probe, payer, FEE_COLLECTOR, [
        { denom: ctx.chain.bondDenom, amount: 1n },
      ]);
    } catch (e) {
      if (e instanceof OutOfGasError) throw e;
    }
  }
  ctx.events.emit({
    type: "tx",
    attributes: [attr("fee", coinsToString(tx.fee)), attr("fee_payer", payerStr)],
  });

  // Store pubkeys and bump sequences; the tx events.
  for (let i = 0; i < accounts.length; i++) {
    const acc = accounts[i]!;
    const seq = acc.sequence;
    // Re-read only if the fee transfer could have rewritten this account (it never touches sequence/pubkey).
    acc.sequence = seq + 1n;
    deps.auth.setAccount(ctx, acc, signerStrs[i]);
    ctx.events.emit({ type: "tx", attributes: [attr("acc_seq", `${signerStrs[i]!}/${seq}`)] });
    // The signature's base64 is made here each time (~0.1 µs), not kept: a pending tx would hold it
    // (~160 bytes) from CheckTx to FinalizeBlock.
    const sig = tx.signatures[i];
    if (sig !== undefined) ctx.events.emit({ type: "tx", attributes: [attr("signature", toBase64(sig))] });
  }

  const bondFee = amountOf(tx.fee, ctx.chain.bondDenom);
  return {
    signers,
    sender: signerStrs[0]!,
    sequence: infos[0]?.sequence ?? 0n,
    priority: tx.gasLimit > 0n ? (bondFee * DEC_SCALE) / tx.gasLimit : 0n,
  };
}
