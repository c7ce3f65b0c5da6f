/**
 * `openledgerd tx gov submit-proposal|deposit|vote|weighted-vote|cancel-proposal|draft-proposal` and
 * `openledgerd query gov proposals|proposal|votes|vote|deposits|deposit|tally|params` over the node's RPC.
 *
 * A proposal file is JSON: `{ "messages": [{ "@type": "/cosmos.bank.v1beta1.MsgUpdateParams", …fields
 * in snake_case }], "metadata": "", "deposit": "100OPEN", "title": "…", "summary": "…",
 * "expedited": false }` — what `tx gov draft-proposal --type <alias|type URL>` writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type GeneratedType, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import type { Command } from "commander";
import * as BQ from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgUpdateParams as BankMsgUpdateParams } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import * as DQ from "cosmjs-types/cosmos/distribution/v1beta1/query";
import {
  MsgUpdateParams as DistrMsgUpdateParams,
  MsgCommunityPoolSpend,
} from "cosmjs-types/cosmos/distribution/v1beta1/tx";
import {
  ProposalStatus,
  proposalStatusFromJSON,
  VoteOption,
  voteOptionFromJSON,
} from "cosmjs-types/cosmos/gov/v1/gov";
import * as GQ from "cosmjs-types/cosmos/gov/v1/query";
import {
  MsgUpdateParams as GovMsgUpdateParams,
  MsgCancelProposal,
  MsgDeposit,
  MsgSubmitProposal,
  MsgVote,
  MsgVoteWeighted,
} from "cosmjs-types/cosmos/gov/v1/tx";
import * as SQ from "cosmjs-types/cosmos/staking/v1beta1/query";
import { MsgUpdateParams as StakingMsgUpdateParams } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { MsgCancelUpgrade, MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import { moduleAddressOf } from "../../app/addressCache.js";
import { fromProtoNames, isObject, toProtoNames } from "../../app/protoJson.js";
import { parseCoins } from "../../client/amount.js";
import { DEFAULT_PREFIX } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import * as AttrPb from "../../modules/attribution/proto.js";
import * as DnPb from "../../modules/datanets/proto.js";
import { MsgUpdateTimelockParams } from "../../modules/gov/timelock.js";
import * as MdPb from "../../modules/models/proto.js";
import { parseDecString } from "../../modules/staking/dec.js";
import type { CodedError } from "../../types/errors.js";
import { emit, expandHome, runCommand } from "../output.js";
import { addQueryOptions, type Decoder, type QueryFlags, queryCmd, withClient } from "./query.js";
import { txCmd } from "./tx.js";

const GOV_ADDR = toBech32(DEFAULT_PREFIX, moduleAddressOf("gov"));

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

interface JsonType {
  fromJSON(o: unknown): unknown;
  toJSON(m: unknown): unknown;
  fromPartial(o: object): unknown;
}

const PROPOSAL_TYPES: [string, GeneratedType][] = [
  [BankMsgUpdateParams.typeUrl, BankMsgUpdateParams],
  [DistrMsgUpdateParams.typeUrl, DistrMsgUpdateParams],
  [MsgCommunityPoolSpend.typeUrl, MsgCommunityPoolSpend],
  [StakingMsgUpdateParams.typeUrl, StakingMsgUpdateParams],
  [GovMsgUpdateParams.typeUrl, GovMsgUpdateParams],
  [MsgSoftwareUpgrade.typeUrl, MsgSoftwareUpgrade],
  [MsgCancelUpgrade.typeUrl, MsgCancelUpgrade],
  [MsgSubmitProposal.typeUrl, MsgSubmitProposal],
  [MsgDeposit.typeUrl, MsgDeposit],
  [MsgVote.typeUrl, MsgVote],
  [MsgVoteWeighted.typeUrl, MsgVoteWeighted],
  [MsgCancelProposal.typeUrl, MsgCancelProposal],
  [MsgUpdateTimelockParams.typeUrl, MsgUpdateTimelockParams as unknown as GeneratedType],
];

/** A protobufjs-generated message class (OpenLedger's own modules). */
interface PbType {
  create(o?: object): unknown;
  encode(m: never): { finish(): Uint8Array };
  decode(b: Uint8Array): unknown;
  fromObject(o: object): unknown;
  toObject(m: never, opts?: object): Record<string, unknown>;
}

