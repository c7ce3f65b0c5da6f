/** attribution's `openledger.attribution.v1.Msg` service: signer checks, then the keeper. */
import { msgSpec } from "../../app/aminoKit.js";
import { checkGovAuthority, type MsgHandlers, responder, tableMsgDefs } from "../../app/moduleKit.js";
import type { MsgDef } from "../../app/types.js";
import { attributionEvent, EventType } from "./events.js";
import { type AttributionKeeper, parseAddress, positiveCoin } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import {
  big,
  type MsgClaimRewards,
  MsgClaimRewards as MsgClaimRewardsCodec,
  MsgClaimRewardsResponse,
  type MsgDepositCredit,
  MsgDepositCredit as MsgDepositCreditCodec,
  MsgDepositCreditResponse,
  type MsgSettleInference,
  MsgSettleInference as MsgSettleInferenceCodec,
  MsgSettleInferenceResponse,
  type MsgUpdateParams,
  MsgUpdateParams as MsgUpdateParamsCodec,
  MsgUpdateParamsResponse,
  type MsgWithdrawCredit,
  MsgWithdrawCredit as MsgWithdrawCreditCodec,
  MsgWithdrawCreditResponse,
  Params,
} from "./proto.js";
import { requestData } from "./request.js";

/** Proto package of the module's messages. */
export const PACKAGE = "openledger.attribution.v1";

/** Every message type: name, generated class, signer field (amino name `openledger/<name>` unless given). */
export const ATTRIBUTION_MSGS = [
  msgSpec("MsgDepositCredit", MsgDepositCreditCodec, "requester"),
  msgSpec("MsgWithdrawCredit", MsgWithdrawCreditCodec, "requester"),
  msgSpec("MsgSettleInference", MsgSettleInferenceCodec, "operator"),
  msgSpec("MsgClaimRewards", MsgClaimRewardsCodec, "claimant"),
  msgSpec("MsgUpdateParams", MsgUpdateParamsCodec, "authority", "openledger/x/attribution/MsgUpdateParams"),
] as const;

/** `/openledger.attribution.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

const respond = responder(PACKAGE);

/** The attribution message definitions, bound to a keeper. */
export function attributionMsgDefs(keeper: AttributionKeeper): MsgDef<unknown>[] {
  const handlers: MsgHandlers<typeof ATTRIBUTION_MSGS> = {
    MsgDepositCredit: (ctx, m: MsgDepositCredit) => {
      keeper.depositCredit(ctx, m.requester, m.operator, positiveCoin(ctx, m.amount));
      return respond("MsgDepositCredit", MsgDepositCreditResponse, {});
    },
    MsgWithdrawCredit: (ctx, m: MsgWithdrawCredit) => {
      const h = keeper.withdrawCredit(ctx, m.requester, m.operator, positiveCoin(ctx, m.amount));
      return respond("MsgWithdrawCredit", MsgWithdrawCreditResponse, {
        unlockHeight: Number(h),
      });
    },
    MsgSettleInference: (ctx, m: MsgSettleInference) => {
      const { record } = keeper.settle(ctx, {
        operator: m.operator,
        request: requestData(m.request ?? {}),
        signature: m.signature ?? new Uint8Array(),
        pubKey: m.pubkey ?? new Uint8Array(),
        inputTokens: big(m.inputTokens),
        output: m.output ?? "",
      });
      return respond("MsgSettleInference", MsgSettleInferenceResponse, {
        id: record.id,
        fee: record.fee,
      });
    },
    MsgClaimRewards: (ctx, m: MsgClaimRewards) => {
      const amount = keeper.claim(ctx, m.claimant);
      return respond("MsgClaimRewards", MsgClaimRewardsResponse, {
        amount: { denom: ctx.chain.bondDenom, amount: amount.toString() },
      });
    },
    MsgUpdateParams: (ctx, m: MsgUpdateParams) => {
      checkGovAuthority(ctx, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(attributionEvent(EventType.ParamsUpdated, [["authority", m.authority]]));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {});
    },
  };
  return tableMsgDefs({
    pkg: PACKAGE,
    module: MODULE_NAME,
    specs: ATTRIBUTION_MSGS,
    handlers,
    parseSigner: parseAddress,
  });
}
