/**
 * bank genesis in the SDK's JSON layout: `{params, balances[{address, coins}], supply, denom_metadata,
 * send_enabled}` with proto field names. Export sorts balances by address bytes and the rest by denom,
 * so export(init(x)) = x for a canonical x.
 */
import { GenesisState } from "cosmjs-types/cosmos/bank/v1beta1/genesis";
import {
  addCoins,
  type BigCoin,
  fromProtoCoins,
  isValidDenom,
  toProtoCoins,
  validateCoins,
} from "../../app/coins.js";
import { fromProtoNames, isObject, toProtoNames } from "../../app/protoJson.js";
import { fromBech32 } from "../../crypto/address.js";
import { compareBytes } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { defaultBankParams, validateBankParams } from "./params.js";

/** bank genesis, parsed and validated. */
export interface BankGenesis {
  state: GenesisState;
  balances: { address: Uint8Array; coins: BigCoin[] }[];
  supply: BigCoin[];
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `bank genesis: ${msg}`);
}

/** Parse and validate bank genesis JSON (`prefix`: expected bech32 prefix). Throws coded errors. */
export function parseBankGenesis(json: unknown, prefix: string): BankGenesis {
  if (!isObject(json)) throw bad("must be an object");
  let state: GenesisState;
  try {
    state = GenesisState.fromJSON(fromProtoNames(json));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (json["params"] === undefined) state.params = defaultBankParams();
  validateBankParams(state.params);
  const balances: BankGenesis["balances"] = [];
  const seen = new Set<string>();
  let total: BigCoin[] = [];
  for (const b of state.balances) {
    let decoded: { prefix: string; data: Uint8Array };
    try {
      decoded = fromBech32(b.address);
    } catch (e) {
      throw bad(`balance address: ${(e as Error).message}`);
    }
    if (decoded.prefix !== prefix) throw bad(`balance address ${b.address} must have prefix ${prefix}`);
    if (seen.has(b.address)) throw bad(`duplicate balance for address ${b.address}`);
    seen.add(b.address);
    let coins: BigCoin[];
    try {
      coins = fromProtoCoins(b.coins);
      validateCoins(coins);
    } catch (e) {
      throw bad(`balance of ${b.address}: ${(e as Error).message}`);
    }
    total = addCoins(total, coins);
    balances.push({ address: decoded.data, coins });
  }
  let supply: BigCoin[];
  try {
    supply = fromProtoCoins(state.supply);
    validateCoins(supply);
  } catch (e) {
    throw bad(`supply: ${(e as Error).message}`);
  }
  if (supply.length > 0) {
    const same =
      supply.length === total.length &&
      supply.every((c, i) => c.denom === total[i]!.denom && c.amount === total[i]!.amount);
    if (!same) throw bad("genesis supply is incorrect, expected the sum of balances");
  }
  const mdSeen = new Set<string>();
  for (const md of state.denomMetadata) {
    if (!isValidDenom(md.base)) throw bad(`invalid metadata base denom: ${md.base}`);
    if (mdSeen.has(md.base)) throw bad(`duplicate client metadata for denom ${md.base}`);
    mdSeen.add(md.base);
    if (md.denomUnits.length > 0 && md.denomUnits[0]!.denom !== md.base) {
      throw bad(`metadata's first denomination unit must be the one with base denom '${md.base}'`);
    }
    if (md.display !== "" && !md.denomUnits.some((u) => u.denom === md.display)) {
      throw bad(`metadata must contain a denomination unit with display denom '${md.display}'`);
    }
  }
  const seSeen = new Set<string>();
  for (const se of state.sendEnabled) {
    if (!isValidDenom(se.denom)) throw bad(`invalid send_enabled denom: ${se.denom}`);
    if (seSeen.has(se.denom)) throw bad(`duplicate send enabled found: '${se.denom}'`);
    seSeen.add(se.denom);
  }
  return { state, balances, supply: total };
}

/** bank genesis JSON from its parts (sorted canonically). */
export function bankGenesisToJson(
  state: Omit<GenesisState, "balances" | "supply">,
  balances: readonly { address: string; addressBytes: Uint8Array; coins: BigCoin[] }[],
  supply: readonly BigCoin[],
): Record<string, unknown> {
  const sortedBalances = [...balances].sort(
    (a, b) => a.addressBytes.length - b.addressBytes.length || compareBytes(a.addressBytes, b.addressBytes),
  );
  const full: GenesisState = {
    params: state.params,
    balances: sortedBalances.map((b) => ({ address: b.address, coins: toProtoCoins(b.coins) })),
    supply: toProtoCoins(supply),
    denomMetadata: [...state.denomMetadata].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0)),
    sendEnabled: [...state.sendEnabled].sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0)),
  };
  return toProtoNames(GenesisState.toJSON(full)) as Record<string, unknown>;
}
