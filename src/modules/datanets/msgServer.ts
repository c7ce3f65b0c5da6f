/** datanets' `openledger.datanets.v1.Msg` service: signer checks, then the keeper. */
import { msgSpec } from "../../app/aminoKit.js";
import { checkGovAuthority, type MsgHandlers, responder, tableMsgDefs } from "../../app/moduleKit.js";
import type { MsgDef } from "../../app/types.js";
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

/** Every message type: name, generated class, signer field (amino name `openledger/<name>` unless given). */
export const DATANETS_MSGS = [
  msgSpec("MsgCreateDatanet", MsgCreateDatanet, "owner"),
  msgSpec("MsgUpdateDatanet", MsgUpdateDatanet, "owner"),
  msgSpec("MsgAddRows", MsgAddRows, "owner"),
  msgSpec("MsgDeleteRows", MsgDeleteRows, "owner"),
  msgSpec("MsgPublishDatanet", MsgPublishDatanet, "owner"),
  msgSpec("MsgContribute", MsgContribute, "contributor"),
  msgSpec("MsgWithdrawContribution", MsgWithdrawContribution, "contributor"),
  msgSpec("MsgReviewContributions", MsgReviewContributions, "reviewer"),
  msgSpec("MsgAddCurator", MsgAddCurator, "owner"),
  msgSpec("MsgRemoveCurator", MsgRemoveCurator, "owner"),
  msgSpec("MsgTransferOwnership", MsgTransferOwnership, "owner"),
  msgSpec("MsgArchiveDatanet", MsgArchiveDatanet, "owner"),
  msgSpec("MsgUpdateParams", MsgUpdateParams, "authority", "openledger/x/datanets/MsgUpdateParams"),
] as const;

/** `/openledger.datanets.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

const respond = responder(PACKAGE);

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
  const handlers: MsgHandlers<typeof DATANETS_MSGS> = {
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
      checkGovAuthority(ctx, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(paramsUpdatedEvent(m.authority));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {} as MsgUpdateParamsResponse);
    },
  };
  return tableMsgDefs({
    pkg: PACKAGE,
    module: MODULE_NAME,
    specs: DATANETS_MSGS,
    handlers,
    parseSigner: parseAddress,
  });
}
