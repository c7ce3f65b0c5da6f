/**
 * Legacy amino JSON of OpenLedger's own messages (datanets, models, attribution), shared by the node
 * (sign-bytes check) and the client (CosmJS `AminoTypes` converters, `Registry` entries), so both sides
 * build the same document: proto field names, zero values omitted (amino `omitempty`), 64-bit integers as
 * decimal strings, enums as numbers, bytes as base64.
 */
import type { GeneratedType } from "@cosmjs/proto-signing";
import type { AminoConverters } from "@cosmjs/stargate";
import { camelToSnake, mapKeys, snakeToCamel } from "./protoJson.js";
import type { AminoConverter } from "./types.js";

/** The protobufjs static-class surface the converters use. */
export interface PbjsCodec<M> {
  fromObject(o: Record<string, unknown>): M;
  toObject(
    m: M,
    o: { longs: BigIntConstructor; enums: NumberConstructor; bytes: StringConstructor },
  ): Record<string, unknown>;
}

/** One message type of a module: its proto name, generated class, signer field and amino name. */
export interface MsgSpec {
  readonly name: string;
  readonly codec: unknown;
  readonly signer: string;
  readonly amino: string;
}

/** A message table row; the amino name defaults to `openledger/<name>`. */
export function msgSpec<N extends string, C>(
  name: N,
  codec: C,
  signer: string,
  amino = `openledger/${name}`,
): { readonly name: N; readonly codec: C; readonly signer: string; readonly amino: string } {
  return { name, codec, signer, amino };
}

function omitEmpty(v: unknown): unknown {
  if (typeof v === "bigint") return v === 0n ? undefined : v.toString();
  if (v === "" || v === 0 || v === false || v === null) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => omitEmpty(x) ?? defaultOf(x));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const y = omitEmpty(x);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  return v;
}

function defaultOf(x: unknown): unknown {
  return typeof x === "bigint" ? "0" : x;
}

/** The amino JSON value of a message (before key sorting). */
export function toAminoJson<M>(codec: PbjsCodec<M>, m: M | Record<string, unknown>): unknown {
  const o = codec.toObject(codec.fromObject(m as Record<string, unknown>), {
    longs: BigInt,
    enums: Number,
    bytes: String,
  });
  return mapKeys(omitEmpty(o) ?? {}, camelToSnake);
}

/** A message back from its amino JSON value. */
export function fromAminoJson<M>(codec: PbjsCodec<M>, json: unknown): M {
  return codec.fromObject(mapKeys(json, snakeToCamel) as Record<string, unknown>);
}

/** The node-side converter of a message type. */
export function aminoConverter<M>(aminoType: string, codec: PbjsCodec<M>): AminoConverter<M> {
  return { aminoType, toAmino: (m) => toAminoJson(codec, m) };
}

/** `[typeUrl, generated class]` for every message of a table (CosmJS `Registry` entries). */
export function registryTypesOf(
  specs: readonly MsgSpec[],
  typeUrlOf: (name: string) => string,
): ReadonlyArray<[string, GeneratedType]> {
  return specs.map((m) => [typeUrlOf(m.name), m.codec as GeneratedType] as [string, GeneratedType]);
}

/** CosmJS amino converters for every message of a table. */
export function aminoConvertersOf(
  specs: readonly MsgSpec[],
  typeUrlOf: (name: string) => string,
): AminoConverters {
  const out: AminoConverters = {};
  for (const m of specs) {
    const codec = m.codec as PbjsCodec<Record<string, unknown>>;
    out[typeUrlOf(m.name)] = {
      aminoType: m.amino,
      toAmino: (value: Record<string, unknown>) => toAminoJson(codec, value),
      fromAmino: (json: unknown) => fromAminoJson(codec, json),
    };
  }
  return out;
}
