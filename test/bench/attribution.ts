/**
 * Attribution engine benchmark: tokenizer throughput; index build tokens/s and bytes per token;
 * serialise / load (checksum + structure check) times; attribution latency of 1,000-token outputs against
 * synthetic corpora of the given sizes.
 *
 * Corpora are generated with a seeded PRNG: rows of 50–500 tokens drawn from a Zipfian vocabulary
 * (exponent 1). Outputs mix Zipfian filler with runs of 5–60 tokens copied from random rows (half the
 * tokens), so every output has real matches to find and credit.
 *
 * Wall times on a shared machine include waiting for a core; the cpu figures (process CPU time per call)
 * are the better measure there.
 *
 * `npm run bench -- attribution [--tokens 1000000,10000000,100000000] [--vocab 50000] [--outputs 40]
 *  [--outputTokens 1000] [--segments 1] [--seed 1]`
 */
import {
  type AttributionParams,
  attribute,
  buildSegment,
  buildSegmentFromTokens,
  type IndexRow,
  Segment,
  tokenize,
} from "../../src/attribution/engine/index.js";

interface Args {
  tokens: number[];
  vocab: number;
  outputs: number;
  outputTokens: number;
  segments: number;
  seed: number;
}

const PARAMS: AttributionParams = { minSpanTokens: 5, maxSpanRows: 16, maxRows: 64 };

function parse(args: string[]): Args {
  const out: Args = {
    tokens: [1_000_000, 10_000_000, 100_000_000],
    vocab: 50_000,
    outputs: 40,
    outputTokens: 1000,
    segments: 1,
    seed: 1,
  };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, "");
    const value = args[i + 1];
    if (value === undefined) throw new Error(`missing value for ${args[i]}`);
    if (name === "tokens") out.tokens = value.split(",").map(Number);
    else if (name === "vocab") out.vocab = Number(value);
    else if (name === "outputs") out.outputs = Number(value);
    else if (name === "outputTokens") out.outputTokens = Number(value);
    else if (name === "segments") out.segments = Number(value);
    else if (name === "seed") out.seed = Number(value);
    else throw new Error(`unknown flag ${args[i]}`);
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Zipfian sampler over [0, vocab) with a guide table for O(1) expected sampling. */
function zipfSampler(rng: () => number, vocab: number): () => number {
  const cdf = new Float64Array(vocab);
  let sum = 0;
  for (let i = 0; i < vocab; i++) {
    sum += 1 / (i + 1);
    cdf[i] = sum;
  }
  const guideSize = 1 << 16;
  const guide = new Int32Array(guideSize + 1);
  for (let g = 0, i = 0; g <= guideSize; g++) {
    const target = (g / guideSize) * sum;
    while (i < vocab - 1 && cdf[i]! < target) i++;
    guide[g] = i;
  }
  return () => {
    const u = (rng() / 2 ** 32) * sum;
    let i = guide[Math.floor((u / sum) * guideSize)]!;
    while (i > 0 && cdf[i - 1]! >= u) i--;
    while (cdf[i]! < u) i++;
    return i;
  };
}

interface Corpus {
  tokens: Int32Array;
  rowLengths: Int32Array;
  rowStarts: Int32Array;
}

function generateCorpus(rng: () => number, sample: () => number, total: number): Corpus {
  const tokens = new Int32Array(total);
  const lengths: number[] = [];
  let at = 0;
  while (at < total) {
    const len = Math.min(50 + (rng() % 451), total - at);
    for (let i = 0; i < len; i++) tokens[at + i] = sample();
    lengths.push(len);
    at += len;
  }
  const rowLengths = Int32Array.from(lengths);
  const rowStarts = new Int32Array(lengths.length + 1);
  for (let r = 0; r < lengths.length; r++) rowStarts[r + 1] = rowStarts[r]! + lengths[r]!;
  return { tokens, rowLengths, rowStarts };
}

function words(vocab: number): string[] {
  return Array.from({ length: vocab }, (_, i) => `w${i}`);
}

