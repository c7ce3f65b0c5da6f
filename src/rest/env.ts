/**
 * The narrow view of the node the REST gateway needs: ABCI queries (the app's query router plus the
 * node's tx service), and block-store reads for `cosmos.base.tendermint.v1beta1.Service`. The
 * composition root implements it over the real parts; tests implement it over fixed data.
 */
import type { QueryResponse } from "../abci/types.js";
import type { Block, BlockMeta, Validator } from "../types/block.js";

/** This node's identity, for `node_info`. */
export interface RestNodeInfo {
  /** Node id (lower-case hex). */
  id: string;
  listenAddr: string;
  /** Chain id. */
  network: string;
  moniker: string;
  /** CometBFT version reported (`0.38.x`). */
  version: string;
  /** JSON-RPC address, for `other.rpc_address`. */
  rpcAddress: string;
  /** Hex channel ids. */
  channels: string;
  /** Application name and version, for `application_version`. */
  appName: string;
  appVersion: string;
}

/** Everything the REST gateway reads from the node. Async methods may hit LevelDB. */
export interface RestEnv {
  /** ABCI Query (gRPC method path, request proto) against the latest committed state (or `height`). */
  abciQuery(path: string, data: Uint8Array, height?: number): Promise<QueryResponse>;
  /** Node identity. */
  nodeInfo(): RestNodeInfo;
  /** True while syncing. */
  catchingUp(): boolean;
  /** Latest committed height (0 before the first block). */
  latestHeight(): number;
  /** The block and its meta (block id) at `height`, or undefined when not stored. */
  loadBlock(height: number): Promise<{ block: Block; meta: BlockMeta } | undefined>;
  /** The validator set at `height`. */
  loadValidators(height: number): Promise<Validator[] | undefined>;
  /** Bech32 prefix of consensus addresses (`openvalcons`). */
  valconsPrefix(): string;
}
