/** distribution's genesis in SDK JSON (decimals as `"1.500000000000000000"`), plus `reward_stream`. */
import type { DecCoin } from "../../app/coins.js";
import { isObject } from "../../app/protoJson.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { formatDecString, normDecCoins, parseDecString } from "../staking/dec.js";
import { REWARD_SOURCE } from "./keys.js";
import { DEFAULT_REWARD_PER_BLOCK, defaultDistrParams, type Params, validateDistrParams } from "./params.js";

/** Parsed distribution genesis (addresses as bech32 strings). */
export interface DistrGenesis {
  params: Params;
  communityPool: DecCoin[];
  rewardPerBlock: bigint;
  withdrawInfos: { delegator: string; withdraw: string }[];
  outstanding: { validator: string; rewards: DecCoin[] }[];
  commissions: { validator: string; commission: DecCoin[] }[];
  historical: { validator: string; period: bigint; ratio: DecCoin[]; refs: number }[];
  current: { validator: string; rewards: DecCoin[]; period: bigint }[];
  startingInfos: {
    delegator: string;
    validator: string;
    previousPeriod: bigint;
    stake: bigint;
    height: bigint;
  }[];
  slashEvents: { validator: string; height: bigint; period: bigint; fraction: bigint }[];
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `invalid distribution genesis: ${msg}`);
}

const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));
const big = (v: unknown): bigint => {
  const s = str(v) || "0";
  if (!/^[0-9]{1,40}$/.test(s)) throw bad(`invalid integer ${s.slice(0, 40)}`);
  return BigInt(s);
};
const decs = (v: unknown): DecCoin[] =>
  normDecCoins(
    arr(v).map((c) => ({
      denom: str(obj(c)["denom"]),
      amount: parseDecString(str(obj(c)["amount"]) || "0"),
    })),
  );
const decsJson = (cs: DecCoin[]) => cs.map((c) => ({ denom: c.denom, amount: formatDecString(c.amount) }));

/** Parse distribution genesis JSON (throws coded errors). */
export function parseDistrGenesis(json: unknown): DistrGenesis {
  if (!isObject(json)) throw bad("must be an object");
  const p = obj(json["params"]);
  const d = defaultDistrParams();
  const params: Params = {
    communityTax:
      p["community_tax"] === undefined ? d.communityTax : parseDecString(str(p["community_tax"])).toString(),
    baseProposerReward:
      p["base_proposer_reward"] === undefined
        ? "0"
        : parseDecString(str(p["base_proposer_reward"])).toString(),
    bonusProposerReward:
      p["bonus_proposer_reward"] === undefined
        ? "0"
        : parseDecString(str(p["bonus_proposer_reward"])).toString(),
    withdrawAddrEnabled:
      p["withdraw_addr_enabled"] === undefined ? true : p["withdraw_addr_enabled"] === true,
  };
  validateDistrParams(params);
  const rs = obj(json["reward_stream"]);
  return {
    params,
    communityPool: decs(obj(json["fee_pool"])["community_pool"]),
    rewardPerBlock:
      rs["amount_per_block"] === undefined ? DEFAULT_REWARD_PER_BLOCK : big(rs["amount_per_block"]),
    withdrawInfos: arr(json["delegator_withdraw_infos"]).map((x) => ({
      delegator: str(obj(x)["delegator_address"]),
      withdraw: str(obj(x)["withdraw_address"]),
    })),
    outstanding: arr(json["outstanding_rewards"]).map((x) => ({
      validator: str(obj(x)["validator_address"]),
      rewards: decs(obj(x)["outstanding_rewards"]),
    })),
    commissions: arr(json["validator_accumulated_commissions"]).map((x) => ({
      validator: str(obj(x)["validator_address"]),
      commission: decs(obj(obj(x)["accumulated"])["commission"]),
    })),
    historical: arr(json["validator_historical_rewards"]).map((x) => ({
      validator: str(obj(x)["validator_address"]),
      period: big(obj(x)["period"]),
      ratio: decs(obj(obj(x)["rewards"])["cumulative_reward_ratio"]),
      refs: Number(big(obj(obj(x)["rewards"])["reference_count"])),
    })),
    current: arr(json["validator_current_rewards"]).map((x) => ({
      validator: str(obj(x)["validator_address"]),
      rewards: decs(obj(obj(x)["rewards"])["rewards"]),
      period: big(obj(obj(x)["rewards"])["period"]),
    })),
    startingInfos: arr(json["delegator_starting_infos"]).map((x) => {
      const si = obj(obj(x)["starting_info"]);
      return {
        delegator: str(obj(x)["delegator_address"]),
        validator: str(obj(x)["validator_address"]),
        previousPeriod: big(si["previous_period"]),
        stake: parseDecString(str(si["stake"]) || "0"),
        height: big(si["height"]),
      };
    }),
    slashEvents: arr(json["validator_slash_events"]).map((x) => {
      const e = obj(obj(x)["validator_slash_event"]);
      return {
        validator: str(obj(x)["validator_address"]),
        height: big(obj(x)["height"]),
        period: big(e["validator_period"] ?? obj(x)["period"]),
        fraction: parseDecString(str(e["fraction"]) || "0"),
      };
    }),
  };
}

