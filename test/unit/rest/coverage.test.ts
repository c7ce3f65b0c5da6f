/**
 * REST coverage of the SDK modules: every gRPC query path auth, bank, staking, distribution, slashing
 * and gov register in the app must be reachable through a route derived from the real proto set
 * (`proto/` + `@protobufs/*` + `proto/third_party`), with the Cosmos SDK 0.50 REST paths; and the
 * routes added for SDK 0.50 answer through the gateway against a real (in-memory) app.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { OpenLedgerApp } from "../../../src/app/app.js";
import type { RestEnv } from "../../../src/rest/env.js";
import { type GatewayReply, RestGateway } from "../../../src/rest/gateway.js";
import { type LoadedProtos, loadProtos } from "../../../src/rest/protoLoader.js";
import { RouteTable } from "../../../src/rest/routes.js";
import { createTestApp, runBlock, type TestApp } from "../../../src/testing/index.js";

/** The SDK modules whose queries must all be served over REST. */
const SDK_MODULE = /^\/cosmos\.(auth|bank|staking|distribution|slashing|gov)\.v1(beta1)?\.Query\//;

/** Build the full test app (auth, bank, staking stack, gov) and record every registered query path. */
async function appWithQueryPaths(): Promise<{ t: TestApp; paths: string[] }> {
  const paths: string[] = [];
  const proto = OpenLedgerApp.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, "registerQuery");
  assert.ok(original);
  const register = proto.registerQuery;
  proto.registerQuery = function (this: OpenLedgerApp, path, handler) {
    paths.push(path);
    register.call(this, path, handler);
  };
  try {
    const t = await createTestApp({ gov: true, accounts: 2 });
    return { t, paths: [...new Set(paths)].sort() };
  } finally {
    Object.defineProperty(proto, "registerQuery", original);
  }
}

let protos: LoadedProtos;
let table: RouteTable;
let t: TestApp;
let paths: string[];
let gw: RestGateway;

/** The gateway's node view over the in-memory app (block-store reads unused here). */
function appEnv(app: OpenLedgerApp): RestEnv {
  return {
    abciQuery: (path, data, height) => app.query({ path, data, height: height ?? 0, prove: false }),
    nodeInfo: () => {
      throw new Error("unused");
    },
    catchingUp: () => false,
    latestHeight: () => 1,
    loadBlock: async () => undefined,
    loadValidators: async () => undefined,
    valconsPrefix: () => "openvalcons",
  };
}

async function get(path: string, query = ""): Promise<GatewayReply> {
  return gw.handle({ verb: "GET", path, query: new URLSearchParams(query) });
}

before(async () => {
  protos = loadProtos();
  table = RouteTable.fromRoot(protos.root);
  ({ t, paths } = await appWithQueryPaths());
  await runBlock(t.app, []);
  gw = new RestGateway(protos.root, table, appEnv(t.app));
});

