/** CometBFT 0.38 JSON-RPC: the server, the environment it needs, and the shared JSON encoders. */
export { type CallOutcome, dispatch } from "./dispatch.js";
export * from "./encoding.js";
export type * from "./env.js";
export { RpcRoundStep } from "./env.js";
export { RpcError, RpcErrorCode, RpcHandlerError } from "./errors.js";
export { encodeEventData, encodeFinalizeBlock, eventResponseText } from "./eventEncoding.js";
export { type Json, type JsonObject, stringifyJson } from "./json.js";
export {
  DEFAULT_RATE_LIMIT_BURST,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  RateLimiter,
} from "./rateLimit.js";
export { ROUTES, type Route, type RouteContext, type RpcMethod } from "./routes.js";
export {
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_OPEN_CONNECTIONS,
  DEFAULT_TIMEOUT_BROADCAST_TX_COMMIT_MS,
  DEFAULT_TIMEOUT_MS,
  parseLaddr,
  RpcServer,
  type RpcServerOptions,
} from "./server.js";
export {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_WRITE_BUFFER_SIZE,
  WEBSOCKET_PATH,
  type WebsocketOptions,
} from "./websocket.js";
