/**
 * Shared parts of OpenLedger's own modules (datanets, models, attribution, and gov where it fits): the
 * int64 ⇄ bigint conversions of protobufjs fields, address and authority checks, a message table turned
 * into router definitions, query routing with SDK pagination, genesis JSON export, the params / sequence
 * part of a keeper, the genesis part of an `AppModule`, and the narrow bank interfaces modules expect.
 * Behaviour, errors and encodings are exactly those each module had on its own.
 */
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import { decodeAddress } from "../crypto/address.js";
import { invalidAddress, invalidAuthority } from "../modules/bank/errors.js";
import type { KVReader, KVStore } from "../store/types.js";
import { readUint64BE, uint64BE } from "../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { bech32Of, moduleAddressOf } from "./addressCache.js";
import { aminoConverter, type MsgSpec, type PbjsCodec } from "./aminoKit.js";
import type { BigCoin } from "./coins.js";
import { toProtoNames } from "./protoJson.js";
import { invalidArgument } from "./query.js";
import type {
  AnyMsg,
  AppModule,
  ChainConfig,
  Context,
  ModuleRegistrar,
  MsgDef,
  QueryHandler,
} from "./types.js";

// ---- int64 fields ----

/** A protobufjs 64-bit integer field value. */
export type U64 = number | { toString(): string } | null | undefined;

/** Largest integer a uint64 field is given as a JS number. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A decoded 64-bit field (number or Long) as a bigint; missing is 0. */
export function big(v: U64): bigint {
  if (v === null || v === undefined) return 0n;
  return typeof v === "number" ? BigInt(v) : BigInt(v.toString());
}

/** A bigint counter / id / height for a 64-bit field (exact below 2^53; ids and counts never get there). */
export function num(b: bigint): number {
  if (b < 0n || b > MAX_SAFE) throw new RangeError(`value ${b} out of range for a uint64 field`);
  return Number(b);
}

// ---- addresses and authority ----