describe("rest coverage of the SDK modules' queries", () => {
  it("loads the real proto set without skipping any SDK module file", () => {
    const bad = protos.errors.filter((e) =>
      /cosmos\/(auth|bank|staking|distribution|slashing|gov)\//.test(e.file),
    );
    assert.deepEqual(bad, []);
  });

  it("has a REST route for every query path auth, bank, staking, distribution, slashing and gov register", () => {
    const sdk = paths.filter((p) => SDK_MODULE.test(p));
    // The recording really saw each module (so an empty list cannot pass vacuously).
    for (const m of ["auth", "bank", "staking", "distribution", "slashing", "gov"])
      assert.ok(
        sdk.some((p) => p.startsWith(`/cosmos.${m}.`)),
        `no ${m} query registered`,
      );
    assert.ok(sdk.length >= 60, `only ${sdk.length} SDK query paths recorded`);
    const routed = new Set(table.routes.map((r) => r.grpcPath));
    const missing = sdk.filter((p) => !routed.has(p));
    assert.deepEqual(missing, [], `query paths without a REST route: ${missing.join(", ")}`);
  });

  it("routes OpenLedger's own extension queries of gov and distribution", async () => {
    const ext = paths.filter((p) => /^\/openledger\.(gov|distribution)\.v1\./.test(p));
    assert.ok(ext.length >= 3, `only ${ext.length} extension query paths recorded`);
    const routed = new Set(table.routes.map((r) => r.grpcPath));
    assert.deepEqual(
      ext.filter((p) => !routed.has(p)),
      [],
    );
    const stream = await get("/openledger/distribution/v1/reward_stream");
    assert.equal(stream.status, 200, JSON.stringify(stream.json));
    const timelock = await get("/openledger/gov/v1/timelock_params");
    assert.equal(timelock.status, 200, JSON.stringify(timelock.json));
  });

  it("uses the SDK 0.50 REST paths for the queries SDK 0.46 lacked", () => {
    const expected: [string, string][] = [
      ["/cosmos/auth/v1beta1/account_info/{address}", "/cosmos.auth.v1beta1.Query/AccountInfo"],
      ["/cosmos/auth/v1beta1/module_accounts/{name}", "/cosmos.auth.v1beta1.Query/ModuleAccountByName"],
      ["/cosmos/auth/v1beta1/address_by_id/{id}", "/cosmos.auth.v1beta1.Query/AccountAddressByID"],
      ["/cosmos/bank/v1beta1/send_enabled", "/cosmos.bank.v1beta1.Query/SendEnabled"],
      [
        "/cosmos/bank/v1beta1/denoms_metadata_by_query_string",
        "/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString",
      ],
      [
        "/cosmos/bank/v1beta1/spendable_balances/{address}/by_denom",
        "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom",
      ],
      ["/cosmos/bank/v1beta1/denoms_metadata/{denom=**}", "/cosmos.bank.v1beta1.Query/DenomMetadata"],
      ["/cosmos/bank/v1beta1/denom_owners/{denom=**}", "/cosmos.bank.v1beta1.Query/DenomOwners"],
      [
        "/cosmos/distribution/v1beta1/validators/{validator_address}",
        "/cosmos.distribution.v1beta1.Query/ValidatorDistributionInfo",
      ],
      ["/cosmos/gov/v1/constitution", "/cosmos.gov.v1.Query/Constitution"],
      ["/cosmos/gov/v1/params/{params_type}", "/cosmos.gov.v1.Query/Params"],
      ["/cosmos/staking/v1beta1/validators", "/cosmos.staking.v1beta1.Query/Validators"],
    ];
    const rows = new Set(table.routes.map((r) => `${r.verb} ${r.template.text} ${r.grpcPath}`));
    for (const [tpl, grpc] of expected) assert.ok(rows.has(`GET ${tpl} ${grpc}`), `${tpl} -> ${grpc}`);
  });

  it("routes denoms with slashes to DenomMetadata, and the by_denom path to SpendableBalanceByDenom", () => {
    const m = table.match("GET", "/cosmos/bank/v1beta1/denoms_metadata/ibc/ABC").match;
    assert.equal(m?.route.grpcPath, "/cosmos.bank.v1beta1.Query/DenomMetadata");
    assert.equal(m?.params.get("denom"), "ibc/ABC");
    const s = table.match("GET", "/cosmos/bank/v1beta1/spendable_balances/open1x/by_denom").match;
    assert.equal(s?.route.grpcPath, "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom");
    const d = table.match("GET", "/cosmos/distribution/v1beta1/validators/openvaloper1x").match;
    assert.equal(d?.route.grpcPath, "/cosmos.distribution.v1beta1.Query/ValidatorDistributionInfo");
    const c = table.match("GET", "/cosmos/distribution/v1beta1/validators/openvaloper1x/commission").match;
    assert.equal(c?.route.grpcPath, "/cosmos.distribution.v1beta1.Query/ValidatorCommission");
  });
});

