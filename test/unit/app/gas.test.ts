import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GasKVStore, GasMeter, OutOfGasError } from "../../../src/app/gas.js";
import { MemoryKVStore } from "../../../src/store/index.js";
import { mulberry32 } from "../../helpers/rng.js";

/** The meter as plain bigint arithmetic: the reference the double-counting meter must match. */
class ReferenceMeter {
  used = 0n;
  constructor(readonly limit: bigint | undefined) {}
  consume(amount: bigint): "ok" | "out" {
    this.used += amount;
    return this.limit !== undefined && this.used > this.limit ? "out" : "ok";
  }
}

describe("gas", () => {
  it("charges the SDK schedule for reads, writes, has, delete and iteration", () => {
    const meter = new GasMeter(undefined);
    const s = new GasKVStore(new MemoryKVStore(), meter);
    s.set(new Uint8Array(4), new Uint8Array(6));
    assert.equal(meter.consumed, 2000n + 30n * 10n);
    s.get(new Uint8Array(4));
    assert.equal(meter.consumed, 2300n + 1000n + 3n * 4n + 3n * 6n);
    const before = meter.consumed;
    s.get(new Uint8Array([9]));
    assert.equal(meter.consumed - before, 1000n + 3n);
    const b2 = meter.consumed;
    s.has(new Uint8Array(4));
    s.delete(new Uint8Array(4));
    assert.equal(meter.consumed - b2, 2000n);
    s.set(new Uint8Array([1]), new Uint8Array([2]));
    const b3 = meter.consumed;
    assert.equal([...s.iterator()].length, 1);
    assert.equal(meter.consumed - b3, 30n + 3n * 2n);
  });

  it("throws out of gas (sdk 11) past the limit", () => {
    const meter = new GasMeter(1500n);
    meter.consume(1000n, "a");
    assert.throws(
      () => meter.consume(501n, "WriteFlat"),
      (e: unknown) =>
        e instanceof OutOfGasError &&
        e.code === 11 &&
        e.codespace === "sdk" &&
        e.message === "out of gas in location: WriteFlat; gasWanted: 1500, gasUsed: 1501: out of gas",
    );
    assert.ok(meter.isPastLimit());
  });

  it("counts exactly as bigint arithmetic, across 2^53 and near every limit (seeded)", () => {
    const r = mulberry32(4242);
    const big = (bits: number) => BigInt(Math.floor(r() * 2 ** 30)) << BigInt(Math.max(0, bits - 30));
    const limits = [undefined, 0n, 1n, 200000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n];
    for (let round = 0; round < 3000; round++) {
      const limit = r() < 0.3 ? limits[Math.floor(r() * limits.length)] : big(Math.floor(r() * 64));
      const meter = new GasMeter(limit);
      const ref = new ReferenceMeter(limit);
      for (let step = 0; step < 20; step++) {
        const roll = r();
        const amount =
          roll < 0.6 ? BigInt(Math.floor(r() * 5000)) : roll < 0.9 ? big(Math.floor(r() * 64)) : 2n ** 52n;
        const want = ref.consume(amount);
        let got: "ok" | "out" = "ok";
        try {
          meter.consume(amount, "step");
        } catch (e) {
          assert.ok(e instanceof OutOfGasError);
          assert.equal(e.used, ref.used);
          got = "out";
        }
        assert.equal(got, want, `limit ${limit} step ${step}`);
        assert.equal(meter.consumed, ref.used);
        assert.equal(meter.isPastLimit(), want === "out");
        if (got === "out") break;
      }
    }
  });
});
