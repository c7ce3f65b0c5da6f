/**
 * The RPC method table, one declarative entry per method as CometBFT's `rpc/core/routes.go`: its
 * parameters (names, order and types), whether responses may be cached, and the handler, which
 * mirrors the matching `rpc/core/*.go` function and its error texts.
 */
import type { CheckTxResponse } from "../abci/types.js";
import {
  type Proposal,
  SignedMsgType,
  txHash,
  type Validator,
  type Vote,
  zeroBlockId,
} from "../types/block.js";
import { toBase64, toHexUpper, utf8 } from "../types/bytes.js";
import { proofsFromByteSlices } from "../types/merkle.js";
import {
  emptyExecTxResult,
  encodeAbciInfo,
  encodeBlockId,
  encodeBlockMeta,
  encodeBlockResults,
  encodeBroadcastTx,
  encodeBroadcastTxCommit,
  encodeCheckTx,
  encodeCommit,
  encodeConsensusParams,
  encodeHeader,
  encodeNodeInfo,
  encodeQueryResponse,
  encodeResultBlock,
  encodeStatus,
  encodeTxResult,
  encodeValidator,
  hexBytes,
  int64,
  rfc3339Nano,
  type TxProof,
} from "./encoding.js";
import type { RpcEnv, RpcOrder, RpcRoundState, RpcTxRecord } from "./env.js";
import { RpcHandlerError } from "./errors.js";
import { type Json, parseJson } from "./json.js";
import type { Args, ParamSpec } from "./params.js";

/** Results per page when `per_page` is absent or < 1. */
export const DEFAULT_PER_PAGE = 30;

/** Largest `per_page`. */
export const MAX_PER_PAGE = 100;

/** Longest accepted `tx_search` query. */
export const MAX_QUERY_LENGTH = 512;

/** Most block metas one `blockchain` call returns. */
export const BLOCKCHAIN_LIMIT = 20;

/** Size of one `genesis_chunked` chunk (16 MiB, as CometBFT). */
export const GENESIS_CHUNK_SIZE = 16 * 1024 * 1024;

/** Every method served over HTTP. */
export type RpcMethod =
  | "health"
  | "status"
  | "net_info"
  | "blockchain"
  | "genesis"
  | "genesis_chunked"
  | "block"
  | "block_by_hash"
  | "block_results"
  | "commit"
  | "header"
  | "header_by_hash"
  | "check_tx"
  | "tx"
  | "tx_search"
  | "block_search"
  | "validators"
  | "consensus_params"
  | "unconfirmed_txs"
  | "num_unconfirmed_txs"
  | "broadcast_tx_commit"
  | "broadcast_tx_sync"
  | "broadcast_tx_async"
  | "abci_query"
  | "abci_info"
  | "consensus_state"
  | "dump_consensus_state";

/** What a handler may use besides its arguments. */
export interface RouteContext {
  env: RpcEnv;
  /** The RPC listen address as reported in `node_info.other.rpc_address`. */
  rpcAddress: string;
  /** How long `broadcast_tx_commit` waits for inclusion. */
  timeoutBroadcastTxCommitMs: number;
  /** Genesis text split in base64 chunks, computed once. */
  genesis: GenesisCache;
}

/** One method: parameters, cache policy, handler. */
export interface Route {
  params: readonly ParamSpec[];
  /**
   * Responses may carry `Cache-Control` (CometBFT `rpc.Cacheable`); parameters listed in
   * `noCacheIfDefault` disable caching when absent or zero (e.g. `height` = latest).
   */
  cacheable?: { noCacheIfDefault: readonly string[] };
  handler: (ctx: RouteContext, args: Args) => Promise<Json>;
}

// ---------------------------------------------------------------------------------------------
// The table

