/** attribution's `openledger.attribution.v1.Query` service (read-only), with SDK pagination. */
import { idAtEnd, type ProtoPage, pageRequest, pageResponse, queryRoutes } from "../../app/moduleKit.js";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, notFound, paginate } from "../../app/query.js";
import type { Context, ModuleRegistrar } from "../../app/types.js";
import { ATTRIBUTION, AttributionCode } from "./errors.js";
import { type AttributionKeeper, parseAddress } from "./keeper.js";
import {
  BY_CONTRIBUTOR_PREFIX,
  BY_OPERATOR_PREFIX,
  BY_REQUESTER_PREFIX,
  byAddressKey,
  byModelKey,
} from "./keys.js";
import {
  big,
  type InferenceRecord,
  num,
  QueryCreditRequest,
  QueryCreditResponse,
  QueryExplainRequest,
  QueryExplainResponse,
  QueryInferenceRequest,
  QueryInferenceResponse,
  QueryInferencesByAddressRequest,
  QueryInferencesByModelRequest,
  QueryInferencesResponse,
  QueryNonceUsedRequest,
  QueryNonceUsedResponse,
  QueryParamsResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
  QueryRowEarningsRequest,
  QueryRowEarningsResponse,
} from "./proto.js";

/** gRPC service path prefix of the queries. */
export const QUERY_SERVICE = "/openledger.attribution.v1.Query";

/** Register attribution's query handlers. */
export function registerAttributionQueries(r: ModuleRegistrar, keeper: AttributionKeeper): void {
  const q = queryRoutes(r, QUERY_SERVICE, { codespace: ATTRIBUTION, code: AttributionCode.InvalidRequest });

  const list = (ctx: Context, index: Uint8Array, p: ProtoPage): Uint8Array => {
    const store = keeper.store(ctx);
    const { items, pagination } = paginate(new PrefixReader(store, index), pageRequest(p), (k) =>
      keeper.readInference(store, idAtEnd(k)),
    );
    return QueryInferencesResponse.encode({
      inferences: items as InferenceRecord[],
      pagination: pageResponse(pagination),
    }).finish();
  };

  q("Params", (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish());

  q("Inference", (ctx, data) => {
    const req = decodeRequest((b) => QueryInferenceRequest.decode(b), data);
    const rec = keeper.getInference(ctx, big(req.id));
    if (!rec) throw notFound(`inference ${big(req.id)}`);
    return QueryInferenceResponse.encode({ inference: rec }).finish();
  });

  q("InferencesByModel", (ctx, data) => {
    const req = decodeRequest((b) => QueryInferencesByModelRequest.decode(b), data);
    return list(ctx, byModelKey(big(req.modelId)), req.pagination);
  });

  for (const [name, prefix] of [
    ["InferencesByRequester", BY_REQUESTER_PREFIX],
    ["InferencesByOperator", BY_OPERATOR_PREFIX],
    ["InferencesByContributor", BY_CONTRIBUTOR_PREFIX],
  ] as const) {
    q(name, (ctx, data) => {
      const req = decodeRequest((b) => QueryInferencesByAddressRequest.decode(b), data);
      return list(ctx, byAddressKey(prefix, parseAddress(ctx, "address", req.address)), req.pagination);
    });
  }

  q("Rewards", (ctx, data) => {
    const req = decodeRequest((b) => QueryRewardsRequest.decode(b), data);
    return QueryRewardsResponse.encode({ rewards: keeper.getRewards(ctx, req.address) }).finish();
  });

  q("RowEarnings", (ctx, data) => {
    const req = decodeRequest((b) => QueryRowEarningsRequest.decode(b), data);
    return QueryRowEarningsResponse.encode({ earnings: keeper.getRowEarnings(ctx, big(req.rowId)) }).finish();
  });

  q("Credit", (ctx, data) => {
    const req = decodeRequest((b) => QueryCreditRequest.decode(b), data);
    return QueryCreditResponse.encode({
      credit: keeper.getCredit(ctx, req.requester, req.operator),
    }).finish();
  });

  q("NonceUsed", (ctx, data) => {
    const req = decodeRequest((b) => QueryNonceUsedRequest.decode(b), data);
    return QueryNonceUsedResponse.encode({
      used: keeper.nonceUsed(ctx, req.requester, big(req.nonce)),
    }).finish();
  });

  q("Explain", (ctx, data) => {
    const req = decodeRequest((b) => QueryExplainRequest.decode(b), data);
    const a = keeper.explain(ctx, big(req.modelId), req.text ?? "");
    const perDn = new Map<bigint, number>();
    const rows = a.rows.map((r) => {
      const o = keeper.rowOwner(ctx, r.rowId);
      perDn.set(o.datanetId, (perDn.get(o.datanetId) ?? 0) + r.ppm);
      return {
        rowId: num(r.rowId),
        datanetId: num(o.datanetId),
        contributor: o.contributor,
        ppm: r.ppm,
        score: r.score.toString(),
        spans: r.spans,
      };
    });
    return QueryExplainResponse.encode({
      rows,
      spans: a.spans.map((s) => ({
        start: s.start,
        end: s.end,
        charStart: s.charStart,
        charEnd: s.charEnd,
        rowIds: s.rows.map(num),
        rowOffsets: s.rowOffsets,
      })),
      commonSpans: a.commonSpans,
      matchedTokens: a.matchedTokens,
      totalTokens: a.totalTokens,
      work: a.work,
      datanets: [...perDn.entries()]
        .sort((x, y) => (x[0] < y[0] ? -1 : 1))
        .map(([d, ppm]) => ({ datanetId: num(d), ppm, amount: "0" })),
    }).finish();
  });
}
