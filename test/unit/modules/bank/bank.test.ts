import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomOwnersRequest,
  QueryDenomOwnersResponse,
  QueryDenomsMetadataRequest,
  QueryDenomsMetadataResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QuerySendEnabledRequest,
  QuerySendEnabledResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import type { OpenLedgerApp } from "../../../../src/app/app.js";
import { EventManager } from "../../../../src/app/events.js";
import { GasMeter } from "../../../../src/app/gas.js";
import { Context } from "../../../../src/app/types.js";
import { createBranch } from "../../../../src/store/index.js";
import { createTestApp, runBlock } from "../../../../src/testing/index.js";
import { CodedError } from "../../../../src/types/errors.js";

async function q(app: OpenLedgerApp, method: string, data: Uint8Array) {
  const r = await app.query({ path: `/cosmos.bank.v1beta1.Query/${method}`, data, height: 0, prove: false });
  return r;
}

const page = (limit: bigint, key: Uint8Array = new Uint8Array(), countTotal = false) => ({
  key,
  offset: 0n,
  limit,
  countTotal,
  reverse: false,
});

describe("bank queries", () => {
  it("serve balances, supply, metadata, owners and send-enabled with pagination", async () => {
    const { app, accounts } = await createTestApp({ accounts: 3 });
    await runBlock(app, []);
    const a = accounts[0]!.address;
    const all = QueryAllBalancesResponse.decode(
      (
        await q(
          app,
          "AllBalances",
          QueryAllBalancesRequest.encode({ address: a, resolveDenom: false }).finish(),
        )
      ).value,
    );
    assert.deepEqual(all.balances, [{ denom: "aopen", amount: (10n ** 24n).toString() }]);
    const sp = QuerySpendableBalancesResponse.decode(
      (await q(app, "SpendableBalances", QuerySpendableBalancesRequest.encode({ address: a }).finish()))
        .value,
    );
    assert.equal(sp.balances.length, 1);
    const supply = QueryTotalSupplyResponse.decode(
      (await q(app, "TotalSupply", QueryTotalSupplyRequest.encode({}).finish())).value,
    );
    assert.deepEqual(supply.supply, [{ denom: "aopen", amount: (3n * 10n ** 24n).toString() }]);
    const of = QuerySupplyOfResponse.decode(
      (await q(app, "SupplyOf", QuerySupplyOfRequest.encode({ denom: "nothing" }).finish())).value,
    );
    assert.equal(of.amount.amount, "0");
    const md = QueryDenomMetadataResponse.decode(
      (await q(app, "DenomMetadata", QueryDenomMetadataRequest.encode({ denom: "aopen" }).finish())).value,
    );
    assert.equal(md.metadata.display, "OPEN");
    assert.equal(md.metadata.denomUnits[1]!.exponent, 18);
    assert.equal(
      (await q(app, "DenomMetadata", QueryDenomMetadataRequest.encode({ denom: "zzz" }).finish())).code,
      22,
    );
    const mds = QueryDenomsMetadataResponse.decode(
      (await q(app, "DenomsMetadata", QueryDenomsMetadataRequest.encode({}).finish())).value,
    );
    assert.equal(mds.metadatas.length, 1);
    const o1 = QueryDenomOwnersResponse.decode(
      (
        await q(
          app,
          "DenomOwners",
          QueryDenomOwnersRequest.encode({ denom: "aopen", pagination: page(2n, undefined, true) }).finish(),
        )
      ).value,
    );
    assert.equal(o1.denomOwners.length, 2);
    assert.equal(o1.pagination!.total, 3n);
    const o2 = QueryDenomOwnersResponse.decode(
      (
        await q(
          app,
          "DenomOwners",
          QueryDenomOwnersRequest.encode({
            denom: "aopen",
            pagination: page(2n, o1.pagination!.nextKey),
          }).finish(),
        )
      ).value,
    );
    assert.equal(o2.denomOwners.length, 1);
    const owners = new Set([...o1.denomOwners, ...o2.denomOwners].map((o) => o.address));
    assert.deepEqual(owners, new Set(accounts.map((x) => x.address)));
    const params = QueryParamsResponse.decode(
      (await q(app, "Params", QueryParamsRequest.encode({}).finish())).value,
    );
    assert.equal(params.params.defaultSendEnabled, true);
    const se = QuerySendEnabledResponse.decode(
      (await q(app, "SendEnabled", QuerySendEnabledRequest.encode({ denoms: [] }).finish())).value,
    );
    assert.equal(se.sendEnabled.length, 0);
    assert.equal(
      (
        await q(
          app,
          "AllBalances",
          QueryAllBalancesRequest.encode({ address: "bad", resolveDenom: false }).finish(),
        )
      ).code,
      18,
    );
    assert.equal((await q(app, "Balance", new Uint8Array([0x0a]))).code, 18);
  });
});

