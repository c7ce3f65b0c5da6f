/** The tx and block event indexer and CometBFT's query language. */
export { INDEXER_CODESPACE, IndexerErrorCode, indexerError } from "./errors.js";
export {
  type Condition,
  conditionMatchesValue,
  formatQuery,
  MAX_QUERY_CONDITIONS,
  MAX_QUERY_LENGTH,
  matchQuery,
  parseQuery,
  type Query,
  type QueryArg,
  type QueryOp,
} from "./query.js";
export {
  type BlockSearchResult,
  DEFAULT_PER_PAGE,
  MAX_PER_PAGE,
  type SearchOptions,
  TxIndexer,
  type TxRecord,
  type TxSearchResult,
} from "./txIndexer.js";
