/** The bank module: balances, supply, denom metadata, send-enabled, MsgSend / MsgMultiSend. */
export { multiSendAmino, sendAmino } from "./amino.js";
export { BANK, BankCode, bankError, blockedAddress, insufficientFunds } from "./errors.js";
export * from "./events.js";
export type { AccountKeeper } from "./expectedKeepers.js";
export { type BankGenesis, bankGenesisToJson, parseBankGenesis } from "./genesis.js";
export { BankKeeper, decodeAmount, type IoLeg } from "./keeper.js";
export * from "./keys.js";
export { BankModule, totalSupplyInvariant } from "./module.js";
export { bankMsgDefs, GOV_MODULE } from "./msgServer.js";
export { BankParams, defaultBankParams, validateBankParams } from "./params.js";
export { registerBankQueries } from "./queryServer.js";
