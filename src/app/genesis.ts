/**
 * The app's genesis: the chain config read from `app_state` (bech32 prefix from the auth accounts,
 * bond denom from staking params or the first denom metadata), `defaultAppState` for a dev or
 * network genesis, and `validateAppState` with coded errors.
 */
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { decodeAddress, fromBech32, moduleAddress, toBech32 } from "../crypto/address.js";
import { authGenesisToJson, parseAuthGenesis } from "../modules/auth/genesis.js";
import { type Account, AuthKeeper } from "../modules/auth/keeper.js";
import { FEE_COLLECTOR, PERM_BURNER, PERM_STAKING } from "../modules/auth/keys.js";
import { AuthModule } from "../modules/auth/module.js";
import { defaultAuthParams } from "../modules/auth/params.js";
import { bankGenesisToJson } from "../modules/bank/genesis.js";
import { BankKeeper } from "../modules/bank/keeper.js";
import { BankModule } from "../modules/bank/module.js";
import { defaultBankParams } from "../modules/bank/params.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { addCoins, type BigCoin, isValidDenom, parseCoinsString, validateCoins } from "./coins.js";
import { isObject } from "./protoJson.js";
import {
  type AppModule,
  type ChainConfig,
  DEFAULT_BECH32_PREFIX,
  DEFAULT_DENOM,
  DEFAULT_DENOM_EXPONENT,
  DEFAULT_DISPLAY_DENOM,
  type ModuleAccountSpec,
  makeChainConfig,
} from "./types.js";

/** Module accounts every OpenLedger genesis carries (the SDK's standard set). */
export const DEFAULT_MODULE_ACCOUNTS: readonly ModuleAccountSpec[] = [
  { name: FEE_COLLECTOR, permissions: [] },
  { name: "distribution", permissions: [] },
  { name: "bonded_tokens_pool", permissions: [PERM_BURNER, PERM_STAKING] },
  { name: "not_bonded_tokens_pool", permissions: [PERM_BURNER, PERM_STAKING] },
  { name: "gov", permissions: [PERM_BURNER] },
];

/** Options of `defaultAppState`. */
export interface DefaultAppStateOptions {
  /** Funded accounts: bech32 address and coins (`"1000aopen"` or a coin list). */
  accounts: { address: string; coins: string | BigCoin[] }[];
  /** Bech32 account prefix (default `open`). */
  prefix?: string;
  /** Base denom (default `aopen`); its metadata is added. */
  denom?: string;
  /** Display denom (default `OPEN`). */
  displayDenom?: string;
  /** Display exponent (default 18). */
  exponent?: number;
  /** Module accounts (default `DEFAULT_MODULE_ACCOUNTS`) plus these. */
  extraModuleAccounts?: ModuleAccountSpec[];
  /** Balances of module accounts by name (e.g. a rewards pool). */
  moduleBalances?: Record<string, string | BigCoin[]>;
  /** Further modules' genesis states, copied in as given. */
  moduleStates?: Record<string, unknown>;
}

function invalidGenesis(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `invalid app_state: ${msg}`);
}

/** The denom metadata of the chain token (base, display, exponent). */
export function tokenMetadata(
  denom = DEFAULT_DENOM,
  display = DEFAULT_DISPLAY_DENOM,
  exponent = DEFAULT_DENOM_EXPONENT,
): Metadata {
  return {
    description: "The native token of OpenLedger, used for gas, fees, staking and governance.",
    denomUnits: [
      { denom, exponent: 0, aliases: [] },
      { denom: display, exponent, aliases: [] },
    ],
    base: denom,
    display,
    name: display,
    symbol: display,
    uri: "",
    uriHash: "",
  };
}

/** The chain config an `app_state` implies; throws coded errors on mixed prefixes. */
export function chainConfigFromAppState(appState: Record<string, unknown>): ChainConfig {
  let prefix = DEFAULT_BECH32_PREFIX;
  const auth = appState["auth"];
  if (auth !== undefined) {
    const g = parseAuthGenesis(auth);
    if (g.prefix !== undefined) prefix = g.prefix;
  }
  let denom = DEFAULT_DENOM;
  const staking = appState["staking"];
  const bank = appState["bank"];
  const bondDenom =
    isObject(staking) && isObject(staking["params"]) ? staking["params"]["bond_denom"] : undefined;
  if (typeof bondDenom === "string" && isValidDenom(bondDenom)) {
    denom = bondDenom;
  } else if (isObject(bank) && Array.isArray(bank["denom_metadata"]) && isObject(bank["denom_metadata"][0])) {
    const base = bank["denom_metadata"][0]["base"];
    if (typeof base === "string" && isValidDenom(base)) denom = base;
  }
  return makeChainConfig(prefix, denom);
}

