import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Context } from "../../../../src/app/types.js";
import { UpgradeCode, UpgradeKeeper, upgradeNeededMessage } from "../../../../src/modules/upgrade/keeper.js";
import { createBranch, MemoryDatabase, StateStore } from "../../../../src/store/index.js";
import { CodedError } from "../../../../src/types/errors.js";
import { testContext } from "../../../helpers/context.js";

function ctxAt(store: ReturnType<typeof createBranch>, height: number): Context {
  return testContext(store, { height, time: { seconds: 1n, nanos: 0 }, mode: "block" });
}

describe("upgrade keeper", () => {
  it("schedules, refuses the block at the height without a handler, applies with one", () => {
    const store = createBranch(StateStore.open(new MemoryDatabase()).working);
    const k = new UpgradeKeeper(new Map());
    const plan = { name: "v0.2.0", height: 10n, info: "info", time: { seconds: 0n, nanos: 0 } };
    k.schedulePlan(ctxAt(store, 5), plan);
    assert.equal(k.getPlan(ctxAt(store, 5))?.name, "v0.2.0");
    k.beginBlock(ctxAt(store, 9));
    assert.throws(
      () => k.beginBlock(ctxAt(store, 10)),
      (e: unknown) =>
        e instanceof CodedError &&
        e.codespace === "upgrade" &&
        e.code === UpgradeCode.UpgradeNeeded &&
        e.message === 'UPGRADE "v0.2.0" NEEDED at height: 10: info',
    );
    assert.equal(upgradeNeededMessage(plan), 'UPGRADE "v0.2.0" NEEDED at height: 10: info');
    let ran = 0;
    k.setUpgradeHandler("v0.2.0", () => {
      ran++;
    });
    const ctx = ctxAt(store, 10);
    k.beginBlock(ctx);
    assert.equal(ran, 1);
    assert.equal(k.getPlan(ctx), undefined);
    assert.equal(k.appliedHeight(ctx, "v0.2.0"), 10n);
    assert.deepEqual(k.appliedPlans(ctx), [{ name: "v0.2.0", height: 10n }]);
    assert.equal(ctx.events.events[0]?.type, "upgrade");
  });

  it("rejects bad plans with coded errors", () => {
    const store = createBranch(StateStore.open(new MemoryDatabase()).working);
    const k = new UpgradeKeeper(new Map([["done", () => {}]]));
    const t = { seconds: 0n, nanos: 0 };
    const ctx = ctxAt(store, 5);
    for (const p of [
      { name: "", height: 10n, info: "", time: t },
      { name: "a", height: 0n, info: "", time: t },
      { name: "a", height: 5n, info: "", time: t },
    ])
      assert.throws(
        () => k.schedulePlan(ctx, p),
        (e: unknown) => e instanceof CodedError && e.codespace === "upgrade",
      );
    k.schedulePlan(ctx, { name: "done", height: 6n, info: "", time: t });
    k.beginBlock(ctxAt(store, 6));
    assert.throws(
      () => k.schedulePlan(ctxAt(store, 7), { name: "done", height: 9n, info: "", time: t }),
      (e: unknown) => e instanceof CodedError && e.code === UpgradeCode.AlreadyCompleted,
    );
  });
});
