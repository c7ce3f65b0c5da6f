import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { ExecTxResult } from "../../../src/abci/types.js";
import type { OpenLedgerApp } from "../../../src/app/app.js";
import { ReadOnlyStore } from "../../../src/app/prefixStore.js";
import { toProtoNames } from "../../../src/app/protoJson.js";
import type { Context } from "../../../src/app/types.js";
import { tokenize } from "../../../src/attribution/engine/index.js";
import {
  ATTRIBUTION,
  AttributionCode,
  AttributionModule,
  attributionRegistryTypes,
  defaultAttributionParams,
  type InferenceRequestData,
  MODULE_NAME,
  parseAttributionGenesis,
  requestProto,
  signRequest,
} from "../../../src/modules/attribution/index.js";
import {
  Params as AttrParams,
  big,
  MsgClaimRewardsResponse,
  MsgSettleInferenceResponse,
  QueryExplainRequest,
  QueryExplainResponse,
  QueryInferencesByAddressRequest,
  QueryInferencesResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
  QueryRowEarningsRequest,
  QueryRowEarningsResponse,
} from "../../../src/modules/attribution/proto.js";
import {
  DatanetsModule,
  datanetsRegistryTypes,
  defaultDatanetsParams,
} from "../../../src/modules/datanets/index.js";
import { Params as DnParams, Visibility } from "../../../src/modules/datanets/proto.js";
import { defaultModelsParams, ModelsModule, modelsRegistryTypes } from "../../../src/modules/models/index.js";
import {
  ModelKind,
  ModelStatus,
  Params as ModelsParams,
  OperatorStatus,
} from "../../../src/modules/models/proto.js";
import type { StakingStack } from "../../../src/modules/staking/stack.js";
import type { StateStore } from "../../../src/store/index.js";
import {
  createTestApp,
  runBlock,
  signTx,
  type TestAccount,
  testRegistry,
} from "../../../src/testing/index.js";
import { testContext } from "../../helpers/context.js";
import { olMsg, TxChain, txResponse } from "../moduleChain.js";

for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes, ...attributionRegistryTypes]) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

const GAS = 50_000_000n;
const OPEN = 10n ** 18n;
const DEC = 10n ** 18n;
const AP = defaultAttributionParams();
const PLATFORM = BigInt(AP.platformFee!.amount!);
const IN_PRICE = 1000n;
const OUT_PRICE = 2_000_000n;

const ROW_A = "the quick brown fox jumps over the lazy dog near the river bank every single morning";
const ROW_B = "purple elephants were dancing slowly in the silver moonlight above the quiet old harbour";
const ROW_C = "spam spam spam";
const OUTPUT =
  "they said the quick brown fox jumps over the lazy dog near the river and purple elephants were dancing slowly in the silver moonlight";

const dn = (n: string, v: Record<string, unknown>) => olMsg("datanets", n, v);
const mm = (n: string, v: Record<string, unknown>) => olMsg("models", n, v);
const at = (n: string, v: Record<string, unknown>) => olMsg("attribution", n, v);
const rows = (...c: string[]) => c.map((content) => ({ content, license: "", metadata: "" }));
const aopen = (amount: bigint) => ({ denom: "aopen", amount: amount.toString() });

class Chain extends TxChain {
  constructor(
    app: OpenLedgerApp,
    readonly accounts: TestAccount[],
    chainId: string,
    readonly store: StateStore,
    readonly stack: StakingStack,
    readonly attribution: AttributionModule,
  ) {
    super(app, chainId, GAS, "/openledger.attribution.v1.Query");
  }

