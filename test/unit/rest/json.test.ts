import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import type protobuf from "protobufjs";
import { RestError } from "../../../src/rest/errors.js";
import { buildRequest } from "../../../src/rest/gateway.js";
import {
  decimalString,
  formatDuration,
  formatTimestamp,
  plainFromJson,
  printBytes,
  printMessage,
} from "../../../src/rest/json.js";
import { loadProtos } from "../../../src/rest/protoLoader.js";
import { RouteTable } from "../../../src/rest/routes.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const THIRD_PARTY = resolve(import.meta.dirname, "../../../proto/third_party");
const protos = loadProtos([FIXTURES, THIRD_PARTY]);
const table = RouteTable.fromRoot(protos.root);
const T = (name: string): protobuf.Type => protos.root.lookupType(`fixture.v1.${name}`);

function route(verb: string, path: string) {
  const m = table.match(verb, path).match;
  assert.ok(m, `${verb} ${path}`);
  return m;
}

function request(verb: string, url: string, body?: unknown): Record<string, unknown> {
  const u = new URL(url, "http://x");
  const { route: r, params } = route(verb, u.pathname);
  const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
  const plain = buildRequest(r, params, u.searchParams, bytes);
  // Round-trip through the wire like the gateway does.
  const msg = r.requestType.decode(r.requestType.encode(r.requestType.fromObject(plain)).finish());
  return r.requestType.toObject(msg, {
    longs: String,
    bytes: String,
    enums: String,
    defaults: false,
  }) as Record<string, unknown>;
}

function isInvalid(e: unknown): boolean {
  return e instanceof RestError && e.grpcCode === 3 && e.httpStatus === 400;
}

describe("rest request mapping", () => {
  it("maps path params and nested query params (pagination.limit, base64 pagination.key)", () => {
    const key = Buffer.from([0xfb, 0xff, 0x01]).toString("base64"); // "+/8B"
    const got = request(
      "GET",
      `/fixture/v1/balances/open1abc?pagination.limit=5&pagination.key=${encodeURIComponent(key)}&pagination.count_total=true&resolve_denom=1`,
    );
    assert.deepEqual(got, {
      address: "open1abc",
      pagination: { key, limit: "5", count_total: true },
      resolve_denom: true,
    });
  });

  it("accepts URL-safe base64, camelCase names, repeated params and enums by name or number", () => {
    const got = request(
      "GET",
      "/fixture/v1/search?events=a.b%3D'1'&events=c.d%3D'2'&orderBy=MODE_SLOW&page=3&after=2024-01-02T03:04:05.5Z",
    );
    assert.deepEqual(got, {
      events: ["a.b='1'", "c.d='2'"],
      order_by: "MODE_SLOW",
      page: "3",
      after: { seconds: "1704164645", nanos: 500000000 },
    });
    assert.deepEqual(request("GET", "/fixture/v1/search?order_by=1"), { order_by: "MODE_FAST" });
    const urlSafe = request("GET", "/fixture/v1/balances/a?pagination.key=-_8B");
    assert.deepEqual(urlSafe.pagination, { key: "+/8B" });
    // A space (a `+` read from an unescaped query) is taken as `+`.
    assert.deepEqual(request("GET", "/fixture/v1/balances/a?pagination.key=+/8B").pagination, {
      key: "+/8B",
    });
  });

  it("ignores unknown query params, lets path params win over query params", () => {
    assert.deepEqual(request("GET", "/fixture/v1/balances/a?nope=1&address=b&x.y.z=2"), { address: "a" });
    assert.deepEqual(request("GET", "/fixture/v1/denoms/ibc/HASH%2F1"), { denom: "ibc/HASH/1" });
  });

  it("refuses malformed values with InvalidArgument", () => {
    for (const url of [
      "/fixture/v1/balances/a?pagination.limit=abc",
      "/fixture/v1/balances/a?pagination.limit=-1",
      "/fixture/v1/balances/a?pagination.limit=18446744073709551616",
      "/fixture/v1/balances/a?pagination.key=***",
      "/fixture/v1/balances/a?pagination.count_total=maybe",
      "/fixture/v1/search?order_by=MODE_WHATEVER",
      "/fixture/v1/search?after=yesterday",
      "/fixture/v1/balances/a?pagination=1",
    ]) {
      assert.throws(() => request("GET", url), isInvalid, url);
    }
  });

  it("maps a JSON body (snake or camel names, int64 strings, bytes, enums, Any)", () => {
    const got = request("POST", "/fixture/v1/send", {
      txBytes: "AQID",
      mode: "MODE_FAST",
      amount: "9007199254740993",
      tags: ["x", "y"],
      payload: { "@type": "/fixture.v1.PubKey", key: "BAU=" },
    });
    assert.deepEqual(got, {
      tx_bytes: "AQID",
      mode: "MODE_FAST",
      amount: "9007199254740993",
      tags: ["x", "y"],
      payload: { type_url: "/fixture.v1.PubKey", value: Buffer.from([0x0a, 2, 4, 5]).toString("base64") },
    });
    assert.deepEqual(request("POST", "/fixture/v1/send", { amount: 7, mode: 2 }), {
      amount: "7",
      mode: "MODE_SLOW",
    });
    assert.deepEqual(request("POST", "/fixture/v1/send"), {});
  });

  it("refuses bad JSON bodies with InvalidArgument", () => {
    const bad: unknown[] = [
      { unknown_field: 1 },
      { tx_bytes: 5 },
      { mode: "NOPE" },
      { amount: "1.5" },
      { tags: "x" },
      { payload: { key: "AA==" } },
      { payload: { "@type": "/no.such.Type" } },
      [1, 2],
      "str",
    ];
    for (const b of bad)
      assert.throws(() => request("POST", "/fixture/v1/send", b), isInvalid, JSON.stringify(b));
    const r = route("POST", "/fixture/v1/send");
    assert.throws(
      () => buildRequest(r.route, r.params, new URLSearchParams(), new TextEncoder().encode("{not json")),
      isInvalid,
    );
    let deep: unknown = { "@type": "/fixture.v1.Account" };
    for (let i = 0; i < 100; i++) deep = { "@type": "/fixture.v1.Account", pub_key: deep };
    assert.throws(() => plainFromJson(T("SendRequest"), { payload: deep }), isInvalid);
  });
});

