/**
 * The REST route table, derived from the `google.api.http` annotations of every service method in
 * the loaded .proto files: `GET /cosmos/bank/v1beta1/balances/{address}` →
 * `/cosmos.bank.v1beta1.Query/AllBalances`. Path templates follow `google/api/http.proto`
 * (`{field}`, `{field.sub}`, `{field=**}`, `{field=literal/*}`, `*`, `**`).
 */
import protobuf from "protobufjs";
import { invalidArgument } from "./errors.js";

/** HTTP verbs the gateway routes. */
export type HttpVerb = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/** One segment of a template's pattern: a literal, `*` (one segment) or `**` (the rest). */
export type PatternSegment = { kind: "literal"; value: string } | { kind: "*" } | { kind: "**" };

/** A template segment: a pattern segment, or a variable binding a field to pattern segments. */
export type TemplateSegment = PatternSegment | { kind: "var"; field: string[]; pattern: PatternSegment[] };

/** A parsed path template. */
export interface PathTemplate {
  /** The template text as annotated. */
  text: string;
  segments: TemplateSegment[];
  /** Field paths bound by variables (dotted). */
  variables: string[];
  /** Literal segments (for route ranking: more literals win). */
  literalCount: number;
}

/** One route: verb + template → gRPC method. */
export interface Route {
  verb: HttpVerb;
  template: PathTemplate;
  /** `/cosmos.bank.v1beta1.Query/AllBalances`. */
  grpcPath: string;
  /** Fully qualified service name without the leading dot (`cosmos.bank.v1beta1.Query`). */
  service: string;
  method: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  /** The annotation's `body`: `*`, a field name, or undefined (no body). */
  body: string | undefined;
}

/** A matched route and its path parameters (field path → decoded text). */
export interface RouteMatch {
  route: Route;
  params: Map<string, string>;
}

const VERBS: readonly HttpVerb[] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** Parse a `google.api.http` path template; throws on malformed text. */
export function parseTemplate(text: string): PathTemplate {
  if (!text.startsWith("/")) throw new Error(`path template must start with '/': ${text}`);
  const body = text.slice(1);
  const segments: TemplateSegment[] = [];
  const variables: string[] = [];
  let literalCount = 0;
  let i = 0;
  const parsePattern = (s: string): PatternSegment[] =>
    s.split("/").map((p): PatternSegment => {
      if (p === "*") return { kind: "*" };
      if (p === "**") return { kind: "**" };
      if (p === "" || /[{}=]/.test(p)) throw new Error(`bad segment '${p}' in path template ${text}`);
      return { kind: "literal", value: p };
    });
  while (i < body.length) {
    if (body[i] === "{") {
      const end = body.indexOf("}", i);
      if (end < 0) throw new Error(`unclosed '{' in path template ${text}`);
      const inner = body.slice(i + 1, end);
      const eq = inner.indexOf("=");
      const fieldText = eq < 0 ? inner : inner.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(fieldText))
        throw new Error(`bad variable '${fieldText}' in path template ${text}`);
      const pattern: PatternSegment[] = eq < 0 ? [{ kind: "*" }] : parsePattern(inner.slice(eq + 1));
      for (const p of pattern) if (p.kind === "literal") literalCount++;
      segments.push({ kind: "var", field: fieldText.split("."), pattern });
      variables.push(fieldText);
      i = end + 1;
    } else {
      let end = body.indexOf("/", i);
      if (end < 0) end = body.length;
      const seg = body.slice(i, end);
      const [p] = parsePattern(seg);
      if (p === undefined) throw new Error(`bad path template ${text}`);
      if (p.kind === "literal") literalCount++;
      segments.push(p);
      i = end;
    }
    if (i < body.length) {
      if (body[i] !== "/") throw new Error(`expected '/' at ${i + 1} in path template ${text}`);
      i++;
      if (i === body.length) throw new Error(`trailing '/' in path template ${text}`);
    }
  }
  // `**` may only be last.
  const flat = segments.flatMap((s) => (s.kind === "var" ? s.pattern : [s]));
  flat.forEach((s, k) => {
    if (s.kind === "**" && k !== flat.length - 1)
      throw new Error(`'**' must be last in path template ${text}`);
  });
  return { text, segments, variables, literalCount };
}

/**
 * Match request path segments (already split on `/`, still percent-encoded) against a template;
 * returns the bound variables (percent-decoded) or undefined. Throws InvalidArgument on a bad
 * percent-encoding in a bound segment.
 */
export function matchTemplate(t: PathTemplate, parts: readonly string[]): Map<string, string> | undefined {
  const params = new Map<string, string>();
  let pos = 0;
  const matchPattern = (pattern: PatternSegment[]): string[] | undefined => {
    const got: string[] = [];
    for (const p of pattern) {
      if (p.kind === "**") {
        if (pos >= parts.length) return undefined;
        got.push(...parts.slice(pos));
        pos = parts.length;
        continue;
      }
      const part = parts[pos];
      if (part === undefined || part === "") return undefined;
      if (p.kind === "literal" && part !== p.value) return undefined;
      got.push(part);
      pos++;
    }
    return got;
  };
  for (const s of t.segments) {
    if (s.kind === "var") {
      const got = matchPattern(s.pattern);
      if (got === undefined) return undefined;
      params.set(s.field.join("."), got.map(decodeSegment).join("/"));
    } else if (matchPattern([s]) === undefined) return undefined;
  }
  return pos === parts.length ? params : undefined;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidArgument(`malformed percent-encoding in path segment ${JSON.stringify(s.slice(0, 100))}`);
  }
}

