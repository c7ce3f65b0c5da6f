/** datanets' `openledger.datanets.v1.Query` service (read-only), with SDK pagination. */
import { idAtEnd, pageRequest, pageResponse, queryRoutes, SDK_INVALID_ADDRESS } from "../../app/moduleKit.js";
import { PrefixReader } from "../../app/prefixStore.js";
import { decodeRequest, invalidArgument, notFound, paginate } from "../../app/query.js";
import type { ModuleRegistrar } from "../../app/types.js";
import type { KVPair, KVReader } from "../../store/types.js";
import { readUint64BE, uint64BE } from "../../types/bytes.js";
import { type DatanetsKeeper, parseAddress } from "./keeper.js";
import {
  acceptedKey,
  byOwnerKey,
  byStatusKey,
  byTagKey,
  DATANET_PREFIX,
  datanetRowKey,
  rowContributorKey,
  rowStatusKey,
  versionKey,
} from "./keys.js";
import {
  big,
  type Datanet,
  QueryContributorRequest,
  QueryContributorResponse,
  QueryDatanetRequest,
  QueryDatanetResponse,
  QueryDatanetsRequest,
  QueryDatanetsResponse,
  QueryParamsResponse,
  QueryRowProofRequest,
  QueryRowProofResponse,
  QueryRowRequest,
  QueryRowResponse,
  QueryRowsRequest,
  QueryRowsResponse,
  QueryVersionRequest,
  QueryVersionResponse,
  QueryVersionsRequest,
  QueryVersionsResponse,
  type Row,
  Version,
} from "./proto.js";

/** gRPC service path prefix of the queries. */
export const QUERY_SERVICE = "/openledger.datanets.v1.Query";

/** A reader clamped to keys below `end` (keys relative to the parent). */
class BoundedReader implements KVReader {
  constructor(
    private readonly parent: KVReader,
    private readonly end: Uint8Array,
  ) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return Buffer.compare(key, this.end) < 0 ? this.parent.get(key) : undefined;
  }
  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }
  iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<KVPair> {
    const e = end && Buffer.compare(end, this.end) < 0 ? end : this.end;
    return this.parent.iterator(start, e, reverse);
  }
}

function need(ok: boolean, msg: string): void {
  if (!ok) throw invalidArgument(msg);
}

