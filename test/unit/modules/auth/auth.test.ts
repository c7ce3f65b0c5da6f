import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  Bech32PrefixRequest,
  Bech32PrefixResponse,
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsRequest,
  QueryModuleAccountsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import type { OpenLedgerApp } from "../../../../src/app/app.js";
import { createTestApp, hdAccount, runBlock } from "../../../../src/testing/index.js";

async function q(app: OpenLedgerApp, method: string, data: Uint8Array) {
  return app.query({ path: `/cosmos.auth.v1beta1.Query/${method}`, data, height: 0, prove: false });
}

describe("auth queries", () => {
  it("serves Account, and a missing account as sdk 22 with the SDK's log", async () => {
    const { app, accounts } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const r = await q(app, "Account", QueryAccountRequest.encode({ address: accounts[1]!.address }).finish());
    assert.equal(r.code, 0);
    assert.equal(r.height, 1);
    const any = QueryAccountResponse.decode(r.value).account!;
    assert.equal(any.typeUrl, "/cosmos.auth.v1beta1.BaseAccount");
    const acc = BaseAccount.decode(any.value);
    assert.equal(acc.address, accounts[1]!.address);
    assert.equal(acc.accountNumber, 1n);
    const missing = hdAccount(99).address;
    const m = await q(app, "Account", QueryAccountRequest.encode({ address: missing }).finish());
    assert.equal(m.code, 22);
    assert.equal(m.codespace, "sdk");
    assert.equal(m.log, `rpc error: code = NotFound desc = account ${missing} not found: key not found`);
    const bad = await q(app, "Account", QueryAccountRequest.encode({ address: "cosmos1xyz" }).finish());
    assert.equal(bad.code, 18);
    const garbage = await q(app, "Account", new Uint8Array([0xff, 0xff]));
    assert.equal(garbage.code, 18);
  });

  it("pages through Accounts", async () => {
    const { app } = await createTestApp({ accounts: 4 });
    await runBlock(app, []);
    const page1 = QueryAccountsResponse.decode(
      (
        await q(
          app,
          "Accounts",
          QueryAccountsRequest.encode({
            pagination: { key: new Uint8Array(), offset: 0n, limit: 5n, countTotal: true, reverse: false },
          }).finish(),
        )
      ).value,
    );
    assert.equal(page1.accounts.length, 5);
    assert.equal(page1.pagination!.total, 9n);
    const page2 = QueryAccountsResponse.decode(
      (
        await q(
          app,
          "Accounts",
          QueryAccountsRequest.encode({
            pagination: {
              key: page1.pagination!.nextKey,
              offset: 0n,
              limit: 5n,
              countTotal: false,
              reverse: false,
            },
          }).finish(),
        )
      ).value,
    );
    assert.equal(page2.accounts.length, 4);
    assert.equal(page2.pagination!.nextKey.length, 0);
  });

  it("serves Params, ModuleAccounts, ModuleAccountByName, Bech32Prefix and AccountInfo", async () => {
    const { app, accounts } = await createTestApp({ accounts: 1 });
    await runBlock(app, []);
    const p = QueryParamsResponse.decode(
      (await q(app, "Params", QueryParamsRequest.encode({}).finish())).value,
    ).params;
    assert.equal(p.maxMemoCharacters, 256n);
    assert.equal(p.sigVerifyCostSecp256k1, 1000n);
    const mods = QueryModuleAccountsResponse.decode(
      (await q(app, "ModuleAccounts", QueryModuleAccountsRequest.encode({}).finish())).value,
    );
    assert.ok(mods.accounts.some((a) => ModuleAccount.decode(a.value).name === "fee_collector"));
    const fc = await q(
      app,
      "ModuleAccountByName",
      QueryModuleAccountByNameRequest.encode({ name: "fee_collector" }).finish(),
    );
    assert.equal(
      ModuleAccount.decode(QueryModuleAccountByNameResponse.decode(fc.value).account!.value).baseAccount!
        .address,
      app.moduleAccountAddress("fee_collector"),
    );
    assert.equal(
      (await q(app, "ModuleAccountByName", QueryModuleAccountByNameRequest.encode({ name: "nope" }).finish()))
        .code,
      22,
    );
    assert.equal(
      Bech32PrefixResponse.decode(
        (await q(app, "Bech32Prefix", Bech32PrefixRequest.encode({}).finish())).value,
      ).bech32Prefix,
      "open",
    );
    const info = QueryAccountInfoResponse.decode(
      (
        await q(
          app,
          "AccountInfo",
          QueryAccountInfoRequest.encode({ address: accounts[0]!.address }).finish(),
        )
      ).value,
    );
    assert.equal(info.info!.address, accounts[0]!.address);
  });
});
