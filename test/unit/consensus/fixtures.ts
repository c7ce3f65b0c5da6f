/** Shared fixtures of the engine-level consensus unit tests: genesis time, params, timeouts, a manual clock. */
import type { ConsensusParams, Timestamp } from "../../../src/abci/types.js";
import type { TendermintTimeouts } from "../../../src/consensus/engine.js";
import type { Clock } from "../../../src/consensus/types.js";

/** Genesis time of the test chains. */
export const GENESIS_TIME: Timestamp = { seconds: 1_700_000_000n, nanos: 0 };

/** Consensus params of the test chains. */
export const PARAMS: ConsensusParams = {
  block: { maxBytes: 1048576, maxGas: -1 },
  evidence: { maxAgeNumBlocks: 100000, maxAgeDurationSeconds: 172800, maxBytes: 1048576 },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0 },
};

/** Short consensus timeouts for virtual-clock tests. */
export const TIMEOUTS: TendermintTimeouts = {
  proposeMs: 1000,
  proposeDeltaMs: 500,
  prevoteMs: 300,
  prevoteDeltaMs: 100,
  precommitMs: 400,
  precommitDeltaMs: 200,
  commitMs: 100,
};

/** A virtual clock (from GENESIS_TIME) whose timers fire only when the test advances it; records every timer set. */
export class ManualClock implements Clock {
  ms = 0;
  timers: { at: number; ms: number; cb: () => void; live: boolean }[] = [];
  now(): Timestamp {
    return {
      seconds: GENESIS_TIME.seconds + BigInt(Math.floor(this.ms / 1000)),
      nanos: (this.ms % 1000) * 1e6,
    };
  }
  setTimeout(cb: () => void, ms: number): () => void {
    const t = { at: this.ms + ms, ms, cb, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  }
  advance(ms: number): void {
    const until = this.ms + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.ms = due.at;
      due.cb();
    }
    this.ms = until;
  }
}
