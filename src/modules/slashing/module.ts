/** The slashing module: MsgUnjail, queries, genesis, begin-block liveness and evidence handling. */
import {
  QueryParamsResponse,
  QuerySigningInfoRequest,
  QuerySigningInfoResponse,
  QuerySigningInfosRequest,
  QuerySigningInfosResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/query";
import {
  MsgUnjail,
  MsgUnjailResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { isObject } from "../../app/protoJson.js";
import { decodeRequest, invalidArgument, notFound } from "../../app/query.js";
import type { AppModule, Context, ModuleRegistrar, MsgDef } from "../../app/types.js";
import { decodeAddress } from "../../crypto/address.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { timeFromJson, timeToJson } from "../staking/genesis.js";
import { accAddr, GOV_MODULE, valAddr } from "../staking/msgServer.js";
import { pageArray } from "../staking/queryServer.js";
import type { SlashingKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import {
  defaultSlashingParams,
  fromProtoParams,
  slashingParamsFromJson,
  slashingParamsToJson,
  toProtoParams,
  validateSlashingParams,
} from "./params.js";

const EMPTY = new Uint8Array();
const SERVICE = "/cosmos.slashing.v1beta1.Query";

/** The slashing message definitions. */
export function slashingMsgDefs(keeper: SlashingKeeper): MsgDef<unknown>[] {
  const unjail: MsgDef<MsgUnjail> = {
    typeUrl: MsgUnjail.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUnjail.decode(b),
    encode: (m) => MsgUnjail.encode(m).finish(),
    signers: (m, chain) => [valAddr(m.validatorAddr, chain)],
    amino: { aminoType: "cosmos-sdk/MsgUnjail", toAmino: (m) => ({ address: m.validatorAddr }) },
    handle(ctx, m) {
      keeper.unjail(ctx, valAddr(m.validatorAddr, ctx.chain));
      return { typeUrl: MsgUnjailResponse.typeUrl, value: EMPTY };
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: MsgUpdateParams.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgUpdateParams.decode(b),
    encode: (m) => MsgUpdateParams.encode(m).finish(),
    signers: (m, chain) => [accAddr("authority", m.authority, chain)],
    amino: {
      aminoType: "cosmos-sdk/x/slashing/MsgUpdateParams",
      toAmino: (m) => ({ authority: m.authority, params: slashingParamsToJson(fromProtoParams(m.params)) }),
    },
    handle(ctx, m) {
      const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
      if (m.authority !== gov)
        throw new CodedError(
          "gov",
          13,
          `invalid authority; expected ${gov}, got ${m.authority}: expected gov account as only signer for proposal message`,
        );
      let p: ReturnType<typeof fromProtoParams>;
      try {
        p = fromProtoParams(m.params);
      } catch {
        throw new CodedError(SDK, SdkCode.InvalidRequest, "invalid params: invalid request");
      }
      validateSlashingParams(p);
      keeper.setParams(ctx, p);
      return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: EMPTY };
    },
  };
  return [unjail, updateParams] as MsgDef<unknown>[];
}

/** Register the slashing queries. */
export function registerSlashingQueries(r: ModuleRegistrar, keeper: SlashingKeeper): void {
  r.registerQuery(`${SERVICE}/Params`, (ctx) =>
    QueryParamsResponse.encode({ params: toProtoParams(keeper.getParams(ctx)) }).finish(),
  );
  r.registerQuery(`${SERVICE}/SigningInfo`, (ctx, data) => {
    const req = decodeRequest(QuerySigningInfoRequest.decode, data);
    if (req.consAddress === "") throw invalidArgument("invalid request");
    let cons: Uint8Array;
    try {
      cons = decodeAddress(req.consAddress, ctx.chain.valconsPrefix);
    } catch (e) {
      throw invalidArgument((e as Error).message);
    }
    const info = keeper.getSigningInfo(ctx, cons);
    if (!info) throw notFound(`SigningInfo not found for validator ${req.consAddress}`);
    return QuerySigningInfoResponse.encode({ valSigningInfo: info }).finish();
  });
  r.registerQuery(`${SERVICE}/SigningInfos`, (ctx, data) => {
    const req = decodeRequest(QuerySigningInfosRequest.decode, data);
    const p = pageArray(keeper.allSigningInfos(ctx), req.pagination);
    return QuerySigningInfosResponse.encode({ info: p.items, pagination: p.pagination }).finish();
  });
}

/** slashing as an AppModule. */
export class SlashingModule implements AppModule {
  /** `slashing`. */
  readonly name = MODULE_NAME;

  /** Wrap the keeper. */
  constructor(readonly keeper: SlashingKeeper) {}

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    for (const d of slashingMsgDefs(this.keeper)) r.registerMsg(d);
    registerSlashingQueries(r, this.keeper);
  }

  /** Default params. */
  defaultGenesis(): unknown {
    return { params: slashingParamsToJson(defaultSlashingParams()), signing_infos: [], missed_blocks: [] };
  }

  /** Validate genesis JSON. */
  validateGenesis(json: unknown): void {
    if (!isObject(json))
      throw new CodedError(SDK, SdkCode.JSONUnmarshal, "invalid slashing genesis: must be an object");
    slashingParamsFromJson(json["params"]);
  }

  /** Import params, signing infos and missed blocks. */
  initGenesis(ctx: Context, json: unknown): undefined {
    this.validateGenesis(json);
    const j = json as Record<string, unknown>;
    this.keeper.setParams(ctx, slashingParamsFromJson(j["params"]));
    for (const x of Array.isArray(j["signing_infos"]) ? j["signing_infos"] : []) {
      if (!isObject(x) || !isObject(x["validator_signing_info"])) continue;
      const i = x["validator_signing_info"];
      const cons = decodeAddress(String(x["address"]), ctx.chain.valconsPrefix);
      this.keeper.setSigningInfo(ctx, cons, {
        address: String(x["address"]),
        startHeight: BigInt(String(i["start_height"] ?? "0")),
        indexOffset: BigInt(String(i["index_offset"] ?? "0")),
        jailedUntil: timeFromJson(i["jailed_until"]),
        tombstoned: i["tombstoned"] === true,
        missedBlocksCounter: BigInt(String(i["missed_blocks_counter"] ?? "0")),
      });
    }
    for (const x of Array.isArray(j["missed_blocks"]) ? j["missed_blocks"] : []) {
      if (!isObject(x)) continue;
      const cons = decodeAddress(String(x["address"]), ctx.chain.valconsPrefix);
      for (const mb of Array.isArray(x["missed_blocks"]) ? x["missed_blocks"] : []) {
        if (isObject(mb) && mb["missed"] === true)
          this.keeper.setMissed(ctx, cons, BigInt(String(mb["index"])), true);
      }
    }
    return undefined;
  }

  /** Export. */
  exportGenesis(ctx: Context): unknown {
    const infos = this.keeper.allSigningInfos(ctx);
    return {
      params: slashingParamsToJson(this.keeper.getParams(ctx)),
      signing_infos: infos.map((i) => ({
        address: i.address,
        validator_signing_info: {
          address: i.address,
          start_height: i.startHeight.toString(),
          index_offset: i.indexOffset.toString(),
          jailed_until: timeToJson(i.jailedUntil),
          tombstoned: i.tombstoned,
          missed_blocks_counter: i.missedBlocksCounter.toString(),
        },
      })),
      missed_blocks: infos.map((i) => ({
        address: i.address,
        missed_blocks: this.keeper
          .missedIndexes(ctx, decodeAddress(i.address, ctx.chain.valconsPrefix))
          .map((index) => ({ index: index.toString(), missed: true })),
      })),
    };
  }

  /** Evidence, then liveness. */
  beginBlock(ctx: Context): void {
    this.keeper.beginBlock(ctx);
  }
}
