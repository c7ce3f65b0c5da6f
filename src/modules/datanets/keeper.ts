/**
 * The datanets keeper: the only code that touches datanets' store — datanets, rows, versions, contributor
 * records, params and their indexes — and the escrow / fee flows (stakes in the `datanets` module account,
 * fees and slashes to the community pool).
 */
import { type BigCoin, DEC_SCALE } from "../../app/coins.js";
import { parseAccAddress, StoreKeeper } from "../../app/moduleKit.js";
import type { Context } from "../../app/types.js";
import { sha256 } from "../../crypto/hash.js";
import type { KVReader } from "../../store/types.js";
import { concatBytes, readUint64BE, uint64BE } from "../../types/bytes.js";
import type { CodedError } from "../../types/errors.js";
import { hashFromByteSlices, leafHash, type MerkleProof, splitPoint } from "../../types/merkle.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { datanetEvent, EventType } from "./events.js";
import type {
  CommunityPoolKeeper,
  DatanetsBankKeeper,
  DatanetsRewardsRecorder,
  VersionRow,
} from "./expectedKeepers.js";
import { appendLeaf, decodeFrontier, encodeFrontier, frontierRoot } from "./frontier.js";
import {
  acceptedKey,
  byOwnerKey,
  byStatusKey,
  byTagKey,
  contentHashKey,
  contributorKey,
  datanetKey,
  datanetRowKey,
  frontierKey,
  MODULE_NAME,
  NEXT_DATANET_ID_KEY,
  NEXT_ROW_ID_KEY,
  PARAMS_KEY,
  rowContributorKey,
  rowKey,
  rowStatusKey,
  STORE_PREFIX,
  versionKey,
} from "./keys.js";
import { defaultDatanetsParams, type ParamsView, validateDatanetsParams } from "./params.js";
import {
  big,
  ContributionMode,
  type ContributionPolicy,
  ContributorRecord,
  type ContributorRecord as ContributorRecordT,
  Datanet,
  DatanetStatus,
  type Datanet as DatanetT,
  num,
  Params,
  type Params as ParamsT,
  Row,
  type RowInput,
  RowStatus,
  type Row as RowT,
  Version,
  type Version as VersionT,
  Visibility,
} from "./proto.js";

const EMPTY = new Uint8Array();

/** Longest datanet name (characters). */
export const MAX_NAME = 128;
/** Longest summary (characters). */
export const MAX_SUMMARY = 512;
/** Longest description (UTF-8 bytes). */
export const MAX_DESCRIPTION_BYTES = 16_384;
/** Most tags. */
export const MAX_TAGS = 16;
/** Tag syntax (lowercase; no separator bytes, so tags index cleanly). */
export const TAG_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Longest license string. */
export const MAX_LICENSE = 128;
/** Longest row metadata (UTF-8 bytes). */
export const MAX_METADATA_BYTES = 4096;
/** Longest rejection reason (characters). */
export const MAX_REASON = 512;
/** Most allowlisted addresses. */
export const MAX_ALLOWLIST = 256;
/** Most curators. */
export const MAX_CURATORS = 32;

/** Metadata of a datanet as CreateDatanet / UpdateDatanet carry it. */
export interface DatanetMeta {
  name: string;
  summary: string;
  description: string;
  tags: string[];
  license: string;
  visibility: Visibility;
  policy: ContributionPolicy | null | undefined;
}

/** A rejection in a review. */
export interface RejectionInput {
  rowId: bigint;
  reason: string;
}

/** The outcome of a review. */
export interface ReviewResult {
  /** New version number (0 when nothing was accepted). */
  version: bigint;
  root: Uint8Array;
  slashed: BigCoin;
  accepted: number;
  rejected: number;
}

/** A row validated for storage. */
interface CheckedRow {
  content: string;
  sha: Uint8Array;
  bytes: bigint;
  license: string;
  metadata: string;
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Decode a bech32 account address of this chain, as `sdk` 7 on failure. */
export const parseAddress = parseAccAddress;

/** Datanets, rows, versions, contributor records and params; escrow and fee flows. */
export class DatanetsKeeper extends StoreKeeper<ParamsT, ParamsView> implements DatanetsRewardsRecorder {
  /**
   * `bank` is resolved lazily (the app builds its bank keeper after the modules are constructed);
   * `pool` receives fees and slashes.
   */
  constructor(
    readonly bank: () => DatanetsBankKeeper,
    private readonly pool: CommunityPoolKeeper,
  ) {
    super(STORE_PREFIX, {
      key: PARAMS_KEY,
      codec: Params,
      defaults: () => defaultDatanetsParams(),
      validate: validateDatanetsParams,
    });
  }

  // ---- reads (DatanetsReader) ----

  /** A datanet, or undefined. */
  getDatanet(ctx: Context, id: bigint): DatanetT | undefined {
    return this.readDatanet(this.store(ctx), id);
  }

  /** A datanet from a datanets-prefixed reader. */
  readDatanet(store: KVReader, id: bigint): DatanetT | undefined {
    const bz = store.get(datanetKey(id));
    return bz === undefined ? undefined : Datanet.decode(bz);
  }

  /** A row, or undefined. */
  getRow(ctx: Context, id: bigint): RowT | undefined {
    return this.readRow(this.store(ctx), id);
  }

  /** A row from a datanets-prefixed reader. */
  readRow(store: KVReader, id: bigint): RowT | undefined {
    const bz = store.get(rowKey(id));
    return bz === undefined ? undefined : Row.decode(bz);
  }

  /** A version (`number` 0 = the datanet's current version), or undefined. */
  getVersion(ctx: Context, datanetId: bigint, number: bigint): VersionT | undefined {
    const store = this.store(ctx);
    let n = number;
    if (n === 0n) {
      const d = this.readDatanet(store, datanetId);
      if (!d) return undefined;
      n = big(d.currentVersion);
      if (n === 0n) return undefined;
    }
    const bz = store.get(versionKey(datanetId, n));
    return bz === undefined ? undefined : Version.decode(bz);
  }

