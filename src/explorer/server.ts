/**
 * `openledgerd explorer`: a tiny HTTP server for the built explorer against any node. It serves the app
 * at `/`, tells it where the node is (`/config.json`: the node's JSON-RPC URL, called directly by the
 * browser — dev nodes allow any CORS origin — and `./rest`), and forwards GETs under `/rest/` to the
 * node's REST gateway so that the gateway's CORS setting does not matter.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serveStatic } from "./static.js";

/** Options of {@link ExplorerServer.start}. */
export interface ExplorerServerOptions {
  /** The node's CometBFT JSON-RPC URL, e.g. `http://127.0.0.1:26657`. */
  node: string;
  /** The node's REST gateway URL (default: the node's host, port 1317). */
  rest?: string | undefined;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder of the built app (default `dist/explorer/www`). */
  root?: string | undefined;
  /** Upstream REST timeout (default 10 s). */
  timeoutMs?: number;
}

/** Largest REST answer forwarded. */
const MAX_PROXY_BYTES = 8 * 1024 * 1024;

/** The REST URL next to an RPC URL: same scheme and host, port 1317. */
export function defaultRestUrl(node: string): string {
  const u = new URL(node);
  u.port = "1317";
  u.pathname = "";
  return u.href.replace(/\/+$/, "");
}

/** A running explorer server. */
export class ExplorerServer {
  private constructor(
    private readonly server: Server,
    readonly node: string,
    readonly rest: string,
  ) {}

  /** Bind and serve. Throws when the URLs are malformed or the port is taken. */
  static async start(opts: ExplorerServerOptions): Promise<ExplorerServer> {
    const node = new URL(opts.node).href.replace(/\/+$/, "");
    const rest = new URL(opts.rest ?? defaultRestUrl(node)).href.replace(/\/+$/, "");
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const server = createServer((req, res) => {
      handle(req, res, { node, rest, root: opts.root, timeoutMs }).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end("internal error");
        } else res.destroy();
      });
    });
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(opts.port, opts.host ?? "127.0.0.1", () => {
        server.off("error", fail);
        ok();
      });
    });
    return new ExplorerServer(server, node, rest);
  }

  /** `http://host:port` */
  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.address.includes(":") ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Stop serving. */
  async close(): Promise<void> {
    await new Promise<void>((ok) => {
      this.server.close(() => ok());
      this.server.closeAllConnections();
    });
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  o: { node: string; rest: string; root: string | undefined; timeoutMs: number },
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://localhost");
  } catch {
    res.writeHead(400, { "Content-Type": "text/plain" });
    res.end("bad request");
    return;
  }
  if (url.pathname === "/rest" || url.pathname.startsWith("/rest/")) {
    await proxy(req, res, `${o.rest}${url.pathname.slice(5)}${url.search}`, o.timeoutMs);
    return;
  }
  serveStatic(req, res, url.pathname, {
    root: o.root,
    generated: {
      "/config.json": {
        type: "application/json",
        body: () => JSON.stringify({ rpc: o.node, rest: "./rest" }),
      },
    },
  });
}

async function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  timeoutMs: number,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "Content-Type": "application/json", Allow: "GET, HEAD" });
    res.end(JSON.stringify({ code: 12, message: "the explorer forwards only GET requests", details: [] }));
    return;
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    res.writeHead(502, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ code: 14, message: "node REST gateway unreachable", details: [] }));
    return;
  }
  const body = Buffer.from(await upstream.arrayBuffer());
  if (body.length > MAX_PROXY_BYTES) {
    res.writeHead(502, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ code: 8, message: "upstream answer too large", details: [] }));
    return;
  }
  res.writeHead(upstream.status, {
    "Content-Type": upstream.headers.get("content-type") ?? "application/json",
    "Content-Length": String(body.length),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
