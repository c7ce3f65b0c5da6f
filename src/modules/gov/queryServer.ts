/**
 * gov's `cosmos.gov.v1.Query` and `cosmos.gov.v1beta1.Query` services (read-only, SDK error strings),
 * plus OpenLedger's `openledger.gov.v1.Query/{ProposalExecution,TimelockParams}`.
 */
import "../../types/cosmjsFix.js";
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  type Deposit,
  type Proposal,
  ProposalStatus,
  type TallyResult,
  type Vote,
} from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryConstitutionResponse,
  QueryDepositRequest,
  QueryDepositResponse,
  QueryDepositsRequest,
  QueryDepositsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryProposalRequest,
  QueryProposalResponse,
  QueryProposalsRequest,
  QueryProposalsResponse,
  QueryTallyResultRequest,
  QueryTallyResultResponse,
  QueryVoteRequest,
  QueryVoteResponse,
  QueryVotesRequest,
  QueryVotesResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import {
  type Proposal as ProposalV1b,
  type TallyResult as TallyResultV1b,
  TextProposal,
  type Vote as VoteV1b,
} from "cosmjs-types/cosmos/gov/v1beta1/gov";
import * as Q1b from "cosmjs-types/cosmos/gov/v1beta1/query";
import { decodeRequest, invalidArgument, notFound } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { utf8 } from "../../types/bytes.js";
import { parseDecString } from "../staking/dec.js";
import type { GovKeeper } from "./keeper.js";
import { decodeProposalExecutionRequest, encodeProposalExecution, encodeTimelockParams } from "./timelock.js";

const V1 = "/cosmos.gov.v1.Query";
const V1B = "/cosmos.gov.v1beta1.Query";
const ZERO_TS = { seconds: 0n, nanos: 0 };

/** Page an in-memory list: `key` is the 8-byte index of the next item; `offset` skips. */
function page<T>(items: readonly T[], p: PageRequest | undefined): { items: T[]; pagination: PageResponse } {
  const limitReq = p?.limit ?? 0n;
  const limit = Number(limitReq === 0n ? 100n : limitReq > 10_000n ? 10_000n : limitReq);
  const key = p?.key && p.key.length > 0 ? p.key : undefined;
  if (key && (p?.offset ?? 0n) > 0n)
    throw invalidArgument("paginate: invalid request, either offset or key is expected, got both");
  let start = 0;
  if (key) {
    if (key.length !== 8) throw invalidArgument("invalid pagination key");
    start = Number(new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0));
  } else start = Number(p?.offset ?? 0n);
  const list = p?.reverse ? [...items].reverse() : [...items];
  const out = list.slice(start, start + limit);
  const next = start + limit < list.length ? start + limit : -1;
  const nextKey = new Uint8Array(next < 0 ? 0 : 8);
  if (next >= 0) new DataView(nextKey.buffer).setBigUint64(0, BigInt(next));
  return {
    items: out,
    pagination: { nextKey, total: p?.countTotal && !key ? BigInt(list.length) : 0n },
  };
}

function requireId(id: bigint): void {
  if (id === 0n) throw invalidArgument("proposal id can not be 0");
}

function addrOf(ctx: Context, field: string, s: string): Uint8Array {
  if (s === "") throw invalidArgument(`empty ${field} address`);
  try {
    return decodeAddress(s, ctx.chain.bech32Prefix);
  } catch (e) {
    throw invalidArgument(`invalid ${field} address: ${(e as Error).message}`);
  }
}

function mustProposal(ctx: Context, keeper: GovKeeper, id: bigint): Proposal {
  requireId(id);
  const p = keeper.getProposal(ctx, id);
  if (!p) throw notFound(`proposal ${id} doesn't exist`);
  return p;
}

/** Proposals matching status / voter / depositor filters (SDK `Proposals`). */
function filtered(
  ctx: Context,
  keeper: GovKeeper,
  status: ProposalStatus,
  voter: string,
  depositor: string,
): Proposal[] {
  const v = voter === "" ? undefined : addrOf(ctx, "voter", voter);
  const d = depositor === "" ? undefined : addrOf(ctx, "depositor", depositor);
  return keeper.allProposals(ctx).filter((p) => {
    if (status !== ProposalStatus.PROPOSAL_STATUS_UNSPECIFIED && p.status !== status) return false;
    if (v && !keeper.getVote(ctx, p.id, v)) return false;
    if (d && !keeper.getDeposit(ctx, p.id, d)) return false;
    return true;
  });
}

/** The tally of a proposal: final once ended, live while voting, zero before. */
function tallyOf(ctx: Context, keeper: GovKeeper, p: Proposal): TallyResult {
  if (p.status === ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD) return keeper.peekTally(ctx, p);
  return p.finalTallyResult ?? { yesCount: "0", abstainCount: "0", noCount: "0", noWithVetoCount: "0" };
}

// ---- v1 → v1beta1 ----