  /** The rows of a version (0 = current) in position order; nothing when the version does not exist. */
  *iterateVersionRows(ctx: Context, datanetId: bigint, version: bigint): IterableIterator<VersionRow> {
    const v = this.getVersion(ctx, datanetId, version);
    if (!v) return;
    const store = this.store(ctx);
    const count = big(v.rowCount);
    const start = acceptedKey(datanetId, 0n);
    const end = acceptedKey(datanetId, count);
    for (const [k, val] of store.iterator(start, end)) {
      const row = this.readRow(store, readUint64BE(val, 0));
      if (row) yield { position: readUint64BE(k, k.length - 8), row };
    }
  }

  /** True when `address` may train on the datanet: it has a version, and it is public or `address` is a member. */
  isUsableBy(ctx: Context, datanetId: bigint, address: string): boolean {
    const d = this.getDatanet(ctx, datanetId);
    if (!d || big(d.currentVersion) === 0n) return false;
    if (
      d.status !== DatanetStatus.DATANET_STATUS_PUBLISHED &&
      d.status !== DatanetStatus.DATANET_STATUS_ARCHIVED
    )
      return false;
    return d.visibility === Visibility.VISIBILITY_PUBLIC || isMember(d, address);
  }

  /** A contributor record, or undefined. */
  getContributor(ctx: Context, datanetId: bigint, address: string): ContributorRecordT | undefined {
    const bz = this.store(ctx).get(contributorKey(datanetId, parseAddress(ctx, "contributor", address)));
    return bz === undefined ? undefined : ContributorRecord.decode(bz);
  }

  /** Reward multiplier (10^18 = 1.0): reduced by `reward_reduction` at or above the penalty threshold. */
  rewardMultiplier(ctx: Context, datanetId: bigint, address: string): bigint {
    const rec = this.getContributor(ctx, datanetId, address);
    const p = this.params(ctx);
    if (rec && big(rec.penaltyScore) >= p.penaltyThreshold) return DEC_SCALE - p.rewardReduction;
    return DEC_SCALE;
  }

  /** Add to a contributor's `rewards_earned` (attribution calls this when it pays). */
  recordRewards(ctx: Context, datanetId: bigint, address: string, amount: bigint): void {
    if (amount < 0n) throw datanetsError(DatanetsCode.InvalidParams, "negative reward");
    if (!this.getDatanet(ctx, datanetId)) throw notFound(datanetId);
    const rec = this.contributorOf(ctx, datanetId, address);
    rec.rewardsEarned = (BigInt(rec.rewardsEarned || "0") + amount).toString();
    this.putContributor(ctx, rec);
    ctx.events.emit(
      datanetEvent(EventType.RewardsRecorded, datanetId, [
        ["contributor", address],
        ["amount", amount],
      ]),
    );
  }

  /** A merkle proof of an accepted row against a version (0 = current); O(rows in the version). */
  rowProof(
    ctx: Context,
    rowId: bigint,
    version: bigint,
  ): { row: RowT; version: VersionT; proof: MerkleProof } {
    const row = this.getRow(ctx, rowId);
    if (!row) throw rowNotFound(rowId);
    const datanetId = big(row.datanetId);
    const v = this.getVersion(ctx, datanetId, version);
    if (!v)
      throw datanetsError(DatanetsCode.VersionNotFound, `datanet ${datanetId} has no version ${version}`);
    const count = big(v.rowCount);
    const position = big(row.position);
    if (row.status !== RowStatus.ROW_STATUS_ACCEPTED || position >= count) {
      throw datanetsError(DatanetsCode.RowNotInVersion, `row ${rowId} is not in version ${big(v.number)}`);
    }
    const leaves: Uint8Array[] = [];
    const store = this.store(ctx);
    for (const [, val] of store.iterator(acceptedKey(datanetId, 0n), acceptedKey(datanetId, count))) {
      leaves.push(val.subarray(8, 40));
    }
    return { row, version: v, proof: singleProof(leaves, Number(position)) };
  }

  // ---- writes: datanet lifecycle ----

  /** Create a draft datanet owned by `owner`; pays the create fee. Returns its id. */
  createDatanet(ctx: Context, owner: string, meta: DatanetMeta): bigint {
    const ownerBytes = parseAddress(ctx, "owner", owner);
    const checked = this.checkMeta(ctx, meta);
    const p = this.params(ctx);
    this.payFee(ctx, ownerBytes, [p.createFee]);
    const id = this.take(ctx, NEXT_DATANET_ID_KEY);
    const d = Datanet.create({
      id: num(id),
      owner,
      ...checked,
      status: DatanetStatus.DATANET_STATUS_DRAFT,
      curators: [],
      currentVersion: 0,
      totals: { stakeHeld: "0" },
      createdHeight: ctx.header.height,
      updatedHeight: ctx.header.height,
    });
    this.putDatanet(ctx, d);
    this.indexDatanet(ctx, d, true);
    ctx.events.emit(
      datanetEvent(EventType.DatanetCreated, id, [
        ["owner", owner],
        ["name", d.name],
        ["visibility", Visibility[d.visibility] ?? ""],
        ["fee", coinStr(p.createFee)],
      ]),
    );
    return id;
  }

  /** Replace a datanet's metadata (owner only; not archived). */
  updateDatanet(ctx: Context, owner: string, id: bigint, meta: DatanetMeta): void {
    const d = this.mustOwn(ctx, id, owner);
    notArchived(d);
    const checked = this.checkMeta(ctx, meta);
    this.indexDatanet(ctx, d, false);
    Object.assign(d, checked);
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    this.indexDatanet(ctx, d, true);
    ctx.events.emit(datanetEvent(EventType.DatanetUpdated, id, [["owner", owner]]));
  }

