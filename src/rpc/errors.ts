/**
 * JSON-RPC 2.0 errors exactly as CometBFT 0.38 (`rpc/jsonrpc/types/types.go`) writes them: a code, a
 * fixed message per code and the cause as `data` text.
 */
import type { JsonObject } from "./json.js";

/** JSON-RPC error codes CometBFT uses. */
export enum RpcErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerError = -32000,
}

const MESSAGES: Record<RpcErrorCode, string> = {
  [RpcErrorCode.ParseError]: "Parse error. Invalid JSON",
  [RpcErrorCode.InvalidRequest]: "Invalid Request",
  [RpcErrorCode.MethodNotFound]: "Method not found",
  [RpcErrorCode.InvalidParams]: "Invalid params",
  [RpcErrorCode.InternalError]: "Internal error",
  [RpcErrorCode.ServerError]: "Server error",
};

/** A JSON-RPC error: `code` and CometBFT's message for it, `data` the cause. */
export class RpcError extends Error {
  /** Build an error with `code`; `data` is the human-readable cause ("" omits it). */
  constructor(
    readonly code: RpcErrorCode,
    readonly data: string,
  ) {
    super(data === "" ? MESSAGES[code] : `${MESSAGES[code]}: ${data}`);
    this.name = "RpcError";
  }

  /** The `error` member of a response. */
  toJson(): JsonObject {
    const out: JsonObject = { code: this.code, message: MESSAGES[this.code] };
    if (this.data !== "") out["data"] = this.data;
    return out;
  }
}

/** An error raised by a method handler: the RPC layer reports it as -32603 with this text as data. */
export class RpcHandlerError extends Error {
  /** Build from CometBFT's error text for the condition. */
  constructor(message: string) {
    super(message);
    this.name = "RpcHandlerError";
  }
}

/** -32700: the body is not JSON. */
export function parseError(cause: string): RpcError {
  return new RpcError(RpcErrorCode.ParseError, `error unmarshaling request: ${cause}`);
}

/** -32600: the request envelope is unusable. */
export function invalidRequest(cause: string): RpcError {
  return new RpcError(RpcErrorCode.InvalidRequest, cause);
}

/** -32601: no such method. */
export function methodNotFound(): RpcError {
  return new RpcError(RpcErrorCode.MethodNotFound, "");
}

/** -32602: parameters could not be converted. */
export function invalidParams(cause: string): RpcError {
  return new RpcError(RpcErrorCode.InvalidParams, cause);
}

/** -32603: the method failed; `cause` is its error text. */
export function internalError(cause: string): RpcError {
  return new RpcError(RpcErrorCode.InternalError, cause);
}

/** -32000: a server-side condition (CometBFT `RPCServerError`), e.g. a cancelled subscription. */
export function serverError(cause: string): RpcError {
  return new RpcError(RpcErrorCode.ServerError, cause);
}

/** -32000: the caller's address exceeded its request rate. */
export function rateLimited(): RpcError {
  return serverError("rate limit exceeded");
}
