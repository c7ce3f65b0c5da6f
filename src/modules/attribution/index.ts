/** The attribution module (`openledger.attribution.v1`): public surface. */
export * from "./errors.js";
export * from "./events.js";
export * from "./expectedKeepers.js";
export {
  defaultAttributionGenesis,
  exportAttributionGenesis,
  initAttributionGenesis,
  parseAttributionGenesis,
} from "./genesis.js";
export * from "./indexProvider.js";
export {
  AttributionKeeper,
  type AttributionKeeperDeps,
  EXPLAIN_MAX_WORK,
  outputSha256Hex,
  type SettleInput,
  type Settlement,
} from "./keeper.js";
export * from "./keys.js";
export { AttributionModule, type AttributionModuleDeps, escrowInvariant } from "./module.js";
export { ATTRIBUTION_MSGS, attributionMsgDefs, PACKAGE, typeUrlOf } from "./msgServer.js";
export * from "./params.js";
export { QUERY_SERVICE, registerAttributionQueries } from "./queryServer.js";
export { attributionAminoConverters, attributionRegistryTypes } from "./registry.js";
export * from "./request.js";
export * from "./split.js";
