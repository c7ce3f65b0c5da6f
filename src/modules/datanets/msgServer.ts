/** datanets' `openledger.datanets.v1.Msg` service: signer checks, then the keeper. */
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import type { AnyMsg, ChainConfig, Context, MsgDef } from "../../app/types.js";
import { invalidAuthority } from "../bank/errors.js";
import { GOV_MODULE } from "../bank/msgServer.js";
import { aminoConverter, type PbjsCodec } from "./amino.js";
import { paramsUpdatedEvent } from "./events.js";
import { type DatanetMeta, type DatanetsKeeper, parseAddress } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import {
  big,
  MsgAddCurator,
  MsgAddCuratorResponse,
  MsgAddRows,
  MsgAddRowsResponse,
  MsgArchiveDatanet,
  MsgArchiveDatanetResponse,
  MsgContribute,
  MsgContributeResponse,
  MsgCreateDatanet,
  MsgCreateDatanetResponse,
  MsgDeleteRows,
  MsgDeleteRowsResponse,
  MsgPublishDatanet,
  MsgPublishDatanetResponse,
  MsgRemoveCurator,
  MsgRemoveCuratorResponse,
  MsgReviewContributions,
  MsgReviewContributionsResponse,
  MsgTransferOwnership,
  MsgTransferOwnershipResponse,
  MsgUpdateDatanet,
  MsgUpdateDatanetResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgWithdrawContribution,
  MsgWithdrawContributionResponse,
  num,
  Params,
} from "./proto.js";

/** Proto package of the module's messages. */
export const PACKAGE = "openledger.datanets.v1";

/** A generated message class as the router needs it. */
interface MsgCodec<M> extends PbjsCodec<M> {
  decode(b: Uint8Array): M;
  encode(m: M): { finish(): Uint8Array };
}

/** Every message type: name, generated class, signer field, amino name. */
export const DATANETS_MSGS = [
  {
    name: "MsgCreateDatanet",
    codec: MsgCreateDatanet,
    signer: "owner",
    amino: "openledger/MsgCreateDatanet",
  },
  {
    name: "MsgUpdateDatanet",
    codec: MsgUpdateDatanet,
    signer: "owner",
    amino: "openledger/MsgUpdateDatanet",
  },
  { name: "MsgAddRows", codec: MsgAddRows, signer: "owner", amino: "openledger/MsgAddRows" },
  { name: "MsgDeleteRows", codec: MsgDeleteRows, signer: "owner", amino: "openledger/MsgDeleteRows" },
  {
    name: "MsgPublishDatanet",
    codec: MsgPublishDatanet,
    signer: "owner",
    amino: "openledger/MsgPublishDatanet",
  },
  { name: "MsgContribute", codec: MsgContribute, signer: "contributor", amino: "openledger/MsgContribute" },
  {
    name: "MsgWithdrawContribution",
    codec: MsgWithdrawContribution,
    signer: "contributor",
    amino: "openledger/MsgWithdrawContribution",
  },
  {
    name: "MsgReviewContributions",
    codec: MsgReviewContributions,
    signer: "reviewer",
    amino: "openledger/MsgReviewContributions",
  },
  { name: "MsgAddCurator", codec: MsgAddCurator, signer: "owner", amino: "openledger/MsgAddCurator" },
  {
    name: "MsgRemoveCurator",
    codec: MsgRemoveCurator,
    signer: "owner",
    amino: "openledger/MsgRemoveCurator",
  },
  {
    name: "MsgTransferOwnership",
    codec: MsgTransferOwnership,
    signer: "owner",
    amino: "openledger/MsgTransferOwnership",
  },
  {
    name: "MsgArchiveDatanet",
    codec: MsgArchiveDatanet,
    signer: "owner",
    amino: "openledger/MsgArchiveDatanet",
  },
  {
    name: "MsgUpdateParams",
    codec: MsgUpdateParams,
    signer: "authority",
    amino: "openledger/x/datanets/MsgUpdateParams",
  },
] as const;

