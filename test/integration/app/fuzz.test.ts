import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { checkTx, createTestApp, msgSend, runBlock, signTx } from "../../../src/testing/index.js";
import { mulberry32 as rng } from "../../helpers/rng.js";

describe("fuzzing tx decoding and ante", () => {
  it("answers malformed and mutated txs with coded errors, never throwing or changing state", async () => {
    const { app, accounts, chainId } = await createTestApp({ accounts: 3 });
    await runBlock(app, []);
    const rand = rng(42);
    const pick = (n: number) => Math.floor(rand() * n);
    const valid = [
      signTx(
        accounts[0]!,
        [msgSend(accounts[0]!.address, accounts[1]!.address, [{ denom: "aopen", amount: 5n }])],
        {
          chainId,
          accountNumber: 0n,
          sequence: 0n,
          fee: [{ denom: "aopen", amount: 500n }],
        },
      ),
      signTx(
        accounts[1]!,
        [msgSend(accounts[1]!.address, accounts[2]!.address, [{ denom: "aopen", amount: 7n }])],
        {
          chainId,
          accountNumber: 1n,
          sequence: 0n,
          fee: [{ denom: "aopen", amount: 500n }],
          mode: "amino",
          memo: "fuzz",
        },
      ),
    ];
    const cases: Uint8Array[] = [new Uint8Array(), new Uint8Array([0]), new Uint8Array([0xff, 0xff, 0xff])];
    for (let i = 0; i < 150; i++) cases.push(Uint8Array.from({ length: pick(400) }, () => pick(256)));
    for (let i = 0; i < 300; i++) {
      const base = valid[pick(valid.length)]!;
      const kind = pick(5);
      const m = Uint8Array.from(base);
      if (kind === 0) {
        cases.push(m.slice(0, pick(m.length)));
      } else if (kind === 1) {
        const n = 1 + pick(4);
        for (let k = 0; k < n; k++) {
          const at = pick(m.length);
          m[at] = m[at]! ^ (1 << pick(8));
        }
        cases.push(m);
      } else if (kind === 2) {
        const at = pick(m.length);
        cases.push(
          new Uint8Array([
            ...m.slice(0, at),
            ...Uint8Array.from({ length: 1 + pick(8) }, () => pick(256)),
            ...m.slice(at),
          ]),
        );
      } else if (kind === 3) {
        const raw = TxRaw.decode(base);
        const which = pick(3);
        const garbage = Uint8Array.from({ length: pick(60) }, () => pick(256));
        if (which === 0) raw.bodyBytes = garbage;
        else if (which === 1) raw.authInfoBytes = garbage;
        else raw.signatures = [garbage];
        cases.push(TxRaw.encode(raw).finish());
      } else {
        // An unknown critical field appended to TxRaw.
        cases.push(new Uint8Array([...m, 0x20, 0x01]));
      }
    }
    const before = app.exportGenesis();
    const hashBefore = (await app.info()).lastBlockAppHash;
    for (const tx of cases) {
      const r = await checkTx(app, tx);
      assert.notEqual(r.code, 0, "a malformed or mutated tx must not pass");
      assert.ok(r.codespace.length > 0);
      assert.ok(r.log.length > 0);
    }
    const res = await runBlock(app, cases);
    assert.equal(res.txResults.length, cases.length);
    for (const r of res.txResults) {
      assert.notEqual(r.code, 0);
      assert.ok(r.codespace.length > 0);
    }
    assert.deepEqual(app.exportGenesis(), before);
    assert.deepEqual((await app.info()).lastBlockAppHash, hashBefore);
    // The valid originals still work afterwards.
    const ok = await runBlock(app, valid);
    assert.deepEqual(
      ok.txResults.map((r) => r.code),
      [0, 0],
    );
  });
});
