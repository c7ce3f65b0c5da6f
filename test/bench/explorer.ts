/**
 * Explorer budget (Lighthouse-style): the JS/CSS shipped by `vite build explorer` (raw and gzip bytes,
 * from `dist/explorer/www`) and the time to first render of the overview against a dev node (Chromium
 * via playwright-core: navigation start → the overview's `explorer:first-render` mark, i.e. chain data
 * on screen; plus DOMContentLoaded and the first contentful paint), cold (fresh profile) and warm.
 *
 * `npm run bench -- explorer [--runs 5]`. Needs `npm run build` and /usr/bin/chromium.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { launch } from "../browser/browser.js";
import { NodeProcess } from "../e2e/harness.js";

const WWW = resolve(import.meta.dirname, "../../dist/explorer/www");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Print the bundle sizes and the first-render timings. */
export default async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf("--runs");
  const runs = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1]) || 5) : 5;
  let jsGz = 0;
  let jsRaw = 0;
  let allGz = 0;
  console.log("# explorer bundle (dist/explorer/www)");
  for (const f of files(WWW).sort()) {
    const raw = readFileSync(f);
    const gz = gzipSync(raw, { level: 9 }).length;
    allGz += gz;
    if (f.endsWith(".js")) {
      jsGz += gz;
      jsRaw += raw.length;
    }
    console.log(
      `  ${relative(WWW, f).padEnd(36)} ${String(raw.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`,
    );
  }
  console.log(
    `JS shipped: ${jsRaw} B raw, ${jsGz} B gzip (${(jsGz / 1024).toFixed(1)} KiB); all assets ${allGz} B gzip`,
  );

  const node = await NodeProcess.start();
  const browser = await launch();
  try {
    await node.waitForHeight(3);
    const url = `http://127.0.0.1:${node.apiPort}/explorer/`;
    const rows: { first: number; dcl: number; fcp: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.waitForFunction(
        'performance.getEntriesByName("explorer:first-render").length > 0',
        undefined,
        {
          timeout: 30_000,
        },
      );
      const t = (await page.evaluate(`(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const first = performance.getEntriesByName("explorer:first-render")[0];
        return { first: first ? first.startTime : NaN, dcl: nav ? nav.domContentLoadedEventEnd : NaN, fcp: fcp ? fcp.startTime : NaN };
      })()`)) as { first: number; dcl: number; fcp: number };
      rows.push(t);
      await page.close();
    }
    const fmt = (v: number) => `${v.toFixed(0)} ms`;
    console.log(`# time to first render of the overview (${runs} loads, run 1 cold cache)`);
    console.log(
      `cold: first render ${fmt(rows[0]?.first ?? Number.NaN)}, DOMContentLoaded ${fmt(rows[0]?.dcl ?? Number.NaN)}, FCP ${fmt(rows[0]?.fcp ?? Number.NaN)}`,
    );
    const warm = rows.slice(1);
    if (warm.length > 0)
      console.log(
        `warm (median of ${warm.length}): first render ${fmt(median(warm.map((r) => r.first)))}, DOMContentLoaded ${fmt(median(warm.map((r) => r.dcl)))}, FCP ${fmt(median(warm.map((r) => r.fcp)))}`,
      );
  } finally {
    await browser.close();
    await node.destroy();
  }
}
