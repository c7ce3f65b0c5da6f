/** The explorer's formatting and search classification (explorer/src/format.ts), pure functions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { big, classify, formatCoin, formatOpen, formatPercent, short } from "../../explorer/src/format.js";

describe("explorer formatting", () => {
  it("prints OPEN amounts from 18-decimal bigints", () => {
    assert.equal(formatOpen(0n), "0");
    assert.equal(formatOpen(10n ** 18n), "1");
    assert.equal(formatOpen(1_500_000_000_000_000_000n), "1.5");
    assert.equal(formatOpen(1_234_567n * 10n ** 18n + 120_000_000_000_000n), "1,234,567.00012");
    assert.equal(formatOpen(1n), "0.000000000000000001");
    assert.equal(formatOpen(123_456_789n), "0.0000000001234");
    assert.equal(formatOpen(-(25n * 10n ** 17n)), "-2.5");
    assert.equal(formatOpen(2n ** 200n).length > 40, true);
    assert.equal(formatCoin("76537000000000", "aopen"), "0.00007653 OPEN");
    assert.equal(formatCoin("1234567000000000000", "aopen"), "1.234567 OPEN");
    assert.equal(formatCoin("1234", "uatom"), "1,234 uatom");
    assert.equal(formatCoin("garbage", "aopen"), "0 OPEN");
    assert.equal(big("12"), 12n);
    assert.equal(big("1.5"), 0n);
    assert.equal(big(undefined), 0n);
  });

  it("prints decimals as percent and shortens ids", () => {
    assert.equal(formatPercent("0.100000000000000000"), "10.00%");
    assert.equal(formatPercent("0.055500000000000000"), "5.55%");
    assert.equal(formatPercent("x"), "—");
    assert.equal(short("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4), "ABCD…WXYZ");
    assert.equal(short("ABC", 4), "ABC");
  });

  it("classifies searches", () => {
    assert.deepEqual(classify(" 42 "), { kind: "height", value: "42" });
    assert.deepEqual(classify("ab".repeat(32)), { kind: "tx", value: "AB".repeat(32) });
    assert.deepEqual(classify(`0x${"0".repeat(64)}`), { kind: "tx", value: "0".repeat(64) });
    const addr = "open15yk64u7zc9g9k2yr2wmzeva5qgwxps6y3eah9f";
    assert.deepEqual(classify(addr), { kind: "address", value: addr });
    assert.equal(classify("openvaloper15yk64u7zc9g9k2yr2wmzeva5qgwxps6ynqp33x").kind, "valoper");
    assert.deepEqual(classify("datanet:7"), { kind: "datanet", value: "7" });
    assert.deepEqual(classify("Model 3"), { kind: "model", value: "3" });
    assert.deepEqual(classify("inference #9"), { kind: "inference", value: "9" });
    assert.equal(classify("hello world").kind, "unknown");
    assert.equal(classify("").kind, "unknown");
  });
});
