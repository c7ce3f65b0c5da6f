import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { AbciEvent } from "../../../src/abci/types.js";
import type { OpenLedgerApp } from "../../../src/app/app.js";
import type { Context } from "../../../src/app/types.js";
import { sha256 } from "../../../src/crypto/hash.js";
import {
  COMMUNITY_POOL_MODULE,
  DATANETS,
  DatanetsCode,
  DatanetsModule,
  datanetsRegistryTypes,
  MODULE_NAME,
} from "../../../src/modules/datanets/index.js";
import { defaultDatanetsParams } from "../../../src/modules/datanets/params.js";
import {
  big,
  ContributorRecord,
  DatanetStatus,
  MsgContributeResponse,
  MsgCreateDatanetResponse,
  MsgReviewContributionsResponse,
  QueryContributorRequest,
  QueryContributorResponse,
  QueryDatanetRequest,
  QueryDatanetResponse,
  QueryDatanetsRequest,
  QueryDatanetsResponse,
  QueryRowProofRequest,
  QueryRowProofResponse,
  QueryRowsRequest,
  QueryRowsResponse,
  QueryVersionRequest,
  QueryVersionResponse,
  RowStatus,
  Visibility,
} from "../../../src/modules/datanets/proto.js";
import {
  createTestApp,
  runBlock,
  type TestAccount,
  type TestApp,
  testRegistry,
} from "../../../src/testing/index.js";
import { utf8 } from "../../../src/types/bytes.js";
import { CodedError } from "../../../src/types/errors.js";
import { hashFromByteSlices, verifyMerkleProof } from "../../../src/types/merkle.js";
import { appFromExport, olMsg, TxChain, txResponse } from "../moduleChain.js";

for (const [url, type] of datanetsRegistryTypes) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

const GAS = 20_000_000n;
const P = defaultDatanetsParams();
const CREATE_FEE = BigInt(P.createFee!.amount!);
const BASE_FEE = BigInt(P.publishBaseFee!.amount!);
const PER_BYTE = BigInt(P.perByteFee!.amount!);
const STAKE = BigInt(P.stakePerRow!.amount!);
const SLASH = BigInt(P.rejectSlashFraction!);
const DEC = 10n ** 18n;

/** A test chain with the datanets module, tracking account sequences. */
class Chain extends TxChain {
  constructor(
    readonly t: TestApp,
    readonly module: DatanetsModule,
  ) {
    super(t.app, t.chainId, GAS, "/openledger.datanets.v1.Query");
  }

  static async create(): Promise<Chain> {
    const ref: { app?: OpenLedgerApp } = {};
    const module = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const t = await createTestApp({
      modules: [module],
      accounts: 5,
      app: { checkInvariantsEveryBlock: true },
    });
    ref.app = t.app;
    await runBlock(t.app, []);
    return new Chain(t, module);
  }

  acc(i: number): TestAccount {
    return this.t.accounts[i]!;
  }

  /** The tx fails with the code; datanets state and balances are unchanged (the gas fee is zero here). */
  fails(signer: TestAccount, msgs: EncodeObject[], code: DatanetsCode, codespace = DATANETS): Promise<void> {
    return this.failsUnchanged(signer, msgs, { code, codespace, modules: [MODULE_NAME] });
  }

  override balances(): Promise<bigint[]> {
    return this.balancesOf([
      ...this.t.accounts.map((a) => a.address),
      this.app.moduleAccountAddress(MODULE_NAME),
      this.app.moduleAccountAddress(COMMUNITY_POOL_MODULE),
    ]);
  }

  async datanet(id: number) {
    return this.query(
      "Datanet",
      QueryDatanetRequest.encode({ id }).finish(),
      (b) => QueryDatanetResponse.decode(b).datanet!,
    );
  }
}

function msg(name: string, value: Record<string, unknown>): EncodeObject {
  return olMsg("datanets", name, value);
}

const response = txResponse;