  /** Add draft rows (owner, draft datanet). Returns their ids. */
  addRows(ctx: Context, owner: string, id: bigint, inputs: readonly RowInput[]): bigint[] {
    const d = this.mustOwn(ctx, id, owner);
    mustBeDraft(d);
    const p = this.params(ctx);
    const rows = this.checkRows(ctx, d, p, inputs);
    const ownerBytes = parseAddress(ctx, "owner", owner);
    const first = this.take(ctx, NEXT_ROW_ID_KEY, BigInt(rows.length));
    const ids: bigint[] = [];
    const store = this.store(ctx);
    rows.forEach((r, i) => {
      const rowId = first + BigInt(i);
      ids.push(rowId);
      const row = newRow(ctx, rowId, id, owner, r, RowStatus.ROW_STATUS_DRAFT, {
        denom: p.stakePerRow.denom,
        amount: 0n,
      });
      this.putRow(ctx, row);
      this.indexRow(ctx, row, ownerBytes, true);
      store.set(contentHashKey(id, r.sha), uint64BE(rowId));
    });
    const t = totals(d);
    t.rowsDraft = num(big(t.rowsDraft) + BigInt(rows.length));
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    ctx.events.emit(
      datanetEvent(EventType.RowsAdded, id, [
        ["owner", owner],
        ["count", rows.length],
        ["first_row_id", first],
        ["last_row_id", first + BigInt(rows.length) - 1n],
      ]),
    );
    return ids;
  }

  /** Delete draft rows (owner, draft datanet). */
  deleteRows(ctx: Context, owner: string, id: bigint, rowIds: readonly bigint[]): void {
    const d = this.mustOwn(ctx, id, owner);
    mustBeDraft(d);
    const p = this.params(ctx);
    checkIds(rowIds, p);
    const store = this.store(ctx);
    for (const rowId of rowIds) {
      const row = this.rowOf(ctx, id, rowId);
      if (row.status !== RowStatus.ROW_STATUS_DRAFT) throw badRowStatus(rowId, row.status, "draft");
      // Draft rows were added by whoever owned the draft then.
      this.indexRow(ctx, row, parseAddress(ctx, "contributor", row.contributor), false);
      store.delete(rowKey(rowId));
      store.delete(contentHashKey(id, row.sha256));
    }
    const t = totals(d);
    t.rowsDraft = num(big(t.rowsDraft) - BigInt(rowIds.length));
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    ctx.events.emit(
      datanetEvent(EventType.RowsDeleted, id, [
        ["owner", owner],
        ["count", rowIds.length],
        ["row_ids", rowIds.join(",")],
      ]),
    );
  }

  /** Publish a draft: its rows (in id order) become version 1; pays base + per-byte × bytes. */
  publish(ctx: Context, owner: string, id: bigint): { version: VersionT; fee: BigCoin[] } {
    const d = this.mustOwn(ctx, id, owner);
    mustBeDraft(d);
    const p = this.params(ctx);
    const store = this.store(ctx);
    const rowIds: bigint[] = [];
    const prefix = rowStatusKey(id, RowStatus.ROW_STATUS_DRAFT);
    for (const [k] of store.iterator(prefix, rowStatusKey(id, RowStatus.ROW_STATUS_DRAFT + 1))) {
      rowIds.push(readUint64BE(k, k.length - 8));
    }
    if (rowIds.length === 0) {
      throw datanetsError(DatanetsCode.InvalidRows, `datanet ${id} has no rows to publish`);
    }
    const rows = rowIds.map((r) => this.rowOf(ctx, id, r));
    let bytes = 0n;
    for (const r of rows) bytes += BigInt(byteLen(r.content));
    const fee = sumCoins([
      p.publishBaseFee,
      { denom: p.perByteFee.denom, amount: p.perByteFee.amount * bytes },
    ]);
    this.payFee(ctx, parseAddress(ctx, "owner", owner), fee);
    const version = this.acceptRows(ctx, d, rows, 1n, () => {});
    const added = new Map<string, bigint>();
    for (const r of rows) added.set(r.contributor, (added.get(r.contributor) ?? 0n) + 1n);
    for (const [addr, n] of added) {
      const rec = this.contributorOf(ctx, id, addr);
      rec.accepted = num(big(rec.accepted) + n);
      this.putContributor(ctx, rec);
    }
    const t = totals(d);
    t.rowsDraft = 0;
    this.setStatus(ctx, d, DatanetStatus.DATANET_STATUS_PUBLISHED);
    ctx.events.emit(
      datanetEvent(EventType.DatanetPublished, id, [
        ["owner", owner],
        ["version", 1n],
        ["root", Buffer.from(version.root).toString("hex")],
        ["rows", rows.length],
        ["bytes", bytes],
        ["fee", fee.map(coinStr).join(",")],
      ]),
    );
    return { version, fee };
  }

