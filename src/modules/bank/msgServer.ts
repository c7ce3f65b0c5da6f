/** bank's `cosmos.bank.v1beta1.Msg` service: thin checks, then the keeper. */
import {
  MsgMultiSend,
  MsgMultiSendResponse,
  MsgSend,
  MsgSendResponse,
  MsgSetSendEnabled,
  MsgSetSendEnabledResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { bech32Of, decodeAddressOf, moduleAddressOf } from "../../app/addressCache.js";
import { addCoins, type BigCoin, coinsToString, parseValidCoins } from "../../app/coins.js";
import { FastReader, readCoin, readFields } from "../../app/protoReader.js";
import type { ChainConfig, Context, MsgDef } from "../../app/types.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { multiSendAmino, sendAmino } from "./amino.js";
import { BankCode, bankError, blockedAddress, invalidAddress, invalidAuthority } from "./errors.js";
import type { BankKeeper, IoLeg } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { validateBankParams, validateSendEnabledDenom } from "./params.js";

const EMPTY = new Uint8Array();

/** Name of the gov module, whose account is every params authority. */
export const GOV_MODULE = "gov";

function addr(field: string, s: string, chain: ChainConfig): Uint8Array {
  try {
    return decodeAddressOf(s, chain.bech32Prefix);
  } catch (e) {
    throw invalidAddress(field, e);
  }
}

function coins(list: MsgSend["amount"]): BigCoin[] {
  try {
    const c = parseValidCoins(list);
    if (c.length === 0) throw new CodedError(SDK, SdkCode.InvalidCoins, "must send positive amount");
    return c;
  } catch (e) {
    if (e instanceof CodedError && e.codespace === SDK && e.code === SdkCode.InvalidCoins) {
      throw new CodedError(
        SDK,
        SdkCode.InvalidCoins,
        `${e.message.replace(/: invalid coins$/, "")}: invalid coins`,
      );
    }
    throw e;
  }
}

function sameCoins(a: readonly BigCoin[], b: readonly BigCoin[]): boolean {
  return a.length === b.length && a.every((c, i) => c.denom === b[i]!.denom && c.amount === b[i]!.amount);
}

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
  if (authority !== gov) throw invalidAuthority(gov, authority);
}

/**
 * `MsgSend{from_address = 1, to_address = 2, repeated amount = 3}` in the usual layout, as cosmjs-types
 * decodes it; `undefined` for anything else (then cosmjs-types decodes).
 */
export function decodeMsgSendFast(bytes: Uint8Array): MsgSend | undefined {
  const r = new FastReader(bytes);
  const out: MsgSend = { fromAddress: "", toAddress: "", amount: [] };
  readFields(r, [3], (t) => {
    if (t === 0x0a) out.fromAddress = r.string();
    else if (t === 0x12) out.toAddress = r.string();
    else if (t === 0x1a) {
      const s = r.sub();
      out.amount.push(readCoin(s));
      r.join(s);
    } else r.ok = false;
  });
  if (!r.ok) return undefined;
  // An exact-size copy: an array grown by `push` keeps room for 17 entries while the tx is pending.
  out.amount = out.amount.slice();
  return out;
}