/** Decode a bech32 account address of this chain, as `sdk` 7 (`invalid <field> address: …`) on failure. */
export function parseAccAddress(ctx: Pick<Context, "chain">, field: string, s: string): Uint8Array {
  try {
    return decodeAddress(s, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidAddress(field, e);
  }
}

/** Refuse a params update not signed by the gov module account (`gov` 13, as the SDK). */
export function checkGovAuthority(
  ctx: Pick<Context, "chain">,
  authority: string,
  gov = moduleAddressOf("gov"),
): void {
  const expected = bech32Of(ctx.chain.bech32Prefix, gov);
  if (authority !== expected) throw invalidAuthority(expected, authority);
}

// ---- messages ----

/** A generated protobufjs message class as the router needs it. */
export interface PbjsMsgCodec<M> extends PbjsCodec<M> {
  decode(b: Uint8Array): M;
  encode(m: M): { finish(): Uint8Array };
}

/** Packs a handler's response as `/<package>.<name>Response`. */
export type Responder = <R>(
  name: string,
  codec: { encode(m: R): { finish(): Uint8Array } },
  value: R,
) => AnyMsg;

/** The `respond(name, codec, value)` of a proto package. */
export function responder(pkg: string): Responder {
  return (name, codec, value) => ({
    typeUrl: `/${pkg}.${name}Response`,
    value: codec.encode(value).finish(),
  });
}

/** One handler per message name of a table. */
export type MsgHandlers<S extends readonly MsgSpec[]> = Record<
  S[number]["name"],
  (ctx: Context, m: never) => AnyMsg
>;

/** What turns a message table into router definitions. */
export interface MsgTable<S extends readonly MsgSpec[]> {
  /** Proto package (`openledger.datanets.v1`). */
  pkg: string;
  /** Module name for the `message.module` event attribute. */
  module: string;
  /** The messages: name, generated class, signer field, amino name. */
  specs: S;
  /** The handlers, by name. */
  handlers: MsgHandlers<S>;
  /** Parse the signer field (its coded error is the module's). */
  parseSigner: (ctx: Pick<Context, "chain">, field: string, s: string) => Uint8Array;
}

/** Router definitions of a message table: protobuf codec, signer from its field, amino JSON, handler. */
export function tableMsgDefs<S extends readonly MsgSpec[]>(t: MsgTable<S>): MsgDef<unknown>[] {
  return t.specs.map((spec) => {
    const codec = spec.codec as PbjsMsgCodec<Record<string, unknown>>;
    const handle = t.handlers[spec.name as S[number]["name"]] as (
      ctx: Context,
      m: Record<string, unknown>,
    ) => AnyMsg;
    const def: MsgDef<Record<string, unknown>> = {
      typeUrl: `/${t.pkg}.${spec.name}`,
      module: t.module,
      decode: (b) => codec.decode(b),
      encode: (m) => codec.encode(m).finish(),
      signers: (m, chain: ChainConfig) => {
        const v = m[spec.signer];
        return [t.parseSigner({ chain }, spec.signer, typeof v === "string" ? v : "")];
      },
      amino: aminoConverter(spec.amino, codec),
      handle,
    };
    return def as MsgDef<unknown>;
  });
}

/** A ts-proto message class of cosmjs-types, as the router needs it. */
export interface TsProtoMsgCodec<M> {
  readonly typeUrl: string;
  decode(b: Uint8Array): M;
  encode(m: M): { finish(): Uint8Array };
}

/** A cosmjs-types message's router definition (type URL, codec, module) around its signers and handler. */
export function protoMsgDef<M>(
  codec: TsProtoMsgCodec<M>,
  module: string,
  def: Pick<MsgDef<M>, "signers" | "handle" | "amino">,
): MsgDef<M> {
  return {
    typeUrl: codec.typeUrl,
    module,
    decode: (b) => codec.decode(b),
    encode: (m) => codec.encode(m).finish(),
    ...def,
  };
}

// ---- queries ----

/** A generated (protobufjs) `PageRequest`. */
export type ProtoPage =
  | {
      key?: Uint8Array | null;
      offset?: unknown;
      limit?: unknown;
      countTotal?: boolean | null;
      reverse?: boolean | null;
    }
  | null
  | undefined;

/** A generated PageRequest as the `paginate` helper wants it. */
export function pageRequest(p: ProtoPage): PageRequest | undefined {
  if (!p) return undefined;
  return {
    key: p.key ?? new Uint8Array(),
    offset: big(p.offset as number),
    limit: big(p.limit as number),
    countTotal: p.countTotal ?? false,
    reverse: p.reverse ?? false,
  };
}

/** A `paginate` PageResponse as a generated one. */
export function pageResponse(r: { nextKey: Uint8Array; total: bigint }): {
  nextKey: Uint8Array;
  total: number;
} {
  return { nextKey: r.nextKey, total: num(r.total) };
}

/** The id at the end of an index key (`… ‖ id`, 8 bytes big-endian). */
export function idAtEnd(k: Uint8Array): bigint {
  return readUint64BE(k, k.length - 8);
}

/** `sdk` 7 (a malformed address in a request), reported by queries as InvalidArgument. */
export const SDK_INVALID_ADDRESS = { codespace: SDK, code: SdkCode.InvalidAddress } as const;

/** Registers `<service>/<name>`. */
export type QueryRoute = (name: string, h: QueryHandler) => void;

/**
 * Query registration under a service, turning the module's own bad-input error (`asInvalidArgument`)
 * into `sdk` 18 InvalidArgument, as a gRPC query server reports it.
 */
export function queryRoutes(
  r: ModuleRegistrar,
  service: string,
  asInvalidArgument: { codespace: string; code: number },
): QueryRoute {
  const mapCoded = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (
        e instanceof CodedError &&
        e.codespace === asInvalidArgument.codespace &&
        e.code === asInvalidArgument.code
      )
        throw invalidArgument(e.message);
      throw e;
    }
  };
  return (name, h) => r.registerQuery(`${service}/${name}`, (ctx, data) => mapCoded(() => h(ctx, data)));
}

// ---- genesis ----

/** protobufjs `toObject` options of genesis JSON (64-bit integers and bytes as strings, defaults kept). */
export const GENESIS_JSON_OPTS = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
} as const;

/** The genesis JSON (proto field names) of a generated `GenesisState`. */
export function genesisJson<G>(
  codec: { toObject(g: G, o: typeof GENESIS_JSON_OPTS): Record<string, unknown> },
  g: G,
): unknown {
  return toProtoNames(codec.toObject(g, GENESIS_JSON_OPTS));
}

/** Every value under a one-byte prefix of a module store, decoded, in key order. */
export function prefixValues<T>(store: KVReader, prefix: number, decode: (b: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const [, v] of store.iterator(Uint8Array.of(prefix), Uint8Array.of(prefix + 1))) out.push(decode(v));
  return out;
}

/** A module's genesis: default JSON, parse (validating), import and export through its keeper. */
export interface ModuleGenesis<K, G> {
  /** Default genesis JSON for a bond denom. */
  defaults(bondDenom: string): unknown;
  /** Parse and validate genesis JSON (coded errors). */
  parse(json: unknown, bondDenom: string): G;
  /** Import parsed genesis. */
  init(ctx: Context, keeper: K, g: G): void;
  /** Export state as genesis JSON. */
  export(ctx: Context, keeper: K): unknown;
}

// ---- keepers ----