  /** Contribute rows to a published datanet; escrows the stake per row. */
  contribute(
    ctx: Context,
    contributor: string,
    id: bigint,
    inputs: readonly RowInput[],
  ): { rowIds: bigint[]; stake: BigCoin } {
    const contributorBytes = parseAddress(ctx, "contributor", contributor);
    const d = this.mustGet(ctx, id);
    notArchived(d);
    if (d.status !== DatanetStatus.DATANET_STATUS_PUBLISHED) {
      throw datanetsError(
        DatanetsCode.InvalidDatanetStatus,
        `datanet ${id} is not published: contributions go to published datanets (owners add draft rows with add-rows)`,
      );
    }
    const member = isMember(d, contributor);
    if (d.visibility !== Visibility.VISIBILITY_PUBLIC && !member) {
      throw datanetsError(
        DatanetsCode.NotAllowed,
        `datanet ${id} is private: only its owner and curators contribute`,
      );
    }
    if (d.policy?.mode === ContributionMode.CONTRIBUTION_MODE_ALLOWLIST && !member) {
      if (!(d.policy.allowlist ?? []).includes(contributor)) {
        throw datanetsError(DatanetsCode.NotAllowed, `${contributor} is not on datanet ${id}'s allowlist`);
      }
    }
    const p = this.params(ctx);
    const rows = this.checkRows(ctx, d, p, inputs);
    const perRow = effectiveStake(d, p);
    const stake: BigCoin = { denom: p.stakePerRow.denom, amount: perRow * BigInt(rows.length) };
    if (stake.amount > 0n)
      this.bank().sendCoinsFromAccountToModule(ctx, contributorBytes, MODULE_NAME, [stake]);
    const first = this.take(ctx, NEXT_ROW_ID_KEY, BigInt(rows.length));
    const rowIds: bigint[] = [];
    rows.forEach((r, i) => {
      const rowId = first + BigInt(i);
      rowIds.push(rowId);
      const row = newRow(ctx, rowId, id, contributor, r, RowStatus.ROW_STATUS_PENDING, {
        denom: stake.denom,
        amount: perRow,
      });
      this.putRow(ctx, row);
      this.indexRow(ctx, row, contributorBytes, true);
    });
    const t = totals(d);
    t.rowsPending = num(big(t.rowsPending) + BigInt(rows.length));
    t.stakeHeld = (BigInt(t.stakeHeld || "0") + stake.amount).toString();
    this.putDatanet(ctx, d);
    const rec = this.contributorOf(ctx, id, contributor);
    rec.pending = num(big(rec.pending) + BigInt(rows.length));
    this.putContributor(ctx, rec);
    ctx.events.emit(
      datanetEvent(EventType.RowsContributed, id, [
        ["contributor", contributor],
        ["count", rows.length],
        ["first_row_id", first],
        ["last_row_id", first + BigInt(rows.length) - 1n],
        ["stake", coinStr(stake)],
      ]),
    );
    return { rowIds, stake };
  }

  /** Withdraw pending rows (their contributor); the stake comes back. */
  withdraw(ctx: Context, contributor: string, id: bigint, rowIds: readonly bigint[]): BigCoin {
    const contributorBytes = parseAddress(ctx, "contributor", contributor);
    const d = this.mustGet(ctx, id);
    const p = this.params(ctx);
    checkIds(rowIds, p);
    const refunds = new CoinSum();
    for (const rowId of rowIds) {
      const row = this.rowOf(ctx, id, rowId);
      if (row.contributor !== contributor) {
        throw datanetsError(DatanetsCode.Unauthorized, `row ${rowId} was not contributed by ${contributor}`);
      }
      if (row.status !== RowStatus.ROW_STATUS_PENDING) throw badRowStatus(rowId, row.status, "pending");
      const stake = rowStake(row);
      refunds.add(stake);
      this.indexRowStatus(ctx, row, false);
      row.status = RowStatus.ROW_STATUS_WITHDRAWN;
      row.stake = { denom: stake.denom, amount: "0" };
      row.reviewedHeight = ctx.header.height;
      this.putRow(ctx, row);
      this.indexRowStatus(ctx, row, true);
    }
    const coins = refunds.coins();
    if (coins.length > 0) this.bank().sendCoinsFromModuleToAccount(ctx, MODULE_NAME, contributorBytes, coins);
    const t = totals(d);
    const n = BigInt(rowIds.length);
    t.rowsPending = num(big(t.rowsPending) - n);
    t.rowsWithdrawn = num(big(t.rowsWithdrawn) + n);
    t.stakeHeld = (BigInt(t.stakeHeld || "0") - refunds.total()).toString();
    this.putDatanet(ctx, d);
    const rec = this.contributorOf(ctx, id, contributor);
    rec.pending = num(big(rec.pending) - n);
    this.putContributor(ctx, rec);
    const refunded = coins[0] ?? { denom: p.stakePerRow.denom, amount: 0n };
    ctx.events.emit(
      datanetEvent(EventType.ContributionWithdrawn, id, [
        ["contributor", contributor],
        ["row_ids", rowIds.join(",")],
        ["refunded", coins.map(coinStr).join(",")],
      ]),
    );
    return refunded;
  }