/** The bank message definitions, bound to a keeper. */
export function bankMsgDefs(keeper: BankKeeper): MsgDef<unknown>[] {
  const send: MsgDef<MsgSend> = {
    typeUrl: MsgSend.typeUrl,
    module: MODULE_NAME,
    decode: (b) => decodeMsgSendFast(b) ?? MsgSend.decode(b),
    encode: (m) => MsgSend.encode(m).finish(),
    signers: (m, chain) => [addr("from", m.fromAddress, chain)],
    amino: sendAmino,
    handle(ctx, m) {
      const from = addr("from", m.fromAddress, ctx.chain);
      const to = addr("to", m.toAddress, ctx.chain);
      const amount = coins(m.amount);
      keeper.checkSendEnabled(ctx, amount);
      if (keeper.isBlocked(to)) throw blockedAddress(m.toAddress);
      keeper.sendCoins(ctx, from, to, amount);
      return { typeUrl: MsgSendResponse.typeUrl, value: EMPTY };
    },
  };
  const multiSend: MsgDef<MsgMultiSend> = {
    typeUrl: MsgMultiSend.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgMultiSend.decode(b),
    encode: (m) => MsgMultiSend.encode(m).finish(),
    signers: (m, chain) => m.inputs.slice(0, 1).map((i) => addr("input", i.address, chain)),
    amino: multiSendAmino,
    handle(ctx, m) {
      if (m.inputs.length === 0) throw bankError(BankCode.NoInputs, "no inputs to send transaction");
      if (m.inputs.length > 1) throw bankError(BankCode.MultipleSenders, "multiple senders not allowed");
      if (m.outputs.length === 0) throw bankError(BankCode.NoOutputs, "no outputs to send transaction");
      const input: IoLeg = {
        address: addr("input", m.inputs[0]!.address, ctx.chain),
        coins: coins(m.inputs[0]!.coins),
      };
      const outputs: IoLeg[] = m.outputs.map((o) => ({
        address: addr("output", o.address, ctx.chain),
        coins: coins(o.coins),
      }));
      let total: BigCoin[] = [];
      for (const o of outputs) total = addCoins(total, o.coins);
      if (!sameCoins(total, input.coins)) {
        throw bankError(
          BankCode.InputOutputMismatch,
          `sum inputs ${coinsToString(input.coins)} != sum outputs ${coinsToString(total)}: sum inputs != sum outputs`,
        );
      }
      keeper.checkSendEnabled(ctx, input.coins);
      for (const o of outputs)
        if (keeper.isBlocked(o.address)) throw blockedAddress(bech32Of(ctx.chain.bech32Prefix, o.address));
      keeper.inputOutputCoins(ctx, input, outputs);
      return { typeUrl: MsgMultiSendResponse.typeUrl, value: EMPTY };
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: MsgUpdateParams.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUpdateParams.decode(b),
    encode: (m) => MsgUpdateParams.encode(m).finish(),
    signers: (m, chain) => [addr("authority", m.authority, chain)],
    amino: {
      aminoType: "cosmos-sdk/x/bank/MsgUpdateParams",
      toAmino: (m) => ({
        authority: m.authority,
        params: {
          default_send_enabled: m.params.defaultSendEnabled || undefined,
          send_enabled: m.params.sendEnabled,
        },
      }),
    },
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      validateBankParams(m.params);
      keeper.setParams(ctx, m.params);
      return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: EMPTY };
    },
  };
  const setSendEnabled: MsgDef<MsgSetSendEnabled> = {
    typeUrl: MsgSetSendEnabled.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgSetSendEnabled.decode(b),
    encode: (m) => MsgSetSendEnabled.encode(m).finish(),
    signers: (m, chain) => [addr("authority", m.authority, chain)],
    handle(ctx, m) {
      checkAuthority(ctx, m.authority);
      const seen = new Set<string>();
      for (const se of m.sendEnabled) {
        validateSendEnabledDenom(se.denom);
        if (seen.has(se.denom))
          throw bankError(
            BankCode.DuplicateEntry,
            `duplicate denom entries found for "${se.denom}": duplicate entry`,
          );
        seen.add(se.denom);
      }
      for (const d of m.useDefaultFor) {
        validateSendEnabledDenom(d);
        if (seen.has(d))
          throw bankError(
            BankCode.DuplicateEntry,
            `denom "${d}" found in both send_enabled and use_default_for: duplicate entry`,
          );
      }
      for (const se of m.sendEnabled) keeper.setSendEnabled(ctx, se.denom, se.enabled);
      for (const d of m.useDefaultFor) keeper.setSendEnabled(ctx, d, undefined);
      return { typeUrl: MsgSetSendEnabledResponse.typeUrl, value: EMPTY };
    },
  };
  return [send, multiSend, updateParams, setSendEnabled] as MsgDef<unknown>[];
}
