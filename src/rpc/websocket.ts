/**
 * The WebSocket endpoint (`/websocket`, CometBFT `rpc/jsonrpc/server/ws_handler.go`) on the RPC's
 * HTTP server: every JSON-RPC method as over HTTP (through `dispatch`), plus `subscribe {query}`,
 * `unsubscribe {query}` and `unsubscribe_all` on the node's event bus. Events are pushed with the
 * subscribe request's id as `result{query, data, events}`.
 *
 * Bounds: message size (`maxMessageBytes`: larger frames get -32600, much larger ones close the
 * socket), at most `writeBufferSize` replies/events not yet flushed to the socket per connection (past
 * it the connection stops reading requests and stops draining its subscriptions, whose buffers then
 * overflow and are cancelled with "client is not pulling messages fast enough"), a hard cap of
 * unsent bytes past which the client is dropped, ping every `pingIntervalMs` (no pong by the next
 * ping: dropped), per-IP rate limit per message, the bus's client/subscription limits.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { ERR_OUT_OF_CAPACITY, ERR_UNSUBSCRIBED, type EventBus, type Subscription } from "../events/bus.js";
import { CodedError } from "../types/errors.js";
import { dispatch } from "./dispatch.js";
import { errorEnvelope, resultEnvelope, toEnvelope } from "./envelope.js";
import {
  internalError,
  invalidRequest,
  parseError,
  type RpcError,
  RpcErrorCode,
  rateLimited,
  serverError,
} from "./errors.js";
import { eventResponseText } from "./eventEncoding.js";
import { type Json, parseJson, stringifyJson } from "./json.js";
import { argsFromJson, type ParamSpec } from "./params.js";
import type { RateLimiter } from "./rateLimit.js";
import type { RouteContext } from "./routes.js";

/** The endpoint's path. */
export const WEBSOCKET_PATH = "/websocket";
/** Default ping period (CometBFT's `pingPeriod`, 9/10 of the 30 s read wait). */
export const DEFAULT_PING_INTERVAL_MS = 27_000;
/** Default replies/events in flight per connection (CometBFT `experimental_websocket_write_buffer_size`). */
export const DEFAULT_WRITE_BUFFER_SIZE = 200;
/** Default most unsent bytes per connection before it is dropped. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Requests read but not yet answered past which a connection stops reading. */
const MAX_QUEUED_REQUESTS = 16;
/** Requests read past which the connection is closed (frames arriving after a pause). */
const HARD_MAX_QUEUED_REQUESTS = 256;

const SUBSCRIBE_PARAMS: readonly ParamSpec[] = [{ name: "query", kind: "string" }];

/** WebSocket options; all have defaults. */
export interface WebsocketOptions {
  /** Largest message answered (larger: -32600); 4× this closes the socket (1009). */
  maxMessageBytes: number;
  pingIntervalMs?: number;
  writeBufferSize?: number;
  maxBufferedBytes?: number;
  /** Close the connection when one of its subscriptions is cancelled for being slow. */
  closeOnSlowClient?: boolean;
  /** Most simultaneous WebSocket connections; 0 = unlimited (the HTTP connection limit still holds). */
  maxConnections?: number;
}

/** What the endpoint needs from the RPC server. */
export interface WebsocketDeps {
  ctx: RouteContext;
  bus: EventBus | undefined;
  limiter: RateLimiter;
  /** A call finished (for metrics): method (or `unknown`), duration, success. */
  onCall: (method: string, seconds: number, ok: boolean) => void;
  report: (err: unknown) => void;
}

/** The `/websocket` endpoint: attach with `handleUpgrade` from the HTTP server's `upgrade` event. */
export class WebsocketEndpoint {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<WsConnection>();
  private readonly opts: Required<WebsocketOptions>;

  /** An endpoint over `deps` with `options`. */
  constructor(
    options: WebsocketOptions,
    private readonly deps: WebsocketDeps,
  ) {
    this.opts = {
      maxMessageBytes: options.maxMessageBytes,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      writeBufferSize: Math.max(1, options.writeBufferSize ?? DEFAULT_WRITE_BUFFER_SIZE),
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      closeOnSlowClient: options.closeOnSlowClient ?? false,
      maxConnections: options.maxConnections ?? 0,
    };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.opts.maxMessageBytes * 4,
      perMessageDeflate: false,
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.conns.size;
  }

