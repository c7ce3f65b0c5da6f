/**
 * `sdk.LegacyDec` arithmetic on 10^18 fixed-point bigints (the SDK's rounding: banker's rounding for
 * `Mul`/`Quo`, truncation for the `*Truncate` variants), and decimal coin lists (`DecCoins`).
 */
import type { BigCoin, DecCoin } from "../../app/coins.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";

/** 10^18: one, as a fixed-point decimal. */
export const ONE = 10n ** 18n;

/** Divide by 10^18 rounding half to even (SDK `chopPrecisionAndRound`). */
function chopRound(x: bigint): bigint {
  const neg = x < 0n;
  const a = neg ? -x : x;
  const q = a / ONE;
  const r = a % ONE;
  const half = ONE / 2n;
  let out = q;
  if (r > half || (r === half && q % 2n === 1n)) out = q + 1n;
  return neg ? -out : out;
}

/** a × b, rounded. */
export function decMul(a: bigint, b: bigint): bigint {
  return chopRound(a * b);
}

/** a × b, truncated. */
export function decMulTrunc(a: bigint, b: bigint): bigint {
  return (a * b) / ONE;
}

/** a ÷ b, rounded (b ≠ 0). */
export function decQuo(a: bigint, b: bigint): bigint {
  return chopRound((a * ONE * ONE) / b);
}

/** a ÷ b, truncated (b ≠ 0). */
export function decQuoTrunc(a: bigint, b: bigint): bigint {
  return (a * ONE) / b;
}

/** An integer as a decimal. */
export function decFromInt(i: bigint): bigint {
  return i * ONE;
}

/** The integer part (truncated toward zero). */
export function decTruncate(d: bigint): bigint {
  return d / ONE;
}

/** `"0.050000000000000000"` → 5×10^16; throws `sdk` 18 on malformed input. */
export function parseDecString(s: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]{1,18}))?$/.exec(s);
  if (!m)
    throw new CodedError(SDK, SdkCode.InvalidRequest, `invalid decimal ${JSON.stringify(s.slice(0, 60))}`);
  const v = BigInt(m[2]!) * ONE + BigInt((m[3] ?? "").padEnd(18, "0"));
  return m[1] === "-" ? -v : v;
}

/** 5×10^16 → `"0.050000000000000000"`. */
export function formatDecString(d: bigint): string {
  const neg = d < 0n;
  const a = neg ? -d : d;
  return `${neg ? "-" : ""}${a / ONE}.${(a % ONE).toString().padStart(18, "0")}`;
}

/** Parse a wire decimal (`sdk.Dec` is the integer string of value × 10^18); empty is zero. */
export function parseWireDec(s: string, field = "decimal"): bigint {
  if (s === "") return 0n;
  if (!/^-?[0-9]{1,80}$/.test(s))
    throw new CodedError(SDK, SdkCode.InvalidRequest, `invalid ${field}: ${JSON.stringify(s.slice(0, 60))}`);
  return BigInt(s);
}

// ---- DecCoins: sorted by denom, amounts × 10^18, no zero entries ----

/** Normalise: sort by denom, merge, drop zeros. */
export function normDecCoins(cs: readonly DecCoin[]): DecCoin[] {
  const m = new Map<string, bigint>();
  for (const c of cs) m.set(c.denom, (m.get(c.denom) ?? 0n) + c.amount);
  return [...m.entries()]
    .filter(([, a]) => a !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount }));
}

/** a + b. */
export function addDec(a: readonly DecCoin[], b: readonly DecCoin[]): DecCoin[] {
  return normDecCoins([...a, ...b]);
}

/** a − b (may go negative; callers check). */
export function subDec(a: readonly DecCoin[], b: readonly DecCoin[]): DecCoin[] {
  return normDecCoins([...a, ...b.map((c) => ({ denom: c.denom, amount: -c.amount }))]);
}

/** Each amount × d, rounded. */
export function mulDecCoins(a: readonly DecCoin[], d: bigint): DecCoin[] {
  return normDecCoins(a.map((c) => ({ denom: c.denom, amount: decMul(c.amount, d) })));
}

/** Each amount × d, truncated. */
export function mulDecCoinsTrunc(a: readonly DecCoin[], d: bigint): DecCoin[] {
  return normDecCoins(a.map((c) => ({ denom: c.denom, amount: decMulTrunc(c.amount, d) })));
}

/** Each amount ÷ d, truncated. */
export function quoDecCoinsTrunc(a: readonly DecCoin[], d: bigint): DecCoin[] {
  return normDecCoins(a.map((c) => ({ denom: c.denom, amount: decQuoTrunc(c.amount, d) })));
}

/** Coins → DecCoins. */
export function decCoinsFromCoins(cs: readonly BigCoin[]): DecCoin[] {
  return normDecCoins(cs.map((c) => ({ denom: c.denom, amount: c.amount * ONE })));
}

/** Split into whole coins and the decimal remainder (SDK `TruncateDecimal`). */
export function truncateDecCoins(a: readonly DecCoin[]): { coins: BigCoin[]; change: DecCoin[] } {
  const coins: BigCoin[] = [];
  const change: DecCoin[] = [];
  for (const c of a) {
    const whole = c.amount / ONE;
    if (whole > 0n) coins.push({ denom: c.denom, amount: whole });
    const rest = c.amount - whole * ONE;
    if (rest !== 0n) change.push({ denom: c.denom, amount: rest });
  }
  return { coins, change };
}

/** Per denom the minimum of a and b (SDK `Intersect`), denoms of a only. */
export function intersectDec(a: readonly DecCoin[], b: readonly DecCoin[]): DecCoin[] {
  return normDecCoins(
    a.map((c) => {
      const o = b.find((x) => x.denom === c.denom)?.amount ?? 0n;
      return { denom: c.denom, amount: c.amount < o ? c.amount : o };
    }),
  );
}

/** True when some amount is negative. */
export function anyNegative(a: readonly DecCoin[]): boolean {
  return a.some((c) => c.amount < 0n);
}

/** Proto `DecCoin[]` (amount strings × 10^18) → DecCoins. */
export function fromProtoDecCoins(cs: readonly { denom: string; amount: string }[]): DecCoin[] {
  return normDecCoins(cs.map((c) => ({ denom: c.denom, amount: parseWireDec(c.amount) })));
}

/** DecCoins → proto `DecCoin[]`. */
export function toProtoDecCoins(cs: readonly DecCoin[]): { denom: string; amount: string }[] {
  return cs.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/** SDK string form `1.5aopen,2.000000000000000000uatom`. */
export function decCoinsToString(cs: readonly DecCoin[]): string {
  return cs.map((c) => `${formatDecString(c.amount)}${c.denom}`).join(",");
}
