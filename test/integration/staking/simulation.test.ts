/**
 * Seeded random simulation of staking, distribution and slashing messages with invariants checked
 * after every block (bank supply, bonded pool = bonded tokens, not-bonded pool = unbonding +
 * unbonded tokens, delegator shares = validator shares, outstanding rewards ≥ 0, distribution
 * balance = outstanding + community pool).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { msgSend } from "../../../src/testing/index.js";
import { toHex } from "../../../src/types/bytes.js";
import { mulberry32 as rng } from "../../helpers/rng.js";
import { consAny, consKey, OPEN, TestChain } from "./chain.js";

describe("staking simulation", () => {
  it("random staking messages keep every invariant (seed 42)", async () => {
    const rand = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const c = await TestChain.create({
      validators: [
        { account: 0, bond: 1000n },
        { account: 1, bond: 700n },
      ],
      rewardPerBlock: OPEN / 3n,
      stakingParams: { unbonding_time: "30s", max_validators: 3 },
      slashingParams: {
        signed_blocks_window: "8",
        min_signed_per_window: "0.500000000000000000",
        downtime_jail_duration: "20s",
        slash_fraction_double_sign: "0.050000000000000000",
        slash_fraction_downtime: "0.010000000000000000",
      },
    });
    await c.block();
    const operators = [0, 1];
    let okTxs = 0;
    for (let b = 0; b < 60; b++) {
      const txs: Uint8Array[] = [];
      const n = Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const who = 2 + Math.floor(rand() * 7);
        const a = c.acc(who);
        const val = pick(operators);
        const other = pick(operators);
        const amt = (BigInt(1 + Math.floor(rand() * 50)) * OPEN) / BigInt(1 + Math.floor(rand() * 3));
        const coin = { denom: "aopen", amount: amt.toString() };
        const kind = Math.floor(rand() * 8);
        let m: EncodeObject;
        if (kind === 0 && !operators.includes(who) && operators.length < 5) {
          m = {
            typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
            value: {
              description: {
                moniker: `sim-${who}`,
                identity: "",
                website: "",
                securityContact: "",
                details: "",
              },
              commission: {
                rate: (5n * 10n ** 16n).toString(),
                maxRate: (10n ** 17n).toString(),
                maxChangeRate: (10n ** 16n).toString(),
              },
              minSelfDelegation: "1",
              delegatorAddress: "",
              validatorAddress: c.valoper(who),
              pubkey: consAny(consKey(who).pub),
              value: { denom: "aopen", amount: (BigInt(100 + Math.floor(rand() * 900)) * OPEN).toString() },
            },
          };
          operators.push(who);
        } else if (kind <= 2) {
          m = {
            typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
            value: { delegatorAddress: a.address, validatorAddress: c.valoper(val), amount: coin },
          };
        } else if (kind === 3) {
          m = {
            typeUrl: "/cosmos.staking.v1beta1.MsgUndelegate",
            value: { delegatorAddress: a.address, validatorAddress: c.valoper(val), amount: coin },
          };
        } else if (kind === 4) {
          m = {
            typeUrl: "/cosmos.staking.v1beta1.MsgBeginRedelegate",
            value: {
              delegatorAddress: a.address,
              validatorSrcAddress: c.valoper(val),
              validatorDstAddress: c.valoper(other),
              amount: coin,
            },
          };
        } else if (kind === 5) {
          const ubd = c.stack.staking.getUBD(c.ctx(), a.addressBytes, c.acc(val).addressBytes);
          const e = ubd?.entries[0];
          m = {
            typeUrl: "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation",
            value: {
              delegatorAddress: a.address,
              validatorAddress: c.valoper(val),
              amount: { denom: "aopen", amount: e ? (BigInt(e.balance) / 2n + 1n).toString() : "5" },
              creationHeight: e?.creationHeight ?? 1n,
            },
          };
        } else if (kind === 6) {
          m = {
            typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
            value: { delegatorAddress: a.address, validatorAddress: c.valoper(val) },
          };
        } else {
          m = msgSend(a.address, c.acc(2 + Math.floor(rand() * 7)).address, [
            { denom: "aopen", amount: amt },
          ]);
        }
        txs.push(c.tx(who, [m], BigInt(Math.floor(rand() * 5000))));
      }
      // now and then a validator misses blocks, gets jailed and its operator unjails later
      const absent = new Set<string>();
      if (b >= 10 && b < 25) absent.add(toHex(consKey(1).cons));
      if (b === 40 || b === 50)
        txs.push(
          c.tx(1, [
            { typeUrl: "/cosmos.slashing.v1beta1.MsgUnjail", value: { validatorAddr: c.valoper(1) } },
          ]),
        );
      const r = await c.block(txs, { absent, seconds: BigInt(1 + Math.floor(rand() * 4)) });
      okTxs += r.txResults.filter((x) => x.code === 0).length;
      assert.deepEqual(c.t.app.checkInvariants(), []);
    }
    assert.ok(okTxs > 30, `only ${okTxs} txs succeeded`);
    // export → the staking state round-trips through genesis JSON
    const exported = c.t.app.exportGenesis();
    assert.ok(Array.isArray((exported["staking"] as { validators: unknown[] }).validators));
  });
});