  /**
   * Accept and reject pending rows (owner or curator). Accepted rows are appended in the order given and
   * publish one new version; a rejected row's stake is slashed by `reject_slash_fraction` to the community
   * pool (the rest goes back) and its contributor's penalty score rises by one.
   */
  review(
    ctx: Context,
    reviewer: string,
    id: bigint,
    accept: readonly bigint[],
    reject: readonly RejectionInput[],
  ): ReviewResult {
    parseAddress(ctx, "reviewer", reviewer);
    const d = this.mustGet(ctx, id);
    notArchived(d);
    if (d.status !== DatanetStatus.DATANET_STATUS_PUBLISHED) {
      throw datanetsError(DatanetsCode.InvalidDatanetStatus, `datanet ${id} is not published`);
    }
    if (d.owner !== reviewer && !(d.curators ?? []).includes(reviewer)) {
      throw datanetsError(
        DatanetsCode.Unauthorized,
        `${reviewer} is neither the owner nor a curator of datanet ${id}`,
      );
    }
    const p = this.params(ctx);
    checkIds([...accept, ...reject.map((r) => r.rowId)], p);
    for (const r of reject) {
      if (r.reason.length > MAX_REASON) {
        throw datanetsError(
          DatanetsCode.InvalidRows,
          `rejection reason longer than ${MAX_REASON} characters`,
        );
      }
    }
    const accepted = accept.map((rowId) => {
      const row = this.rowOf(ctx, id, rowId);
      if (row.status !== RowStatus.ROW_STATUS_PENDING) throw badRowStatus(rowId, row.status, "pending");
      return row;
    });
    const rejected = reject.map((r) => {
      const row = this.rowOf(ctx, id, r.rowId);
      if (row.status !== RowStatus.ROW_STATUS_PENDING) throw badRowStatus(r.rowId, row.status, "pending");
      return { row, reason: r.reason };
    });
    const store = this.store(ctx);
    const seen = new Set<string>();
    for (const row of accepted) {
      const h = Buffer.from(row.sha256).toString("hex");
      if (seen.has(h) || store.has(contentHashKey(id, row.sha256))) {
        throw datanetsError(
          DatanetsCode.DuplicateRow,
          `row ${big(row.id)} duplicates a row already in datanet ${id} (sha256 ${h})`,
        );
      }
      seen.add(h);
    }
    // Stakes: refunds per contributor (first-appearance order), slashes summed.
    const refunds = new Map<string, CoinSum>();
    const refundOf = (addr: string): CoinSum => {
      let s = refunds.get(addr);
      if (!s) {
        s = new CoinSum();
        refunds.set(addr, s);
      }
      return s;
    };
    const slashed = new CoinSum();
    let released = 0n;
    const recs = new Map<string, ContributorRecordT>();
    const recOf = (addr: string): ContributorRecordT => {
      let r = recs.get(addr);
      if (!r) {
        r = this.contributorOf(ctx, id, addr);
        recs.set(addr, r);
      }
      return r;
    };
    let version = 0n;
    let root: Uint8Array = EMPTY;
    if (accepted.length > 0) {
      version = big(d.currentVersion) + 1n;
      const v = this.acceptRows(ctx, d, accepted, version, (row) => {
        const stake = rowStake(row);
        refundOf(row.contributor).add(stake);
        released += stake.amount;
        const rec = recOf(row.contributor);
        rec.accepted = num(big(rec.accepted) + 1n);
        rec.pending = num(big(rec.pending) - 1n);
      });
      root = v.root;
    }
    for (const { row, reason } of rejected) {
      const stake = rowStake(row);
      const slash = (stake.amount * p.rejectSlashFraction) / DEC_SCALE;
      slashed.add({ denom: stake.denom, amount: slash });
      refundOf(row.contributor).add({ denom: stake.denom, amount: stake.amount - slash });
      released += stake.amount;
      this.indexRowStatus(ctx, row, false);
      row.status = RowStatus.ROW_STATUS_REJECTED;
      row.rejectionReason = reason;
      row.reviewedHeight = ctx.header.height;
      row.stake = { denom: stake.denom, amount: "0" };
      this.putRow(ctx, row);
      this.indexRowStatus(ctx, row, true);
      const rec = recOf(row.contributor);
      rec.rejected = num(big(rec.rejected) + 1n);
      rec.pending = num(big(rec.pending) - 1n);
      rec.penaltyScore = num(big(rec.penaltyScore) + 1n);
    }
    for (const rec of recs.values()) this.putContributor(ctx, rec);
    const t = totals(d);
    t.rowsPending = num(big(t.rowsPending) - BigInt(accepted.length + rejected.length));
    t.rowsRejected = num(big(t.rowsRejected) + BigInt(rejected.length));
    t.stakeHeld = (BigInt(t.stakeHeld || "0") - released).toString();
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    const slashCoins = slashed.coins();
    if (slashCoins.length > 0) this.pool.fundFromModule(ctx, MODULE_NAME, slashCoins);
    for (const [addr, sum] of refunds) {
      const coins = sum.coins();
      if (coins.length > 0) {
        this.bank().sendCoinsFromModuleToAccount(
          ctx,
          MODULE_NAME,
          parseAddress(ctx, "contributor", addr),
          coins,
        );
      }
    }
    ctx.events.emit(
      datanetEvent(EventType.ContributionsReviewed, id, [
        ["reviewer", reviewer],
        ["accepted", accept.join(",")],
        ["rejected", reject.map((r) => r.rowId).join(",")],
        ["slashed", slashCoins.map(coinStr).join(",")],
        ["version", version],
      ]),
    );
    return {
      version,
      root,
      slashed: slashCoins[0] ?? { denom: p.stakePerRow.denom, amount: 0n },
      accepted: accepted.length,
      rejected: rejected.length,
    };
  }

  /** Add a curator (owner; not archived). */
  addCurator(ctx: Context, owner: string, id: bigint, curator: string): void {
    parseAddress(ctx, "curator", curator);
    const d = this.mustOwn(ctx, id, owner);
    notArchived(d);
    const curators = d.curators ?? [];
    if (curator === d.owner)
      throw datanetsError(DatanetsCode.InvalidCurator, "the owner cannot be a curator");
    if (curators.includes(curator)) {
      throw datanetsError(DatanetsCode.InvalidCurator, `${curator} is already a curator of datanet ${id}`);
    }
    if (curators.length >= MAX_CURATORS) {
      throw datanetsError(
        DatanetsCode.InvalidCurator,
        `datanet ${id} has the maximum ${MAX_CURATORS} curators`,
      );
    }
    d.curators = [...curators, curator];
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    ctx.events.emit(datanetEvent(EventType.CuratorAdded, id, [["curator", curator]]));
  }

  /** Remove a curator (owner). */
  removeCurator(ctx: Context, owner: string, id: bigint, curator: string): void {
    const d = this.mustOwn(ctx, id, owner);
    const curators = d.curators ?? [];
    if (!curators.includes(curator)) {
      throw datanetsError(DatanetsCode.InvalidCurator, `${curator} is not a curator of datanet ${id}`);
    }
    d.curators = curators.filter((c) => c !== curator);
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    ctx.events.emit(datanetEvent(EventType.CuratorRemoved, id, [["curator", curator]]));
  }

  /** Hand a datanet to a new owner (who stops being a curator if they were one). */
  transferOwnership(ctx: Context, owner: string, id: bigint, newOwner: string): void {
    parseAddress(ctx, "new owner", newOwner);
    const d = this.mustOwn(ctx, id, owner);
    if (newOwner === owner)
      throw datanetsError(DatanetsCode.InvalidDatanet, "the new owner is the current owner");
    this.indexDatanet(ctx, d, false);
    d.owner = newOwner;
    d.curators = (d.curators ?? []).filter((c) => c !== newOwner);
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    this.indexDatanet(ctx, d, true);
    ctx.events.emit(
      datanetEvent(EventType.OwnershipTransferred, id, [
        ["from", owner],
        ["to", newOwner],
      ]),
    );
  }

