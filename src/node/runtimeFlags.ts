/**
 * V8 flags the node process runs with. Every launcher uses them: the `openledgerd` shebang, `npm start`,
 * `testnet start`, the Docker image and the test harness.
 *
 * `--max-semi-space-size=64` (MiB): the node allocates many short-lived objects per transaction (decoded
 * txs, keys, events, RPC JSON). With V8's default young generation (16 MiB semi-spaces) most of a block's
 * objects survive one scavenge and are promoted, so the main thread spends ~20% of its time in GC under
 * load. A 64 MiB semi-space lets them die young: the chain benchmark measured ~25% more committed tx/s and
 * ~15% less CPU per tx, for ~100 MB more RSS at peak.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/**
 * glibc malloc settings the node process runs with (the same launchers set them; a value already in the
 * environment wins).
 *
 * - `MALLOC_ARENA_MAX=2`: two malloc arenas instead of 8 per core; LevelDB's threads otherwise fragment
 *   glibc's heap and inflate RSS by several hundred MB.
 * - `MALLOC_MMAP_THRESHOLD_=131072`: a fixed mmap threshold. glibc otherwise raises it after freeing a
 *   large block (up to 32 MiB), so later large buffers (LevelDB write batches and memtables, slab
 *   chunks) come from the brk heap and stay resident after being freed (measured at 1M accounts:
 *   ~700 MB of freed native memory kept).
 */
export const NODE_RUNTIME_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "131072",
};

/** `env` with `NODE_RUNTIME_ENV` filled in where it has no value, for spawning a node process. */
export function nodeRuntimeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(NODE_RUNTIME_ENV)) out[k] ??= v;
  return out;
}
