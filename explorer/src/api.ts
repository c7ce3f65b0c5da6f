/**
 * The explorer's only link to a node: the public CometBFT JSON-RPC (blocks, txs, validators, mempool,
 * the `/websocket` subscription) and the Cosmos REST gateway (accounts, staking, datanets, models, …).
 *
 * Where the node is: `?rpc=URL&rest=URL` in the page address, else `./config.json` (written by
 * `openledgerd explorer`), else the REST gateway is the page's own origin (the node serves the app at
 * `:1317/explorer/`) and the RPC address is read from its `node_info`, else same host `:26657`.
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** Where the node's APIs are. */
export interface Endpoints {
  rpc: string;
  rest: string;
}

/** A failed request: `status` 0 means the node was unreachable. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  /** The route does not exist on this node (module not installed). */
  get missing(): boolean {
    return this.status === 404 || this.status === 501;
  }
}

/** Loosely typed JSON as returned by the node. */
export type J = { [k: string]: unknown };

let endpoints: Endpoints = { rpc: "", rest: "" };

function trimSlash(s: string): string {
  return s.replace(/\/+$/, "");
}

function absolute(u: string): string {
  return trimSlash(new URL(u, location.href).href);
}

/** Turn `tcp://0.0.0.0:26657` into an http URL reachable from this page. */
export function rpcFromLaddr(laddr: string, pageHost: string): string | undefined {
  const m = /^(?:tcp|http|https):\/\/([^/]+?):(\d+)/.exec(laddr);
  if (!m) return undefined;
  let host = m[1] ?? "";
  if (host === "0.0.0.0" || host === "[::]" || host === "::") host = pageHost;
  return `http://${host}:${m[2]}`;
}

/** Find the node's endpoints (see the module comment). */
export async function discover(): Promise<Endpoints> {
  const q = new URLSearchParams(location.search);
  let rpc = q.get("rpc") ?? undefined;
  let rest = q.get("rest") ?? undefined;
  if (rpc === undefined || rest === undefined) {
    try {
      const r = await fetch("./config.json", { cache: "no-store" });
      if (r.ok) {
        const c = (await r.json()) as Partial<Endpoints>;
        rpc ??= c.rpc;
        rest ??= c.rest;
      }
    } catch {
      // no config file: served by the node itself
    }
  }
  rest ??= location.origin;
  if (rpc === undefined) {
    try {
      const info = await getJson<J>(`${absolute(rest)}/cosmos/base/tendermint/v1beta1/node_info`);
      const other = (info["default_node_info"] as J | undefined)?.["other"] as J | undefined;
      const laddr = other?.["rpc_address"];
      if (typeof laddr === "string") rpc = rpcFromLaddr(laddr, location.hostname);
    } catch {
      // fall through to the default port
    }
  }
  rpc ??= `${location.protocol}//${location.hostname}:26657`;
  endpoints = { rpc: absolute(rpc), rest: absolute(rest) };
  return endpoints;
}

/** The endpoints in use. */
export function current(): Endpoints {
  return endpoints;
}

async function getJson<T>(url: string): Promise<T> {
  let r: Response;
  try {
    r = await fetch(url, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(`node unreachable (${new URL(url).origin})`, 0);
  }
  let body: unknown;
  try {
    body = await r.json();
  } catch {
    throw new ApiError(`bad response from ${new URL(url).pathname} (HTTP ${r.status})`, r.status);
  }
  if (!r.ok) {
    const msg = (body as J | null)?.["message"];
    throw new ApiError(typeof msg === "string" ? msg : `HTTP ${r.status}`, r.status);
  }
  return body as T;
}

/** GET a REST gateway path (`/cosmos/...`, `/openledger/...`). */
export async function rest<T = J>(path: string, params: Record<string, string | number> = {}): Promise<T> {
  const u = new URL(endpoints.rest + path);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return await getJson<T>(u.href);
}

/** GET a REST path; `undefined` when the route or the object does not exist. */
export async function restMaybe<T = J>(
  path: string,
  params: Record<string, string | number> = {},
): Promise<T | undefined> {
  try {
    return await rest<T>(path, params);
  } catch (e) {
    if (e instanceof ApiError && (e.missing || e.status === 400)) return undefined;
    throw e;
  }
}

let rpcId = 0;

/** Call a JSON-RPC method; JSON-RPC errors become ApiError (status 404 for "not found"-like). */
export async function rpc<T = J>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  let r: Response;
  try {
    r = await fetch(endpoints.rpc, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    });
  } catch {
    throw new ApiError(`node unreachable (${endpoints.rpc})`, 0);
  }
  const body = (await r.json().catch(() => ({}))) as {
    result?: T;
    error?: { message?: string; data?: string };
  };
  if (body.error) {
    const text = `${body.error.message ?? "error"}${body.error.data ? `: ${body.error.data}` : ""}`;
    throw new ApiError(text, /not found|must be less|height \d+ is not available/i.test(text) ? 404 : 500);
  }
  if (body.result === undefined) throw new ApiError(`bad RPC response (HTTP ${r.status})`, r.status);
  return body.result;
}

/** Subscribe to `tm.event='NewBlock'`; calls `onBlock(height)`; returns a stop function. Reconnects. */
export function subscribeBlocks(
  onBlock: (height: number) => void,
  onState?: (live: boolean) => void,
): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    if (stopped) return;
    const url = endpoints.rpc.replace(/^http/, "ws") + "/websocket";
    try {
      ws = new WebSocket(url);
    } catch {
      timer = setTimeout(open, 3000);
      return;
    }
    ws.onopen = () => {
      onState?.(true);
      ws?.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: "blocks",
          method: "subscribe",
          params: { query: "tm.event='NewBlock'" },
        }),
      );
    };
    ws.onmessage = (ev) => {
      try {
        const msg = JSON.parse(String(ev.data)) as { result?: { data?: { value?: J } } };
        const block = msg.result?.data?.value?.["block"] as J | undefined;
        const h = Number((block?.["header"] as J | undefined)?.["height"]);
        if (Number.isFinite(h) && h > 0) onBlock(h);
      } catch {
        // ignore malformed frames
      }
    };
    ws.onclose = () => {
      onState?.(false);
      if (!stopped) timer = setTimeout(open, 3000);
    };
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    ws?.close();
  };
}

/** sha256 of base64 tx bytes as upper-case hex (the tx hash; works without a secure context). */
export function txHash(b64: string): string {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const d = sha256(bytes);
  return Array.from(d, (b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}
