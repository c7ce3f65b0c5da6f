/** The models module (`openledger.models.v1`): public surface. */
export * from "./errors.js";
export * from "./events.js";
export * from "./expectedKeepers.js";
export { type ModelInput, ModelsKeeper, type ModelUpdate, parsePrice } from "./keeper.js";
export * from "./keys.js";
export { escrowInvariant, ModelsModule, type ModelsModuleDeps } from "./module.js";
export { MODELS_MSGS, modelsMsgDefs, PACKAGE, typeUrlOf } from "./msgServer.js";
export * from "./params.js";
export { QUERY_SERVICE, registerModelsQueries } from "./queryServer.js";
export { modelsAminoConverters, modelsRegistryTypes } from "./registry.js";
