/** distribution's `cosmos.distribution.v1beta1.Msg` service, plus the OpenLedger reward-stream message. */
import {
  MsgCommunityPoolSpend,
  MsgCommunityPoolSpendResponse,
  MsgFundCommunityPool,
  MsgFundCommunityPoolResponse,
  MsgSetWithdrawAddress,
  MsgSetWithdrawAddressResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgWithdrawDelegatorReward,
  MsgWithdrawDelegatorRewardResponse,
  MsgWithdrawValidatorCommission,
  MsgWithdrawValidatorCommissionResponse,
} from "cosmjs-types/cosmos/distribution/v1beta1/tx";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { type BigCoin, parseValidCoins, toProtoCoins } from "../../app/coins.js";
import { makeEvent } from "../../app/events.js";
import type { Context, MsgDef } from "../../app/types.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { accAddr, GOV_MODULE, valAddr } from "../staking/msgServer.js";
import { DistrErr, distrError } from "./errors.js";
import type { DistributionKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { validateDistrParams } from "./params.js";
import { MsgUpdateRewardStream } from "./rewardStream.js";

const EMPTY = new Uint8Array();

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
  if (authority !== gov)
    throw new CodedError(
      "gov",
      13,
      `invalid authority; expected ${gov}, got ${authority}: expected gov account as only signer for proposal message`,
    );
}

function positiveCoins(list: MsgFundCommunityPool["amount"]): BigCoin[] {
  let c: BigCoin[];
  try {
    c = parseValidCoins(list);
  } catch (e) {
    throw new CodedError(SDK, SdkCode.InvalidCoins, `${(e as Error).message}`);
  }
  if (c.length === 0)
    throw new CodedError(SDK, SdkCode.InvalidCoins, "must provide positive amount: invalid coins");
  return c;
}

