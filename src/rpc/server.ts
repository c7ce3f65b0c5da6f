/**
 * The CometBFT 0.38 JSON-RPC server on `node:http`: `POST /` JSON-RPC 2.0 (single and batch),
 * `GET /<method>?k=v` (URI form), `GET /` listing the methods. Transport behaviour follows
 * `rpc/jsonrpc/server`: body limit (400), batch limit, parse errors (500), per-request errors in a
 * 200 reply, URI errors as 500, unknown paths 404. Hostile input gets a coded error, never a crash.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventBus } from "../events/bus.js";
import { dispatch, toRpcError } from "./dispatch.js";
import type { RpcEnv } from "./env.js";
import { type Envelope, errorEnvelope, resultEnvelope, toEnvelope } from "./envelope.js";
import { internalError, invalidRequest, parseError, RpcErrorCode, rateLimited } from "./errors.js";
import { type Json, type JsonObject, parseJson, stringifyJson } from "./json.js";
import { type Args, argsFromUri } from "./params.js";
import { DEFAULT_RATE_LIMIT_PER_SECOND, RateLimiter } from "./rateLimit.js";
import { GenesisCache, isCacheable, isRpcMethod, ROUTES, type Route, type RouteContext } from "./routes.js";
import { WebsocketEndpoint, type WebsocketOptions } from "./websocket.js";

// ---------------------------------------------------------------------------------------------
// Constants

/** Default largest request body (CometBFT `max_body_bytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/** Default most requests per batch (CometBFT `max_request_batch_size`). */
export const DEFAULT_MAX_BATCH = 10;

/** Default most simultaneous connections (CometBFT `max_open_connections`). */
export const DEFAULT_MAX_OPEN_CONNECTIONS = 900;

/** Default time to receive a whole request (CometBFT's read timeout). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Default `broadcast_tx_commit` wait (CometBFT `timeout_broadcast_tx_commit`). */
export const DEFAULT_TIMEOUT_BROADCAST_TX_COMMIT_MS = 10_000;

/** Id of responses to URI (`GET /<method>`) requests, as CometBFT. */
const URI_REQUEST_ID = -1;

const JSON_HEADERS = { "Content-Type": "application/json" };
const CACHE_HEADER = { "Cache-Control": "public, max-age=86400" };
const CORS_METHODS = "HEAD, GET, POST";
const CORS_HEADERS = "Origin, Accept, Content-Type, X-Requested-With, X-Server-Time";

// ---------------------------------------------------------------------------------------------
// Types

/** Server options; all but `laddr` have CometBFT's defaults. */
export interface RpcServerOptions {
  /** Listen address, `tcp://host:port` (port 0 picks a free port). */
  laddr: string;
  maxBodyBytes?: number;
  /** Most requests in one batch; 0 = unlimited. */
  maxBatch?: number;
  /** Most simultaneous connections; 0 = unlimited. */
  maxOpenConnections?: number;
  /** Time allowed to receive a request. */
  timeoutMs?: number;
  timeoutBroadcastTxCommitMs?: number;
  /** Origins allowed by CORS (`*` for any); empty disables CORS headers. */
  corsAllowedOrigins?: string[];
  /** Called with failures the server absorbed (broken handlers, socket errors). */
  onError?: (err: unknown) => void;
  /** The node's event bus for WebSocket `subscribe`; without it subscribing is an error. */
  eventBus?: EventBus;
  /** WebSocket limits (message size defaults to `maxBodyBytes`). */
  websocket?: Partial<WebsocketOptions>;
  /** Per-IP calls per second (token bucket); 0 disables. Default `DEFAULT_RATE_LIMIT_PER_SECOND`. */
  rateLimitPerSecond?: number;
  /** Per-IP burst; default twice the rate. */
  rateLimitBurst?: number;
  /** Called after every call (HTTP, URI or WebSocket): method (`unknown` for unknown ones), seconds, ok. */
  onCall?: (method: string, seconds: number, ok: boolean) => void;
}

/** Outcome of reading a body. */
type BodyResult = { ok: true; body: Buffer } | { ok: false; error: string; destroy: boolean };

