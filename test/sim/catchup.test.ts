/**
 * Catch-up while running: a validator cut off from its peers for a few seconds (while the other three
 * go on) falls several heights behind; once the network heals it must catch up from its peers'
 * stored blocks and canonical commits (seen commits are kept for the tip only, as in the node's
 * block store), then take part in consensus again.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSimulation } from "./harness.js";

describe("consensus catch-up of a running validator", () => {
  for (const seed of [11, 12, 13]) {
    it(`a validator 3+ heights behind catches up (seed ${seed})`, async () => {
      const r = await runSimulation({
        seed,
        byzantine: false,
        isolate: { node: seed % 4, fromMs: 200, toMs: 3000 },
        extraHeights: 3,
      });
      assert.equal(r.ok, true, r.failure);
      assert.ok(r.maxLag >= 3, `the isolated validator fell only ${r.maxLag} heights behind`);
      assert.equal(r.crashes, 0);
    });
  }
});