/** The distribution message definitions, bound to a keeper. */
export function distrMsgDefs(keeper: DistributionKeeper): MsgDef<unknown>[] {
  const setWithdraw: MsgDef<MsgSetWithdrawAddress> = {
    typeUrl: MsgSetWithdrawAddress.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgSetWithdrawAddress.decode(b),
    encode: (m) => MsgSetWithdrawAddress.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: {
      aminoType: "cosmos-sdk/MsgModifyWithdrawAddress",
      toAmino: (m) => ({ delegator_address: m.delegatorAddress, withdraw_address: m.withdrawAddress }),
    },
    handle(ctx, m) {
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const to = accAddr("withdraw", m.withdrawAddress, ctx.chain);
      if (!keeper.getParams(ctx).withdrawAddrEnabled) throw distrError(DistrErr.SetWithdrawAddrDisabled);
      if (keeper.bank.isBlocked(to))
        throw new CodedError(
          SDK,
          SdkCode.Unauthorized,
          `${m.withdrawAddress} is not allowed to receive external funds: unauthorized`,
        );
      keeper.setWithdrawAddr(ctx, del, to);
      ctx.events.emit(makeEvent("set_withdraw_address", [["withdraw_address", m.withdrawAddress]]));
      return { typeUrl: MsgSetWithdrawAddressResponse.typeUrl, value: EMPTY };
    },
  };
  const withdrawReward: MsgDef<MsgWithdrawDelegatorReward> = {
    typeUrl: MsgWithdrawDelegatorReward.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgWithdrawDelegatorReward.decode(b),
    encode: (m) => MsgWithdrawDelegatorReward.encode(m).finish(),
    signers: (m, chain) => [accAddr("delegator", m.delegatorAddress, chain)],
    amino: {
      aminoType: "cosmos-sdk/MsgWithdrawDelegationReward",
      toAmino: (m) => ({ delegator_address: m.delegatorAddress, validator_address: m.validatorAddress }),
    },
    handle(ctx, m) {
      const del = accAddr("delegator", m.delegatorAddress, ctx.chain);
      const val = valAddr(m.validatorAddress, ctx.chain);
      if (!keeper.staking.getValidator(ctx, val))
        throw distrError(DistrErr.NoValidatorExists, m.validatorAddress);
      if (!keeper.staking.getDelegation(ctx, del, val)) throw distrError(DistrErr.EmptyDelegationDistInfo);
      const coins = keeper.withdrawDelegatorReward(ctx, val, del);
      return {
        typeUrl: MsgWithdrawDelegatorRewardResponse.typeUrl,
        value: MsgWithdrawDelegatorRewardResponse.encode({ amount: toProtoCoins(coins) }).finish(),
      };
    },
  };
  const withdrawCommission: MsgDef<MsgWithdrawValidatorCommission> = {
    typeUrl: MsgWithdrawValidatorCommission.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgWithdrawValidatorCommission.decode(b),
    encode: (m) => MsgWithdrawValidatorCommission.encode(m).finish(),
    signers: (m, chain) => [valAddr(m.validatorAddress, chain)],
    amino: {
      aminoType: "cosmos-sdk/MsgWithdrawValidatorCommission",
      toAmino: (m) => ({ validator_address: m.validatorAddress }),
    },
    handle(ctx, m) {
      const val = valAddr(m.validatorAddress, ctx.chain);
      const coins = keeper.withdrawValidatorCommission(ctx, val);
      return {
        typeUrl: MsgWithdrawValidatorCommissionResponse.typeUrl,
        value: MsgWithdrawValidatorCommissionResponse.encode({ amount: toProtoCoins(coins) }).finish(),
      };
    },
  };
  const fund: MsgDef<MsgFundCommunityPool> = {
    typeUrl: MsgFundCommunityPool.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgFundCommunityPool.decode(b),
    encode: (m) => MsgFundCommunityPool.encode(m).finish(),
    signers: (m, chain) => [accAddr("depositor", m.depositor, chain)],
    amino: {
      aminoType: "cosmos-sdk/MsgFundCommunityPool",
      toAmino: (m) => ({
        amount: m.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
        depositor: m.depositor,
      }),
    },
    handle(ctx, m) {
      const from = accAddr("depositor", m.depositor, ctx.chain);
      keeper.fundCommunityPool(ctx, from, positiveCoins(m.amount));
      return { typeUrl: MsgFundCommunityPoolResponse.typeUrl, value: EMPTY };
    },
  };
  const spend: MsgDef<MsgCommunityPoolSpend> = {
    typeUrl: MsgCommunityPoolSpend.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgCommunityPoolSpend.decode(b),
    encode: (m) => MsgCommunityPoolSpend.encode(m).finish(),
    signers: (m, chain) => [accAddr("authority", m.authority, chain)],
    amino: {
      aminoType: "cosmos-sdk/distr/MsgCommunityPoolSpend",
      toAmino: (m) => ({
        authority: m.authority,
        recipient: m.recipient,
        amount: m.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
      }),
    },
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      const to = accAddr("recipient", m.recipient, ctx.chain);
      const coins = positiveCoins(m.amount);
      if (keeper.bank.isBlocked(to))
        throw new CodedError(
          SDK,
          SdkCode.Unauthorized,
          `${m.recipient} is not allowed to receive external funds: unauthorized`,
        );
      keeper.distributeFromCommunityPool(ctx, to, coins);
      return { typeUrl: MsgCommunityPoolSpendResponse.typeUrl, value: EMPTY };
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: MsgUpdateParams.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUpdateParams.decode(b),
    encode: (m) => MsgUpdateParams.encode(m).finish(),
    signers: (m, chain) => [accAddr("authority", m.authority, chain)],
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      validateDistrParams(m.params);
      keeper.setParams(ctx, m.params);
      return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: EMPTY };
    },
  };
  const updateStream: MsgDef<MsgUpdateRewardStream> = {
    typeUrl: MsgUpdateRewardStream.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUpdateRewardStream.decode(b),
    encode: (m) => MsgUpdateRewardStream.encode(m),
    signers: (m, chain) => [accAddr("authority", m.authority, chain)],
    amino: {
      aminoType: "openledger/MsgUpdateRewardStream",
      toAmino: (m) => ({ authority: m.authority, amount_per_block: m.amountPerBlock }),
    },
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      if (!/^[0-9]{1,78}$/.test(m.amountPerBlock))
        throw new CodedError(
          SDK,
          SdkCode.InvalidRequest,
          "amount_per_block must be a non-negative integer: invalid request",
        );
      keeper.setRewardPerBlock(ctx, BigInt(m.amountPerBlock));
      return { typeUrl: "/openledger.distribution.v1.MsgUpdateRewardStreamResponse", value: EMPTY };
    },
  };
  return [
    setWithdraw,
    withdrawReward,
    withdrawCommission,
    fund,
    spend,
    updateParams,
    updateStream,
  ] as MsgDef<unknown>[];
}
