/**
 * CosmJS offline signers over our own secp256k1 code: SIGN_MODE_DIRECT (`OfflineDirectSigner`) and
 * SIGN_MODE_LEGACY_AMINO_JSON (`OfflineAminoSigner`). `SigningStargateClient` picks the sign mode from the
 * interface the signer has, so each class implements exactly one.
 */
import {
  type AccountData,
  type AminoSignResponse,
  encodeSecp256k1Signature,
  type OfflineAminoSigner,
  type StdSignDoc,
  serializeSignDoc,
} from "@cosmjs/amino";
import {
  type DirectSignResponse,
  makeSignBytes,
  type OfflineDirectSigner,
  type OfflineSigner,
} from "@cosmjs/proto-signing";
import type { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { secp256k1Address, toBech32 } from "../crypto/address.js";
import { secp256k1PublicKey, secp256k1Sign } from "../crypto/secp256k1.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";

/** Sign modes the CLI offers. */
export const SIGN_MODES = ["direct", "amino-json"] as const;

/** A sign mode name as typed on the command line. */
export type SignMode = (typeof SIGN_MODES)[number];

/** Shared part of both signers: one secp256k1 key and its bech32 address. */
abstract class KeySigner {
  /** The signer's bech32 account address. */
  readonly address: string;
  /** The 33-byte compressed public key. */
  readonly publicKey: Uint8Array;
  protected readonly privateKey: Uint8Array;

  /** Wrap a 32-byte private key; addresses use `prefix`. */
  constructor(privateKey: Uint8Array, prefix: string) {
    this.privateKey = Uint8Array.from(privateKey);
    this.publicKey = secp256k1PublicKey(this.privateKey);
    this.address = toBech32(prefix, secp256k1Address(this.publicKey));
  }

  /** The one account this signer holds. */
  async getAccounts(): Promise<readonly AccountData[]> {
    return [{ address: this.address, algo: "secp256k1", pubkey: this.publicKey }];
  }

  protected signBytes(signerAddress: string, bytes: Uint8Array) {
    if (signerAddress !== this.address) {
      throw new CodedError(SDK, SdkCode.InvalidSigner, `signer ${signerAddress} is not ${this.address}`);
    }
    return encodeSecp256k1Signature(this.publicKey, secp256k1Sign(bytes, this.privateKey));
  }
}

/** SIGN_MODE_DIRECT signer: signs sha256(SignDoc bytes). */
export class KeyDirectSigner extends KeySigner implements OfflineDirectSigner {
  /** Sign a protobuf SignDoc. */
  async signDirect(signerAddress: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    return { signed: signDoc, signature: this.signBytes(signerAddress, makeSignBytes(signDoc)) };
  }
}

/** SIGN_MODE_LEGACY_AMINO_JSON signer: signs sha256 of the sorted, escaped amino JSON sign doc. */
export class KeyAminoSigner extends KeySigner implements OfflineAminoSigner {
  /** Sign an amino StdSignDoc. */
  async signAmino(signerAddress: string, signDoc: StdSignDoc): Promise<AminoSignResponse> {
    return { signed: signDoc, signature: this.signBytes(signerAddress, serializeSignDoc(signDoc)) };
  }
}

/** The signer for a sign mode. */
export function createSigner(
  privateKey: Uint8Array,
  prefix: string,
  mode: SignMode = "direct",
): OfflineSigner {
  return mode === "direct" ? new KeyDirectSigner(privateKey, prefix) : new KeyAminoSigner(privateKey, prefix);
}

/** Parse `--sign-mode`; `sdk` 18 (invalid request) when unknown. */
export function parseSignMode(s: string): SignMode {
  if ((SIGN_MODES as readonly string[]).includes(s)) return s as SignMode;
  throw new CodedError(
    SDK,
    SdkCode.InvalidRequest,
    `unknown sign mode ${JSON.stringify(s)}; use direct or amino-json`,
  );
}
