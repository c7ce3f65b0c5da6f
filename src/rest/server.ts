/**
 * The REST gateway's HTTP server (`[api]` of app.toml, port 1317): routes derived from the protos,
 * `GET /openapi.json`, `GET /swagger` (a small page over the same document), CORS when enabled, a
 * body-size limit, request timeouts and a connection cap. Every failure is a grpc-gateway JSON error;
 * nothing a client sends can crash the node.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseLaddr } from "../config/config.js";
import { handleExplorerRequest } from "../explorer/static.js";
import { GrpcCode, RestError } from "./errors.js";
import { HEIGHT_HEADER, type RestGateway } from "./gateway.js";
import type { Json } from "./json.js";
import { buildOpenApi } from "./openapi.js";

/** Default largest request body. */
export const DEFAULT_REST_MAX_BODY_BYTES = 1_000_000;
/** Default time to receive a whole request. */
export const DEFAULT_REST_TIMEOUT_MS = 10_000;
/** Default most simultaneous connections. */
export const DEFAULT_REST_MAX_OPEN_CONNECTIONS = 1000;

/** Server options; all but `address` have defaults. */
export interface RestServerOptions {
  /** `tcp://host:port` (port 0 picks a free port). */
  address: string;
  maxBodyBytes?: number;
  timeoutMs?: number;
  maxOpenConnections?: number;
  /** Send CORS headers (`enabled-unsafe-cors`). */
  enableCors?: boolean;
  /** Allowed origins when CORS is on; empty or `*` allows any. */
  corsAllowedOrigins?: string[];
  /** Title/version of the OpenAPI document. */
  openApiInfo?: { title: string; version: string };
  /** Failures the server absorbed (socket errors, broken handlers). */
  onError?: (err: unknown) => void;
}

const CORS_METHODS = "GET, POST, OPTIONS";
const CORS_HEADERS = "Origin, Accept, Content-Type, X-Requested-With, X-Cosmos-Block-Height";

/** A running REST gateway server. */
export class RestServer {
  private bound = { host: "", port: 0 };
  private openApiText: string | undefined;

  private constructor(
    private readonly server: Server,
    private readonly gateway: RestGateway,
    private readonly options: RestServerOptions,
  ) {}

