/** The gateway's view of the chain: models and the operator's served list, over `abci_query`. */

import type { QueryFn } from "../factory/train.js";
import {
  big,
  type Model,
  ModelStatus,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryOperatorRequest,
  QueryOperatorResponse,
} from "../modules/models/proto.js";
import { CodedError } from "../types/errors.js";

const SVC = "/openledger.models.v1.Query";

/** Models and served lists from chain. */
export class ChainView {
  /** Over a query function (RPC `abci_query` or an in-process app). */
  constructor(private readonly query: QueryFn) {}

  /** A model, or undefined when the chain has none with this id. */
  async getModel(id: bigint): Promise<Model | undefined> {
    try {
      const b = await this.query(`${SVC}/Model`, QueryModelRequest.encode({ id: Number(id) }).finish());
      return (QueryModelResponse.decode(b).model ?? undefined) as Model | undefined;
    } catch (e) {
      if (e instanceof CodedError && e.codespace === "sdk" && e.code === 22) return undefined;
      throw e;
    }
  }

  /** Ids the operator serves (empty when it is not an operator). */
  async servedBy(operator: string): Promise<bigint[]> {
    try {
      const b = await this.query(
        `${SVC}/Operator`,
        QueryOperatorRequest.encode({ address: operator }).finish(),
      );
      return (QueryOperatorResponse.decode(b).operator?.models ?? []).map((x) => big(x));
    } catch (e) {
      if (e instanceof CodedError && e.codespace === "sdk" && e.code === 22) return [];
      throw e;
    }
  }

  /** Every active model (all pages). */
  async activeModels(): Promise<Model[]> {
    const out: Model[] = [];
    let key: Uint8Array = new Uint8Array();
    for (;;) {
      const b = await this.query(
        `${SVC}/Models`,
        QueryModelsRequest.encode({
          status: ModelStatus.MODEL_STATUS_ACTIVE,
          pagination: { key, limit: 1000 },
        }).finish(),
      );
      const r = QueryModelsResponse.decode(b);
      out.push(...(r.models as Model[]));
      const next = r.pagination?.nextKey;
      if (!next || next.length === 0) return out;
      key = next;
    }
  }
}
