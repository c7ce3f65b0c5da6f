/**
 * gov's genesis in SDK JSON (`starting_proposal_id`, `params`, `constitution`, `deposits`, `votes`)
 * plus OpenLedger's `execution_delay` (`"86400s"`). Proposals are carried as base64 protobuf
 * (`proposals_proto`) so in-flight proposals with arbitrary messages survive an export/import;
 * the SDK's `proposals` list is accepted only empty.
 */
import "../../types/cosmjsFix.js";
import { type Params, Proposal } from "cosmjs-types/cosmos/gov/v1/gov";
import type { ModuleGenesis } from "../../app/moduleKit.js";
import { isObject } from "../../app/protoJson.js";
import type { Context } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { fromBase64, toBase64 } from "../../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import type { GovKeeper } from "./keeper.js";
import {
  DEFAULT_EXECUTION_DELAY,
  defaultGovParams,
  durationJson,
  govParamsFromJson,
  govParamsToJson,
  parseDurationJson,
  validateExecutionDelay,
  validateGovParams,
} from "./params.js";

/** Parsed gov genesis. */
export interface GovGenesis {
  startingProposalId: bigint;
  params: Params;
  constitution: string;
  executionDelay: bigint;
  proposals: Proposal[];
  deposits: { proposalId: bigint; depositor: string; amount: { denom: string; amount: string }[] }[];
  votes: {
    proposalId: bigint;
    voter: string;
    options: { option: number; weight: string }[];
    metadata: string;
  }[];
}