describe("bank keeper", () => {
  it("moves, mints and burns with permissions, keeps the supply invariant and refuses overspends", async () => {
    const { app, accounts, store } = await createTestApp({ accounts: 2 });
    await runBlock(app, []);
    const bank = app.bankKeeper;
    const branch = createBranch(store.working);
    const ctx = new Context(
      branch,
      new GasMeter(undefined),
      new EventManager(),
      app.header,
      "block",
      app.chain,
    );
    const a = accounts[0]!.addressBytes;
    bank.sendCoinsFromAccountToModule(ctx, a, "bonded_tokens_pool", [{ denom: "aopen", amount: 10n }]);
    bank.burnCoins(ctx, "bonded_tokens_pool", [{ denom: "aopen", amount: 4n }]);
    assert.equal(bank.getSupply(ctx, "aopen"), 2n * 10n ** 24n - 4n);
    assert.throws(
      () => bank.mintCoins(ctx, "fee_collector", [{ denom: "aopen", amount: 1n }]),
      (e: unknown) => e instanceof CodedError && e.code === 4,
    );
    assert.throws(
      () => bank.sendCoins(ctx, a, accounts[1]!.addressBytes, [{ denom: "aopen", amount: 10n ** 30n }]),
      (e: unknown) =>
        e instanceof CodedError &&
        e.code === 5 &&
        /^spendable balance \d+aopen is smaller than 10{30}aopen: insufficient funds$/.test(e.message),
    );
    assert.throws(
      () =>
        bank.sendCoinsFromModuleToAccount(
          ctx,
          "bonded_tokens_pool",
          app.authKeeper.getModuleAccount(ctx, "fee_collector").address,
          [{ denom: "aopen", amount: 1n }],
        ),
      (e: unknown) => e instanceof CodedError && e.code === 4,
    );
    bank.setSendEnabled(ctx, "aopen", false);
    assert.throws(
      () => bank.checkSendEnabled(ctx, [{ denom: "aopen", amount: 1n }]),
      (e: unknown) => e instanceof CodedError && e.codespace === "bank" && e.code === 5,
    );
    const inv = app.modules.find((m) => m.name === "bank")!.invariants![0]!;
    assert.equal(inv.check(ctx), undefined);
    bank.setBalance(ctx, a, "aopen", 1n);
    assert.match(inv.check(ctx) ?? "", /total supply/);
  });
});

describe("store keys of the hot path", () => {
  it("equal the prefixed module keys (bank balances, auth accounts)", async () => {
    const bankKeys = await import("../../../../src/modules/bank/keys.js");
    const authKeys = await import("../../../../src/modules/auth/keys.js");
    const join = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);
    for (const len of [0, 20, 32]) {
      const address = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
      for (const denom of [
        "aopen",
        "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
        "ü",
      ]) {
        assert.deepEqual(
          bankKeys.storeBalanceKey(address, denom),
          join(bankKeys.STORE_PREFIX, bankKeys.balanceKey(address, denom)),
        );
      }
      assert.deepEqual(
        authKeys.storeAccountKey(address),
        join(authKeys.STORE_PREFIX, authKeys.accountKey(address)),
      );
    }
  });
});
