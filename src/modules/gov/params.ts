/**
 * gov params: the SDK 0.50 `cosmos.gov.v1.Params` (decimals as `"0.334000000000000000"`, durations),
 * their defaults, validation and SDK-JSON codec; plus OpenLedger's timelock (`execution_delay`).
 */

import type { Params } from "cosmjs-types/cosmos/gov/v1/gov";
import type { Duration } from "cosmjs-types/google/protobuf/duration";
import {
  type BigCoin,
  coinsToString,
  fromProtoCoins,
  parseValidCoins,
  toProtoCoins,
} from "../../app/coins.js";
import { isObject } from "../../app/protoJson.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { formatDecString, parseDecString } from "../staking/dec.js";

/** 1.0 at 10^18. */
export const ONE = 10n ** 18n;
/** Longest proposal metadata (SDK `MaxMetadataLen`). */
export const MAX_METADATA_LEN = 255;
/** Longest title. */
export const MAX_TITLE_LEN = 255;
/** Longest summary. */
export const MAX_SUMMARY_LEN = 10_200;
/** Default timelock between a passed vote and execution: one day. */
export const DEFAULT_EXECUTION_DELAY = 86_400n;

/** A duration of whole seconds. */
export function secs(s: bigint): Duration {
  return { seconds: s, nanos: 0 };
}

/** SDK default gov params with the chain's bond denom (min deposit 10,000 OPEN, expedited 50,000). */
export function defaultGovParams(denom = "aopen"): Params {
  return {
    minDeposit: [{ denom, amount: (10_000n * ONE).toString() }],
    maxDepositPeriod: secs(172_800n),
    votingPeriod: secs(172_800n),
    quorum: "0.334000000000000000",
    threshold: "0.500000000000000000",
    vetoThreshold: "0.334000000000000000",
    minInitialDepositRatio: "0.000000000000000000",
    proposalCancelRatio: "0.500000000000000000",
    proposalCancelDest: "",
    expeditedVotingPeriod: secs(86_400n),
    expeditedThreshold: "0.667000000000000000",
    expeditedMinDeposit: [{ denom, amount: (50_000n * ONE).toString() }],
    burnVoteQuorum: false,
    burnProposalDepositPrevote: false,
    burnVoteVeto: true,
    minDepositRatio: "0.010000000000000000",
  };
}

/**
 * Gov params for a dev chain: deposit period 60 s, voting period 10 s, expedited 5 s, min deposit
 * 10 OPEN, timelock 5 s (see `defaultExecutionDelay`). `openledgerd dev` genesis uses these.
 */
export function devGovParams(denom = "aopen"): Params {
  return {
    ...defaultGovParams(denom),
    minDeposit: [{ denom, amount: (10n * ONE).toString() }],
    expeditedMinDeposit: [{ denom, amount: (50n * ONE).toString() }],
    maxDepositPeriod: secs(60n),
    votingPeriod: secs(10n),
    expeditedVotingPeriod: secs(5n),
  };
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidRequest, `invalid gov params: ${msg}`);
}

function dec(field: string, s: string): bigint {
  try {
    return parseDecString(s);
  } catch {
    throw bad(`invalid ${field} string: ${JSON.stringify(s.slice(0, 60))}`);
  }
}

function durSecs(d: Duration | undefined): bigint {
  return d === undefined ? 0n : d.seconds;
}

/** Validate params as SDK `Params.ValidateBasic` does; throws `sdk` 18. */
export function validateGovParams(p: Params): void {
  let min: BigCoin[];
  try {
    min = parseValidCoins(p.minDeposit);
  } catch (e) {
    throw bad(`invalid minimum deposit: ${(e as Error).message}`);
  }
  if (min.length === 0) throw bad(`invalid minimum deposit: ${coinsToString(min)}`);
  let emin: BigCoin[];
  try {
    emin = parseValidCoins(p.expeditedMinDeposit);
  } catch (e) {
    throw bad(`invalid expedited minimum deposit: ${(e as Error).message}`);
  }
  if (emin.length === 0) throw bad("invalid expedited minimum deposit");
  for (const c of min) {
    const e = emin.find((x) => x.denom === c.denom);
    if (!e || e.amount <= c.amount)
      throw bad(
        `expedited minimum deposit must be greater than minimum deposit: ${coinsToString(emin)} <= ${coinsToString(min)}`,
      );
  }
  const quorum = dec("quorum", p.quorum);
  if (quorum < 0n || quorum > ONE) throw bad(`quorum too large or negative: ${p.quorum}`);
  const threshold = dec("threshold", p.threshold);
  if (threshold <= 0n || threshold > ONE)
    throw bad(`vote threshold must be positive and <= 1: ${p.threshold}`);
  const et = dec("expedited threshold", p.expeditedThreshold);
  if (et <= 0n || et > ONE)
    throw bad(`expedited threshold must be positive and <= 1: ${p.expeditedThreshold}`);
  if (et <= threshold)
    throw bad(
      `expedited threshold must be greater than the threshold: ${p.expeditedThreshold} <= ${p.threshold}`,
    );
  const veto = dec("veto threshold", p.vetoThreshold);
  if (veto <= 0n || veto > ONE) throw bad(`veto threshold must be positive and <= 1: ${p.vetoThreshold}`);
  for (const [f, v] of [
    ["min initial deposit ratio", p.minInitialDepositRatio],
    ["proposal cancel ratio", p.proposalCancelRatio],
    ["min deposit ratio", p.minDepositRatio],
  ] as const) {
    const d = dec(f, v || "0");
    if (d < 0n || d > ONE) throw bad(`${f} must be in [0, 1]: ${v}`);
  }
  if (durSecs(p.maxDepositPeriod) <= 0n) throw bad("maximum deposit period must be positive");
  const vp = durSecs(p.votingPeriod);
  if (vp <= 0n) throw bad("voting period must be positive");
  const evp = durSecs(p.expeditedVotingPeriod);
  if (evp <= 0n) throw bad("expedited voting period must be positive");
  if (evp >= vp) throw bad("expedited voting period must be strictly less that the regular voting period");
}