function bad(msg: string): CodedError {
  return new CodedError(SDK, SdkCode.JSONUnmarshal, `invalid gov genesis: ${msg}`);
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const big = (v: unknown, f: string): bigint => {
  const s = str(v) || "0";
  if (!/^[0-9]{1,20}$/.test(s)) throw bad(`invalid ${f} ${s.slice(0, 30)}`);
  return BigInt(s);
};
const OPTIONS: Record<string, number> = {
  VOTE_OPTION_YES: 1,
  VOTE_OPTION_ABSTAIN: 2,
  VOTE_OPTION_NO: 3,
  VOTE_OPTION_NO_WITH_VETO: 4,
};
const OPTION_NAMES = [
  "VOTE_OPTION_UNSPECIFIED",
  "VOTE_OPTION_YES",
  "VOTE_OPTION_ABSTAIN",
  "VOTE_OPTION_NO",
  "VOTE_OPTION_NO_WITH_VETO",
];

/** Default gov genesis for a bond denom (`dev`: the short dev-chain periods). */
export function defaultGovGenesisJson(
  denom: string,
  params?: Params,
  executionDelay = DEFAULT_EXECUTION_DELAY,
): Record<string, unknown> {
  return {
    starting_proposal_id: "1",
    deposits: [],
    votes: [],
    proposals: [],
    params: govParamsToJson(params ?? defaultGovParams(denom)),
    constitution: "",
    execution_delay: `${executionDelay}s`,
  };
}

/** Parse gov genesis JSON (throws coded errors). */
export function parseGovGenesis(json: unknown, denom: string): GovGenesis {
  if (!isObject(json)) throw bad("must be an object");
  let params: Params;
  try {
    params = govParamsFromJson(json["params"] ?? {}, defaultGovParams(denom));
    validateGovParams(params);
  } catch (e) {
    throw bad((e as Error).message);
  }
  let executionDelay = DEFAULT_EXECUTION_DELAY;
  if (json["execution_delay"] !== undefined) {
    try {
      executionDelay = parseDurationJson(json["execution_delay"], "execution_delay").seconds;
      validateExecutionDelay(executionDelay);
    } catch (e) {
      throw bad((e as Error).message);
    }
  }
  if (arr(json["proposals"]).length > 0) throw bad("proposals must be given as proposals_proto");
  const proposals = arr(json["proposals_proto"]).map((p) => {
    try {
      return Proposal.decode(fromBase64(str(p)));
    } catch (e) {
      throw bad(`proposal: ${(e as Error).message}`);
    }
  });
  const deposits = arr(json["deposits"]).map((d) => ({
    proposalId: big(obj(d)["proposal_id"], "proposal_id"),
    depositor: str(obj(d)["depositor"]),
    amount: arr(obj(d)["amount"]).map((c) => ({
      denom: str(obj(c)["denom"]),
      amount: str(obj(c)["amount"]),
    })),
  }));
  const votes = arr(json["votes"]).map((v) => ({
    proposalId: big(obj(v)["proposal_id"], "proposal_id"),
    voter: str(obj(v)["voter"]),
    options: arr(obj(v)["options"]).map((o) => {
      const name = str(obj(o)["option"]);
      const option = OPTIONS[name];
      if (option === undefined) throw bad(`invalid vote option ${name.slice(0, 30)}`);
      return { option, weight: str(obj(o)["weight"]) };
    }),
    metadata: str(obj(v)["metadata"]),
  }));
  return {
    startingProposalId: big(json["starting_proposal_id"] ?? "1", "starting_proposal_id"),
    params,
    constitution: str(json["constitution"]),
    executionDelay,
    proposals,
    deposits,
    votes,
  };
}

/** Gov genesis → JSON. */
export function govGenesisToJson(g: GovGenesis): Record<string, unknown> {
  return {
    starting_proposal_id: g.startingProposalId.toString(),
    deposits: g.deposits.map((d) => ({
      proposal_id: d.proposalId.toString(),
      depositor: d.depositor,
      amount: d.amount,
    })),
    votes: g.votes.map((v) => ({
      proposal_id: v.proposalId.toString(),
      voter: v.voter,
      options: v.options.map((o) => ({
        option: OPTION_NAMES[o.option] ?? "VOTE_OPTION_UNSPECIFIED",
        weight: o.weight,
      })),
      metadata: v.metadata,
    })),
    proposals: [],
    proposals_proto: g.proposals.map((p) => toBase64(Proposal.encode(p).finish())),
    params: govParamsToJson(g.params),
    constitution: g.constitution,
    execution_delay: durationJson({ seconds: g.executionDelay, nanos: 0 }),
  };
}

/** Import genesis through the keeper. */
export function initGovGenesis(ctx: Context, k: GovKeeper, g: GovGenesis): void {
  k.setParams(ctx, g.params);
  k.setExecutionDelay(ctx, g.executionDelay);
  k.setConstitution(ctx, g.constitution);
  k.setNextProposalId(ctx, g.startingProposalId);
  for (const p of g.proposals) k.importProposal(ctx, p);
  for (const d of g.deposits) k.setDeposit(ctx, d, decodeAddress(d.depositor, ctx.chain.bech32Prefix));
  for (const v of g.votes) k.setVote(ctx, v, decodeAddress(v.voter, ctx.chain.bech32Prefix));
}

/** Export the module state as genesis JSON. */
export function exportGovGenesis(ctx: Context, k: GovKeeper): unknown {
  const proposals = k.allProposals(ctx);
  const g: GovGenesis = {
    startingProposalId: k.nextProposalId(ctx),
    params: k.getParams(ctx),
    constitution: k.getConstitution(ctx),
    executionDelay: k.getExecutionDelay(ctx),
    proposals,
    deposits: proposals.flatMap((p) => k.deposits(ctx, p.id)),
    votes: proposals.flatMap((p) => k.votes(ctx, p.id)),
  };
  return govGenesisToJson(g);
}

/** gov's genesis as its module runs it. */
export const govGenesis: ModuleGenesis<GovKeeper, GovGenesis> = {
  defaults: (bondDenom) => defaultGovGenesisJson(bondDenom),
  parse: parseGovGenesis,
  init: initGovGenesis,
  export: exportGovGenesis,
};
