/** The auth module: accounts, account numbers, params, module accounts. */
export { accountNotFound, unknownAddress } from "./errors.js";
export { type AuthGenesis, accountToJson, authGenesisToJson, parseAuthGenesis } from "./genesis.js";
export {
  type Account,
  AuthKeeper,
  accountFromAny,
  accountToAny,
  decodePubKeyAny,
  encodeAccount,
} from "./keeper.js";
export * from "./keys.js";
export { AuthModule } from "./module.js";
export { AuthParams, defaultAuthParams, validateAuthParams } from "./params.js";
export { registerAuthQueries } from "./queryServer.js";
