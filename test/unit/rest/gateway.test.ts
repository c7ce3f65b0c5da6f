import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { QueryResponse } from "../../../src/abci/types.js";
import type { RestEnv } from "../../../src/rest/env.js";
import { GrpcCode, grpcCodeOfAbci, HTTP_STATUS } from "../../../src/rest/errors.js";
import { RestGateway } from "../../../src/rest/gateway.js";
import { buildOpenApi } from "../../../src/rest/openapi.js";
import { loadProtos } from "../../../src/rest/protoLoader.js";
import { RouteTable } from "../../../src/rest/routes.js";
import { RestServer } from "../../../src/rest/server.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const THIRD_PARTY = resolve(import.meta.dirname, "../../../proto/third_party");
const protos = loadProtos([FIXTURES, THIRD_PARTY]);
const table = RouteTable.fromRoot(protos.root);

function reply(value: Uint8Array, height = 7): QueryResponse {
  return {
    code: 0,
    log: "",
    info: "",
    index: 0n,
    key: new Uint8Array(),
    value,
    proofOps: [],
    height,
    codespace: "",
  };
}

function failure(codespace: string, code: number, log: string): QueryResponse {
  return { ...reply(new Uint8Array()), code, codespace, log };
}

/** A fake node: answers the fixture's Balances query, refuses the rest like the app's router. */
function fakeEnv(seen: { path: string; height?: number }[] = []): RestEnv {
  const req = protos.root.lookupType("fixture.v1.BalancesRequest");
  const res = protos.root.lookupType("fixture.v1.BalancesResponse");
  return {
    abciQuery: async (path, data, height) => {
      seen.push({ path, ...(height !== undefined ? { height } : {}) });
      if (path === "/fixture.v1.Query/Balances") {
        const r = req.toObject(req.decode(data), { longs: String }) as {
          address: string;
          pagination?: { limit?: string };
        };
        if (r.address === "missing")
          return failure(
            "sdk",
            22,
            `rpc error: code = NotFound desc = account ${r.address} not found: key not found`,
          );
        if (r.address === "bad") return failure("sdk", 7, "invalid address");
        const n = Number(r.pagination?.limit ?? "2");
        const balances = Array.from({ length: n }, (_, i) => ({
          denom: `d${i}`,
          amount: String(10n ** 30n + BigInt(i)),
        }));
        return reply(res.encode(res.fromObject({ balances, pagination: { total: String(n) } })).finish());
      }
      return failure("sdk", 6, `unknown query path: ${path}: unknown request`);
    },
    nodeInfo: () => ({
      id: "ab",
      listenAddr: "tcp://127.0.0.1:1",
      network: "test",
      moniker: "m",
      version: "0.38.17",
      rpcAddress: "tcp://127.0.0.1:2",
      channels: "40",
      appName: "openledgerd",
      appVersion: "0",
    }),
    catchingUp: () => false,
    latestHeight: () => 7,
    loadBlock: async () => undefined,
    loadValidators: async () => undefined,
    valconsPrefix: () => "openvalcons",
  };
}

describe("rest error mapping", () => {
  it("maps ABCI codes to gRPC codes and HTTP statuses", () => {
    assert.equal(grpcCodeOfAbci("sdk", 22, "x"), GrpcCode.NotFound);
    assert.equal(grpcCodeOfAbci("sdk", 38, "x"), GrpcCode.NotFound);
    assert.equal(grpcCodeOfAbci("sdk", 18, "x"), GrpcCode.InvalidArgument);
    assert.equal(grpcCodeOfAbci("sdk", 7, "x"), GrpcCode.InvalidArgument);
    assert.equal(grpcCodeOfAbci("sdk", 6, "x"), GrpcCode.Unimplemented);
    assert.equal(grpcCodeOfAbci("sdk", 1, "x"), GrpcCode.Internal);
    assert.equal(grpcCodeOfAbci("sdk", 32, "x"), GrpcCode.Unknown);
    assert.equal(grpcCodeOfAbci("datanets", 5, "x"), GrpcCode.InvalidArgument);
    // The code named in an SDK-style log wins.
    assert.equal(grpcCodeOfAbci("sdk", 18, "rpc error: code = NotFound desc = gone"), GrpcCode.NotFound);
    assert.equal(
      grpcCodeOfAbci("mod", 2, "rpc error: code = PermissionDenied desc = no"),
      GrpcCode.PermissionDenied,
    );
    assert.equal(HTTP_STATUS[GrpcCode.NotFound], 404);
    assert.equal(HTTP_STATUS[GrpcCode.InvalidArgument], 400);
    assert.equal(HTTP_STATUS[GrpcCode.Unimplemented], 501);
    assert.equal(HTTP_STATUS[GrpcCode.Unknown], 500);
  });
});

