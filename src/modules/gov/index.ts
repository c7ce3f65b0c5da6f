/** The gov module: proposals, deposits, votes, tally, timelocked execution. */
export { GOV, GovCode, govError } from "./errors.js";
export { EventType as GovEventType, ProposalResult } from "./events.js";
export type { GovBankKeeper, GovStakingKeeper, MsgRouter } from "./expectedKeepers.js";
export { defaultGovGenesisJson, parseGovGenesis } from "./genesis.js";
export { GovKeeper } from "./keeper.js";
export { MODULE_NAME as GOV_MODULE_NAME } from "./keys.js";
export { GovModule } from "./module.js";
export { defaultGovParams, devGovParams } from "./params.js";
export { createGovModule, type GovDeps } from "./stack.js";
export { MsgUpdateTimelockParams } from "./timelock.js";
