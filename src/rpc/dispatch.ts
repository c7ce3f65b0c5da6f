/**
 * One JSON-RPC call against the route table: method lookup, parameter conversion, handler, error
 * mapping. Shared by the HTTP server and (later) the WebSocket endpoint.
 */
import { internalError, methodNotFound, RpcError, RpcErrorCode, RpcHandlerError } from "./errors.js";
import type { Json } from "./json.js";
import { type Args, argsFromJson } from "./params.js";
import { isCacheable, isRpcMethod, ROUTES, type RouteContext } from "./routes.js";

/** Outcome of one call: a result (and whether it may be cached) or a JSON-RPC error. */
export type CallOutcome = { ok: true; result: Json; cacheable: boolean } | { ok: false; error: RpcError };

/**
 * Run `method` with JSON `params` (object, array or absent). Unknown method → -32601, bad params →
 * -32602, handler failure → -32603 with its text; failures that are not CometBFT-style handler errors
 * are also passed to `onUnexpected` (for logging).
 */
export async function dispatch(
  ctx: RouteContext,
  method: string,
  params: Json | undefined,
  onUnexpected: (err: unknown) => void = () => undefined,
): Promise<CallOutcome> {
  if (!isRpcMethod(method)) return { ok: false, error: methodNotFound() };
  const route = ROUTES[method];
  let args: Args;
  try {
    args = argsFromJson(route.params, params);
  } catch (e) {
    return { ok: false, error: toRpcError(e, RpcErrorCode.InvalidParams, onUnexpected) };
  }
  try {
    const result = await route.handler(ctx, args);
    return { ok: true, result, cacheable: isCacheable(route, args) };
  } catch (e) {
    return { ok: false, error: toRpcError(e, RpcErrorCode.InternalError, onUnexpected) };
  }
}

/** Map anything thrown to an RpcError: RpcErrors pass, others become `fallback` with their text. */
export function toRpcError(
  e: unknown,
  fallback: RpcErrorCode,
  onUnexpected: (err: unknown) => void,
): RpcError {
  if (e instanceof RpcError) return e;
  if (!(e instanceof RpcHandlerError)) onUnexpected(e);
  const text = e instanceof Error ? e.message : String(e);
  return fallback === RpcErrorCode.InternalError ? internalError(text) : new RpcError(fallback, text);
}
