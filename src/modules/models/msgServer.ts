/** models' `openledger.models.v1.Msg` service: signer checks, then the keeper. */

import { msgSpec } from "../../app/aminoKit.js";
import type { BigCoin } from "../../app/coins.js";
import { checkGovAuthority, type MsgHandlers, responder, tableMsgDefs } from "../../app/moduleKit.js";
import type { MsgDef } from "../../app/types.js";
import { ModelsCode, modelsError } from "./errors.js";
import { EventType, modelsEvent } from "./events.js";
import { type ModelsKeeper, parseAddress } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import {
  big,
  ModelStatus,
  MsgCancelTrainingJob,
  MsgCancelTrainingJobResponse,
  MsgClaimTrainingJob,
  MsgClaimTrainingJobResponse,
  MsgCompleteTrainingJob,
  MsgCompleteTrainingJobResponse,
  MsgRegisterModel,
  MsgRegisterModelResponse,
  MsgRegisterOperator,
  MsgRegisterOperatorResponse,
  MsgRequestTraining,
  MsgRequestTrainingResponse,
  MsgServeModels,
  MsgServeModelsResponse,
  MsgUnbondOperator,
  MsgUnbondOperatorResponse,
  MsgUpdateModel,
  MsgUpdateModelResponse,
  MsgUpdateOperator,
  MsgUpdateOperatorResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  num,
  Params,
} from "./proto.js";

/** Proto package of the module's messages. */
export const PACKAGE = "openledger.models.v1";

/** Every message type: name, generated class, signer field (amino name `openledger/<name>` unless given). */
export const MODELS_MSGS = [
  msgSpec("MsgRegisterModel", MsgRegisterModel, "owner"),
  msgSpec("MsgUpdateModel", MsgUpdateModel, "owner"),
  msgSpec("MsgRequestTraining", MsgRequestTraining, "requester"),
  msgSpec("MsgClaimTrainingJob", MsgClaimTrainingJob, "trainer"),
  msgSpec("MsgCompleteTrainingJob", MsgCompleteTrainingJob, "trainer"),
  msgSpec("MsgCancelTrainingJob", MsgCancelTrainingJob, "requester"),
  msgSpec("MsgRegisterOperator", MsgRegisterOperator, "operator"),
  msgSpec("MsgUpdateOperator", MsgUpdateOperator, "operator"),
  msgSpec("MsgServeModels", MsgServeModels, "operator"),
  msgSpec("MsgUnbondOperator", MsgUnbondOperator, "operator"),
  msgSpec("MsgUpdateParams", MsgUpdateParams, "authority", "openledger/x/models/MsgUpdateParams"),
] as const;

/** `/openledger.models.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

const respond = responder(PACKAGE);

type CoinLike = { denom?: string | null; amount?: string | null } | null | undefined;

/** A proto coin as a BigCoin; a malformed amount is `models` 9. */
function coinOf(field: string, c: CoinLike): BigCoin {
  const amount = c?.amount ?? "";
  if (!/^[0-9]{1,78}$/.test(amount))
    throw modelsError(ModelsCode.InsufficientAmount, `${field} must have a non-negative integer amount`);
  return { denom: c?.denom ?? "", amount: BigInt(amount) };
}