/** Distribution genesis → SDK JSON (with the `reward_stream` extension). */
export function distrGenesisToJson(g: DistrGenesis): Record<string, unknown> {
  return {
    params: {
      community_tax: formatDecString(BigInt(g.params.communityTax)),
      base_proposer_reward: formatDecString(BigInt(g.params.baseProposerReward || "0")),
      bonus_proposer_reward: formatDecString(BigInt(g.params.bonusProposerReward || "0")),
      withdraw_addr_enabled: g.params.withdrawAddrEnabled,
    },
    fee_pool: { community_pool: decsJson(g.communityPool) },
    delegator_withdraw_infos: g.withdrawInfos.map((w) => ({
      delegator_address: w.delegator,
      withdraw_address: w.withdraw,
    })),
    previous_proposer: "",
    outstanding_rewards: g.outstanding.map((o) => ({
      validator_address: o.validator,
      outstanding_rewards: decsJson(o.rewards),
    })),
    validator_accumulated_commissions: g.commissions.map((c) => ({
      validator_address: c.validator,
      accumulated: { commission: decsJson(c.commission) },
    })),
    validator_historical_rewards: g.historical.map((h) => ({
      validator_address: h.validator,
      period: h.period.toString(),
      rewards: { cumulative_reward_ratio: decsJson(h.ratio), reference_count: h.refs },
    })),
    validator_current_rewards: g.current.map((c) => ({
      validator_address: c.validator,
      rewards: { rewards: decsJson(c.rewards), period: c.period.toString() },
    })),
    delegator_starting_infos: g.startingInfos.map((s) => ({
      delegator_address: s.delegator,
      validator_address: s.validator,
      starting_info: {
        previous_period: s.previousPeriod.toString(),
        stake: formatDecString(s.stake),
        height: s.height.toString(),
      },
    })),
    validator_slash_events: g.slashEvents.map((s) => ({
      validator_address: s.validator,
      height: s.height.toString(),
      period: s.period.toString(),
      validator_slash_event: { validator_period: s.period.toString(), fraction: formatDecString(s.fraction) },
    })),
    reward_stream: { source: REWARD_SOURCE, amount_per_block: g.rewardPerBlock.toString() },
  };
}

/** The default genesis. */
export function defaultDistrGenesis(): DistrGenesis {
  return {
    params: defaultDistrParams(),
    communityPool: [],
    rewardPerBlock: DEFAULT_REWARD_PER_BLOCK,
    withdrawInfos: [],
    outstanding: [],
    commissions: [],
    historical: [],
    current: [],
    startingInfos: [],
    slashEvents: [],
  };
}
