/** models' `openledger.models.v1.Query` service (read-only), with SDK pagination. */
import { idAtEnd, pageRequest, pageResponse, queryRoutes, SDK_INVALID_ADDRESS } from "../../app/moduleKit.js";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, invalidArgument, notFound, paginate } from "../../app/query.js";
import type { ModuleRegistrar } from "../../app/types.js";
import type { KVReader } from "../../store/types.js";
import { type ModelsKeeper, parseAddress } from "./keeper.js";
import { JOB_PREFIX, jobByStatusKey, MODEL_PREFIX, modelByOwnerKey, OPERATOR_PREFIX } from "./keys.js";
import {
  big,
  type Model,
  Operator,
  QueryJobRequest,
  QueryJobResponse,
  QueryJobsRequest,
  QueryJobsResponse,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryOperatorRequest,
  QueryOperatorResponse,
  QueryOperatorsRequest,
  QueryOperatorsResponse,
  QueryParamsResponse,
  TrainingJob,
} from "./proto.js";

/** gRPC service path prefix of the queries. */
export const QUERY_SERVICE = "/openledger.models.v1.Query";

/** Register models' query handlers. */
export function registerModelsQueries(r: ModuleRegistrar, keeper: ModelsKeeper): void {
  const q = queryRoutes(r, QUERY_SERVICE, SDK_INVALID_ADDRESS);

  q("Params", (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish());

  q("Model", (ctx, data) => {
    const req = decodeRequest((b) => QueryModelRequest.decode(b), data);
    const id = big(req.id);
    if (id === 0n) throw invalidArgument("model id is required");
    const m = keeper.getModel(ctx, id);
    if (!m) throw notFound(`model ${id}`);
    return QueryModelResponse.encode({ model: m }).finish();
  });

  q("Models", (ctx, data) => {
    const req = decodeRequest((b) => QueryModelsRequest.decode(b), data);
    const store = keeper.store(ctx);
    let index: KVReader;
    if (req.owner) index = new PrefixReader(store, modelByOwnerKey(parseAddress(ctx, "owner", req.owner)));
    else index = new PrefixReader(store, Uint8Array.of(MODEL_PREFIX));
    const keep = (m: Model) => !req.status || m.status === req.status;
    const { items, pagination } = paginate(index, pageRequest(req.pagination), (k) => {
      const m = keeper.readModel(store, idAtEnd(k));
      return m && keep(m) ? m : undefined;
    });
    return QueryModelsResponse.encode({ models: items, pagination: pageResponse(pagination) }).finish();
  });

  q("Job", (ctx, data) => {
    const req = decodeRequest((b) => QueryJobRequest.decode(b), data);
    const j = keeper.getJob(ctx, big(req.id));
    if (!j) throw notFound(`job ${big(req.id)}`);
    return QueryJobResponse.encode({ job: j }).finish();
  });

  q("Jobs", (ctx, data) => {
    const req = decodeRequest((b) => QueryJobsRequest.decode(b), data);
    const store = keeper.store(ctx);
    const { items, pagination } = req.status
      ? paginate(new PrefixReader(store, jobByStatusKey(req.status)), pageRequest(req.pagination), (k) =>
          keeper.readJob(store, idAtEnd(k)),
        )
      : paginate(new PrefixReader(store, Uint8Array.of(JOB_PREFIX)), pageRequest(req.pagination), (_k, v) =>
          TrainingJob.decode(v),
        );
    return QueryJobsResponse.encode({ jobs: items, pagination: pageResponse(pagination) }).finish();
  });

  q("Operator", (ctx, data) => {
    const req = decodeRequest((b) => QueryOperatorRequest.decode(b), data);
    const op = keeper.getOperator(ctx, req.address);
    if (!op) throw notFound(`operator ${req.address}`);
    return QueryOperatorResponse.encode({ operator: op }).finish();
  });

  q("Operators", (ctx, data) => {
    const req = decodeRequest((b) => QueryOperatorsRequest.decode(b), data);
    const index = new PrefixReader(keeper.store(ctx), Uint8Array.of(OPERATOR_PREFIX));
    const { items, pagination } = paginate(index, pageRequest(req.pagination), (_k, v) => Operator.decode(v));
    return QueryOperatorsResponse.encode({ operators: items, pagination: pageResponse(pagination) }).finish();
  });
}