/** `/openledger.datanets.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

function respond<R>(name: string, codec: { encode(m: R): { finish(): Uint8Array } }, value: R): AnyMsg {
  return { typeUrl: typeUrlOf(`${name}Response`), value: codec.encode(value).finish() };
}

function meta(m: {
  name: string;
  summary: string;
  description: string;
  tags: string[];
  license: string;
  visibility: number;
  policy?: DatanetMeta["policy"];
}): DatanetMeta {
  return {
    name: m.name,
    summary: m.summary,
    description: m.description,
    tags: m.tags,
    license: m.license,
    visibility: m.visibility,
    policy: m.policy,
  };
}

/** The datanets message definitions, bound to a keeper. */
export function datanetsMsgDefs(keeper: DatanetsKeeper): MsgDef<unknown>[] {
  const handlers: Record<(typeof DATANETS_MSGS)[number]["name"], (ctx: Context, m: never) => AnyMsg> = {
    MsgCreateDatanet: (ctx, m: MsgCreateDatanet) =>
      respond("MsgCreateDatanet", MsgCreateDatanetResponse, {
        id: num(keeper.createDatanet(ctx, m.owner, meta(m))),
      } as MsgCreateDatanetResponse),
    MsgUpdateDatanet: (ctx, m: MsgUpdateDatanet) => {
      keeper.updateDatanet(ctx, m.owner, big(m.datanetId), meta(m));
      return respond("MsgUpdateDatanet", MsgUpdateDatanetResponse, {} as MsgUpdateDatanetResponse);
    },
    MsgAddRows: (ctx, m: MsgAddRows) =>
      respond("MsgAddRows", MsgAddRowsResponse, {
        rowIds: keeper.addRows(ctx, m.owner, big(m.datanetId), m.rows).map(num),
      } as MsgAddRowsResponse),
    MsgDeleteRows: (ctx, m: MsgDeleteRows) => {
      keeper.deleteRows(ctx, m.owner, big(m.datanetId), m.rowIds.map(big));
      return respond("MsgDeleteRows", MsgDeleteRowsResponse, {} as MsgDeleteRowsResponse);
    },
    MsgPublishDatanet: (ctx, m: MsgPublishDatanet) => {
      const { version, fee } = keeper.publish(ctx, m.owner, big(m.datanetId));
      const f = fee[0];
      return respond("MsgPublishDatanet", MsgPublishDatanetResponse, {
        version: version.number,
        root: version.root,
        fee: f ? { denom: f.denom, amount: f.amount.toString() } : null,
      } as MsgPublishDatanetResponse);
    },
    MsgContribute: (ctx, m: MsgContribute) => {
      const { rowIds, stake } = keeper.contribute(ctx, m.contributor, big(m.datanetId), m.rows);
      return respond("MsgContribute", MsgContributeResponse, {
        rowIds: rowIds.map(num),
        stake: { denom: stake.denom, amount: stake.amount.toString() },
      } as MsgContributeResponse);
    },
    MsgWithdrawContribution: (ctx, m: MsgWithdrawContribution) => {
      const c = keeper.withdraw(ctx, m.contributor, big(m.datanetId), m.rowIds.map(big));
      return respond("MsgWithdrawContribution", MsgWithdrawContributionResponse, {
        refunded: { denom: c.denom, amount: c.amount.toString() },
      } as MsgWithdrawContributionResponse);
    },
    MsgReviewContributions: (ctx, m: MsgReviewContributions) => {
      const r = keeper.review(
        ctx,
        m.reviewer,
        big(m.datanetId),
        m.accept.map(big),
        m.reject.map((x) => ({ rowId: big(x.rowId), reason: x.reason ?? "" })),
      );
      return respond("MsgReviewContributions", MsgReviewContributionsResponse, {
        version: num(r.version),
        root: r.root,
        slashed: { denom: r.slashed.denom, amount: r.slashed.amount.toString() },
      } as MsgReviewContributionsResponse);
    },
    MsgAddCurator: (ctx, m: MsgAddCurator) => {
      keeper.addCurator(ctx, m.owner, big(m.datanetId), m.curator);
      return respond("MsgAddCurator", MsgAddCuratorResponse, {} as MsgAddCuratorResponse);
    },
    MsgRemoveCurator: (ctx, m: MsgRemoveCurator) => {
      keeper.removeCurator(ctx, m.owner, big(m.datanetId), m.curator);
      return respond("MsgRemoveCurator", MsgRemoveCuratorResponse, {} as MsgRemoveCuratorResponse);
    },
    MsgTransferOwnership: (ctx, m: MsgTransferOwnership) => {
      keeper.transferOwnership(ctx, m.owner, big(m.datanetId), m.newOwner);
      return respond(
        "MsgTransferOwnership",
        MsgTransferOwnershipResponse,
        {} as MsgTransferOwnershipResponse,
      );
    },
    MsgArchiveDatanet: (ctx, m: MsgArchiveDatanet) => {
      keeper.archive(ctx, m.owner, big(m.datanetId));
      return respond("MsgArchiveDatanet", MsgArchiveDatanetResponse, {} as MsgArchiveDatanetResponse);
    },
    MsgUpdateParams: (ctx, m: MsgUpdateParams) => {
      checkAuthority(ctx, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(paramsUpdatedEvent(m.authority));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {} as MsgUpdateParamsResponse);
    },
  };
  return DATANETS_MSGS.map((spec) => {
    const codec = spec.codec as unknown as MsgCodec<Record<string, unknown>>;
    const handle = handlers[spec.name] as (ctx: Context, m: Record<string, unknown>) => AnyMsg;
    const def: MsgDef<Record<string, unknown>> = {
      typeUrl: typeUrlOf(spec.name),
      module: MODULE_NAME,
      decode: (b) => codec.decode(b),
      encode: (m) => codec.encode(m).finish(),
      signers: (m, chain: ChainConfig) => [signerOf(chain, spec.signer, m[spec.signer])],
      amino: aminoConverter(spec.amino, codec),
      handle,
    };
    return def as MsgDef<unknown>;
  });
}

function signerOf(chain: ChainConfig, field: string, value: unknown): Uint8Array {
  return parseAddress({ chain }, field, typeof value === "string" ? value : "");
}

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
  if (authority !== gov) throw invalidAuthority(gov, authority);
}
