/** Downtime jailing and unjailing; double-sign slashing and tombstoning (with unbonding entries slashed). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QuerySigningInfoRequest,
  QuerySigningInfoResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/query";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { toBech32 } from "../../../src/crypto/address.js";
import { tokensOf } from "../../../src/modules/staking/keeper.js";
import { toHex } from "../../../src/types/bytes.js";
import { codes, consKey, logs, OPEN, TestChain } from "./chain.js";

const slashingParams = {
  signed_blocks_window: "10",
  min_signed_per_window: "0.500000000000000000",
  downtime_jail_duration: "60s",
  slash_fraction_double_sign: "0.050000000000000000",
  slash_fraction_downtime: "0.010000000000000000",
};

const unjail = (c: TestChain, i: number) => ({
  typeUrl: "/cosmos.slashing.v1beta1.MsgUnjail",
  value: { validatorAddr: c.valoper(i) },
});

describe("slashing", () => {
  it("a validator that stops signing is jailed, slashed, loses power and unjails after the jail duration", async () => {
    const c = await TestChain.create({
      validators: [
        { account: 0, bond: 1000n },
        { account: 1, bond: 500n },
      ],
      slashingParams,
    });
    const cons1 = consKey(1).cons;
    const absent = new Set([toHex(cons1)]);
    await c.block();
    let jailedAt = 0;
    for (let i = 0; i < 15 && jailedAt === 0; i++) {
      const r = await c.block([], { absent });
      if (r.validatorUpdates.some((u) => toHex(u.pubKey) === toHex(consKey(1).pub) && u.power === 0n))
        jailedAt = c.height;
    }
    assert.ok(jailedAt > 0, "validator 1 was never jailed");
    assert.equal(
      jailedAt,
      12,
      "jailed once more than half of the 10-block window after its start height is missed",
    );
    const v = c.stack.staking.getValidator(c.ctx(), c.acc(1).addressBytes)!;
    assert.equal(v.jailed, true);
    assert.equal(v.status, BondStatus.BOND_STATUS_UNBONDING);
    assert.equal(tokensOf(v), 495n * OPEN, "1% of 500 burned");
    assert.equal(c.set.size, 1);
    const ev = c.results.at(-1)!.events.find((e) => e.type === "slash");
    assert.equal(ev?.attributes.find((a) => a.key === "reason")?.value, "missing_signature");
    // signing info is served
    const consStr = toBech32("openvalcons", cons1);
    const q = await c.query(
      "/cosmos.slashing.v1beta1.Query/SigningInfo",
      QuerySigningInfoRequest.encode({ consAddress: consStr }).finish(),
      QuerySigningInfoResponse.decode,
    );
    assert.equal(q.code, 0, q.log);
    assert.equal(q.value!.valSigningInfo.jailedUntil.seconds, c.time + 60n);
    // too early: still jailed
    const early = await c.block([c.tx(1, [unjail(c, 1)])]);
    assert.deepEqual(
      early.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["slashing/4"],
    );
    // not jailed validator cannot unjail
    const notJailed = await c.block([c.tx(0, [unjail(c, 0)])]);
    assert.deepEqual(
      notJailed.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["slashing/5"],
    );
    await c.block([], { seconds: 60n });
    const r = await c.block([c.tx(1, [unjail(c, 1)])]);
    assert.deepEqual(codes(r), [0], logs(r));
    assert.deepEqual(
      r.validatorUpdates.map((u) => [toHex(u.pubKey), u.power]),
      [[toHex(consKey(1).pub), 495n]],
    );
    // it signs again and is not jailed again
    await c.blocks(15);
    assert.equal(c.stack.staking.getValidator(c.ctx(), c.acc(1).addressBytes)!.jailed, false);
  });

  it("a double-signing validator is slashed (with unbondings begun after the infraction) and tombstoned", async () => {
    const c = await TestChain.create({
      validators: [
        { account: 0, bond: 1000n },
        { account: 1, bond: 500n },
      ],
      slashingParams,
    });
    const d = c.acc(2);
    await c.block();
    await c.block();
    await c.block();
    const r4 = await c.block([
      c.tx(2, [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: {
            delegatorAddress: d.address,
            validatorAddress: c.valoper(1),
            amount: { denom: "aopen", amount: (100n * OPEN).toString() },
          },
        },
      ]),
    ]);
    assert.deepEqual(codes(r4), [0], logs(r4));
    const r5 = await c.block([
      c.tx(2, [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
          value: {
            delegatorAddress: d.address,
            validatorAddress: c.valoper(1),
            amount: { denom: "aopen", amount: (40n * OPEN).toString() },
          },
        },
      ]),
    ]);
    assert.deepEqual(codes(r5), [0], logs(r5));
    const supplyBefore = c.t.app.bankKeeper.getSupply(c.ctx(), "aopen");
    const tokensBefore = tokensOf(c.stack.staking.getValidator(c.ctx(), c.acc(1).addressBytes)!);
    assert.equal(tokensBefore, 560n * OPEN);
    const cons1 = consKey(1).cons;
    const r6 = await c.block([], {
      misbehavior: [
        {
          type: "duplicate_vote",
          validatorAddress: cons1,
          validatorPower: 600n,
          height: 4,
          time: { seconds: c.time - 2n, nanos: 0 },
          totalVotingPower: 1600n,
        },
      ],
    });
    // 5% of 600 power = 30 OPEN: 2 OPEN from the unbonding entry (created at height 5 ≥ 3), 28 from the validator
    const v = c.stack.staking.getValidator(c.ctx(), c.acc(1).addressBytes)!;
    assert.equal(tokensOf(v), tokensBefore - 28n * OPEN);
    const ubd = c.stack.staking.getUBD(c.ctx(), d.addressBytes, c.acc(1).addressBytes)!;
    assert.equal(ubd.entries[0]!.balance, (38n * OPEN).toString());
    assert.equal(c.t.app.bankKeeper.getSupply(c.ctx(), "aopen"), supplyBefore - 30n * OPEN);
    assert.equal(v.jailed, true);
    assert.ok(r6.validatorUpdates.some((u) => toHex(u.pubKey) === toHex(consKey(1).pub) && u.power === 0n));
    const info = c.stack.slashing.getSigningInfo(c.ctx(), cons1)!;
    assert.equal(info.tombstoned, true);
    assert.equal(info.jailedUntil.seconds, 253_402_300_799n);
    // tombstoned: cannot unjail even much later; a second report changes nothing
    await c.block([], { seconds: 100_000n });
    const r = await c.block([c.tx(1, [unjail(c, 1)])], {
      misbehavior: [
        {
          type: "duplicate_vote",
          validatorAddress: cons1,
          validatorPower: 600n,
          height: 5,
          time: { seconds: c.time, nanos: 0 },
          totalVotingPower: 1600n,
        },
      ],
    });
    assert.deepEqual(
      r.txResults.map((x) => `${x.codespace}/${x.code}`),
      ["slashing/4"],
    );
    assert.equal(
      tokensOf(c.stack.staking.getValidator(c.ctx(), c.acc(1).addressBytes)!),
      tokensBefore - 28n * OPEN,
    );
    // distribution recorded the slash event
    const evs = c.stack.distribution.slashEvents(c.ctx(), c.acc(1).addressBytes, 0n, 1000n);
    assert.equal(evs.length, 1);
    assert.equal(evs[0]!.event.fraction, (5n * 10n ** 16n).toString());
  });
});
