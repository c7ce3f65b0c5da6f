/** The real clock for consensus, and timestamp arithmetic on protobuf-style timestamps. */
import type { Timestamp } from "../abci/types.js";
import type { Clock } from "./types.js";

/** The system clock (millisecond precision) with Node.js timers. */
export const systemClock: Clock = {
  now(): Timestamp {
    const ms = Date.now();
    return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
  },
  setTimeout(callback: () => void, ms: number): () => void {
    const t = setTimeout(callback, ms);
    return () => clearTimeout(t);
  },
};

/** -1, 0 or 1 as `a` is before, equal to or after `b`. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos !== b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}

/** `t` plus `ms` milliseconds. */
export function addMillis(t: Timestamp, ms: number): Timestamp {
  const total = BigInt(t.nanos) + BigInt(ms) * 1_000_000n;
  const carry = total >= 0n ? total / 1_000_000_000n : (total - 999_999_999n) / 1_000_000_000n;
  return { seconds: t.seconds + carry, nanos: Number(total - carry * 1_000_000_000n) };
}

/** The later of two timestamps. */
export function maxTimestamp(a: Timestamp, b: Timestamp): Timestamp {
  return compareTimestamps(a, b) >= 0 ? a : b;
}
