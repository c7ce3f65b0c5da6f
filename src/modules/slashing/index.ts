/** The slashing module (`cosmos.slashing.v1beta1`; also handles consensus double-sign evidence). */
export { SlashingKeeper } from "./keeper.js";
export { MODULE_NAME as SLASHING_MODULE } from "./keys.js";
export { SlashingModule } from "./module.js";