/** The method table. */
export const ROUTES: Record<RpcMethod, Route> = {
  health: { params: [], handler: async () => ({}) },
  status: { params: [], handler: status },
  net_info: { params: [], handler: netInfo },
  blockchain: {
    params: [
      { name: "minHeight", kind: "int64" },
      { name: "maxHeight", kind: "int64" },
    ],
    cacheable: { noCacheIfDefault: [] },
    handler: blockchain,
  },
  genesis: { params: [], cacheable: { noCacheIfDefault: [] }, handler: genesis },
  genesis_chunked: {
    params: [{ name: "chunk", kind: "uint" }],
    cacheable: { noCacheIfDefault: [] },
    handler: genesisChunked,
  },
  block: {
    params: [{ name: "height", kind: "int64" }],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: block,
  },
  block_by_hash: {
    params: [{ name: "hash", kind: "hash" }],
    cacheable: { noCacheIfDefault: [] },
    handler: blockByHash,
  },
  block_results: {
    params: [{ name: "height", kind: "int64" }],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: blockResults,
  },
  commit: {
    params: [{ name: "height", kind: "int64" }],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: commit,
  },
  header: {
    params: [{ name: "height", kind: "int64" }],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: header,
  },
  header_by_hash: {
    params: [{ name: "hash", kind: "hash" }],
    cacheable: { noCacheIfDefault: [] },
    handler: headerByHash,
  },
  check_tx: { params: [{ name: "tx", kind: "bytes" }], handler: checkTx },
  tx: {
    params: [
      { name: "hash", kind: "hash" },
      { name: "prove", kind: "bool" },
    ],
    cacheable: { noCacheIfDefault: [] },
    handler: tx,
  },
  tx_search: {
    params: [
      { name: "query", kind: "string" },
      { name: "prove", kind: "bool" },
      { name: "page", kind: "int" },
      { name: "per_page", kind: "int" },
      { name: "order_by", kind: "string" },
    ],
    handler: txSearch,
  },
  block_search: {
    params: [
      { name: "query", kind: "string" },
      { name: "page", kind: "int" },
      { name: "per_page", kind: "int" },
      { name: "order_by", kind: "string" },
    ],
    handler: blockSearch,
  },
  validators: {
    params: [
      { name: "height", kind: "int64" },
      { name: "page", kind: "int" },
      { name: "per_page", kind: "int" },
    ],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: validators,
  },
  consensus_params: {
    params: [{ name: "height", kind: "int64" }],
    cacheable: { noCacheIfDefault: ["height"] },
    handler: consensusParams,
  },
  unconfirmed_txs: { params: [{ name: "limit", kind: "int" }], handler: unconfirmedTxs },
  num_unconfirmed_txs: { params: [], handler: numUnconfirmedTxs },
  broadcast_tx_commit: { params: [{ name: "tx", kind: "bytes" }], handler: broadcastTxCommit },
  broadcast_tx_sync: { params: [{ name: "tx", kind: "bytes" }], handler: broadcastTxSync },
  broadcast_tx_async: { params: [{ name: "tx", kind: "bytes" }], handler: broadcastTxAsync },
  abci_query: {
    params: [
      { name: "path", kind: "string" },
      { name: "data", kind: "hexBytes" },
      { name: "height", kind: "int64" },
      { name: "prove", kind: "bool" },
    ],
    handler: abciQuery,
  },
  abci_info: { params: [], cacheable: { noCacheIfDefault: [] }, handler: abciInfo },
  consensus_state: { params: [], handler: consensusState },
  dump_consensus_state: { params: [], handler: dumpConsensusState },
};

/** True when `name` is a method of the table (own property, so `__proto__` & co. are not). */
export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(ROUTES, name);
}

/** Whether a call of `route` with `args` may be cached (CometBFT `cacheableWithArgs`). */
export function isCacheable(route: Route, args: Args): boolean {
  if (route.cacheable === undefined) return false;
  for (const name of route.cacheable.noCacheIfDefault) {
    const v = args.int(name);
    if (v === undefined || v === 0) return false;
  }
  return true;
}

/** The genesis document, parsed and chunked once. */
export class GenesisCache {
  private parsed: Json | undefined;
  private chunks: string[] | undefined;

  /** Wrap a source of genesis JSON text. */
  constructor(private readonly source: () => string) {}

  /** The genesis document as JSON. */
  doc(): Json {
    if (this.parsed === undefined) this.parsed = parseJson(this.source(), 512);
    return this.parsed;
  }