/** OpenLedger modules' MsgUpdateParams (gov authority) and their params queries. */
const OPENLEDGER_PARAMS: { typeUrl: string; msg: PbType; query: string; res: PbType }[] = [
  {
    typeUrl: "/openledger.attribution.v1.MsgUpdateParams",
    msg: AttrPb.MsgUpdateParams as unknown as PbType,
    query: "/openledger.attribution.v1.Query/Params",
    res: AttrPb.QueryParamsResponse as unknown as PbType,
  },
  {
    typeUrl: "/openledger.datanets.v1.MsgUpdateParams",
    msg: DnPb.MsgUpdateParams as unknown as PbType,
    query: "/openledger.datanets.v1.Query/Params",
    res: DnPb.QueryParamsResponse as unknown as PbType,
  },
  {
    typeUrl: "/openledger.models.v1.MsgUpdateParams",
    msg: MdPb.MsgUpdateParams as unknown as PbType,
    query: "/openledger.models.v1.Query/Params",
    res: MdPb.QueryParamsResponse as unknown as PbType,
  },
];

/** The CLI's registry for gov: the standard messages plus v1 gov and the governed messages. */
export function govRegistry(): Registry {
  const r = new Registry([...defaultRegistryTypes]);
  for (const [u, t] of PROPOSAL_TYPES) if (!r.lookupType(u)) r.register(u, t);
  for (const o of OPENLEDGER_PARAMS)
    if (!r.lookupType(o.typeUrl)) r.register(o.typeUrl, o.msg as unknown as GeneratedType);
  return r;
}

function id(s: string): bigint {
  if (!/^[0-9]{1,20}$/.test(s) || BigInt(s) === 0n) throw bad(`invalid proposal id ${JSON.stringify(s)}`);
  return BigInt(s);
}

