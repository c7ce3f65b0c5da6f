/** Shared pieces: async loading hook, states (loading/empty/error), copyable ids, tables, SVG charts. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./api.js";
import { formatCoin, short } from "./format.js";

/** The state of one asynchronous load. */
export type Load<T> = { status: "loading" } | { status: "ok"; data: T } | { status: "error"; error: Error };

/**
 * Run `fn` whenever `deps` or `tick` change; stale results are dropped. A `tick` change (live refresh)
 * keeps showing the previous data until the new data arrives.
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[], tick = 0): Load<T> {
  const [state, setState] = useState<Load<T>>({ status: "loading" });
  const [key, setKey] = useState("");
  const depKey = JSON.stringify(deps);
  useEffect(() => {
    let live = true;
    if (depKey !== key) {
      setKey(depKey);
      setState({ status: "loading" });
    }
    fn().then(
      (data) => live && setState({ status: "ok", data }),
      (e: unknown) =>
        live && setState({ status: "error", error: e instanceof Error ? e : new Error(String(e)) }),
    );
    return () => {
      live = false;
    };
  }, [depKey, tick]);
  return state;
}

/** Render a load: spinner, error box, or `children(data)`. */
export function Show<T>(props: { load: Load<T>; children: (data: T) => ComponentChildren }) {
  const l = props.load;
  if (l.status === "loading") return <p class="muted loading">Loading…</p>;
  if (l.status === "error") return <ErrorBox error={l.error} />;
  return <>{props.children(l.data)}</>;
}

/** An error message; unreachable nodes and missing routes get their own wording. */
export function ErrorBox(props: { error: Error }) {
  const e = props.error;
  if (e instanceof ApiError && e.status === 0)
    return (
      <div class="error" data-testid="unreachable">
        <b>Node unreachable.</b> {e.message}. Check that the node is running and its RPC/REST ports are open
        (add <code>?rpc=URL&amp;rest=URL</code> to the address to choose another node).
      </div>
    );
  if (e instanceof ApiError && e.missing) return <Empty>Not found: {e.message}</Empty>;
  return (
    <div class="error" data-testid="error">
      Error: {e.message}
    </div>
  );
}

/** A clear empty state. */
export function Empty(props: { children: ComponentChildren }) {
  return (
    <p class="empty" data-testid="empty">
      {props.children}
    </p>
  );
}

/** An id with a copy button; `href` makes it a link. */
export function Id(props: { value: string; href?: string | undefined; full?: boolean }) {
  const [copied, setCopied] = useState(false);
  const text = props.full ? props.value : short(props.value, 10);
  const copy = () => {
    void navigator.clipboard?.writeText(props.value).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1200);
    });
  };
  return (
    <span class="id" title={props.value}>
      {props.href ? <a href={props.href}>{text}</a> : <code>{text}</code>}
      <button type="button" class="copy" onClick={copy} aria-label="copy" title="copy">
        {copied ? (
          "✓"
        ) : (
          <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
            <path d="M5 1h9v10h-2V3H5z M2 5h8v10H2z" fill="currentColor" />
          </svg>
        )}
      </button>
    </span>
  );
}

/** A coin (`{amount, denom}`) as readable text. */
export function Coin(props: { coin: unknown }) {
  const c = (props.coin ?? {}) as { amount?: unknown; denom?: unknown };
  return (
    <span class="amount" data-amount={String(c.amount ?? "")}>
      {formatCoin(c.amount, c.denom)}
    </span>
  );
}

/** A list of coins. */
export function Coins(props: { coins: unknown }) {
  const list = Array.isArray(props.coins) ? props.coins : [];
  if (list.length === 0) return <span class="muted">0 OPEN</span>;
  return (
    <span>
      {list.map((c, i) => (
        <span key={i}>
          {i > 0 ? ", " : ""}
          <Coin coin={c} />
        </span>
      ))}
    </span>
  );
}

/** Key/value rows. */
export function KV(props: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {props.rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd data-field={k}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A section card. */
export function Card(props: { title: string; children: ComponentChildren; testid?: string }) {
  return (
    <section class="card" data-testid={props.testid}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A bar chart in inline SVG; `values` left to right. */
export function BarChart(props: { values: number[]; label: string; unit?: string; labels?: string[] }) {
  const w = 320;
  const h = 90;
  const vs = props.values;
  if (vs.length === 0) return <Empty>No data for {props.label}.</Empty>;
  const max = Math.max(...vs, 1e-9);
  const bw = Math.min(w / vs.length, 24);
  const last = vs[vs.length - 1] ?? 0;
  return (
    <figure class="chart">
      <figcaption>
        {props.label}: <b>{fmtNum(last)}</b>
        {props.unit ?? ""} (max {fmtNum(max)}
        {props.unit ?? ""})
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={props.label}>
        {vs.map((v, i) => {
          const bh = Math.max(1, (v / max) * (h - 2));
          return (
            <rect key={i} x={i * bw + 0.5} y={h - bh} width={Math.max(1, bw - 1)} height={bh}>
              <title>{`${props.labels?.[i] ?? i}: ${fmtNum(v)}${props.unit ?? ""}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}

/** A horizontal stacked bar (shares of a whole) with a legend. */
export function SplitChart(props: {
  parts: { label: string; value: bigint; text: string }[];
  name?: string;
}) {
  const total = props.parts.reduce((a, p) => a + (p.value > 0n ? p.value : 0n), 0n);
  if (total === 0n) return <Empty>Nothing to split.</Empty>;
  let x = 0;
  const colors = ["#2b6cb0", "#38a169", "#d69e2e", "#805ad5", "#e53e3e", "#319795", "#dd6b20"];
  return (
    <figure class="chart" data-testid={props.name ? `${props.name}-chart` : "split-chart"}>
      <svg viewBox="0 0 1000 40" preserveAspectRatio="none" role="img" aria-label={props.name ?? "fee split"}>
        {props.parts.map((p, i) => {
          const width = Number((p.value * 1000n) / total);
          const r = (
            <rect key={i} x={x} y={0} width={width} height={40} style={{ fill: colors[i % colors.length] }} />
          );
          x += width;
          return r;
        })}
      </svg>
      <ul class="legend">
        {props.parts.map((p, i) => (
          <li key={i}>
            <i style={{ background: colors[i % colors.length] }} /> {p.label}: {p.text} (
            {Number((p.value * 10000n) / total) / 100}%)
          </li>
        ))}
      </ul>
    </figure>
  );
}

function fmtNum(v: number): string {
  if (v === 0) return "0";
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return Math.abs(v) >= 0.01 ? v.toFixed(2) : v.toPrecision(3);
}

/** Table of rows with headers. */
export function Table(props: { head: string[]; rows: ComponentChildren[][]; testid?: string }) {
  return (
    <div class="table-wrap">
      <table data-testid={props.testid}>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} data-label={props.head[j]}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Pretty JSON for anything the explorer has no dedicated view for. */
export function Json(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}