function makeOutput(
  rng: () => number,
  sample: () => number,
  corpus: Corpus,
  vocab: string[],
  n: number,
): string {
  const out: string[] = [];
  const rows = corpus.rowLengths.length;
  while (out.length < n) {
    if (rng() % 2 === 0) {
      const r = rng() % rows;
      const len = Math.min(5 + (rng() % 56), corpus.rowLengths[r]!);
      const start = corpus.rowStarts[r]! + (rng() % (corpus.rowLengths[r]! - len + 1));
      for (let i = 0; i < len; i++) out.push(vocab[corpus.tokens[start + i]!]!);
    } else {
      const len = 3 + (rng() % 20);
      for (let i = 0; i < len; i++) out.push(vocab[sample()]!);
    }
  }
  return out.slice(0, n).join(" ");
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function rssMiB(): string {
  return (process.memoryUsage().rss / 2 ** 20).toFixed(0);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  return (
    `mean ${mean.toFixed(2)} ms, min ${sorted[0]!.toFixed(2)}, p50 ${percentile(sorted, 50).toFixed(2)}, ` +
    `p90 ${percentile(sorted, 90).toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)}`
  );
}

/** Run the benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const args = parse(argv);
  const vocab = words(args.vocab);
  console.log(
    `# attribution engine: vocab ${args.vocab} (Zipf s=1), rows 50–500 tokens, ${args.outputs} outputs × ${args.outputTokens} tokens, ${args.segments} segment(s), params ${JSON.stringify(PARAMS)}`,
  );

  // Tokenizer and the full text build path on 1M tokens.
  {
    const rng = mulberry32(args.seed);
    const sample = zipfSampler(rng, args.vocab);
    const corpus = generateCorpus(rng, sample, 1_000_000);
    const rows: IndexRow[] = [];
    for (let r = 0; r < corpus.rowLengths.length; r++) {
      const parts: string[] = [];
      for (let i = corpus.rowStarts[r]!; i < corpus.rowStarts[r + 1]!; i++)
        parts.push(vocab[corpus.tokens[i]!]!);
      rows.push({ rowId: BigInt(r + 1), text: `${parts.join(" ")}.` });
    }
    const text = rows.map((r) => r.text).join("\n");
    let t0 = process.hrtime.bigint();
    const count = tokenize(text).length;
    const tokMs = ms(t0);
    t0 = process.hrtime.bigint();
    const seg = buildSegment(rows);
    const buildMs = ms(t0);
    console.log(
      `tokenizer: ${count} tokens in ${tokMs.toFixed(0)} ms = ${((count / tokMs) * 1000).toFixed(0)} tokens/s; ` +
        `buildSegment from text (tokenize + SA-IS): ${seg.tokenCount} tokens in ${buildMs.toFixed(0)} ms = ${((seg.tokenCount / buildMs) * 1000).toFixed(0)} tokens/s`,
    );
  }

  for (const total of args.tokens) {
    const rng = mulberry32(args.seed + total);
    const sample = zipfSampler(rng, args.vocab);
    let t0 = process.hrtime.bigint();
    const corpus = generateCorpus(rng, sample, total);
    console.log(
      `\n## corpus ${total} tokens, ${corpus.rowLengths.length} rows (generated in ${ms(t0).toFixed(0)} ms)`,
    );

    // Build (from token ids: the tokenizer's cost is measured above), in `segments` equal parts.
    const segments: Segment[] = [];
    const rows = corpus.rowLengths.length;
    t0 = process.hrtime.bigint();
    for (let s = 0; s < args.segments; s++) {
      const r0 = Math.floor((rows * s) / args.segments);
      const r1 = Math.floor((rows * (s + 1)) / args.segments);
      const ids = Array.from({ length: r1 - r0 }, (_, k) => BigInt(r0 + k + 1));
      segments.push(
        buildSegmentFromTokens({
          vocabulary: vocab,
          rowIds: ids,
          rowLengths: corpus.rowLengths.subarray(r0, r1),
          tokens: corpus.tokens.subarray(corpus.rowStarts[r0]!, corpus.rowStarts[r1]!),
        }),
      );
    }
    const buildMs = ms(t0);
    console.log(
      `build: ${buildMs.toFixed(0)} ms = ${((total / buildMs) * 1000).toFixed(0)} tokens/s (rss ${rssMiB()} MiB)`,
    );

    // Serialise and load.
    t0 = process.hrtime.bigint();
    const blobs = segments.map((s) => s.serialize());
    const serMs = ms(t0);
    const bytes = blobs.reduce((s, b) => s + b.length, 0);
    t0 = process.hrtime.bigint();
    const loaded = blobs.map((b) => Segment.deserialize(b));
    const loadMs = ms(t0);
    console.log(
      `serialised: ${bytes} bytes = ${(bytes / total).toFixed(2)} bytes/token; serialise ${serMs.toFixed(0)} ms, load+verify ${loadMs.toFixed(0)} ms`,
    );

    // Attribution latency (tokenize + search + scoring) of 1,000-token outputs.
    const outputs = Array.from({ length: args.outputs }, () =>
      makeOutput(rng, sample, corpus, vocab, args.outputTokens),
    );
    for (let w = 0; w < 3; w++) attribute(loaded, outputs[w % outputs.length]!, PARAMS);
    const times: number[] = [];
    const cpu: number[] = [];
    let work = 0;
    let matched = 0;
    let credited = 0;
    for (const text of outputs) {
      const c0 = process.cpuUsage();
      t0 = process.hrtime.bigint();
      const a = attribute(loaded, text, PARAMS);
      times.push(ms(t0));
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      work += a.work;
      matched += a.matchedTokens;
      credited += a.rows.length;
    }
    console.log(
      `attribute ${args.outputTokens}-token output: wall ${summary(times)}; cpu ${summary(cpu)}; ` +
        `mean work ${(work / outputs.length).toFixed(0)}, matched ${(matched / outputs.length).toFixed(0)} tokens, ` +
        `${(credited / outputs.length).toFixed(1)} rows credited (rss ${rssMiB()} MiB)`,
    );
  }
}
