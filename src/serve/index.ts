/** The serving gateway: public surface. */
export * from "./adapters.js";
export * from "./cache.js";
export * from "./chain.js";
export * from "./gateway.js";
export * from "./settle.js";
