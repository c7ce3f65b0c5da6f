import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CheckTxRequest, CheckTxResponse } from "../../../src/abci/types.js";
import { yieldingCheckTx } from "../../../src/node/node.js";

describe("yieldingCheckTx", () => {
  it("keeps call order and results, and lets the event loop turn during a long back-to-back run", async () => {
    const seen: number[] = [];
    const app = {
      async checkTx(req: CheckTxRequest): Promise<CheckTxResponse> {
        const until = performance.now() + 2;
        while (performance.now() < until) {
          // busy: 2 ms of "CheckTx"
        }
        seen.push(req.tx[0] as number);
        return { code: 0, gasWanted: BigInt(req.tx[0] as number) } as CheckTxResponse;
      },
    };
    const check = yieldingCheckTx(app, 5);
    let immediateAfter = -1;
    setImmediate(() => {
      immediateAfter = seen.length;
    });
    // a chain of 30 calls, each started when the previous finished (as the mempool does)
    let chain: Promise<unknown> = Promise.resolve();
    const results: bigint[] = [];
    for (let i = 0; i < 30; i++) {
      chain = chain.then(async () => {
        const r = await check({ tx: new Uint8Array([i]), type: 0 } as CheckTxRequest);
        results.push(r.gasWanted);
      });
    }
    await chain;
    assert.deepEqual(
      seen,
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 30 }, (_, i) => BigInt(i)),
    );
    assert.ok(
      immediateAfter > 0 && immediateAfter < 30,
      `the event loop turned after ${immediateAfter} calls`,
    );
  });
});
