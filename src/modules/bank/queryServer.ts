/** bank's `cosmos.bank.v1beta1.Query` service (read-only), with SDK pagination. */
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { Metadata as MetadataCodec } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryDenomMetadataByQueryStringRequest,
  QueryDenomMetadataByQueryStringResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomOwnersRequest,
  QueryDenomOwnersResponse,
  QueryDenomsMetadataRequest,
  QueryDenomsMetadataResponse,
  QueryParamsResponse,
  QuerySendEnabledRequest,
  QuerySendEnabledResponse,
  QuerySpendableBalanceByDenomRequest,
  QuerySpendableBalanceByDenomResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { isValidDenom } from "../../app/coins.js";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, invalidArgument, notFound, paginate } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { fromUtf8 } from "../../types/bytes.js";
import { CodedError } from "../../types/errors.js";
import { type BankKeeper, decodeAmount } from "./keeper.js";
import {
  balanceKey,
  balancesPrefix,
  DENOM_METADATA_PREFIX,
  denomKey,
  denomOwnersPrefix,
  STORE_PREFIX,
  SUPPLY_PREFIX,
} from "./keys.js";

const SERVICE = "/cosmos.bank.v1beta1.Query";

function parseAddr(ctx: Context, address: string): Uint8Array {
  if (address === "") throw invalidArgument("empty address string is not allowed");
  try {
    return decodeAddress(address, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidArgument(`invalid address: ${e instanceof CodedError ? e.message : String(e)}`);
  }
}

function checkDenom(denom: string): void {
  if (denom === "") throw invalidArgument("invalid denom");
  if (!isValidDenom(denom)) throw invalidArgument(`invalid denom: ${denom}`);
}

/** Register bank's query handlers. */
export function registerBankQueries(r: ModuleRegistrar, keeper: BankKeeper): void {
  const bank = (ctx: Context) => ctx.kv(STORE_PREFIX);
  r.registerQuery(`${SERVICE}/Balance`, (ctx, data) => {
    const req = decodeRequest(QueryBalanceRequest.decode, data);
    const a = parseAddr(ctx, req.address);
    checkDenom(req.denom);
    const bz = bank(ctx).get(balanceKey(a, req.denom));
    const amount = bz === undefined ? 0n : decodeAmount(bz);
    return QueryBalanceResponse.encode({ balance: { denom: req.denom, amount: amount.toString() } }).finish();
  });
  const allBalances = (ctx: Context, address: string, pagination: QueryAllBalancesRequest["pagination"]) => {
    const a = parseAddr(ctx, address);
    const store = new PrefixReader(bank(ctx), balancesPrefix(a));
    return paginate(store, pagination, (k, v) => ({
      denom: fromUtf8(k),
      amount: decodeAmount(v).toString(),
    }));
  };
  r.registerQuery(`${SERVICE}/AllBalances`, (ctx, data) => {
    const req = decodeRequest(QueryAllBalancesRequest.decode, data);
    const { items, pagination } = allBalances(ctx, req.address, req.pagination);
    return QueryAllBalancesResponse.encode({ balances: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/SpendableBalances`, (ctx, data) => {
    const req = decodeRequest(QuerySpendableBalancesRequest.decode, data);
    const { items, pagination } = allBalances(ctx, req.address, req.pagination);
    return QuerySpendableBalancesResponse.encode({ balances: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/SpendableBalanceByDenom`, (ctx, data) => {
    const req = decodeRequest(QuerySpendableBalanceByDenomRequest.decode, data);
    const a = parseAddr(ctx, req.address);
    checkDenom(req.denom);
    const bz = bank(ctx).get(balanceKey(a, req.denom));
    const amount = bz === undefined ? 0n : decodeAmount(bz);
    return QuerySpendableBalanceByDenomResponse.encode({
      balance: { denom: req.denom, amount: amount.toString() },
    }).finish();
  });
  r.registerQuery(`${SERVICE}/TotalSupply`, (ctx, data) => {
    const req = decodeRequest(QueryTotalSupplyRequest.decode, data);
    const store = new PrefixReader(bank(ctx), Uint8Array.of(SUPPLY_PREFIX));
    const { items, pagination } = paginate(store, req.pagination, (k, v) => ({
      denom: fromUtf8(k),
      amount: decodeAmount(v).toString(),
    }));
    return QueryTotalSupplyResponse.encode({ supply: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/SupplyOf`, (ctx, data) => {
    const req = decodeRequest(QuerySupplyOfRequest.decode, data);
    checkDenom(req.denom);
    const bz = bank(ctx).get(denomKey(SUPPLY_PREFIX, req.denom));
    const amount = bz === undefined ? 0n : decodeAmount(bz);
    return QuerySupplyOfResponse.encode({ amount: { denom: req.denom, amount: amount.toString() } }).finish();
  });
  r.registerQuery(`${SERVICE}/Params`, (ctx) =>
    QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish(),
  );
  const metadataOf = (ctx: Context, denom: string): Metadata => {
    checkDenom(denom);
    const md = keeper.getDenomMetadata(ctx, denom);
    if (!md) throw notFound(`client metadata for denom ${denom}`);
    return md;
  };
  r.registerQuery(`${SERVICE}/DenomMetadata`, (ctx, data) => {
    const req = decodeRequest(QueryDenomMetadataRequest.decode, data);
    return QueryDenomMetadataResponse.encode({ metadata: metadataOf(ctx, req.denom) }).finish();
  });
  r.registerQuery(`${SERVICE}/DenomMetadataByQueryString`, (ctx, data) => {
    const req = decodeRequest(QueryDenomMetadataByQueryStringRequest.decode, data);
    return QueryDenomMetadataByQueryStringResponse.encode({ metadata: metadataOf(ctx, req.denom) }).finish();
  });
  r.registerQuery(`${SERVICE}/DenomsMetadata`, (ctx, data) => {
    const req = decodeRequest(QueryDenomsMetadataRequest.decode, data);
    const store = new PrefixReader(bank(ctx), Uint8Array.of(DENOM_METADATA_PREFIX));
    const { items, pagination } = paginate(store, req.pagination, (_k, v) => MetadataCodec.decode(v));
    return QueryDenomsMetadataResponse.encode({ metadatas: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/DenomOwners`, (ctx, data) => {
    const req = decodeRequest(QueryDenomOwnersRequest.decode, data);
    checkDenom(req.denom);
    const b = bank(ctx);
    const store = new PrefixReader(b, denomOwnersPrefix(req.denom));
    const { items, pagination } = paginate(store, req.pagination, (k) => {
      const bz = b.get(balanceKey(k, req.denom));
      return {
        address: toBech32(ctx.chain.bech32Prefix, k),
        balance: { denom: req.denom, amount: (bz === undefined ? 0n : decodeAmount(bz)).toString() },
      };
    });
    return QueryDenomOwnersResponse.encode({ denomOwners: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/SendEnabled`, (ctx, data) => {
    const req = decodeRequest(QuerySendEnabledRequest.decode, data);
    const b = bank(ctx);
    if (req.denoms.length > 0) {
      const sendEnabled = [];
      for (const d of req.denoms) {
        const f = keeper.readSendEnabledFlag(b, d);
        if (f !== undefined) sendEnabled.push({ denom: d, enabled: f });
      }
      return QuerySendEnabledResponse.encode({ sendEnabled }).finish();
    }
    const store = new PrefixReader(b, denomKey(0x04, ""));
    const { items, pagination } = paginate(store, req.pagination, (k, v) => ({
      denom: fromUtf8(k),
      enabled: v[0] === 1,
    }));
    return QuerySendEnabledResponse.encode({ sendEnabled: items, pagination }).finish();
  });
}
