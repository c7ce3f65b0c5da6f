/** The Cosmos REST gateway (port 1317): routes derived from `google.api.http` annotations. */
export type { RestEnv, RestNodeInfo } from "./env.js";
export { GrpcCode, grpcCodeOfAbci, HTTP_STATUS, RestError } from "./errors.js";
export {
  buildRequest,
  type GatewayReply,
  type GatewayRequest,
  HEIGHT_HEADER,
  RestGateway,
} from "./gateway.js";
export { type Json, plainFromJson, printBytes, printMessage, setFieldFromText } from "./json.js";
export { buildOpenApi } from "./openapi.js";
export { defaultProtoDirs, type LoadedProtos, loadProtos, repoProtoDir } from "./protoLoader.js";
export { deriveRoutes, matchTemplate, parseTemplate, type Route, RouteTable } from "./routes.js";
export { RestServer, type RestServerOptions } from "./server.js";
export { type LocalHandler, TENDERMINT_HANDLERS } from "./tendermint.js";
export { TX_CODEC_HANDLERS } from "./txCodec.js";
