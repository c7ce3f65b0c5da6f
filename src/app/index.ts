/** The application: `OpenLedgerApp` and the pieces modules and the node build on. */

export { type AminoMsg, sortedJsonStringify, stdSignBytes } from "./amino.js";
export { type AnteResult, requiredFees, runAnte, SignatureCache, txSigners } from "./ante.js";
export {
  APP_NAME,
  APP_VERSION,
  type AppDeps,
  type AppOptions,
  OpenLedgerApp,
  SIMULATE_PATH,
  type TxOutcome,
} from "./app.js";
export * from "./coins.js";
export { EventManager, makeEvent } from "./events.js";
export { GasKVStore, GasMeter, KV_GAS, OutOfGasError } from "./gas.js";
export {
  chainConfigFromAppState,
  DEFAULT_MODULE_ACCOUNTS,
  type DefaultAppStateOptions,
  defaultAppState,
  tokenMetadata,
  validateAppState,
} from "./genesis.js";
export { PrefixReader, PrefixStore, ReadOnlyStore, storePrefix } from "./prefixStore.js";
export { camelToSnake, fromProtoNames, snakeToCamel, toProtoNames } from "./protoJson.js";
export { decodeRequest, invalidArgument, notFound, paginate } from "./query.js";
export { type DecodedMsg, type DecodedTx, decodeTx, MAX_TX_BYTES } from "./tx.js";
export * from "./types.js";
