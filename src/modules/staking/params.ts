/** staking params: SDK defaults, validation, and the genesis JSON form. */
import { Params } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { isValidDenom } from "../../app/coins.js";
import { DEFAULT_DENOM } from "../../app/types.js";
import { formatDecString, ONE, parseDecString } from "./dec.js";
import { invalidRequest } from "./errors.js";

/** 21 days. */
export const DEFAULT_UNBONDING_SECONDS = 1_814_400n;

/** SDK defaults with the chain's bond denom. */
export function defaultStakingParams(bondDenom = DEFAULT_DENOM): Params {
  return {
    unbondingTime: { seconds: DEFAULT_UNBONDING_SECONDS, nanos: 0 },
    maxValidators: 100,
    maxEntries: 7,
    historicalEntries: 10_000,
    bondDenom,
    minCommissionRate: "0",
  };
}

/** Throw `sdk` 18 on invalid params. */
export function validateStakingParams(p: Params): void {
  if (!p.unbondingTime || p.unbondingTime.seconds <= 0n)
    throw invalidRequest("unbonding time must be positive");
  if (p.maxValidators <= 0) throw invalidRequest("max validators must be positive");
  if (p.maxEntries <= 0) throw invalidRequest("max entries must be positive");
  if (p.historicalEntries < 0) throw invalidRequest("historical entries must not be negative");
  if (!isValidDenom(p.bondDenom)) throw invalidRequest(`invalid bond denom ${p.bondDenom}`);
  if (!/^[0-9]{1,19}$/.test(p.minCommissionRate || "0")) throw invalidRequest("invalid min commission rate");
  const r = BigInt(p.minCommissionRate || "0");
  if (r > ONE) throw invalidRequest(`minimum commission rate cannot be greater than 100%: ${r}`);
}

/** Params → SDK genesis JSON. */
export function stakingParamsToJson(p: Params): Record<string, unknown> {
  return {
    unbonding_time: `${p.unbondingTime.seconds}s`,
    max_validators: p.maxValidators,
    max_entries: p.maxEntries,
    historical_entries: p.historicalEntries,
    bond_denom: p.bondDenom,
    min_commission_rate: formatDecString(BigInt(p.minCommissionRate || "0")),
  };
}

/** SDK genesis JSON → Params (missing fields take defaults). */
export function stakingParamsFromJson(j: Record<string, unknown>, bondDenom?: string): Params {
  const d = defaultStakingParams(bondDenom);
  const ut = j["unbonding_time"];
  let seconds = d.unbondingTime.seconds;
  if (typeof ut === "string") {
    const m = /^([0-9]+)(?:\.[0-9]+)?s$/.exec(ut);
    if (!m) throw invalidRequest(`invalid unbonding_time ${ut}`);
    seconds = BigInt(m[1]!);
  }
  const num = (k: string, def: number): number => {
    const v = j[k];
    return v === undefined ? def : Number(v);
  };
  const mcr = j["min_commission_rate"];
  const p: Params = {
    unbondingTime: { seconds, nanos: 0 },
    maxValidators: num("max_validators", d.maxValidators),
    maxEntries: num("max_entries", d.maxEntries),
    historicalEntries: num("historical_entries", d.historicalEntries),
    bondDenom: typeof j["bond_denom"] === "string" ? j["bond_denom"] : d.bondDenom,
    minCommissionRate: typeof mcr === "string" ? parseDecString(mcr).toString() : "0",
  };
  validateStakingParams(p);
  return p;
}

export { Params };
