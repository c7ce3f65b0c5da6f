/**
 * The app's internal contracts: the execution context handed to keepers and handlers, the chain
 * configuration read from genesis, and what a module registers (messages, queries, amino converters,
 * genesis, block hooks, invariants).
 */
import type { CommitInfo, Misbehavior, Timestamp, ValidatorUpdate } from "../abci/types.js";
import type { KVStore } from "../store/types.js";
import type { EventManager } from "./events.js";
import type { GasMeter } from "./gas.js";
import { PrefixStore } from "./prefixStore.js";

/** Default bech32 account prefix. */
export const DEFAULT_BECH32_PREFIX = "open";
/** Default fee / bond denom. */
export const DEFAULT_DENOM = "aopen";
/** Default display denom. */
export const DEFAULT_DISPLAY_DENOM = "OPEN";
/** Exponent of the display denom. */
export const DEFAULT_DENOM_EXPONENT = 18;

/** What the chain calls things; read from genesis, stored in state, fixed for the chain's life. */
export interface ChainConfig {
  /** Account prefix (`open`). */
  bech32Prefix: string;
  /** Validator operator prefix (`openvaloper`). */
  valoperPrefix: string;
  /** Consensus address prefix (`openvalcons`). */
  valconsPrefix: string;
  /** Account public key prefix (`openpub`). */
  pubPrefix: string;
  /** Denom fees and stake are paid in (`aopen`). */
  bondDenom: string;
}

/** The chain config of a prefix and denom. */
export function makeChainConfig(
  bech32Prefix = DEFAULT_BECH32_PREFIX,
  bondDenom = DEFAULT_DENOM,
): ChainConfig {
  return {
    bech32Prefix,
    valoperPrefix: `${bech32Prefix}valoper`,
    valconsPrefix: `${bech32Prefix}valcons`,
    pubPrefix: `${bech32Prefix}pub`,
    bondDenom,
  };
}

/** How the app is running the current code. */
export type ExecMode = "check" | "recheck" | "simulate" | "finalize" | "genesis" | "block" | "query";

/** The block being executed (or the latest committed one, for CheckTx and queries). */
export interface BlockHeader {
  height: number;
  time: Timestamp;
  chainId: string;
  proposer: Uint8Array;
  /** The previous block's commit (FinalizeBlock's `decidedLastCommit`); set while executing a block. */
  lastCommit?: CommitInfo;
  /** Evidence of misbehaviour decided in this block; set while executing a block. */
  misbehavior?: Misbehavior[];
}

/** Everything a keeper or handler sees: a (gas-metered) store, the meter, events, the header. */
export class Context {
  /** Assemble a context. */
  constructor(
    readonly store: KVStore,
    readonly gasMeter: GasMeter,
    readonly events: EventManager,
    readonly header: BlockHeader,
    readonly mode: ExecMode,
    readonly chain: ChainConfig,
  ) {}

  private lastPrefix: Uint8Array | undefined;
  private lastPrefixStore: KVStore | undefined;

  /** The store under a module's key prefix. */
  kv(prefix: Uint8Array): KVStore {
    // Keepers ask for their (constant) prefix on every access: keep the last view.
    if (prefix === this.lastPrefix) return this.lastPrefixStore!;
    const s = new PrefixStore(this.store, prefix);
    this.lastPrefix = prefix;
    this.lastPrefixStore = s;
    return s;
  }

  /** The same context over another store, meter and event manager. */
  with(store: KVStore, gasMeter: GasMeter, events: EventManager): Context {
    return new Context(store, gasMeter, events, this.header, this.mode, this.chain);
  }

  /** True in CheckTx (new or recheck). */
  get isCheckTx(): boolean {
    return this.mode === "check" || this.mode === "recheck";
  }
}

/** A protobuf `Any`. */
export interface AnyMsg {
  typeUrl: string;
  value: Uint8Array;
}

/** Amino JSON for a message, as legacy wallets sign it. */
export interface AminoConverter<M> {
  /** Amino type name, e.g. `cosmos-sdk/MsgSend`. */
  aminoType: string;
  /** The message's amino JSON value (before key sorting). */
  toAmino(msg: M): unknown;
}

/** A message type the router knows: how to decode it, who must sign it, how to run it. */
export interface MsgDef<M> {
  /** `/cosmos.bank.v1beta1.MsgSend`. */
  typeUrl: string;
  /** Module name for the `message.module` event attribute. */
  module: string;
  /** Decode the Any value; throws on malformed bytes. */
  decode(bytes: Uint8Array): M;
  /**
   * Encode a message (canonical protobuf). Used to refuse non-canonical encodings of amino-signed txs,
   * whose signature does not cover the bytes; without it such messages cannot be amino-signed.
   */
  encode?(msg: M): Uint8Array;
  /** Signer addresses (20/32 bytes) in order; throws a coded error on a malformed address. */
  signers(msg: M, chain: ChainConfig): Uint8Array[];
  /** Execute; returns the response packed in an Any. Throws a coded error on failure. */
  handle(ctx: Context, msg: M): AnyMsg;
  /** Amino converter, for SIGN_MODE_LEGACY_AMINO_JSON. */
  amino?: AminoConverter<M>;
}

/** A query handler: request proto bytes in, response proto bytes out; throws coded errors. */
export type QueryHandler = (ctx: Context, data: Uint8Array) => Uint8Array;

/** An invariant: returns a description of what is broken, or undefined when it holds. */
export interface Invariant {
  /** `bank/total-supply`. */
  name: string;
  /** Check the invariant against the context's state. */
  check(ctx: Context): string | undefined;
}

/** A module account a module needs. */
export interface ModuleAccountSpec {
  name: string;
  permissions: string[];
}

/** What modules register into; the app implements it. */
export interface ModuleRegistrar {
  /** Route a message type to its handler. */
  registerMsg<M>(def: MsgDef<M>): void;
  /** Serve a gRPC query path. */
  registerQuery(path: string, handler: QueryHandler): void;
}

/** A module as the module manager drives it. */
export interface AppModule {
  /** Module name; also its `app_state` key and store key. */
  readonly name: string;
  /** Module accounts this module owns (created at genesis when missing). */
  readonly moduleAccounts?: readonly ModuleAccountSpec[];
  /** Register messages and queries. */
  register(r: ModuleRegistrar): void;
  /** Default genesis state JSON (protobuf JSON). */
  defaultGenesis?(chain: ChainConfig): unknown;
  /** Validate genesis JSON; throws coded errors. */
  validateGenesis?(json: unknown, chain: ChainConfig): void;
  /** Initialise state from genesis JSON. */
  initGenesis?(ctx: Context, json: unknown): ValidatorUpdate[] | undefined;
  /** Export state as genesis JSON. */
  exportGenesis?(ctx: Context): unknown;
  /** Begin-block hook. */
  beginBlock?(ctx: Context): void;
  /** End-block hook; may return validator updates. */
  endBlock?(ctx: Context): ValidatorUpdate[] | undefined;
  /** Invariants over this module's state. */
  readonly invariants?: readonly Invariant[];
}
