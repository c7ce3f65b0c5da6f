/** datanets' governed params: defaults and validation. */
import { DEC_SCALE, isValidDenom } from "../../app/coins.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { big, type Params, Params as ParamsCodec } from "./proto.js";

/** Default max row bytes: 64 KiB. */
export const DEFAULT_MAX_ROW_BYTES = 65_536n;
/** Hard ceiling of max row bytes (a row must fit a tx). */
export const MAX_ROW_BYTES_CEILING = 512n * 1024n;
/** Hard ceiling of rows per message. */
export const MAX_ROWS_PER_MESSAGE_CEILING = 10_000n;

/** The default params, in `denom` (the chain's bond denom, `aopen`). */
export function defaultDatanetsParams(denom = "aopen"): Params {
  return ParamsCodec.create({
    createFee: { denom, amount: (10n ** 18n).toString() },
    publishBaseFee: { denom, amount: (10n ** 18n).toString() },
    perByteFee: { denom, amount: (10n ** 12n).toString() },
    stakePerRow: { denom, amount: (10n ** 16n).toString() },
    rejectSlashFraction: (DEC_SCALE / 10n).toString(),
    maxRowBytes: Number(DEFAULT_MAX_ROW_BYTES),
    maxRowsPerMessage: 1000,
    penaltyThreshold: 10,
    rewardReduction: (DEC_SCALE / 2n).toString(),
  });
}

/** The typed view of params the keeper computes with. */
export interface ParamsView {
  createFee: { denom: string; amount: bigint };
  publishBaseFee: { denom: string; amount: bigint };
  perByteFee: { denom: string; amount: bigint };
  stakePerRow: { denom: string; amount: bigint };
  rejectSlashFraction: bigint;
  maxRowBytes: bigint;
  maxRowsPerMessage: bigint;
  penaltyThreshold: bigint;
  rewardReduction: bigint;
}

function bad(msg: string): never {
  throw datanetsError(DatanetsCode.InvalidParams, `invalid params: ${msg}`);
}

function amount(field: string, s: string | null | undefined): bigint {
  if (typeof s !== "string" || !/^[0-9]{1,78}$/.test(s)) bad(`${field} must be a non-negative integer`);
  return BigInt(s);
}

function coin(field: string, c: { denom?: string | null; amount?: string | null } | null | undefined) {
  if (!c) bad(`${field} is required`);
  const denom = c.denom ?? "";
  if (!isValidDenom(denom)) bad(`${field} has an invalid denom ${JSON.stringify(denom)}`);
  return { denom, amount: amount(`${field}.amount`, c.amount) };
}

function fraction(field: string, s: string | null | undefined): bigint {
  const v = amount(field, s);
  if (v > DEC_SCALE) bad(`${field} must be at most 10^18 (1.0)`);
  return v;
}

/** Validate params and return their typed view; throws `datanets` 13. */
export function validateDatanetsParams(p: Params): ParamsView {
  const v: ParamsView = {
    createFee: coin("create_fee", p.createFee),
    publishBaseFee: coin("publish_base_fee", p.publishBaseFee),
    perByteFee: coin("per_byte_fee", p.perByteFee),
    stakePerRow: coin("stake_per_row", p.stakePerRow),
    rejectSlashFraction: fraction("reject_slash_fraction", p.rejectSlashFraction),
    maxRowBytes: big(p.maxRowBytes),
    maxRowsPerMessage: big(p.maxRowsPerMessage),
    penaltyThreshold: big(p.penaltyThreshold),
    rewardReduction: fraction("reward_reduction", p.rewardReduction),
  };
  if (v.maxRowBytes < 1n || v.maxRowBytes > MAX_ROW_BYTES_CEILING)
    bad(`max_row_bytes must be in [1, ${MAX_ROW_BYTES_CEILING}]`);
  if (v.maxRowsPerMessage < 1n || v.maxRowsPerMessage > MAX_ROWS_PER_MESSAGE_CEILING)
    bad(`max_rows_per_message must be in [1, ${MAX_ROWS_PER_MESSAGE_CEILING}]`);
  if (v.penaltyThreshold < 1n) bad("penalty_threshold must be at least 1");
  return v;
}