describe("rest gateway answers the SDK 0.50 queries from the real app", () => {
  it("account_info returns the BaseAccount", async () => {
    const a = t.accounts[0]!;
    const r = await get(`/cosmos/auth/v1beta1/account_info/${a.address}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const info = (r.json as { info: { address: string; account_number: string; sequence: string } }).info;
    assert.equal(info.address, a.address);
    assert.match(info.account_number, /^\d+$/);
    assert.equal(info.sequence, "0");
  });

  it("account_info of a malformed address is a coded 400, of an unknown one a 404", async () => {
    const bad = await get("/cosmos/auth/v1beta1/account_info/notanaddress");
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    assert.equal((bad.json as { code: number }).code, 3);
    const nobody = toBech32("open", new Uint8Array(20).fill(7));
    const unknown = await get(`/cosmos/auth/v1beta1/account_info/${nobody}`);
    assert.equal(unknown.status, 404, JSON.stringify(unknown.json));
    assert.equal((unknown.json as { code: number }).code, 5);
  });

  it("send_enabled, spendable balance by denom and denoms_metadata_by_query_string", async () => {
    const se = await get("/cosmos/bank/v1beta1/send_enabled");
    assert.equal(se.status, 200, JSON.stringify(se.json));
    assert.ok(Array.isArray((se.json as { send_enabled: unknown }).send_enabled));
    const a = t.accounts[1]!;
    const sb = await get(`/cosmos/bank/v1beta1/spendable_balances/${a.address}/by_denom`, "denom=aopen");
    assert.equal(sb.status, 200, JSON.stringify(sb.json));
    assert.deepEqual((sb.json as { balance: unknown }).balance, {
      denom: "aopen",
      amount: await balanceOf(a.address),
    });
    const md = await get("/cosmos/bank/v1beta1/denoms_metadata_by_query_string", "denom=nosuchdenom");
    assert.equal(md.status, 404, JSON.stringify(md.json));
    const bad = await get("/cosmos/bank/v1beta1/denoms_metadata_by_query_string", "denom=x");
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
  });

  it("gov v1 constitution and params (with the 0.50 unified params)", async () => {
    const c = await get("/cosmos/gov/v1/constitution");
    assert.equal(c.status, 200, JSON.stringify(c.json));
    assert.equal(typeof (c.json as { constitution: unknown }).constitution, "string");
    const p = await get("/cosmos/gov/v1/params/voting");
    assert.equal(p.status, 200, JSON.stringify(p.json));
    const params = (p.json as { params: { voting_period: string; quorum: string } | null }).params;
    assert.ok(params, "params (field 4) is printed");
    assert.match(params.voting_period, /^\d+(\.\d+)?s$/);
    assert.match(params.quorum, /^0\.\d+$/);
  });

  it("staking validators, community pool, and a missing validator's distribution info", async () => {
    const v = await get("/cosmos/staking/v1beta1/validators");
    assert.equal(v.status, 200, JSON.stringify(v.json));
    assert.ok(Array.isArray((v.json as { validators: unknown }).validators));
    const cp = await get("/cosmos/distribution/v1beta1/community_pool");
    assert.equal(cp.status, 200, JSON.stringify(cp.json));
    assert.ok(Array.isArray((cp.json as { pool: unknown }).pool));
    const di = await get("/cosmos/distribution/v1beta1/validators/openvaloper1bad");
    assert.equal(di.status, 400, JSON.stringify(di.json));
    assert.equal((di.json as { code: number }).code, 3);
  });
});

/** The bank balance in `aopen` of `address`, read through the bank Balance query (not via REST). */
async function balanceOf(address: string): Promise<string> {
  const r = await get(`/cosmos/bank/v1beta1/balances/${address}/by_denom`, "denom=aopen");
  return (r.json as { balance: { amount: string } }).balance.amount;
}
