/** Coded errors of the RPC client (codespace `client`) and the mapping of transport errors onto them. */
import { CodedError } from "../types/errors.js";

/** The client's codespace. */
export const CLIENT_CODESPACE = "client";

/** Error codes of the `client` codespace. */
export enum ClientCode {
  /** The node could not be reached (connection refused, DNS, timeout, HTTP error). */
  NodeUnreachable = 2,
  /** `--chain-id` differs from the node's chain id. */
  ChainIdMismatch = 3,
  /** The node answered the JSON-RPC call with an error (e.g. tx not found). */
  RpcError = 4,
  /** A transaction was not included within the wait time. */
  Timeout = 5,
  /** Bad command-line input not covered by an SDK code (bad hash, height, option). */
  InvalidArgument = 6,
  /** The user declined (or could not be asked) to confirm a transaction. */
  NotConfirmed = 7,
  /** The node's answer could not be decoded. */
  BadResponse = 8,
  /** The node has no such tx (or block). */
  NotFound = 9,
}

/** Build a `client` coded error. */
export function clientError(code: ClientCode, message: string): CodedError {
  return new CodedError(CLIENT_CODESPACE, code, message);
}

/** Map anything thrown by the RPC transport into a coded error that names the node. */
export function rpcFailure(e: unknown, node: string): CodedError {
  if (e instanceof CodedError) return e;
  const err = e as Error & { cause?: unknown };
  const message = err instanceof Error ? err.message : String(e);
  const cause = err?.cause as
    | { code?: string; message?: string; status?: number; body?: unknown }
    | undefined;
  // A JSON-RPC error: CosmJS throws its `error` object as JSON, or an HTTP ≥400 whose body holds it.
  let rpcError = message.startsWith("{") ? message : undefined;
  if (rpcError === undefined && typeof cause?.status === "number" && typeof cause.body === "string") {
    try {
      const body = JSON.parse(cause.body) as { error?: unknown };
      if (typeof body.error === "object" && body.error !== null) rpcError = JSON.stringify(body.error);
    } catch {
      rpcError = undefined;
    }
  }
  if (rpcError !== undefined) {
    try {
      const j = JSON.parse(rpcError) as { code?: number; message?: string; data?: unknown };
      const data = typeof j.data === "string" ? j.data : j.data === undefined ? "" : JSON.stringify(j.data);
      return clientError(
        ClientCode.RpcError,
        `node error ${j.code ?? "?"}: ${j.message ?? ""}${data ? `: ${data}` : ""}`,
      );
    } catch {
      // not JSON: fall through
    }
  }
  const transport =
    message === "fetch failed" ||
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|timeout|aborted|Bad status on response/i.test(message) ||
    (cause !== undefined && typeof cause.code === "string");
  if (transport) {
    const detail = cause?.code ?? cause?.message ?? message;
    return clientError(ClientCode.NodeUnreachable, `cannot reach node ${node}: ${detail}`);
  }
  return clientError(ClientCode.BadResponse, `unexpected answer from node ${node}: ${message}`);
}
