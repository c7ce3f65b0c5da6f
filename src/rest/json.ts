/**
 * Proto3 JSON as the Cosmos SDK's grpc-gateway prints it (gogo `jsonpb` with `OrigName` and
 * `EmitDefaults`): proto field names, fields in declaration order, every field emitted (absent
 * messages and empty bytes as `null`, empty lists as `[]`), 64-bit integers as strings, bytes as
 * base64, enums by name, `Any` as `{"@type": url, …fields}`, Timestamp/Duration in their string forms,
 * `LegacyDec` custom types as decimals with 18 places. Also the reverse direction for request input:
 * query-string parameters and JSON bodies into a protobufjs plain object.
 */
import protobuf from "protobufjs";
import { invalidArgument, RestError } from "./errors.js";
import { fieldPath, findField } from "./routes.js";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Most nested messages/Anys printed or parsed; deeper input is refused. */
export const MAX_DEPTH = 64;

const LONG_TYPES = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32_TYPES = new Set(["int32", "sint32", "sfixed32"]);
const UINT32_TYPES = new Set(["uint32", "fixed32"]);
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (n) => `.google.protobuf.${n}Value`,
  ),
);
const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

// ---------------------------------------------------------------------------------------------
// Printing

/** Decode `bytes` as `type` and print it as gateway JSON. */
export function printBytes(type: protobuf.Type, bytes: Uint8Array): Json {
  return printMessage(type, type.decode(bytes), 0);
}

/** Print a decoded protobufjs message (or plain object of the same shape) as gateway JSON. */
export function printMessage(type: protobuf.Type, m: Record<string, unknown>, depth = 0): Json {
  if (depth > MAX_DEPTH) throw new RestError(13, "message nested too deeply");
  const special = printWellKnown(type, m, depth);
  if (special !== undefined) return special;
  const out: { [k: string]: Json } = {};
  for (const f of type.fieldsArray) {
    const v = m[f.name];
    // An unset oneof member (decoded messages hold set fields as own properties).
    if (f.partOf && (v === undefined || v === null || !Object.hasOwn(m, f.name))) continue;
    out[f.name] = printField(f, v, depth);
  }
  return out;
}

function printField(f: protobuf.Field, v: unknown, depth: number): Json {
  f.resolve();
  if (f instanceof protobuf.MapField) {
    const o: { [k: string]: Json } = {};
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = printValue(f, x, depth, true);
    }
    return o;
  }
  if (f.repeated) {
    const arr = Array.isArray(v) ? v : [];
    return arr.map((x) => printValue(f, x, depth, true));
  }
  return printValue(f, v, depth, false);
}

function printValue(f: protobuf.Field, v: unknown, depth: number, inList: boolean): Json {
  const rt = f.resolvedType;
  const opts = (f.options ?? {}) as Record<string, unknown>;
  if (rt instanceof protobuf.Type) {
    if (v === undefined || v === null) {
      if (opts["(gogoproto.nullable)"] === false) {
        if (rt.fullName === ".google.protobuf.Timestamp" && opts["(gogoproto.stdtime)"] === true)
          return GO_ZERO_TIME;
        return printMessage(rt, rt.create() as unknown as Record<string, unknown>, depth + 1);
      }
      return null;
    }
    return printMessage(rt, v as Record<string, unknown>, depth + 1);
  }
  if (rt instanceof protobuf.Enum) {
    const n = typeof v === "number" ? v : 0;
    return rt.valuesById[n] ?? n;
  }
  return printScalar(f.type, v, opts, inList);
}

