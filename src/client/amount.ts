/**
 * Amounts typed on the command line: `1000aopen` (integer, base denom or any SDK denom) or `1.5OPEN`
 * (decimal in the display denom, converted exactly with bigint at 18 decimals). Also coin lists for
 * `--fees` and decimal gas prices for `--gas-prices`.
 */
import { CodedError, SDK, SdkCode } from "../types/errors.js";

/** The chain's base denom. */
export const BASE_DENOM = "aopen";
/** The chain's display denom. */
export const DISPLAY_DENOM = "OPEN";
/** Decimal exponent between display and base denom. */
export const DISPLAY_EXPONENT = 18;
/** Largest amount an SDK `Int` holds (2^256 - 1). */
export const MAX_AMOUNT = (1n << 256n) - 1n;

const DENOM_PATTERN = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

/** A coin with a bigint amount. */
export interface ParsedCoin {
  denom: string;
  amount: bigint;
}

/** A decimal number as an exact fraction: value = numerator / 10^scale. */
export interface Decimal {
  numerator: bigint;
  scale: number;
}

/** How the display denom maps to the base denom. */
export interface DenomUnits {
  base: string;
  display: string;
  exponent: number;
}

/** The chain's default denom units: OPEN = 10^18 aopen. */
export const OPEN_UNITS: DenomUnits = {
  base: BASE_DENOM,
  display: DISPLAY_DENOM,
  exponent: DISPLAY_EXPONENT,
};

/**
 * Parse one amount: `<int><denom>` for any valid denom, or `<decimal><display>` converted to the base denom;
 * throws `sdk` code 10 (invalid coins) for anything else, for amounts with more decimals than the exponent,
 * and for amounts over 2^256-1. `allowZero` false (default) also rejects zero.
 */
export function parseAmount(input: string, units: DenomUnits = OPEN_UNITS, allowZero = false): ParsedCoin {
  const s = input.trim();
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(s);
  if (m === null)
    throw invalidCoins(
      `invalid amount ${JSON.stringify(input.slice(0, 80))}: expected e.g. 1000${units.base} or 1.5${units.display}`,
    );
  const [, num, denom] = m as unknown as [string, string, string];
  let amount: bigint;
  let outDenom: string;
  if (denom === units.display) {
    amount = scaleDecimal(num, units.exponent, input);
    outDenom = units.base;
  } else {
    if (denom !== units.display && denom.toLowerCase() === units.display.toLowerCase()) {
      throw invalidCoins(
        `ambiguous denom ${JSON.stringify(denom)}: write ${units.display} (display units) or ${units.base}`,
      );
    }
    if (num.includes(".")) {
      throw invalidCoins(
        `invalid amount ${JSON.stringify(input)}: ${denom} takes an integer amount (decimals only with ${units.display})`,
      );
    }
    if (!DENOM_PATTERN.test(denom)) throw invalidCoins(`invalid denom ${JSON.stringify(denom)}`);
    amount = BigInt(num);
    outDenom = denom;
  }
  if (amount > MAX_AMOUNT) throw invalidCoins(`amount ${JSON.stringify(input.slice(0, 80))} is too large`);
  if (!allowZero && amount === 0n) throw invalidCoins(`amount ${JSON.stringify(input)} must be positive`);
  return { denom: outDenom, amount };
}

/**
 * Parse a comma-separated coin list (`--fees 5000aopen,1uatom`); an empty string gives []. Coins of the
 * same denom are rejected (`sdk` 10), the result is sorted by denom as the SDK requires.
 */
export function parseCoins(input: string, units: DenomUnits = OPEN_UNITS, allowZero = false): ParsedCoin[] {
  if (input.trim() === "") return [];
  const coins = input.split(",").map((part) => parseAmount(part, units, allowZero));
  const seen = new Set<string>();
  for (const c of coins) {
    if (seen.has(c.denom)) throw invalidCoins(`duplicate denom ${c.denom} in ${JSON.stringify(input)}`);
    seen.add(c.denom);
  }
  return coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
}

/** Parse a non-negative decimal string exactly (`1.5`, `0.025`, `3`); `sdk` 10 when malformed. */
export function parseDecimal(input: string): Decimal {
  const s = input.trim();
  if (!/^[0-9]+(\.[0-9]+)?$/.test(s) || s.length > 100)
    throw invalidCoins(`invalid decimal ${JSON.stringify(input.slice(0, 80))}`);
  const [int, frac = ""] = s.split(".") as [string, string?];
  return { numerator: BigInt(int + frac), scale: frac.length };
}

/** Parse a gas price `<decimal><denom>` (e.g. `0.025aopen`; `OPEN` prices are converted to `aopen`). */
export function parseGasPrice(
  input: string,
  units: DenomUnits = OPEN_UNITS,
): { denom: string; price: Decimal } {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(input.trim());
  if (m === null)
    throw invalidCoins(
      `invalid gas price ${JSON.stringify(input.slice(0, 80))}: expected e.g. 0.025${units.base}`,
    );
  const [, num, denom] = m as unknown as [string, string, string];
  const price = parseDecimal(num);
  if (denom === units.display) {
    // x OPEN per gas = x·10^exponent aopen per gas: shift the scale rather than multiplying.
    const shift = Math.min(price.scale, units.exponent);
    const numerator = price.numerator * 10n ** BigInt(units.exponent - shift);
    return { denom: units.base, price: { numerator, scale: price.scale - shift } };
  }
  if (!DENOM_PATTERN.test(denom)) throw invalidCoins(`invalid denom ${JSON.stringify(denom)}`);
  return { denom, price };
}

/** ceil(value × decimal), exact. */
export function mulDecimalCeil(value: bigint, d: Decimal): bigint {
  const den = 10n ** BigInt(d.scale);
  const prod = value * d.numerator;
  return (prod + den - 1n) / den;
}

/** Format base units in the display denom without losing precision: 1500000000000000000n → "1.5". */
export function formatUnits(amount: bigint, exponent: number = DISPLAY_EXPONENT): string {
  const neg = amount < 0n;
  const abs = neg ? -amount : amount;
  const den = 10n ** BigInt(exponent);
  const int = abs / den;
  const frac = (abs % den).toString().padStart(exponent, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac === "" ? "" : `.${frac}`}`;
}

/** A coin for people: `1.5 OPEN (1500000000000000000aopen)` for the base denom, `<n><denom>` otherwise. */
export function formatCoin(
  coin: { denom: string; amount: bigint | string },
  units: DenomUnits = OPEN_UNITS,
): string {
  const amount = typeof coin.amount === "bigint" ? coin.amount : BigInt(coin.amount);
  if (coin.denom === units.base)
    return `${formatUnits(amount, units.exponent)} ${units.display} (${amount}${units.base})`;
  return `${amount}${coin.denom}`;
}

function scaleDecimal(num: string, exponent: number, input: string): bigint {
  const [int, frac = ""] = num.split(".") as [string, string?];
  if (frac.length > exponent) {
    throw invalidCoins(`amount ${JSON.stringify(input)} has more than ${exponent} decimal places`);
  }
  return BigInt(int + frac.padEnd(exponent, "0"));
}

function invalidCoins(message: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidCoins, message);
}
