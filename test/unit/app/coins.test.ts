import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requiredFees } from "../../../src/app/ante.js";
import {
  addCoins,
  coinsToString,
  formatDec,
  parseCoinsString,
  parseDecCoins,
  parseValidCoins,
  validateCoins,
} from "../../../src/app/coins.js";
import { CodedError } from "../../../src/types/errors.js";

function code(f: () => unknown): number | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CodedError ? e.code : -1;
  }
  return undefined;
}

describe("coins", () => {
  it("parses and prints the SDK coin string form", () => {
    const c = parseCoinsString("5stake,100aopen");
    assert.deepEqual(c, [
      { denom: "aopen", amount: 100n },
      { denom: "stake", amount: 5n },
    ]);
    assert.equal(coinsToString(c), "100aopen,5stake");
    assert.equal(coinsToString([]), "");
  });

  it("rejects bad coins with sdk 10", () => {
    assert.equal(
      code(() => parseCoinsString("abc")),
      10,
    );
    assert.equal(
      code(() => parseCoinsString("1a")),
      10,
      "denom too short",
    );
    assert.equal(
      code(() => validateCoins([{ denom: "aopen", amount: 0n }])),
      10,
    );
    assert.equal(
      code(() =>
        validateCoins([
          { denom: "b-coin", amount: 1n },
          { denom: "aopen", amount: 1n },
        ]),
      ),
      10,
      "unsorted",
    );
    assert.equal(
      code(() =>
        validateCoins([
          { denom: "aopen", amount: 1n },
          { denom: "aopen", amount: 1n },
        ]),
      ),
      10,
      "duplicate",
    );
    assert.equal(
      code(() => parseValidCoins([{ denom: "aopen", amount: "-1" }])),
      10,
    );
    assert.equal(
      code(() => parseValidCoins([{ denom: "aopen", amount: "1".repeat(79) }])),
      10,
    );
    assert.equal(
      code(() => parseValidCoins([{ denom: "aopen", amount: "1e5" }])),
      10,
    );
  });

  it("parses decimal gas prices at 10^18 and computes required fees with ceiling", () => {
    const [p] = parseDecCoins("0.000000001aopen");
    assert.deepEqual(p, { denom: "aopen", amount: 10n ** 9n });
    assert.equal(formatDec(p!.amount), "0.000000001000000000");
    assert.deepEqual(requiredFees(parseDecCoins("0.5aopen"), 200_001n), [
      { denom: "aopen", amount: 100_001n },
    ]);
    assert.deepEqual(requiredFees(parseDecCoins("0aopen"), 200_000n), []);
    assert.equal(
      code(() => parseDecCoins("0.1234567890123456789aopen")),
      10,
      "19 decimals",
    );
    assert.deepEqual(parseDecCoins(""), []);
  });

  it("adds coin lists keeping denom order", () => {
    assert.deepEqual(
      addCoins(
        [{ denom: "b-coin", amount: 1n }],
        [
          { denom: "aopen", amount: 2n },
          { denom: "b-coin", amount: 3n },
        ],
      ),
      [
        { denom: "aopen", amount: 2n },
        { denom: "b-coin", amount: 4n },
      ],
    );
  });
});