function printScalar(type: string, v: unknown, opts: Record<string, unknown>, inList: boolean): Json {
  if (LONG_TYPES.has(type)) return longToString(v);
  if (type === "bytes") {
    const b = v instanceof Uint8Array ? v : new Uint8Array();
    if (b.length === 0 && !inList) return null;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
  }
  if (type === "string") {
    const s = typeof v === "string" ? v : "";
    const custom = opts["(gogoproto.customtype)"];
    if (typeof custom === "string") {
      if (/Dec$/.test(custom)) return decimalString(s);
      if (/Int$/.test(custom) && s === "") return "0";
    }
    return s;
  }
  if (type === "bool") return v === true;
  if (type === "double" || type === "float") {
    const n = typeof v === "number" ? v : 0;
    if (Number.isNaN(n)) return "NaN";
    if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
    return n;
  }
  return typeof v === "number" ? v : 0;
}

/** A 64-bit value (Long, number, bigint or string) as a decimal string. */
export function longToString(v: unknown): string {
  if (v === undefined || v === null) return "0";
  if (typeof v === "object" && "low" in (v as object)) return String(v);
  return String(v);
}

/** `sdk.Dec` wire form (integer of value × 10^18) as the SDK's JSON decimal (`0.050000000000000000`). */
export function decimalString(wire: string): string {
  if (!/^-?\d+$/.test(wire)) return wire === "" ? "0.000000000000000000" : wire;
  const neg = wire.startsWith("-");
  const digits = (neg ? wire.slice(1) : wire).replace(/^0+(?=\d)/, "").padStart(19, "0");
  const out = `${digits.slice(0, -18)}.${digits.slice(-18)}`;
  return neg && /[1-9]/.test(digits) ? `-${out}` : out;
}

function printWellKnown(type: protobuf.Type, m: Record<string, unknown>, depth: number): Json | undefined {
  switch (type.fullName) {
    case ".google.protobuf.Any":
      return printAny(type, m, depth);
    case ".google.protobuf.Timestamp":
      return formatTimestamp(BigInt(longToString(m.seconds)), Number(m.nanos ?? 0));
    case ".google.protobuf.Duration":
      return formatDuration(BigInt(longToString(m.seconds)), Number(m.nanos ?? 0));
    case ".google.protobuf.Empty":
      return {};
    default:
      if (WRAPPERS.has(type.fullName)) {
        const f = type.fields.value;
        return f ? printValue(f, m.value, depth, false) : null;
      }
      return undefined;
  }
}

function printAny(anyType: protobuf.Type, m: Record<string, unknown>, depth: number): Json {
  const url = typeof m.type_url === "string" ? m.type_url : "";
  const value = m.value instanceof Uint8Array ? m.value : new Uint8Array();
  if (url === "") return {};
  const name = url.slice(url.lastIndexOf("/") + 1);
  let inner: protobuf.Type | undefined;
  try {
    inner = anyType.root.lookupType(name);
  } catch {
    inner = undefined;
  }
  if (inner) {
    try {
      const decoded = inner.decode(value) as unknown as Record<string, unknown>;
      const printed = printMessage(inner, decoded, depth + 1);
      if (printed !== null && typeof printed === "object" && !Array.isArray(printed))
        return { "@type": url, ...printed };
      return { "@type": url, value: printed };
    } catch (e) {
      if (e instanceof RestError) throw e;
    }
  }
  // Unknown or undecodable: keep the bytes rather than fail the whole response.
  return { "@type": url, value: Buffer.from(value).toString("base64") };
}

/** RFC 3339 with 0, 3, 6 or 9 fractional digits, as Go's jsonpb writes Timestamps. */
export function formatTimestamp(seconds: bigint, nanos: number): string {
  const ms = seconds * 1000n;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return GO_ZERO_TIME;
  const base = d.toISOString().slice(0, 19);
  return `${base}${fraction(nanos)}Z`;
}

/** Proto3 JSON Duration: `"1.500s"`. */
export function formatDuration(seconds: bigint, nanos: number): string {
  const neg = seconds < 0n || nanos < 0;
  const s = seconds < 0n ? -seconds : seconds;
  return `${neg ? "-" : ""}${s}${fraction(Math.abs(nanos))}s`;
}

