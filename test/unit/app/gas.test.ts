import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GasKVStore, GasMeter, OutOfGasError } from "../../../src/app/gas.js";
import { MemoryKVStore } from "../../../src/store/index.js";

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
});