  /** Archive: no more rows, contributions or reviews; pending rows stay withdrawable. */
  archive(ctx: Context, owner: string, id: bigint): void {
    const d = this.mustOwn(ctx, id, owner);
    notArchived(d);
    this.setStatus(ctx, d, DatanetStatus.DATANET_STATUS_ARCHIVED);
    ctx.events.emit(datanetEvent(EventType.DatanetArchived, id, [["owner", owner]]));
  }

  // ---- genesis support ----

  /** Write a datanet with its indexes (genesis import). */
  importDatanet(ctx: Context, d: DatanetT): void {
    this.putDatanet(ctx, d);
    this.indexDatanet(ctx, d, true);
  }

  /** Write a row with its indexes (genesis import); accepted rows must come in position order. */
  importRow(ctx: Context, row: RowT): void {
    const id = big(row.datanetId);
    const rowId = big(row.id);
    this.putRow(ctx, row);
    this.indexRow(ctx, row, parseAddress(ctx, "contributor", row.contributor), true);
    const store = this.store(ctx);
    if (row.status === RowStatus.ROW_STATUS_DRAFT || row.status === RowStatus.ROW_STATUS_ACCEPTED) {
      store.set(contentHashKey(id, row.sha256), uint64BE(rowId));
    }
    if (row.status === RowStatus.ROW_STATUS_ACCEPTED) {
      const position = big(row.position);
      const f = decodeFrontier(store.get(frontierKey(id)));
      store.set(acceptedKey(id, position), concatBytes(uint64BE(rowId), row.sha256));
      store.set(frontierKey(id), encodeFrontier(appendLeaf(f, position, row.sha256)));
    }
  }

  /** The root of a datanet's accepted rows so far. */
  currentRoot(ctx: Context, id: bigint): Uint8Array {
    return frontierRoot(decodeFrontier(this.store(ctx).get(frontierKey(id))));
  }

  /** Write a version (genesis import). */
  putVersion(ctx: Context, v: VersionT): void {
    this.store(ctx).set(versionKey(big(v.datanetId), big(v.number)), Version.encode(v).finish());
  }

  /** Write a contributor record. */
  putContributor(ctx: Context, rec: ContributorRecordT): void {
    const addr = parseAddress(ctx, "contributor", rec.address);
    this.store(ctx).set(contributorKey(big(rec.datanetId), addr), ContributorRecord.encode(rec).finish());
  }

  // ---- private ----

  private contributorOf(ctx: Context, datanetId: bigint, address: string): ContributorRecordT {
    return (
      this.getContributor(ctx, datanetId, address) ??
      ContributorRecord.create({ datanetId: num(datanetId), address, rewardsEarned: "0" })
    );
  }

  private putDatanet(ctx: Context, d: DatanetT): void {
    this.store(ctx).set(datanetKey(big(d.id)), Datanet.encode(d).finish());
  }

  private putRow(ctx: Context, row: RowT): void {
    this.store(ctx).set(rowKey(big(row.id)), Row.encode(row).finish());
  }

  private mustGet(ctx: Context, id: bigint): DatanetT {
    const d = this.getDatanet(ctx, id);
    if (!d) throw notFound(id);
    return d;
  }

  private mustOwn(ctx: Context, id: bigint, owner: string): DatanetT {
    parseAddress(ctx, "owner", owner);
    const d = this.mustGet(ctx, id);
    if (d.owner !== owner) {
      throw datanetsError(DatanetsCode.Unauthorized, `${owner} is not the owner of datanet ${id}`);
    }
    return d;
  }

  private rowOf(ctx: Context, datanetId: bigint, rowId: bigint): RowT {
    const row = this.getRow(ctx, rowId);
    if (!row || big(row.datanetId) !== datanetId) throw rowNotFound(rowId, datanetId);
    return row;
  }

  /** Append rows (in order) to the accepted sequence as version `number`; stores and returns the version. */
  private acceptRows(
    ctx: Context,
    d: DatanetT,
    rows: readonly RowT[],
    number: bigint,
    each: (row: RowT) => void,
  ): VersionT {
    const id = big(d.id);
    const store = this.store(ctx);
    const t = totals(d);
    let count = big(t.rowsAccepted);
    let bytes = big(t.bytesAccepted);
    let f = decodeFrontier(store.get(frontierKey(id)));
    for (const row of rows) {
      each(row);
      this.indexRowStatus(ctx, row, false);
      row.status = RowStatus.ROW_STATUS_ACCEPTED;
      row.version = num(number);
      row.position = num(count);
      row.reviewedHeight = ctx.header.height;
      row.stake = { denom: row.stake?.denom ?? "", amount: "0" };
      this.putRow(ctx, row);
      this.indexRowStatus(ctx, row, true);
      store.set(acceptedKey(id, count), concatBytes(uint64BE(big(row.id)), row.sha256));
      store.set(contentHashKey(id, row.sha256), uint64BE(big(row.id)));
      f = appendLeaf(f, count, row.sha256);
      count++;
      bytes += BigInt(byteLen(row.content));
    }
    store.set(frontierKey(id), encodeFrontier(f));
    t.rowsAccepted = num(count);
    t.bytesAccepted = num(bytes);
    const v = Version.create({
      datanetId: num(id),
      number: num(number),
      root: frontierRoot(f),
      rowCount: num(count),
      bytes: num(bytes),
      height: ctx.header.height,
      rowsAdded: rows.length,
    });
    this.putVersion(ctx, v);
    d.currentVersion = num(number);
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    ctx.events.emit(
      datanetEvent(EventType.VersionPublished, id, [
        ["version", number],
        ["root", Buffer.from(v.root).toString("hex")],
        ["row_count", count],
        ["bytes", bytes],
      ]),
    );
    return v;
  }