/** A valid `app_state` for auth and bank (plus `moduleStates`), in canonical order. */
export function defaultAppState(opts: DefaultAppStateOptions): Record<string, unknown> {
  const prefix = opts.prefix ?? DEFAULT_BECH32_PREFIX;
  const denom = opts.denom ?? DEFAULT_DENOM;
  const accounts: Account[] = [];
  const balances: { address: string; addressBytes: Uint8Array; coins: BigCoin[] }[] = [];
  let supply: BigCoin[] = [];
  const toCoins = (c: string | BigCoin[]): BigCoin[] => {
    const coins =
      typeof c === "string" ? parseCoinsString(c) : [...c].sort((a, b) => (a.denom < b.denom ? -1 : 1));
    validateCoins(coins);
    return coins;
  };
  let n = 0n;
  const seen = new Set<string>();
  for (const a of opts.accounts) {
    const bytes = decodeAddress(a.address, prefix);
    if (seen.has(a.address)) throw invalidGenesis(`duplicate account ${a.address}`);
    seen.add(a.address);
    accounts.push({ address: bytes, pubKey: undefined, accountNumber: n++, sequence: 0n });
    const coins = toCoins(a.coins);
    if (coins.length > 0) {
      balances.push({ address: a.address, addressBytes: bytes, coins });
      supply = addCoins(supply, coins);
    }
  }
  const mods = [...DEFAULT_MODULE_ACCOUNTS, ...(opts.extraModuleAccounts ?? [])].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const m of mods) {
    const address = moduleAddress(m.name);
    accounts.push({
      address,
      pubKey: undefined,
      accountNumber: n++,
      sequence: 0n,
      module: { name: m.name, permissions: [...m.permissions] },
    });
    const mb = opts.moduleBalances?.[m.name];
    if (mb !== undefined) {
      const coins = toCoins(mb);
      balances.push({ address: toBech32(prefix, address), addressBytes: address, coins });
      supply = addCoins(supply, coins);
    }
  }
  const md = tokenMetadata(
    denom,
    opts.displayDenom ?? DEFAULT_DISPLAY_DENOM,
    opts.exponent ?? DEFAULT_DENOM_EXPONENT,
  );
  return {
    auth: authGenesisToJson(defaultAuthParams(), accounts, prefix),
    bank: bankGenesisToJson(
      { params: defaultBankParams(), denomMetadata: [md], sendEnabled: [] },
      balances,
      supply,
    ),
    ...(opts.moduleStates ?? {}),
  };
}

/** Validate an `app_state` JSON value with the given modules (default: auth and bank); throws coded errors. */
export function validateAppState(json: unknown, modules?: AppModule[]): ChainConfig {
  if (!isObject(json)) throw invalidGenesis("must be a JSON object");
  const chain = chainConfigFromAppState(json);
  let mods = modules;
  if (!mods) {
    const auth = new AuthKeeper();
    mods = [new AuthModule(auth), new BankModule(new BankKeeper(auth))];
  }
  for (const m of mods) {
    const state = json[m.name];
    if (state !== undefined) m.validateGenesis?.(state, chain);
  }
  const auth = json["auth"];
  const bank = json["bank"];
  if (isObject(bank) && Array.isArray(bank["balances"]) && auth !== undefined) {
    const known = new Set(parseAuthGenesis(auth).accounts.map((a) => Buffer.from(a.address).toString("hex")));
    for (const b of bank["balances"] as unknown[]) {
      if (!isObject(b) || typeof b["address"] !== "string") continue;
      const { data } = fromBech32(b["address"]);
      if (!known.has(Buffer.from(data).toString("hex")))
        throw invalidGenesis(`balance of ${b["address"]} has no account in auth genesis`);
    }
  }
  return chain;
}