  /** Handle an HTTP upgrade; answers 404/429/503 for wrong paths and violated limits. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", (e) => this.deps.report(e));
    const path = (req.url ?? "/").split("?")[0];
    if (path !== WEBSOCKET_PATH) {
      rejectUpgrade(socket, "404 Not Found", "404 page not found\n");
      return;
    }
    const ip = req.socket.remoteAddress ?? "";
    if (!this.deps.limiter.take(ip)) {
      rejectUpgrade(socket, "429 Too Many Requests", "rate limit exceeded\n");
      return;
    }
    if (this.opts.maxConnections > 0 && this.conns.size >= this.opts.maxConnections) {
      rejectUpgrade(socket, "503 Service Unavailable", "too many websocket connections\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const id = `${ip}:${req.socket.remotePort ?? 0}`;
      const conn = new WsConnection(ws, id, ip, this.opts, this.deps, () => this.conns.delete(conn));
      this.conns.add(conn);
    });
  }

  /** Close every connection. */
  close(): void {
    for (const c of this.conns) c.terminate();
    this.conns.clear();
    this.wss.close();
  }
}

/** One client connection. */
class WsConnection {
  private readonly pumps = new Map<Subscription, string | number>();
  private readonly requests: RawData[] = [];
  private outstanding = 0;
  private processing = false;
  private paused = false;
  private alive = true;
  private closed = false;
  private pumpScheduled = false;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly clientId: string,
    private readonly ip: string,
    private readonly opts: Required<WebsocketOptions>,
    private readonly deps: WebsocketDeps,
    private readonly onClosed: () => void,
  ) {
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("error", (e) => this.deps.report(e));
    ws.on("close", () => this.cleanup());
    this.pingTimer = setInterval(() => this.ping(), opts.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Drop the connection now. */
  terminate(): void {
    this.ws.terminate();
    this.cleanup();
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  private onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (this.closed) return;
    if (isBinary) {
      this.sendError(undefined, invalidRequest("binary messages are not supported"));
      return;
    }
    this.requests.push(data);
    if (this.requests.length > HARD_MAX_QUEUED_REQUESTS) {
      this.ws.close(1008, "too many pending requests");
      this.cleanup();
      return;
    }
    this.flowControl();
    void this.processQueue();
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let raw = this.requests.shift(); raw !== undefined && !this.closed; raw = this.requests.shift()) {
        await this.handle(raw);
        this.flowControl();
      }
    } catch (e) {
      this.deps.report(e);
    } finally {
      this.processing = false;
    }
  }

  private async handle(raw: RawData): Promise<void> {
    const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (bytes.length > this.opts.maxMessageBytes) {
      this.sendError(undefined, invalidRequest("error reading request body: message too large"));
      return;
    }
    if (!this.deps.limiter.take(this.ip)) {
      this.sendError(undefined, rateLimited());
      return;
    }
    let parsed: Json;
    try {
      parsed = parseJson(bytes.toString("utf8"));
    } catch (e) {
      this.sendError(undefined, parseError(e instanceof Error ? e.message : String(e)));
      return;
    }
    const env = toEnvelope(parsed);
    if (typeof env === "string") {
      this.sendError(undefined, parseError(env));
      return;
    }
    if (env.id === undefined) return; // notification: CometBFT skips it
    const started = performance.now();
    let out: { ok: true; result: Json } | { ok: false; error: RpcError };
    switch (env.method) {
      case "subscribe":
        out = this.subscribe(env.id, env.params);
        break;
      case "unsubscribe":
        out = this.unsubscribe(env.params);
        break;
      case "unsubscribe_all":
        out = this.unsubscribeAll();
        break;
      default:
        out = await dispatch(this.deps.ctx, env.method, env.params, (e) => this.deps.report(e));
    }
    const known = out.ok || out.error.code !== RpcErrorCode.MethodNotFound;
    this.deps.onCall(known ? env.method : "unknown", (performance.now() - started) / 1000, out.ok);
    if (out.ok) this.send(stringifyJson(resultEnvelope(env.id, out.result)));
    else this.sendError(env.id, out.error);
    if (env.method === "subscribe" && out.ok) this.schedulePump();
  }

  // -------------------------------------------------------------------------------------------
  // Subscriptions

  private subscribe(
    id: string | number,
    params: Json | undefined,
  ): { ok: true; result: Json } | { ok: false; error: RpcError } {
    const bus = this.deps.bus;
    if (bus === undefined) return { ok: false, error: internalError("event bus is not available") };
    let query: string;
    try {
      query = argsFromJson(SUBSCRIBE_PARAMS, params).str("query") ?? "";
    } catch (e) {
      return { ok: false, error: e as RpcError };
    }
    let sub: Subscription;
    try {
      sub = bus.subscribe(this.clientId, query);
    } catch (e) {
      return { ok: false, error: internalError(errorText(e)) };
    }
    this.pumps.set(sub, id);
    sub.onReady(() => this.schedulePump());
    return { ok: true, result: {} };
  }

  private unsubscribe(params: Json | undefined): { ok: true; result: Json } | { ok: false; error: RpcError } {
    const bus = this.deps.bus;
    if (bus === undefined) return { ok: false, error: internalError("event bus is not available") };
    try {
      const query = argsFromJson(SUBSCRIBE_PARAMS, params).str("query") ?? "";
      bus.unsubscribe(this.clientId, query);
    } catch (e) {
      if (e instanceof CodedError) return { ok: false, error: internalError(e.message) };
      return { ok: false, error: e as RpcError };
    }
    return { ok: true, result: {} };
  }

  private unsubscribeAll(): { ok: true; result: Json } | { ok: false; error: RpcError } {
    const bus = this.deps.bus;
    if (bus === undefined) return { ok: false, error: internalError("event bus is not available") };
    try {
      bus.unsubscribeAll(this.clientId);
    } catch (e) {
      return { ok: false, error: internalError(errorText(e)) };
    }
    return { ok: true, result: {} };
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Move buffered events to the socket while the write buffer has room; report cancellations. */
  private pump(): void {
    if (this.closed) return;
    for (const [sub, id] of this.pumps) {
      while (this.outstanding < this.opts.writeBufferSize) {
        const m = sub.take();
        if (m === undefined) break;
        this.send(eventResponseText(id, sub.query, m));
        if (this.closed) return;
      }
      if (sub.canceled) {
        this.pumps.delete(sub);
        sub.onReady(undefined);
        this.deps.bus?.remove(sub);
        const reason = sub.err;
        if (reason !== ERR_UNSUBSCRIBED) {
          const err = serverError(`subscription was canceled (reason: ${reason})`);
          this.send(stringifyJson(errorEnvelope(id, err)));
          if (reason === ERR_OUT_OF_CAPACITY && this.opts.closeOnSlowClient) {
            this.ws.close(1008, "client is not pulling messages fast enough");
            this.cleanup();
            return;
          }
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Writing

  private sendError(id: string | number | undefined, err: RpcError): void {
    this.send(stringifyJson(errorEnvelope(id, err)));
  }

  private send(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.outstanding++;
    this.ws.send(text, (err) => {
      this.outstanding--;
      if (err !== undefined && err !== null) return;
      this.flowControl();
      if (this.pumps.size > 0) this.schedulePump();
    });
    if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.deps.report(new Error(`websocket client ${this.clientId} dropped: too slow`));
      this.terminate();
    }
  }

  /** Stop reading while replies pile up or requests queue; resume when both drain. */
  private flowControl(): void {
    if (this.closed) return;
    const busy = this.outstanding >= this.opts.writeBufferSize || this.requests.length >= MAX_QUEUED_REQUESTS;
    if (busy && !this.paused) {
      this.paused = true;
      this.ws.pause();
    } else if (!busy && this.paused) {
      this.paused = false;
      this.ws.resume();
    }
  }

  private ping(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch (e) {
      this.deps.report(e);
    }
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.requests.length = 0;
    for (const sub of this.pumps.keys()) sub.onReady(undefined);
    this.pumps.clear();
    const bus = this.deps.bus;
    if (bus !== undefined && bus.numClientSubscriptions(this.clientId) > 0) {
      try {
        bus.unsubscribeAll(this.clientId);
      } catch {
        // already gone
      }
    }
    this.onClosed();
  }
}

function rejectUpgrade(socket: Duplex, status: string, body: string): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
