/**
 * datanets genesis in protobuf JSON with proto field names: `{params, datanets, rows, versions,
 * contributors, next_datanet_id, next_row_id}`. Indexes, the accepted-row order and merkle frontiers are
 * rebuilt on import, and every version's root is checked against the rebuilt rows.
 */
import { genesisJson, type ModuleGenesis, prefixValues } from "../../app/moduleKit.js";
import { decodeGenesisJson, uniqueGenesisIds } from "../../app/protoJson.js";
import type { Context } from "../../app/types.js";
import { sha256 } from "../../crypto/hash.js";
import { equalBytes } from "../../types/bytes.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { appendLeaf, frontierRoot } from "./frontier.js";
import type { DatanetsKeeper } from "./keeper.js";
import {
  CONTRIBUTOR_PREFIX,
  DATANET_PREFIX,
  NEXT_DATANET_ID_KEY,
  NEXT_ROW_ID_KEY,
  ROW_PREFIX,
  VERSION_PREFIX,
} from "./keys.js";
import { defaultDatanetsParams, validateDatanetsParams } from "./params.js";
import {
  big,
  ContributorRecord,
  Datanet,
  GenesisState,
  type GenesisState as GenesisStateT,
  num,
  Params,
  Row,
  RowStatus,
  Version,
} from "./proto.js";

function bad(msg: string): never {
  throw datanetsError(DatanetsCode.InvalidGenesis, `datanets genesis: ${msg}`);
}

/** Parse and validate genesis JSON; throws `datanets` 16 (or 13 for params). */
export function parseDatanetsGenesis(json: unknown, bondDenom = "aopen"): GenesisStateT {
  const g: GenesisStateT = decodeGenesisJson(json, (o) => GenesisState.fromObject(o), bad);
  if (!g.params) g.params = defaultDatanetsParams(bondDenom);
  validateDatanetsParams(Params.create(g.params));
  const { ids: datanets, max: maxDatanet } = uniqueGenesisIds(g.datanets, (d) => big(d.id), "datanet", bad);
  const { max: maxRow } = uniqueGenesisIds(g.rows, (r) => big(r.id), "row", bad);
  for (const r of g.rows) {
    const id = big(r.id);
    if (!datanets.has(big(r.datanetId))) bad(`row ${id} of unknown datanet ${big(r.datanetId)}`);
    const sha = sha256(Buffer.from(r.content ?? "", "utf8"));
    if (!r.sha256 || !equalBytes(sha, r.sha256)) bad(`row ${id}: sha256 does not match its content`);
  }
  for (const v of g.versions) {
    if (!datanets.has(big(v.datanetId))) bad(`version of unknown datanet ${big(v.datanetId)}`);
  }
  if (big(g.nextDatanetId) !== 0n && big(g.nextDatanetId) <= maxDatanet)
    bad("next_datanet_id is not above every datanet id");
  if (big(g.nextRowId) !== 0n && big(g.nextRowId) <= maxRow) bad("next_row_id is not above every row id");
  return g;
}

/** Import genesis state through the keeper. */
export function initDatanetsGenesis(ctx: Context, keeper: DatanetsKeeper, g: GenesisStateT): void {
  keeper.setParams(ctx, g.params ? Params.create(g.params) : defaultDatanetsParams(ctx.chain.bondDenom));
  for (const d of g.datanets) keeper.importDatanet(ctx, Datanet.create(d));
  const accepted = g.rows
    .filter((r) => r.status === RowStatus.ROW_STATUS_ACCEPTED)
    .sort((a, b) => cmp(big(a.datanetId), big(b.datanetId)) || cmp(big(a.position), big(b.position)));
  for (const r of g.rows)
    if (r.status !== RowStatus.ROW_STATUS_ACCEPTED) keeper.importRow(ctx, Row.create(r));
  // Accepted rows: positions 0..n-1 per datanet, each version's root checked as the rows are appended.
  const versions = new Map<string, Map<bigint, Uint8Array>>();
  for (const v of g.versions) {
    const key = big(v.datanetId).toString();
    if (!versions.has(key)) versions.set(key, new Map());
    versions.get(key)!.set(big(v.rowCount), v.root ?? new Uint8Array());
    keeper.putVersion(ctx, Version.create(v));
  }
  let cur = -1n;
  let count = 0n;
  let frontier: Uint8Array[] = [];
  for (const r of accepted) {
    const id = big(r.datanetId);
    if (id !== cur) {
      cur = id;
      count = 0n;
      frontier = [];
    }
    if (big(r.position) !== count) bad(`accepted rows of datanet ${id} are not at positions 0..n-1`);
    keeper.importRow(ctx, Row.create(r));
    frontier = appendLeaf(frontier, count, r.sha256 ?? new Uint8Array());
    count++;
    const root = versions.get(id.toString())?.get(count);
    if (root && !equalBytes(root, frontierRoot(frontier)))
      bad(`version root mismatch in datanet ${id} at ${count} rows`);
  }
  for (const c of g.contributors) keeper.putContributor(ctx, ContributorRecord.create(c));
  keeper.setSequence(ctx, NEXT_DATANET_ID_KEY, big(g.nextDatanetId) || 1n);
  keeper.setSequence(ctx, NEXT_ROW_ID_KEY, big(g.nextRowId) || 1n);
}

/** Export the whole module state as genesis JSON (proto field names). */
export function exportDatanetsGenesis(ctx: Context, keeper: DatanetsKeeper): unknown {
  const store = keeper.store(ctx);
  const g = GenesisState.create({
    params: keeper.readParams(store),
    datanets: prefixValues(store, DATANET_PREFIX, (b) => Datanet.decode(b)),
    rows: prefixValues(store, ROW_PREFIX, (b) => Row.decode(b)),
    versions: prefixValues(store, VERSION_PREFIX, (b) => Version.decode(b)),
    contributors: prefixValues(store, CONTRIBUTOR_PREFIX, (b) => ContributorRecord.decode(b)),
    nextDatanetId: num(keeper.readSequence(store, NEXT_DATANET_ID_KEY)),
    nextRowId: num(keeper.readSequence(store, NEXT_ROW_ID_KEY)),
  });
  return genesisJson(GenesisState, g);
}

/** Default genesis JSON for a bond denom. */
export function defaultDatanetsGenesis(bondDenom: string): unknown {
  const g = GenesisState.create({ params: defaultDatanetsParams(bondDenom), nextDatanetId: 1, nextRowId: 1 });
  return genesisJson(GenesisState, g);
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** datanets' genesis as its module runs it. */
export const datanetsGenesis: ModuleGenesis<DatanetsKeeper, GenesisStateT> = {
  defaults: defaultDatanetsGenesis,
  parse: parseDatanetsGenesis,
  init: initDatanetsGenesis,
  export: exportDatanetsGenesis,
};
