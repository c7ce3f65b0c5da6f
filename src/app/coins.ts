/**
 * Coins as the SDK handles them: `bigint` amounts, denoms validated by the SDK's regex, sorted and
 * de-duplicated lists, and the SDK's string form (`100aopen,5stake`). Decimal coins (gas prices) are
 * fixed-point integers at 10^18, as `sdk.Dec`.
 */
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { CodedError, SDK, SdkCode } from "../types/errors.js";

/** Fixed-point scale of `sdk.Dec` (18 decimals). */
export const DEC_SCALE = 10n ** 18n;

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const UINT_RE = /^[0-9]+$/;
const MAX_AMOUNT = 2n ** 256n - 1n;

/** A coin with a bigint amount. */
export interface BigCoin {
  denom: string;
  amount: bigint;
}

/** A decimal coin: `amount` is the value × 10^18. */
export interface DecCoin {
  denom: string;
  amount: bigint;
}

/** True when `denom` is a valid SDK denom. */
export function isValidDenom(denom: string): boolean {
  return DENOM_RE.test(denom);
}

/** Throw `sdk` 10 unless `denom` is valid. */
export function validateDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw new CodedError(SDK, SdkCode.InvalidCoins, `invalid denom: ${denom}`);
}

/** Parse a non-negative integer amount string; throws `sdk` 10 when malformed or over 256 bits. */
export function parseAmount(s: string): bigint {
  if (!UINT_RE.test(s) || s.length > 78)
    throw new CodedError(SDK, SdkCode.InvalidCoins, `invalid coin amount: ${s.slice(0, 80)}`);
  const v = BigInt(s);
  if (v > MAX_AMOUNT) throw new CodedError(SDK, SdkCode.InvalidCoins, `coin amount overflows 256 bits`);
  return v;
}

/** Convert protobuf coins to bigint coins, validating denoms and amounts (zero allowed). */
export function fromProtoCoins(coins: readonly Coin[]): BigCoin[] {
  return coins.map((c) => {
    validateDenom(c.denom);
    return { denom: c.denom, amount: parseAmount(c.amount) };
  });
}

/** Convert bigint coins to protobuf coins. */
export function toProtoCoins(coins: readonly BigCoin[]): Coin[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/**
 * Validate a coin list as `sdk.Coins.Validate`: valid denoms, strictly positive amounts, sorted by
 * denom, no duplicates. Throws `sdk` 10.
 */
export function validateCoins(coins: readonly BigCoin[]): void {
  for (let i = 0; i < coins.length; i++) {
    const c = coins[i]!;
    validateDenom(c.denom);
    if (c.amount <= 0n)
      throw new CodedError(SDK, SdkCode.InvalidCoins, `coin ${c.amount}${c.denom} amount is not positive`);
    if (i > 0) {
      const prev = coins[i - 1]!.denom;
      if (prev === c.denom)
        throw new CodedError(SDK, SdkCode.InvalidCoins, `duplicate denomination ${c.denom}`);
      if (prev > c.denom)
        throw new CodedError(SDK, SdkCode.InvalidCoins, `denomination ${c.denom} is not sorted`);
    }
  }
}

/** Parse and validate protobuf coins as a non-empty, positive, sorted `sdk.Coins`; throws `sdk` 10. */
export function parseValidCoins(coins: readonly Coin[]): BigCoin[] {
  const out = fromProtoCoins(coins);
  validateCoins(out);
  return out;
}

/** The SDK string form of coins: `100aopen,5stake` (empty string for none). */
export function coinsToString(coins: readonly BigCoin[]): string {
  let s = "";
  for (let i = 0; i < coins.length; i++) {
    const c = coins[i]!;
    s += (i === 0 ? "" : ",") + c.amount.toString() + c.denom;
  }
  return s;
}

/** Parse `100aopen,5stake` into sorted coins; throws `sdk` 10 when malformed. */
export function parseCoinsString(s: string): BigCoin[] {
  const t = s.trim();
  if (t === "") return [];
  const out: BigCoin[] = [];
  for (const part of t.split(",")) {
    const m = /^\s*([0-9]+)\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$/.exec(part);
    if (!m) throw new CodedError(SDK, SdkCode.InvalidCoins, `invalid coin expression: ${part.slice(0, 80)}`);
    out.push({ denom: m[2]!, amount: parseAmount(m[1]!) });
  }
  out.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  validateCoins(out);
  return out;
}

/**
 * Parse a decimal coin list such as `0.000000001aopen` or `0.25aopen,1stake` into fixed-point
 * amounts at 10^18 (at most 18 fractional digits); throws `sdk` 10 when malformed.
 */
export function parseDecCoins(s: string): DecCoin[] {
  const t = s.trim();
  if (t === "") return [];
  const out: DecCoin[] = [];
  for (const part of t.split(",")) {
    const m = /^\s*([0-9]+)(?:\.([0-9]{1,18}))?\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$/.exec(part);
    if (!m)
      throw new CodedError(
        SDK,
        SdkCode.InvalidCoins,
        `invalid decimal coin expression: ${part.slice(0, 80)}`,
      );
    const frac = (m[2] ?? "").padEnd(18, "0");
    out.push({ denom: m[3]!, amount: BigInt(m[1]!) * DEC_SCALE + BigInt(frac) });
  }
  out.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.denom === out[i]!.denom)
      throw new CodedError(SDK, SdkCode.InvalidCoins, `duplicate denomination ${out[i]!.denom}`);
  }
  return out;
}

/** Format a fixed-point 10^18 decimal as the SDK prints `sdk.Dec` (`0.000000001000000000`). */
export function formatDec(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / DEC_SCALE;
  const frac = (a % DEC_SCALE).toString().padStart(18, "0");
  return `${neg ? "-" : ""}${int}.${frac}`;
}

/** The amount of `denom` in `coins` (0 when absent). */
export function amountOf(coins: readonly BigCoin[], denom: string): bigint {
  for (const c of coins) if (c.denom === denom) return c.amount;
  return 0n;
}

/** Sum two sorted coin lists into a sorted list (zero entries dropped). */
export function addCoins(a: readonly BigCoin[], b: readonly BigCoin[]): BigCoin[] {
  const m = new Map<string, bigint>();
  for (const c of a) m.set(c.denom, (m.get(c.denom) ?? 0n) + c.amount);
  for (const c of b) m.set(c.denom, (m.get(c.denom) ?? 0n) + c.amount);
  return [...m.entries()]
    .filter(([, v]) => v !== 0n)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount }));
}
