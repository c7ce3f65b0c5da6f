/**
 * The mempool and the app around a commit: a tx that arrives while the app commits must be checked
 * against a check state that already holds the mempool's pending txs (CometBFT locks the mempool
 * around Commit). Without the lock, a sender's next sequence is refused while its previous tx waits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Mempool } from "../../../src/mempool/mempool.js";
import { createTestApp, msgSend, signTx } from "../../../src/testing/index.js";

describe("mempool lock around commit", () => {
  it("accepts a sender's next sequence that arrives during commit", async () => {
    const t = await createTestApp({ accounts: 2 });
    const [a, b] = t.accounts as [(typeof t.accounts)[0], (typeof t.accounts)[0]];
    const mempool = new Mempool({}, { app: t.app });
    const tx = (seq: number) =>
      signTx(a, [msgSend(a.address, b.address, [{ denom: "aopen", amount: 1n }])], {
        chainId: t.chainId,
        accountNumber: BigInt(a.index),
        sequence: BigInt(seq),
        omitPubKey: seq > 0,
      });
    assert.equal((await mempool.add(tx(0))).added, true);
    // An empty block: tx 0 stays pending in the mempool.
    await t.app.finalizeBlock({
      txs: [],
      decidedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash: new Uint8Array(32),
      height: t.store.version + 1,
      time: { seconds: 1_700_000_100n, nanos: 0 },
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
    });
    await mempool.lock();
    await t.app.commit(); // the check state is now the committed state, without tx 0
    const late = mempool.add(tx(1)); // arrives before the mempool re-checked tx 0: must wait
    await mempool.update(t.store.version, []);
    const r = await late;
    assert.equal(r.response.code, 0, r.response.log);
    assert.equal(r.added, true);
    assert.equal(mempool.size, 2);
  });
});