/** The route table: every annotated method, ranked so literal segments win over variables. */
export class RouteTable {
  /** Routes in match order. */
  readonly routes: readonly Route[];

  /** Build a table from routes (ranked here). */
  constructor(routes: Route[]) {
    this.routes = [...routes].sort(
      (a, b) =>
        b.template.literalCount - a.template.literalCount ||
        b.template.segments.length - a.template.segments.length ||
        (a.template.text < b.template.text ? -1 : a.template.text > b.template.text ? 1 : 0),
    );
  }

  /** Derive the table from every service method annotated with `google.api.http` in `root`. */
  static fromRoot(root: protobuf.Root, onSkip?: (what: string, why: string) => void): RouteTable {
    return new RouteTable(deriveRoutes(root, onSkip));
  }

  /**
   * Find the route of `verb` and `path` (the URL path, percent-encoded). Returns `{match}` or
   * `{allowed}` (verbs that would match the path) when none of this verb matches.
   */
  match(verb: string, path: string): { match?: RouteMatch; allowed: HttpVerb[] } {
    const parts = splitPath(path);
    const allowed: HttpVerb[] = [];
    for (const route of this.routes) {
      const params = matchTemplate(route.template, parts);
      if (params === undefined) continue;
      if (route.verb === verb || (verb === "HEAD" && route.verb === "GET"))
        return { match: { route, params }, allowed };
      if (!allowed.includes(route.verb)) allowed.push(route.verb);
    }
    return { allowed };
  }

  /** The route of a gRPC method path, if annotated. */
  byGrpcPath(grpcPath: string): Route | undefined {
    return this.routes.find((r) => r.grpcPath === grpcPath);
  }
}

/** Split a URL path into segments (without the leading empty one; a trailing `/` is ignored). */
export function splitPath(path: string): string[] {
  const parts = path.split("/");
  if (parts[0] === "") parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

interface HttpRule {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

/** Every annotated route of every service in `root`, in a stable (name) order. */
export function deriveRoutes(root: protobuf.Root, onSkip?: (what: string, why: string) => void): Route[] {
  const routes: Route[] = [];
  for (const service of services(root)) {
    const serviceName = service.fullName.replace(/^\./, "");
    for (const method of service.methodsArray) {
      for (const rule of httpRules(method)) {
        for (const verb of VERBS) {
          const text = rule[verb.toLowerCase() as Lowercase<HttpVerb>];
          if (typeof text !== "string") continue;
          try {
            method.resolve();
            const requestType = method.resolvedRequestType;
            const responseType = method.resolvedResponseType;
            if (!requestType || !responseType) throw new Error("unresolved request/response type");
            const template = parseTemplate(text);
            for (const v of template.variables) fieldPath(requestType, v.split("."));
            routes.push({
              verb,
              template,
              grpcPath: `/${serviceName}/${method.name}`,
              service: serviceName,
              method: method.name,
              requestType,
              responseType,
              body: typeof rule.body === "string" && rule.body !== "" ? rule.body : undefined,
            });
          } catch (e) {
            onSkip?.(
              `${serviceName}.${method.name} ${verb} ${text}`,
              e instanceof Error ? e.message : String(e),
            );
          }
        }
      }
    }
  }
  return routes;
}

/** The fields along a dotted path in `type`; throws when a step is missing or not a message. */
export function fieldPath(type: protobuf.Type, path: string[]): protobuf.Field[] {
  const out: protobuf.Field[] = [];
  let t: protobuf.Type = type;
  path.forEach((name, i) => {
    const f = findField(t, name);
    if (!f) throw new Error(`no field '${name}' in ${t.fullName}`);
    out.push(f);
    if (i < path.length - 1) {
      f.resolve();
      if (!(f.resolvedType instanceof protobuf.Type)) throw new Error(`field '${name}' is not a message`);
      t = f.resolvedType;
    }
  });
  return out;
}

/** A field by its proto name or its lowerCamelCase JSON name. */
export function findField(type: protobuf.Type, name: string): protobuf.Field | undefined {
  const direct = type.fields[name];
  if (direct) return direct;
  return type.fieldsArray.find((f) => jsonName(f.name) === name);
}

/** The lowerCamelCase JSON name of a proto field name. */
export function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function* services(ns: protobuf.NamespaceBase): Generator<protobuf.Service> {
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Service) yield o;
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type || o instanceof protobuf.Service)
      yield* services(o);
  }
}

function httpRules(method: protobuf.Method): HttpRule[] {
  const rules: HttpRule[] = [];
  const push = (r: HttpRule | undefined): void => {
    if (!r || typeof r !== "object") return;
    rules.push(r);
    const extra = r.additional_bindings;
    if (Array.isArray(extra)) for (const e of extra) push(e);
    else push(extra);
  };
  const parsed = method.parsedOptions as Array<Record<string, unknown>> | undefined;
  let found = false;
  for (const po of parsed ?? []) {
    const r = po["(google.api.http)"];
    if (r && typeof r === "object") {
      push(r as HttpRule);
      found = true;
    }
  }
  if (!found && method.options) {
    const o = method.options as Record<string, unknown>;
    const r: HttpRule = {};
    for (const v of VERBS) {
      const t = o[`(google.api.http).${v.toLowerCase()}`];
      if (typeof t === "string") r[v.toLowerCase() as Lowercase<HttpVerb>] = t;
    }
    const b = o["(google.api.http).body"];
    if (typeof b === "string") r.body = b;
    push(r);
  }
  return rules;
}
