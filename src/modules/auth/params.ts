/** auth params (SDK defaults) and their validation. */
import { Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** SDK default auth params. */
export function defaultAuthParams(): Params {
  return {
    maxMemoCharacters: 256n,
    txSigLimit: 7n,
    txSizeCostPerByte: 10n,
    sigVerifyCostEd25519: 590n,
    sigVerifyCostSecp256k1: 1000n,
  };
}

/** Validate params as the SDK does: every field positive; throws `sdk` 18. */
export function validateAuthParams(p: Params): void {
  const fields: [string, bigint][] = [
    ["max_memo_characters", p.maxMemoCharacters],
    ["tx_sig_limit", p.txSigLimit],
    ["tx_size_cost_per_byte", p.txSizeCostPerByte],
    ["sig_verify_cost_ed25519", p.sigVerifyCostEd25519],
    ["sig_verify_cost_secp256k1", p.sigVerifyCostSecp256k1],
  ];
  for (const [name, v] of fields) {
    if (v <= 0n) throw new CodedError(SDK, SdkCode.InvalidRequest, `invalid ${name}: ${v}`);
  }
}

export { Params as AuthParams };
