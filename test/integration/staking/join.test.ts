/** A new validator joins (MsgCreateValidator → end-block update); delegation, undelegation after the unbonding period. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHex } from "../../../src/types/bytes.js";
import { codes, consAny, consKey, logs, OPEN, TestChain } from "./chain.js";

const createValidator = (chain: TestChain, i: number, key: number, bond: bigint) => ({
  typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
  value: {
    description: { moniker: `new-${i}`, identity: "", website: "", securityContact: "", details: "" },
    commission: {
      rate: (10n ** 17n).toString(),
      maxRate: (2n * 10n ** 17n).toString(),
      maxChangeRate: (10n ** 16n).toString(),
    },
    minSelfDelegation: "1",
    delegatorAddress: "",
    validatorAddress: chain.valoper(i),
    pubkey: consAny(consKey(key).pub),
    value: { denom: "aopen", amount: (bond * OPEN).toString() },
  },
});

describe("staking: validators join and delegations unbond", () => {
  it("genesis bonds the self-delegated validator and returns it from InitChain", async () => {
    const c = await TestChain.create();
    assert.equal(c.t.validators.length, 1);
    assert.equal(c.t.validators[0]!.power, 1000n);
    assert.equal(toHex(c.t.validators[0]!.pubKey), toHex(consKey(0).pub));
  });

  it("MsgCreateValidator makes a new validator appear in the end-block updates", async () => {
    const c = await TestChain.create();
    await c.block();
    const r = await c.block([c.tx(1, [createValidator(c, 1, 1, 500n)])]);
    assert.deepEqual(codes(r), [0], logs(r));
    assert.equal(r.validatorUpdates.length, 1);
    assert.equal(toHex(r.validatorUpdates[0]!.pubKey), toHex(consKey(1).pub));
    assert.equal(r.validatorUpdates[0]!.power, 500n);
    assert.equal(c.set.size, 2);
    const ev = r.txResults[0]!.events.find((e) => e.type === "create_validator");
    assert.ok(ev);
    // a second create with the same operator or key is refused, nothing changes
    const r2 = await c.block([
      c.tx(1, [createValidator(c, 1, 2, 5n)]),
      c.tx(2, [createValidator(c, 2, 1, 5n)]),
    ]);
    assert.deepEqual(
      r2.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["staking/4", "staking/5"],
    );
    assert.equal(r2.validatorUpdates.length, 0);
  });

  it("delegating raises power; undelegating pays out only after the unbonding period", async () => {
    const c = await TestChain.create({ stakingParams: { unbonding_time: "100s" } });
    await c.block();
    const d = c.acc(3);
    const delegate = {
      typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
      value: {
        delegatorAddress: d.address,
        validatorAddress: c.valoper(0),
        amount: { denom: "aopen", amount: (200n * OPEN).toString() },
      },
    };
    const before = c.balance(d.addressBytes);
    const r = await c.block([c.tx(3, [delegate])]);
    assert.deepEqual(codes(r), [0], logs(r));
    assert.equal(r.validatorUpdates[0]?.power, 1200n);
    assert.equal(c.balance(d.addressBytes), before - 200n * OPEN);
    const undelegate = {
      typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
      value: {
        delegatorAddress: d.address,
        validatorAddress: c.valoper(0),
        amount: { denom: "aopen", amount: (50n * OPEN).toString() },
      },
    };
    const r2 = await c.block([c.tx(3, [undelegate])]);
    assert.deepEqual(codes(r2), [0], logs(r2));
    assert.equal(r2.validatorUpdates[0]?.power, 1150n);
    const afterUnbond = c.balance(d.addressBytes);
    await c.blocks(5, { seconds: 10n });
    assert.equal(c.balance(d.addressBytes), afterUnbond, "not paid before the unbonding period");
    await c.blocks(6, { seconds: 10n });
    // rewards are zero (no fees, no stream), so the balance grows by exactly the unbonded amount
    assert.equal(c.balance(d.addressBytes), afterUnbond + 50n * OPEN);
    const done = c.results.at(-6)!.events.concat(...c.results.slice(-6).map((x) => x.events));
    assert.ok(done.some((e) => e.type === "complete_unbonding"));
  });

  it("bad inputs fail with coded errors and change nothing", async () => {
    const c = await TestChain.create();
    await c.block();
    const d = c.acc(4);
    const bad = [
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: {
          delegatorAddress: d.address,
          validatorAddress: c.valoper(5),
          amount: { denom: "aopen", amount: "10" },
        },
      },
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: {
          delegatorAddress: d.address,
          validatorAddress: c.valoper(0),
          amount: { denom: "uatom", amount: "10" },
        },
      },
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: {
          delegatorAddress: d.address,
          validatorAddress: c.valoper(0),
          amount: { denom: "aopen", amount: "0" },
        },
      },
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
        value: {
          delegatorAddress: d.address,
          validatorAddress: c.valoper(0),
          amount: { denom: "aopen", amount: "10" },
        },
      },
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: {
          delegatorAddress: d.address,
          validatorAddress: "openvaloper1bad",
          amount: { denom: "aopen", amount: "10" },
        },
      },
    ];
    const before = c.balance(d.addressBytes);
    const r = await c.block(bad.map((m) => c.tx(4, [m])));
    assert.deepEqual(
      r.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["staking/3", "sdk/18", "sdk/18", "staking/19", "sdk/7"],
      logs(r),
    );
    assert.equal(c.balance(d.addressBytes), before);
    assert.equal(r.validatorUpdates.length, 0);
  });
});
