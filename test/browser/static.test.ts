/**
 * The explorer's static serving (src/explorer): content types, SPA fallback, cache headers, redirects,
 * path traversal, bad methods, the not-built page, `/config.json` and the REST proxy of
 * `openledgerd explorer`, and the `/explorer/*` hook of the REST gateway.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { defaultRestUrl, ExplorerServer } from "../../src/explorer/server.js";
import { handleExplorerRequest, serveStatic } from "../../src/explorer/static.js";
import { tempHome } from "../e2e/harness.js";

describe("explorer static server", () => {
  const home = tempHome("openledger-explorer-static-");
  const root = join(home, "www");
  let upstream: Server;
  let upstreamUrl: string;
  let srv: ExplorerServer;

  before(async () => {
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(root, "assets", "app-1234.js"), "console.log(1)");
    writeFileSync(join(root, "assets", "app-1234.css"), "body{}");
    writeFileSync(join(root, "..", "secret.txt"), "do not serve");
    upstream = createServer((req, res) => {
      res.writeHead(req.url?.startsWith("/missing") ? 501 : 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((ok) => upstream.listen(0, "127.0.0.1", ok));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    srv = await ExplorerServer.start({ node: "http://127.0.0.1:26657/", rest: upstreamUrl, port: 0, root });
  });

  after(async () => {
    await srv?.close();
    await new Promise<void>((ok) => upstream.close(() => ok()));
    rmSync(home, { recursive: true, force: true });
  });

  it("serves files with their content types and cache headers", async () => {
    const js = await fetch(`${srv.url}/assets/app-1234.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.match(js.headers.get("cache-control") ?? "", /immutable/);
    assert.equal(await js.text(), "console.log(1)");
    const css = await fetch(`${srv.url}/assets/app-1234.css`);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    const index = await fetch(`${srv.url}/`);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(index.headers.get("cache-control"), "no-cache");
  });

  it("falls back to index.html for app paths, 404s missing assets, escapes nothing", async () => {
    const page = await fetch(`${srv.url}/some/page`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>x<\/title>/);
    assert.equal((await fetch(`${srv.url}/assets/nope.js`)).status, 404);
    for (const p of ["/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/%00.js", "/%E0%A4%A"]) {
      const r = await fetch(`${srv.url}${p}`);
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
      assert.doesNotMatch(await r.text(), /do not serve/);
    }
    const post = await fetch(`${srv.url}/`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
  });

  it("tells the app where the node is and forwards REST GETs", async () => {
    const cfg = (await (await fetch(`${srv.url}/config.json`)).json()) as Record<string, string>;
    assert.deepEqual(cfg, { rpc: "http://127.0.0.1:26657", rest: "./rest" });
    const r = await fetch(`${srv.url}/rest/cosmos/bank/v1beta1/balances/x?pagination.limit=2`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { path: "/cosmos/bank/v1beta1/balances/x?pagination.limit=2" });
    assert.equal((await fetch(`${srv.url}/rest/missing`)).status, 501);
    assert.equal((await fetch(`${srv.url}/rest/x`, { method: "POST", body: "{}" })).status, 405);
    assert.equal(defaultRestUrl("http://10.0.0.5:26657"), "http://10.0.0.5:1317");
  });

  it("answers 502 when the REST gateway is down", async () => {
    const down = await ExplorerServer.start({
      node: "http://127.0.0.1:9",
      rest: "http://127.0.0.1:9",
      port: 0,
      root,
    });
    try {
      const r = await fetch(`${down.url}/rest/cosmos/x`);
      assert.equal(r.status, 502);
      assert.match(await r.text(), /unreachable/);
    } finally {
      await down.close();
    }
  });

  it("the REST gateway hook owns /explorer and /explorer/* only", async () => {
    const s = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (!handleExplorerRequest(req, res, url)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
    const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      const redirect = await fetch(`${u}/explorer?rpc=x`, { redirect: "manual" });
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.get("location"), "/explorer/?rpc=x");
      assert.equal((await fetch(`${u}/explorerx`)).status, 418);
      assert.equal((await fetch(`${u}/cosmos/bank/v1beta1/params`)).status, 418);
      const app = await fetch(`${u}/explorer/`);
      assert.ok(app.status === 200 || app.status === 503, String(app.status));
      assert.equal(app.headers.get("content-type"), "text/html; charset=utf-8");
    } finally {
      await new Promise<void>((ok) => s.close(() => ok()));
    }
  });

  it("serves a helpful page when the app is not built", async () => {
    const s = createServer((req, res) => serveStatic(req, res, "/x", { root: join(root, "nope") }));
    await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
    const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      const r = await fetch(`${u}/`);
      assert.equal(r.status, 503);
      assert.match(await r.text(), /not built.*npm run build/s);
    } finally {
      await new Promise<void>((ok) => s.close(() => ok()));
    }
  });
});