  static async create(unservedOp: TestAccount, modelOwner: TestAccount): Promise<Chain> {
    const ref: { app?: OpenLedgerApp; stack?: StakingStack } = {};
    const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const models = new ModelsModule({ bank: () => ref.app!.bankKeeper, datanets: () => datanets.keeper });
    const attribution = new AttributionModule({
      bank: () => ref.app!.bankKeeper,
      accounts: () => ref.app!.authKeeper,
      communityPool: () => ref.stack!.distribution,
      models: () => models.keeper,
      datanets: () => datanets.keeper,
    });
    const dnp = DnParams.create({ ...defaultDatanetsParams(), penaltyThreshold: 1 });
    const mp = defaultModelsParams();
    const json = (codec: { toObject(m: never, o: object): unknown }, m: unknown) =>
      toProtoNames(codec.toObject(m as never, { longs: String, enums: String, defaults: true }));
    const t = await createTestApp({
      staking: true,
      modules: [datanets, models, attribution],
      accounts: 8,
      app: { checkInvariantsEveryBlock: true },
      genesis: {
        moduleStates: {
          datanets: { params: json(DnParams, dnp) },
          models: {
            params: json(ModelsParams as never, mp),
            // Model 1 pins a datanet version that is never published; `unservedOp` serves it.
            models: [
              {
                id: "1",
                owner: modelOwner.address,
                name: "ghost",
                base_model: "ngram-kn-v1",
                kind: "MODEL_KIND_NGRAM",
                artifact: { sha256: "ab".repeat(32), size: "1", uri: "file:///x" },
                datanets: [{ datanet_id: "1", version: "9" }],
                input_price: "0",
                output_price: "0",
                status: "MODEL_STATUS_ACTIVE",
              },
            ],
            operators: [
              {
                address: unservedOp.address,
                endpoint: "http://127.0.0.1:1",
                bond: "0",
                models: ["1"],
                status: "OPERATOR_STATUS_ACTIVE",
              },
            ],
            next_model_id: "2",
            next_job_id: "1",
          },
        },
      },
    });
    ref.app = t.app;
    ref.stack = t.staking!;
    await runBlock(t.app, []);
    return new Chain(t.app, t.accounts, t.chainId, t.store, t.staking!, attribution);
  }

  get height(): number {
    return this.store.version;
  }

  /** The tx fails with the code, and neither attribution nor datanets state nor any balance changes. */
  fails(signer: TestAccount, msgs: EncodeObject[], code: number, codespace = ATTRIBUTION): Promise<void> {
    return this.failsUnchanged(signer, msgs, { code, codespace, modules: [MODULE_NAME, "datanets"] });
  }

  override balances(): Promise<bigint[]> {
    return this.balancesOf([
      ...this.accounts.map((a) => a.address),
      this.app.moduleAccountAddress(MODULE_NAME),
    ]);
  }

  async rewards(address: string) {
    return this.query(
      "Rewards",
      QueryRewardsRequest.encode({ address }).finish(),
      (b) => QueryRewardsResponse.decode(b).rewards!,
    );
  }

  ctx(): Context {
    return testContext(new ReadOnlyStore(this.store.working), { height: this.height, chainId: this.chainId });
  }

  communityPool(): bigint {
    const pool = this.stack.distribution.getCommunityPool(this.ctx());
    return (pool.find((c) => c.denom === "aopen")?.amount ?? 0n) / DEC;
  }
}

const response = txResponse;

function attrsOf(r: ExecTxResult, type: string): Record<string, string> {
  const e = r.events.find((x) => x.type === type);
  assert.ok(e, `no ${type} event`);
  return Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
}

/** A decoded integer field as a bigint (missing = 0). */
function B(v: string | number | bigint | null | undefined): bigint {
  return BigInt(v ?? 0);
}