function tallyV1b(t: TallyResult | undefined): TallyResultV1b {
  return {
    yes: t?.yesCount ?? "0",
    abstain: t?.abstainCount ?? "0",
    no: t?.noCount ?? "0",
    noWithVeto: t?.noWithVetoCount ?? "0",
  };
}

/** A v1 proposal as v1beta1 (content: a `TextProposal` of title and summary). */
export function proposalV1b(p: Proposal): ProposalV1b {
  return {
    proposalId: p.id,
    content: {
      typeUrl: TextProposal.typeUrl,
      value: TextProposal.encode({ title: p.title, description: p.summary }).finish(),
    },
    status: p.status,
    finalTallyResult: tallyV1b(p.finalTallyResult),
    submitTime: p.submitTime ?? ZERO_TS,
    depositEndTime: p.depositEndTime ?? ZERO_TS,
    totalDeposit: p.totalDeposit,
    votingStartTime: p.votingStartTime ?? ZERO_TS,
    votingEndTime: p.votingEndTime ?? ZERO_TS,
  };
}

function voteV1b(v: Vote): VoteV1b {
  const opts = v.options.map((o) => ({ option: o.option, weight: parseDecString(o.weight).toString() }));
  return {
    proposalId: v.proposalId,
    voter: v.voter,
    option: opts.length === 1 ? opts[0]!.option : 0,
    options: opts,
  };
}

function decBytes(s: string): Uint8Array {
  return utf8(parseDecString(s).toString());
}

