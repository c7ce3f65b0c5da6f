import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secp256k1VerifyDigest } from "../../../src/crypto/secp256k1.js";
import {
  checkTx,
  createTestApp,
  hdAccount,
  msgSend,
  runBlock,
  signTx,
  type TestAccount,
} from "../../../src/testing/index.js";

const FEE = [{ denom: "aopen", amount: 200_000n }];

function send(from: TestAccount, to: TestAccount, chainId: string, sequence: bigint): Uint8Array {
  return signTx(from, [msgSend(from.address, to.address, [{ denom: "aopen", amount: 5n }])], {
    chainId,
    accountNumber: BigInt(from.index),
    sequence,
    fee: FEE,
  });
}

/** A verifier that counts calls and answers as the native one (or `answer` when given). */
function verifier(answer?: boolean) {
  const calls: Uint8Array[][] = [];
  const verify = async (d: Uint8Array, s: Uint8Array, p: Uint8Array): Promise<boolean> => {
    calls.push([d, s, p]);
    return answer ?? secp256k1VerifyDigest(d, s, p);
  };
  return { calls, verify };
}

describe("OpenLedgerApp.preverifyTx", () => {
  it("verifies a DIRECT tx once; CheckTx and FinalizeBlock give the same results and app hash", async () => {
    const a = await createTestApp({ accounts: 2 });
    const b = await createTestApp({ accounts: 2 });
    const [x, y] = a.accounts as [TestAccount, TestAccount];
    const txs = [send(x, y, a.chainId, 0n), send(y, x, a.chainId, 0n), send(x, y, a.chainId, 1n)];
    const v = verifier();
    for (const tx of txs) {
      await a.app.preverifyTx(tx, v.verify);
      // Again: the triple is cached now, so the verifier is not asked twice.
      await a.app.preverifyTx(tx, v.verify);
    }
    assert.equal(v.calls.length, 3);
    for (const tx of txs) {
      assert.equal((await checkTx(a.app, tx)).code, 0);
      assert.equal((await checkTx(b.app, tx)).code, 0);
    }
    const ra = await runBlock(a.app, txs);
    const rb = await runBlock(b.app, txs);
    assert.deepEqual(
      ra.txResults.map((r) => [r.code, r.gasUsed]),
      rb.txResults.map((r) => [r.code, r.gasUsed]),
    );
    assert.deepEqual(ra.appHash, rb.appHash);
  });

  it("caches nothing for a bad signature: CheckTx still rejects it (sdk 4) and changes nothing", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    const [x, y] = accounts as [TestAccount, TestAccount];
    const good = send(x, y, chainId, 0n);
    const bad = good.slice();
    bad[bad.length - 5]! ^= 1; // inside the signature (the last field of TxRaw)
    const v = verifier();
    await app.preverifyTx(bad, v.verify);
    assert.equal(v.calls.length, 1);
    const r = await checkTx(app, bad);
    assert.equal(r.codespace, "sdk");
    assert.equal(r.code, 4);
    // The sequence did not move: the good tx with the same sequence passes.
    assert.equal((await checkTx(app, good)).code, 0);
  });

  it("a verifier that fails or says no only means CheckTx verifies by itself", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    const [x, y] = accounts as [TestAccount, TestAccount];
    const tx = send(x, y, chainId, 0n);
    await app.preverifyTx(tx, verifier(false).verify);
    await assert.rejects(
      app.preverifyTx(tx, async () => {
        throw new Error("worker gone");
      }),
    );
    assert.equal((await checkTx(app, tx)).code, 0);
  });

  it("leaves undecodable txs and unknown signers to the ante handler", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 2 });
    const [x] = accounts as [TestAccount];
    const stranger = hdAccount(50);
    const v = verifier();
    await app.preverifyTx(new Uint8Array([0xff, 0x01, 0x02]), v.verify);
    await app.preverifyTx(new Uint8Array(0), v.verify);
    await app.preverifyTx(send(stranger, x, chainId, 0n), v.verify);
    assert.equal(v.calls.length, 0);
    const r = await checkTx(app, send(stranger, x, chainId, 0n));
    assert.notEqual(r.code, 0);
  });
});