describe("rest gateway dispatch", () => {
  const seen: { path: string; height?: number }[] = [];
  const gw = new RestGateway(protos.root, table, fakeEnv(seen));

  it("encodes the request, calls the gRPC path and prints the response", async () => {
    const r = await gw.handle({
      verb: "GET",
      path: "/fixture/v1/balances/open1abc",
      query: new URLSearchParams("pagination.limit=1"),
    });
    assert.equal(r.status, 200);
    assert.equal(r.height, 7);
    assert.deepEqual(r.json, {
      balances: [{ denom: "d0", amount: "1000000000000000000000000000000" }],
      pagination: { next_key: null, total: "1" },
    });
    assert.equal(seen.at(-1)?.path, "/fixture.v1.Query/Balances");
  });

  it("passes the x-cosmos-block-height header as the query height and refuses a bad one", async () => {
    await gw.handle({
      verb: "GET",
      path: "/fixture/v1/balances/a",
      query: new URLSearchParams(),
      height: "5",
    });
    assert.equal(seen.at(-1)?.height, 5);
    const bad = await gw.handle({
      verb: "GET",
      path: "/fixture/v1/balances/a",
      query: new URLSearchParams(),
      height: "-1",
    });
    assert.equal(bad.status, 400);
  });

  it("answers errors in grpc-gateway's shape", async () => {
    const cases: [string, string, number, unknown][] = [
      [
        "GET",
        "/fixture/v1/balances/missing",
        404,
        {
          code: 5,
          message: "rpc error: code = NotFound desc = account missing not found: key not found",
          details: [],
        },
      ],
      ["GET", "/fixture/v1/balances/bad", 400, { code: 3, message: "invalid address", details: [] }],
      ["GET", "/no/such/path", 501, { code: 12, message: "Not Implemented", details: [] }],
      ["POST", "/fixture/v1/balances/a", 405, { code: 12, message: "Method Not Allowed", details: [] }],
      [
        "GET",
        "/fixture/v1/denoms/by_name",
        501,
        {
          code: 12,
          message: "unknown query path: /fixture.v1.Query/DenomByName: unknown request",
          details: [],
        },
      ],
    ];
    for (const [verb, path, status, json] of cases) {
      const r = await gw.handle({ verb, path, query: new URLSearchParams() });
      assert.equal(r.status, status, path);
      assert.deepEqual(r.json, json, path);
    }
    const badParam = await gw.handle({
      verb: "GET",
      path: "/fixture/v1/balances/a",
      query: new URLSearchParams("pagination.limit=x"),
    });
    assert.equal(badParam.status, 400);
    assert.equal((badParam.json as { code: number }).code, 3);
  });

  it("turns a throwing node into a 500 Internal error, never a rejection", async () => {
    const env = { ...fakeEnv(), abciQuery: async () => Promise.reject(new Error("db closed")) };
    const r = await new RestGateway(protos.root, table, env).handle({
      verb: "GET",
      path: "/fixture/v1/balances/a",
      query: new URLSearchParams(),
    });
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, { code: 13, message: "db closed", details: [] });
  });

  it("generates an OpenAPI 3 document from the same route table", () => {
    const doc = buildOpenApi(table, { title: "t", version: "1" }) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    assert.equal(doc.openapi, "3.0.3");
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/fixture/v1/accounts/{address}/balances",
      "/fixture/v1/balances/{address}",
      "/fixture/v1/balances/{address}/by_denom",
      "/fixture/v1/denoms/by_name",
      "/fixture/v1/denoms/{denom}",
      "/fixture/v1/search",
      "/fixture/v1/send",
    ]);
    const get = doc.paths["/fixture/v1/balances/{address}"]?.get;
    assert.deepEqual(
      get?.parameters.map((p) => `${p.in}:${p.name}`),
      [
        "path:address",
        "query:pagination.key",
        "query:pagination.offset",
        "query:pagination.limit",
        "query:pagination.count_total",
        "query:pagination.reverse",
        "query:resolve_denom",
      ],
    );
    assert.ok(doc.paths["/fixture/v1/send"]?.post?.requestBody);
    assert.ok("fixture.v1.BalancesResponse" in doc.components.schemas);
    assert.ok("fixture.v1.Coin" in doc.components.schemas);
  });
});

