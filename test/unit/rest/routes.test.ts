import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { RestError } from "../../../src/rest/errors.js";
import { loadProtos } from "../../../src/rest/protoLoader.js";
import { matchTemplate, parseTemplate, RouteTable, splitPath } from "../../../src/rest/routes.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const THIRD_PARTY = resolve(import.meta.dirname, "../../../proto/third_party");

function fixtureTable(): RouteTable {
  const p = loadProtos([FIXTURES, THIRD_PARTY]);
  assert.deepEqual(p.errors, []);
  return RouteTable.fromRoot(p.root);
}

describe("rest path templates", () => {
  it("parses literals, variables, nested fields and wildcards", () => {
    const t = parseTemplate("/cosmos/bank/v1beta1/balances/{address}/by_denom");
    assert.deepEqual(t.variables, ["address"]);
    assert.equal(t.literalCount, 5);
    const w = parseTemplate("/x/{denom=**}");
    assert.deepEqual(w.segments[1], { kind: "var", field: ["denom"], pattern: [{ kind: "**" }] });
    const n = parseTemplate("/x/{pagination.key}/{name=shelves/*}");
    assert.deepEqual(n.variables, ["pagination.key", "name"]);
    assert.equal(n.literalCount, 2);
  });

  it("refuses malformed templates", () => {
    for (const bad of ["x/y", "/x/{a", "/x/{a-b}", "/x//y", "/x/", "/x/{a=**}/y", "/x/{a}b"]) {
      assert.throws(() => parseTemplate(bad), Error, bad);
    }
  });

  it("matches paths, binds and percent-decodes variables", () => {
    const t = parseTemplate("/b/{address}/by_denom");
    assert.deepEqual(matchTemplate(t, splitPath("/b/open1xyz/by_denom")), new Map([["address", "open1xyz"]]));
    assert.equal(matchTemplate(t, splitPath("/b/open1xyz")), undefined);
    assert.equal(matchTemplate(t, splitPath("/b//by_denom")), undefined);
    assert.equal(matchTemplate(t, splitPath("/b/a/by_denom/extra")), undefined);
    const d = parseTemplate("/d/{denom=**}");
    assert.deepEqual(matchTemplate(d, splitPath("/d/ibc/ABC%2Fx")), new Map([["denom", "ibc/ABC/x"]]));
    assert.equal(matchTemplate(d, splitPath("/d")), undefined);
    assert.throws(
      () => matchTemplate(t, splitPath("/b/%E0%A4%A/by_denom")),
      (e: unknown) => e instanceof RestError && e.grpcCode === 3,
    );
  });
});

describe("rest route derivation from google.api.http annotations", () => {
  it("derives one route per binding, with gRPC paths and bodies, skipping unannotated methods", () => {
    const table = fixtureTable();
    const rows = table.routes.map((r) => `${r.verb} ${r.template.text} ${r.grpcPath} ${r.body ?? ""}`).sort();
    assert.deepEqual(rows, [
      "GET /fixture/v1/accounts/{address}/balances /fixture.v1.Query/Balances ",
      "GET /fixture/v1/balances/{address} /fixture.v1.Query/Balances ",
      "GET /fixture/v1/balances/{address}/by_denom /fixture.v1.Query/Balance ",
      "GET /fixture/v1/denoms/by_name /fixture.v1.Query/DenomByName ",
      "GET /fixture/v1/denoms/{denom=**} /fixture.v1.Query/Denom ",
      "GET /fixture/v1/search /fixture.v1.Query/Search ",
      "POST /fixture/v1/send /fixture.v1.Query/Send *",
    ]);
    assert.equal(table.byGrpcPath("/fixture.v1.Query/Internal"), undefined);
    assert.equal(table.byGrpcPath("/fixture.v1.Query/Send")?.requestType.name, "SendRequest");
  });

  it("prefers literal segments over variables and reports other verbs", () => {
    const table = fixtureTable();
    assert.equal(table.match("GET", "/fixture/v1/denoms/by_name").match?.route.method, "DenomByName");
    assert.equal(table.match("GET", "/fixture/v1/denoms/by_name2").match?.route.method, "Denom");
    assert.equal(table.match("GET", "/fixture/v1/balances/a/by_denom").match?.route.method, "Balance");
    assert.equal(table.match("GET", "/fixture/v1/balances/a/").match?.route.method, "Balances");
    assert.equal(table.match("HEAD", "/fixture/v1/balances/a").match?.route.method, "Balances");
    const post = table.match("GET", "/fixture/v1/send");
    assert.equal(post.match, undefined);
    assert.deepEqual(post.allowed, ["POST"]);
    assert.deepEqual(table.match("GET", "/nope").allowed, []);
  });

  it("skips (and reports) annotations whose variables are not request fields", async () => {
    const { default: protobuf } = await import("protobufjs");
    const root = protobuf.parse(
      `syntax = "proto3"; package t;
       service S { rpc M(Req) returns (Res) { option (google.api.http).get = "/t/{missing}"; }
                   rpc N(Req) returns (Res) { option (google.api.http).get = "/t/{id}"; } }
       message Req { string id = 1; } message Res {}`,
      { keepCase: true },
    ).root;
    const skipped: string[] = [];
    const table = RouteTable.fromRoot(root, (what) => skipped.push(what));
    assert.deepEqual(
      table.routes.map((r) => r.grpcPath),
      ["/t.S/N"],
    );
    assert.deepEqual(skipped, ["t.S.M GET /t/{missing}"]);
  });

  it("loads the repository's own protos: OpenLedger modules and the SDK 0.50 overrides", () => {
    const p = loadProtos([resolve(import.meta.dirname, "../../../proto"), THIRD_PARTY]);
    // Without the Cosmos SDK protos (the @protobufs packages) the overrides cannot resolve their
    // imports; they are reported, not thrown, and OpenLedger's own protos still load.
    assert.ok(p.files.some((f) => f.startsWith("openledger/")));
    assert.ok(!p.files.some((f) => f.startsWith("third_party/") || f.startsWith("generated/")));
    for (const e of p.errors) assert.match(e.file, /^cosmos\/|\(resolve\)/);
  });
});
