/** Governance end to end in the app: params change behind the timelock, quorum, veto, delegator override, expiry, failed execution, upgrade halt. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { ProposalStatus } from "cosmjs-types/cosmos/gov/v1/gov";
import { MsgDelegate } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import {
  QueryAppliedPlanRequest,
  QueryAppliedPlanResponse,
  QueryCurrentPlanResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import { toBech32 } from "../../../src/crypto/address.js";
import {
  decodeProposalExecution,
  encodeProposalExecutionRequest,
} from "../../../src/modules/gov/timelock.js";
import { typeUrlOf as modelsTypeUrlOf } from "../../../src/modules/models/msgServer.js";
import { defaultModelsParams } from "../../../src/modules/models/params.js";
import { MsgUpdateParams as ModelsMsgUpdateParams } from "../../../src/modules/models/proto.js";
import { CodedError } from "../../../src/types/errors.js";
import {
  attributionParams,
  deposit,
  GOV_ADDR,
  GovChain,
  NEW_SHARES,
  OPEN,
  paramChange,
  submit,
  testGovGenesis,
  VoteOption,
  vote,
} from "./chain.js";

const SHARE_KEYS = ["ownerShare", "operatorShare", "stakersShare", "contributorsShare"] as const;
const Y = VoteOption.VOTE_OPTION_YES;
const N = VoteOption.VOTE_OPTION_NO;
const VETO = VoteOption.VOTE_OPTION_NO_WITH_VETO;

describe("gov lifecycle", () => {
  it("an attribution shares change passes and takes effect only after the timelock", async () => {
    const c = await GovChain.create();
    const a0 = c.acc(0).address;
    const r = await c.ok(2, [submit(c.acc(2).address, [paramChange.msg()], 100n * OPEN)]);
    const types = r.txResults[0]!.events.map((e) => e.type);
    assert.ok(types.includes("submit_proposal") && types.includes("proposal_deposit"));
    let p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    await c.ok(0, [vote(a0, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    const before = c.balance(2);
    const old = await attributionParams(c);
    assert.notEqual(old.ownerShare, NEW_SHARES.ownerShare);
    const ends = await c.advance(10);
    p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal(p?.finalTallyResult?.yesCount, (2000n * OPEN).toString());
    assert.ok(ends.some((e) => e.events.some((ev) => ev.type === "active_proposal")));
    assert.equal(c.balance(2), before + 100n * OPEN, "deposit refunded on pass");
    assert.equal(paramChange.applied(c), false, "not applied before the timelock");
    const exq = await c.t.app.query({
      path: "/openledger.gov.v1.Query/ProposalExecution",
      data: encodeProposalExecutionRequest(1n),
      height: 0,
      prove: false,
    });
    const ex = decodeProposalExecution(exq.value);
    assert.equal(ex.queued, true);
    assert.equal(ex.executionDelaySeconds, 30n);
    assert.ok(ex.executesAt && ex.executesAt.seconds > c.time);
    while (c.time < ex.executesAt!.seconds - 1n) await c.block();
    assert.equal(c.time, ex.executesAt!.seconds - 1n);
    assert.equal(paramChange.applied(c), false, "still not applied one second before");
    const pre = await attributionParams(c);
    for (const k of SHARE_KEYS) assert.equal(pre[k], old[k], `${k} unchanged one second before`);
    const execBlock = await c.block();
    assert.ok(execBlock.events.some((e) => e.type === "timelock_proposal"));
    assert.equal(paramChange.applied(c), true, "applied at the execution time");
    const post = await attributionParams(c);
    for (const k of SHARE_KEYS) assert.equal(post[k], NEW_SHARES[k], `${k} changed after the timelock`);
    const ex2 = decodeProposalExecution(
      (
        await c.t.app.query({
          path: "/openledger.gov.v1.Query/ProposalExecution",
          data: encodeProposalExecutionRequest(1n),
          height: 0,
          prove: false,
        })
      ).value,
    );
    assert.equal(ex2.executed, true);
    p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
  });

  it("a proposal failing quorum is rejected and its deposit refunded (or burned per burn_vote_quorum)", async () => {
    for (const burn of [false, true]) {
      const c = await GovChain.create({ gov: testGovGenesis({ burn_vote_quorum: burn }) });
      const supply = c.supply();
      const bal = c.balance(3);
      await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 100n * OPEN)]);
      await c.advance(11);
      const p = await c.proposal(1n);
      assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
      if (burn) {
        assert.equal(c.balance(3), bal - 100n * OPEN);
        assert.equal(c.supply(), supply - 100n * OPEN);
      } else {
        assert.equal(c.balance(3), bal);
        assert.equal(c.supply(), supply);
      }
      assert.equal(paramChange.applied(c), false);
    }
  });

  it("a vetoed proposal burns its deposits", async () => {
    const c = await GovChain.create();
    const supply = c.supply();
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 60n * OPEN)]);
    await c.ok(4, [deposit(c.acc(4).address, 1n, 40n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, VETO)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    await c.advance(10);
    const p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.equal(c.supply(), supply - 100n * OPEN, "both deposits burned");
    await c.advance(35);
    assert.equal(paramChange.applied(c), false);
  });

  it("a delegator's vote overrides its validator's", async () => {
    const c = await GovChain.create();
    await c.ok(2, [
      {
        typeUrl: MsgDelegate.typeUrl,
        value: MsgDelegate.fromPartial({
          delegatorAddress: c.acc(2).address,
          validatorAddress: toBech32("openvaloper", c.acc(0).addressBytes),
          amount: { denom: "aopen", amount: (1000n * OPEN).toString() },
        }),
      },
    ]);
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 100n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, N)]);
    await c.ok(2, [vote(c.acc(2).address, 1n, N)]);
    await c.advance(10);
    const p = await c.proposal(1n);
    assert.equal(p?.finalTallyResult?.yesCount, (1000n * OPEN).toString());
    assert.equal(p?.finalTallyResult?.noCount, (2000n * OPEN).toString());
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
  });

  it("an expired deposit period drops the proposal and refunds", async () => {
    const c = await GovChain.create();
    const bal = c.balance(3);
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 10n * OPEN)]);
    assert.equal((await c.proposal(1n))?.status, ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD);
    const rs = await c.advance(21);
    assert.ok(rs.some((r) => r.events.some((e) => e.type === "inactive_proposal")));
    assert.equal(await c.proposal(1n), undefined);
    const q = await c.t.app.query({
      path: "/cosmos.gov.v1.Query/Proposal",
      data: Uint8Array.of(8, 1),
      height: 0,
      prove: false,
    });
    assert.match(q.log, /proposal 1 doesn't exist/);
    assert.equal(c.balance(3), bal);
    // A deposit on the dropped proposal fails with a coded error and changes nothing.
    const res = await c.run(4, [deposit(c.acc(4).address, 1n, 100n * OPEN)]);
    assert.equal(res.codespace, "gov");
    assert.equal(res.code, 2);
  });

  it("the models module's params are governed the same way: only a passed proposal changes them", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "0s") });
    const params = { ...defaultModelsParams(), registrationFee: { denom: "aopen", amount: "12345" } };
    const msg = {
      typeUrl: modelsTypeUrlOf("MsgUpdateParams"),
      value: ModelsMsgUpdateParams.create({ authority: GOV_ADDR, params }),
    };
    const fee = () => c.models.keeper.getParams(c.ctx()).registrationFee?.amount;
    const before = fee();
    assert.notEqual(before, "12345");
    await c.ok(3, [submit(c.acc(3).address, [msg], 100n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    assert.equal(fee(), before, "not before the vote ends");
    await c.advance(10);
    assert.equal((await c.proposal(1n))?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal(fee(), "12345");
  });

  it("a proposal whose messages fail is recorded as failed and the chain goes on", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "0s") });
    const send = {
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.fromPartial({
        fromAddress: GOV_ADDR,
        toAddress: c.acc(5).address,
        amount: [{ denom: "aopen", amount: (10n ** 30n).toString() }],
      }),
    };
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg(), send], 100n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    await c.advance(10);
    const p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.match(p?.failedReason ?? "", /transfers are currently disabled|insufficient funds/);
    assert.equal(paramChange.applied(c), false, "all or nothing: the first message is rolled back");
    await c.advance(2);
    assert.ok(c.height > 15);
  });

  it("a shares proposal not summing to 10^18 passes the vote but fails at execution; shares unchanged", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "2s") });
    const old = await attributionParams(c);
    const bad = paramChange.msg();
    const v = bad.value as { params: { ownerShare: string } };
    v.params.ownerShare = ((OPEN * 26n) / 100n).toString();
    await c.ok(3, [submit(c.acc(3).address, [bad], 100n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    await c.advance(14);
    const p = await c.proposal(1n);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.match(p?.failedReason ?? "", /sum to exactly 10\^18/);
    const now = await attributionParams(c);
    for (const k of SHARE_KEYS) assert.equal(now[k], old[k]);
    await c.advance(2);
  });

  it("rejects bad inputs with coded errors and no state change", async () => {
    const c = await GovChain.create();
    const a3 = c.acc(3).address;
    let r = await c.run(0, [vote(c.acc(0).address, 9n, Y)]);
    assert.deepEqual([r.codespace, r.code], ["gov", 2]);
    const notGov = {
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.fromPartial({
        fromAddress: a3,
        toAddress: a3,
        amount: [{ denom: "aopen", amount: "1" }],
      }),
    };
    const bal = c.balance(3);
    r = await c.run(3, [submit(a3, [notGov], 100n * OPEN)]);
    assert.deepEqual([r.codespace, r.code], ["gov", 13]);
    assert.equal(c.balance(3), bal);
    r = await c.run(3, [
      {
        ...submit(a3, [paramChange.msg()], 0n),
        value: {
          ...submit(a3, [paramChange.msg()], 0n).value,
          initialDeposit: [{ denom: "uatom", amount: "5" }],
        },
      },
    ]);
    assert.equal(r.codespace, "gov");
    assert.equal(await c.proposal(1n), undefined);
    await c.ok(3, [submit(a3, [paramChange.msg()], 100n * OPEN)]);
    r = await c.run(0, [vote(c.acc(0).address, 1n, 7 as VoteOption)]);
    assert.deepEqual([r.codespace, r.code], ["gov", 7]);
  });

  it("a software-upgrade plan halts the chain at its height; a binary knowing it continues", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "0s") });
    const height = BigInt(c.height + 20);
    const up = {
      typeUrl: MsgSoftwareUpgrade.typeUrl,
      value: MsgSoftwareUpgrade.fromPartial({
        authority: GOV_ADDR,
        plan: { name: "v0.2.0", height, info: "see release notes" },
      }),
    };
    await c.ok(3, [submit(c.acc(3).address, [up], 100n * OPEN)]);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    await c.advance(10);
    assert.equal((await c.proposal(1n))?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    const cp = await c.t.app.query({
      path: "/cosmos.upgrade.v1beta1.Query/CurrentPlan",
      data: new Uint8Array(),
      height: 0,
      prove: false,
    });
    assert.equal(QueryCurrentPlanResponse.decode(cp.value).plan?.name, "v0.2.0");
    while (BigInt(c.height) < height - 1n) await c.block();
    const hash = c.t.store.computeHash();
    await assert.rejects(c.finalize(), (e: unknown) => {
      assert.ok(e instanceof CodedError);
      assert.equal(e.codespace, "upgrade");
      assert.equal(e.message, `UPGRADE "v0.2.0" NEEDED at height: ${height}: see release notes`);
      return true;
    });
    assert.deepEqual(c.t.store.computeHash(), hash, "no state change");
    // The "new binary" knows the plan: the same height now runs and records it.
    let ran = 0;
    c.t.upgrade!.setUpgradeHandler("v0.2.0", () => {
      ran++;
    });
    c.height -= 1;
    c.time -= 1n;
    await c.block();
    assert.equal(ran, 1);
    const ap = await c.t.app.query({
      path: "/cosmos.upgrade.v1beta1.Query/AppliedPlan",
      data: QueryAppliedPlanRequest.encode({ name: "v0.2.0" }).finish(),
      height: 0,
      prove: false,
    });
    assert.equal(QueryAppliedPlanResponse.decode(ap.value).height, height);
    await c.advance(2);
  });
});