/** Validate a timelock (execution delay, seconds); throws `sdk` 18. */
export function validateExecutionDelay(s: bigint): void {
  if (s < 0n || s > 31_536_000n) throw bad(`execution delay must be in [0, 1 year]: ${s}s`);
}

// ---- JSON (SDK proto JSON: snake_case, durations as "172800s") ----

/** `"172800s"` ⇄ Duration. */
export function parseDurationJson(v: unknown, field: string): Duration {
  const s = typeof v === "string" ? v : "";
  const m = /^([0-9]{1,12})(?:\.([0-9]{1,9}))?s$/.exec(s);
  if (!m) throw bad(`invalid duration ${field}: ${JSON.stringify(String(v).slice(0, 40))}`);
  return { seconds: BigInt(m[1]!), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** Duration → `"172800s"`. */
export function durationJson(d: Duration | undefined): string {
  if (!d) return "0s";
  return d.nanos === 0 ? `${d.seconds}s` : `${d.seconds}.${String(d.nanos).padStart(9, "0")}s`;
}

function coinsJson(cs: Params["minDeposit"]): { denom: string; amount: string }[] {
  return cs.map((c) => ({ denom: c.denom, amount: c.amount }));
}

/** Params → SDK JSON. */
export function govParamsToJson(p: Params): Record<string, unknown> {
  return {
    min_deposit: coinsJson(p.minDeposit),
    max_deposit_period: durationJson(p.maxDepositPeriod),
    voting_period: durationJson(p.votingPeriod),
    quorum: p.quorum,
    threshold: p.threshold,
    veto_threshold: p.vetoThreshold,
    min_initial_deposit_ratio: p.minInitialDepositRatio,
    proposal_cancel_ratio: p.proposalCancelRatio,
    proposal_cancel_dest: p.proposalCancelDest,
    expedited_voting_period: durationJson(p.expeditedVotingPeriod),
    expedited_threshold: p.expeditedThreshold,
    expedited_min_deposit: coinsJson(p.expeditedMinDeposit),
    burn_vote_quorum: p.burnVoteQuorum,
    burn_proposal_deposit_prevote: p.burnProposalDepositPrevote,
    burn_vote_veto: p.burnVoteVeto,
    min_deposit_ratio: p.minDepositRatio,
  };
}

function coinsFrom(v: unknown, field: string): Params["minDeposit"] {
  if (!Array.isArray(v)) throw bad(`${field} must be a list of coins`);
  return toProtoCoins(
    fromProtoCoins(
      v.map((c) => {
        const o = isObject(c) ? c : {};
        return { denom: String(o["denom"] ?? ""), amount: String(o["amount"] ?? "") };
      }),
    ),
  );
}

/** SDK JSON → Params; missing fields take `base`'s values; decimals normalised. */
export function govParamsFromJson(json: unknown, base: Params): Params {
  if (!isObject(json)) throw bad("params must be an object");
  const j = json;
  /** `j[k]` through `parse`, or `b` when absent. */
  const opt = <T>(k: string, b: T, parse: (v: unknown, k: string) => T): T =>
    j[k] === undefined ? b : parse(j[k], k);
  const d = (k: string, b: string): string => opt(k, b, (v) => formatDecString(dec(k, String(v))));
  const bool = (k: string, b: boolean): boolean => opt(k, b, (v) => v === true);
  const p: Params = {
    minDeposit: opt("min_deposit", base.minDeposit, coinsFrom),
    maxDepositPeriod: opt("max_deposit_period", base.maxDepositPeriod, parseDurationJson),
    votingPeriod: opt("voting_period", base.votingPeriod, parseDurationJson),
    quorum: d("quorum", base.quorum),
    threshold: d("threshold", base.threshold),
    vetoThreshold: d("veto_threshold", base.vetoThreshold),
    minInitialDepositRatio: d("min_initial_deposit_ratio", base.minInitialDepositRatio),
    proposalCancelRatio: d("proposal_cancel_ratio", base.proposalCancelRatio),
    proposalCancelDest: opt("proposal_cancel_dest", base.proposalCancelDest, String),
    expeditedVotingPeriod: opt("expedited_voting_period", base.expeditedVotingPeriod, parseDurationJson),
    expeditedThreshold: d("expedited_threshold", base.expeditedThreshold),
    expeditedMinDeposit: opt("expedited_min_deposit", base.expeditedMinDeposit, coinsFrom),
    burnVoteQuorum: bool("burn_vote_quorum", base.burnVoteQuorum),
    burnProposalDepositPrevote: bool("burn_proposal_deposit_prevote", base.burnProposalDepositPrevote),
    burnVoteVeto: bool("burn_vote_veto", base.burnVoteVeto),
    minDepositRatio: d("min_deposit_ratio", base.minDepositRatio),
  };
  return p;
}
