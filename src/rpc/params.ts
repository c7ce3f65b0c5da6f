/**
 * Per-method parameter conversion, as CometBFT's `rpc/jsonrpc/server` does it by reflection: named
 * (object) or positional (array) JSON params, and the URI form `GET /<method>?k=v` where strings are
 * quoted, integers bare and bytes `0x…` hex.
 */
import { fromBase64, fromHex, utf8 } from "../types/bytes.js";
import { invalidParams, type RpcError } from "./errors.js";
import { isJsonObject, type Json, parseJson } from "./json.js";

/** How a parameter is typed, mirroring the Go argument type of the CometBFT handler. */
export type ParamKind =
  /** Go `int64` / `*int64`: a JSON string of digits (a JSON integer is accepted too). */
  | "int64"
  /** Go `int` / `*int` (page, per_page, limit). */
  | "int"
  /** Go `uint` (genesis chunk). */
  | "uint"
  /** Go `string`. */
  | "string"
  /** Go `[]byte`: base64 in JSON. */
  | "bytes"
  /** Go `bytes.HexBytes`: hex in JSON. */
  | "hexBytes"
  /** A 32-byte hash (`tx`, `block_by_hash`, `header_by_hash`): hex (64 digits) or base64 in JSON. */
  | "hash"
  /** Go `bool`. */
  | "bool";

/** One declared parameter of a route. */
export interface ParamSpec {
  name: string;
  kind: ParamKind;
}

/** A converted parameter value. */
export type ParamValue = number | string | Uint8Array | boolean;

const INT_RE = /^-?[0-9]+$/;
const HASH_HEX_RE = /^[0-9a-fA-F]{64}$/;

/** Converted arguments of one call; absent (or null) parameters are undefined. */
export class Args {
  /** Wrap converted values by name. */
  constructor(private readonly values: ReadonlyMap<string, ParamValue>) {}

  /** An integer parameter, or undefined when absent. */
  int(name: string): number | undefined {
    const v = this.values.get(name);
    return typeof v === "number" ? v : undefined;
  }

  /** A string parameter, or undefined when absent. */
  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === "string" ? v : undefined;
  }

  /** A bytes parameter, or undefined when absent. */
  bytes(name: string): Uint8Array | undefined {
    const v = this.values.get(name);
    return v instanceof Uint8Array ? v : undefined;
  }

  /** A boolean parameter; absent is false (Go's zero value). */
  bool(name: string): boolean {
    return this.values.get(name) === true;
  }
}

/** Convert JSON-RPC `params` (object, array, or absent) for a route; throws -32602 on mismatch. */
export function argsFromJson(specs: readonly ParamSpec[], params: Json | undefined): Args {
  const values = new Map<string, ParamValue>();
  if (params === undefined || params === null) return new Args(values);
  const fail = (cause: string): RpcError =>
    invalidParams(`error converting json params to arguments: ${cause}`);
  if (isJsonObject(params)) {
    for (const spec of specs) {
      const raw = Object.hasOwn(params, spec.name) ? params[spec.name] : undefined;
      if (raw === undefined || raw === null) continue;
      const v = convertJson(spec, raw);
      if (typeof v === "string") throw fail(v);
      values.set(spec.name, v.value);
    }
    return new Args(values);
  }
  if (Array.isArray(params)) {
    if (params.length === 0 && specs.length > 0) return new Args(values);
    if (params.length !== specs.length) {
      throw fail(
        `expected ${specs.length} parameters (${specs.map((s) => s.name).join(" ")}), got ${params.length}`,
      );
    }
    specs.forEach((spec, i) => {
      const raw = params[i];
      if (raw === undefined || raw === null) return;
      const v = convertJson(spec, raw);
      if (typeof v === "string") throw fail(v);
      values.set(spec.name, v.value);
    });
    return new Args(values);
  }
  throw fail("unknown type for JSON params. Expected map or array");
}

/** Convert URI query parameters (`?height=5&hash=0xAB`) for a route; throws -32602 on mismatch. */
export function argsFromUri(specs: readonly ParamSpec[], query: URLSearchParams): Args {
  const values = new Map<string, ParamValue>();
  for (const spec of specs) {
    const arg = query.get(spec.name) ?? "";
    if (arg === "") continue;
    const v = convertUri(spec, arg);
    if (typeof v === "string") {
      throw invalidParams(`error converting http params to arguments: ${v}`);
    }
    values.set(spec.name, v.value);
  }
  return new Args(values);
}

