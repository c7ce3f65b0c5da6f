/** slashing params: SDK defaults (decimals stored as 10^18 integers), validation, genesis JSON. */
import type { Params } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import { isObject } from "../../app/protoJson.js";
import { fromUtf8, utf8 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { formatDecString, ONE, parseDecString } from "../staking/dec.js";

/** Params with bigint decimals. */
export interface SlashingParams {
  signedBlocksWindow: bigint;
  minSignedPerWindow: bigint;
  downtimeJailSeconds: bigint;
  slashFractionDoubleSign: bigint;
  slashFractionDowntime: bigint;
}

/** SDK defaults: window 100, 50% signed, 600 s jail, 5% double sign, 1% downtime. */
export function defaultSlashingParams(): SlashingParams {
  return {
    signedBlocksWindow: 100n,
    minSignedPerWindow: ONE / 2n,
    downtimeJailSeconds: 600n,
    slashFractionDoubleSign: ONE / 20n,
    slashFractionDowntime: ONE / 100n,
  };
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.InvalidRequest, `${msg}: invalid request`);
}

/** Throw `sdk` 18 on invalid params. */
export function validateSlashingParams(p: SlashingParams): void {
  if (p.signedBlocksWindow <= 0n) throw bad(`signed blocks window must be positive: ${p.signedBlocksWindow}`);
  if (p.downtimeJailSeconds <= 0n) throw bad("downtime jail duration must be positive");
  for (const [n, v] of [
    ["min signed per window", p.minSignedPerWindow],
    ["double sign slash fraction", p.slashFractionDoubleSign],
    ["downtime slash fraction", p.slashFractionDowntime],
  ] as const) {
    if (v < 0n || v > ONE) throw bad(`${n} must be between 0 and 1: ${formatDecString(v)}`);
  }
}

const decBytes = (d: bigint) => utf8(d.toString());
const bytesDec = (b: Uint8Array): bigint => {
  const s = fromUtf8(b);
  if (!/^[0-9]{1,40}$/.test(s)) throw bad("invalid decimal");
  return BigInt(s);
};

/** To the proto form (decimals as ASCII integer bytes, as `LegacyDec` marshals). */
export function toProtoParams(p: SlashingParams): Params {
  return {
    signedBlocksWindow: p.signedBlocksWindow,
    minSignedPerWindow: decBytes(p.minSignedPerWindow),
    downtimeJailDuration: { seconds: p.downtimeJailSeconds, nanos: 0 },
    slashFractionDoubleSign: decBytes(p.slashFractionDoubleSign),
    slashFractionDowntime: decBytes(p.slashFractionDowntime),
  };
}

/** From the proto form (throws `sdk` 18). */
export function fromProtoParams(p: Params): SlashingParams {
  return {
    signedBlocksWindow: p.signedBlocksWindow,
    minSignedPerWindow: bytesDec(p.minSignedPerWindow),
    downtimeJailSeconds: p.downtimeJailDuration?.seconds ?? 0n,
    slashFractionDoubleSign: bytesDec(p.slashFractionDoubleSign),
    slashFractionDowntime: bytesDec(p.slashFractionDowntime),
  };
}

/** SDK genesis JSON of params. */
export function slashingParamsToJson(p: SlashingParams): Record<string, unknown> {
  return {
    signed_blocks_window: p.signedBlocksWindow.toString(),
    min_signed_per_window: formatDecString(p.minSignedPerWindow),
    downtime_jail_duration: `${p.downtimeJailSeconds}s`,
    slash_fraction_double_sign: formatDecString(p.slashFractionDoubleSign),
    slash_fraction_downtime: formatDecString(p.slashFractionDowntime),
  };
}

/** Params from SDK genesis JSON (missing fields default). */
export function slashingParamsFromJson(j: unknown): SlashingParams {
  const d = defaultSlashingParams();
  if (!isObject(j)) return d;
  const s = (k: string) => (typeof j[k] === "string" || typeof j[k] === "number" ? String(j[k]) : undefined);
  const dur = s("downtime_jail_duration");
  const m = dur === undefined ? undefined : /^([0-9]+)(?:\.[0-9]+)?s$/.exec(dur);
  if (dur !== undefined && !m) throw bad(`invalid downtime_jail_duration ${dur.slice(0, 40)}`);
  const w = s("signed_blocks_window");
  if (w !== undefined && !/^[0-9]{1,19}$/.test(w)) throw bad("invalid signed_blocks_window");
  const p: SlashingParams = {
    signedBlocksWindow: w === undefined ? d.signedBlocksWindow : BigInt(w),
    minSignedPerWindow:
      s("min_signed_per_window") === undefined
        ? d.minSignedPerWindow
        : parseDecString(s("min_signed_per_window")!),
    downtimeJailSeconds: m ? BigInt(m[1]!) : d.downtimeJailSeconds,
    slashFractionDoubleSign:
      s("slash_fraction_double_sign") === undefined
        ? d.slashFractionDoubleSign
        : parseDecString(s("slash_fraction_double_sign")!),
    slashFractionDowntime:
      s("slash_fraction_downtime") === undefined
        ? d.slashFractionDowntime
        : parseDecString(s("slash_fraction_downtime")!),
  };
  validateSlashingParams(p);
  return p;
}
