/**
 * The parts of `cosmos.tx.v1beta1.Service` that need the node rather than the state machine: `GetTx`
 * and `GetTxsEvent` read the tx indexer, `BroadcastTx` goes through the mempool. The node answers
 * these `abci_query` paths itself and passes every other path to the app.
 */

import { TxResponse } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import {
  BroadcastMode,
  BroadcastTxRequest,
  BroadcastTxResponse,
  GetTxRequest,
  GetTxResponse,
  GetTxsEventRequest,
  GetTxsEventResponse,
  OrderBy,
} from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Tx } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { Any } from "cosmjs-types/google/protobuf/any";
import type { QueryResponse, Timestamp } from "../abci/types.js";
import { formatRfc3339 } from "../config/genesis.js";
import type { TxIndexer, TxRecord } from "../indexer/index.js";
import type { Mempool } from "../mempool/mempool.js";
import { fromHex, toHexUpper } from "../types/bytes.js";
import { CodedError, SdkCode, sdkError, toCodedError } from "../types/errors.js";

/** Paths served here. */
export const TX_SERVICE_PATHS = [
  "/cosmos.tx.v1beta1.Service/GetTx",
  "/cosmos.tx.v1beta1.Service/GetTxsEvent",
  "/cosmos.tx.v1beta1.Service/BroadcastTx",
] as const;

/** What the tx service reads. */
export interface TxServiceDeps {
  indexer: TxIndexer;
  mempool: Mempool;
  /** Block time of a height, for `TxResponse.timestamp`. */
  blockTime(height: number): Promise<Timestamp | undefined>;
  /** Latest committed height (the response height). */
  height(): number;
}

/** Answer one of `TX_SERVICE_PATHS`; undefined for any other path. */
export async function txServiceQuery(
  deps: TxServiceDeps,
  path: string,
  data: Uint8Array,
): Promise<QueryResponse | undefined> {
  if (!(TX_SERVICE_PATHS as readonly string[]).includes(path)) return undefined;
  try {
    const value = await dispatch(deps, path, data);
    return {
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: new Uint8Array(),
      value,
      proofOps: [],
      height: deps.height(),
      codespace: "",
    };
  } catch (e) {
    const c = toCodedError(e);
    return {
      code: c.code,
      log: c.message,
      info: "",
      index: 0n,
      key: new Uint8Array(),
      value: new Uint8Array(),
      proofOps: [],
      height: deps.height(),
      codespace: c.codespace,
    };
  }
}

async function dispatch(deps: TxServiceDeps, path: string, data: Uint8Array): Promise<Uint8Array> {
  switch (path) {
    case "/cosmos.tx.v1beta1.Service/GetTx": {
      const req = decode(() => GetTxRequest.decode(data));
      let hash: Uint8Array;
      try {
        hash = fromHex(req.hash);
      } catch {
        throw sdkError(SdkCode.InvalidRequest, `invalid tx hash ${JSON.stringify(req.hash.slice(0, 80))}`);
      }
      if (hash.length !== 32) throw sdkError(SdkCode.InvalidRequest, "tx hash must be 32 bytes");
      const rec = await deps.indexer.getTx(hash);
      if (!rec)
        throw new CodedError(
          "sdk",
          SdkCode.NotFound,
          `rpc error: code = NotFound desc = tx not found: ${req.hash}`,
        );
      const resp = await toTxResponse(deps, rec);
      return GetTxResponse.encode({
        tx: resp.tx ? Tx.decode(resp.tx.value) : undefined,
        txResponse: resp,
      }).finish();
    }
    case "/cosmos.tx.v1beta1.Service/GetTxsEvent": {
      const req = decode(() => GetTxsEventRequest.decode(data));
      const query = req.query !== "" ? req.query : req.events.join(" AND ");
      if (query === "") throw sdkError(SdkCode.InvalidRequest, "query cannot be empty");
      const limit =
        req.limit > 0n ? Number(req.limit) : req.pagination?.limit ? Number(req.pagination.limit) : 100;
      const page = req.page > 0n ? Number(req.page) : 1;
      const res = await deps.indexer.searchTxs(query, {
        page,
        perPage: Math.min(limit, 100),
        orderBy: req.orderBy === OrderBy.ORDER_BY_DESC ? "desc" : "asc",
      });
      const txResponses = await Promise.all(res.txs.map((r) => toTxResponse(deps, r)));
      return GetTxsEventResponse.encode({
        txs: txResponses.map((r) => (r.tx ? Tx.decode(r.tx.value) : Tx.fromPartial({}))),
        txResponses,
        total: BigInt(res.totalCount),
      }).finish();
    }
    default: {
      const req = decode(() => BroadcastTxRequest.decode(data));
      if (req.mode === BroadcastMode.BROADCAST_MODE_BLOCK) {
        throw sdkError(
          SdkCode.InvalidRequest,
          "BROADCAST_MODE_BLOCK is not supported; use SYNC and query the tx",
        );
      }
      const { hash, response } = await deps.mempool.add(req.txBytes);
      return BroadcastTxResponse.encode({
        txResponse: TxResponse.fromPartial({
          height: 0n,
          txhash: toHexUpper(hash),
          codespace: response.codespace,
          code: response.code,
          rawLog: response.log,
          gasWanted: response.gasWanted,
          gasUsed: response.gasUsed,
        }),
      }).finish();
    }
  }
}

async function toTxResponse(deps: TxServiceDeps, rec: TxRecord): Promise<TxResponse> {
  const time = await deps.blockTime(rec.height);
  let tx: Any | undefined;
  try {
    tx = Any.fromPartial({ typeUrl: "/cosmos.tx.v1beta1.Tx", value: Tx.encode(Tx.decode(rec.tx)).finish() });
  } catch {
    tx = undefined;
  }
  return TxResponse.fromPartial({
    height: BigInt(rec.height),
    txhash: toHexUpper(rec.hash),
    codespace: rec.result.codespace,
    code: rec.result.code,
    data: toHexUpper(rec.result.data),
    rawLog: rec.result.log,
    info: rec.result.info,
    gasWanted: rec.result.gasWanted,
    gasUsed: rec.result.gasUsed,
    tx,
    timestamp: time ? formatRfc3339(time) : "",
    events: rec.result.events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
    })),
  });
}

function decode<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw sdkError(SdkCode.TxDecode, `invalid request: ${(e as Error).message}`);
  }
}
