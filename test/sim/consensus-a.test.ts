/**
 * Simulation of 4 Tendermint validators under seeded network faults, crashes and equivocation:
 * seeds 1–500 (the test suite runs 1,000 seeds over two files, so two cores share them).
 * Agreement, validity and no-double-sign are checked after every event, liveness after healing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSeedBlock } from "./seeds.js";

describe("consensus simulation (seeds 1–500)", () => {
  it("keeps agreement, validity, no double-sign and liveness", async () => {
    const results = await runSeedBlock(1, 501);
    assert.equal(results.length, 500);
    // the scenarios really exercise faults: crashes, byzantine evidence, round changes
    assert.ok(results.some((r) => r.crashes > 0));
    assert.ok(results.some((r) => r.evidenceCommitted > 0));
    assert.ok(results.some((r) => r.maxRound >= 2));
    assert.ok(results.some((r) => r.validatorChanges > 0));
  });

  it("catches a deliberately broken locking rule (seed 529, hostile)", async () => {
    const { runSimulation } = await import("./harness.js");
    const r = await runSimulation({ seed: 529, breakLocking: true, hostile: true, byzantine: false });
    assert.equal(r.ok, false);
    assert.match(r.failure ?? "", /agreement violated/);
  });
});
