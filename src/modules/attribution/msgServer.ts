/** attribution's `openledger.attribution.v1.Msg` service: signer checks, then the keeper. */
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import type { AnyMsg, ChainConfig, Context, MsgDef } from "../../app/types.js";
import { invalidAuthority } from "../bank/errors.js";
import { GOV_MODULE } from "../bank/msgServer.js";
import { aminoConverter, type PbjsCodec } from "../datanets/amino.js";
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

interface MsgCodec<M> extends PbjsCodec<M> {
  decode(b: Uint8Array): M;
  encode(m: M): { finish(): Uint8Array };
}

/** Every message type: name, generated class, signer field, amino name. */
export const ATTRIBUTION_MSGS = [
  {
    name: "MsgDepositCredit",
    codec: MsgDepositCreditCodec,
    signer: "requester",
    amino: "openledger/MsgDepositCredit",
  },
  {
    name: "MsgWithdrawCredit",
    codec: MsgWithdrawCreditCodec,
    signer: "requester",
    amino: "openledger/MsgWithdrawCredit",
  },
  {
    name: "MsgSettleInference",
    codec: MsgSettleInferenceCodec,
    signer: "operator",
    amino: "openledger/MsgSettleInference",
  },
  {
    name: "MsgClaimRewards",
    codec: MsgClaimRewardsCodec,
    signer: "claimant",
    amino: "openledger/MsgClaimRewards",
  },
  {
    name: "MsgUpdateParams",
    codec: MsgUpdateParamsCodec,
    signer: "authority",
    amino: "openledger/x/attribution/MsgUpdateParams",
  },
] as const;

/** `/openledger.attribution.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

function respond<R>(name: string, codec: { encode(m: R): { finish(): Uint8Array } }, value: R): AnyMsg {
  return { typeUrl: typeUrlOf(`${name}Response`), value: codec.encode(value).finish() };
}

/** The attribution message definitions, bound to a keeper. */
export function attributionMsgDefs(keeper: AttributionKeeper): MsgDef<unknown>[] {
  const handlers: Record<(typeof ATTRIBUTION_MSGS)[number]["name"], (ctx: Context, m: never) => AnyMsg> = {
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
      const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
      if (m.authority !== gov) throw invalidAuthority(gov, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(attributionEvent(EventType.ParamsUpdated, [["authority", m.authority]]));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {});
    },
  };
  return ATTRIBUTION_MSGS.map((spec) => {
    const codec = spec.codec as unknown as MsgCodec<Record<string, unknown>>;
    const handle = handlers[spec.name] as (ctx: Context, m: Record<string, unknown>) => AnyMsg;
    const def: MsgDef<Record<string, unknown>> = {
      typeUrl: typeUrlOf(spec.name),
      module: MODULE_NAME,
      decode: (b) => codec.decode(b),
      encode: (m) => codec.encode(m).finish(),
      signers: (m, chain: ChainConfig) => [
        parseAddress(
          { chain },
          spec.signer,
          typeof m[spec.signer] === "string" ? (m[spec.signer] as string) : "",
        ),
      ],
      amino: aminoConverter(spec.amino, codec),
      handle,
    };
    return def as MsgDef<unknown>;
  });
}