describe("rest JSON printing (grpc-gateway OrigName + EmitDefaults)", () => {
  it("prints int64 as strings, int32 as numbers, bytes as base64, enums by name, Any unpacked", () => {
    const account = T("Account");
    const pubKey = T("PubKey");
    const accBytes = account
      .encode(
        account.fromObject({
          address: "open1xyz",
          pub_key: {
            type_url: "/fixture.v1.PubKey",
            value: pubKey.encode({ key: new Uint8Array([1, 2, 3]) }).finish(),
          },
          account_number: "18446744073709551615",
          sequence: "7",
        }),
      )
      .finish();
    const resp = T("SendResponse");
    const bytes = resp
      .encode(
        resp.fromObject({
          height: "-9223372036854775808",
          big: "18446744073709551615",
          small: -5,
          hash: new Uint8Array([0xde, 0xad]),
          mode: 2,
          account: { type_url: "/fixture.v1.Account", value: accBytes },
          items: [{ type_url: "/unknown.Thing", value: new Uint8Array([9]) }],
          time: { seconds: "1704164645", nanos: 120000000 },
          period: { seconds: "90", nanos: 500 },
          sigs: [new Uint8Array([1]), new Uint8Array()],
          counts: { a: "3" },
          ratio: 0.25,
          number: "12",
        }),
      )
      .finish();
    assert.deepEqual(printBytes(resp, bytes), {
      height: "-9223372036854775808",
      big: "18446744073709551615",
      small: -5,
      hash: "3q0=",
      mode: "MODE_SLOW",
      account: {
        "@type": "/fixture.v1.Account",
        address: "open1xyz",
        pub_key: { "@type": "/fixture.v1.PubKey", key: "AQID" },
        account_number: "18446744073709551615",
        sequence: "7",
      },
      items: [{ "@type": "/unknown.Thing", value: "CQ==" }],
      time: "2024-01-02T03:04:05.120Z",
      period: "90.000000500s",
      sigs: ["AQ==", ""],
      counts: { a: "3" },
      ratio: 0.25,
      number: "12",
    });
  });

  it("emits defaults: zero scalars, [] lists, null for absent messages and empty bytes", () => {
    assert.deepEqual(printBytes(T("SendResponse"), new Uint8Array()), {
      height: "0",
      big: "0",
      small: 0,
      hash: null,
      mode: "MODE_UNSPECIFIED",
      account: null,
      items: [],
      time: null,
      period: null,
      sigs: [],
      counts: {},
      ratio: 0,
    });
    assert.deepEqual(printBytes(T("BalancesResponse"), new Uint8Array()), { balances: [], pagination: null });
  });

  it("honours gogoproto nullable=false and the Int / LegacyDec custom types", () => {
    const t = T("DenomResponse");
    assert.deepEqual(
      printBytes(t, t.encode(t.fromObject({ denom: "aopen", rate: "50000000000000000" })).finish()),
      {
        denom: "aopen",
        rate: "0.050000000000000000",
        params: { enabled: false, max: 0 },
        maybe: null,
      },
    );
    const coin = T("Coin");
    assert.deepEqual(printMessage(coin, { denom: "x" }), { denom: "x", amount: "0" });
  });

  it("formats decimals, timestamps and durations as the SDK / jsonpb do", () => {
    assert.equal(decimalString("1000000000000000000"), "1.000000000000000000");
    assert.equal(decimalString("-5"), "-0.000000000000000005");
    assert.equal(decimalString("0"), "0.000000000000000000");
    assert.equal(decimalString(""), "0.000000000000000000");
    assert.equal(decimalString("123456789012345678901234"), "123456.789012345678901234");
    assert.equal(formatTimestamp(0n, 0), "1970-01-01T00:00:00Z");
    assert.equal(formatTimestamp(1n, 1), "1970-01-01T00:00:01.000000001Z");
    assert.equal(formatTimestamp(1n, 1000), "1970-01-01T00:00:01.000001Z");
    assert.equal(formatDuration(3n, 0), "3s");
    assert.equal(formatDuration(-3n, -500000000), "-3.500s");
  });

  it("refuses to print Anys nested beyond the depth limit (no stack blow-up)", () => {
    const account = T("Account");
    let bytes = account.encode({ address: "leaf" }).finish();
    for (let i = 0; i < 100; i++) {
      bytes = account
        .encode(account.fromObject({ pub_key: { type_url: "/fixture.v1.Account", value: bytes } }))
        .finish();
    }
    assert.throws(
      () => printBytes(account, bytes),
      (e: unknown) => e instanceof RestError && e.grpcCode === 13,
    );
  });
});