/** The models message definitions, bound to a keeper. */
export function modelsMsgDefs(keeper: ModelsKeeper): MsgDef<unknown>[] {
  const handlers: MsgHandlers<typeof MODELS_MSGS> = {
    MsgRegisterModel: (ctx, m: MsgRegisterModel) =>
      respond("MsgRegisterModel", MsgRegisterModelResponse, {
        id: num(
          keeper.registerModel(ctx, m.owner, {
            name: m.name,
            description: m.description,
            baseModel: m.baseModel,
            kind: m.kind,
            artifact: m.artifact,
            datanets: m.datanets,
            trainingConfig: m.trainingConfig,
            trainingLogHash: m.trainingLogHash,
            inputPrice: m.inputPrice,
            outputPrice: m.outputPrice,
          }),
        ),
      } as MsgRegisterModelResponse),
    MsgUpdateModel: (ctx, m: MsgUpdateModel) => {
      keeper.updateModel(ctx, m.owner, big(m.modelId), {
        ...(m.description !== "" ? { description: m.description } : {}),
        ...(m.inputPrice !== "" ? { inputPrice: m.inputPrice } : {}),
        ...(m.outputPrice !== "" ? { outputPrice: m.outputPrice } : {}),
        ...(m.status !== ModelStatus.MODEL_STATUS_UNSPECIFIED ? { status: m.status } : {}),
      });
      return respond("MsgUpdateModel", MsgUpdateModelResponse, {} as MsgUpdateModelResponse);
    },
    MsgRequestTraining: (ctx, m: MsgRequestTraining) =>
      respond("MsgRequestTraining", MsgRequestTrainingResponse, {
        jobId: num(
          keeper.requestTraining(
            ctx,
            m.requester,
            m.datanets,
            m.baseModel,
            m.method,
            m.hyperparameters,
            coinOf("bounty", m.bounty),
          ),
        ),
      } as MsgRequestTrainingResponse),
    MsgClaimTrainingJob: (ctx, m: MsgClaimTrainingJob) => {
      keeper.claimJob(ctx, m.trainer, big(m.jobId));
      return respond("MsgClaimTrainingJob", MsgClaimTrainingJobResponse, {} as MsgClaimTrainingJobResponse);
    },
    MsgCompleteTrainingJob: (ctx, m: MsgCompleteTrainingJob) =>
      respond("MsgCompleteTrainingJob", MsgCompleteTrainingJobResponse, {
        modelId: num(
          keeper.completeJob(ctx, m.trainer, big(m.jobId), {
            name: m.name,
            description: m.description,
            artifact: m.artifact,
            trainingConfig: m.trainingConfig,
            trainingLogHash: m.trainingLogHash,
            inputPrice: m.inputPrice,
            outputPrice: m.outputPrice,
          }),
        ),
      } as MsgCompleteTrainingJobResponse),
    MsgCancelTrainingJob: (ctx, m: MsgCancelTrainingJob) => {
      keeper.cancelJob(ctx, m.requester, big(m.jobId));
      return respond(
        "MsgCancelTrainingJob",
        MsgCancelTrainingJobResponse,
        {} as MsgCancelTrainingJobResponse,
      );
    },
    MsgRegisterOperator: (ctx, m: MsgRegisterOperator) => {
      keeper.registerOperator(ctx, m.operator, m.endpoint, coinOf("bond", m.bond));
      return respond("MsgRegisterOperator", MsgRegisterOperatorResponse, {} as MsgRegisterOperatorResponse);
    },
    MsgUpdateOperator: (ctx, m: MsgUpdateOperator) => {
      keeper.updateOperator(
        ctx,
        m.operator,
        m.endpoint,
        m.addBond ? coinOf("add_bond", m.addBond) : undefined,
      );
      return respond("MsgUpdateOperator", MsgUpdateOperatorResponse, {} as MsgUpdateOperatorResponse);
    },
    MsgServeModels: (ctx, m: MsgServeModels) =>
      respond("MsgServeModels", MsgServeModelsResponse, {
        models: keeper.serveModels(ctx, m.operator, m.serve.map(big), m.stop.map(big)).map(num),
      } as MsgServeModelsResponse),
    MsgUnbondOperator: (ctx, m: MsgUnbondOperator) =>
      respond("MsgUnbondOperator", MsgUnbondOperatorResponse, {
        completionHeight: num(keeper.unbondOperator(ctx, m.operator)),
      } as MsgUnbondOperatorResponse),
    MsgUpdateParams: (ctx, m: MsgUpdateParams) => {
      checkGovAuthority(ctx, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(modelsEvent(EventType.ParamsUpdated, [["authority", m.authority]]));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {} as MsgUpdateParamsResponse);
    },
  };
  return tableMsgDefs({
    pkg: PACKAGE,
    module: MODULE_NAME,
    specs: MODELS_MSGS,
    handlers,
    parseSigner: parseAddress,
  });
}
