/** auth's `cosmos.auth.v1beta1.Query` service (read-only). */
import {
  AddressBytesToStringRequest,
  AddressBytesToStringResponse,
  AddressStringToBytesRequest,
  AddressStringToBytesResponse,
  Bech32PrefixResponse,
  QueryAccountAddressByIDRequest,
  QueryAccountAddressByIDResponse,
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsResponse,
  QueryParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, invalidArgument, notFound, paginate } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress, moduleAddress, toBech32 } from "../../crypto/address.js";
import { CodedError } from "../../types/errors.js";
import { accountNotFound } from "./errors.js";
import { type Account, type AuthKeeper, accountToAny } from "./keeper.js";
import { ACCOUNT_PREFIX, SECP256K1_PUBKEY_TYPE, STORE_PREFIX } from "./keys.js";

const SERVICE = "/cosmos.auth.v1beta1.Query";

function parseAddr(ctx: Context, address: string): Uint8Array {
  if (address === "") throw invalidArgument("empty address string is not allowed");
  try {
    return decodeAddress(address, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidArgument(e instanceof CodedError ? e.message : String(e));
  }
}

/** Register auth's query handlers. */
export function registerAuthQueries(r: ModuleRegistrar, keeper: AuthKeeper): void {
  r.registerQuery(`${SERVICE}/Account`, (ctx, data) => {
    const req = decodeRequest(QueryAccountRequest.decode, data);
    const addr = parseAddr(ctx, req.address);
    const acc = keeper.getAccount(ctx, addr);
    if (!acc) throw accountNotFound(req.address);
    return QueryAccountResponse.encode({ account: accountToAny(acc, ctx.chain.bech32Prefix) }).finish();
  });
  r.registerQuery(`${SERVICE}/Accounts`, (ctx, data) => {
    const req = decodeRequest(QueryAccountsRequest.decode, data);
    const store = new PrefixReader(ctx.kv(STORE_PREFIX), Uint8Array.of(ACCOUNT_PREFIX));
    const { items, pagination } = paginate(store, req.pagination, (_k, v) => Any.decode(v));
    return QueryAccountsResponse.encode({ accounts: items, pagination }).finish();
  });
  r.registerQuery(`${SERVICE}/Params`, (ctx) =>
    QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish(),
  );
  r.registerQuery(`${SERVICE}/ModuleAccounts`, (ctx) => {
    const accounts: Any[] = [];
    for (const name of keeper.moduleAccountNames()) {
      const acc = keeper.getAccount(ctx, moduleAddress(name));
      if (acc) accounts.push(accountToAny(acc, ctx.chain.bech32Prefix));
    }
    return QueryModuleAccountsResponse.encode({ accounts }).finish();
  });
  r.registerQuery(`${SERVICE}/ModuleAccountByName`, (ctx, data) => {
    const req = decodeRequest(QueryModuleAccountByNameRequest.decode, data);
    if (req.name === "") throw invalidArgument("module name is empty");
    const acc = keeper.getAccount(ctx, moduleAddress(req.name));
    if (!acc?.module) throw notFound(`account ${req.name} not found`);
    return QueryModuleAccountByNameResponse.encode({
      account: accountToAny(acc, ctx.chain.bech32Prefix),
    }).finish();
  });
  r.registerQuery(`${SERVICE}/Bech32Prefix`, (ctx) =>
    Bech32PrefixResponse.encode({ bech32Prefix: ctx.chain.bech32Prefix }).finish(),
  );
  r.registerQuery(`${SERVICE}/AddressBytesToString`, (ctx, data) => {
    const req = decodeRequest(AddressBytesToStringRequest.decode, data);
    if (req.addressBytes.length === 0) throw invalidArgument("empty address bytes is not allowed");
    return AddressBytesToStringResponse.encode({
      addressString: toBech32(ctx.chain.bech32Prefix, req.addressBytes),
    }).finish();
  });
  r.registerQuery(`${SERVICE}/AddressStringToBytes`, (ctx, data) => {
    const req = decodeRequest(AddressStringToBytesRequest.decode, data);
    return AddressStringToBytesResponse.encode({ addressBytes: parseAddr(ctx, req.addressString) }).finish();
  });
  r.registerQuery(`${SERVICE}/AccountAddressByID`, (ctx, data) => {
    const req = decodeRequest(QueryAccountAddressByIDRequest.decode, data);
    const id = req.accountId !== 0n ? req.accountId : req.id;
    if (id < 0n) throw invalidArgument("invalid account id");
    const addr = keeper.addressByNumber(ctx.kv(STORE_PREFIX), id);
    if (!addr) throw notFound(`account address not found with account number ${id}`);
    return QueryAccountAddressByIDResponse.encode({
      accountAddress: toBech32(ctx.chain.bech32Prefix, addr),
    }).finish();
  });
  r.registerQuery(`${SERVICE}/AccountInfo`, (ctx, data) => {
    const req = decodeRequest(QueryAccountInfoRequest.decode, data);
    const addr = parseAddr(ctx, req.address);
    const acc: Account | undefined = keeper.getAccount(ctx, addr);
    if (!acc) throw accountNotFound(req.address);
    return QueryAccountInfoResponse.encode({
      info: {
        address: toBech32(ctx.chain.bech32Prefix, acc.address),
        pubKey: acc.pubKey
          ? { typeUrl: SECP256K1_PUBKEY_TYPE, value: PubKey.encode({ key: acc.pubKey }).finish() }
          : undefined,
        accountNumber: acc.accountNumber,
        sequence: acc.sequence,
      },
    }).finish();
  });
}