  /** Base64 chunks of the genesis text. */
  chunkList(): string[] {
    if (this.chunks === undefined) {
      const bytes = utf8(this.source());
      const chunks: string[] = [];
      for (let i = 0; i < bytes.length; i += GENESIS_CHUNK_SIZE) {
        chunks.push(toBase64(bytes.subarray(i, Math.min(bytes.length, i + GENESIS_CHUNK_SIZE))));
      }
      this.chunks = chunks;
    }
    return this.chunks;
  }
}

// ---------------------------------------------------------------------------------------------
// Info handlers

async function status(ctx: RouteContext): Promise<Json> {
  const { env } = ctx;
  const node = env.nodeInfo();
  const val = env.validatorInfo();
  return encodeStatus({
    nodeId: node.id,
    listenAddr: node.listenAddr,
    network: env.chainId(),
    moniker: node.moniker,
    rpcAddress: ctx.rpcAddress,
    latest: env.latest(),
    earliest: env.earliest(),
    catchingUp: env.catchingUp(),
    validatorPubKey: val.pubKey,
    votingPower: val.votingPower,
  });
}

async function netInfo(ctx: RouteContext): Promise<Json> {
  const info = ctx.env.netInfo();
  const network = ctx.env.chainId();
  return {
    listening: info.listening,
    listeners: [...info.listeners],
    n_peers: int64(info.peers.length),
    peers: info.peers.map((p) => ({
      node_info: encodeNodeInfo(p.nodeInfo.id, p.nodeInfo.listenAddr, network, p.nodeInfo.moniker, ""),
      is_outbound: p.isOutbound,
      connection_status: { Duration: "0", SendMonitor: {}, RecvMonitor: {}, Channels: [] },
      remote_ip: p.remoteIp,
    })),
  };
}

async function blockchain(ctx: RouteContext, args: Args): Promise<Json> {
  const latest = ctx.env.latest().height;
  const base = ctx.env.earliest().height;
  let min = args.int("minHeight") ?? 0;
  let max = args.int("maxHeight") ?? 0;
  if (min < 0 || max < 0) fail("heights must be non-negative");
  if (min === 0) min = 1;
  if (max === 0) max = latest;
  max = Math.min(latest, max);
  min = Math.max(base, min);
  min = Math.max(min, max - BLOCKCHAIN_LIMIT + 1);
  if (min > max) fail(`min height ${min} can't be greater than max height ${max}`);
  const metas: Json[] = [];
  for (let h = max; h >= min; h--) {
    const meta = await ctx.env.loadBlockMeta(h);
    metas.push(meta === undefined ? null : encodeBlockMeta(meta));
  }
  return { last_height: int64(latest), block_metas: metas };
}

async function genesis(ctx: RouteContext): Promise<Json> {
  if (ctx.genesis.chunkList().length > 1) {
    fail("genesis response is large, please use the genesis_chunked API instead");
  }
  return { genesis: ctx.genesis.doc() };
}

async function genesisChunked(ctx: RouteContext, args: Args): Promise<Json> {
  const chunks = ctx.genesis.chunkList();
  if (chunks.length === 0) fail("service configuration error, there are no chunks");
  const id = args.int("chunk") ?? 0;
  const data = chunks[id];
  if (data === undefined) fail(`there are ${chunks.length - 1} chunks, ${id} is invalid`);
  return { chunk: int64(id), total: int64(chunks.length), data };
}

// ---------------------------------------------------------------------------------------------
// Block handlers

async function block(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"));
  const [blk, meta] = await Promise.all([ctx.env.loadBlock(height), ctx.env.loadBlockMeta(height)]);
  return encodeResultBlock(meta?.blockId ?? zeroBlockId(), blk);
}

async function blockByHash(ctx: RouteContext, args: Args): Promise<Json> {
  const blk = await ctx.env.loadBlockByHash(args.bytes("hash") ?? new Uint8Array(0));
  if (blk === undefined) return encodeResultBlock(zeroBlockId(), undefined);
  const meta = await ctx.env.loadBlockMeta(blk.header.height);
  return encodeResultBlock(meta?.blockId ?? zeroBlockId(), blk);
}

