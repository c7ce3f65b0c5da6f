/**
 * gov's `cosmos.gov.v1.Msg` and `cosmos.gov.v1beta1.Msg` services (thin: decode, check, call the
 * keeper), plus OpenLedger's `MsgUpdateTimelockParams`.
 */
import "../../types/cosmjsFix.js";
import { createGovAminoConverters } from "@cosmjs/stargate";
import type { VoteOption, WeightedVoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  MsgCancelProposal,
  MsgCancelProposalResponse,
  MsgDeposit,
  MsgDepositResponse,
  MsgSubmitProposal,
  MsgSubmitProposalResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgVote,
  MsgVoteResponse,
  MsgVoteWeighted,
  MsgVoteWeightedResponse,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { TextProposal } from "cosmjs-types/cosmos/gov/v1beta1/gov";
import {
  MsgDepositResponse as MsgDepositResponseV1b,
  MsgDeposit as MsgDepositV1b,
  MsgSubmitProposalResponse as MsgSubmitProposalResponseV1b,
  MsgSubmitProposal as MsgSubmitProposalV1b,
  MsgVoteResponse as MsgVoteResponseV1b,
  MsgVote as MsgVoteV1b,
  MsgVoteWeightedResponse as MsgVoteWeightedResponseV1b,
  MsgVoteWeighted as MsgVoteWeightedV1b,
} from "cosmjs-types/cosmos/gov/v1beta1/tx";
import type { BigCoin } from "../../app/coins.js";
import { parseValidCoins } from "../../app/coins.js";
import { checkGovAuthority, parseAccAddress, protoMsgDef } from "../../app/moduleKit.js";
import type { AminoConverter, ChainConfig, Context, MsgDef } from "../../app/types.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { formatDecString, parseWireDec } from "../staking/dec.js";
import { GovCode, govError } from "./errors.js";
import type { GovKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { validateExecutionDelay, validateGovParams } from "./params.js";
import { MSG_UPDATE_TIMELOCK_PARAMS_RESPONSE, MsgUpdateTimelockParams } from "./timelock.js";

const EMPTY = new Uint8Array();
const legacyAmino = createGovAminoConverters();

function addr(field: string, s: string, chain: ChainConfig): Uint8Array {
  return parseAccAddress({ chain }, field, s);
}

function coins(list: readonly { denom: string; amount: string }[], allowEmpty: boolean): BigCoin[] {
  const c = parseValidCoins(list);
  if (c.length === 0 && !allowEmpty)
    throw new CodedError(SDK, SdkCode.InvalidCoins, "deposit amount must be positive: invalid coins");
  return c;
}

function checkAuthority(ctx: Context, keeper: GovKeeper, authority: string): void {
  checkGovAuthority(ctx, authority, keeper.authority());
}

function legacy<M>(typeUrl: string): AminoConverter<M> {
  const c = legacyAmino[typeUrl];
  if (!c) throw new Error(`no amino converter for ${typeUrl}`);
  return { aminoType: c.aminoType, toAmino: (m: M) => c.toAmino(m) };
}

function optionJson(o: VoteOption): number {
  return o;
}

function v1Amino<M>(aminoType: string, f: (m: M) => Record<string, unknown>): AminoConverter<M> {
  return {
    aminoType,
    toAmino: (m) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(f(m))) {
        if (v === "" || v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
        out[k] = v;
      }
      return out;
    },
  };
}

/** Weighted options of a v1beta1 message (weights are wire decimals, ×10^18 integers). */
function legacyOptions(opts: readonly { option: VoteOption; weight: string }[]): WeightedVoteOption[] {
  return opts.map((o) => {
    let w: bigint;
    try {
      w = parseWireDec(o.weight, "weight");
    } catch {
      throw govError(GovCode.InvalidVote, `invalid weight: ${JSON.stringify(o.weight.slice(0, 40))}`);
    }
    return { option: o.option, weight: formatDecString(w) };
  });
}

function single(option: VoteOption): WeightedVoteOption[] {
  return [{ option, weight: "1.000000000000000000" }];
}

/** The gov message definitions, bound to a keeper. */
export function govMsgDefs(keeper: GovKeeper): MsgDef<unknown>[] {
  const submit = protoMsgDef(MsgSubmitProposal, MODULE_NAME, {
    signers: (m, chain) => [addr("proposer", m.proposer, chain)],
    handle(ctx, m) {
      if (m.messages.length === 0 && m.title === "")
        throw govError(GovCode.NoProposalMsgs, "no messages proposed");
      const { id } = keeper.submitProposal(ctx, {
        messages: m.messages,
        initialDeposit: coins(m.initialDeposit, true),
        proposer: addr("proposer", m.proposer, ctx.chain),
        metadata: m.metadata,
        title: m.title,
        summary: m.summary,
        expedited: m.expedited,
      });
      return {
        typeUrl: MsgSubmitProposalResponse.typeUrl,
        value: MsgSubmitProposalResponse.encode({ proposalId: id }).finish(),
      };
    },
  });
  const deposit = protoMsgDef(MsgDeposit, MODULE_NAME, {
    signers: (m, chain) => [addr("depositor", m.depositor, chain)],
    amino: v1Amino("cosmos-sdk/v1/MsgDeposit", (m) => ({
      proposal_id: m.proposalId.toString(),
      depositor: m.depositor,
      amount: m.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
    })),
    handle(ctx, m) {
      keeper.addDeposit(ctx, m.proposalId, addr("depositor", m.depositor, ctx.chain), coins(m.amount, false));
      return { typeUrl: MsgDepositResponse.typeUrl, value: EMPTY };
    },
  });
  const vote = protoMsgDef(MsgVote, MODULE_NAME, {
    signers: (m, chain) => [addr("voter", m.voter, chain)],
    amino: v1Amino("cosmos-sdk/v1/MsgVote", (m) => ({
      proposal_id: m.proposalId.toString(),
      voter: m.voter,
      option: optionJson(m.option),
      metadata: m.metadata,
    })),
    handle(ctx, m) {
      keeper.addVote(ctx, m.proposalId, addr("voter", m.voter, ctx.chain), single(m.option), m.metadata);
      return { typeUrl: MsgVoteResponse.typeUrl, value: EMPTY };
    },
  });
  const weighted = protoMsgDef(MsgVoteWeighted, MODULE_NAME, {
    signers: (m, chain) => [addr("voter", m.voter, chain)],
    amino: v1Amino("cosmos-sdk/v1/MsgVoteWeighted", (m) => ({
      proposal_id: m.proposalId.toString(),
      voter: m.voter,
      options: m.options.map((o) => ({ option: optionJson(o.option), weight: o.weight })),
      metadata: m.metadata,
    })),
    handle(ctx, m) {
      keeper.addVote(ctx, m.proposalId, addr("voter", m.voter, ctx.chain), m.options, m.metadata);
      return { typeUrl: MsgVoteWeightedResponse.typeUrl, value: EMPTY };
    },
  });
  const cancel = protoMsgDef(MsgCancelProposal, MODULE_NAME, {
    signers: (m, chain) => [addr("proposer", m.proposer, chain)],
    handle(ctx, m) {
      addr("proposer", m.proposer, ctx.chain);
      keeper.cancelProposal(ctx, m.proposalId, m.proposer);
      return {
        typeUrl: MsgCancelProposalResponse.typeUrl,
        value: MsgCancelProposalResponse.encode({
          proposalId: m.proposalId,
          canceledTime: ctx.header.time,
          canceledHeight: BigInt(ctx.header.height),
        }).finish(),
      };
    },
  });
  const updateParams = protoMsgDef(MsgUpdateParams, MODULE_NAME, {
    signers: (m, chain) => [addr("authority", m.authority, chain)],
    handle(ctx, m) {
      checkAuthority(ctx, keeper, m.authority);
      if (!m.params)
        throw new CodedError(SDK, SdkCode.InvalidRequest, "params cannot be nil: invalid request");
      validateGovParams(m.params);
      keeper.setParams(ctx, m.params);
      return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: EMPTY };
    },
  });
  const updateTimelock = protoMsgDef(MsgUpdateTimelockParams, MODULE_NAME, {
    signers: (m, chain) => [addr("authority", m.authority, chain)],
    handle(ctx, m) {
      checkAuthority(ctx, keeper, m.authority);
      validateExecutionDelay(m.executionDelaySeconds);
      keeper.setExecutionDelay(ctx, m.executionDelaySeconds);
      return { typeUrl: MSG_UPDATE_TIMELOCK_PARAMS_RESPONSE, value: EMPTY };
    },
  });

  // ---- v1beta1 (what CosmJS `SigningStargateClient` sends) ----
  const submitV1b = protoMsgDef(MsgSubmitProposalV1b, MODULE_NAME, {
    signers: (m, chain) => [addr("proposer", m.proposer, chain)],
    amino: legacy<MsgSubmitProposalV1b>(MsgSubmitProposalV1b.typeUrl),
    handle(ctx, m) {
      if (!m.content || m.content.typeUrl !== TextProposal.typeUrl)
        throw govError(
          GovCode.InvalidProposalContent,
          `unsupported proposal content ${m.content?.typeUrl ?? "(none)"}; use cosmos.gov.v1.MsgSubmitProposal: invalid proposal content`,
        );
      let text: TextProposal;
      try {
        text = TextProposal.decode(m.content.value);
      } catch (e) {
        throw govError(GovCode.InvalidProposalContent, `${(e as Error).message}: invalid proposal content`);
      }
      if (text.title === "")
        throw govError(
          GovCode.InvalidProposalContent,
          "proposal title cannot be blank: invalid proposal content",
        );
      const { id } = keeper.submitProposal(ctx, {
        messages: [],
        initialDeposit: coins(m.initialDeposit, true),
        proposer: addr("proposer", m.proposer, ctx.chain),
        metadata: "",
        title: text.title,
        summary: text.description,
        expedited: false,
      });
      return {
        typeUrl: MsgSubmitProposalResponseV1b.typeUrl,
        value: MsgSubmitProposalResponseV1b.encode({ proposalId: id }).finish(),
      };
    },
  });
  const depositV1b = protoMsgDef(MsgDepositV1b, MODULE_NAME, {
    signers: (m, chain) => [addr("depositor", m.depositor, chain)],
    amino: legacy<MsgDepositV1b>(MsgDepositV1b.typeUrl),
    handle(ctx, m) {
      keeper.addDeposit(ctx, m.proposalId, addr("depositor", m.depositor, ctx.chain), coins(m.amount, false));
      return { typeUrl: MsgDepositResponseV1b.typeUrl, value: EMPTY };
    },
  });
  const voteV1b = protoMsgDef(MsgVoteV1b, MODULE_NAME, {
    signers: (m, chain) => [addr("voter", m.voter, chain)],
    amino: legacy<MsgVoteV1b>(MsgVoteV1b.typeUrl),
    handle(ctx, m) {
      keeper.addVote(ctx, m.proposalId, addr("voter", m.voter, ctx.chain), single(m.option), "");
      return { typeUrl: MsgVoteResponseV1b.typeUrl, value: EMPTY };
    },
  });
  const weightedV1b = protoMsgDef(MsgVoteWeightedV1b, MODULE_NAME, {
    signers: (m, chain) => [addr("voter", m.voter, chain)],
    amino: legacy<MsgVoteWeightedV1b>(MsgVoteWeightedV1b.typeUrl),
    handle(ctx, m) {
      keeper.addVote(ctx, m.proposalId, addr("voter", m.voter, ctx.chain), legacyOptions(m.options), "");
      return { typeUrl: MsgVoteWeightedResponseV1b.typeUrl, value: EMPTY };
    },
  });
  return [
    submit,
    deposit,
    vote,
    weighted,
    cancel,
    updateParams,
    updateTimelock,
    submitV1b,
    depositV1b,
    voteV1b,
    weightedV1b,
  ] as MsgDef<unknown>[];
}