describe("attribution settlement", () => {
  let c: Chain;
  let owner: TestAccount; // datanet owner
  let alice: TestAccount; // contributor
  let bob: TestAccount; // contributor, penalised (one rejected row, threshold 1)
  let modelOwner: TestAccount;
  let op: TestAccount;
  let requester: TestAccount;
  let ghostOp: TestAccount; // serves only the model pinned to an unpublished version
  let stranger: TestAccount;
  let nonce = 1n;
  const MODEL = 2n;

  const request = (over: Partial<InferenceRequestData> = {}): InferenceRequestData => ({
    chainId: c.chainId,
    modelId: MODEL,
    requester: requester.address,
    promptSha256: createHash("sha256").update("tell me a story").digest("hex"),
    maxFee: 100n * OPEN,
    nonce: nonce++,
    expiryHeight: B(c.height + 100),
    ...over,
  });

  const settle = (
    operator: TestAccount,
    req: InferenceRequestData,
    o: { key?: Uint8Array; pubkey?: Uint8Array; output?: string; inputTokens?: number } = {},
  ) =>
    at("MsgSettleInference", {
      operator: operator.address,
      request: requestProto(req),
      signature: signRequest(req, o.key ?? requester.privKey),
      pubkey: o.pubkey ?? requester.pubKey,
      inputTokens: o.inputTokens ?? 20,
      output: o.output ?? OUTPUT,
    });

  before(async () => {
    const { hdAccount } = await import("../../../src/testing/index.js");
    owner = hdAccount(0);
    alice = hdAccount(1);
    bob = hdAccount(2);
    modelOwner = hdAccount(3);
    op = hdAccount(4);
    requester = hdAccount(5);
    ghostOp = hdAccount(6);
    stranger = hdAccount(7);
    c = await Chain.create(ghostOp, modelOwner);
    await c.ok(owner, [
      dn("MsgCreateDatanet", {
        owner: owner.address,
        name: "stories",
        summary: "s",
        description: "d",
        tags: [],
        license: "CC0",
        visibility: Visibility.VISIBILITY_PUBLIC,
      }),
    ]);
    await c.ok(owner, [
      dn("MsgAddRows", { owner: owner.address, datanetId: 1, rows: rows("seed row of the owner") }),
    ]);
    await c.ok(owner, [dn("MsgPublishDatanet", { owner: owner.address, datanetId: 1 })]);
    await c.ok(alice, [dn("MsgContribute", { contributor: alice.address, datanetId: 1, rows: rows(ROW_A) })]);
    await c.ok(bob, [
      dn("MsgContribute", { contributor: bob.address, datanetId: 1, rows: rows(ROW_B, ROW_C) }),
    ]);
    // Rows: 1 owner seed, 2 alice A, 3 bob B, 4 bob C (rejected: bob's penalty score reaches the threshold).
    await c.ok(owner, [
      dn("MsgReviewContributions", {
        reviewer: owner.address,
        datanetId: 1,
        accept: [2, 3],
        reject: [{ rowId: 4, reason: "spam" }],
      }),
    ]);
    await c.ok(modelOwner, [
      mm("MsgRegisterModel", {
        owner: modelOwner.address,
        name: "storyteller",
        description: "",
        baseModel: "ngram-kn-v1",
        kind: ModelKind.MODEL_KIND_NGRAM,
        artifact: { sha256: "cd".repeat(32), size: 10, uri: "file:///m" },
        datanets: [{ datanetId: 1, version: 2 }],
        trainingConfig: "{}",
        trainingLogHash: "",
        inputPrice: IN_PRICE.toString(),
        outputPrice: OUT_PRICE.toString(),
      }),
    ]);
    const bond = defaultModelsParams().minOperatorBond!;
    await c.ok(op, [
      mm("MsgRegisterOperator", { operator: op.address, endpoint: "http://127.0.0.1:2", bond }),
    ]);
    await c.ok(op, [mm("MsgServeModels", { operator: op.address, serve: [2], stop: [] })]);
    await c.ok(requester, [
      at("MsgDepositCredit", {
        requester: requester.address,
        operator: op.address,
        amount: aopen(50n * OPEN),
      }),
    ]);
    await c.ok(requester, [
      at("MsgDepositCredit", {
        requester: requester.address,
        operator: ghostOp.address,
        amount: aopen(OPEN),
      }),
    ]);
    assert.equal(ModelStatus.MODEL_STATUS_ACTIVE, 1);
    assert.equal(OperatorStatus.OPERATOR_STATUS_ACTIVE, 1);
  });

  it("explains an output: spans credited to alice's and bob's rows", async () => {
    const e = await c.query(
      "Explain",
      QueryExplainRequest.encode({ modelId: Number(MODEL), text: OUTPUT }).finish(),
      (b) => QueryExplainResponse.decode(b),
    );
    const ids = e.rows.map((r) => Number(big(r.rowId))).sort();
    assert.deepEqual(ids, [2, 3]);
    assert.equal(
      e.rows.reduce((s, r) => s + (r.ppm ?? 0), 0),
      1_000_000,
    );
    assert.ok(e.spans.length >= 2);
    assert.equal(e.rows.find((r) => Number(big(r.rowId)) === 2)!.contributor, alice.address);
  });

  it("settles: fee, split to the last unit, penalty reduction, conservation", async () => {
    const credit0 = (await c.balances())[8]!; // attribution account
    const pool0 = c.communityPool();
    const req = request();
    const r = await c.ok(op, [settle(op, req)]);
    const res = response(r, (b) => MsgSettleInferenceResponse.decode(b));
    const tOut = B(tokenize(OUTPUT).length);
    const fee = (20n * IN_PRICE + 999n) / 1000n + (tOut * OUT_PRICE + 999n) / 1000n + PLATFORM;
    assert.equal(res.fee, fee.toString());
    const net = fee - PLATFORM;
    const ownerAmt = (net * 3n) / 10n;
    const opAmt = (net * 2n) / 10n;
    const stakers = net / 10n;
    const contrib = net - ownerAmt - opAmt - stakers;
    const ev = attrsOf(r, "inference_settled");
    assert.equal(ev["owner_amount"], ownerAmt.toString());
    assert.equal(ev["operator_amount"], opAmt.toString());
    assert.equal(ev["stakers_amount"], stakers.toString());
    const rec = (
      await c.query(
        "InferencesByRequester",
        QueryInferencesByAddressRequest.encode({ address: requester.address }).finish(),
        (b) => QueryInferencesResponse.decode(b),
      )
    ).inferences[0]!;
    assert.equal(big(rec.id), big(res.id));
    const rowA = (rec.rows ?? []).find((x) => Number(big(x.rowId)) === 2)!;
    const rowB = (rec.rows ?? []).find((x) => Number(big(x.rowId)) === 3)!;
    assert.equal((rowA.ppm ?? 0) + (rowB.ppm ?? 0), 1_000_000);
    // Gross per row by largest remainder; bob's is halved (reward_reduction 0.5), the rest to the pool.
    const grossA = (contrib * B(rowA.ppm)) / 1_000_000n;
    const grossB = (contrib * B(rowB.ppm)) / 1_000_000n;
    const left = contrib - grossA - grossB;
    assert.ok(left <= 1n);
    const gA = B(rowA.amount);
    const gB = B(rowB.amount) + B(rowB.reduction);
    assert.equal(gA + gB, contrib);
    assert.ok(gA === grossA || gA === grossA + 1n);
    assert.equal(B(rowA.reduction), 0n);
    assert.equal(B(rowB.amount), gB / 2n);
    const penalty = gB - gB / 2n;
    assert.equal(rec.split!.penaltyToPool, penalty.toString());
    // Every unit accounted for.
    const s = rec.split!;
    const parts = [
      s.platform,
      s.owner,
      s.operator,
      s.stakers,
      s.contributors,
      s.penaltyToPool,
      s.unattributedToPool,
    ];
    assert.equal(
      parts.reduce((a, b) => a + B(b), 0n),
      fee,
    );
    // Rewards accrued; credit reduced; pool got platform + penalty; module account lost what left it.
    assert.equal(B((await c.rewards(alice.address)).accrued), gA);
    assert.equal(B((await c.rewards(bob.address)).accrued), gB / 2n);
    assert.equal(B((await c.rewards(modelOwner.address)).accrued), ownerAmt);
    assert.equal(B((await c.rewards(op.address)).accrued), opAmt);
    assert.equal(c.communityPool() - pool0, PLATFORM + penalty);
    const credit1 = (await c.balances())[8]!;
    assert.equal(credit0 - credit1, PLATFORM + penalty + stakers);
    const earnings = await c.query(
      "RowEarnings",
      QueryRowEarningsRequest.encode({ rowId: 2 }).finish(),
      (b) => QueryRowEarningsResponse.decode(b).earnings!,
    );
    assert.equal(B(earnings.earned), gA);
    const byContributor = await c.query(
      "InferencesByContributor",
      QueryInferencesByAddressRequest.encode({ address: bob.address }).finish(),
      (b) => QueryInferencesResponse.decode(b),
    );
    assert.equal(byContributor.inferences.length, 1);
  });

  it("refuses a replayed nonce", async () => {
    const req = request();
    await c.ok(op, [settle(op, req)]);
    await c.fails(op, [settle(op, req)], AttributionCode.NonceUsed);
  });

  it("refuses an expired request", async () => {
    await c.fails(op, [settle(op, request({ expiryHeight: B(c.height) }))], AttributionCode.RequestExpired);
  });

  it("refuses a forged signature and a pubkey of someone else", async () => {
    await c.fails(op, [settle(op, request(), { key: stranger.privKey })], AttributionCode.InvalidSignature);
    await c.fails(
      op,
      [settle(op, request(), { key: stranger.privKey, pubkey: stranger.pubKey })],
      AttributionCode.InvalidSignature,
    );
  });

  it("refuses a fee above the max fee", async () => {
    await c.fails(op, [settle(op, request({ maxFee: PLATFORM }))], AttributionCode.FeeAboveMax);
  });

  it("refuses an operator that does not serve the model", async () => {
    await c.fails(stranger, [settle(stranger, request())], AttributionCode.NotServing);
    await c.fails(ghostOp, [settle(ghostOp, request())], AttributionCode.NotServing);
  });

  it("refuses a model pinned to an unpublished version", async () => {
    await c.fails(ghostOp, [settle(ghostOp, request({ modelId: 1n }))], AttributionCode.VersionNotPublished);
  });

  it("refuses a settlement without credit with the operator", async () => {
    await c.fails(
      op,
      [
        settle(op, request({ requester: stranger.address }), {
          key: stranger.privKey,
          pubkey: stranger.pubKey,
        }),
      ],
      AttributionCode.InsufficientCredit,
    );
  });

  it("refuses a request for another chain, an oversize output and a malformed request", async () => {
    await c.fails(op, [settle(op, request({ chainId: "other-chain" }))], AttributionCode.WrongChain);
    await c.fails(
      op,
      [settle(op, request(), { output: "x ".repeat(40_000) })],
      AttributionCode.OutputTooLarge,
    );
    await c.fails(op, [settle(op, request({ promptSha256: "zz" }))], AttributionCode.InvalidRequest);
    await c.fails(op, [settle(op, request({ modelId: 99n }))], AttributionCode.ModelNotFound);
  });

  it("runs out of gas, with no state change, when the search needs more work than the gas pays for", async () => {
    const used = (await c.ok(op, [settle(op, request())])).gasUsed;
    const before = c.app.exportGenesis()[MODULE_NAME];
    const seq = c.seqs.get(op.address) ?? 0n;
    const bytes = signTx(op, [settle(op, request())], {
      chainId: c.chainId,
      accountNumber: BigInt(op.index),
      sequence: seq,
      // Enough for the ante and the checks, not for the search and the writes.
      gas: BigInt(used) - 30_000n,
    });
    const r = (await runBlock(c.app, [bytes])).txResults[0]!;
    c.seqs.set(op.address, seq + 1n);
    assert.equal(r.codespace, "sdk");
    assert.equal(r.code, 11, r.log);
    assert.deepEqual(c.app.exportGenesis()[MODULE_NAME], before);
  });

  it("pays the unattributed share to contributors by bytes when nothing matches", async () => {
    const before = B((await c.rewards(alice.address)).accrued);
    const r = await c.ok(op, [settle(op, request(), { output: "zebra quantum xylophone marmalade" })]);
    assert.equal(attrsOf(r, "inference_settled")["unattributed"], "true");
    assert.ok(B((await c.rewards(alice.address)).accrued) > before);
  });

  it("exports a genesis that validates", () => {
    const g = c.app.exportGenesis()[MODULE_NAME];
    const parsed = parseAttributionGenesis(g);
    assert.ok(parsed.inferences.length >= 3);
    assert.ok(parsed.usedNonces.length >= 3);
  });

  it("claims accrued rewards exactly once", async () => {
    const accrued = B((await c.rewards(alice.address)).accrued);
    assert.ok(accrued > 0n);
    const bal = await c.balance(alice.address);
    const r = await c.ok(alice, [at("MsgClaimRewards", { claimant: alice.address })]);
    assert.equal(response(r, (b) => MsgClaimRewardsResponse.decode(b)).amount!.amount, accrued.toString());
    assert.equal(await c.balance(alice.address), bal + accrued);
    const rw = await c.rewards(alice.address);
    assert.equal(rw.accrued, "0");
    assert.equal(B(rw.claimed), accrued);
    await c.fails(
      alice,
      [at("MsgClaimRewards", { claimant: alice.address })],
      AttributionCode.NothingToClaim,
    );
  });

  it("withdraws credit after the governed delay", async () => {
    const p = AttrParams.create({ ...AP, creditWithdrawalDelay: 2 });
    const gov = c.app.moduleAccountAddress("gov");
    // Params are gov-only: a plain account is refused.
    const bad = await c.tx(requester, [at("MsgUpdateParams", { authority: requester.address, params: p })]);
    assert.notEqual(bad.code, 0);
    assert.ok(gov.startsWith("open"));
    const bal = await c.balance(requester.address);
    await c.ok(requester, [
      at("MsgWithdrawCredit", {
        requester: requester.address,
        operator: ghostOp.address,
        amount: aopen(OPEN),
      }),
    ]);
    assert.equal(await c.balance(requester.address), bal);
    for (let i = 0; i < 101; i++) await runBlock(c.app, []);
    assert.equal(await c.balance(requester.address), bal + OPEN);
  });
});
