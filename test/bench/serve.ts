/**
 * Gateway benchmark: completions/s and latency percentiles with 1,000 registered models served by one
 * gateway process, cold (every model's first request: fetch + sha256 check + parse + table build) and warm
 * (LRU hits), plus a Zipf-mixed run over all models with the LRU bound set, and peak RSS / heap.
 *
 * How the models exist: an in-memory chain (`createTestApp` with datanets + models) publishes one datanet
 * of synthetic rows; 1,000 distinct n-gram models (order 3, each trained on its own window of rows) are
 * written to a temp dir and registered with RegisterModel (100 per tx), an operator bonds and serves all
 * of them (MsgServeModels), and the gateway reads the chain through the app's `query` in process (no
 * JSON-RPC hop). Client and gateway share this process (HTTP over loopback, keep-alive fetch).
 *
 * Run with `node --expose-gc` (e.g. `NODE_OPTIONS=--expose-gc npm run bench -- serve`) to also print the
 * heap retained after each phase (what the LRU bound actually holds).
 *
 * `npm run bench -- serve [--models 1000] [--cache-mb 16] [--concurrency 8] [--requests 3000] [--max-tokens 16]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { mulberry32 } from "../../src/factory/ngram.js";
import { readVersionRows, trainOnRows } from "../../src/factory/train.js";
import { ModelKind } from "../../src/modules/models/proto.js";
import { Gateway } from "../../src/serve/gateway.js";
import { mm, TestChain } from "../unit/serve/fixture.js";

const WORDS =
  "the a model data ledger open token proof row version cat dog sat on mat log sun rain river stone green blue fast slow learns trains serves pays contributor attribution network chain block".split(
    " ",
  );

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** Run the benchmark. */
export default async function main(args: string[]): Promise<void> {
  const nModels = arg(args, "models", 1000);
  const cacheMb = arg(args, "cache-mb", 16);
  const concurrency = arg(args, "concurrency", 8);
  const requests = arg(args, "requests", 3000);
  const maxTokens = arg(args, "max-tokens", 16);
  const dir = mkdtempSync(join(tmpdir(), "bench-serve-"));
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  try {
    const t0 = performance.now();
    const chain = await TestChain.create();
    const [owner, , , op] = chain.accounts;
    const rng = mulberry32(1);
    const rows = Array.from({ length: 600 }, () =>
      Array.from({ length: 8 + Math.floor(rng() * 12) }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(
        " ",
      ),
    );
    const datanet = await chain.publishDatanet(owner!, rows);
    const pinned = await readVersionRows(chain.query, { datanetId: BigInt(datanet), version: 1n });
    const t1 = performance.now();
    let artifactBytes = 0;
    const msgs = [];
    for (let i = 0; i < nModels; i++) {
      const start = (i * 7) % (rows.length - 60);
      const r = trainOnRows(
        [{ ...pinned, rows: pinned.rows.slice(start, start + 40 + (i % 20)) }],
        3,
        join(dir, `m${i}`),
      );
      artifactBytes += r.size;
      msgs.push(
        mm("MsgRegisterModel", {
          owner: owner!.address,
          name: `bench-${i}`,
          description: "",
          baseModel: "ngram-kn-v1",
          kind: ModelKind.MODEL_KIND_NGRAM,
          artifact: { sha256: r.sha256, size: r.size, uri: r.uri },
          datanets: [{ datanetId: datanet, version: 1 }],
          trainingConfig: r.config,
          trainingLogHash: r.logHash,
          inputPrice: "100",
          outputPrice: "200",
        }),
      );
    }
    const t2 = performance.now();
    for (let i = 0; i < msgs.length; i += 100) await chain.ok(owner!, msgs.slice(i, i + 100));
    await chain.ok(op!, [
      mm("MsgRegisterOperator", {
        operator: op!.address,
        endpoint: "http://127.0.0.1:1",
        bond: { denom: "aopen", amount: (100n * 10n ** 18n).toString() },
      }),
    ]);
    await chain.ok(op!, [
      mm("MsgServeModels", {
        operator: op!.address,
        serve: Array.from({ length: nModels }, (_, i) => i + 1),
        stop: [],
      }),
    ]);
    const t3 = performance.now();
    console.log(
      `setup: datanet ${rows.length} rows ${(t1 - t0).toFixed(0)} ms; trained ${nModels} models in ${(t2 - t1).toFixed(0)} ms (artifacts ${(artifactBytes / 1048576).toFixed(1)} MiB, avg ${(artifactBytes / nModels / 1024).toFixed(1)} KiB); registered + served in ${(t3 - t2).toFixed(0)} ms`,
    );

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const baseHeap = base.heapUsed + base.arrayBuffers;
    peakRss = base.rss;
    peakHeap = base.heapUsed;
    const gw = await Gateway.start({
      query: chain.query,
      dataDir: join(dir, "gw"),
      operator: op!.address,
      maxCacheBytes: cacheMb * 1024 * 1024,
      maxConcurrency: concurrency * 2,
      metaTtlMs: 60_000,
    });
    const list = (await (await fetch(`${gw.url}/v1/models`)).json()) as { data: unknown[] };
    console.log(`gateway ${gw.url}: /v1/models lists ${list.data.length} models; LRU bound ${cacheMb} MiB`);

    const one = async (model: number): Promise<number> => {
      const s = performance.now();
      const r = await fetch(`${gw.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: String(model),
          prompt: "the model",
          max_tokens: maxTokens,
          temperature: 0,
        }),
      });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
      return performance.now() - s;
    };
    const run = async (name: string, pick: (i: number) => number, n: number) => {
      const lat: number[] = [];
      let next = 0;
      const before = gw.snapshot();
      const s = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < n; i = next++) lat.push(await one(pick(i)));
        }),
      );
      const secs = (performance.now() - s) / 1000;
      const after = gw.snapshot();
      const gc = (globalThis as { gc?: () => void }).gc;
      let retained = "";
      if (gc) {
        gc();
        const m = process.memoryUsage();
        retained = `, heap after gc ${((m.heapUsed + m.arrayBuffers - baseHeap) / 1048576).toFixed(1)} MiB above baseline`;
      }
      console.log(
        `${name.padEnd(28)} ${n} req, ${(n / secs).toFixed(0).padStart(5)} completions/s, p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, loads ${after.loads - before.loads}, hits ${after.cacheHits - before.cacheHits}, evictions ${after.evictions - before.evictions}, cache ${(after.cacheBytes / 1048576).toFixed(1)} MiB / ${after.cachedModels} models${retained}`,
      );
    };
    // Cold: every model once (first request loads it).
    await run("cold (each model once)", (i) => i + 1, nModels);
    // Warm: a working set that fits the LRU.
    const fit = Math.max(1, Math.min(nModels, gw.snapshot().cachedModels));
    await run(`warm (${fit} cached models)`, (i) => nModels - (i % fit), requests);
    // Zipf over all models with the bound set.
    const z = mulberry32(9);
    const weights = Array.from({ length: nModels }, (_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const zipf = () => {
      let r = z() * total;
      for (let i = 0; i < nModels; i++) {
        r -= weights[i]!;
        if (r <= 0) return i + 1;
      }
      return nModels;
    };
    await run("zipf(1) over all models", () => zipf(), requests);
    await gw.close();
    clearInterval(sampler);
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    console.log(
      `memory while serving (LRU bound ${cacheMb} MiB): peak RSS ${(peakRss / 1048576).toFixed(0)} MiB, peak heap used ${(peakHeap / 1048576).toFixed(0)} MiB; before the gateway started (chain + training garbage): RSS ${(base.rss / 1048576).toFixed(0)} MiB, heap ${(base.heapUsed / 1048576).toFixed(0)} MiB`,
    );
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}