/** Where a keeper keeps its params and how it codes, defaults and validates them. */
export interface ParamsSpec<P, V> {
  /** Params key in the module store. */
  key: Uint8Array;
  /** The generated Params class. */
  codec: { encode(p: P): { finish(): Uint8Array }; decode(b: Uint8Array): P };
  /** Params when none are stored. */
  defaults(): P;
  /** Validate (coded error), returning the typed view. */
  validate(p: P): V;
}

/** The store, params and id sequences every OpenLedger module keeper has. */
export abstract class StoreKeeper<P, V> {
  /** Over the module's store prefix and params spec. */
  protected constructor(
    private readonly storePrefix: Uint8Array,
    private readonly paramsSpec: ParamsSpec<P, V>,
  ) {}

  /** The store under the module's prefix. */
  store(ctx: Context): KVStore {
    return ctx.kv(this.storePrefix);
  }

  /** Params from a module-prefixed reader (defaults when unset). */
  readParams(store: KVReader): P {
    const bz = store.get(this.paramsSpec.key);
    return bz === undefined ? this.paramsSpec.defaults() : this.paramsSpec.codec.decode(bz);
  }

  /** Params. */
  getParams(ctx: Context): P {
    return this.readParams(this.store(ctx));
  }

  /** Validated, typed params. */
  params(ctx: Context): V {
    return this.paramsSpec.validate(this.getParams(ctx));
  }

  /** Store params (validated). */
  setParams(ctx: Context, p: P): void {
    this.paramsSpec.validate(p);
    this.store(ctx).set(this.paramsSpec.key, this.paramsSpec.codec.encode(p).finish());
  }

  /** Peek at a sequence (the next id it will hand out; starts at 1). */
  readSequence(store: KVReader, key: Uint8Array): bigint {
    const bz = store.get(key);
    return bz === undefined ? 1n : readUint64BE(bz);
  }

  /** Set a sequence (genesis import). */
  setSequence(ctx: Context, key: Uint8Array, next: bigint): void {
    this.store(ctx).set(key, uint64BE(next));
  }

  /** Hand out `n` ids of a sequence; returns the first. */
  protected take(ctx: Context, key: Uint8Array, n = 1n): bigint {
    const first = this.readSequence(this.store(ctx), key);
    this.setSequence(ctx, key, first + n);
    return first;
  }
}

// ---- modules ----

/** How a keeper-backed module registers its messages and queries and handles its genesis. */
export interface ModuleParts<K, G> {
  /** Its message definitions over the keeper. */
  msgDefs(keeper: K): MsgDef<unknown>[];
  /** Register its query handlers over the keeper. */
  registerQueries(r: ModuleRegistrar, keeper: K): void;
  /** Its genesis. */
  genesis: ModuleGenesis<K, G>;
}

/** An `AppModule` whose messages, queries and genesis go through one keeper. */
export abstract class KeeperModule<K, G> implements AppModule {
  /** Module name. */
  abstract readonly name: string;
  /** Its keeper. */
  abstract readonly keeper: K;
  /** Its messages, queries and genesis. */
  protected abstract readonly parts: ModuleParts<K, G>;

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const def of this.parts.msgDefs(this.keeper)) r.registerMsg(def);
    this.parts.registerQueries(r, this.keeper);
  }

  /** Default genesis JSON. */
  defaultGenesis(chain: ChainConfig): unknown {
    return this.parts.genesis.defaults(chain.bondDenom);
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown, chain: ChainConfig): void {
    this.parts.genesis.parse(json, chain.bondDenom);
  }

  /** Import state. */
  initGenesis(ctx: Context, json: unknown): undefined {
    this.parts.genesis.init(ctx, this.keeper, this.parts.genesis.parse(json, ctx.chain.bondDenom));
    return undefined;
  }

  /** Export state. */
  exportGenesis(ctx: Context): unknown {
    return this.parts.genesis.export(ctx, this.keeper);
  }
}

// ---- expected bank keeper ----

/** Balance read (escrow invariants). */
export interface BankBalanceReader {
  /** Balance of one denom. */
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
}

/** Escrow in and out of a module account. */
export interface BankEscrow {
  /** From an account into a module account (escrow, fees). */
  sendCoinsFromAccountToModule(
    ctx: Context,
    from: Uint8Array,
    module: string,
    coins: readonly BigCoin[],
  ): void;
  /** From a module account to an account (refunds, payouts). */
  sendCoinsFromModuleToAccount(ctx: Context, module: string, to: Uint8Array, coins: readonly BigCoin[]): void;
}

/** Moves between module accounts. */
export interface BankModuleTransfer {
  /** From one module account to another. */
  sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, coins: readonly BigCoin[]): void;
}
