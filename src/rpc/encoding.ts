/**
 * CometBFT 0.38 JSON encoders, pure functions from domain values to `Json`, shared by the HTTP and
 * WebSocket RPC. Rules (CometBFT `libs/json` and gogoproto `jsonpb`): int64/uint64 → decimal strings,
 * int32/uint32 → numbers, hashes and addresses → upper-case hex (`HexBytes`), other bytes → base64,
 * times → RFC 3339 with up to nine fraction digits (trailing zeros trimmed, as Go's `RFC3339Nano`).
 * ABCI results (`ExecTxResult`, `ResponseCheckTx`, `ResponseQuery`) use jsonpb with defaults emitted:
 * empty bytes → null, empty repeated → [].
 */
import type {
  AbciEvent,
  CheckTxResponse,
  ConsensusParams,
  ExecTxResult,
  FinalizeBlockResponse,
  InfoResponse,
  QueryResponse,
  Timestamp,
  ValidatorUpdate,
} from "../abci/types.js";
import { ed25519Address } from "../crypto/ed25519.js";
import type {
  Block,
  BlockID,
  BlockMeta,
  Commit,
  CommitSig,
  Evidence,
  Header,
  Validator,
  Vote,
} from "../types/block.js";
import { toBase64, toHexUpper } from "../types/bytes.js";
import type { MerkleProof } from "../types/merkle.js";
import type { JsonObject } from "./json.js";

/** CometBFT version this RPC speaks (CosmJS picks its 0.38 decoder from `0.38.`). */
export const COMETBFT_VERSION = "0.38.17";

/** P2P protocol version reported in `node_info`. */
export const P2P_PROTOCOL = "8";

/** Block protocol version reported in `node_info`. */
export const BLOCK_PROTOCOL_VERSION = "11";

/** The channel ids a CometBFT 0.38 node advertises (hex): blocksync, consensus, mempool, evidence, pex, statesync. */
export const NODE_CHANNELS = "40202122233038606100";

/** Amino JSON type of an ed25519 public key. */
export const ED25519_PUBKEY_TYPE = "tendermint/PubKeyEd25519";

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

/** Everything `status` reports, gathered by the route. */
export interface StatusParts {
  nodeId: string;
  listenAddr: string;
  network: string;
  moniker: string;
  rpcAddress: string;
  latest: { height: number; hash: Uint8Array; appHash: Uint8Array; time: Timestamp };
  earliest: { height: number; hash: Uint8Array; appHash: Uint8Array; time: Timestamp };
  catchingUp: boolean;
  validatorPubKey: Uint8Array;
  votingPower: bigint;
}