  private setStatus(ctx: Context, d: DatanetT, status: DatanetStatus): void {
    const store = this.store(ctx);
    store.delete(byStatusKey(d.status, big(d.id)));
    d.status = status;
    d.updatedHeight = ctx.header.height;
    this.putDatanet(ctx, d);
    store.set(byStatusKey(status, big(d.id)), EMPTY);
  }

  private indexDatanet(ctx: Context, d: DatanetT, add: boolean): void {
    const store = this.store(ctx);
    const id = big(d.id);
    const keys = [
      byOwnerKey(parseAddress(ctx, "owner", d.owner), id),
      byStatusKey(d.status, id),
      ...(d.tags ?? []).map((t) => byTagKey(t, id)),
    ];
    for (const k of keys) {
      if (add) store.set(k, EMPTY);
      else store.delete(k);
    }
  }

  private indexRow(ctx: Context, row: RowT, contributor: Uint8Array, add: boolean): void {
    const store = this.store(ctx);
    const id = big(row.datanetId);
    const rowId = big(row.id);
    for (const k of [datanetRowKey(id, rowId), rowContributorKey(id, contributor, rowId)]) {
      if (add) store.set(k, EMPTY);
      else store.delete(k);
    }
    this.indexRowStatus(ctx, row, add);
  }

  private indexRowStatus(ctx: Context, row: RowT, add: boolean): void {
    const k = rowStatusKey(big(row.datanetId), row.status, big(row.id));
    if (add) this.store(ctx).set(k, EMPTY);
    else this.store(ctx).delete(k);
  }

  private payFee(ctx: Context, from: Uint8Array, fee: readonly BigCoin[]): void {
    const coins = sumCoins(fee);
    if (coins.length > 0) this.pool.fundFromAccount(ctx, from, coins);
  }

  private checkMeta(
    ctx: Context,
    m: DatanetMeta,
  ): Omit<DatanetMeta, "policy"> & { policy: ContributionPolicy } {
    const bad = (msg: string) => datanetsError(DatanetsCode.InvalidDatanet, msg);
    const name = m.name.trim();
    if (name.length === 0 || m.name.length > MAX_NAME) throw bad(`name must be 1 to ${MAX_NAME} characters`);
    if (m.summary.length > MAX_SUMMARY) throw bad(`summary longer than ${MAX_SUMMARY} characters`);
    if (byteLen(m.description) > MAX_DESCRIPTION_BYTES) {
      throw bad(`description longer than ${MAX_DESCRIPTION_BYTES} bytes`);
    }
    if (m.tags.length > MAX_TAGS) throw bad(`more than ${MAX_TAGS} tags`);
    const tags = new Set<string>();
    for (const t of m.tags) {
      if (!TAG_RE.test(t))
        throw bad(`invalid tag ${JSON.stringify(t)}: lowercase [a-z0-9._-], 1 to 64 characters`);
      if (tags.has(t)) throw bad(`duplicate tag ${t}`);
      tags.add(t);
    }
    if (m.license.length > MAX_LICENSE) throw bad(`license longer than ${MAX_LICENSE} characters`);
    if (m.visibility !== Visibility.VISIBILITY_PUBLIC && m.visibility !== Visibility.VISIBILITY_PRIVATE) {
      throw bad("visibility must be public or private");
    }
    const policy = m.policy ?? {};
    let mode = policy.mode ?? ContributionMode.CONTRIBUTION_MODE_UNSPECIFIED;
    if (mode === ContributionMode.CONTRIBUTION_MODE_UNSPECIFIED)
      mode = ContributionMode.CONTRIBUTION_MODE_OPEN;
    if (
      mode !== ContributionMode.CONTRIBUTION_MODE_OPEN &&
      mode !== ContributionMode.CONTRIBUTION_MODE_ALLOWLIST
    ) {
      throw bad("contribution mode must be open or allowlist");
    }
    const allowlist = [...(policy.allowlist ?? [])];
    if (allowlist.length > MAX_ALLOWLIST) throw bad(`more than ${MAX_ALLOWLIST} allowlisted addresses`);
    if (new Set(allowlist).size !== allowlist.length) throw bad("duplicate allowlist address");
    for (const a of allowlist) parseAddress(ctx, "allowlist", a);
    const stake = policy.stakePerRow ?? "";
    if (stake !== "" && !/^[0-9]{1,78}$/.test(stake))
      throw bad("stake_per_row must be a non-negative integer");
    const maxRowBytes = big(policy.maxRowBytes);
    if (maxRowBytes > MAX_SAFE_U32) throw bad("max_row_bytes too large");
    return {
      name: m.name,
      summary: m.summary,
      description: m.description,
      tags: [...m.tags],
      license: m.license,
      visibility: m.visibility,
      policy: {
        mode,
        allowlist,
        stakePerRow: stake === "" ? "0" : BigInt(stake).toString(),
        maxRowBytes: num(maxRowBytes),
      },
    };
  }

