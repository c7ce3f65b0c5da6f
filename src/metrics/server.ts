/**
 * The Prometheus endpoint: `GET /metrics` on the instrumentation address (CometBFT
 * `prometheus_listen_addr`, default `127.0.0.1:26660`; an empty host binds loopback, not every
 * interface). Other paths are 404, other methods 405; a small connection cap and short timeouts
 * keep scrapers from holding resources.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NodeMetrics } from "./metrics.js";

/** Default instrumentation address. */
export const DEFAULT_PROMETHEUS_LADDR = "127.0.0.1:26660";
/** Most simultaneous scraper connections. */
const MAX_CONNECTIONS = 32;
/** Request timeout. */
const TIMEOUT_MS = 5_000;

/** A running `/metrics` server. */
export class MetricsServer {
  private constructor(private readonly server: Server) {}

  /** Bind `laddr` (`host:port` or `tcp://host:port`; port 0 picks one) and serve `metrics`. */
  static async start(
    laddr: string,
    metrics: NodeMetrics,
    onError: (e: unknown) => void = () => {},
  ): Promise<MetricsServer> {
    const { host, port } = parseMetricsLaddr(laddr);
    const server = createServer({ requestTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS }, (req, res) => {
      req.resume();
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/metrics") {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { "Content-Type": "text/plain", Allow: "GET, HEAD" }).end("method not allowed\n");
        return;
      }
      metrics.text().then(
        (text) => {
          res.writeHead(200, { "Content-Type": metrics.contentType }).end(req.method === "HEAD" ? "" : text);
        },
        (e: unknown) => {
          onError(e);
          res.writeHead(500, { "Content-Type": "text/plain" }).end("metrics unavailable\n");
        },
      );
    });
    server.maxConnections = MAX_CONNECTIONS;
    server.on("clientError", (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", onError);
    return new MetricsServer(server);
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Stop serving. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Split `[tcp://]host:port`; an empty host means 127.0.0.1. Throws on anything else. */
export function parseMetricsLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(laddr);
  const port = m ? Number(m[2]) : -1;
  if (m === null || port > 65535) throw new Error(`invalid prometheus_listen_addr ${JSON.stringify(laddr)}`);
  const raw = (m[1] ?? "").replace(/^\[|\]$/g, "");
  return { host: raw === "" ? "127.0.0.1" : raw, port };
}