function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const n = String(nanos).padStart(9, "0");
  if (n.endsWith("000000")) return `.${n.slice(0, 3)}`;
  if (n.endsWith("000")) return `.${n.slice(0, 6)}`;
  return `.${n}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing input

/** A plain object protobufjs' `Type.fromObject` accepts. */
export type PlainMessage = Record<string, unknown>;

/**
 * Set the field at dotted `path` of `obj` (a request of `type`) from query-string text: scalars by
 * type, bytes as standard or URL-safe base64, enums by name or number, repeated fields appended.
 * Throws InvalidArgument on an unknown field or a malformed value.
 */
export function setFieldFromText(type: protobuf.Type, obj: PlainMessage, path: string, text: string): void {
  let fields: protobuf.Field[];
  try {
    fields = fieldPath(type, path.split("."));
  } catch (e) {
    throw invalidArgument(`invalid parameter ${JSON.stringify(path.slice(0, 100))}: ${(e as Error).message}`);
  }
  let target = obj;
  fields.forEach((f, i) => {
    if (i === fields.length - 1) {
      f.resolve();
      if (f instanceof protobuf.MapField)
        throw invalidArgument(`map field ${path} cannot be set from a parameter`);
      const value = scalarFromText(f, path, text);
      if (f.repeated) {
        const arr = Array.isArray(target[f.name]) ? (target[f.name] as unknown[]) : [];
        arr.push(value);
        target[f.name] = arr;
      } else target[f.name] = value;
      return;
    }
    if (f.repeated) throw invalidArgument(`invalid parameter ${path}: ${f.name} is repeated`);
    const next = target[f.name];
    if (next && typeof next === "object" && !Array.isArray(next)) target = next as PlainMessage;
    else {
      const fresh: PlainMessage = {};
      target[f.name] = fresh;
      target = fresh;
    }
  });
}

function scalarFromText(f: protobuf.Field, path: string, text: string): unknown {
  const bad = (what: string) =>
    invalidArgument(`invalid value ${JSON.stringify(text.slice(0, 100))} for ${path}: ${what}`);
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Enum) {
    if (text in rt.values) return rt.values[text];
    if (/^-?\d+$/.test(text)) return Number(text);
    throw bad(`not a ${rt.name} value`);
  }
  if (rt instanceof protobuf.Type) {
    if (rt.fullName === ".google.protobuf.Timestamp") return parseTimestamp(text, bad);
    throw bad("a message field cannot be set from text");
  }
  return parseScalar(f.type, text, bad);
}

function parseScalar(type: string, v: unknown, bad: (what: string) => RestError): unknown {
  if (type === "string") {
    if (typeof v !== "string") throw bad("expected a string");
    return v;
  }
  if (type === "bool") {
    if (v === true || v === "true" || v === "1" || v === "True") return true;
    if (v === false || v === "false" || v === "0" || v === "False") return false;
    throw bad("expected true or false");
  }
  if (type === "bytes") {
    if (typeof v !== "string") throw bad("expected base64 text");
    return decodeBase64(v, bad);
  }
  if (type === "double" || type === "float") {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
    if (Number.isNaN(n) && v !== "NaN") throw bad("expected a number");
    return n;
  }
  const text = typeof v === "number" && Number.isInteger(v) ? String(v) : v;
  if (typeof text !== "string" || !/^-?\d{1,20}$/.test(text)) throw bad("expected an integer");
  const n = BigInt(text);
  if (LONG_TYPES.has(type)) {
    const unsigned = type === "uint64" || type === "fixed64";
    const [lo, hi] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
    if (n < lo || n > hi) throw bad("out of range");
    return text;
  }
  const [lo, hi] = INT32_TYPES.has(type)
    ? [-(2n ** 31n), 2n ** 31n - 1n]
    : UINT32_TYPES.has(type)
      ? [0n, 2n ** 32n - 1n]
      : [-(2n ** 31n), 2n ** 31n - 1n];
  if (n < lo || n > hi) throw bad("out of range");
  return Number(n);
}

/** Standard or URL-safe base64 (padding optional; a space read from `+` in a query is a `+`). */
export function decodeBase64(text: string, bad: (what: string) => RestError): Uint8Array {
  const t = text.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.replace(/=+$/, "").length % 4 === 1) throw bad("invalid base64");
  return new Uint8Array(Buffer.from(t, "base64"));
}

function parseTimestamp(text: string, bad: (what: string) => RestError): PlainMessage {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw bad("expected an RFC 3339 time");
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw bad("expected an RFC 3339 time");
  return { seconds: String(Math.floor(ms / 1000)), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/**
 * Convert a proto3 JSON object (as in a POST body) into a plain message of `type`: accepts proto or
 * lowerCamel field names, 64-bit integers as strings or numbers, bytes as base64, enums by name or
 * number, `Any` with `@type`. Throws InvalidArgument on unknown fields or wrong types.
 */
export function plainFromJson(type: protobuf.Type, json: unknown, depth = 0, where = ""): PlainMessage {
  if (depth > MAX_DEPTH) throw invalidArgument("JSON nested too deeply");
  if (type.fullName === ".google.protobuf.Any") return anyFromJson(type, json, depth, where);
  if (type.fullName === ".google.protobuf.Timestamp" && typeof json === "string")
    return parseTimestamp(json, (w) => invalidArgument(`${where || "value"}: ${w}`));
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw invalidArgument(`${where || "body"}: expected a JSON object for ${type.name}`);
  const out: PlainMessage = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    const f = findField(type, k);
    const at = where === "" ? k : `${where}.${k}`;
    if (!f) throw invalidArgument(`unknown field ${JSON.stringify(at.slice(0, 100))} in ${type.name}`);
    if (v === null) continue;
    f.resolve();
    if (f instanceof protobuf.MapField) {
      if (typeof v !== "object" || Array.isArray(v)) throw invalidArgument(`${at}: expected an object`);
      const m: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>))
        m[mk] = valueFromJson(f, mv, depth, at);
      out[f.name] = m;
    } else if (f.repeated) {
      if (!Array.isArray(v)) throw invalidArgument(`${at}: expected an array`);
      out[f.name] = v.map((x, i) => valueFromJson(f, x, depth, `${at}[${i}]`));
    } else out[f.name] = valueFromJson(f, v, depth, at);
  }
  return out;
}

function valueFromJson(f: protobuf.Field, v: unknown, depth: number, at: string): unknown {
  const rt = f.resolvedType;
  const bad = (what: string) => invalidArgument(`invalid value for ${at}: ${what}`);
  if (rt instanceof protobuf.Type) return plainFromJson(rt, v, depth + 1, at);
  if (rt instanceof protobuf.Enum) {
    if (typeof v === "string" && v in rt.values) return rt.values[v];
    if (typeof v === "number" && Number.isInteger(v)) return v;
    throw bad(`not a ${rt.name} value`);
  }
  return parseScalar(f.type, v, bad);
}

function anyFromJson(anyType: protobuf.Type, json: unknown, depth: number, where: string): PlainMessage {
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw invalidArgument(`${where || "body"}: expected a JSON object for Any`);
  const { "@type": url, ...rest } = json as Record<string, unknown>;
  if (typeof url !== "string" || url === "") throw invalidArgument(`${where || "body"}: Any needs "@type"`);
  let inner: protobuf.Type;
  try {
    inner = anyType.root.lookupType(url.slice(url.lastIndexOf("/") + 1));
  } catch {
    throw invalidArgument(`${where || "body"}: unknown type ${JSON.stringify(url.slice(0, 200))}`);
  }
  const plain = plainFromJson(inner, rest, depth + 1, where);
  return { type_url: url, value: inner.encode(inner.fromObject(plain)).finish() };
}
