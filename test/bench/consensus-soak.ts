/**
 * Consensus soak: runs many simulation seeds (`test/sim/harness.ts`) and prints the seed of every
 * failure, with totals. `npm run bench -- consensus-soak [--seeds N] [--from S] [--seed S]
 * [--hostile] [--break-locking] [--verbose]`. With `--break-locking` every validator uses the
 * deliberately unsafe locking rule, and the run shows the simulation catching it (agreement
 * violations); e.g. `--break-locking --hostile --from 529 --seeds 1`.
 */
import { runSimulation, type SimResult } from "../sim/harness.js";

/** Run the soak with command-line `args`. */
export default async function main(args: string[]): Promise<void> {
  const flag = (name: string): boolean => args.includes(name);
  const value = (name: string, def: number): number => {
    const i = args.indexOf(name);
    const v = i >= 0 ? Number(args[i + 1]) : def;
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer`);
    return v;
  };
  const single = args.includes("--seed") ? value("--seed", 1) : undefined;
  const from = single ?? value("--from", 1);
  const count = single !== undefined ? 1 : value("--seeds", 5000);
  const breakLocking = flag("--break-locking");
  const hostileAll = flag("--hostile");
  const verbose = flag("--verbose");
  console.log(
    `# consensus soak: seeds ${from}..${from + count - 1}${breakLocking ? ", BROKEN LOCKING" : ""}${hostileAll ? ", hostile" : ", every 5th hostile"}`,
  );
  const t0 = Date.now();
  const failed: SimResult[] = [];
  let events = 0;
  let virtualMs = 0;
  let crashes = 0;
  let evidence = 0;
  let byzantine = 0;
  let maxRound = 0;
  for (let seed = from; seed < from + count; seed++) {
    const hostile = hostileAll || seed % 5 === 0;
    const r = await runSimulation({
      seed,
      hostile,
      breakLocking,
      ...(breakLocking ? { byzantine: false } : {}),
      verbose,
    });
    events += r.events;
    virtualMs += r.virtualMs;
    crashes += r.crashes;
    evidence += r.evidenceCommitted;
    if (r.byzantine) byzantine++;
    maxRound = Math.max(maxRound, r.maxRound);
    if (!r.ok) {
      failed.push(r);
      console.log(`FAIL seed ${seed}${hostile ? " (hostile)" : ""}: ${r.failure}`);
    }
    if ((seed - from + 1) % 500 === 0) {
      console.log(
        `  ${seed - from + 1} seeds, ${failed.length} failed, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
  }
  const secs = (Date.now() - t0) / 1000;
  console.log(
    `seeds: ${count}  failed: ${failed.length}  wall: ${secs.toFixed(1)} s (${((secs * 1000) / count).toFixed(1)} ms/seed)`,
  );
  console.log(
    `virtual time: ${(virtualMs / 1000).toFixed(0)} s  events: ${events}  crashes: ${crashes}  byzantine runs: ${byzantine}  evidence committed: ${evidence}  max round: ${maxRound}`,
  );
  if (failed.length > 0) {
    console.log(`failing seeds: ${failed.map((r) => r.seed).join(" ")}`);
    process.exitCode = 1;
  }
}
