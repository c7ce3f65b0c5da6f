/**
 * JSON-RPC 2.0 envelopes shared by the HTTP and WebSocket transports: request checks as Go's
 * `RPCRequest.UnmarshalJSON`, result and error responses.
 */
import type { RpcError } from "./errors.js";
import { isJsonObject, type Json, type JsonObject } from "./json.js";

/** One JSON-RPC request after envelope checks. */
export interface Envelope {
  /** undefined for a notification. */
  id: string | number | undefined;
  method: string;
  params: Json | undefined;
}

/**
 * Check one batch element as Go's `RPCRequest.UnmarshalJSON` does; a string is the error text.
 * Ids are strings or numbers (numbers truncated to integers); null or absent id = notification.
 */
export function toEnvelope(item: Json): Envelope | string {
  if (!isJsonObject(item)) return "json: cannot unmarshal non-object into Go value of type types.RPCRequest";
  const id = item["id"];
  const method = item["method"];
  const jsonrpc = item["jsonrpc"];
  if (jsonrpc !== undefined && jsonrpc !== null && typeof jsonrpc !== "string") {
    return "json: cannot unmarshal jsonrpc into Go struct field of type string";
  }
  if (method !== undefined && method !== null && typeof method !== "string") {
    return "json: cannot unmarshal method into Go struct field of type string";
  }
  if (id === undefined || id === null) return { id: undefined, method: "", params: undefined };
  let outId: string | number;
  if (typeof id === "string") outId = id;
  else if (typeof id === "number") outId = Math.trunc(id);
  else return `json-rpc ID (${JSON.stringify(id)}) is of unknown type`;
  return { id: outId, method: typeof method === "string" ? method : "", params: item["params"] };
}

/** A result response. */
export function resultEnvelope(id: string | number, result: Json): JsonObject {
  return { jsonrpc: "2.0", id, result };
}

/** An error response (no `id` when unknown). */
export function errorEnvelope(id: string | number | undefined, err: RpcError): JsonObject {
  const out: JsonObject = { jsonrpc: "2.0" };
  if (id !== undefined) out["id"] = id;
  out["error"] = err.toJson();
  return out;
}