function account(s: string): string {
  try {
    decodeAddress(s, DEFAULT_PREFIX);
  } catch (e) {
    throw bad(`invalid address ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
  return s;
}

function coins(s: string): { denom: string; amount: string }[] {
  return parseCoins(s).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/** `yes`, `no`, `abstain`, `no_with_veto` / `veto`, or `VOTE_OPTION_…`. */
export function parseVoteOption(s: string): VoteOption {
  const k = s.trim().toLowerCase().replace(/-/g, "_");
  const alias: Record<string, string> = {
    yes: "VOTE_OPTION_YES",
    no: "VOTE_OPTION_NO",
    abstain: "VOTE_OPTION_ABSTAIN",
    veto: "VOTE_OPTION_NO_WITH_VETO",
    no_with_veto: "VOTE_OPTION_NO_WITH_VETO",
    nowithveto: "VOTE_OPTION_NO_WITH_VETO",
  };
  const name = alias[k] ?? s.trim().toUpperCase();
  const o = voteOptionFromJSON(name);
  if (o === VoteOption.UNRECOGNIZED || o === VoteOption.VOTE_OPTION_UNSPECIFIED)
    throw bad(`invalid vote option ${JSON.stringify(s)}: yes, no, abstain or no_with_veto`);
  return o;
}

/** `yes=0.6,no=0.4` → weighted options (weights as decimals). */
export function parseWeightedOptions(s: string): { option: VoteOption; weight: string }[] {
  return s.split(",").map((part) => {
    const [o, w] = part.split("=");
    if (!o || !w) throw bad(`invalid weighted option ${JSON.stringify(part)}: option=weight`);
    try {
      parseDecString(w.trim());
    } catch {
      throw bad(`invalid weight ${JSON.stringify(w)}`);
    }
    return { option: parseVoteOption(o), weight: w.trim() };
  });
}

/** A proposal file → the v1 MsgSubmitProposal value (messages packed with `registry`). */
export function proposalFromFile(json: unknown, proposer: string, registry: Registry): MsgSubmitProposal {
  if (!isObject(json)) throw bad("the proposal file must hold a JSON object");
  const msgs = Array.isArray(json["messages"]) ? json["messages"] : [];
  const messages = msgs.map((m, i) => {
    if (!isObject(m) || typeof m["@type"] !== "string") throw bad(`messages[${i}] needs an "@type"`);
    const typeUrl = m["@type"];
    const t = registry.lookupType(typeUrl) as unknown as Partial<JsonType & PbType> | undefined;
    if (!t) throw bad(`messages[${i}]: unknown message type ${typeUrl}`);
    const { "@type": _drop, ...fields } = m;
    const camel = fromProtoNames(fields) as object;
    let value: unknown;
    try {
      value = t.fromJSON ? t.fromJSON(camel) : t.fromObject?.(camel);
    } catch (e) {
      throw bad(`messages[${i}] (${typeUrl}): ${(e as Error).message}`);
    }
    return { typeUrl, value: registry.encode({ typeUrl, value: value as object }) };
  });
  const deposit = typeof json["deposit"] === "string" && json["deposit"] !== "" ? coins(json["deposit"]) : [];
  return MsgSubmitProposal.fromPartial({
    messages,
    initialDeposit: deposit,
    proposer,
    metadata: String(json["metadata"] ?? ""),
    title: String(json["title"] ?? ""),
    summary: String(json["summary"] ?? ""),
    expedited: json["expedited"] === true,
  });
}

// ---- draft-proposal ----

/** Aliases of `draft-proposal --type`. */
export const DRAFT_ALIASES: Record<string, string> = {
  text: "",
  "bank-params": BankMsgUpdateParams.typeUrl,
  "distribution-params": DistrMsgUpdateParams.typeUrl,
  "staking-params": StakingMsgUpdateParams.typeUrl,
  "gov-params": GovMsgUpdateParams.typeUrl,
  "gov-timelock": MsgUpdateTimelockParams.typeUrl,
  "community-pool-spend": MsgCommunityPoolSpend.typeUrl,
  "software-upgrade": MsgSoftwareUpgrade.typeUrl,
  "cancel-upgrade": MsgCancelUpgrade.typeUrl,
  "attribution-shares": "/openledger.attribution.v1.MsgUpdateParams",
  "attribution-params": "/openledger.attribution.v1.MsgUpdateParams",
  "datanets-params": "/openledger.datanets.v1.MsgUpdateParams",
  "models-params": "/openledger.models.v1.MsgUpdateParams",
};

async function currentParams(node: string, typeUrl: string): Promise<unknown> {
  const q = async <T>(path: string, dec: Decoder<T>): Promise<unknown> => {
    const b = await withClient({ node }, (c) => c.abciQuery(path, new Uint8Array()));
    return dec.toJSON(dec.decode(b));
  };
  const pick = (v: unknown): unknown => (isObject(v) ? v["params"] : undefined);
  const ol = OPENLEDGER_PARAMS.find((o) => o.typeUrl === typeUrl);
  if (ol) {
    const b = await withClient({ node }, (c) => c.abciQuery(ol.query, new Uint8Array()));
    return pick(ol.res.toObject(ol.res.decode(b) as never, { longs: String, enums: String, defaults: true }));
  }
  switch (typeUrl) {
    case BankMsgUpdateParams.typeUrl:
      return pick(await q("/cosmos.bank.v1beta1.Query/Params", BQ.QueryParamsResponse));
    case DistrMsgUpdateParams.typeUrl:
      return pick(await q("/cosmos.distribution.v1beta1.Query/Params", DQ.QueryParamsResponse));
    case StakingMsgUpdateParams.typeUrl:
      return pick(await q("/cosmos.staking.v1beta1.Query/Params", SQ.QueryParamsResponse));
    case GovMsgUpdateParams.typeUrl:
      return pick(await q("/cosmos.gov.v1.Query/Params", GQ.QueryParamsResponse));
    default:
      return {};
  }
}

/** The message template of a draft (params filled from the node where it can). */
export async function draftMessage(typeUrl: string, node: string): Promise<Record<string, unknown>[]> {
  if (typeUrl === "") return [];
  if (typeUrl === MsgCommunityPoolSpend.typeUrl)
    return [
      {
        "@type": typeUrl,
        authority: GOV_ADDR,
        recipient: "open1…",
        amount: [{ denom: "aopen", amount: "0" }],
      },
    ];
  if (typeUrl === MsgSoftwareUpgrade.typeUrl)
    return [{ "@type": typeUrl, authority: GOV_ADDR, plan: { name: "v0.2.0", height: "0", info: "" } }];
  if (typeUrl === MsgCancelUpgrade.typeUrl || typeUrl === MsgUpdateTimelockParams.typeUrl)
    return [
      {
        "@type": typeUrl,
        authority: GOV_ADDR,
        ...(typeUrl === MsgUpdateTimelockParams.typeUrl ? { execution_delay_seconds: "86400" } : {}),
      },
    ];
  let params: unknown = {};
  try {
    params = await currentParams(node, typeUrl);
  } catch {
    params = {};
  }
  return [{ "@type": typeUrl, authority: GOV_ADDR, params: toProtoNames(params ?? {}) }];
}

function registerTx(program: Command): void {
  const tx = program.commands.find((x) => x.name() === "tx");
  if (!tx) throw new Error("no tx command");
  const gov = tx.command("gov").description("governance transactions");
  txCmd(
    gov,
    "submit-proposal <file>",
    "submit a proposal from a JSON file (see draft-proposal)",
    (from, [file]) => [
      {
        typeUrl: MsgSubmitProposal.typeUrl,
        value: proposalFromFile(
          JSON.parse(readFileSync(expandHome(file!), "utf8")) as unknown,
          from,
          govRegistry(),
        ),
      },
    ],
    () => ({ registry: govRegistry() }),
  );
  txCmd(
    gov,
    "deposit <proposal-id> <amount>",
    "deposit on a proposal, e.g. 100OPEN",
    (from, [p, a]) => [
      {
        typeUrl: MsgDeposit.typeUrl,
        value: MsgDeposit.fromPartial({ proposalId: id(p!), depositor: from, amount: coins(a!) }),
      },
    ],
    () => ({ registry: govRegistry() }),
  );
  txCmd(
    gov,
    "vote <proposal-id> <option>",
    "vote yes, no, abstain or no_with_veto",
    (from, [p, o], f) => [
      {
        typeUrl: MsgVote.typeUrl,
        value: MsgVote.fromPartial({
          proposalId: id(p!),
          voter: from,
          option: parseVoteOption(o!),
          metadata: f["metadata"] ?? "",
        }),
      },
    ],
    () => ({ registry: govRegistry() }),
    (c) => c.option("--metadata <text>", "vote metadata"),
  );
  txCmd(
    gov,
    "weighted-vote <proposal-id> <options>",
    "split a vote, e.g. yes=0.6,no=0.4",
    (from, [p, o], f) => [
      {
        typeUrl: MsgVoteWeighted.typeUrl,
        value: MsgVoteWeighted.fromPartial({
          proposalId: id(p!),
          voter: from,
          options: parseWeightedOptions(o!),
          metadata: f["metadata"] ?? "",
        }),
      },
    ],
    () => ({ registry: govRegistry() }),
    (c) => c.option("--metadata <text>", "vote metadata"),
  );
  txCmd(
    gov,
    "cancel-proposal <proposal-id>",
    "cancel your proposal (part of the deposit is burned)",
    (from, [p]) => [
      {
        typeUrl: MsgCancelProposal.typeUrl,
        value: MsgCancelProposal.fromPartial({ proposalId: id(p!), proposer: from }),
      },
    ],
    () => ({ registry: govRegistry() }),
  );
  addQueryOptions(
    gov
      .command("draft-proposal")
      .description(
        `write a proposal file for a message: --type ${Object.keys(DRAFT_ALIASES).join("|")}|<type URL>`,
      )
      .requiredOption("--type <type>", "message alias or type URL")
      .option("--out <file>", "where to write", "proposal.json")
      .option("--title <text>", "title", "")
      .option("--summary <text>", "summary", "")
      .option("--deposit <coins>", "initial deposit", "10OPEN"),
  ).action(async (flags: QueryFlags & Record<string, string>, cmd: Command) =>
    runCommand(cmd, async (g) => {
      const t = flags["type"]!;
      const typeUrl = t in DRAFT_ALIASES ? DRAFT_ALIASES[t]! : t;
      if (typeUrl !== "" && !typeUrl.startsWith("/")) throw bad(`unknown --type ${JSON.stringify(t)}`);
      const doc = {
        messages: await draftMessage(typeUrl, flags.node),
        metadata: "",
        deposit: flags["deposit"],
        title: flags["title"] || (typeUrl === "" ? "Text proposal" : `Update via ${typeUrl}`),
        summary: flags["summary"] || "Describe the change and why.",
        expedited: false,
      };
      const out = expandHome(flags["out"]!);
      writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
      emit(g.output, { file: out, ...doc }, () => [`wrote ${out}`]);
    }),
  );
}

function registerQuery(program: Command): void {
  const query = program.commands.find((x) => x.name() === "query");
  if (!query) throw new Error("no query command");
  const gov = query.command("gov").description("governance queries");
  const V1 = "/cosmos.gov.v1.Query";
  queryCmd(
    gov,
    "proposals",
    "proposals, optionally filtered",
    `${V1}/Proposals`,
    GQ.QueryProposalsRequest,
    GQ.QueryProposalsResponse,
    (_a, f) => ({
      proposalStatus: f["status"] ? status(f["status"]) : ProposalStatus.PROPOSAL_STATUS_UNSPECIFIED,
      voter: f["voter"] ? account(f["voter"]) : "",
      depositor: f["depositor"] ? account(f["depositor"]) : "",
      pagination: {
        limit: f["limit"] ? BigInt(f["limit"]) : 100n,
        offset: f["offset"] ? BigInt(f["offset"]) : 0n,
        countTotal: true,
      },
    }),
    (c) =>
      c
        .option("--status <status>", "deposit_period|voting_period|passed|rejected|failed")
        .option("--voter <address>", "voted by")
        .option("--depositor <address>", "deposited by")
        .option("--limit <n>", "page size")
        .option("--offset <n>", "skip"),
  );
  queryCmd(
    gov,
    "proposal <proposal-id>",
    "a proposal",
    `${V1}/Proposal`,
    GQ.QueryProposalRequest,
    GQ.QueryProposalResponse,
    ([p]) => ({ proposalId: id(p!) }),
  );
  queryCmd(
    gov,
    "votes <proposal-id>",
    "a proposal's votes",
    `${V1}/Votes`,
    GQ.QueryVotesRequest,
    GQ.QueryVotesResponse,
    ([p]) => ({ proposalId: id(p!) }),
  );
  queryCmd(
    gov,
    "vote <proposal-id> <voter>",
    "a vote",
    `${V1}/Vote`,
    GQ.QueryVoteRequest,
    GQ.QueryVoteResponse,
    ([p, v]) => ({ proposalId: id(p!), voter: account(v!) }),
  );
  queryCmd(
    gov,
    "deposits <proposal-id>",
    "a proposal's deposits",
    `${V1}/Deposits`,
    GQ.QueryDepositsRequest,
    GQ.QueryDepositsResponse,
    ([p]) => ({ proposalId: id(p!) }),
  );
  queryCmd(
    gov,
    "deposit <proposal-id> <depositor>",
    "a deposit",
    `${V1}/Deposit`,
    GQ.QueryDepositRequest,
    GQ.QueryDepositResponse,
    ([p, d]) => ({ proposalId: id(p!), depositor: account(d!) }),
  );
  queryCmd(
    gov,
    "tally <proposal-id>",
    "a proposal's tally",
    `${V1}/TallyResult`,
    GQ.QueryTallyResultRequest,
    GQ.QueryTallyResultResponse,
    ([p]) => ({ proposalId: id(p!) }),
  );
  queryCmd(
    gov,
    "params",
    "gov params",
    `${V1}/Params`,
    GQ.QueryParamsRequest,
    GQ.QueryParamsResponse,
    () => ({ paramsType: "" }),
  );
}

function status(s: string): ProposalStatus {
  const k = s.trim().toUpperCase();
  const st = proposalStatusFromJSON(k.startsWith("PROPOSAL_STATUS_") ? k : `PROPOSAL_STATUS_${k}`);
  if (st === ProposalStatus.UNRECOGNIZED) throw bad(`invalid --status ${JSON.stringify(s)}`);
  return st;
}

/** Register `tx gov …` and `query gov …` (after `tx` and `query` exist). */
export function registerGovCommands(program: Command): void {
  registerTx(program);
  registerQuery(program);
}
