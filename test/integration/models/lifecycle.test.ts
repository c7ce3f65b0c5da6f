import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { OpenLedgerApp } from "../../../src/app/app.js";
import { ReadOnlyStore } from "../../../src/app/prefixStore.js";
import type { Context } from "../../../src/app/types.js";
import { DatanetsModule, datanetsRegistryTypes } from "../../../src/modules/datanets/index.js";
import { MsgCreateDatanetResponse, Visibility } from "../../../src/modules/datanets/proto.js";
import {
  COMMUNITY_POOL_MODULE,
  defaultModelsParams,
  MODELS,
  MODULE_NAME,
  ModelsCode,
  ModelsModule,
  modelsRegistryTypes,
} from "../../../src/modules/models/index.js";
import {
  big,
  JobStatus,
  ModelKind,
  ModelStatus,
  MsgCompleteTrainingJobResponse,
  MsgRegisterModelResponse,
  MsgRequestTrainingResponse,
  MsgUnbondOperatorResponse,
  OperatorStatus,
  Params,
  QueryJobRequest,
  QueryJobResponse,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryOperatorRequest,
  QueryOperatorResponse,
} from "../../../src/modules/models/proto.js";
import type { StateStore } from "../../../src/store/index.js";
import { createTestApp, runBlock, type TestAccount, testRegistry } from "../../../src/testing/index.js";
import { testContext } from "../../helpers/context.js";
import { appFromExport, olMsg, TxChain, txResponse } from "../moduleChain.js";

for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes]) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

const GAS = 20_000_000n;
const P = defaultModelsParams();
const FEE = BigInt(P.registrationFee!.amount!);
const BOND = BigInt(P.minOperatorBond!.amount!);
const BOUNTY = 5n * 10n ** 18n;
const SHA = "ab".repeat(32);
const UNBONDING_BLOCKS = 2;

const dn = (name: string, value: Record<string, unknown>) => olMsg("datanets", name, value);
const mm = (name: string, value: Record<string, unknown>) => olMsg("models", name, value);
const response = txResponse;

class Chain extends TxChain {
  constructor(
    app: OpenLedgerApp,
    readonly accounts: TestAccount[],
    chainId: string,
    readonly models: ModelsModule,
    readonly store: StateStore,
  ) {
    super(app, chainId, GAS, "/openledger.models.v1.Query");
  }

  static async create(): Promise<Chain> {
    const ref: { app?: OpenLedgerApp } = {};
    const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const models = new ModelsModule({
      bank: () => ref.app!.bankKeeper,
      datanets: () => datanets.keeper,
      escrowBalance: (ctx, addr, denom) => ref.app!.bankKeeper.getBalance(ctx, addr, denom),
    });
    const params = Params.toObject(Params.create({ ...P, unbondingBlocks: UNBONDING_BLOCKS }), {
      longs: String,
      enums: String,
    });
    const t = await createTestApp({
      modules: [datanets, models],
      accounts: 6,
      app: { checkInvariantsEveryBlock: true },
      genesis: {
        moduleStates: {
          models: {
            params: {
              registration_fee: params["registrationFee"],
              min_operator_bond: params["minOperatorBond"],
              unbonding_blocks: String(UNBONDING_BLOCKS),
              max_models_per_operator: "1000",
              max_pinned_datanets: 16,
              min_bounty: params["minBounty"],
              claim_timeout_blocks: "3",
            },
          },
        },
      },
    });
    ref.app = t.app;
    await runBlock(t.app, []);
    return new Chain(t.app, t.accounts, t.chainId, models, t.store);
  }

  acc(i: number): TestAccount {
    return this.accounts[i]!;
  }

  /** The tx fails with the code, and neither models state nor any balance changes. */
  fails(signer: TestAccount, msgs: EncodeObject[], code: number, codespace = MODELS): Promise<void> {
    return this.failsUnchanged(signer, msgs, { code, codespace, modules: [MODULE_NAME] });
  }

