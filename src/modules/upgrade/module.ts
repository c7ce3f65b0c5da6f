/** The upgrade module: MsgSoftwareUpgrade / MsgCancelUpgrade (gov authority), plan queries, the halt. */
import "../../types/cosmjsFix.js";
import {
  QueryAppliedPlanRequest,
  QueryAppliedPlanResponse,
  QueryCurrentPlanResponse,
  QueryModuleVersionsRequest,
  QueryModuleVersionsResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import {
  MsgCancelUpgrade,
  MsgCancelUpgradeResponse,
  MsgSoftwareUpgrade,
  MsgSoftwareUpgradeResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import { parseAccAddress, protoMsgDef } from "../../app/moduleKit.js";
import { decodeRequest } from "../../app/query.js";
import type { AppModule, ChainConfig, Context, ModuleRegistrar } from "../../app/types.js";
import { CodedError } from "../../types/errors.js";
import { MODULE_NAME, type UpgradeKeeper } from "./keeper.js";

const EMPTY = new Uint8Array();
const SERVICE = "/cosmos.upgrade.v1beta1.Query";

function addr(s: string, chain: ChainConfig): Uint8Array {
  return parseAccAddress({ chain }, "authority", s);
}

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf("gov"));
  if (authority !== gov)
    throw new CodedError(
      "gov",
      13,
      `expected ${gov}, got ${authority}: expected gov account as only signer for proposal message`,
    );
}

/** The upgrade AppModule. */
export class UpgradeModule implements AppModule {
  /** `upgrade`. */
  readonly name = MODULE_NAME;

  /** Wrap a keeper; `moduleNames` lists the app's modules for ModuleVersions. */
  constructor(
    readonly keeper: UpgradeKeeper,
    private readonly moduleNames: () => string[] = () => [],
  ) {}

  /** Register messages and queries. */
  register(r: ModuleRegistrar): void {
    const k = this.keeper;
    const software = protoMsgDef(MsgSoftwareUpgrade, MODULE_NAME, {
      signers: (m, chain) => [addr(m.authority, chain)],
      handle(ctx, m) {
        checkAuthority(ctx, m.authority);
        k.schedulePlan(ctx, m.plan);
        return { typeUrl: MsgSoftwareUpgradeResponse.typeUrl, value: EMPTY };
      },
    });
    const cancel = protoMsgDef(MsgCancelUpgrade, MODULE_NAME, {
      signers: (m, chain) => [addr(m.authority, chain)],
      handle(ctx, m) {
        checkAuthority(ctx, m.authority);
        k.clearPlan(ctx);
        return { typeUrl: MsgCancelUpgradeResponse.typeUrl, value: EMPTY };
      },
    });
    r.registerMsg(software);
    r.registerMsg(cancel);
    r.registerQuery(`${SERVICE}/CurrentPlan`, (ctx) => {
      const plan = k.getPlan(ctx);
      return QueryCurrentPlanResponse.encode(plan ? { plan } : {}).finish();
    });
    r.registerQuery(`${SERVICE}/AppliedPlan`, (ctx, data) => {
      const req = decodeRequest(QueryAppliedPlanRequest.decode, data);
      return QueryAppliedPlanResponse.encode({ height: k.appliedHeight(ctx, req.name) ?? 0n }).finish();
    });
    r.registerQuery(`${SERVICE}/ModuleVersions`, (_ctx, data) => {
      const req = decodeRequest(QueryModuleVersionsRequest.decode, data);
      const all = this.moduleNames().map((name) => ({ name, version: 1n }));
      const out = req.moduleName === "" ? all : all.filter((m) => m.name === req.moduleName);
      return QueryModuleVersionsResponse.encode({ moduleVersions: out }).finish();
    });
  }

  /** Empty genesis. */
  defaultGenesis(): unknown {
    return {};
  }

  /** Halt at a plan's height unless this binary knows it. */
  beginBlock(ctx: Context): void {
    this.keeper.beginBlock(ctx);
  }
}