async function blockResults(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"));
  const results = await ctx.env.loadResults(height);
  if (results === undefined) fail(`could not find results for height #${height}`);
  return encodeBlockResults(height, results);
}

async function commit(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"));
  const meta = await ctx.env.loadBlockMeta(height);
  if (meta === undefined) return null;
  const c = await ctx.env.loadCommit(height);
  return {
    signed_header: { header: encodeHeader(meta.header), commit: c === undefined ? null : encodeCommit(c) },
    canonical: height < ctx.env.latest().height,
  };
}

async function header(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"));
  const meta = await ctx.env.loadBlockMeta(height);
  return { header: meta === undefined ? null : encodeHeader(meta.header) };
}

async function headerByHash(ctx: RouteContext, args: Args): Promise<Json> {
  const blk = await ctx.env.loadBlockByHash(args.bytes("hash") ?? new Uint8Array(0));
  return { header: blk === undefined ? null : encodeHeader(blk.header) };
}

async function validators(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"), 1);
  const vals = await ctx.env.loadValidators(height);
  if (vals === undefined) fail(`could not find validator set for height #${height}`);
  const perPage = validatePerPage(args.int("per_page"));
  const page = validatePage(args.int("page"), perPage, vals.length);
  const skip = (page - 1) * perPage;
  const slice = vals.slice(skip, skip + perPage);
  return {
    block_height: int64(height),
    validators: slice.map(encodeValidator),
    count: int64(slice.length),
    total: int64(vals.length),
  };
}

async function consensusParams(ctx: RouteContext, args: Args): Promise<Json> {
  const height = getHeight(ctx, args.int("height"), 1);
  const params = await ctx.env.consensusParams(height);
  return { block_height: int64(height), consensus_params: encodeConsensusParams(params) };
}

// ---------------------------------------------------------------------------------------------
// Tx handlers

async function tx(ctx: RouteContext, args: Args): Promise<Json> {
  const hash = args.bytes("hash") ?? new Uint8Array(0);
  const rec = await ctx.env.getTx(hash);
  if (rec === undefined) fail(`tx (${toHexUpper(hash)}) not found`);
  const proof = args.bool("prove") ? await txProof(ctx, rec) : undefined;
  return encodeTxResult(hash, rec.height, rec.index, rec.tx, rec.result, proof);
}

async function txSearch(ctx: RouteContext, args: Args): Promise<Json> {
  const query = args.str("query") ?? "";
  if (query.length > MAX_QUERY_LENGTH) fail("maximum query length exceeded");
  const order = parseOrder(args.str("order_by") ?? "", "asc");
  const perPage = validatePerPage(args.int("per_page"));
  const pageArg = args.int("page");
  const { txs, totalCount } = await ctx.env.searchTxs(query, pageArg ?? 1, perPage, order);
  validatePage(pageArg, perPage, totalCount);
  const prove = args.bool("prove");
  const out: Json[] = [];
  for (const rec of txs.slice(0, perPage)) {
    const proof = prove ? await txProof(ctx, rec) : undefined;
    out.push(encodeTxResult(txHash(rec.tx), rec.height, rec.index, rec.tx, rec.result, proof));
  }
  return { txs: out, total_count: int64(totalCount) };
}

async function blockSearch(ctx: RouteContext, args: Args): Promise<Json> {
  const query = args.str("query") ?? "";
  if (query.length > MAX_QUERY_LENGTH) fail("maximum query length exceeded");
  const order = parseOrder(args.str("order_by") ?? "", "desc");
  const perPage = validatePerPage(args.int("per_page"));
  const pageArg = args.int("page");
  const { heights, totalCount } = await ctx.env.searchBlocks(query, pageArg ?? 1, perPage, order);
  validatePage(pageArg, perPage, totalCount);
  const blocks: Json[] = [];
  for (const h of heights.slice(0, perPage)) {
    const [blk, meta] = await Promise.all([ctx.env.loadBlock(h), ctx.env.loadBlockMeta(h)]);
    if (blk !== undefined && meta !== undefined) blocks.push(encodeResultBlock(meta.blockId, blk));
  }
  return { blocks, total_count: int64(totalCount) };
}

