/**
 * Chain arithmetic of the explorer, free of UI: sampling the last hours of blocks from `blockchain` metas,
 * validators' consensus addresses (to match slashing signing infos), and gov vote event options.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";

/** Loosely typed JSON (as in api.ts; this module stays free of DOM APIs). */
type J = { [k: string]: unknown };

/** A JSON-RPC call (api.ts `rpc`). */
export type RpcCall = (method: string, params?: Record<string, unknown>) => Promise<J>;

function hdr(m: J | undefined): J {
  return (m?.["header"] as J | undefined) ?? {};
}

/** One chart bucket: average block interval and tx/s over the blocks ending at `height`. */
export interface HistoryPoint {
  height: number;
  time: number;
  interval: number;
  tps: number;
}

/** Run `fn` over `items` with at most `limit` in flight; results in order. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function metasIn(rpc: RpcCall, lo: number, hi: number): Promise<J[]> {
  const r = await rpc("blockchain", { minHeight: String(lo), maxHeight: String(hi) });
  return (r["block_metas"] as J[]) ?? [];
}

/** Header time of a block meta, ms. */
export const tOf = (m: J | undefined): number => new Date(String(hdr(m)["time"])).getTime();
/** Height of a block meta. */
export const hOf = (m: J | undefined): number => Number(hdr(m)["height"]);
/** Sum of `num_txs`. */
export const txsOf = (ms: J[]): number => ms.reduce((a, m) => a + Number(m["num_txs"] ?? 0), 0);

/**
 * Block interval and tx/s over the last `windowSec` seconds, at most `maxPoints` buckets, from `blockchain`
 * metas through `rpc` (20 per call, `limit` calls in flight). A young chain gives one bucket per block; an old one is
 * sampled at a stride: each bucket's interval is exact (time between two sampled heights / stride), its
 * tx/s is measured on the 20 blocks ending at the sample. Also returns the newest 20 metas (newest first).
 */
export async function sampleHistory(
  rpc: RpcCall,
  windowSec = 3 * 3600,
  maxPoints = 240,
  limit = 6,
): Promise<{ latest: number; recent: J[]; points: HistoryPoint[] }> {
  const status = await rpc("status");
  const latest = Number((status["sync_info"] as J)["latest_block_height"]);
  const recent = await metasIn(rpc, Math.max(1, latest - 19), latest);
  const asc = [...recent].sort((a, b) => hOf(a) - hOf(b));
  const span = (tOf(asc[asc.length - 1]) - tOf(asc[0])) / 1000;
  const avg = asc.length > 1 && span > 0 ? span / (asc.length - 1) : 1;
  const n = Math.min(latest - 1, Math.ceil(windowSec / avg));
  const points: HistoryPoint[] = [];
  if (n <= 0) return { latest, recent, points };
  const lowest = latest - n;
  if (n <= maxPoints) {
    const chunks: number[] = [];
    for (let hi = latest; hi >= lowest; hi -= 20) chunks.push(hi);
    const runs = await pool(chunks, limit, (hi) => metasIn(rpc, Math.max(lowest, hi - 19), hi));
    const all = runs.flat().sort((a, b) => hOf(a) - hOf(b));
    for (let i = 1; i < all.length; i++) {
      const dt = Math.max(0.001, (tOf(all[i]) - tOf(all[i - 1])) / 1000);
      points.push({ height: hOf(all[i]), time: tOf(all[i]), interval: dt, tps: txsOf([all[i] as J]) / dt });
    }
    return { latest, recent, points };
  }
  const stride = Math.ceil(n / maxPoints);
  const heights: number[] = [];
  for (let h = latest; h >= Math.max(1, lowest); h -= stride) heights.push(h);
  const runs = await pool(heights, limit, (h) => metasIn(rpc, Math.max(1, h - 19), h));
  const samples = runs
    .map((run) => [...run].sort((a, b) => hOf(a) - hOf(b)))
    .filter((run) => run.length > 0)
    .reverse();
  for (let i = 1; i < samples.length; i++) {
    const run = samples[i] as J[];
    const prev = samples[i - 1] as J[];
    const end = run[run.length - 1];
    const dh = hOf(end) - hOf(prev[prev.length - 1]);
    const dt = Math.max(0.001, (tOf(end) - tOf(prev[prev.length - 1])) / 1000);
    const runDt = Math.max(0.001, (tOf(end) - tOf(run[0])) / 1000);
    points.push({
      height: hOf(end),
      time: tOf(end),
      interval: dt / Math.max(1, dh),
      tps: run.length > 1 ? txsOf(run.slice(1)) / runDt : 0,
    });
  }
  return { latest, recent, points };
}

/**
 * The consensus address of a validator's `consensus_pubkey` (REST JSON `{"@type", key}`): ed25519 →
 * sha256(key)[:20], as `{hex, bech32}` (`<prefix>valcons…`); undefined for other key types.
 */
export function consensusAddress(pk: unknown, prefix = "open"): { hex: string; bech32: string } | undefined {
  const key = (pk as J | undefined)?.["key"];
  const type = String((pk as J | undefined)?.["@type"] ?? "");
  if (typeof key !== "string" || !type.includes("ed25519")) return undefined;
  const bin = atob(key);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const addr = sha256(bytes).slice(0, 20);
  return {
    hex: Array.from(addr, (b) => b.toString(16).padStart(2, "0"))
      .join("")
      .toUpperCase(),
    bech32: bech32.encode(`${prefix}valcons`, bech32.toWords(addr)),
  };
}

function optionText(o: string): string {
  return o.replace(/^VOTE_OPTION_/, "").toLowerCase();
}

/** `option:VOTE_OPTION_YES weight:"1.0…"` lines (the `proposal_vote` event) → "yes" / "yes 0.6, no 0.4". */
export function eventOptions(s: string): string {
  const parts = [...s.matchAll(/option:(\w+)\s+weight:"?([\d.]+)"?/g)].map((m) => [
    optionText(m[1] ?? ""),
    Number(m[2] ?? "1"),
  ]);
  if (parts.length === 1) return String(parts[0]?.[0]);
  return parts.map(([o, w]) => `${String(o)} ${String(w)}`).join(", ") || s;
}
