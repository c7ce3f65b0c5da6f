/** bank's amino JSON converters (SDK / CosmJS `aminomessages.ts` shapes) for legacy amino signing. */
import type { MsgMultiSend, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import type { AminoConverter } from "../../app/types.js";

/** `cosmos-sdk/MsgSend {from_address, to_address, amount}`. */
export const sendAmino: AminoConverter<MsgSend> = {
  aminoType: "cosmos-sdk/MsgSend",
  toAmino: (m) => ({
    from_address: m.fromAddress,
    to_address: m.toAddress,
    amount: m.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
  }),
};

/** `cosmos-sdk/MsgMultiSend {inputs[{address, coins}], outputs[{address, coins}]}`. */
export const multiSendAmino: AminoConverter<MsgMultiSend> = {
  aminoType: "cosmos-sdk/MsgMultiSend",
  toAmino: (m) => ({
    inputs: m.inputs.map((i) => ({
      address: i.address,
      coins: i.coins.map((c) => ({ amount: c.amount, denom: c.denom })),
    })),
    outputs: m.outputs.map((o) => ({
      address: o.address,
      coins: o.coins.map((c) => ({ amount: c.amount, denom: c.denom })),
    })),
  }),
};