async function unconfirmedTxs(ctx: RouteContext, args: Args): Promise<Json> {
  const limit = validatePerPage(args.int("limit"));
  const txs = ctx.env.mempoolTxs(limit);
  return {
    n_txs: int64(txs.length),
    total: int64(ctx.env.mempoolSize()),
    total_bytes: int64(ctx.env.mempoolBytes()),
    txs: txs.map((t) => toBase64(t)),
  };
}

async function numUnconfirmedTxs(ctx: RouteContext): Promise<Json> {
  const size = ctx.env.mempoolSize();
  return { n_txs: int64(size), total: int64(size), total_bytes: int64(ctx.env.mempoolBytes()), txs: null };
}

async function checkTx(ctx: RouteContext, args: Args): Promise<Json> {
  const res = await ctx.env.checkTx(args.bytes("tx") ?? new Uint8Array(0));
  return encodeCheckTx(res);
}

async function broadcastTxAsync(ctx: RouteContext, args: Args): Promise<Json> {
  const raw = args.bytes("tx") ?? new Uint8Array(0);
  ctx.env.broadcastTx(raw).catch(() => undefined);
  return encodeBroadcastTx(txHash(raw), { code: 0, data: new Uint8Array(0), log: "", codespace: "" });
}

async function broadcastTxSync(ctx: RouteContext, args: Args): Promise<Json> {
  const raw = args.bytes("tx") ?? new Uint8Array(0);
  const res = await ctx.env.broadcastTx(raw);
  return encodeBroadcastTx(ctx.env.txHash?.(raw) ?? txHash(raw), res);
}

async function broadcastTxCommit(ctx: RouteContext, args: Args): Promise<Json> {
  const raw = args.bytes("tx") ?? new Uint8Array(0);
  const hash = txHash(raw);
  const abort = new AbortController();
  // Wait first so an inclusion between CheckTx and the wait cannot be missed.
  const included = ctx.env.waitForTx(hash, ctx.timeoutBroadcastTxCommitMs, abort.signal);
  included.catch(() => undefined);
  let check: CheckTxResponse;
  try {
    check = await ctx.env.broadcastTx(raw);
  } catch (e) {
    abort.abort();
    fail(`error on broadcastTxCommit: ${errorText(e)}`);
  }
  if (check.code !== 0) {
    abort.abort();
    return encodeBroadcastTxCommit(check, emptyExecTxResult(), hash, 0);
  }
  const rec = await included;
  if (rec === undefined) fail("timed out waiting for tx to be included in a block");
  return encodeBroadcastTxCommit(check, rec.result, hash, rec.height);
}

// ---------------------------------------------------------------------------------------------
// ABCI handlers

async function abciQuery(ctx: RouteContext, args: Args): Promise<Json> {
  const res = await ctx.env.abciQuery({
    path: args.str("path") ?? "",
    data: args.bytes("data") ?? new Uint8Array(0),
    height: args.int("height") ?? 0,
    prove: args.bool("prove"),
  });
  return { response: encodeQueryResponse(res) };
}

async function abciInfo(ctx: RouteContext): Promise<Json> {
  return { response: encodeAbciInfo(await ctx.env.abciInfo()) };
}

// ---------------------------------------------------------------------------------------------
// Consensus handlers

async function consensusState(ctx: RouteContext): Promise<Json> {
  const rs = roundState(ctx);
  const proposer = rs.validators[rs.proposerIndex];
  const total = totalPower(rs.validators);
  return {
    round_state: {
      "height/round/step": `${rs.height}/${rs.round}/${rs.step}`,
      start_time: rfc3339Nano(rs.startTime),
      proposal_block_hash: optHex(rs.proposalBlockHash),
      locked_block_hash: optHex(rs.lockedBlockHash),
      valid_block_hash: optHex(rs.validBlockHash),
      height_vote_set: heightVoteSet(rs, total),
      proposer: {
        address: proposer === undefined ? "" : hexBytes(proposer.address),
        index: rs.proposerIndex,
      },
    },
  };
}