// ---------------------------------------------------------------------------------------------
// Server

/** A running JSON-RPC server. */
/** Methods a JSON-RPC batch may run concurrently (see `handleJsonRpc`). */
const CONCURRENT_METHODS: ReadonlySet<string> = new Set(["broadcast_tx_sync", "broadcast_tx_async"]);

export class RpcServer {
  private readonly ctx: RouteContext;
  private readonly maxBodyBytes: number;
  private readonly maxBatch: number;
  private readonly cors: string[];
  private readonly limiter: RateLimiter;
  private readonly ws: WebsocketEndpoint;
  private bound = { host: "", port: 0 };

  private constructor(
    private readonly server: Server,
    private readonly options: RpcServerOptions,
    env: RpcEnv,
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.cors = options.corsAllowedOrigins ?? [];
    this.ctx = {
      env,
      rpcAddress: options.laddr,
      timeoutBroadcastTxCommitMs:
        options.timeoutBroadcastTxCommitMs ?? DEFAULT_TIMEOUT_BROADCAST_TX_COMMIT_MS,
      genesis: new GenesisCache(() => env.genesisJson()),
    };
    this.limiter = new RateLimiter(
      options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND,
      options.rateLimitBurst,
    );
    this.ws = new WebsocketEndpoint(
      { maxMessageBytes: this.maxBodyBytes, ...options.websocket },
      {
        ctx: this.ctx,
        bus: options.eventBus,
        limiter: this.limiter,
        onCall: (m, secs, ok) => this.called(m, secs, ok),
        report: (e) => this.report(e),
      },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Bind `options.laddr` and serve `env`. */
  static async start(options: RpcServerOptions, env: RpcEnv): Promise<RpcServer> {
    const { host, port } = parseLaddr(options.laddr);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const server = createServer({
      maxHeaderSize: 1 << 20,
      requestTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      // how often request timeouts are enforced (Node's default, 30 s, would let slow clients linger)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeoutMs / 2))),
    });
    server.maxConnections = options.maxOpenConnections ?? DEFAULT_MAX_OPEN_CONNECTIONS;
    if (server.maxConnections === 0) server.maxConnections = Number.POSITIVE_INFINITY;
    const rpc = new RpcServer(server, options, env);
    server.on("request", (req, res) => rpc.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => rpc.ws.handleUpgrade(req, socket, head));
    server.on("clientError", (err, socket) => {
      const timedOut = (err as NodeJS.ErrnoException).code === "ERR_HTTP_REQUEST_TIMEOUT";
      const status = timedOut ? "408 Request Timeout" : "400 Bad Request";
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
      rpc.report(err);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => rpc.report(err));
    void rpc.address; // remember the bound address for after close()
    return rpc;
  }

  /** The bound address (the real port when `laddr` asked for port 0). */
  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a !== null && typeof a === "object") this.bound = { host: a.address, port: (a as AddressInfo).port };
    return { ...this.bound };
  }

  /** The underlying HTTP server, for the WebSocket endpoint to attach its `upgrade` handler. */
  get httpServer(): Server {
    return this.server;
  }

  /** The route context (env, genesis cache, timeouts), for the WebSocket endpoint's dispatch. */
  get context(): RouteContext {
    return this.ctx;
  }

  /** `http://host:port` of the bound address. */
  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /** Open WebSocket connections. */
  get websocketConnections(): number {
    return this.ws.connections;
  }

  /** Stop accepting, drop open connections, resolve when closed. */
  async close(): Promise<void> {
    this.ws.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Handlers

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((err: unknown) => {
      this.report(err);
      const body = errorEnvelope(URI_REQUEST_ID, internalError(errorText(err)));
      this.send(res, 500, body, {});
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on("error", (err) => this.report(err));
    res.setHeader("X-Server-Time", String(Math.floor(Date.now() / 1000)));
    if (this.applyCors(req, res)) return;

    if (!this.limiter.take(req.socket.remoteAddress ?? "")) {
      req.resume();
      this.send(res, 429, errorEnvelope(undefined, rateLimited()), { Connection: "close" });
      this.called("rate_limited", 0, false);
      return;
    }

    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      this.sendText(res, 400, "400 Bad Request\n");
      return;
    }

    const body = await readBody(req, this.maxBodyBytes);
    if (!body.ok) {
      const err = invalidRequest(`error reading request body: ${body.error}`);
      this.send(res, 400, errorEnvelope(undefined, err), { Connection: "close" });
      if (body.destroy) res.on("finish", () => req.socket.destroy());
      return;
    }

    const path = url.pathname;
    if (path === "/") {
      await this.handleJsonRpc(req, res, body.body);
      return;
    }
    const method = path.slice(1);
    if (isRpcMethod(method)) {
      await this.handleUri(res, method, ROUTES[method], url.searchParams);
      return;
    }
    this.sendText(res, 404, "404 page not found\n");
  }

  /** `POST /`: one request or a batch. */
  private async handleJsonRpc(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (body.length === 0) {
      this.sendHtml(res, endpointList(req.headers.host ?? "localhost"));
      return;
    }
    let parsed: Json;
    try {
      parsed = parseJson(body.toString("utf8"));
    } catch (e) {
      this.send(res, 500, errorEnvelope(undefined, parseError(errorText(e))), {});
      return;
    }
    if (Array.isArray(parsed) && this.maxBatch > 0 && parsed.length > this.maxBatch) {
      const err = invalidRequest(
        `batch request exceeds maximum (${this.maxBatch}) allowed number of requests`,
      );
      this.send(res, 200, errorEnvelope(undefined, err), {});
      return;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const envelopes: Envelope[] = [];
    for (const item of items) {
      const env = toEnvelope(item);
      if (typeof env === "string") {
        this.send(res, 500, errorEnvelope(undefined, parseError(env)), {});
        return;
      }
      envelopes.push(env);
    }

    let cache = true;
    const replies: JsonObject[] = [];
    // A batch of only broadcasts starts every call at once: each reaches the mempool synchronously, so
    // CheckTx order is still the batch order, while the mempool pre-verifies their signatures together
    // (one message to the verifier thread instead of one per tx). Other batches run call by call.
    const early =
      envelopes.length > 1 && envelopes.every((e) => CONCURRENT_METHODS.has(e.method))
        ? envelopes.map((env) =>
            env.id === undefined
              ? undefined
              : dispatch(this.ctx, env.method, env.params, (e) => this.report(e)),
          )
        : undefined;
    for (let i = 0; i < envelopes.length; i++) {
      const env = envelopes[i]!;
      if (env.id === undefined) continue; // notification: no reply
      const started = performance.now();
      const out = await (early?.[i] ?? dispatch(this.ctx, env.method, env.params, (e) => this.report(e)));
      const known = out.ok || out.error.code !== RpcErrorCode.MethodNotFound;
      this.called(known ? env.method : "unknown", (performance.now() - started) / 1000, out.ok);
      if (out.ok) {
        replies.push(resultEnvelope(env.id, out.result));
        if (!out.cacheable) cache = false;
      } else {
        replies.push(errorEnvelope(env.id, out.error));
        cache = false;
      }
    }
    if (replies.length === 0) {
      this.sendRaw(res, 200, "", {});
      return;
    }
    const payload: Json = replies.length === 1 ? (replies[0] as JsonObject) : replies;
    this.send(res, 200, payload, cache ? CACHE_HEADER : {});
  }

  /** `GET /<method>?k=v`: URI-form call. */
  private async handleUri(
    res: ServerResponse,
    method: string,
    route: Route,
    query: URLSearchParams,
  ): Promise<void> {
    const started = performance.now();
    let ok = false;
    try {
      ok = await this.handleUriCall(res, route, query);
    } finally {
      this.called(method, (performance.now() - started) / 1000, ok);
    }
  }

  private async handleUriCall(res: ServerResponse, route: Route, query: URLSearchParams): Promise<boolean> {
    let args: Args;
    try {
      args = argsFromUri(route.params, query);
    } catch (e) {
      const err = toRpcError(e, RpcErrorCode.InvalidParams, (x) => this.report(x));
      this.send(res, 500, errorEnvelope(URI_REQUEST_ID, err), {});
      return false;
    }
    let result: Json;
    try {
      result = await route.handler(this.ctx, args);
    } catch (e) {
      const err = toRpcError(e, RpcErrorCode.InternalError, (x) => this.report(x));
      this.send(res, 500, errorEnvelope(URI_REQUEST_ID, err), {});
      return false;
    }
    this.send(res, 200, resultEnvelope(URI_REQUEST_ID, result), isCacheable(route, args) ? CACHE_HEADER : {});
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Private

  /** Set CORS headers; answer a preflight. True when the request was fully answered. */
  private applyCors(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.cors.length === 0) return false;
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (this.cors.includes("*") || this.cors.includes(origin));
    if (allowed) {
      res.setHeader("Access-Control-Allow-Origin", this.cors.includes("*") ? "*" : origin);
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      if (allowed) {
        res.setHeader("Access-Control-Allow-Methods", CORS_METHODS);
        res.setHeader("Access-Control-Allow-Headers", CORS_HEADERS);
      }
      req.resume();
      this.sendRaw(res, 204, "", {});
      return true;
    }
    return false;
  }

  private send(res: ServerResponse, status: number, payload: Json, headers: Record<string, string>): void {
    this.sendRaw(res, status, stringifyJson(payload), { ...JSON_HEADERS, ...headers });
  }

  private sendText(res: ServerResponse, status: number, text: string): void {
    this.sendRaw(res, status, text, { "Content-Type": "text/plain; charset=utf-8" });
  }

  private sendHtml(res: ServerResponse, html: string): void {
    this.sendRaw(res, 200, html, { "Content-Type": "text/html" });
  }

  private sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  private called(method: string, seconds: number, ok: boolean): void {
    try {
      this.options.onCall?.(method, seconds, ok);
    } catch {
      // a broken metrics hook must not break the server
    }
  }

  private report(err: unknown): void {
    try {
      this.options.onError?.(err);
    } catch {
      // a broken logger must not break the server
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Split `tcp://host:port` (also `host:port`); throws on anything else. */
export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]*):(\d{1,5})$/.exec(laddr);
  if (m === null) {
    throw new Error(
      `invalid listening address ${laddr} (use fully formed addresses, including the tcp:// prefix)`,
    );
  }
  const rawHost = m[1] ?? "";
  const host = rawHost.startsWith("[") ? rawHost.slice(1, -1) : rawHost === "" ? "0.0.0.0" : rawHost;
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in ${laddr}`);
  return { host, port };
}

/** Read a request body up to `max` bytes; past it, drain a bounded amount then report. */
function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  const hardCap = Math.max(4 * max, max + 4_000_000);
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (Number.isFinite(declared) && declared > hardCap) {
      req.resume();
      resolve({ ok: false, error: "http: request body too large", destroy: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else if (size > hardCap) {
        req.pause();
        finish({ ok: false, error: "http: request body too large", destroy: true });
      }
    });
    req.on("end", () => {
      if (size > max) finish({ ok: false, error: "http: request body too large", destroy: false });
      else finish({ ok: true, body: Buffer.concat(chunks, size) });
    });
    req.on("error", (err) => finish({ ok: false, error: err.message, destroy: true }));
    req.on("close", () => finish({ ok: false, error: "unexpected EOF", destroy: true }));
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** CometBFT's HTML list of endpoints (`writeListOfEndpoints`). */
function endpointList(host: string): string {
  const names = Object.keys(ROUTES).sort() as (keyof typeof ROUTES)[];
  const h = escapeHtml(host);
  let html = "<html><body><br>Available endpoints:<br>";
  for (const name of names.filter((n) => ROUTES[n].params.length === 0)) {
    const link = `//${h}/${name}`;
    html += `<a href="${link}">${link}</a></br>`;
  }
  html += "<br>Endpoints that require arguments:<br>";
  for (const name of names.filter((n) => ROUTES[n].params.length > 0)) {
    const link = `//${h}/${name}?${ROUTES[name].params.map((p) => `${p.name}=_`).join("&")}`;
    html += `<a href="${link}">${link}</a></br>`;
  }
  return `${html}</body></html>`;
}