  private checkRows(ctx: Context, d: DatanetT, p: ParamsView, inputs: readonly RowInput[]): CheckedRow[] {
    if (inputs.length === 0) throw datanetsError(DatanetsCode.InvalidRows, "no rows");
    if (BigInt(inputs.length) > p.maxRowsPerMessage) {
      throw datanetsError(DatanetsCode.InvalidRows, `more than ${p.maxRowsPerMessage} rows in one message`);
    }
    const policyMax = big(d.policy?.maxRowBytes);
    const max = policyMax > 0n && policyMax < p.maxRowBytes ? policyMax : p.maxRowBytes;
    const store = this.store(ctx);
    const id = big(d.id);
    const seen = new Set<string>();
    return inputs.map((input, i) => {
      const content = input.content ?? "";
      const bytes = BigInt(byteLen(content));
      if (bytes === 0n) throw datanetsError(DatanetsCode.InvalidRows, `row ${i} is empty`);
      if (bytes > max) {
        throw datanetsError(DatanetsCode.RowTooLarge, `row ${i} is ${bytes} bytes; the maximum is ${max}`);
      }
      const license = input.license ?? "";
      const metadata = input.metadata ?? "";
      if (license.length > MAX_LICENSE) {
        throw datanetsError(
          DatanetsCode.InvalidRows,
          `row ${i}: license longer than ${MAX_LICENSE} characters`,
        );
      }
      if (byteLen(metadata) > MAX_METADATA_BYTES) {
        throw datanetsError(
          DatanetsCode.InvalidRows,
          `row ${i}: metadata longer than ${MAX_METADATA_BYTES} bytes`,
        );
      }
      const sha = sha256(Buffer.from(content, "utf8"));
      const h = Buffer.from(sha).toString("hex");
      if (seen.has(h))
        throw datanetsError(DatanetsCode.DuplicateRow, `row ${i} repeats an earlier row of the message`);
      seen.add(h);
      if (store.has(contentHashKey(id, sha))) {
        throw datanetsError(DatanetsCode.DuplicateRow, `row ${i} is already in datanet ${id} (sha256 ${h})`);
      }
      return { content, sha, bytes, license, metadata };
    });
  }
}

// ---- helpers ----

const MAX_SAFE_U32 = 0xffff_ffffn;

function isMember(d: DatanetT, address: string): boolean {
  return d.owner === address || (d.curators ?? []).includes(address);
}

function notFound(id: bigint): CodedError {
  return datanetsError(DatanetsCode.DatanetNotFound, `datanet ${id} not found`);
}

function rowNotFound(id: bigint, datanetId?: bigint): CodedError {
  return datanetsError(
    DatanetsCode.RowNotFound,
    datanetId === undefined ? `row ${id} not found` : `row ${id} not found in datanet ${datanetId}`,
  );
}

function badRowStatus(id: bigint, status: RowStatus, want: string): CodedError {
  return datanetsError(
    DatanetsCode.InvalidRowStatus,
    `row ${id} is ${(RowStatus[status] ?? "unknown").replace("ROW_STATUS_", "").toLowerCase()}, not ${want}`,
  );
}

function notArchived(d: DatanetT): void {
  if (d.status === DatanetStatus.DATANET_STATUS_ARCHIVED) {
    throw datanetsError(DatanetsCode.Archived, `datanet ${big(d.id)} is archived`);
  }
}

function mustBeDraft(d: DatanetT): void {
  notArchived(d);
  if (d.status !== DatanetStatus.DATANET_STATUS_DRAFT) {
    throw datanetsError(DatanetsCode.InvalidDatanetStatus, `datanet ${big(d.id)} is not a draft`);
  }
}

function checkIds(ids: readonly bigint[], p: ParamsView): void {
  if (ids.length === 0) throw datanetsError(DatanetsCode.InvalidRows, "no row ids");
  if (BigInt(ids.length) > p.maxRowsPerMessage) {
    throw datanetsError(DatanetsCode.InvalidRows, `more than ${p.maxRowsPerMessage} row ids in one message`);
  }
  if (new Set(ids.map(String)).size !== ids.length)
    throw datanetsError(DatanetsCode.InvalidRows, "duplicate row id");
}

function totals(d: DatanetT): NonNullable<DatanetT["totals"]> {
  if (!d.totals) d.totals = { stakeHeld: "0" } as NonNullable<DatanetT["totals"]>;
  return d.totals;
}

function effectiveStake(d: DatanetT, p: ParamsView): bigint {
  const own = BigInt(d.policy?.stakePerRow || "0");
  return own > p.stakePerRow.amount ? own : p.stakePerRow.amount;
}

function rowStake(row: RowT): BigCoin {
  return { denom: row.stake?.denom ?? "", amount: BigInt(row.stake?.amount || "0") };
}

function newRow(
  ctx: Context,
  rowId: bigint,
  datanetId: bigint,
  contributor: string,
  r: CheckedRow,
  status: RowStatus,
  stake: BigCoin,
): RowT {
  return Row.create({
    id: num(rowId),
    datanetId: num(datanetId),
    contributor,
    content: r.content,
    sha256: r.sha,
    license: r.license,
    metadata: r.metadata,
    status,
    stake: { denom: stake.denom, amount: stake.amount.toString() },
    createdHeight: ctx.header.height,
  });
}

function coinStr(c: BigCoin): string {
  return `${c.amount}${c.denom}`;
}

/** Sum coins by denom, dropping zeros, sorted by denom. */
function sumCoins(coins: readonly BigCoin[]): BigCoin[] {
  const s = new CoinSum();
  for (const c of coins) s.add(c);
  return s.coins();
}

/** A small by-denom accumulator. */
class CoinSum {
  private readonly m = new Map<string, bigint>();
  add(c: BigCoin): void {
    this.m.set(c.denom, (this.m.get(c.denom) ?? 0n) + c.amount);
  }
  coins(): BigCoin[] {
    return [...this.m]
      .filter(([, a]) => a > 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([denom, amount]) => ({ denom, amount }));
  }
  total(): bigint {
    let t = 0n;
    for (const a of this.m.values()) t += a;
    return t;
  }
}

/** One inclusion proof for `leaves[index]` (CometBFT layout: aunts from the leaf upwards). */
export function singleProof(leaves: readonly Uint8Array[], index: number): MerkleProof {
  const aunts: Uint8Array[] = [];
  let start = 0;
  let end = leaves.length;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      aunts.push(hashFromByteSlices(leaves.slice(start + k, end)));
      end = start + k;
    } else {
      aunts.push(hashFromByteSlices(leaves.slice(start, start + k)));
      start += k;
    }
  }
  aunts.reverse();
  return { total: leaves.length, index, leafHash: leafHash(leaves[index]!), aunts };
}
