/** staking's amino JSON converters (CosmJS `modules/staking/aminomessages.ts` shapes). */
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import type {
  MsgBeginRedelegate,
  MsgCancelUnbondingDelegation,
  MsgCreateValidator,
  MsgDelegate,
  MsgEditValidator,
  MsgUndelegate,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import type { AminoConverter } from "../../app/types.js";
import { toBase64 } from "../../types/bytes.js";
import { formatDecString } from "./dec.js";

const coin = (c: { denom: string; amount: string } | undefined) => c && { amount: c.amount, denom: c.denom };
const dec = (s: string) => formatDecString(BigInt(s || "0"));
const desc = (d: MsgCreateValidator["description"]) => ({
  moniker: d.moniker,
  identity: d.identity,
  website: d.website,
  security_contact: d.securityContact,
  details: d.details,
});

/** `cosmos-sdk/MsgCreateValidator`. */
export const createValidatorAmino: AminoConverter<MsgCreateValidator> = {
  aminoType: "cosmos-sdk/MsgCreateValidator",
  toAmino: (m) => ({
    description: desc(m.description),
    commission: {
      rate: dec(m.commission.rate),
      max_rate: dec(m.commission.maxRate),
      max_change_rate: dec(m.commission.maxChangeRate),
    },
    min_self_delegation: m.minSelfDelegation,
    delegator_address: m.delegatorAddress,
    validator_address: m.validatorAddress,
    pubkey: m.pubkey && {
      type: "tendermint/PubKeyEd25519",
      value: toBase64(Ed25519PubKey.decode(m.pubkey.value).key),
    },
    value: coin(m.value),
  }),
};

/** `cosmos-sdk/MsgEditValidator`. */
export const editValidatorAmino: AminoConverter<MsgEditValidator> = {
  aminoType: "cosmos-sdk/MsgEditValidator",
  toAmino: (m) => ({
    description: desc(m.description),
    commission_rate: m.commissionRate ? dec(m.commissionRate) : undefined,
    min_self_delegation: m.minSelfDelegation ? m.minSelfDelegation : undefined,
    validator_address: m.validatorAddress,
  }),
};

/** `cosmos-sdk/MsgDelegate`. */
export const delegateAmino: AminoConverter<MsgDelegate> = {
  aminoType: "cosmos-sdk/MsgDelegate",
  toAmino: (m) => ({
    delegator_address: m.delegatorAddress,
    validator_address: m.validatorAddress,
    amount: coin(m.amount),
  }),
};

/** `cosmos-sdk/MsgUndelegate`. */
export const undelegateAmino: AminoConverter<MsgUndelegate> = {
  aminoType: "cosmos-sdk/MsgUndelegate",
  toAmino: (m) => ({
    delegator_address: m.delegatorAddress,
    validator_address: m.validatorAddress,
    amount: coin(m.amount),
  }),
};

/** `cosmos-sdk/MsgBeginRedelegate`. */
export const redelegateAmino: AminoConverter<MsgBeginRedelegate> = {
  aminoType: "cosmos-sdk/MsgBeginRedelegate",
  toAmino: (m) => ({
    delegator_address: m.delegatorAddress,
    validator_src_address: m.validatorSrcAddress,
    validator_dst_address: m.validatorDstAddress,
    amount: coin(m.amount),
  }),
};

/** `cosmos-sdk/MsgCancelUnbondingDelegation`. */
export const cancelUnbondingAmino: AminoConverter<MsgCancelUnbondingDelegation> = {
  aminoType: "cosmos-sdk/MsgCancelUnbondingDelegation",
  toAmino: (m) => ({
    delegator_address: m.delegatorAddress,
    validator_address: m.validatorAddress,
    amount: coin(m.amount),
    creation_height: m.creationHeight.toString(),
  }),
};
