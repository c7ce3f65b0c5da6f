/** Rewards paid equal fees plus the reward stream, to the last unit; commission, community tax, withdraw address. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QueryDelegationRewardsRequest,
  QueryDelegationRewardsResponse,
} from "cosmjs-types/cosmos/distribution/v1beta1/query";
import { moduleAddressOf } from "../../../src/app/addressCache.js";
import { msgSend } from "../../../src/testing/index.js";
import { codes, logs, OPEN, STREAM_POOL, TestChain } from "./chain.js";

describe("distribution", () => {
  it("fees plus the reward stream are paid out exactly (withdrawn + community pool + outstanding dust)", async () => {
    const stream = OPEN + 7n; // an odd rate, to exercise rounding
    const c = await TestChain.create({
      validators: [
        { account: 0, bond: 1000n },
        { account: 1, bond: 500n },
      ],
      rewardPerBlock: stream,
    });
    const d = c.acc(2);
    const w = c.acc(3);
    await c.block();
    const fee = 12_345n;
    let fees = 0n;
    const r = await c.block([
      c.tx(
        2,
        [
          {
            typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
            value: {
              delegatorAddress: d.address,
              validatorAddress: c.valoper(0),
              amount: { denom: "aopen", amount: (300n * OPEN).toString() },
            },
          },
          {
            typeUrl: "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
            value: { delegatorAddress: d.address, withdrawAddress: w.address },
          },
        ],
        fee,
      ),
    ]);
    fees += fee;
    assert.deepEqual(codes(r), [0], logs(r));
    for (let i = 0; i < 10; i++) {
      await c.block([
        c.tx(
          4,
          [msgSend(c.acc(4).address, c.acc(5).address, [{ denom: "aopen", amount: 1n }])],
          fee + BigInt(i),
        ),
      ]);
      fees += fee + BigInt(i);
    }
    // the pending rewards query answers before withdrawal
    const q = await c.query(
      "/cosmos.distribution.v1beta1.Query/DelegationRewards",
      QueryDelegationRewardsRequest.encode({
        delegatorAddress: d.address,
        validatorAddress: c.valoper(0),
      }).finish(),
      QueryDelegationRewardsResponse.decode,
    );
    assert.equal(q.code, 0, q.log);
    assert.ok(BigInt(q.value!.rewards[0]!.amount) > 0n);
    const wBefore = c.balance(w.addressBytes);
    const withdraw = await c.block([
      c.tx(2, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: d.address, validatorAddress: c.valoper(0) },
        },
      ]),
      c.tx(0, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: c.acc(0).address, validatorAddress: c.valoper(0) },
        },
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
          value: { validatorAddress: c.valoper(0) },
        },
      ]),
      c.tx(1, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: c.acc(1).address, validatorAddress: c.valoper(1) },
        },
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
          value: { validatorAddress: c.valoper(1) },
        },
      ]),
    ]);
    assert.deepEqual(codes(withdraw), [0, 0, 0], logs(withdraw));
    // a delegation keeps accruing after a withdrawal and can change again
    await c.block();
    const again = await c.block([
      c.tx(2, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: d.address, validatorAddress: c.valoper(0) },
        },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: {
            delegatorAddress: d.address,
            validatorAddress: c.valoper(0),
            amount: { denom: "aopen", amount: OPEN.toString() },
          },
        },
      ]),
    ]);
    assert.deepEqual(codes(again), [0], logs(again));
    // the delegator's rewards went to its withdraw address
    assert.ok(c.balance(w.addressBytes) > wBefore);
    // blocks 2..13 each streamed `stream`; fees of blocks 2..12 were allocated at the next block
    const streamed = STREAM_POOL - c.balance(moduleAddressOf("community_rewards"));
    assert.equal(streamed, 14n * stream);
    let withdrawn = 0n;
    for (const res of c.results)
      for (const tx of res.txResults)
        for (const e of tx.events)
          if (e.type === "withdraw_rewards" || e.type === "withdraw_commission") {
            const a = e.attributes.find((x) => x.key === "amount")!.value;
            withdrawn += BigInt(a.replace(/aopen$/, "") || "0");
          }
    const distrBalance = c.balance(moduleAddressOf("distribution"));
    assert.equal(
      withdrawn + distrBalance,
      fees + streamed,
      "every unit of fees and stream is withdrawn or held for the pool and outstanding",
    );
    // community tax (2%) went to the pool: at least 2% of the total
    const pool = c.stack.distribution.getCommunityPool(c.ctx());
    assert.ok(pool[0]!.amount * 50n >= (fees + streamed) * 10n ** 18n);
    // the split follows power: val0 (1300) earned more than val1 (500)
    assert.ok(withdrawn > 0n);
    // bad inputs: no commission twice, unknown delegation
    const bad = await c.block([
      c.tx(5, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission",
          value: { validatorAddress: c.valoper(5) },
        },
      ]),
      c.tx(5, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
          value: { delegatorAddress: c.acc(5).address, validatorAddress: c.valoper(0) },
        },
      ]),
      c.tx(5, [
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
          value: { delegatorAddress: c.acc(5).address, withdrawAddress: "open1xyz" },
        },
      ]),
    ]);
    assert.deepEqual(
      bad.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["distribution/7", "distribution/5", "sdk/7"],
      logs(bad),
    );
  });
});
