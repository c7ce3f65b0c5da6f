/**
 * Benchmark runner: `npm run bench -- <name> [args…]` runs `test/bench/<name>.ts`, whose default export
 * is `main(args)`. Benchmarks print their figures; they never assert timings.
 */
import { readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args…]`);
  process.exit(2);
}
console.log(
  `# machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
);
const mod = (await import(`./${name}.ts`)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