/** Register the gov query services. */
export function registerGovQueries(r: ModuleRegistrar, keeper: GovKeeper): void {
  // ---- v1 ----
  r.registerQuery(`${V1}/Constitution`, (ctx) =>
    QueryConstitutionResponse.encode({ constitution: keeper.getConstitution(ctx) }).finish(),
  );
  r.registerQuery(`${V1}/Proposal`, (ctx, data) => {
    const req = decodeRequest(QueryProposalRequest.decode, data);
    return QueryProposalResponse.encode({ proposal: mustProposal(ctx, keeper, req.proposalId) }).finish();
  });
  r.registerQuery(`${V1}/Proposals`, (ctx, data) => {
    const req = decodeRequest(QueryProposalsRequest.decode, data);
    const all = filtered(ctx, keeper, req.proposalStatus, req.voter, req.depositor);
    const { items, pagination } = page(all, req.pagination);
    return QueryProposalsResponse.encode({ proposals: items, pagination }).finish();
  });
  r.registerQuery(`${V1}/Vote`, (ctx, data) => {
    const req = decodeRequest(QueryVoteRequest.decode, data);
    requireId(req.proposalId);
    const voter = addrOf(ctx, "voter", req.voter);
    const v = keeper.getVote(ctx, req.proposalId, voter);
    if (!v) throw notFound(`voter: ${req.voter} not found for proposal: ${req.proposalId}`);
    return QueryVoteResponse.encode({ vote: v }).finish();
  });
  r.registerQuery(`${V1}/Votes`, (ctx, data) => {
    const req = decodeRequest(QueryVotesRequest.decode, data);
    requireId(req.proposalId);
    const { items, pagination } = page(keeper.votes(ctx, req.proposalId), req.pagination);
    return QueryVotesResponse.encode({ votes: items, pagination }).finish();
  });
  r.registerQuery(`${V1}/Params`, (ctx, data) => {
    const req = decodeRequest(QueryParamsRequest.decode, data);
    const p = keeper.getParams(ctx);
    const known = ["", "voting", "deposit", "tallying"];
    if (!known.includes(req.paramsType))
      throw invalidArgument(`unknown params type: ${req.paramsType.slice(0, 40)}`);
    return QueryParamsResponse.encode({
      votingParams: { votingPeriod: p.votingPeriod },
      depositParams: { minDeposit: p.minDeposit, maxDepositPeriod: p.maxDepositPeriod },
      tallyParams: { quorum: p.quorum, threshold: p.threshold, vetoThreshold: p.vetoThreshold },
      params: p,
    }).finish();
  });
  r.registerQuery(`${V1}/Deposit`, (ctx, data) => {
    const req = decodeRequest(QueryDepositRequest.decode, data);
    requireId(req.proposalId);
    const dep = addrOf(ctx, "depositor", req.depositor);
    const d = keeper.getDeposit(ctx, req.proposalId, dep);
    if (!d) throw notFound(`depositer: ${req.depositor} not found for proposal: ${req.proposalId}`);
    return QueryDepositResponse.encode({ deposit: d }).finish();
  });
  r.registerQuery(`${V1}/Deposits`, (ctx, data) => {
    const req = decodeRequest(QueryDepositsRequest.decode, data);
    requireId(req.proposalId);
    const { items, pagination } = page<Deposit>(keeper.deposits(ctx, req.proposalId), req.pagination);
    return QueryDepositsResponse.encode({ deposits: items, pagination }).finish();
  });
  r.registerQuery(`${V1}/TallyResult`, (ctx, data) => {
    const req = decodeRequest(QueryTallyResultRequest.decode, data);
    const p = mustProposal(ctx, keeper, req.proposalId);
    return QueryTallyResultResponse.encode({ tally: tallyOf(ctx, keeper, p) }).finish();
  });

  // ---- v1beta1 ----
  r.registerQuery(`${V1B}/Proposal`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryProposalRequest.decode, data);
    const p = mustProposal(ctx, keeper, req.proposalId);
    return Q1b.QueryProposalResponse.encode({ proposal: proposalV1b(p) }).finish();
  });
  r.registerQuery(`${V1B}/Proposals`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryProposalsRequest.decode, data);
    const all = filtered(ctx, keeper, req.proposalStatus, req.voter, req.depositor);
    const { items, pagination } = page(all, req.pagination);
    return Q1b.QueryProposalsResponse.encode({ proposals: items.map(proposalV1b), pagination }).finish();
  });
  r.registerQuery(`${V1B}/Vote`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryVoteRequest.decode, data);
    requireId(req.proposalId);
    const voter = addrOf(ctx, "voter", req.voter);
    const v = keeper.getVote(ctx, req.proposalId, voter);
    if (!v) throw notFound(`voter: ${req.voter} not found for proposal: ${req.proposalId}`);
    return Q1b.QueryVoteResponse.encode({ vote: voteV1b(v) }).finish();
  });
  r.registerQuery(`${V1B}/Votes`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryVotesRequest.decode, data);
    requireId(req.proposalId);
    const { items, pagination } = page(keeper.votes(ctx, req.proposalId), req.pagination);
    return Q1b.QueryVotesResponse.encode({ votes: items.map(voteV1b), pagination }).finish();
  });
  r.registerQuery(`${V1B}/Params`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryParamsRequest.decode, data);
    if (!["voting", "deposit", "tallying"].includes(req.paramsType))
      throw invalidArgument(`unknown params type: ${req.paramsType.slice(0, 40)}`);
    const p = keeper.getParams(ctx);
    const zero = { seconds: 0n, nanos: 0 };
    return Q1b.QueryParamsResponse.encode({
      votingParams: { votingPeriod: req.paramsType === "voting" ? (p.votingPeriod ?? zero) : zero },
      depositParams:
        req.paramsType === "deposit"
          ? { minDeposit: p.minDeposit, maxDepositPeriod: p.maxDepositPeriod ?? zero }
          : { minDeposit: [], maxDepositPeriod: zero },
      tallyParams:
        req.paramsType === "tallying"
          ? {
              quorum: decBytes(p.quorum),
              threshold: decBytes(p.threshold),
              vetoThreshold: decBytes(p.vetoThreshold),
            }
          : { quorum: new Uint8Array(), threshold: new Uint8Array(), vetoThreshold: new Uint8Array() },
    }).finish();
  });
  r.registerQuery(`${V1B}/Deposit`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryDepositRequest.decode, data);
    requireId(req.proposalId);
    const dep = addrOf(ctx, "depositor", req.depositor);
    const d = keeper.getDeposit(ctx, req.proposalId, dep);
    if (!d) throw notFound(`depositer: ${req.depositor} not found for proposal: ${req.proposalId}`);
    return Q1b.QueryDepositResponse.encode({ deposit: d }).finish();
  });
  r.registerQuery(`${V1B}/Deposits`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryDepositsRequest.decode, data);
    requireId(req.proposalId);
    const { items, pagination } = page(keeper.deposits(ctx, req.proposalId), req.pagination);
    return Q1b.QueryDepositsResponse.encode({ deposits: items, pagination }).finish();
  });
  r.registerQuery(`${V1B}/TallyResult`, (ctx, data) => {
    const req = decodeRequest(Q1b.QueryTallyResultRequest.decode, data);
    const p = mustProposal(ctx, keeper, req.proposalId);
    return Q1b.QueryTallyResultResponse.encode({ tally: tallyV1b(tallyOf(ctx, keeper, p)) }).finish();
  });

  // ---- OpenLedger ----
  r.registerQuery("/openledger.gov.v1.Query/ProposalExecution", (ctx, data) => {
    let id: bigint;
    try {
      id = decodeProposalExecutionRequest(data);
    } catch (e) {
      throw invalidArgument(`failed to decode request: ${(e as Error).message}`);
    }
    mustProposal(ctx, keeper, id);
    const rec = keeper.getExecution(ctx, id);
    return encodeProposalExecution({
      ...(rec ? { executesAt: rec.executesAt } : {}),
      executed: rec?.executed ?? false,
      executionDelaySeconds: keeper.getExecutionDelay(ctx),
      queued: rec !== undefined && !rec.executed,
    });
  });
  r.registerQuery("/openledger.gov.v1.Query/TimelockParams", (ctx) =>
    encodeTimelockParams(keeper.getExecutionDelay(ctx)),
  );
}
