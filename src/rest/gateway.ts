/**
 * The gateway proper, independent of HTTP plumbing: match a request against the route table, build
 * the request message from path parameters, query parameters and the JSON body, call the gRPC method
 * (an ABCI query, or a handler of the node for the tendermint service), and print the response as
 * gateway JSON — or a grpc-gateway error.
 */
import type protobuf from "protobufjs";
import type { RestEnv } from "./env.js";
import { GrpcCode, invalidArgument, RestError, restErrorOfAbci } from "./errors.js";
import { type Json, type PlainMessage, plainFromJson, printMessage, setFieldFromText } from "./json.js";
import { type LoadedProtos, loadProtos } from "./protoLoader.js";
import { fieldPath, type Route, RouteTable } from "./routes.js";
import { type LocalHandler, TENDERMINT_HANDLERS } from "./tendermint.js";
import { TX_CODEC_HANDLERS } from "./txCodec.js";

/** The gRPC methods the gateway answers from the node itself rather than through ABCI queries. */
export const LOCAL_HANDLERS: Record<string, LocalHandler> = { ...TENDERMINT_HANDLERS, ...TX_CODEC_HANDLERS };

/** Request header selecting the state height of a query (as the SDK gateway reads it). */
export const HEIGHT_HEADER = "x-cosmos-block-height";

/** One request as the gateway sees it. */
export interface GatewayRequest {
  /** HTTP verb. */
  verb: string;
  /** URL path, percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Raw body (POST). */
  body?: Uint8Array;
  /** Value of `x-cosmos-block-height`, if sent. */
  height?: string;
}

/** A reply: HTTP status, JSON body, and the state height it was read at (0 when not a query). */
export interface GatewayReply {
  status: number;
  json: Json;
  height: number;
}

/** The REST gateway over a route table and a node. */
export class RestGateway {
  private readonly handlers: Record<string, LocalHandler>;

  /** A gateway over routes derived from `root`. */
  constructor(
    readonly root: protobuf.Root,
    readonly table: RouteTable,
    private readonly env: RestEnv,
    handlers: Record<string, LocalHandler> = LOCAL_HANDLERS,
  ) {
    this.handlers = handlers;
  }

  /** Load the protos (default roots), derive the routes, and build a gateway. */
  static load(env: RestEnv, protos: LoadedProtos = loadProtos()): RestGateway {
    return new RestGateway(protos.root, RouteTable.fromRoot(protos.root), env);
  }

  /** Answer one request; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayReply> {
    try {
      return await this.dispatch(req);
    } catch (e) {
      const err =
        e instanceof RestError
          ? e
          : new RestError(GrpcCode.Internal, e instanceof Error ? e.message : String(e));
      return { status: err.httpStatus, json: err.toJson(), height: 0 };
    }
  }

  private async dispatch(req: GatewayRequest): Promise<GatewayReply> {
    const { match, allowed } = this.table.match(req.verb, req.path);
    if (!match) {
      if (allowed.length > 0) throw new RestError(GrpcCode.Unimplemented, "Method Not Allowed", 405);
      throw new RestError(GrpcCode.Unimplemented, "Not Implemented");
    }
    const { route, params } = match;
    const plain = buildRequest(route, params, req.query, req.body);
    let height: number | undefined;
    if (req.height !== undefined && req.height !== "") {
      if (!/^\d{1,15}$/.test(req.height))
        throw invalidArgument(`invalid ${HEIGHT_HEADER} header: ${JSON.stringify(req.height.slice(0, 40))}`);
      height = Number(req.height);
    }
    const local = this.handlers[route.grpcPath];
    if (local) {
      const resp = await local(this.env, route, plain);
      return { status: 200, json: printMessage(route.responseType, resp), height: this.env.latestHeight() };
    }
    let data: Uint8Array;
    try {
      data = route.requestType.encode(route.requestType.fromObject(plain)).finish();
    } catch (e) {
      throw invalidArgument(`invalid request: ${(e as Error).message}`);
    }
    const res = await this.env.abciQuery(route.grpcPath, data, height);
    if (res.code !== 0) throw restErrorOfAbci(res.codespace, res.code, res.log);
    let decoded: PlainMessage;
    try {
      decoded = route.responseType.decode(res.value) as unknown as PlainMessage;
    } catch (e) {
      throw new RestError(
        GrpcCode.Internal,
        `failed to decode ${route.responseType.name}: ${(e as Error).message}`,
      );
    }
    return { status: 200, json: printMessage(route.responseType, decoded), height: res.height };
  }
}

/**
 * The request message (plain object) of `route` from path parameters, query parameters (when the
 * route takes no whole-message body) and the JSON body. Throws InvalidArgument on bad input.
 */
export function buildRequest(
  route: Route,
  params: Map<string, string>,
  query: URLSearchParams,
  body: Uint8Array | undefined,
): PlainMessage {
  let plain: PlainMessage = {};
  if (route.body !== undefined) {
    const text = body && body.length > 0 ? Buffer.from(body).toString("utf8") : "";
    let json: unknown = {};
    if (text.trim() !== "") {
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw invalidArgument(`invalid JSON body: ${(e as Error).message}`);
      }
    }
    if (route.body === "*") plain = plainFromJson(route.requestType, json);
    else {
      const f = route.requestType.fields[route.body];
      if (!f) throw new RestError(GrpcCode.Internal, `route body field ${route.body} is not in the request`);
      f.resolve();
      const rt = f.resolvedType;
      if (rt && "fieldsArray" in rt) plain[f.name] = plainFromJson(rt as protobuf.Type, json, 0, f.name);
      else throw new RestError(GrpcCode.Internal, `route body field ${route.body} is not a message`);
    }
  }
  if (route.body !== "*") {
    for (const [k, v] of query) {
      if (params.has(k) || (route.body !== undefined && (k === route.body || k.startsWith(`${route.body}.`))))
        continue;
      if (!hasField(route.requestType, k)) continue; // grpc-gateway ignores unknown parameters
      setFieldFromText(route.requestType, plain, k, v);
    }
  }
  for (const [k, v] of params) {
    // A path parameter replaces whatever the query or body said.
    const path = k.split(".");
    let target = plain;
    for (const p of path.slice(0, -1)) {
      const next = target[p];
      if (next && typeof next === "object" && !Array.isArray(next)) target = next as PlainMessage;
    }
    const last = path[path.length - 1];
    if (last !== undefined) delete target[last];
    setFieldFromText(route.requestType, plain, k, v);
  }
  return plain;
}

function hasField(type: protobuf.Type, path: string): boolean {
  try {
    fieldPath(type, path.split("."));
    return true;
  } catch {
    return false;
  }
}
