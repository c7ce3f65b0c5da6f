/** Governance: expedited conversion, cancel, weighted votes, gov's own params, and the v1/v1beta1 queries. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import * as Q1 from "cosmjs-types/cosmos/gov/v1/query";
import { MsgCancelProposal, MsgUpdateParams, MsgVoteWeighted } from "cosmjs-types/cosmos/gov/v1/tx";
import { TextProposal } from "cosmjs-types/cosmos/gov/v1beta1/gov";
import * as Q1b from "cosmjs-types/cosmos/gov/v1beta1/query";
import { MsgSubmitProposal as MsgSubmitV1b, MsgVote as MsgVoteV1b } from "cosmjs-types/cosmos/gov/v1beta1/tx";
import { utf8 } from "../../../src/types/bytes.js";
import { deposit, GOV_ADDR, GovChain, OPEN, paramChange, submit, testGovGenesis, vote } from "./chain.js";

const Y = VoteOption.VOTE_OPTION_YES;

async function q<T>(c: GovChain, path: string, data: Uint8Array, dec: (b: Uint8Array) => T) {
  const r = await c.t.app.query({ path, data, height: 0, prove: false });
  return r.code === 0
    ? { ok: true as const, v: dec(r.value) }
    : { ok: false as const, log: r.log, code: r.code };
}

describe("gov more", () => {
  it("a failed expedited proposal converts to a regular one and can still pass", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "0s") });
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 500n * OPEN, { expedited: true })]);
    let p = await c.proposal(1n);
    assert.equal(p?.expedited, true);
    assert.equal((p?.votingEndTime?.seconds ?? 0n) - (p?.votingStartTime?.seconds ?? 0n), 5n);
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, VoteOption.VOTE_OPTION_NO)]); // 50% yes < 66.7%
    const rs = await c.advance(4);
    assert.ok(
      rs.some((r) =>
        r.events.some((e) => e.attributes.some((a) => a.value === "expedited_proposal_rejected")),
      ),
    );
    p = await c.proposal(1n);
    assert.equal(p?.expedited, false);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    // The tally removed the votes; they are cast again for the regular period.
    await c.ok(0, [vote(c.acc(0).address, 1n, Y)]);
    await c.ok(1, [vote(c.acc(1).address, 1n, Y)]);
    await c.advance(6);
    assert.equal((await c.proposal(1n))?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal(paramChange.applied(c), true);
  });

  it("the proposer cancels: half the deposit burned, the rest refunded; others cannot", async () => {
    const c = await GovChain.create();
    const supply = c.supply();
    const bal = c.balance(3);
    await c.ok(3, [submit(c.acc(3).address, [paramChange.msg()], 100n * OPEN)]);
    const cancel = (i: number) => ({
      typeUrl: MsgCancelProposal.typeUrl,
      value: MsgCancelProposal.fromPartial({ proposalId: 1n, proposer: c.acc(i).address }),
    });
    const r = await c.run(4, [cancel(4)]);
    assert.deepEqual([r.codespace, r.code], ["gov", 18]);
    await c.ok(3, [cancel(3)]);
    assert.equal(await c.proposal(1n), undefined);
    assert.equal(c.balance(3), bal - 50n * OPEN);
    assert.equal(c.supply(), supply - 50n * OPEN);
  });

  it("weighted votes split power; gov changes its own params; v1beta1 messages work", async () => {
    const c = await GovChain.create({ gov: testGovGenesis({}, "0s") });
    const newParams = { ...(await c.t.gov!.keeper.getParams(c.ctx())), quorum: "0.500000000000000000" };
    const upd = {
      typeUrl: MsgUpdateParams.typeUrl,
      value: MsgUpdateParams.fromPartial({ authority: GOV_ADDR, params: newParams }),
    };
    await c.ok(3, [submit(c.acc(3).address, [upd], 100n * OPEN)]);
    await c.ok(0, [
      {
        typeUrl: MsgVoteWeighted.typeUrl,
        value: MsgVoteWeighted.fromPartial({
          proposalId: 1n,
          voter: c.acc(0).address,
          options: [
            { option: Y, weight: "0.75" },
            { option: VoteOption.VOTE_OPTION_NO, weight: "0.25" },
          ],
        }),
      },
    ]);
    await c.ok(1, [
      {
        typeUrl: MsgVoteV1b.typeUrl,
        value: MsgVoteV1b.fromPartial({ proposalId: 1n, voter: c.acc(1).address, option: Y }),
      },
    ]);
    const t = await q(
      c,
      "/cosmos.gov.v1.Query/TallyResult",
      Q1.QueryTallyResultRequest.encode({ proposalId: 1n }).finish(),
      (b) => Q1.QueryTallyResultResponse.decode(b),
    );
    assert.ok(t.ok);
    assert.equal(t.v.tally?.yesCount, (1750n * OPEN).toString());
    assert.equal(t.v.tally?.noCount, (250n * OPEN).toString());
    await c.advance(10);
    assert.equal((await c.proposal(1n))?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal(c.t.gov!.keeper.getParams(c.ctx()).quorum, "0.500000000000000000");

    // v1beta1 text proposal, then the v1beta1 queries and filters.
    await c.ok(4, [
      {
        typeUrl: MsgSubmitV1b.typeUrl,
        value: MsgSubmitV1b.fromPartial({
          content: {
            typeUrl: TextProposal.typeUrl,
            value: TextProposal.encode({ title: "T", description: "D" }).finish(),
          },
          initialDeposit: [{ denom: "aopen", amount: (10n * OPEN).toString() }],
          proposer: c.acc(4).address,
        }),
      },
    ]);
    await c.ok(5, [deposit(c.acc(5).address, 2n, 95n * OPEN)]);
    const p2 = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Proposal",
      Q1b.QueryProposalRequest.encode({ proposalId: 2n }).finish(),
      (b) => Q1b.QueryProposalResponse.decode(b),
    );
    assert.ok(p2.ok);
    assert.equal(TextProposal.decode(p2.v.proposal.content!.value).title, "T");
    assert.equal(p2.v.proposal.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    const all = await q(
      c,
      "/cosmos.gov.v1.Query/Proposals",
      Q1.QueryProposalsRequest.encode(
        Q1.QueryProposalsRequest.fromPartial({ pagination: { limit: 1n, countTotal: true } }),
      ).finish(),
      (b) => Q1.QueryProposalsResponse.decode(b),
    );
    assert.ok(all.ok);
    assert.equal(all.v.proposals.length, 1);
    assert.equal(all.v.pagination?.total, 2n);
    const next = await q(
      c,
      "/cosmos.gov.v1.Query/Proposals",
      Q1.QueryProposalsRequest.encode(
        Q1.QueryProposalsRequest.fromPartial({ pagination: { key: all.v.pagination!.nextKey } }),
      ).finish(),
      (b) => Q1.QueryProposalsResponse.decode(b),
    );
    assert.ok(next.ok);
    assert.equal(next.v.proposals[0]?.id, 2n);
    const byDep = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Proposals",
      Q1b.QueryProposalsRequest.encode(
        Q1b.QueryProposalsRequest.fromPartial({ depositor: c.acc(5).address }),
      ).finish(),
      (b) => Q1b.QueryProposalsResponse.decode(b),
    );
    assert.ok(byDep.ok);
    assert.deepEqual(
      byDep.v.proposals.map((p) => p.proposalId),
      [2n],
    );
    const byVoter = await q(
      c,
      "/cosmos.gov.v1.Query/Proposals",
      Q1.QueryProposalsRequest.encode(
        Q1.QueryProposalsRequest.fromPartial({
          voter: c.acc(1).address,
          proposalStatus: ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD,
        }),
      ).finish(),
      (b) => Q1.QueryProposalsResponse.decode(b),
    );
    assert.ok(byVoter.ok);
    assert.equal(byVoter.v.proposals.length, 0, "votes are deleted at tally, and proposal 2 has none");
    const deps = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Deposits",
      Q1b.QueryDepositsRequest.encode({ proposalId: 2n }).finish(),
      (b) => Q1b.QueryDepositsResponse.decode(b),
    );
    assert.ok(deps.ok);
    assert.equal(deps.v.deposits.length, 2);
    const tp = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Params",
      Q1b.QueryParamsRequest.encode({ paramsType: "tallying" }).finish(),
      (b) => Q1b.QueryParamsResponse.decode(b),
    );
    assert.ok(tp.ok);
    assert.deepEqual(tp.v.tallyParams.quorum, utf8((5n * 10n ** 17n).toString()));
    const badType = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Params",
      Q1b.QueryParamsRequest.encode({ paramsType: "x" }).finish(),
      (b) => b,
    );
    assert.equal(badType.ok, false);
    const missing = await q(
      c,
      "/cosmos.gov.v1beta1.Query/Proposal",
      Q1b.QueryProposalRequest.encode({ proposalId: 5n }).finish(),
      (b) => b,
    );
    assert.ok(!missing.ok && /proposal 5 doesn't exist/.test(missing.log));
    const noVote = await q(
      c,
      "/cosmos.gov.v1.Query/Vote",
      Q1.QueryVoteRequest.encode({ proposalId: 2n, voter: c.acc(0).address }).finish(),
      (b) => b,
    );
    assert.ok(!noVote.ok);
    const junk = await q(c, "/cosmos.gov.v1.Query/Proposal", Uint8Array.of(0xff, 0xff), (b) => b);
    assert.equal(junk.ok, false);
  });
});