function attrs(events: readonly AbciEvent[], type: string): Record<string, string>[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

const createMsg = (owner: string, extra: Record<string, unknown> = {}) =>
  msg("MsgCreateDatanet", {
    owner,
    name: "Medical QA",
    summary: "questions and answers",
    description: "# Medical QA\n\nCurated.",
    tags: ["medical", "qa"],
    license: "CC-BY-4.0",
    visibility: Visibility.VISIBILITY_PUBLIC,
    ...extra,
  });

const rows = (...contents: string[]) => contents.map((content) => ({ content, license: "", metadata: "" }));
const bytesOf = (...contents: string[]) => contents.reduce((n, c) => n + BigInt(Buffer.byteLength(c)), 0n);

describe("datanets lifecycle", () => {
  let c: Chain;
  let owner: TestAccount;
  let alice: TestAccount;
  let bob: TestAccount;
  let curator: TestAccount;
  const id = 1;

  before(async () => {
    c = await Chain.create();
    owner = c.acc(0);
    alice = c.acc(1);
    bob = c.acc(2);
    curator = c.acc(3);
  });

  it("creates a draft datanet, paying the create fee to the community pool", async () => {
    const pool = c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE);
    const before = await c.balance(owner.address);
    const r = await c.ok(owner, [createMsg(owner.address)]);
    assert.equal(big(response(r, (b) => MsgCreateDatanetResponse.decode(b)).id), 1n);
    assert.equal(await c.balance(owner.address), before - CREATE_FEE);
    assert.equal(await c.balance(pool), CREATE_FEE);
    const d = await c.datanet(id);
    assert.equal(d.status, DatanetStatus.DATANET_STATUS_DRAFT);
    assert.equal(attrs(r.events, "datanet_created")[0]!["datanet_id"], "1");
  });

  it("adds and deletes draft rows, refusing duplicates and oversize rows", async () => {
    await c.ok(owner, [
      msg("MsgAddRows", { owner: owner.address, datanetId: id, rows: rows("d1", "d2", "junk") }),
    ]);
    await c.ok(owner, [msg("MsgDeleteRows", { owner: owner.address, datanetId: id, rowIds: [3] })]);
    await c.fails(
      owner,
      [msg("MsgAddRows", { owner: owner.address, datanetId: id, rows: rows("d1") })],
      DatanetsCode.DuplicateRow,
    );
    await c.fails(
      owner,
      [msg("MsgAddRows", { owner: owner.address, datanetId: id, rows: rows("x".repeat(65_537)) })],
      DatanetsCode.RowTooLarge,
    );
    await c.fails(
      alice,
      [msg("MsgAddRows", { owner: alice.address, datanetId: id, rows: rows("d9") })],
      DatanetsCode.Unauthorized,
    );
    await c.fails(
      alice,
      [msg("MsgContribute", { contributor: alice.address, datanetId: id, rows: rows("early") })],
      DatanetsCode.InvalidDatanetStatus,
    );
  });

  it("publishes version 1 with fee = base + per-byte × bytes", async () => {
    const before = await c.balance(owner.address);
    const poolBefore = await c.balance(c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE));
    await c.ok(owner, [msg("MsgPublishDatanet", { owner: owner.address, datanetId: id })]);
    const fee = BASE_FEE + PER_BYTE * bytesOf("d1", "d2");
    assert.equal(await c.balance(owner.address), before - fee);
    assert.equal(await c.balance(c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE)), poolBefore + fee);
    const v = await c.query(
      "Version",
      QueryVersionRequest.encode({ datanetId: id, number: 1 }).finish(),
      (b) => QueryVersionResponse.decode(b).version!,
    );
    assert.equal(big(v.rowCount), 2n);
    assert.deepEqual(
      Buffer.from(v.root!),
      Buffer.from(hashFromByteSlices([sha256(utf8("d1")), sha256(utf8("d2"))])),
    );
    assert.equal((await c.datanet(id)).status, DatanetStatus.DATANET_STATUS_PUBLISHED);
  });

  it("escrows stakes on contribution; review accepts and rejects in one go with exact accounting", async () => {
    await c.ok(owner, [
      msg("MsgAddCurator", { owner: owner.address, datanetId: id, curator: curator.address }),
    ]);
    const escrow = c.app.moduleAccountAddress(MODULE_NAME);
    const pool = c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE);
    const a0 = await c.balance(alice.address);
    const r = await c.ok(alice, [
      msg("MsgContribute", {
        contributor: alice.address,
        datanetId: id,
        rows: rows("a1", "a2", "a3", "d1x"),
      }),
    ]);
    const ids = response(r, (b) => MsgContributeResponse.decode(b)).rowIds.map(big);
    assert.deepEqual(ids, [4n, 5n, 6n, 7n]);
    assert.equal(await c.balance(alice.address), a0 - 4n * STAKE);
    assert.equal(await c.balance(escrow), 4n * STAKE);
    // A duplicate of an accepted row is refused at contribution.
    await c.fails(
      bob,
      [msg("MsgContribute", { contributor: bob.address, datanetId: id, rows: rows("d2") })],
      DatanetsCode.DuplicateRow,
    );
    // Unauthorised review.
    await c.fails(
      bob,
      [msg("MsgReviewContributions", { reviewer: bob.address, datanetId: id, accept: [4] })],
      DatanetsCode.Unauthorized,
    );
    // Withdraw one pending row: its stake comes back.
    await c.ok(alice, [
      msg("MsgWithdrawContribution", { contributor: alice.address, datanetId: id, rowIds: [7] }),
    ]);
    assert.equal(await c.balance(alice.address), a0 - 3n * STAKE);
    const poolBefore = await c.balance(pool);
    const rr = await c.ok(curator, [
      msg("MsgReviewContributions", {
        reviewer: curator.address,
        datanetId: id,
        accept: [5, 4],
        reject: [{ rowId: 6, reason: "off topic" }],
      }),
    ]);
    const rev = response(rr, (b) => MsgReviewContributionsResponse.decode(b));
    assert.equal(big(rev.version), 2n);
    const slash = (STAKE * SLASH) / DEC;
    assert.equal(rev.slashed!.amount, slash.toString());
    assert.equal(await c.balance(alice.address), a0 - slash);
    assert.equal(await c.balance(escrow), 0n);
    assert.equal(await c.balance(pool), poolBefore + slash);
    const v2 = await c.query(
      "Version",
      QueryVersionRequest.encode({ datanetId: id, number: 0 }).finish(),
      (b) => QueryVersionResponse.decode(b).version!,
    );
    const leaves = ["d1", "d2", "a2", "a1"].map((s) => sha256(utf8(s)));
    assert.equal(big(v2.number), 2n);
    assert.deepEqual(Buffer.from(v2.root!), Buffer.from(hashFromByteSlices(leaves)));
    // Proofs of every row of version 2, and of row 1 against version 1.
    for (const rowId of [1, 2, 5, 4]) {
      const p = await c.query("RowProof", QueryRowProofRequest.encode({ rowId }).finish(), (b) =>
        QueryRowProofResponse.decode(b),
      );
      const proof = {
        total: Number(big(p.proof!.total)),
        index: Number(big(p.proof!.index)),
        leafHash: p.proof!.leafHash!,
        aunts: p.proof!.aunts!,
      };
      assert.ok(verifyMerkleProof(proof, v2.root!, sha256(utf8(p.row!.content!))));
    }
    const rec = await c.query(
      "Contributor",
      QueryContributorRequest.encode({ datanetId: id, address: alice.address }).finish(),
      (b) => QueryContributorResponse.decode(b).record!,
    );
    assert.deepEqual(
      ContributorRecord.toObject(ContributorRecord.create(rec), { longs: String, defaults: true }),
      {
        datanetId: "1",
        address: alice.address,
        accepted: "2",
        rejected: "1",
        penaltyScore: "1",
        rewardsEarned: "0",
        pending: "0",
      },
    );
    // Rows by status / version.
    const rejected = await c.query(
      "Rows",
      QueryRowsRequest.encode({ datanetId: id, status: RowStatus.ROW_STATUS_REJECTED }).finish(),
      (b) => QueryRowsResponse.decode(b).rows,
    );
    assert.deepEqual(
      rejected.map((r) => [big(r.id), r.rejectionReason]),
      [[6n, "off topic"]],
    );
    const v1rows = await c.query(
      "Rows",
      QueryRowsRequest.encode({ datanetId: id, version: 1 }).finish(),
      (b) => QueryRowsResponse.decode(b).rows,
    );
    assert.deepEqual(
      v1rows.map((r) => r.content),
      ["d1", "d2"],
    );
    const deep = await c.query(
      "Rows",
      QueryRowsRequest.encode({ datanetId: id, version: 2, pagination: { offset: 2, limit: 1 } }).finish(),
      (b) => QueryRowsResponse.decode(b),
    );
    assert.deepEqual(
      deep.rows.map((r) => r.content),
      ["a2"],
    );
    assert.equal(deep.pagination!.nextKey!.length, 8);
    const mine = await c.query(
      "Rows",
      QueryRowsRequest.encode({ datanetId: id, contributor: alice.address }).finish(),
      (b) => QueryRowsResponse.decode(b).rows,
    );
    assert.deepEqual(
      mine.map((r) => big(r.id)),
      [4n, 5n, 6n, 7n],
    );
    // Already-reviewed rows cannot be reviewed again; a duplicate pending row cannot be accepted.
    await c.ok(bob, [msg("MsgContribute", { contributor: bob.address, datanetId: id, rows: rows("b1") })]);
    await c.ok(alice, [
      msg("MsgContribute", { contributor: alice.address, datanetId: id, rows: rows("b1") }),
    ]);
    await c.fails(
      owner,
      [msg("MsgReviewContributions", { reviewer: owner.address, datanetId: id, accept: [8, 9] })],
      DatanetsCode.DuplicateRow,
    );
    await c.fails(
      owner,
      [msg("MsgReviewContributions", { reviewer: owner.address, datanetId: id, accept: [4] })],
      DatanetsCode.InvalidRowStatus,
    );
    await c.ok(owner, [
      msg("MsgReviewContributions", { reviewer: owner.address, datanetId: id, accept: [8] }),
    ]);
    await c.fails(
      owner,
      [msg("MsgReviewContributions", { reviewer: owner.address, datanetId: id, accept: [9] })],
      DatanetsCode.DuplicateRow,
    );
  });

  it("finds datanets by owner, tag and status", async () => {
    const list = async (req: Record<string, unknown>) =>
      c.query("Datanets", QueryDatanetsRequest.encode(req).finish(), (b) =>
        QueryDatanetsResponse.decode(b).datanets.map((d) => big(d.id)),
      );
    assert.deepEqual(await list({ owner: owner.address }), [1n]);
    assert.deepEqual(await list({ tag: "medical" }), [1n]);
    assert.deepEqual(await list({ tag: "nothing" }), []);
    assert.deepEqual(await list({ status: DatanetStatus.DATANET_STATUS_PUBLISHED }), [1n]);
  });

  it("refuses contributions to private datanets and archived ones", async () => {
    await c.ok(bob, [
      createMsg(bob.address, { name: "private", tags: [], visibility: Visibility.VISIBILITY_PRIVATE }),
    ]);
    await c.ok(bob, [msg("MsgAddRows", { owner: bob.address, datanetId: 2, rows: rows("p1") })]);
    await c.ok(bob, [msg("MsgPublishDatanet", { owner: bob.address, datanetId: 2 })]);
    await c.fails(
      alice,
      [msg("MsgContribute", { contributor: alice.address, datanetId: 2, rows: rows("p2") })],
      DatanetsCode.NotAllowed,
    );
    await c.ok(bob, [msg("MsgArchiveDatanet", { owner: bob.address, datanetId: 2 })]);
    await c.fails(
      bob,
      [msg("MsgContribute", { contributor: bob.address, datanetId: 2, rows: rows("p3") })],
      DatanetsCode.Archived,
    );
    assert.equal(c.module.keeper.isUsableBy(ctxOf(c), 2n, alice.address), false);
    assert.equal(c.module.keeper.isUsableBy(ctxOf(c), 2n, bob.address), true);
    assert.equal(c.module.keeper.isUsableBy(ctxOf(c), 1n, alice.address), true);
  });

  it("iterates version rows in order for models and attribution", () => {
    const got = [...c.module.keeper.iterateVersionRows(ctxOf(c), 1n, 2n)].map((r) => [
      r.position,
      r.row.content,
    ]);
    assert.deepEqual(got, [
      [0n, "d1"],
      [1n, "d2"],
      [2n, "a2"],
      [3n, "a1"],
    ]);
  });

  it("transfers ownership and updates params only through gov", async () => {
    await c.ok(owner, [
      msg("MsgTransferOwnership", { owner: owner.address, datanetId: id, newOwner: curator.address }),
    ]);
    const d = await c.datanet(id);
    assert.equal(d.owner, curator.address);
    assert.deepEqual(d.curators, []);
    await c.fails(
      alice,
      [msg("MsgUpdateParams", { authority: alice.address, params: defaultDatanetsParams() })],
      13,
      "gov",
    );
  });

  it("round-trips genesis with datanets in it", async () => {
    const exported = c.app.exportGenesis();
    const ref: { app?: OpenLedgerApp } = {};
    const module = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const app2 = await appFromExport(c.t.chainId, [module], exported, ref);
    assert.deepEqual(app2.exportGenesis()[MODULE_NAME], exported[MODULE_NAME]);
    assert.deepEqual(app2.checkInvariants(), []);
    assert.deepEqual(c.app.checkInvariants(), []);
    // A tampered row (content no longer matching its hash) is refused with a coded error.
    const tampered = structuredClone(exported[MODULE_NAME]) as { rows: { content: string }[] };
    tampered.rows[0]!.content = "tampered";
    assert.throws(
      () => module.validateGenesis(tampered, app2.chain),
      (e: unknown) =>
        e instanceof CodedError && e.codespace === DATANETS && e.code === DatanetsCode.InvalidGenesis,
    );
    const g = exported[MODULE_NAME] as { rows: unknown[]; versions: unknown[] };
    assert.equal(g.rows.length, 9);
    assert.equal(g.versions.length, 4);
  });
});

/** A read-only context over the latest state (the app's private query context). */
function ctxOf(c: Chain): Context {
  return (c.app as unknown as { queryContext(height: number): Context }).queryContext(c.app.header.height);
}
