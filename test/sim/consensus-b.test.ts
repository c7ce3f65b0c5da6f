/**
 * Simulation of 4 Tendermint validators under seeded network faults, crashes and equivocation:
 * seeds 501–1000 (the test suite runs 1,000 seeds over two files, so two cores share them).
 * Agreement, validity and no-double-sign are checked after every event, liveness after healing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSeedBlock } from "./seeds.js";

describe("consensus simulation (seeds 501–1000)", () => {
  it("keeps agreement, validity, no double-sign and liveness", async () => {
    const results = await runSeedBlock(501, 1001);
    assert.equal(results.length, 500);
  });
});
