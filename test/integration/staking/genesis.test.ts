/** Export(init(x)) = x for the staking, distribution and slashing state after activity. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OpenLedgerApp } from "../../../src/app/app.js";
import { defaultConsensusParams } from "../../../src/config/genesis.js";
import { createStakingStack } from "../../../src/modules/staking/stack.js";
import { MemoryDatabase, StateStore } from "../../../src/store/index.js";
import { utf8 } from "../../../src/types/bytes.js";
import { codes, consKey, logs, OPEN, TestChain } from "./chain.js";

describe("staking genesis", () => {
  it("exports state that imports back to the same export", async () => {
    const c = await TestChain.create({
      validators: [
        { account: 0, bond: 1000n },
        { account: 1, bond: 500n },
      ],
      rewardPerBlock: OPEN,
      stakingParams: { unbonding_time: "1000s" },
    });
    await c.block();
    const d = c.acc(2);
    const r = await c.block([
      c.tx(2, [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: {
            delegatorAddress: d.address,
            validatorAddress: c.valoper(0),
            amount: { denom: "aopen", amount: (50n * OPEN).toString() },
          },
        },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: {
            delegatorAddress: d.address,
            validatorAddress: c.valoper(0),
            amount: { denom: "aopen", amount: (5n * OPEN).toString() },
          },
        },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgBeginRedelegate",
          value: {
            delegatorAddress: d.address,
            validatorSrcAddress: c.valoper(0),
            validatorDstAddress: c.valoper(1),
            amount: { denom: "aopen", amount: (10n * OPEN).toString() },
          },
        },
        {
          typeUrl: "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
          value: { delegatorAddress: d.address, withdrawAddress: c.acc(3).address },
        },
      ]),
    ]);
    assert.deepEqual(codes(r), [0], logs(r));
    await c.blocks(3, { absent: new Set([Buffer.from(consKey(1).cons).toString("hex")]) });
    const exported = c.t.app.exportGenesis();
    const store = StateStore.open(new MemoryDatabase());
    const stack = createStakingStack(() => app.bankKeeper);
    const app: OpenLedgerApp = new OpenLedgerApp({ chainId: c.t.chainId }, { store, modules: stack.modules });
    const init = await app.initChain({
      time: { seconds: c.time, nanos: 0 },
      chainId: c.t.chainId,
      consensusParams: defaultConsensusParams(),
      validators: [],
      appStateBytes: utf8(JSON.stringify(exported)),
      initialHeight: c.height + 1,
    });
    assert.deepEqual(
      init.validators.map((v) => v.power).sort(),
      [...c.set.values()].sort(),
      "InitChain returns the exported bonded set",
    );
    const again = app.exportGenesis();
    for (const m of ["staking", "distribution", "slashing"]) assert.deepEqual(again[m], exported[m], m);
    assert.deepEqual(app.checkInvariants(), []);
  });
});
