/**
 * Serving the built OpenLedger Explorer (`explorer/` → `dist/explorer/www` by `vite build explorer`):
 * static files with their content types, hashed assets cached for good, `index.html` for every other
 * path (the app routes by `#hash`), no path escapes the folder, and a plain 503 page when the app was
 * not built. Used by the REST gateway (`/explorer/*` on :1317) and by `openledgerd explorer`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** URL prefix of the explorer on the node's REST gateway. */
export const EXPLORER_PREFIX = "/explorer";

/** Content types of the files Vite emits. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
  ".woff2": "font/woff2",
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>OpenLedger Explorer</title></head>
<body style="font-family:sans-serif;margin:2em"><h1>OpenLedger Explorer is not built</h1>
<p>Run <code>npm run build</code> (it runs <code>vite build explorer</code>) and reload.</p></body></html>`;

/** The folder of the built app: `dist/explorer/www` (found from `dist/explorer/*.js` or from `src/explorer`). */
export function explorerAssetsDir(): string | undefined {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const candidates = [join(here, "www"), resolve(here, "../../dist/explorer/www")];
  return candidates.find((d) => existsSync(join(d, "index.html")));
}

/** Options of {@link serveStatic}. */
export interface StaticOptions {
  /** Folder to serve (default {@link explorerAssetsDir}). */
  root?: string | undefined;
  /** Extra generated files by path (e.g. `/config.json`). */
  generated?: Record<string, { type: string; body: () => string }>;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    "Content-Type": type,
    "Content-Length": String(body.length),
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Serve `subpath` (the URL path below the app's mount point, starting with `/`) from the built app.
 * Only GET and HEAD; anything else is 405.
 */
export function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  subpath: string,
  opts: StaticOptions = {},
): void {
  const verb = req.method ?? "GET";
  if (verb !== "GET" && verb !== "HEAD") {
    send(req, res, 405, "text/plain; charset=utf-8", Buffer.from("method not allowed"), {
      Allow: "GET, HEAD",
    });
    return;
  }
  const gen = opts.generated?.[subpath];
  if (gen) {
    send(req, res, 200, gen.type, Buffer.from(gen.body(), "utf8"), { "Cache-Control": "no-store" });
    return;
  }
  const root = opts.root ?? explorerAssetsDir();
  if (root === undefined || !existsSync(join(root, "index.html"))) {
    send(req, res, 503, "text/html; charset=utf-8", Buffer.from(NOT_BUILT));
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(subpath);
  } catch {
    send(req, res, 400, "text/plain; charset=utf-8", Buffer.from("bad path"));
    return;
  }
  const file = normalize(join(root, rel));
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  if (!inside || rel.includes("\0")) {
    send(req, res, 404, "text/plain; charset=utf-8", Buffer.from("not found"));
    return;
  }
  let target = file;
  const isFile = existsSync(target) && statSync(target).isFile();
  if (!isFile) {
    // A missing asset is a 404; any other path is a page of the app (SPA fallback).
    if (extname(rel) !== "" && extname(rel) !== ".html") {
      send(req, res, 404, "text/plain; charset=utf-8", Buffer.from("not found"));
      return;
    }
    target = join(root, "index.html");
  }
  const type = CONTENT_TYPES[extname(target).toLowerCase()] ?? "application/octet-stream";
  const immutable = /[\\/]assets[\\/]/.test(target.slice(root.length));
  send(req, res, 200, type, readFileSync(target), {
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
}

/**
 * The REST gateway's hook: handles `/explorer` (redirect to `/explorer/`) and `/explorer/*`; returns
 * false for every other path.
 */
export function handleExplorerRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const path = url.pathname;
  if (path === EXPLORER_PREFIX) {
    if (!res.headersSent) {
      res.writeHead(301, { Location: `${EXPLORER_PREFIX}/${url.search}`, "Content-Length": "0" });
      res.end();
    }
    return true;
  }
  if (!path.startsWith(`${EXPLORER_PREFIX}/`)) return false;
  serveStatic(req, res, path.slice(EXPLORER_PREFIX.length));
  return true;
}
