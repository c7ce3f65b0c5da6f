/**
 * State store benchmark: builds a state of N keys (20-byte keys, 40–100-byte values) on LevelDB, then
 * commits versions of U random key updates each and prints ms per computeHash+commit, commits/s,
 * updates/s, random latest-version reads/s, node cache figures and peak RSS.
 *
 * `npm run bench -- store [--keys 1000000] [--updates 20000] [--versions 10] [--cache 100000]
 *  [--cacheBytes 134217728] [--keep 10] [--warmup 3] [--dir PATH]` (with --dir of an existing run, the load is skipped) (a temp dir under os.tmpdir() by default, removed afterwards).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LevelDatabase, StateStore } from "../../src/store/index.js";

interface Args {
  keys: number;
  updates: number;
  versions: number;
  cache: number;
  cacheBytes: number;
  keep: number;
  warmup: number;
  dir: string | undefined;
}

function parse(args: string[]): Args {
  const out: Args = {
    keys: 1_000_000,
    updates: 20_000,
    versions: 10,
    cache: 100_000,
    cacheBytes: 128 * 2 ** 20,
    keep: 10,
    warmup: 3,
    dir: undefined,
  };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, "");
    const value = args[i + 1];
    if (value === undefined) throw new Error(`missing value for ${args[i]}`);
    if (name === "dir") out.dir = value;
    else if (
      name === "keys" ||
      name === "updates" ||
      name === "versions" ||
      name === "cache" ||
      name === "cacheBytes" ||
      name === "keep" ||
      name === "warmup"
    ) {
      out[name] = Number(value);
    } else throw new Error(`unknown option ${args[i]}`);
  }
  return out;
}

/** Deterministic xorshift PRNG filling bytes. */
class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = (0x9e3779b9 ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

function keyOf(i: number): Uint8Array {
  // A 20-byte "address": a hash-like spread of the index, so keys are uniformly distributed.
  const k = new Uint8Array(20);
  let x = (i + 1) * 0x9e3779b1;
  for (let j = 0; j < 20; j++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ (i * 31 + j);
    k[j] = x & 0xff;
  }
  new DataView(k.buffer).setUint32(16, i);
  return k;
}

let peakRss = 0;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;

/** Run the store benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const a = parse(argv);
  const dir = a.dir ?? mkdtempSync(join(tmpdir(), "openledger-bench-store-"));
  const timer = setInterval(sampleRss, 50);
  try {
    const db = await LevelDatabase.open(dir);
    const store = StateStore.open(db, { keepRecent: a.keep, cacheSize: a.cache, cacheBytes: a.cacheBytes });
    const rand = new Rand(store.version);
    console.log(
      `# store bench: ${a.keys} keys, ${a.updates} updates/version, ${a.versions} versions, cache ${a.cache} nodes + ${mb(a.cacheBytes)}, keep ${a.keep}`,
    );
    let version = store.version;
    const chunk = 50_000;
    const t0 = performance.now();
    for (let i = store.version === 0 ? 0 : a.keys; i < a.keys; i += chunk) {
      for (let j = i; j < Math.min(a.keys, i + chunk); j++)
        store.working.set(keyOf(j), rand.bytes(40 + (rand.next() % 61)));
      await store.commit(++version);
      sampleRss();
    }
    const loadMs = performance.now() - t0;
    console.log(
      `load: ${a.keys} keys in ${(loadMs / 1000).toFixed(1)} s (${Math.round(a.keys / (loadMs / 1000))} keys/s), rss ${mb(process.memoryUsage().rss)}`,
    );

    for (let w = 0; w < a.warmup; w++) {
      for (let i = 0; i < a.updates; i++)
        store.working.set(keyOf(rand.next() % a.keys), rand.bytes(40 + (rand.next() % 61)));
      await store.commit(++version);
    }
    if (a.warmup > 0) console.log(`warm-up: ${a.warmup} versions (not measured)`);
    const cpu0 = process.cpuUsage();
    let hashMs = 0;
    let commitMs = 0;
    let setMs = 0;
    let worst = 0;
    const misses0 = store.nodeCacheMisses;
    for (let v = 0; v < a.versions; v++) {
      const s0 = performance.now();
      for (let i = 0; i < a.updates; i++)
        store.working.set(keyOf(rand.next() % a.keys), rand.bytes(40 + (rand.next() % 61)));
      const s1 = performance.now();
      store.computeHash();
      const s2 = performance.now();
      await store.commit(++version);
      const s3 = performance.now();
      setMs += s1 - s0;
      hashMs += s2 - s1;
      commitMs += s3 - s2;
      worst = Math.max(worst, s3 - s1);
      sampleRss();
      const st = store.lastCommitStats;
      console.log(
        `  v${version}: hash ${(s2 - s1).toFixed(0)} ms + commit ${(s3 - s2).toFixed(0)} ms (stage ${st.stageMs.toFixed(0)}, flush ${st.flushMs.toFixed(0)}); ${st.newNodes} new nodes, ${st.orphans} orphans, ${st.prunedNodes} pruned, ${st.ops} ops`,
      );
    }
    const cpu = process.cpuUsage(cpu0);
    const per = (hashMs + commitMs) / a.versions;
    console.log(`computeHash: ${(hashMs / a.versions).toFixed(1)} ms/version (tree update + hashing)`);
    console.log(`commit (stage + flush): ${(commitMs / a.versions).toFixed(1)} ms/version`);
    console.log(
      `computeHash+commit: ${per.toFixed(1)} ms/version (worst ${worst.toFixed(0)} ms), ${Math.round((a.updates * 1000) / per)} key updates/s`,
    );
    console.log(
      `process CPU (all threads, incl. set() and LevelDB): ${((cpu.user + cpu.system) / 1000 / a.versions).toFixed(0)} ms/version`,
    );
    console.log(`working set() of ${a.updates} keys: ${(setMs / a.versions).toFixed(1)} ms/version`);
    console.log(
      `node cache: ${store.cachedNodes} parsed + ${store.cachedRecords} serialised records cached, ${((store.nodeCacheMisses - misses0) / a.versions).toFixed(0)} db node reads/version`,
    );

    const reads = 200_000;
    const r0 = performance.now();
    let found = 0;
    for (let i = 0; i < reads; i++) if (store.working.get(keyOf(rand.next() % a.keys)) !== undefined) found++;
    const rs = reads / ((performance.now() - r0) / 1000);
    console.log(`latest reads (flat index getSync): ${Math.round(rs)} reads/s (${found}/${reads} found)`);
    const old = Math.max(store.earliestVersion, version - 5);
    const view = store.readAt(old);
    const h0 = performance.now();
    const hist = 20_000;
    for (let i = 0; i < hist; i++) view.get(keyOf(rand.next() % a.keys));
    console.log(
      `historic reads at v${old} (tree walk): ${Math.round(hist / ((performance.now() - h0) / 1000))} reads/s`,
    );
    const p0 = performance.now();
    for (let i = 0; i < 2000; i++) store.proveAt(version, keyOf(rand.next() % a.keys));
    console.log(`proofs: ${Math.round(2000 / ((performance.now() - p0) / 1000))} proveAt/s`);
    sampleRss();
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc !== undefined) gc();
    const mu = process.memoryUsage();
    console.log(
      `peak RSS: ${mb(peakRss)}; now rss ${mb(mu.rss)}, heap used${gc ? " (after gc)" : ""} ${mb(mu.heapUsed)} of ${mb(mu.heapTotal)}, external ${mb(mu.external)}`,
    );
    await db.close();
  } finally {
    clearInterval(timer);
    if (a.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
