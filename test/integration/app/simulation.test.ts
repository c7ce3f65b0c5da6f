import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { createTestApp, msgSend, runBlock, signTx, type TestAccount } from "../../../src/testing/index.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

describe("seeded random simulation", () => {
  it("keeps total supply equal to the sum of balances and matches a model over 3,000 txs", async () => {
    const N_ACC = 20;
    const START = 1_000_000n;
    const { app, accounts, chainId } = await createTestApp({ accounts: N_ACC, balance: START });
    await runBlock(app, []);
    const rand = rng(0x5eed);
    const pick = (n: number) => Math.floor(rand() * n);
    const bal = new Map<string, bigint>(accounts.map((a) => [a.address, START]));
    const seq = new Map<string, bigint>(accounts.map((a) => [a.address, 0n]));
    let feeCollected = 0n;
    const BLOCKS = 15;
    const PER_BLOCK = 200;
    for (let b = 0; b < BLOCKS; b++) {
      const txs: Uint8Array[] = [];
      const expected: number[] = [];
      for (let i = 0; i < PER_BLOCK; i++) {
        const from = accounts[pick(N_ACC)] as TestAccount;
        const nOut = 1 + pick(3);
        const outs = Array.from({ length: nOut }, () => accounts[pick(N_ACC)] as TestAccount);
        const fee = BigInt(pick(1000));
        const have = bal.get(from.address)!;
        const amounts = outs.map(() => BigInt(Math.floor((rand() * Number(have)) / (nOut * 1.6))) + 1n);
        const total = amounts.reduce((x, y) => x + y, 0n);
        const s = seq.get(from.address)!;
        const wrongSeq = rand() < 0.08;
        const useMulti = nOut > 1;
        const msgs = useMulti
          ? [
              {
                typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
                value: {
                  inputs: [{ address: from.address, coins: [{ denom: "aopen", amount: total.toString() }] }],
                  outputs: outs.map((o, k) => ({
                    address: o.address,
                    coins: [{ denom: "aopen", amount: amounts[k]!.toString() }],
                  })),
                },
              },
            ]
          : [msgSend(from.address, outs[0]!.address, [{ denom: "aopen", amount: amounts[0]! }])];
        txs.push(
          signTx(from, msgs, {
            chainId,
            accountNumber: BigInt(from.index),
            sequence: wrongSeq ? s + 1n + BigInt(pick(3)) : s,
            fee: fee > 0n ? [{ denom: "aopen", amount: fee }] : [],
            mode: rand() < 0.2 ? "amino" : "direct",
          }),
        );
        // Model.
        if (wrongSeq) {
          expected.push(32);
          continue;
        }
        if (have < fee) {
          expected.push(5);
          continue;
        }
        seq.set(from.address, s + 1n);
        bal.set(from.address, have - fee);
        feeCollected += fee;
        if (have - fee < total) {
          expected.push(5);
          continue;
        }
        bal.set(from.address, bal.get(from.address)! - total);
        outs.forEach((o, k) => {
          bal.set(o.address, bal.get(o.address)! + amounts[k]!);
        });
        expected.push(0);
      }
      const res = await runBlock(app, txs);
      assert.deepEqual(
        res.txResults.map((r) => r.code),
        expected,
        `block ${b}`,
      );
      if (b % 5 === 4) assert.deepEqual(app.checkInvariants(), []);
    }
    assert.deepEqual(app.checkInvariants(), []);
    for (const a of accounts) {
      const r = await app.query({
        path: "/cosmos.bank.v1beta1.Query/Balance",
        data: QueryBalanceRequest.encode({ address: a.address, denom: "aopen" }).finish(),
        height: 0,
        prove: false,
      });
      assert.equal(
        BigInt(QueryBalanceResponse.decode(r.value).balance!.amount),
        bal.get(a.address),
        a.address,
      );
    }
    const fc = await app.query({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({
        address: app.moduleAccountAddress("fee_collector"),
        denom: "aopen",
      }).finish(),
      height: 0,
      prove: false,
    });
    assert.equal(BigInt(QueryBalanceResponse.decode(fc.value).balance!.amount), feeCollected);
  });
});