/** Convert one JSON value; a string result is the error text. */
function convertJson(spec: ParamSpec, raw: Json): { value: ParamValue } | string {
  switch (spec.kind) {
    case "int64":
    case "int":
    case "uint":
      return convertInt(spec, raw);
    case "string":
      return typeof raw === "string" ? { value: raw } : typeError(raw, "string");
    case "bool":
      return typeof raw === "boolean" ? { value: raw } : typeError(raw, "bool");
    case "bytes":
      if (typeof raw !== "string") return typeError(raw, "[]uint8");
      try {
        return { value: fromBase64(raw) };
      } catch {
        return "illegal base64 data";
      }
    case "hash":
      if (typeof raw !== "string") return typeError(raw, "[]uint8");
      try {
        return { value: HASH_HEX_RE.test(raw) ? fromHex(raw) : fromBase64(raw) };
      } catch {
        return "illegal base64 data";
      }
    case "hexBytes":
      if (typeof raw !== "string") return `invalid hex string: ${JSON.stringify(raw)}`;
      if (raw.startsWith("0x") || raw.startsWith("0X")) return "encoding/hex: invalid byte: U+0078 'x'";
      try {
        return { value: fromHex(raw) };
      } catch {
        return "encoding/hex: invalid hex string";
      }
  }
}

function convertInt(spec: ParamSpec, raw: Json): { value: ParamValue } | string {
  let text: string;
  if (typeof raw === "string") text = raw;
  else if (typeof raw === "number" && Number.isInteger(raw)) text = String(raw);
  else return `invalid 64-bit integer encoding ${JSON.stringify(raw)}, expected string`;
  if (!INT_RE.test(text)) return `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`;
  }
  if (spec.kind === "uint" && n < 0) {
    return `strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`;
  }
  if (spec.kind === "int" && (n > 2 ** 31 - 1 || n < -(2 ** 31))) {
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`;
  }
  return { value: n === 0 ? 0 : n };
}

function typeError(raw: Json, goType: string): string {
  const jsonType =
    raw === null ? "null" : Array.isArray(raw) ? "array" : typeof raw === "object" ? "object" : typeof raw;
  return `json: cannot unmarshal ${jsonType} into Go value of type ${goType}`;
}

/** Convert one URI argument by CometBFT's rules (`http_uri_handler.go`); a string result is the error. */
function convertUri(spec: ParamSpec, arg: string): { value: ParamValue } | string {
  const isInt = INT_RE.test(arg);
  const isQuoted = arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"');
  const isHex = arg.toLowerCase().startsWith("0x");
  const expectingInt = spec.kind === "int64" || spec.kind === "int" || spec.kind === "uint";
  const expectingBytes = spec.kind === "bytes" || spec.kind === "hexBytes" || spec.kind === "hash";
  if (isInt && expectingInt) return convertInt(spec, arg);
  if (spec.kind === "hash" && HASH_HEX_RE.test(arg)) return { value: fromHex(arg) };
  if (isHex) {
    if (spec.kind !== "string" && !expectingBytes) {
      return `got a hex string arg, but expected '${goKind(spec.kind)}'`;
    }
    let bytes: Uint8Array;
    try {
      bytes = fromHex(arg.slice(2));
    } catch {
      return "encoding/hex: invalid byte";
    }
    return spec.kind === "string" ? { value: Buffer.from(bytes).toString("utf8") } : { value: bytes };
  }
  if (isQuoted && expectingBytes) {
    const s = parseJsonArg(arg);
    if (typeof s !== "string") return "invalid quoted string";
    return { value: utf8(s) };
  }
  let raw: Json;
  try {
    raw = parseJsonArg(arg);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return convertJson(spec, raw);
}

function parseJsonArg(arg: string): Json {
  try {
    return parseJson(arg, 8);
  } catch {
    throw new Error(
      `invalid character in ${JSON.stringify(arg.slice(0, 64))} looking for beginning of value`,
    );
  }
}

function goKind(kind: ParamKind): string {
  switch (kind) {
    case "int64":
      return "int64";
    case "int":
      return "int";
    case "uint":
      return "uint";
    case "bool":
      return "bool";
    default:
      return "slice";
  }
}