async function dumpConsensusState(ctx: RouteContext): Promise<Json> {
  const rs = roundState(ctx);
  const proposer = rs.validators[rs.proposerIndex];
  const lastProposer = rs.lastValidators[0];
  const total = totalPower(rs.validators);
  const lastCommit = rs.lastCommit;
  const validatorSet = (vals: Validator[], p: Validator | undefined): Json =>
    vals.length === 0
      ? { validators: [], proposer: null }
      : { validators: vals.map(encodeValidator), proposer: p === undefined ? null : encodeValidator(p) };
  return {
    round_state: {
      height: int64(rs.height),
      round: rs.round,
      step: rs.step,
      start_time: rfc3339Nano(rs.startTime),
      commit_time: rfc3339Nano(rs.commitTime),
      validators: validatorSet(rs.validators, proposer),
      proposal: rs.proposal === undefined ? null : encodeProposal(rs.proposal),
      proposal_block: null,
      proposal_block_parts: null,
      locked_round: rs.lockedRound ?? -1,
      locked_block: null,
      locked_block_parts: null,
      valid_round: rs.validRound ?? -1,
      valid_block: null,
      valid_block_parts: null,
      votes: heightVoteSet(rs, total),
      commit_round: rs.commitRound ?? -1,
      last_commit:
        lastCommit === undefined
          ? null
          : {
              votes: lastCommit.signatures.map((sig, i) =>
                sig.signature.length === 0
                  ? "nil-Vote"
                  : `Vote{${i}:${hexBytes(sig.validatorAddress).slice(0, 12)} ${lastCommit.height}/${String(lastCommit.round).padStart(2, "0")}/SIGNED_MSG_TYPE_PRECOMMIT(Precommit) ${hexBytes(lastCommit.blockId.hash).slice(0, 12)} ${hexBytes(sig.signature).slice(0, 12)} @ ${rfc3339Nano(sig.timestamp)}}`,
              ),
              votes_bit_array: bitArray(lastCommit.signatures.map((sig) => sig.signature.length > 0)),
              peer_maj_23s: {},
            },
      last_validators: validatorSet(rs.lastValidators, lastProposer),
      triggered_timeout_precommit: rs.triggeredTimeoutPrecommit ?? false,
    },
    peers: [],
  };
}

function roundState(ctx: RouteContext): RpcRoundState {
  const rs = ctx.env.consensusState?.();
  if (rs === undefined) fail("consensus state is not available");
  return rs;
}

function totalPower(vals: readonly Validator[]): bigint {
  return vals.reduce((sum, v) => sum + v.votingPower, 0n);
}

/** CometBFT's `BitArray.String()`: `BA{n:x_x}`. */
function bitArray(bits: readonly boolean[]): string {
  return `BA{${bits.length}:${bits.map((b) => (b ? "x" : "_")).join("")}}`;
}

function optHex(b: Uint8Array | undefined): string {
  return b === undefined ? "" : hexBytes(b);
}

/** CometBFT `Proposal` JSON. */
function encodeProposal(p: Proposal): Json {
  return {
    type: 32,
    height: int64(p.height),
    round: p.round,
    pol_round: p.polRound,
    block_id: encodeBlockId(p.blockId),
    timestamp: rfc3339Nano(p.timestamp),
    signature: toBase64(p.signature),
  };
}

/** CometBFT `Fingerprint`: the first 6 bytes, zero-padded, as upper-case hex. */
function fingerprint(b: Uint8Array): string {
  const out = new Uint8Array(6);
  out.set(b.subarray(0, 6));
  return toHexUpper(out);
}

/** CometBFT `Vote.String()`; an absent vote is `nil-Vote`, a nil vote has a zero block hash. */
function voteString(v: Vote | undefined): string {
  if (v === undefined) return "nil-Vote";
  const type =
    v.type === SignedMsgType.Prevote
      ? "SIGNED_MSG_TYPE_PREVOTE(Prevote)"
      : v.type === SignedMsgType.Precommit
        ? "SIGNED_MSG_TYPE_PRECOMMIT(Precommit)"
        : `${v.type}(Unknown)`;
  return `Vote{${v.validatorIndex}:${fingerprint(v.validatorAddress)} ${v.height}/${String(v.round).padStart(2, "0")}/${type} ${fingerprint(v.blockId.hash)} ${fingerprint(v.signature)} ${fingerprint(new Uint8Array(0))} @ ${rfc3339Nano(v.timestamp)}}`;
}

