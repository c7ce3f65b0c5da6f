/** The block store: blocks, commits, results, validator sets and consensus params by height. */
export { BlockStore, type BlockStoreEntry, type BlockStoreOptions } from "./blockStore.js";
export {
  decodeBlockMeta,
  decodeConsensusParams,
  decodeExecTxResult,
  decodeFinalizeBlockResponse,
  encodeBlockMeta,
  encodeConsensusParams,
  encodeExecTxResult,
  encodeFinalizeBlockResponse,
} from "./codec.js";
export { BLOCKSTORE_CODESPACE, BlockStoreErrorCode, blockStoreError } from "./errors.js";
