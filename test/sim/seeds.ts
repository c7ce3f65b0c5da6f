/** Shared driver of the simulation test files: runs a block of seeds and reports every failure. */
import assert from "node:assert/strict";
import { runSimulation, type SimResult } from "./harness.js";

/** Run seeds [from, to): every 5th one in the hostile scenario. Fails listing the bad seeds. */
export async function runSeedBlock(from: number, to: number): Promise<SimResult[]> {
  const results: SimResult[] = [];
  const failures: string[] = [];
  for (let seed = from; seed < to; seed++) {
    const r = await runSimulation({ seed, hostile: seed % 5 === 0 });
    results.push(r);
    if (!r.ok) failures.push(`seed ${seed}${seed % 5 === 0 ? " (hostile)" : ""}: ${r.failure}`);
  }
  assert.deepEqual(failures, [], `simulation failures (rerun with npm run bench -- consensus-soak --seed N)`);
  return results;
}
