import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addDec,
  decMul,
  decMulTrunc,
  decQuo,
  decQuoTrunc,
  formatDecString,
  intersectDec,
  ONE,
  parseDecString,
  parseWireDec,
  subDec,
  truncateDecCoins,
} from "../../../../src/modules/staking/dec.js";
import { pageArray } from "../../../../src/modules/staking/queryServer.js";

describe("LegacyDec arithmetic", () => {
  it("multiplies and divides with banker's rounding or truncation", () => {
    const half = ONE / 2n;
    assert.equal(decMul(3n * ONE, half), (3n * ONE) / 2n);
    // 1e-18 × 0.5 = 0.5e-18: ties round to even (0), truncation gives 0
    assert.equal(decMul(1n, half), 0n);
    assert.equal(decMul(3n, half), 2n);
    assert.equal(decMulTrunc(3n, half), 1n);
    assert.equal(decQuo(ONE, 3n * ONE), 333_333_333_333_333_333n);
    assert.equal(decQuo(2n * ONE, 3n * ONE), 666_666_666_666_666_667n);
    assert.equal(decQuoTrunc(2n * ONE, 3n * ONE), 666_666_666_666_666_666n);
  });

  it("parses and formats decimal strings", () => {
    assert.equal(parseDecString("0.05"), 5n * 10n ** 16n);
    assert.equal(parseDecString("12"), 12n * ONE);
    assert.equal(formatDecString(5n * 10n ** 16n), "0.050000000000000000");
    assert.equal(formatDecString(-ONE), "-1.000000000000000000");
    assert.throws(
      () => parseDecString("1.2.3"),
      (e: { codespace: string; code: number }) => e.code === 18,
    );
    assert.throws(() => parseDecString("0.0000000000000000001"));
    assert.equal(parseWireDec(""), 0n);
    assert.throws(() => parseWireDec("1.5"));
  });

  it("DecCoins add, subtract, intersect and truncate", () => {
    const a = [
      { denom: "b", amount: 3n * ONE + 5n },
      { denom: "a", amount: ONE },
    ];
    const b = [{ denom: "a", amount: ONE }];
    assert.deepEqual(addDec(a, b), [
      { denom: "a", amount: 2n * ONE },
      { denom: "b", amount: 3n * ONE + 5n },
    ]);
    assert.deepEqual(subDec(a, b), [{ denom: "b", amount: 3n * ONE + 5n }]);
    assert.deepEqual(intersectDec(addDec(a, []), [{ denom: "b", amount: ONE }]), [
      { denom: "b", amount: ONE },
    ]);
    assert.deepEqual(truncateDecCoins(addDec(a, [])), {
      coins: [
        { denom: "a", amount: 1n },
        { denom: "b", amount: 3n },
      ],
      change: [{ denom: "b", amount: 5n }],
    });
  });

  it("pages lists with next keys and totals", () => {
    const items = [1, 2, 3, 4, 5];
    const p1 = pageArray(items, {
      key: new Uint8Array(),
      offset: 0n,
      limit: 2n,
      countTotal: true,
      reverse: false,
    });
    assert.deepEqual(p1.items, [1, 2]);
    assert.equal(p1.pagination.total, 5n);
    const p2 = pageArray(items, {
      key: p1.pagination.nextKey,
      offset: 0n,
      limit: 2n,
      countTotal: false,
      reverse: false,
    });
    assert.deepEqual(p2.items, [3, 4]);
    const p3 = pageArray(items, {
      key: p2.pagination.nextKey,
      offset: 0n,
      limit: 2n,
      countTotal: false,
      reverse: false,
    });
    assert.deepEqual(p3.items, [5]);
    assert.equal(p3.pagination.nextKey.length, 0);
  });
});
