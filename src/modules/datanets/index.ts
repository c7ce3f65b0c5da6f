/** The datanets module (`openledger.datanets.v1`): public surface. */
export { aminoConverter, fromAminoJson, type PbjsCodec, toAminoJson } from "../../app/aminoKit.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./expectedKeepers.js";
export {
  type DatanetMeta,
  DatanetsKeeper,
  type RejectionInput,
  type ReviewResult,
  singleProof,
} from "./keeper.js";
export * from "./keys.js";
export { DatanetsModule, type DatanetsModuleDeps } from "./module.js";
export { DATANETS_MSGS, datanetsMsgDefs, PACKAGE, typeUrlOf } from "./msgServer.js";
export * from "./params.js";
export { QUERY_SERVICE, registerDatanetsQueries } from "./queryServer.js";
export { datanetsAminoConverters, datanetsRegistryTypes } from "./registry.js";