describe("rest HTTP server", () => {
  let server: RestServer;
  let cors: RestServer;

  before(async () => {
    const gw = new RestGateway(protos.root, table, fakeEnv());
    server = await RestServer.start({ address: "tcp://127.0.0.1:0", maxBodyBytes: 1000 }, gw);
    cors = await RestServer.start(
      { address: "tcp://127.0.0.1:0", enableCors: true, corsAllowedOrigins: ["http://ok.example"] },
      gw,
    );
  });
  after(async () => {
    await server.close();
    await cors.close();
  });

  it("serves routes, /openapi.json and /swagger", async () => {
    const r = await fetch(`${server.url}/fixture/v1/balances/a`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(r.headers.get("grpc-metadata-x-cosmos-block-height"), "7");
    assert.equal(r.headers.get("access-control-allow-origin"), null);
    assert.equal(((await r.json()) as { balances: unknown[] }).balances.length, 2);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: object };
    assert.ok("/fixture/v1/send" in doc.paths);
    const page = await fetch(`${server.url}/swagger`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /openapi\.json/);
  });

  it("refuses an oversize body with 413 and a coded error, and keeps serving", async () => {
    const r = await fetch(`${server.url}/fixture/v1/send`, { method: "POST", body: "x".repeat(5000) });
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { code: number }).code, 8);
    // Chunked (no content-length) oversize body.
    const chunked = await new Promise<number>((res, rej) => {
      const { port } = server.address;
      const req = httpRequest(
        { host: "127.0.0.1", port, method: "POST", path: "/fixture/v1/send" },
        (resp) => {
          resp.resume();
          res(resp.statusCode ?? 0);
        },
      );
      req.on("error", rej);
      for (let i = 0; i < 10; i++) req.write("y".repeat(500));
      req.end();
    });
    assert.equal(chunked, 413);
    assert.equal((await fetch(`${server.url}/fixture/v1/balances/a`)).status, 200);
  });

  it("answers malformed input with JSON errors", async () => {
    const bad = await fetch(`${server.url}/fixture/v1/send`, { method: "POST", body: "{oops" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: number }).code, 3);
    const unknown = await fetch(`${server.url}/nope`);
    assert.equal(unknown.status, 501);
    assert.deepEqual(await unknown.json(), { code: 12, message: "Not Implemented", details: [] });
    const pct = await fetch(`${server.url}/fixture/v1/balances/%E0%A4%A`);
    assert.equal(pct.status, 400);
  });

  it("sends CORS headers only when enabled, for allowed origins", async () => {
    const ok = await fetch(`${cors.url}/fixture/v1/balances/a`, { headers: { Origin: "http://ok.example" } });
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://ok.example");
    const other = await fetch(`${cors.url}/fixture/v1/balances/a`, {
      headers: { Origin: "http://evil.example" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const pre = await fetch(`${cors.url}/fixture/v1/send`, {
      method: "OPTIONS",
      headers: { Origin: "http://ok.example", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    const off = await fetch(`${server.url}/fixture/v1/send`, { method: "OPTIONS" });
    assert.equal(off.status, 405);
  });
});
