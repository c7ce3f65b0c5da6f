import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatCoin,
  formatUnits,
  MAX_AMOUNT,
  mulDecimalCeil,
  parseAmount,
  parseCoins,
  parseDecimal,
  parseGasPrice,
} from "../../../src/client/amount.js";
import { CodedError, SDK, SdkCode } from "../../../src/types/errors.js";

const E18 = 10n ** 18n;
const invalidCoins = (e: unknown) =>
  e instanceof CodedError && e.codespace === SDK && e.code === SdkCode.InvalidCoins;

describe("amount parsing", () => {
  it("accepts integer base amounts and exact decimal OPEN amounts", () => {
    const cases: [string, bigint][] = [
      ["1000aopen", 1000n],
      ["1aopen", 1n],
      ["1OPEN", E18],
      ["1.5OPEN", 15n * 10n ** 17n],
      ["0.000000000000000001OPEN", 1n],
      ["123456789.123456789012345678OPEN", 123456789123456789012345678n],
      ["1000000000OPEN", 10n ** 27n],
      [" 2.50 OPEN ", 25n * 10n ** 17n],
      ["007aopen", 7n],
    ];
    for (const [s, amount] of cases) assert.deepEqual(parseAmount(s), { denom: "aopen", amount }, s);
    assert.deepEqual(parseAmount("5uatom"), { denom: "uatom", amount: 5n });
    // As the SDK's ParseCoin: a letter after the digits starts the denom.
    assert.deepEqual(parseAmount("1e18aopen"), { denom: "e18aopen", amount: 1n });
    assert.deepEqual(parseAmount(`${MAX_AMOUNT}aopen`), { denom: "aopen", amount: MAX_AMOUNT });
    assert.deepEqual(parseAmount("0aopen", undefined, true), { denom: "aopen", amount: 0n });
  });

  it("rejects malformed, negative, zero, over-precise, ambiguous and oversized amounts with sdk code 10", () => {
    const bad = [
      "",
      "aopen",
      "1000",
      "-1aopen",
      "1.5aopen",
      "1,000aopen",
      "0aopen",
      "0.0OPEN",
      "1.0000000000000000001OPEN",
      ".5OPEN",
      "5.OPEN",
      "1open",
      "1.5Open",
      "1ab",
      "1 2aopen",
      `${MAX_AMOUNT + 1n}aopen`,
      "0x10aopen",
    ];
    for (const s of bad) assert.throws(() => parseAmount(s), invalidCoins, s);
  });

  it("parses coin lists sorted by denom and rejects duplicates", () => {
    assert.deepEqual(parseCoins("5uatom,1OPEN"), [
      { denom: "aopen", amount: E18 },
      { denom: "uatom", amount: 5n },
    ]);
    assert.deepEqual(parseCoins(""), []);
    assert.throws(() => parseCoins("1aopen,1OPEN"), invalidCoins);
    assert.throws(() => parseCoins("1aopen,"), invalidCoins);
  });

  it("computes gas-price fees exactly, rounding up", () => {
    const p = parseGasPrice("0.025aopen");
    assert.equal(p.denom, "aopen");
    assert.equal(mulDecimalCeil(200000n, p.price), 5000n);
    assert.equal(mulDecimalCeil(1n, p.price), 1n);
    assert.equal(mulDecimalCeil(0n, p.price), 0n);
    const open = parseGasPrice("0.000000001OPEN");
    assert.equal(open.denom, "aopen");
    assert.equal(mulDecimalCeil(3n, open.price), 3_000_000_000n);
    assert.equal(mulDecimalCeil(3n, parseGasPrice("0.0000000000000000001OPEN").price), 1n);
    assert.equal(mulDecimalCeil(101n, parseDecimal("1.5")), 152n);
    assert.throws(() => parseGasPrice("cheap"), invalidCoins);
    assert.throws(() => parseDecimal("1.2.3"), invalidCoins);
    assert.throws(() => parseDecimal("-1"), invalidCoins);
  });

  it("formats base units without losing precision", () => {
    assert.equal(formatUnits(15n * 10n ** 17n), "1.5");
    assert.equal(formatUnits(1n), "0.000000000000000001");
    assert.equal(formatUnits(10n ** 27n), "1000000000");
    assert.equal(formatUnits(0n), "0");
    assert.equal(
      formatCoin({ denom: "aopen", amount: "2500000000000000000" }),
      "2.5 OPEN (2500000000000000000aopen)",
    );
    assert.equal(formatCoin({ denom: "uatom", amount: 7n }), "7uatom");
  });
});