/** A tx inclusion proof against a block's data hash (CometBFT `types.TxProof`). */
export interface TxProof {
  rootHash: Uint8Array;
  data: Uint8Array;
  proof: MerkleProof;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** An int64/uint64 as CometBFT prints it: a decimal string. */
export function int64(n: number | bigint): string {
  return typeof n === "bigint" ? n.toString() : String(Math.trunc(n));
}

/** Upper-case hex (CometBFT `HexBytes`); empty bytes give "". */
export function hexBytes(b: Uint8Array): string {
  return toHexUpper(b);
}

/** Base64 of bytes for a Go `[]byte` field encoded by `libs/json`: empty → null (a nil slice). */
export function base64OrNull(b: Uint8Array): string | null {
  return b.length === 0 ? null : toBase64(b);
}

/** A protobuf Timestamp as Go's `time.RFC3339Nano` in UTC (`2024-01-02T03:04:05.123456789Z`). */
export function rfc3339Nano(t: Timestamp): string {
  let seconds = t.seconds + BigInt(Math.floor(t.nanos / 1e9));
  let nanos = t.nanos % 1e9;
  if (nanos < 0) {
    nanos += 1e9;
    seconds -= 1n;
  }
  let days = seconds / SECONDS_PER_DAY;
  let rem = seconds % SECONDS_PER_DAY;
  if (rem < 0n) {
    rem += SECONDS_PER_DAY;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const secOfDay = Number(rem);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  let frac = "";
  if (nanos !== 0) frac = `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}`;
  const yyyy = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yyyy}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${frac}Z`;
}

/** A Timestamp from milliseconds since the epoch (test and tooling helper). */
export function timestampFromMillis(ms: number): Timestamp {
  const total = BigInt(Math.trunc(ms)) * 1_000_000n;
  let seconds = total / NANOS_PER_SECOND;
  let nanos = total % NANOS_PER_SECOND;
  if (nanos < 0n) {
    nanos += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  return { seconds, nanos: Number(nanos) };
}

// ---------------------------------------------------------------------------------------------
// Keys and validators

/** An ed25519 public key in amino JSON (`{type:"tendermint/PubKeyEd25519", value:b64}`). */
export function encodePubKey(pubKey: Uint8Array): JsonObject {
  return { type: ED25519_PUBKEY_TYPE, value: toBase64(pubKey) };
}

/** A validator (`types.Validator`). */
export function encodeValidator(v: Validator): JsonObject {
  return {
    address: hexBytes(v.address),
    pub_key: encodePubKey(v.pubKey),
    voting_power: int64(v.votingPower),
    proposer_priority: int64(v.proposerPriority),
  };
}

/** An ABCI validator update (`abci.ValidatorUpdate`, its key as the proto oneof `Sum`). */
export function encodeValidatorUpdate(u: ValidatorUpdate): JsonObject {
  return {
    pub_key: { Sum: { type: "tendermint.crypto.PublicKey_Ed25519", value: { ed25519: toBase64(u.pubKey) } } },
    power: int64(u.power),
  };
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** A BlockID (`{hash, parts{total, hash}}`); the zero id prints empty strings and total 0. */
export function encodeBlockId(id: BlockID): JsonObject {
  return {
    hash: hexBytes(id.hash),
    parts: { total: id.partSetHeader.total, hash: hexBytes(id.partSetHeader.hash) },
  };
}

/** A block header. */
export function encodeHeader(h: Header): JsonObject {
  return {
    version: { block: int64(h.version.block), app: int64(h.version.app) },
    chain_id: h.chainId,
    height: int64(h.height),
    time: rfc3339Nano(h.time),
    last_block_id: encodeBlockId(h.lastBlockId),
    last_commit_hash: hexBytes(h.lastCommitHash),
    data_hash: hexBytes(h.dataHash),
    validators_hash: hexBytes(h.validatorsHash),
    next_validators_hash: hexBytes(h.nextValidatorsHash),
    consensus_hash: hexBytes(h.consensusHash),
    app_hash: hexBytes(h.appHash),
    last_results_hash: hexBytes(h.lastResultsHash),
    evidence_hash: hexBytes(h.evidenceHash),
    proposer_address: hexBytes(h.proposerAddress),
  };
}

/** One commit signature (`block_id_flag` a number; absent votes carry an empty address and null signature). */
export function encodeCommitSig(s: CommitSig): JsonObject {
  return {
    block_id_flag: s.blockIdFlag,
    validator_address: hexBytes(s.validatorAddress),
    timestamp: rfc3339Nano(s.timestamp),
    signature: base64OrNull(s.signature),
  };
}

/** A commit. */
export function encodeCommit(c: Commit): JsonObject {
  return {
    height: int64(c.height),
    round: c.round,
    block_id: encodeBlockId(c.blockId),
    signatures: c.signatures.map(encodeCommitSig),
  };
}

/** A vote (inside evidence). */
export function encodeVote(v: Vote): JsonObject {
  return {
    type: v.type,
    height: int64(v.height),
    round: v.round,
    block_id: encodeBlockId(v.blockId),
    timestamp: rfc3339Nano(v.timestamp),
    validator_address: hexBytes(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: base64OrNull(v.signature),
    extension: null,
    extension_signature: null,
  };
}

/** One piece of evidence, amino-typed as CometBFT registers it. */
export function encodeEvidence(e: Evidence): JsonObject {
  return {
    type: "tendermint/DuplicateVoteEvidence",
    value: {
      vote_a: encodeVote(e.voteA),
      vote_b: encodeVote(e.voteB),
      TotalVotingPower: int64(e.totalVotingPower),
      ValidatorPower: int64(e.validatorPower),
      Timestamp: rfc3339Nano(e.timestamp),
    },
  };
}

/** A block: header, txs (base64), evidence, last commit. */
export function encodeBlock(b: Block): JsonObject {
  return {
    header: encodeHeader(b.header),
    data: { txs: b.data.txs.map((tx) => toBase64(tx)) },
    evidence: { evidence: b.evidence.map(encodeEvidence) },
    last_commit: encodeCommit(b.lastCommit),
  };
}

/** A block meta (`blockchain` entries). */
export function encodeBlockMeta(m: BlockMeta): JsonObject {
  return {
    block_id: encodeBlockId(m.blockId),
    block_size: int64(m.blockSize),
    header: encodeHeader(m.header),
    num_txs: int64(m.numTxs),
  };
}

/** The result of `block` / `block_by_hash`: `{block_id, block}`; a missing block prints a zero id and null. */
export function encodeResultBlock(blockId: BlockID, block: Block | undefined): JsonObject {
  return { block_id: encodeBlockId(blockId), block: block === undefined ? null : encodeBlock(block) };
}

// ---------------------------------------------------------------------------------------------
// ABCI results

/** An event; `emitDefaults` (jsonpb) prints empty attributes as [], otherwise they are omitted. */
export function encodeEvent(e: AbciEvent, emitDefaults = true): JsonObject {
  const out: JsonObject = {};
  if (emitDefaults || e.type !== "") out["type"] = e.type;
  if (emitDefaults || e.attributes.length > 0) {
    out["attributes"] = e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index }));
  }
  return out;
}

/** A tx execution result (`abci.ExecTxResult`, jsonpb with defaults). */
export function encodeExecTxResult(r: ExecTxResult): JsonObject {
  return {
    code: r.code,
    data: base64OrNull(r.data),
    log: r.log,
    info: r.info,
    gas_wanted: int64(r.gasWanted),
    gas_used: int64(r.gasUsed),
    events: r.events.map((e) => encodeEvent(e)),
    codespace: r.codespace,
  };
}

/** A CheckTx response (`abci.ResponseCheckTx`, jsonpb with defaults). */
export function encodeCheckTx(r: CheckTxResponse): JsonObject {
  return {
    code: r.code,
    data: base64OrNull(r.data),
    log: r.log,
    info: r.info,
    gas_wanted: int64(r.gasWanted),
    gas_used: int64(r.gasUsed),
    events: r.events.map((e) => encodeEvent(e)),
    codespace: r.codespace,
  };
}

/** The zero ExecTxResult (what `broadcast_tx_commit` reports for a tx that did not make it). */
export function emptyExecTxResult(): ExecTxResult {
  return {
    code: 0,
    data: new Uint8Array(0),
    log: "",
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
    codespace: "",
  };
}

/** An ABCI Query response (`abci.ResponseQuery`, jsonpb with defaults: `proofOps`, int64 strings). */
export function encodeQueryResponse(r: QueryResponse): JsonObject {
  return {
    code: r.code,
    log: r.log,
    info: r.info,
    index: int64(r.index),
    key: base64OrNull(r.key),
    value: base64OrNull(r.value),
    proofOps:
      r.proofOps.length === 0
        ? null
        : {
            ops: r.proofOps.map((op) => ({ type: op.type, key: toBase64(op.key), data: toBase64(op.data) })),
          },
    height: int64(r.height),
    codespace: r.codespace,
  };
}

/** An ABCI Info response (`abci.ResponseInfo` via `libs/json`: empty fields omitted). */
export function encodeAbciInfo(r: InfoResponse): JsonObject {
  const out: JsonObject = {};
  if (r.data !== "") out["data"] = r.data;
  if (r.version !== "") out["version"] = r.version;
  if (r.appVersion !== 0) out["app_version"] = int64(r.appVersion);
  if (r.lastBlockHeight !== 0) out["last_block_height"] = int64(r.lastBlockHeight);
  if (r.lastBlockAppHash.length !== 0) out["last_block_app_hash"] = toBase64(r.lastBlockAppHash);
  return out;
}

/** Consensus params as `types.ConsensusParams` prints them (durations in nanoseconds, int64 strings). */
export function encodeConsensusParams(p: ConsensusParams): JsonObject {
  return {
    block: { max_bytes: int64(p.block.maxBytes), max_gas: int64(p.block.maxGas) },
    evidence: {
      max_age_num_blocks: int64(p.evidence.maxAgeNumBlocks),
      max_age_duration: (BigInt(p.evidence.maxAgeDurationSeconds) * NANOS_PER_SECOND).toString(),
      max_bytes: int64(p.evidence.maxBytes),
    },
    validator: { pub_key_types: [...p.validator.pubKeyTypes] },
    version: { app: int64(p.version.app) },
    abci: { vote_extensions_enable_height: "0" },
  };
}

/** The result of `block_results`. */
export function encodeBlockResults(height: number, r: FinalizeBlockResponse): JsonObject {
  return {
    height: int64(height),
    txs_results: r.txResults.length === 0 ? null : r.txResults.map(encodeExecTxResult),
    finalize_block_events: r.events.length === 0 ? null : r.events.map((e) => encodeEvent(e, false)),
    validator_updates: r.validatorUpdates.length === 0 ? null : r.validatorUpdates.map(encodeValidatorUpdate),
    consensus_param_updates:
      r.consensusParamUpdates === undefined ? null : encodeConsensusParams(r.consensusParamUpdates),
    app_hash: base64OrNull(r.appHash),
  };
}

/** A tx inclusion proof (`types.TxProof`; `proof.total`/`index` int64 strings). */
export function encodeTxProof(p: TxProof): JsonObject {
  const proof: JsonObject = {
    total: int64(p.proof.total),
    index: int64(p.proof.index),
    leaf_hash: toBase64(p.proof.leafHash),
  };
  // CometBFT omits empty `aunts` (omitempty), but CosmJS's decoder requires the array (a one-tx
  // block's proof has none), so it is always printed; Go clients accept both.
  proof["aunts"] = p.proof.aunts.map((a) => toBase64(a));
  return { root_hash: hexBytes(p.rootHash), data: toBase64(p.data), proof };
}

/** One `tx` / `tx_search` result; `proof` only when requested. */
export function encodeTxResult(
  hash: Uint8Array,
  height: number,
  index: number,
  tx: Uint8Array,
  result: ExecTxResult,
  proof?: TxProof,
): JsonObject {
  const out: JsonObject = {
    hash: hexBytes(hash),
    height: int64(height),
    index,
    tx_result: encodeExecTxResult(result),
    tx: toBase64(tx),
  };
  if (proof !== undefined) out["proof"] = encodeTxProof(proof);
  return out;
}

/** `broadcast_tx_sync` / `_async` result (`data` is HexBytes here). */
export function encodeBroadcastTx(
  hash: Uint8Array,
  r: { code: number; data: Uint8Array; log: string; codespace: string },
): JsonObject {
  return { code: r.code, data: hexBytes(r.data), log: r.log, codespace: r.codespace, hash: hexBytes(hash) };
}

/** `broadcast_tx_commit` result. */
export function encodeBroadcastTxCommit(
  checkTx: CheckTxResponse,
  txResult: ExecTxResult,
  hash: Uint8Array,
  height: number,
): JsonObject {
  return {
    check_tx: encodeCheckTx(checkTx),
    tx_result: encodeExecTxResult(txResult),
    hash: hexBytes(hash),
    height: int64(height),
  };
}

// ---------------------------------------------------------------------------------------------
// Node

/** `status` result. */
export function encodeStatus(s: StatusParts): JsonObject {
  return {
    node_info: encodeNodeInfo(s.nodeId, s.listenAddr, s.network, s.moniker, s.rpcAddress),
    sync_info: {
      latest_block_hash: hexBytes(s.latest.hash),
      latest_app_hash: hexBytes(s.latest.appHash),
      latest_block_height: int64(s.latest.height),
      latest_block_time: rfc3339Nano(s.latest.time),
      earliest_block_hash: hexBytes(s.earliest.hash),
      earliest_app_hash: hexBytes(s.earliest.appHash),
      earliest_block_height: int64(s.earliest.height),
      earliest_block_time: rfc3339Nano(s.earliest.time),
      catching_up: s.catchingUp,
    },
    validator_info: {
      address: hexBytes(ed25519Address(s.validatorPubKey)),
      pub_key: encodePubKey(s.validatorPubKey),
      voting_power: int64(s.votingPower),
    },
  };
}

/** `node_info` (`p2p.DefaultNodeInfo`) of this node or a peer. */
export function encodeNodeInfo(
  id: string,
  listenAddr: string,
  network: string,
  moniker: string,
  rpcAddress: string,
): JsonObject {
  return {
    protocol_version: { p2p: P2P_PROTOCOL, block: BLOCK_PROTOCOL_VERSION, app: "0" },
    id,
    listen_addr: listenAddr,
    network,
    version: COMETBFT_VERSION,
    channels: NODE_CHANNELS,
    moniker,
    other: { tx_index: "on", rpc_address: rpcAddress },
  };
}

// ---------------------------------------------------------------------------------------------
// Private

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's `civil_from_days`). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
