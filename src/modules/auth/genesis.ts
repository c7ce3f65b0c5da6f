/**
 * auth genesis in the SDK's JSON layout: `{params{…}, accounts:[{"@type": BaseAccount|ModuleAccount, …}]}`,
 * proto field names, int64 as strings, `pub_key` null or `{"@type": secp256k1.PubKey, key}`.
 */
import { Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { fromProtoNames, isObject, toProtoNames } from "../../app/protoJson.js";
import { fromBech32, toBech32 } from "../../crypto/address.js";
import { fromBase64, toBase64 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import type { Account } from "./keeper.js";
import { BASE_ACCOUNT_TYPE, MODULE_ACCOUNT_TYPE, SECP256K1_PUBKEY_TYPE } from "./keys.js";
import { defaultAuthParams, validateAuthParams } from "./params.js";

/** auth's genesis state, parsed. */
export interface AuthGenesis {
  params: Params;
  accounts: Account[];
  /** The bech32 prefix the account addresses use (undefined when there are none). */
  prefix: string | undefined;
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `auth genesis: ${msg}`);
}

function uintField(o: Record<string, unknown>, name: string): bigint {
  const v = o[name];
  if (v === undefined || v === null) return 0n;
  if (typeof v !== "string" && typeof v !== "number") throw bad(`${name} must be an integer string`);
  const s = String(v);
  if (!/^[0-9]{1,20}$/.test(s))
    throw bad(`${name} must be an unsigned integer, got ${JSON.stringify(s.slice(0, 40))}`);
  const n = BigInt(s);
  if (n >= 2n ** 64n) throw bad(`${name} overflows uint64`);
  return n;
}

function parseBase(o: unknown, where: string): { account: Account; prefix: string } {
  if (!isObject(o)) throw bad(`${where}: account must be an object`);
  if (typeof o["address"] !== "string") throw bad(`${where}: address must be a string`);
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(o["address"]);
  } catch (e) {
    throw bad(`${where}: ${(e as Error).message}`);
  }
  if (decoded.data.length !== 20 && decoded.data.length !== 32)
    throw bad(`${where}: address must be 20 or 32 bytes`);
  let pubKey: Uint8Array | undefined;
  const pk = o["pub_key"];
  if (pk !== undefined && pk !== null) {
    if (!isObject(pk) || pk["@type"] !== SECP256K1_PUBKEY_TYPE || typeof pk["key"] !== "string") {
      throw bad(`${where}: pub_key must be a ${SECP256K1_PUBKEY_TYPE}`);
    }
    try {
      pubKey = fromBase64(pk["key"]);
    } catch {
      throw bad(`${where}: pub_key.key must be base64`);
    }
    if (pubKey.length !== 33) throw bad(`${where}: pub_key.key must be 33 bytes`);
  }
  return {
    account: {
      address: decoded.data,
      pubKey,
      accountNumber: uintField(o, "account_number"),
      sequence: uintField(o, "sequence"),
    },
    prefix: decoded.prefix,
  };
}

/** Parse and validate auth genesis JSON; throws coded errors. */
export function parseAuthGenesis(json: unknown): AuthGenesis {
  if (!isObject(json)) throw bad("must be an object");
  let params: Params;
  try {
    params =
      json["params"] === undefined ? defaultAuthParams() : Params.fromJSON(fromProtoNames(json["params"]));
  } catch (e) {
    throw bad(`params: ${(e as Error).message}`);
  }
  validateAuthParams(params);
  const raw = json["accounts"] ?? [];
  if (!Array.isArray(raw)) throw bad("accounts must be an array");
  const accounts: Account[] = [];
  let prefix: string | undefined;
  const seenAddr = new Set<string>();
  const seenNum = new Set<bigint>();
  raw.forEach((a: unknown, i: number) => {
    const where = `accounts[${i}]`;
    if (!isObject(a)) throw bad(`${where} must be an object`);
    let parsed: { account: Account; prefix: string };
    if (a["@type"] === BASE_ACCOUNT_TYPE) {
      parsed = parseBase(a, where);
    } else if (a["@type"] === MODULE_ACCOUNT_TYPE) {
      parsed = parseBase(a["base_account"], `${where}.base_account`);
      if (typeof a["name"] !== "string" || a["name"] === "")
        throw bad(`${where}: module account name must be set`);
      const perms = a["permissions"] ?? [];
      if (!Array.isArray(perms) || !perms.every((p) => typeof p === "string"))
        throw bad(`${where}: permissions must be strings`);
      parsed.account.module = { name: a["name"], permissions: perms as string[] };
    } else {
      throw bad(`${where}: unsupported account type ${JSON.stringify(String(a["@type"]).slice(0, 100))}`);
    }
    if (prefix === undefined) prefix = parsed.prefix;
    else if (prefix !== parsed.prefix)
      throw bad(`${where}: address prefix ${parsed.prefix} differs from ${prefix}`);
    const key = toBase64(parsed.account.address);
    if (seenAddr.has(key))
      throw bad(`duplicate account found in genesis state; address: ${a["address"] ?? ""}`);
    if (seenNum.has(parsed.account.accountNumber))
      throw bad(`duplicate account number ${parsed.account.accountNumber}`);
    seenAddr.add(key);
    seenNum.add(parsed.account.accountNumber);
    accounts.push(parsed.account);
  });
  return { params, accounts, prefix };
}

/** One account as genesis JSON. */
export function accountToJson(acc: Account, prefix: string): Record<string, unknown> {
  const base = {
    address: toBech32(prefix, acc.address),
    pub_key: acc.pubKey ? { "@type": SECP256K1_PUBKEY_TYPE, key: toBase64(acc.pubKey) } : null,
    account_number: acc.accountNumber.toString(),
    sequence: acc.sequence.toString(),
  };
  if (acc.module) {
    return {
      "@type": MODULE_ACCOUNT_TYPE,
      base_account: base,
      name: acc.module.name,
      permissions: [...acc.module.permissions],
    };
  }
  return { "@type": BASE_ACCOUNT_TYPE, ...base };
}

/** auth genesis JSON from params and accounts (accounts in account-number order). */
export function authGenesisToJson(
  params: Params,
  accounts: readonly Account[],
  prefix: string,
): Record<string, unknown> {
  const sorted = [...accounts].sort((a, b) =>
    a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0,
  );
  return {
    params: toProtoNames(Params.toJSON(params)),
    accounts: sorted.map((a) => accountToJson(a, prefix)),
  };
}
