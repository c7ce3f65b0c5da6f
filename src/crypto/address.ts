/** Bech32 account addresses as the Cosmos SDK derives them. */
import { bech32 } from "@scure/base";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { ripemd160, sha256 } from "./hash.js";

/** The account address of a secp256k1 public key: ripemd160(sha256(pubkey)), 20 bytes. */
export function secp256k1Address(pubKey: Uint8Array): Uint8Array {
  return ripemd160(sha256(pubKey));
}

/** Module account address: the first 20 bytes of sha256(module name), as `authtypes.NewModuleAddress`. */
export function moduleAddress(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(name)).slice(0, 20);
}

/** Encode address bytes with a bech32 prefix. */
export function toBech32(prefix: string, data: Uint8Array): string {
  return bech32.encode(prefix, bech32.toWords(data), 1023);
}

/** Decode a bech32 string into prefix and bytes; throws a coded `sdk` 7 error when malformed. */
export function fromBech32(address: string): { prefix: string; data: Uint8Array } {
  try {
    const { prefix, words } = bech32.decode(address as `${string}1${string}`, 1023);
    return { prefix, data: bech32.fromWords(words) };
  } catch (e) {
    throw new CodedError(
      SDK,
      SdkCode.InvalidAddress,
      `invalid address ${JSON.stringify(address.slice(0, 100))}: ${(e as Error).message}`,
    );
  }
}

/**
 * Decode a bech32 address that must carry `prefix` and be 20 or 32 bytes; throws `sdk` code 7
 * (invalid address) otherwise, with the SDK's wording.
 */
export function decodeAddress(address: string, prefix: string): Uint8Array {
  if (address.length === 0)
    throw new CodedError(SDK, SdkCode.InvalidAddress, "empty address string is not allowed");
  const { prefix: p, data } = fromBech32(address);
  if (p !== prefix)
    throw new CodedError(SDK, SdkCode.InvalidAddress, `invalid Bech32 prefix; expected ${prefix}, got ${p}`);
  if (data.length !== 20 && data.length !== 32) {
    throw new CodedError(
      SDK,
      SdkCode.InvalidAddress,
      `address length must be 20 or 32 bytes, got ${data.length}`,
    );
  }
  return data;
}
