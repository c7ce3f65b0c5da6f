/** models' `openledger.models.v1.Msg` service: signer checks, then the keeper. */
import { bech32Of, moduleAddressOf } from "../../app/addressCache.js";
import type { BigCoin } from "../../app/coins.js";
import type { AnyMsg, ChainConfig, Context, MsgDef } from "../../app/types.js";
import { invalidAuthority } from "../bank/errors.js";
import { GOV_MODULE } from "../bank/msgServer.js";
import { aminoConverter, type PbjsCodec } from "../datanets/amino.js";
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

/** A generated message class as the router needs it. */
interface MsgCodec<M> extends PbjsCodec<M> {
  decode(b: Uint8Array): M;
  encode(m: M): { finish(): Uint8Array };
}

/** Every message type: name, generated class, signer field, amino name. */
export const MODELS_MSGS = [
  {
    name: "MsgRegisterModel",
    codec: MsgRegisterModel,
    signer: "owner",
    amino: "openledger/MsgRegisterModel",
  },
  { name: "MsgUpdateModel", codec: MsgUpdateModel, signer: "owner", amino: "openledger/MsgUpdateModel" },
  {
    name: "MsgRequestTraining",
    codec: MsgRequestTraining,
    signer: "requester",
    amino: "openledger/MsgRequestTraining",
  },
  {
    name: "MsgClaimTrainingJob",
    codec: MsgClaimTrainingJob,
    signer: "trainer",
    amino: "openledger/MsgClaimTrainingJob",
  },
  {
    name: "MsgCompleteTrainingJob",
    codec: MsgCompleteTrainingJob,
    signer: "trainer",
    amino: "openledger/MsgCompleteTrainingJob",
  },
  {
    name: "MsgCancelTrainingJob",
    codec: MsgCancelTrainingJob,
    signer: "requester",
    amino: "openledger/MsgCancelTrainingJob",
  },
  {
    name: "MsgRegisterOperator",
    codec: MsgRegisterOperator,
    signer: "operator",
    amino: "openledger/MsgRegisterOperator",
  },
  {
    name: "MsgUpdateOperator",
    codec: MsgUpdateOperator,
    signer: "operator",
    amino: "openledger/MsgUpdateOperator",
  },
  { name: "MsgServeModels", codec: MsgServeModels, signer: "operator", amino: "openledger/MsgServeModels" },
  {
    name: "MsgUnbondOperator",
    codec: MsgUnbondOperator,
    signer: "operator",
    amino: "openledger/MsgUnbondOperator",
  },
  {
    name: "MsgUpdateParams",
    codec: MsgUpdateParams,
    signer: "authority",
    amino: "openledger/x/models/MsgUpdateParams",
  },
] as const;

/** `/openledger.models.v1.<name>`. */
export function typeUrlOf(name: string): string {
  return `/${PACKAGE}.${name}`;
}

function respond<R>(name: string, codec: { encode(m: R): { finish(): Uint8Array } }, value: R): AnyMsg {
  return { typeUrl: typeUrlOf(`${name}Response`), value: codec.encode(value).finish() };
}

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
  const handlers: Record<(typeof MODELS_MSGS)[number]["name"], (ctx: Context, m: never) => AnyMsg> = {
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
      checkAuthority(ctx, m.authority);
      keeper.setParams(ctx, Params.create(m.params ?? {}));
      ctx.events.emit(modelsEvent(EventType.ParamsUpdated, [["authority", m.authority]]));
      return respond("MsgUpdateParams", MsgUpdateParamsResponse, {} as MsgUpdateParamsResponse);
    },
  };
  return MODELS_MSGS.map((spec) => {
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
  const ctx = { chain } as Context;
  return parseAddress(ctx, field, typeof value === "string" ? value : "");
}

function checkAuthority(ctx: Context, authority: string): void {
  const gov = bech32Of(ctx.chain.bech32Prefix, moduleAddressOf(GOV_MODULE));
  if (authority !== gov) throw invalidAuthority(gov, authority);
}
