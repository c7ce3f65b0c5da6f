/** models' `openledger.models.v1.Query` service (read-only), with SDK pagination. */
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, invalidArgument, notFound, paginate } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import type { KVReader } from "../../store/types.js";
import { readUint64BE } from "../../types/bytes.js";
import { CodedError } from "../../types/errors.js";
import { type ModelsKeeper, parseAddress } from "./keeper.js";
import { JOB_PREFIX, jobByStatusKey, MODEL_PREFIX, modelByOwnerKey, OPERATOR_PREFIX } from "./keys.js";
import {
  big,
  type Model,
  num,
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

type ProtoPage =
  | {
      key?: Uint8Array | null;
      offset?: unknown;
      limit?: unknown;
      countTotal?: boolean | null;
      reverse?: boolean | null;
    }
  | null
  | undefined;

function page(p: ProtoPage): PageRequest | undefined {
  if (!p) return undefined;
  return {
    key: p.key ?? new Uint8Array(),
    offset: big(p.offset as number),
    limit: big(p.limit as number),
    countTotal: p.countTotal ?? false,
    reverse: p.reverse ?? false,
  };
}

function pageOut(r: { nextKey: Uint8Array; total: bigint }) {
  return { nextKey: r.nextKey, total: num(r.total) };
}

function mapCoded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CodedError && e.codespace === "sdk" && e.code === 7) throw invalidArgument(e.message);
    throw e;
  }
}

/** Register models' query handlers. */
export function registerModelsQueries(r: ModuleRegistrar, keeper: ModelsKeeper): void {
  const q = (name: string, h: (ctx: Context, data: Uint8Array) => Uint8Array) =>
    r.registerQuery(`${QUERY_SERVICE}/${name}`, (ctx, data) => mapCoded(() => h(ctx, data)));

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
    const { items, pagination } = paginate(index, page(req.pagination), (k) => {
      const m = keeper.readModel(store, readUint64BE(k, k.length - 8));
      return m && keep(m) ? m : undefined;
    });
    return QueryModelsResponse.encode({ models: items, pagination: pageOut(pagination) }).finish();
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
      ? paginate(new PrefixReader(store, jobByStatusKey(req.status)), page(req.pagination), (k) =>
          keeper.readJob(store, readUint64BE(k, k.length - 8)),
        )
      : paginate(new PrefixReader(store, Uint8Array.of(JOB_PREFIX)), page(req.pagination), (_k, v) =>
          TrainingJob.decode(v),
        );
    return QueryJobsResponse.encode({ jobs: items, pagination: pageOut(pagination) }).finish();
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
    const { items, pagination } = paginate(index, page(req.pagination), (_k, v) => Operator.decode(v));
    return QueryOperatorsResponse.encode({ operators: items, pagination: pageOut(pagination) }).finish();
  });
}