  override balances(): Promise<bigint[]> {
    return this.balancesOf([
      ...this.accounts.map((a) => a.address),
      this.app.moduleAccountAddress(MODULE_NAME),
      this.app.moduleAccountAddress(COMMUNITY_POOL_MODULE),
    ]);
  }

  model(id: number) {
    return this.query(
      "Model",
      QueryModelRequest.encode({ id }).finish(),
      (b) => QueryModelResponse.decode(b).model!,
    );
  }
}

function registerMsg(owner: string, datanets: { datanetId: number; version: number }[], extra = {}) {
  return mm("MsgRegisterModel", {
    owner,
    name: "tiny-ngram",
    description: "a test model",
    baseModel: "ngram-kn-v1",
    kind: ModelKind.MODEL_KIND_NGRAM,
    artifact: { sha256: SHA, size: 1234, uri: "file:///tmp/model.olm" },
    datanets,
    trainingConfig: '{"order":3}',
    trainingLogHash: "",
    inputPrice: "1000",
    outputPrice: "2000",
    ...extra,
  });
}

describe("models module", () => {
  let c: Chain;
  let pub: number;
  let priv: number;
  let draft: number;
  let alice: TestAccount; // datanet owner
  let bob: TestAccount; // model owner / requester
  let trainer: TestAccount;
  let op: TestAccount;

  async function createDatanet(owner: TestAccount, name: string, visibility: Visibility, publish: boolean) {
    const r = await c.ok(owner, [
      dn("MsgCreateDatanet", { owner: owner.address, name, visibility, tags: [], policy: {} }),
    ]);
    const id = Number(big(response(r, (b) => MsgCreateDatanetResponse.decode(b)).id));
    await c.ok(owner, [
      dn("MsgAddRows", {
        owner: owner.address,
        datanetId: id,
        rows: [{ content: `${name} row one` }, { content: `${name} row two` }],
      }),
    ]);
    if (publish) await c.ok(owner, [dn("MsgPublishDatanet", { owner: owner.address, datanetId: id })]);
    return id;
  }

  before(async () => {
    c = await Chain.create();
    [alice, bob, trainer, op] = [c.acc(0), c.acc(1), c.acc(2), c.acc(3)];
    pub = await createDatanet(alice, "public", Visibility.VISIBILITY_PUBLIC, true);
    priv = await createDatanet(alice, "private", Visibility.VISIBILITY_PRIVATE, true);
    draft = await createDatanet(alice, "draft", Visibility.VISIBILITY_PUBLIC, false);
  });

  it("registers a model pinned to a published public version, paying the fee", async () => {
    const before = await c.balance(bob.address);
    const pool = await c.balance(c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE));
    const r = await c.ok(bob, [registerMsg(bob.address, [{ datanetId: pub, version: 1 }])]);
    const id = Number(big(response(r, (b) => MsgRegisterModelResponse.decode(b)).id));
    assert.equal(id, 1);
    assert.equal(await c.balance(bob.address), before - FEE);
    assert.equal(await c.balance(c.app.moduleAccountAddress(COMMUNITY_POOL_MODULE)), pool + FEE);
    const m = await c.model(id);
    assert.equal(m.owner, bob.address);
    assert.equal(m.status, ModelStatus.MODEL_STATUS_ACTIVE);
    assert.equal(m.artifact!.sha256, SHA);
    assert.deepEqual(
      m.datanets!.map((d) => [Number(big(d.datanetId)), Number(big(d.version))]),
      [[pub, 1]],
    );
    assert.ok(r.events.some((e) => e.type === "model_registered"));
    const ctxModels = await c.query(
      "Models",
      QueryModelsRequest.encode({ owner: bob.address }).finish(),
      (b) => QueryModelsResponse.decode(b).models,
    );
    assert.equal(ctxModels.length, 1);
  });

  it("refuses unpublished versions, drafts, foreign private datanets and bad fields", async () => {
    await c.fails(
      bob,
      [registerMsg(bob.address, [{ datanetId: pub, version: 2 }])],
      ModelsCode.DatanetVersionNotFound,
    );
    await c.fails(
      bob,
      [registerMsg(bob.address, [{ datanetId: draft, version: 1 }])],
      ModelsCode.DatanetVersionNotFound,
    );
    await c.fails(
      bob,
      [registerMsg(bob.address, [{ datanetId: priv, version: 1 }])],
      ModelsCode.DatanetNotUsable,
    );
    await c.fails(bob, [registerMsg(bob.address, [])], ModelsCode.InvalidModel);
    await c.fails(
      bob,
      [
        registerMsg(bob.address, [{ datanetId: pub, version: 1 }], {
          artifact: { sha256: "xyz", size: 1, uri: "a" },
        }),
      ],
      ModelsCode.InvalidModel,
    );
    await c.fails(
      bob,
      [registerMsg(bob.address, [{ datanetId: pub, version: 1 }], { inputPrice: "-1" })],
      ModelsCode.InvalidModel,
    );
    await c.fails(
      bob,
      [registerMsg(bob.address, [{ datanetId: pub, version: 1 }], { kind: 0 })],
      ModelsCode.InvalidModel,
    );
    // The private datanet's owner may pin it.
    await c.ok(alice, [registerMsg(alice.address, [{ datanetId: priv, version: 1 }])]);
  });

  it("updates prices and description, retires, and refuses changes after retirement", async () => {
    await c.fails(
      alice,
      [mm("MsgUpdateModel", { owner: alice.address, modelId: 1, inputPrice: "5" })],
      ModelsCode.Unauthorized,
    );
    await c.ok(bob, [
      mm("MsgUpdateModel", { owner: bob.address, modelId: 1, inputPrice: "5", description: "new" }),
    ]);
    let m = await c.model(1);
    assert.equal(m.inputPrice, "5");
    assert.equal(m.outputPrice, "2000");
    assert.equal(m.description, "new");
    assert.deepEqual(c.models.keeper.prices(ctxOf(c), 1n), { inputPer1k: 5n, outputPer1k: 2000n });
    await c.ok(bob, [
      mm("MsgUpdateModel", { owner: bob.address, modelId: 1, status: ModelStatus.MODEL_STATUS_RETIRED }),
    ]);
    m = await c.model(1);
    assert.equal(m.status, ModelStatus.MODEL_STATUS_RETIRED);
    await c.fails(
      bob,
      [mm("MsgUpdateModel", { owner: bob.address, modelId: 1, status: ModelStatus.MODEL_STATUS_ACTIVE })],
      ModelsCode.ModelRetired,
    );
    await c.fails(
      bob,
      [mm("MsgUpdateModel", { owner: bob.address, modelId: 99, inputPrice: "1" })],
      ModelsCode.ModelNotFound,
    );
  });

  it("runs a training job: bounty escrowed, claimed, completed, paid out", async () => {
    const escrow = c.app.moduleAccountAddress(MODULE_NAME);
    const b0 = await c.balance(bob.address);
    const e0 = await c.balance(escrow);
    const req = mm("MsgRequestTraining", {
      requester: bob.address,
      datanets: [{ datanetId: pub, version: 1 }],
      baseModel: "ngram-kn-v1",
      method: ModelKind.MODEL_KIND_NGRAM,
      hyperparameters: '{"order":3}',
      bounty: { denom: "aopen", amount: BOUNTY.toString() },
    });
    await c.fails(
      bob,
      [mm("MsgRequestTraining", { ...req.value, bounty: { denom: "aopen", amount: "1" } })],
      ModelsCode.InsufficientAmount,
    );
    const r = await c.ok(bob, [req]);
    const jobId = Number(big(response(r, (b) => MsgRequestTrainingResponse.decode(b)).jobId));
    assert.equal(await c.balance(bob.address), b0 - BOUNTY);
    assert.equal(await c.balance(escrow), e0 + BOUNTY);
    const complete = mm("MsgCompleteTrainingJob", {
      trainer: trainer.address,
      jobId,
      name: "trained",
      description: "",
      artifact: { sha256: SHA, size: 10, uri: "local:trained.olm" },
      trainingConfig: "{}",
      trainingLogHash: SHA,
      inputPrice: "1",
      outputPrice: "1",
    });
    await c.fails(trainer, [complete], ModelsCode.InvalidJobStatus);
    await c.ok(trainer, [mm("MsgClaimTrainingJob", { trainer: trainer.address, jobId })]);
    await c.fails(
      op,
      [mm("MsgClaimTrainingJob", { trainer: op.address, jobId })],
      ModelsCode.InvalidJobStatus,
    );
    await c.fails(
      bob,
      [mm("MsgCancelTrainingJob", { requester: bob.address, jobId })],
      ModelsCode.InvalidJobStatus,
    );
    const t0 = await c.balance(trainer.address);
    const done = await c.ok(trainer, [complete]);
    const modelId = Number(big(response(done, (b) => MsgCompleteTrainingJobResponse.decode(b)).modelId));
    assert.equal(await c.balance(trainer.address), t0 + BOUNTY);
    assert.equal(await c.balance(escrow), e0);
    const m = await c.model(modelId);
    assert.equal(m.owner, bob.address);
    assert.equal(Number(big(m.jobId)), jobId);
    assert.equal(m.kind, ModelKind.MODEL_KIND_NGRAM);
    const job = await c.query(
      "Job",
      QueryJobRequest.encode({ id: jobId }).finish(),
      (b) => QueryJobResponse.decode(b).job!,
    );
    assert.equal(job.status, JobStatus.JOB_STATUS_COMPLETED);
    assert.equal(Number(big(job.resultModelId)), modelId);
    await c.fails(trainer, [complete], ModelsCode.InvalidJobStatus);

    // A second job is cancelled while open: refunded.
    const r2 = await c.ok(bob, [req]);
    const job2 = Number(big(response(r2, (b) => MsgRequestTrainingResponse.decode(b)).jobId));
    await c.fails(
      alice,
      [mm("MsgCancelTrainingJob", { requester: alice.address, jobId: job2 })],
      ModelsCode.Unauthorized,
    );
    const b1 = await c.balance(bob.address);
    await c.ok(bob, [mm("MsgCancelTrainingJob", { requester: bob.address, jobId: job2 })]);
    assert.equal(await c.balance(bob.address), b1 + BOUNTY);
    // A third job is claimed and abandoned: cancellable after the claim timeout (3 blocks).
    const r3 = await c.ok(bob, [req]);
    const job3 = Number(big(response(r3, (b) => MsgRequestTrainingResponse.decode(b)).jobId));
    await c.ok(trainer, [mm("MsgClaimTrainingJob", { trainer: trainer.address, jobId: job3 })]);
    await c.fails(
      bob,
      [mm("MsgCancelTrainingJob", { requester: bob.address, jobId: job3 })],
      ModelsCode.InvalidJobStatus,
    );
    await runBlock(c.app, []);
    await runBlock(c.app, []);
    await c.ok(bob, [mm("MsgCancelTrainingJob", { requester: bob.address, jobId: job3 })]);
  });

  it("bonds an operator, serves models, and unbonds after the delay", async () => {
    const escrow = c.app.moduleAccountAddress(MODULE_NAME);
    const reg = (amount: bigint, endpoint = "http://127.0.0.1:8080") =>
      mm("MsgRegisterOperator", {
        operator: op.address,
        endpoint,
        bond: { denom: "aopen", amount: amount.toString() },
      });
    await c.fails(op, [reg(BOND - 1n)], ModelsCode.InsufficientAmount);
    await c.fails(op, [reg(BOND, "ftp://x")], ModelsCode.InvalidOperator);
    const o0 = await c.balance(op.address);
    await c.ok(op, [reg(BOND)]);
    await c.fails(op, [reg(BOND)], ModelsCode.OperatorExists);
    assert.equal(await c.balance(op.address), o0 - BOND);
    await c.ok(op, [
      mm("MsgUpdateOperator", {
        operator: op.address,
        endpoint: "",
        addBond: { denom: "aopen", amount: "7" },
      }),
    ]);
    // Model 1 is retired; model 2 (alice's) and 3 (trained) are active.
    await c.fails(
      op,
      [mm("MsgServeModels", { operator: op.address, serve: [1], stop: [] })],
      ModelsCode.InvalidServe,
    );
    await c.fails(
      op,
      [mm("MsgServeModels", { operator: op.address, serve: [42], stop: [] })],
      ModelsCode.ModelNotFound,
    );
    await c.ok(op, [mm("MsgServeModels", { operator: op.address, serve: [3, 2], stop: [] })]);
    const ctx = ctxOf(c);
    assert.equal(c.models.keeper.isServedBy(ctx, 2n, op.address), true);
    assert.equal(c.models.keeper.isServedBy(ctx, 1n, op.address), false);
    assert.equal(c.models.keeper.isServedBy(ctx, 2n, bob.address), false);
    assert.equal(c.models.keeper.pinnedVersions(ctx, 2n).length, 1);
    await c.ok(op, [mm("MsgServeModels", { operator: op.address, serve: [], stop: [2] })]);
    let o = await c.query(
      "Operator",
      QueryOperatorRequest.encode({ address: op.address }).finish(),
      (b) => QueryOperatorResponse.decode(b).operator!,
    );
    assert.deepEqual(
      o.models!.map((x) => Number(big(x))),
      [3],
    );
    assert.equal(o.bond, (BOND + 7n).toString());
    const r = await c.ok(op, [mm("MsgUnbondOperator", { operator: op.address })]);
    const at = Number(big(response(r, (b) => MsgUnbondOperatorResponse.decode(b)).completionHeight));
    o = await c.query(
      "Operator",
      QueryOperatorRequest.encode({ address: op.address }).finish(),
      (b) => QueryOperatorResponse.decode(b).operator!,
    );
    assert.equal(o.status, OperatorStatus.OPERATOR_STATUS_UNBONDING);
    assert.equal(c.models.keeper.isServedBy(ctxOf(c), 3n, op.address), false);
    await c.fails(
      op,
      [mm("MsgServeModels", { operator: op.address, serve: [3], stop: [] })],
      ModelsCode.OperatorUnbonding,
    );
    const e0 = await c.balance(escrow);
    const o1 = await c.balance(op.address);
    let h = (await c.app.info()).lastBlockHeight;
    while (h < at) {
      await runBlock(c.app, []);
      h++;
    }
    assert.equal(await c.balance(op.address), o1 + BOND + 7n);
    assert.equal(await c.balance(escrow), e0 - BOND - 7n);
    const gone = await c.app.query({
      path: "/openledger.models.v1.Query/Operator",
      data: QueryOperatorRequest.encode({ address: op.address }).finish(),
      height: 0,
      prove: false,
    });
    assert.notEqual(gone.code, 0);
  });

  it("changes params only through gov", async () => {
    await c.fails(
      alice,
      [mm("MsgUpdateParams", { authority: alice.address, params: defaultModelsParams() })],
      13,
      "gov",
    );
  });

  it("round-trips genesis", async () => {
    const exported = c.app.exportGenesis();
    const ref: { app?: OpenLedgerApp } = {};
    const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const models = new ModelsModule({ bank: () => ref.app!.bankKeeper, datanets: () => datanets.keeper });
    const app2 = await appFromExport(c.chainId, [datanets, models], exported, ref);
    assert.deepEqual(app2.exportGenesis()[MODULE_NAME], exported[MODULE_NAME]);
  });
});

/** A read-only context over the latest working state. */
function ctxOf(c: Chain): Context {
  return testContext(new ReadOnlyStore(c.store.working), { chainId: c.chainId });
}
