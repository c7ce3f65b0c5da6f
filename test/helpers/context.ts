/** Test helper: a keeper `Context` over a store, with a fresh event manager and (by default) no gas limit. */
import type { Timestamp } from "../../src/abci/types.js";
import { EventManager } from "../../src/app/events.js";
import { GasMeter } from "../../src/app/gas.js";
import {
  type BlockHeader,
  type ChainConfig,
  Context,
  type ExecMode,
  makeChainConfig,
} from "../../src/app/types.js";
import type { KVStore } from "../../src/store/types.js";

/** What `testContext` may be told; the rest defaults to height 1, time 0, chain id `t`, `query` mode. */
export interface TestContextOptions {
  height?: number;
  time?: Timestamp;
  chainId?: string;
  /** The whole header (then height, time and chainId are ignored). */
  header?: BlockHeader;
  mode?: ExecMode;
  meter?: GasMeter;
  chain?: ChainConfig;
}

/** A context over `store` (wrap it in a `ReadOnlyStore` for reads of committed state). */
export function testContext(store: KVStore, o: TestContextOptions = {}): Context {
  const header = o.header ?? {
    height: o.height ?? 1,
    time: o.time ?? { seconds: 0n, nanos: 0 },
    chainId: o.chainId ?? "t",
    proposer: new Uint8Array(),
  };
  return new Context(
    store,
    o.meter ?? new GasMeter(undefined),
    new EventManager(),
    header,
    o.mode ?? "query",
    o.chain ?? makeChainConfig(),
  );
}