/** CometBFT `VoteSet.BitArrayString()`: `BA{n:x_} sum/total = frac` (power of the votes received). */
function voteSetSummary(
  votes: readonly (Vote | undefined)[],
  vals: readonly Validator[],
  total: bigint,
): string {
  let sum = 0n;
  votes.forEach((v, i) => {
    if (v !== undefined) sum += vals[i]?.votingPower ?? 0n;
  });
  const frac = total === 0n ? "0.00" : (Number((sum * 10000n) / total) / 10000).toFixed(2);
  return `${bitArray(votes.map((v) => v !== undefined))} ${sum}/${total} = ${frac}`;
}

/** `HeightVoteSet.MarshalJSON`: every tracked round (rounds 0..round+1), or the current one empty. */
function heightVoteSet(rs: RpcRoundState, total: bigint): Json {
  if (rs.votes === undefined || rs.votes.length === 0) {
    return [emptyRoundVotes(rs.round, rs.validators.length, total)];
  }
  return rs.votes.map((r) => ({
    round: r.round,
    prevotes: r.prevotes.map(voteString),
    prevotes_bit_array: voteSetSummary(r.prevotes, rs.validators, total),
    precommits: r.precommits.map(voteString),
    precommits_bit_array: voteSetSummary(r.precommits, rs.validators, total),
  }));
}

/** One round's (empty) vote sets as `HeightVoteSet.MarshalJSON` prints them. */
function emptyRoundVotes(round: number, n: number, total: bigint): Json {
  const votes = Array.from({ length: n }, () => "nil-Vote");
  const summary = `${bitArray(votes.map(() => false))} 0/${total} = 0.00`;
  return {
    round,
    prevotes: votes,
    prevotes_bit_array: summary,
    precommits: [...votes],
    precommits_bit_array: summary,
  };
}

// ---------------------------------------------------------------------------------------------
// Private

function fail(message: string): never {
  throw new RpcHandlerError(message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * CometBFT `getHeight`: absent → latest (+ `ahead`, for validator sets and params of the next
 * height); otherwise within [base, latest + ahead].
 */
function getHeight(ctx: RouteContext, requested: number | undefined, ahead = 0): number {
  const latest = ctx.env.latest().height + ahead;
  if (requested === undefined) return latest;
  if (requested <= 0) fail(`height must be greater than 0, but got ${requested}`);
  if (requested > latest) {
    fail(`height ${requested} must be less than or equal to the current blockchain height ${latest}`);
  }
  const base = ctx.env.earliest().height;
  if (requested < base) fail(`height ${requested} is not available, lowest height is ${base}`);
  return requested;
}

function validatePerPage(perPage: number | undefined): number {
  if (perPage === undefined || perPage < 1) return DEFAULT_PER_PAGE;
  return Math.min(perPage, MAX_PER_PAGE);
}

function validatePage(page: number | undefined, perPage: number, totalCount: number): number {
  if (page === undefined) return 1;
  const pages = Math.max(1, Math.floor((totalCount - 1) / perPage) + 1);
  if (page <= 0 || page > pages) fail(`page should be within [1, ${pages}] range, given ${page}`);
  return page;
}

function parseOrder(orderBy: string, dflt: RpcOrder): RpcOrder {
  if (orderBy === "") return dflt;
  if (orderBy === "asc" || orderBy === "desc") return orderBy;
  fail("expected order_by to be either `asc` or `desc` or empty");
}

async function txProof(ctx: RouteContext, rec: RpcTxRecord): Promise<TxProof | undefined> {
  const blk = await ctx.env.loadBlock(rec.height);
  if (blk === undefined) return undefined;
  const { root, proofs } = proofsFromByteSlices(blk.data.txs.map((t) => txHash(t)));
  const proof = proofs[rec.index];
  const data = blk.data.txs[rec.index];
  if (proof === undefined || data === undefined) return undefined;
  return { rootHash: root, data, proof };
}
