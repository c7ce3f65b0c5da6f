/**
 * staking's genesis state in SDK JSON (proto field names, decimals as `"0.100000000000000000"`,
 * consensus keys as `{"@type": "/cosmos.crypto.ed25519.PubKey", "key": b64}`), parse and export.
 */
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import {
  BondStatus,
  bondStatusFromJSON,
  bondStatusToJSON,
  type Delegation,
  type Params,
  type Redelegation,
  type UnbondingDelegation,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Timestamp } from "../../abci/types.js";
import { isObject } from "../../app/protoJson.js";
import { toBech32 } from "../../crypto/address.js";
import { fromBase64, toBase64 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { formatDecString, parseDecString } from "./dec.js";
import { ED25519_PUBKEY_TYPE } from "./keeper.js";
import { defaultStakingParams, stakingParamsFromJson, stakingParamsToJson } from "./params.js";

/** The parsed staking genesis. */
export interface StakingGenesis {
  params: Params;
  lastTotalPower: bigint;
  lastValidatorPowers: { address: string; power: bigint }[];
  validators: Validator[];
  delegations: Delegation[];
  unbondingDelegations: UnbondingDelegation[];
  redelegations: Redelegation[];
  exported: boolean;
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `invalid staking genesis: ${msg}`);
}

/** RFC3339 (with optional fraction) → Timestamp. */
export function timeFromJson(s: unknown): Timestamp {
  if (typeof s !== "string") return { seconds: 0n, nanos: 0 };
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw bad(`invalid time ${s.slice(0, 40)}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw bad(`invalid time ${s.slice(0, 40)}`);
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** Timestamp → RFC3339 (UTC, fraction only when nonzero). */
export function timeToJson(t: Timestamp): string {
  const base = new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  const frac = t.nanos > 0 ? `.${t.nanos.toString().padStart(9, "0").replace(/0+$/, "")}` : "";
  return `${base}${frac}Z`;
}

const str = (v: unknown, def = ""): string => (typeof v === "string" ? v : v === undefined ? def : String(v));
const dec = (v: unknown): string => (v === undefined || v === "" ? "0" : parseDecString(str(v)).toString());
const int = (v: unknown, what: string): string => {
  const s = str(v, "0");
  if (!/^[0-9]{1,78}$/.test(s)) throw bad(`invalid ${what} ${s.slice(0, 40)}`);
  return s;
};

function validatorFromJson(j: unknown): Validator {
  if (!isObject(j)) throw bad("validator must be an object");
  const pk = j["consensus_pubkey"];
  if (!isObject(pk) || pk["@type"] !== ED25519_PUBKEY_TYPE || typeof pk["key"] !== "string")
    throw bad("validator consensus_pubkey must be an ed25519 key");
  const key = fromBase64(pk["key"]);
  if (key.length !== 32) throw bad("ed25519 consensus key must be 32 bytes");
  const d = isObject(j["description"]) ? j["description"] : {};
  const c = isObject(j["commission"]) ? j["commission"] : {};
  const cr = isObject(c["commission_rates"]) ? c["commission_rates"] : {};
  const status = bondStatusFromJSON(j["status"] ?? "BOND_STATUS_UNBONDED");
  if (status === BondStatus.UNRECOGNIZED) throw bad(`invalid status ${str(j["status"])}`);
  return {
    operatorAddress: str(j["operator_address"]),
    consensusPubkey: { typeUrl: ED25519_PUBKEY_TYPE, value: Ed25519PubKey.encode({ key }).finish() },
    jailed: j["jailed"] === true,
    status,
    tokens: int(j["tokens"], "tokens"),
    delegatorShares: dec(j["delegator_shares"]),
    description: {
      moniker: str(d["moniker"]),
      identity: str(d["identity"]),
      website: str(d["website"]),
      securityContact: str(d["security_contact"]),
      details: str(d["details"]),
    },
    unbondingHeight: BigInt(int(j["unbonding_height"], "unbonding_height")),
    unbondingTime: timeFromJson(j["unbonding_time"]),
    commission: {
      commissionRates: {
        rate: dec(cr["rate"]),
        maxRate: dec(cr["max_rate"]),
        maxChangeRate: dec(cr["max_change_rate"]),
      },
      updateTime: timeFromJson(c["update_time"]),
    },
    minSelfDelegation: int(j["min_self_delegation"] ?? "1", "min_self_delegation"),
    unbondingOnHoldRefCount: 0n,
    unbondingIds: [],
  };
}

function validatorToJson(v: Validator): Record<string, unknown> {
  const cr = v.commission.commissionRates;
  return {
    operator_address: v.operatorAddress,
    consensus_pubkey: {
      "@type": ED25519_PUBKEY_TYPE,
      key: toBase64(Ed25519PubKey.decode(v.consensusPubkey!.value).key),
    },
    jailed: v.jailed,
    status: bondStatusToJSON(v.status),
    tokens: v.tokens,
    delegator_shares: formatDecString(BigInt(v.delegatorShares)),
    description: {
      moniker: v.description.moniker,
      identity: v.description.identity,
      website: v.description.website,
      security_contact: v.description.securityContact,
      details: v.description.details,
    },
    unbonding_height: v.unbondingHeight.toString(),
    unbonding_time: timeToJson(v.unbondingTime),
    commission: {
      commission_rates: {
        rate: formatDecString(BigInt(cr.rate)),
        max_rate: formatDecString(BigInt(cr.maxRate)),
        max_change_rate: formatDecString(BigInt(cr.maxChangeRate)),
      },
      update_time: timeToJson(v.commission.updateTime),
    },
    min_self_delegation: v.minSelfDelegation,
    unbonding_on_hold_ref_count: "0",
    unbonding_ids: [],
  };
}

const arr = (v: unknown, what: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`${what} must be an array`);
  return v;
};

/** Parse staking genesis JSON (throws coded errors). */
export function parseStakingGenesis(json: unknown, bondDenom?: string): StakingGenesis {
  if (!isObject(json)) throw bad("must be an object");
  const params = isObject(json["params"])
    ? stakingParamsFromJson(json["params"], bondDenom)
    : defaultStakingParams(bondDenom);
  return {
    params,
    lastTotalPower: BigInt(int(json["last_total_power"], "last_total_power")),
    lastValidatorPowers: arr(json["last_validator_powers"], "last_validator_powers").map((x) => {
      if (!isObject(x)) throw bad("last_validator_powers entry");
      return { address: str(x["address"]), power: BigInt(int(x["power"], "power")) };
    }),
    validators: arr(json["validators"], "validators").map(validatorFromJson),
    delegations: arr(json["delegations"], "delegations").map((x) => {
      if (!isObject(x)) throw bad("delegation");
      return {
        delegatorAddress: str(x["delegator_address"]),
        validatorAddress: str(x["validator_address"]),
        shares: dec(x["shares"]),
      };
    }),
    unbondingDelegations: arr(json["unbonding_delegations"], "unbonding_delegations").map((x) => {
      if (!isObject(x)) throw bad("unbonding delegation");
      return {
        delegatorAddress: str(x["delegator_address"]),
        validatorAddress: str(x["validator_address"]),
        entries: arr(x["entries"], "entries").map((e) => {
          const o = isObject(e) ? e : {};
          return {
            creationHeight: BigInt(int(o["creation_height"], "creation_height")),
            completionTime: timeFromJson(o["completion_time"]),
            initialBalance: int(o["initial_balance"], "initial_balance"),
            balance: int(o["balance"], "balance"),
            unbondingId: BigInt(int(o["unbonding_id"], "unbonding_id")),
            unbondingOnHoldRefCount: 0n,
          };
        }),
      };
    }),
    redelegations: arr(json["redelegations"], "redelegations").map((x) => {
      if (!isObject(x)) throw bad("redelegation");
      return {
        delegatorAddress: str(x["delegator_address"]),
        validatorSrcAddress: str(x["validator_src_address"]),
        validatorDstAddress: str(x["validator_dst_address"]),
        entries: arr(x["entries"], "entries").map((e) => {
          const o = isObject(e) ? e : {};
          return {
            creationHeight: BigInt(int(o["creation_height"], "creation_height")),
            completionTime: timeFromJson(o["completion_time"]),
            initialBalance: int(o["initial_balance"], "initial_balance"),
            sharesDst: dec(o["shares_dst"]),
            unbondingId: BigInt(int(o["unbonding_id"], "unbonding_id")),
            unbondingOnHoldRefCount: 0n,
          };
        }),
      };
    }),
    exported: json["exported"] === true,
  };
}

/** Staking genesis → SDK JSON. */
export function stakingGenesisToJson(g: StakingGenesis): Record<string, unknown> {
  return {
    params: stakingParamsToJson(g.params),
    last_total_power: g.lastTotalPower.toString(),
    last_validator_powers: g.lastValidatorPowers.map((p) => ({
      address: p.address,
      power: p.power.toString(),
    })),
    validators: g.validators.map(validatorToJson),
    delegations: g.delegations.map((d) => ({
      delegator_address: d.delegatorAddress,
      validator_address: d.validatorAddress,
      shares: formatDecString(BigInt(d.shares)),
    })),
    unbonding_delegations: g.unbondingDelegations.map((u) => ({
      delegator_address: u.delegatorAddress,
      validator_address: u.validatorAddress,
      entries: u.entries.map((e) => ({
        creation_height: e.creationHeight.toString(),
        completion_time: timeToJson(e.completionTime),
        initial_balance: e.initialBalance,
        balance: e.balance,
        unbonding_id: e.unbondingId.toString(),
        unbonding_on_hold_ref_count: "0",
      })),
    })),
    redelegations: g.redelegations.map((r) => ({
      delegator_address: r.delegatorAddress,
      validator_src_address: r.validatorSrcAddress,
      validator_dst_address: r.validatorDstAddress,
      entries: r.entries.map((e) => ({
        creation_height: e.creationHeight.toString(),
        completion_time: timeToJson(e.completionTime),
        initial_balance: e.initialBalance,
        shares_dst: formatDecString(BigInt(e.sharesDst)),
        unbonding_id: e.unbondingId.toString(),
        unbonding_on_hold_ref_count: "0",
      })),
    })),
    exported: g.exported,
  };
}

/** Build a validator record for a genesis self-delegation (gentx-equivalent): unbonded, bonded at InitChain. */
export function genesisValidatorJson(o: {
  operator: string;
  pubKey: Uint8Array;
  tokens: bigint;
  moniker: string;
  commissionRate: bigint;
  commissionMaxRate: bigint;
  commissionMaxChangeRate: bigint;
  minSelfDelegation: bigint;
  time: Timestamp;
  details?: string;
}): Record<string, unknown> {
  return {
    operator_address: o.operator,
    consensus_pubkey: { "@type": ED25519_PUBKEY_TYPE, key: toBase64(o.pubKey) },
    jailed: false,
    status: "BOND_STATUS_UNBONDED",
    tokens: o.tokens.toString(),
    delegator_shares: formatDecString(o.tokens * 10n ** 18n),
    description: {
      moniker: o.moniker,
      identity: "",
      website: "",
      security_contact: "",
      details: o.details ?? "",
    },
    unbonding_height: "0",
    unbonding_time: "1970-01-01T00:00:00Z",
    commission: {
      commission_rates: {
        rate: formatDecString(o.commissionRate),
        max_rate: formatDecString(o.commissionMaxRate),
        max_change_rate: formatDecString(o.commissionMaxChangeRate),
      },
      update_time: timeToJson(o.time),
    },
    min_self_delegation: o.minSelfDelegation.toString(),
    unbonding_on_hold_ref_count: "0",
    unbonding_ids: [],
  };
}

/** A validator self-bonded at genesis (the gentx equivalent). */
export interface GenesisSelfBond {
  /** Operator account bytes (its valoper address is the same bytes). */
  operator: Uint8Array;
  /** 32-byte ed25519 consensus key. */
  pubKey: Uint8Array;
  /** Self-bonded tokens (held by the not-bonded pool until InitChain bonds them). */
  tokens: bigint;
  moniker: string;
  /** Commission rate, 10^18 fixed point (default 10%). */
  commissionRate?: bigint;
  commissionMaxRate?: bigint;
  commissionMaxChangeRate?: bigint;
  minSelfDelegation?: bigint;
}

/**
 * The staking genesis of self-bonded validators (unbonded, with their self-delegations; InitChain
 * bonds the top `max_validators` and returns them to consensus), and the total the
 * `not_bonded_tokens_pool` must hold.
 */
export function selfBondGenesis(
  bonds: readonly GenesisSelfBond[],
  o: { prefix: string; bondDenom: string; time: Timestamp; params?: Record<string, unknown> },
): { staking: Record<string, unknown>; notBonded: bigint } {
  const valoper = `${o.prefix}valoper`;
  let total = 0n;
  const validators = bonds.map((b) => {
    total += b.tokens;
    return genesisValidatorJson({
      operator: toBech32(valoper, b.operator),
      pubKey: b.pubKey,
      tokens: b.tokens,
      moniker: b.moniker,
      commissionRate: b.commissionRate ?? 10n ** 17n,
      commissionMaxRate: b.commissionMaxRate ?? 2n * 10n ** 17n,
      commissionMaxChangeRate: b.commissionMaxChangeRate ?? 10n ** 16n,
      minSelfDelegation: b.minSelfDelegation ?? 1n,
      time: o.time,
    });
  });
  const delegations = bonds.map((b) => ({
    delegator_address: toBech32(o.prefix, b.operator),
    validator_address: toBech32(valoper, b.operator),
    shares: formatDecString(b.tokens * 10n ** 18n),
  }));
  const params = { ...stakingParamsToJson(defaultStakingParams(o.bondDenom)), ...(o.params ?? {}) };
  return {
    staking: {
      params,
      last_total_power: "0",
      last_validator_powers: [],
      validators,
      delegations,
      unbonding_delegations: [],
      redelegations: [],
      exported: false,
    },
    notBonded: total,
  };
}