  /** Bind `options.address` and serve `gateway`. */
  static async start(options: RestServerOptions, gateway: RestGateway): Promise<RestServer> {
    const { host, port } = parseLaddr(options.address, "api.address");
    const timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
    const server = createServer({
      maxHeaderSize: 64 * 1024,
      requestTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeoutMs / 2))),
    });
    server.maxConnections = options.maxOpenConnections ?? DEFAULT_REST_MAX_OPEN_CONNECTIONS;
    const rest = new RestServer(server, gateway, options);
    server.on("request", (req, res) => {
      rest.onRequest(req, res).catch((e: unknown) => {
        rest.report(e);
        if (!res.headersSent) rest.sendError(req, res, new RestError(GrpcCode.Internal, "internal error"));
        else res.destroy();
      });
    });
    server.on("clientError", (err, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
      rest.report(err);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => rest.report(err));
    void rest.address;
    return rest;
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a !== null && typeof a === "object") this.bound = { host: a.address, port: (a as AddressInfo).port };
    return { ...this.bound };
  }

  /** `http://host:port`. */
  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /** Stop accepting, drop connections, resolve when closed. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Handlers

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.setCors(req, res);
    const verb = req.method ?? "GET";
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      this.sendError(req, res, new RestError(GrpcCode.InvalidArgument, "malformed URL"));
      return;
    }
    if (verb === "OPTIONS") {
      res.writeHead(this.options.enableCors ? 204 : 405, { "Content-Length": "0" });
      res.end();
      return;
    }
    const path = url.pathname;
    if (verb === "GET" || verb === "HEAD") {
      if (path === "/openapi.json" || path === "/swagger/openapi.json") {
        this.sendText(req, res, 200, "application/json", this.openApi());
        return;
      }
      if (path === "/swagger" || path === "/swagger/") {
        this.sendText(req, res, 200, "text/html; charset=utf-8", SWAGGER_PAGE);
        return;
      }
      if (handleExplorerRequest(req, res, url)) return; // the web explorer's static files (src/explorer)
    }
    let body: Uint8Array | undefined;
    if (verb !== "GET" && verb !== "HEAD") {
      const got = await this.readBody(req);
      if (got instanceof RestError) {
        this.sendError(req, res, got, true);
        return;
      }
      body = got;
    }
    const heightHeader = req.headers[HEIGHT_HEADER];
    const reply = await this.gateway.handle({
      verb,
      path,
      query: url.searchParams,
      ...(body !== undefined ? { body } : {}),
      ...(typeof heightHeader === "string" ? { height: heightHeader } : {}),
    });
    const headers: Record<string, string> = {};
    if (reply.height > 0) headers["Grpc-Metadata-X-Cosmos-Block-Height"] = String(reply.height);
    this.sendJson(req, res, reply.status, reply.json, headers);
  }

  private async readBody(req: IncomingMessage): Promise<Uint8Array | RestError> {
    const max = this.options.maxBodyBytes ?? DEFAULT_REST_MAX_BODY_BYTES;
    const declared = Number(req.headers["content-length"] ?? "0");
    const tooLarge = () =>
      new RestError(GrpcCode.ResourceExhausted, `request body too large: the limit is ${max} bytes`, 413);
    if (Number.isFinite(declared) && declared > max) return tooLarge();
    return await new Promise<Uint8Array | RestError>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on("data", (c: Buffer) => {
        if (done) return;
        size += c.length;
        if (size > max) {
          done = true;
          req.removeAllListeners("data");
          req.resume();
          resolve(tooLarge());
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => {
        if (done) return;
        done = true;
        resolve(new Uint8Array(Buffer.concat(chunks)));
      });
      req.on("error", () => {
        if (done) return;
        done = true;
        resolve(new RestError(GrpcCode.Canceled, "request aborted"));
      });
    });
  }

  private openApi(): string {
    this.openApiText ??= JSON.stringify(
      buildOpenApi(
        this.gateway.table,
        this.options.openApiInfo ?? { title: "openledgerd REST", version: "0.1.0" },
      ),
    );
    return this.openApiText;
  }

  private setCors(req: IncomingMessage, res: ServerResponse): void {
    if (!this.options.enableCors) return;
    const allowed = this.options.corsAllowedOrigins ?? [];
    const origin = req.headers.origin;
    const any = allowed.length === 0 || allowed.includes("*");
    if (any) res.setHeader("Access-Control-Allow-Origin", "*");
    else if (typeof origin === "string" && allowed.includes(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    } else return;
    res.setHeader("Access-Control-Allow-Methods", CORS_METHODS);
    res.setHeader("Access-Control-Allow-Headers", CORS_HEADERS);
  }

  private sendError(req: IncomingMessage, res: ServerResponse, err: RestError, close = false): void {
    this.sendJson(req, res, err.httpStatus, err.toJson(), close ? { Connection: "close" } : {});
  }

  private sendJson(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    json: Json | ReturnType<RestError["toJson"]>,
    headers: Record<string, string>,
  ): void {
    this.sendText(req, res, status, "application/json", JSON.stringify(json), headers);
  }

  private sendText(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.from(text, "utf8");
    res.writeHead(status, { ...headers, "Content-Type": type, "Content-Length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  private report(err: unknown): void {
    try {
      this.options.onError?.(err);
    } catch {
      // a broken reporter must not take the server down
    }
  }
}

/** A self-contained page listing the routes of `/openapi.json` (no external assets). */
const SWAGGER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>openledgerd REST API</title>
<style>body{font-family:sans-serif;margin:2em}code{background:#eee;padding:1px 4px}li{margin:2px 0}</style>
</head><body><h1>openledgerd REST API</h1>
<p>OpenAPI 3 document: <a href="/openapi.json">/openapi.json</a></p><ul id="routes"></ul>
<script>
fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
  var ul = document.getElementById("routes");
  Object.keys(doc.paths).forEach(function (p) {
    Object.keys(doc.paths[p]).forEach(function (m) {
      var li = document.createElement("li");
      li.textContent = m.toUpperCase() + " " + p + "  -  " + doc.paths[p][m].summary;
      ul.appendChild(li);
    });
  });
});
</script></body></html>
`;