/** Register datanets' query handlers. */
export function registerDatanetsQueries(r: ModuleRegistrar, keeper: DatanetsKeeper): void {
  const q = queryRoutes(r, QUERY_SERVICE, SDK_INVALID_ADDRESS);

  q("Params", (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish());

  q("Datanet", (ctx, data) => {
    const req = decodeRequest((b) => QueryDatanetRequest.decode(b), data);
    const id = big(req.id);
    need(id > 0n, "datanet id is required");
    const d = keeper.getDatanet(ctx, id);
    if (!d) throw notFound(`datanet ${id}`);
    return QueryDatanetResponse.encode({ datanet: d }).finish();
  });

  q("Datanets", (ctx, data) => {
    const req = decodeRequest((b) => QueryDatanetsRequest.decode(b), data);
    const store = keeper.store(ctx);
    const owner = req.owner ? parseAddress(ctx, "owner", req.owner) : undefined;
    let index: KVReader;
    if (owner) index = new PrefixReader(store, byOwnerKey(owner));
    else if (req.tag) index = new PrefixReader(store, byTagKey(req.tag));
    else if (req.status) index = new PrefixReader(store, byStatusKey(req.status));
    else index = new PrefixReader(store, Uint8Array.of(DATANET_PREFIX));
    const keep = (d: Datanet) =>
      (!req.owner || d.owner === req.owner) &&
      (!req.tag || (d.tags ?? []).includes(req.tag)) &&
      (!req.status || d.status === req.status);
    const { items, pagination } = paginate(index, pageRequest(req.pagination), (k) => {
      const d = keeper.readDatanet(store, idAtEnd(k));
      return d && keep(d) ? d : undefined;
    });
    return QueryDatanetsResponse.encode({ datanets: items, pagination: pageResponse(pagination) }).finish();
  });

  q("Rows", (ctx, data) => {
    const req = decodeRequest((b) => QueryRowsRequest.decode(b), data);
    const id = big(req.datanetId);
    need(id > 0n, "datanet id is required");
    if (!keeper.getDatanet(ctx, id)) throw notFound(`datanet ${id}`);
    const store = keeper.store(ctx);
    const contributor = req.contributor ? parseAddress(ctx, "contributor", req.contributor) : undefined;
    const keep = (row: Row) =>
      (!req.status || row.status === req.status) && (!req.contributor || row.contributor === req.contributor);
    const version = big(req.version);
    let index: KVReader;
    let rowIdOf: (k: Uint8Array, v: Uint8Array) => bigint;
    // Whether the chosen index leaves a filter to apply (then every entry's row must be read).
    let filtered: boolean;
    let pageReq = pageRequest(req.pagination);
    if (version > 0n) {
      const v = keeper.getVersion(ctx, id, version);
      if (!v) throw notFound(`version ${version} of datanet ${id}`);
      index = new PrefixReader(new BoundedReader(store, acceptedKey(id, big(v.rowCount))), acceptedKey(id));
      rowIdOf = (_k, val) => readUint64BE(val, 0);
      filtered = !!req.status || !!req.contributor;
      // Positions are dense: an offset is a key, so deep pages cost no more than the first.
      if (!filtered && pageReq && pageReq.offset > 0n && pageReq.key.length === 0 && !pageReq.countTotal) {
        pageReq = { ...pageReq, key: uint64BE(pageReq.offset), offset: 0n };
      }
    } else {
      if (contributor) index = new PrefixReader(store, rowContributorKey(id, contributor));
      else if (req.status) index = new PrefixReader(store, rowStatusKey(id, req.status));
      else index = new PrefixReader(store, datanetRowKey(id));
      rowIdOf = (k) => idAtEnd(k);
      filtered = !!contributor && !!req.status;
    }
    let rows: Row[];
    let pagination: { nextKey: Uint8Array; total: bigint };
    if (filtered) {
      ({ items: rows, pagination } = paginate(index, pageReq, (k, v) => {
        const row = keeper.readRow(store, rowIdOf(k, v));
        return row && keep(row) ? row : undefined;
      }));
    } else {
      // No filter left: skip by key only, and read just the page's rows.
      const r = paginate(index, pageReq, (k, v) => rowIdOf(k, v));
      pagination = r.pagination;
      rows = r.items.map((rowId) => keeper.readRow(store, rowId)).filter((x): x is Row => x !== undefined);
    }
    const items = rows;
    return QueryRowsResponse.encode({ rows: items, pagination: pageResponse(pagination) }).finish();
  });

  q("Row", (ctx, data) => {
    const req = decodeRequest((b) => QueryRowRequest.decode(b), data);
    const row = keeper.getRow(ctx, big(req.id));
    if (!row) throw notFound(`row ${big(req.id)}`);
    return QueryRowResponse.encode({ row }).finish();
  });

  q("Version", (ctx, data) => {
    const req = decodeRequest((b) => QueryVersionRequest.decode(b), data);
    const v = keeper.getVersion(ctx, big(req.datanetId), big(req.number));
    if (!v) throw notFound(`version ${big(req.number)} of datanet ${big(req.datanetId)}`);
    return QueryVersionResponse.encode({ version: v }).finish();
  });

  q("Versions", (ctx, data) => {
    const req = decodeRequest((b) => QueryVersionsRequest.decode(b), data);
    const id = big(req.datanetId);
    if (!keeper.getDatanet(ctx, id)) throw notFound(`datanet ${id}`);
    const index = new PrefixReader(keeper.store(ctx), versionKey(id));
    const { items, pagination } = paginate(index, pageRequest(req.pagination), (_k, v) => Version.decode(v));
    return QueryVersionsResponse.encode({ versions: items, pagination: pageResponse(pagination) }).finish();
  });

  q("RowProof", (ctx, data) => {
    const req = decodeRequest((b) => QueryRowProofRequest.decode(b), data);
    const { row, version, proof } = keeper.rowProof(ctx, big(req.rowId), big(req.version));
    return QueryRowProofResponse.encode({
      row,
      version,
      proof: { total: proof.total, index: proof.index, leafHash: proof.leafHash, aunts: proof.aunts },
    }).finish();
  });

  q("Contributor", (ctx, data) => {
    const req = decodeRequest((b) => QueryContributorRequest.decode(b), data);
    const rec = keeper.getContributor(ctx, big(req.datanetId), req.address);
    if (!rec) throw notFound(`contributor ${req.address} of datanet ${big(req.datanetId)}`);
    return QueryContributorResponse.encode({ record: rec }).finish();
  });
}
