/** Integer fee arithmetic of settlement (documented rounding, exact conservation). */
import { DEC_SCALE } from "../../app/coins.js";

/** ceil(a / b) for a ≥ 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The fee of an inference: `ceil(T_in·R_in / 1000) + ceil(T_out·R_out / 1000) + platform` (each token term
 * rounded up separately, so a non-zero price never charges zero for a non-empty side).
 */
export function inferenceFee(
  inputTokens: bigint,
  outputTokens: bigint,
  inputPer1k: bigint,
  outputPer1k: bigint,
  platform: bigint,
): bigint {
  return ceilDiv(inputTokens * inputPer1k, 1000n) + ceilDiv(outputTokens * outputPer1k, 1000n) + platform;
}

/** The four parts of the net fee (fee − platform). */
export interface NetSplit {
  owner: bigint;
  operator: bigint;
  stakers: bigint;
  contributors: bigint;
}

/**
 * Split `net` by shares (10^18 fixed point, summing to 10^18): owner, operator and stakers get
 * `floor(net × share / 10^18)`; the contributors get the rest, so the parts sum to `net` exactly.
 */
export function splitNet(net: bigint, owner: bigint, operator: bigint, stakers: bigint): NetSplit {
  const o = (net * owner) / DEC_SCALE;
  const op = (net * operator) / DEC_SCALE;
  const s = (net * stakers) / DEC_SCALE;
  return { owner: o, operator: op, stakers: s, contributors: net - o - op - s };
}

/**
 * Split `total` by non-negative integer weights with the largest-remainder rule: each gets
 * `floor(total × w / Σw)`, and the leftover units go one each to the largest remainders
 * `total × w mod Σw`, ties to the smaller index. Σ result = total (all zero when Σw = 0).
 */
export function splitByWeights(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const out = weights.map((w) => (total * w) / sum);
  let left = total - out.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    out[i] = (out[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return out;
}
