/**
 * An OpenAPI 3.0 document generated from the route table: one operation per route, path and query
 * parameters from the request message, a JSON request body for body routes, and component schemas of
 * every message reached, in the JSON shapes the gateway prints (64-bit integers and decimals as
 * strings, bytes as base64, enums by name, `Any` with `@type`).
 */
import protobuf from "protobufjs";
import type { Json } from "./json.js";
import type { Route, RouteTable } from "./routes.js";

/** Deepest nesting of message fields flattened into query parameters. */
const QUERY_PARAM_DEPTH = 3;

/** Build the OpenAPI document of `table`. */
export function buildOpenApi(table: RouteTable, info: { title: string; version: string }): Json {
  const schemas: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  const ref = (t: protobuf.Type): Json => ({ $ref: `#/components/schemas/${schemaName(t)}` });
  const ensure = (t: protobuf.Type): void => {
    const name = schemaName(t);
    if (name in schemas) return;
    schemas[name] = {}; // reserve (recursive types)
    schemas[name] = messageSchema(t, ensure, ref);
  };
  const routes = [...table.routes].sort((a, b) =>
    a.template.text === b.template.text
      ? a.verb.localeCompare(b.verb)
      : a.template.text < b.template.text
        ? -1
        : 1,
  );
  for (const r of routes) {
    const p = openApiPath(r);
    paths[p] ??= {};
    ensure(r.responseType);
    const parameters: Json[] = r.template.variables.map((v) => ({
      name: v,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (r.body !== "*") {
      for (const q of queryParams(r.requestType, "", 0, new Set(r.template.variables))) parameters.push(q);
    }
    const op: Record<string, Json> = {
      operationId: `${r.service.replace(/\./g, "_")}_${r.method}_${r.verb}`,
      tags: [r.service],
      summary: `${r.method} (${r.grpcPath})`,
      parameters,
      responses: {
        "200": {
          description: "A successful response.",
          content: { "application/json": { schema: ref(r.responseType) } },
        },
        default: {
          description: "An unexpected error response.",
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/grpc.gateway.runtime.Error" } },
          },
        },
      },
    };
    if (r.body !== undefined) {
      ensure(r.requestType);
      op.requestBody = { required: true, content: { "application/json": { schema: ref(r.requestType) } } };
    }
    paths[p][r.verb.toLowerCase()] = op;
  }
  schemas["grpc.gateway.runtime.Error"] = {
    type: "object",
    properties: {
      code: { type: "integer", format: "int32" },
      message: { type: "string" },
      details: { type: "array", items: { type: "object" } },
    },
  };
  return { openapi: "3.0.3", info, paths, components: { schemas } };
}

/** `{denom=**}` → `{denom}`: the OpenAPI form of a path template. */
export function openApiPath(r: Route): string {
  return r.template.text.replace(/\{([^}=]+)(=[^}]*)?\}/g, "{$1}");
}

function schemaName(t: protobuf.Type): string {
  return t.fullName.replace(/^\./, "");
}

function messageSchema(
  t: protobuf.Type,
  ensure: (t: protobuf.Type) => void,
  ref: (t: protobuf.Type) => Json,
): Json {
  switch (t.fullName) {
    case ".google.protobuf.Any":
      return {
        type: "object",
        properties: { "@type": { type: "string" } },
        additionalProperties: true,
      };
    case ".google.protobuf.Timestamp":
      return { type: "string", format: "date-time" };
    case ".google.protobuf.Duration":
      return { type: "string" };
  }
  const properties: Record<string, Json> = {};
  for (const f of t.fieldsArray) {
    f.resolve();
    const one = fieldSchema(f, ensure, ref);
    properties[f.name] =
      f instanceof protobuf.MapField
        ? { type: "object", additionalProperties: one }
        : f.repeated
          ? { type: "array", items: one }
          : one;
  }
  return { type: "object", properties };
}

function fieldSchema(
  f: protobuf.Field,
  ensure: (t: protobuf.Type) => void,
  ref: (t: protobuf.Type) => Json,
): Json {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Type) {
    ensure(rt);
    return ref(rt);
  }
  if (rt instanceof protobuf.Enum) return { type: "string", enum: Object.keys(rt.values) };
  return scalarSchema(f.type);
}

function scalarSchema(type: string): Json {
  switch (type) {
    case "string":
      return { type: "string" };
    case "bytes":
      return { type: "string", format: "byte" };
    case "bool":
      return { type: "boolean" };
    case "double":
    case "float":
      return { type: "number", format: type };
    case "int64":
    case "sint64":
    case "sfixed64":
      return { type: "string", format: "int64" };
    case "uint64":
    case "fixed64":
      return { type: "string", format: "uint64" };
    case "uint32":
    case "fixed32":
      return { type: "integer", format: "int64" };
    default:
      return { type: "integer", format: "int32" };
  }
}

function queryParams(t: protobuf.Type, prefix: string, depth: number, skip: Set<string>): Json[] {
  const out: Json[] = [];
  for (const f of t.fieldsArray) {
    const name = `${prefix}${f.name}`;
    if (skip.has(name) || f instanceof protobuf.MapField) continue;
    f.resolve();
    const rt = f.resolvedType;
    if (rt instanceof protobuf.Type) {
      if (f.repeated || depth + 1 >= QUERY_PARAM_DEPTH || rt.fullName.startsWith(".google.protobuf."))
        continue;
      out.push(...queryParams(rt, `${name}.`, depth + 1, skip));
      continue;
    }
    const schema =
      rt instanceof protobuf.Enum ? { type: "string", enum: Object.keys(rt.values) } : scalarSchema(f.type);
    out.push({
      name,
      in: "query",
      required: false,
      schema: f.repeated ? { type: "array", items: schema } : schema,
      ...(f.repeated ? { style: "form", explode: true } : {}),
    });
  }
  return out;
}
