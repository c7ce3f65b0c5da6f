/** Formatting helpers: OPEN amounts (18 decimals, bigint), times, short ids. */

/** Decimals of the base denom `aopen`. */
export const OPEN_DECIMALS = 18;
const ONE = 10n ** BigInt(OPEN_DECIMALS);

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Parse an integer string to bigint (0 for anything else). */
export function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  return 0n;
}

/**
 * `1234500000000000000000` aopen → `1,234.5`: at most `digits` fraction digits (at least 4 significant
 * ones below 1 OPEN), trailing zeros cut.
 */
export function formatOpen(amount: bigint, digits = 6): string {
  const neg = amount < 0n;
  const a = neg ? -amount : amount;
  const int = a / ONE;
  const all = (a % ONE).toString().padStart(OPEN_DECIMALS, "0");
  // Below 1 OPEN keep at least 4 significant digits, so tiny amounts never print as 0.
  const lead = all.length - all.replace(/^0+/, "").length;
  const keep = int === 0n && a > 0n ? Math.max(digits, Math.min(OPEN_DECIMALS, lead + 4)) : digits;
  const frac = all.slice(0, keep).replace(/0+$/, "");
  return (neg ? "-" : "") + group(int.toString()) + (frac ? `.${frac}` : "");
}

/** A coin as text: `aopen` shown as OPEN, others as `amount denom`. */
export function formatCoin(amount: unknown, denom: unknown): string {
  const d = typeof denom === "string" ? denom : "";
  if (d === "aopen") return `${formatOpen(big(amount))} OPEN`;
  if (d === "") return `${formatOpen(big(amount))} OPEN`;
  return `${group(big(amount).toString())} ${d}`;
}

/** A LegacyDec string (`"0.100000000000000000"`) as a percent with 2 decimals. */
export function formatPercent(dec: unknown): string {
  if (typeof dec !== "string" || !/^\d+(\.\d+)?$/.test(dec)) return "—";
  const [i = "0", f = ""] = dec.split(".");
  const bp = BigInt(i) * 10000n + BigInt((f + "0000").slice(0, 4));
  return `${(bp / 100n).toString()}.${(bp % 100n).toString().padStart(2, "0")}%`;
}

/** `ABCDEF…1234` */
export function short(id: string, keep = 8): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-keep)}`;
}

/** ISO time → `2026-11-26 23:10:05` (UTC). */
export function formatTime(t: unknown): string {
  if (typeof t !== "string") return "—";
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  return d.toISOString().replace("T", " ").slice(0, 19);
}

/** Seconds since `t`, as `5s ago`/`3m ago`. */
export function ago(t: unknown, now = Date.now()): string {
  if (typeof t !== "string") return "";
  const s = Math.max(0, Math.round((now - new Date(t).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

/** What a search string looks like. */
export type SearchKind =
  | "height"
  | "tx"
  | "address"
  | "valoper"
  | "datanet"
  | "model"
  | "inference"
  | "unknown";

/** Classify a search: number → height, 64 hex → tx hash, bech32 → address, `datanet:N`/`model:N`. */
export function classify(q: string): { kind: SearchKind; value: string } {
  const s = q.trim();
  if (/^\d+$/.test(s)) return { kind: "height", value: s };
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(s)) return { kind: "tx", value: s.replace(/^0x/, "").toUpperCase() };
  if (/^[a-z]+valoper1[02-9ac-hj-np-z]{20,}$/.test(s)) return { kind: "valoper", value: s };
  if (/^[a-z]+1[02-9ac-hj-np-z]{20,}$/.test(s)) return { kind: "address", value: s };
  const m = /^(datanet|model|inference|d|m)[\s:#/-]*(\d+)$/i.exec(s);
  if (m) {
    const k = (m[1] ?? "").toLowerCase();
    const kind = k.startsWith("d") ? "datanet" : k.startsWith("m") ? "model" : "inference";
    return { kind, value: m[2] ?? "" };
  }
  return { kind: "unknown", value: s };
}
