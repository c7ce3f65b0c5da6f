/** attribution's governed params: defaults and validation. */
import { DEC_SCALE, isValidDenom } from "../../app/coins.js";
import { MAX_SPAN_ROWS_LIMIT } from "../../attribution/engine/index.js";
import { AttributionCode, attributionError } from "./errors.js";
import { big, type Params, Params as ParamsCodec, UnattributedPolicy } from "./proto.js";

/** Hard ceiling of max output bytes (an output must fit a tx). */
export const MAX_OUTPUT_BYTES_CEILING = 1_048_576n;
/** Hard ceiling of `max_rows` (records stay small). */
export const MAX_ROWS_CEILING = 1024;
/** Hard ceiling of the withdrawal delay (about a year of 1 s blocks). */
export const MAX_WITHDRAWAL_DELAY = 31_536_000n;

/** The default params, in `denom` (the chain's bond denom). */
export function defaultAttributionParams(denom = "aopen"): Params {
  return ParamsCodec.create({
    platformFee: { denom, amount: (10n ** 15n).toString() },
    ownerShare: ((DEC_SCALE * 3n) / 10n).toString(),
    operatorShare: ((DEC_SCALE * 2n) / 10n).toString(),
    stakersShare: (DEC_SCALE / 10n).toString(),
    contributorsShare: ((DEC_SCALE * 4n) / 10n).toString(),
    minSpanTokens: 4,
    maxSpanRows: 16,
    maxRows: 64,
    unattributedPolicy: UnattributedPolicy.UNATTRIBUTED_POLICY_CONTRIBUTORS_BY_BYTES,
    maxOutputBytes: 65_536,
    creditWithdrawalDelay: 100,
    gasPerOutputToken: 50,
    gasPerWork: 1,
  });
}

/** The typed view of params the keeper computes with. */
export interface ParamsView {
  platformFee: { denom: string; amount: bigint };
  ownerShare: bigint;
  operatorShare: bigint;
  stakersShare: bigint;
  contributorsShare: bigint;
  minSpanTokens: number;
  maxSpanRows: number;
  maxRows: number;
  unattributedPolicy: UnattributedPolicy;
  maxOutputBytes: bigint;
  creditWithdrawalDelay: bigint;
  gasPerOutputToken: bigint;
  gasPerWork: bigint;
}

function bad(msg: string): never {
  throw attributionError(AttributionCode.InvalidParams, `invalid params: ${msg}`);
}

function amount(field: string, s: string | null | undefined): bigint {
  if (typeof s !== "string" || !/^[0-9]{1,78}$/.test(s)) bad(`${field} must be a non-negative integer`);
  return BigInt(s);
}

function share(field: string, s: string | null | undefined): bigint {
  const v = amount(field, s);
  if (v > DEC_SCALE) bad(`${field} must be at most 10^18 (1.0)`);
  return v;
}

/** Validate params and return their typed view; throws `attribution` 15. */
export function validateAttributionParams(p: Params, bondDenom?: string): ParamsView {
  const fee = p.platformFee;
  if (!fee) bad("platform_fee is required");
  const denom = fee.denom ?? "";
  if (!isValidDenom(denom)) bad(`platform_fee has an invalid denom ${JSON.stringify(denom)}`);
  if (bondDenom !== undefined && denom !== bondDenom) bad(`platform_fee must be in ${bondDenom}`);
  const v: ParamsView = {
    platformFee: { denom, amount: amount("platform_fee.amount", fee.amount) },
    ownerShare: share("owner_share", p.ownerShare),
    operatorShare: share("operator_share", p.operatorShare),
    stakersShare: share("stakers_share", p.stakersShare),
    contributorsShare: share("contributors_share", p.contributorsShare),
    minSpanTokens: p.minSpanTokens,
    maxSpanRows: p.maxSpanRows,
    maxRows: p.maxRows,
    unattributedPolicy: p.unattributedPolicy,
    maxOutputBytes: big(p.maxOutputBytes),
    creditWithdrawalDelay: big(p.creditWithdrawalDelay),
    gasPerOutputToken: big(p.gasPerOutputToken),
    gasPerWork: big(p.gasPerWork),
  };
  const sum = v.ownerShare + v.operatorShare + v.stakersShare + v.contributorsShare;
  if (sum !== DEC_SCALE) bad(`the four shares must sum to exactly 10^18, got ${sum}`);
  if (v.minSpanTokens < 1 || v.minSpanTokens > 1024) bad("min_span_tokens must be in [1, 1024]");
  if (v.maxSpanRows < 1 || v.maxSpanRows > MAX_SPAN_ROWS_LIMIT)
    bad(`max_span_rows must be in [1, ${MAX_SPAN_ROWS_LIMIT}]`);
  if (v.maxRows < 1 || v.maxRows > MAX_ROWS_CEILING) bad(`max_rows must be in [1, ${MAX_ROWS_CEILING}]`);
  if (
    v.unattributedPolicy !== UnattributedPolicy.UNATTRIBUTED_POLICY_CONTRIBUTORS_BY_BYTES &&
    v.unattributedPolicy !== UnattributedPolicy.UNATTRIBUTED_POLICY_DATANET_OWNERS &&
    v.unattributedPolicy !== UnattributedPolicy.UNATTRIBUTED_POLICY_COMMUNITY_POOL
  )
    bad("unattributed_policy must be set");
  if (v.maxOutputBytes < 1n || v.maxOutputBytes > MAX_OUTPUT_BYTES_CEILING)
    bad(`max_output_bytes must be in [1, ${MAX_OUTPUT_BYTES_CEILING}]`);
  if (v.creditWithdrawalDelay > MAX_WITHDRAWAL_DELAY)
    bad(`credit_withdrawal_delay must be at most ${MAX_WITHDRAWAL_DELAY}`);
  if (v.gasPerWork > 1_000_000n || v.gasPerOutputToken > 1_000_000n) bad("gas costs must be at most 10^6");
  return v;
}
