/**
 * The app's per-tx path in one process, without RPC or consensus: pre-verification (signature checked
 * in-thread here), CheckTx and FinalizeBlock + Commit of pre-signed bank sends, a mix that includes
 * failures (out of gas, insufficient funds, missing fee, then the wrong sequences they cause). Prints
 * CPU µs per tx for each phase (process CPU time, steadier than wall time on a shared machine) and a
 * digest of every response, result, event and app hash: two builds that print the same digest behave
 * identically on this workload. A last phase times what the node does with each block's results
 * before its commit — the data and results hashes, the results' encoding for the block store and the
 * tx indexer's staging (on an in-memory database) — and prints a second digest over those bytes, and
 * a third over the hashes and results alone (the index's layout may change; its answers may not).
 *
 *   npm run bench -- txpath [--accounts 2000] [--blocks 8]
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { CheckTxType } from "../../src/abci/types.js";
import { encodeFinalizeBlockResponse } from "../../src/blockstore/codec.js";
import { secp256k1VerifyDigest } from "../../src/crypto/secp256k1.js";
import { TxIndexer } from "../../src/indexer/index.js";
import { MemoryDatabase } from "../../src/store/index.js";
import { createTestApp, msgSend, runBlock, signTx } from "../../src/testing/index.js";
import { dataHash, lastResultsHash } from "../../src/types/block.js";

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Run the benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { accounts: { type: "string", default: "2000" }, blocks: { type: "string", default: "8" } },
  });
  const n = Number(values.accounts);
  const blockCount = Math.max(3, Number(values.blocks));
  const t = await createTestApp({ accounts: n, minGasPrices: "0.000000001aopen" });
  await runBlock(t.app, []);
  const blocks: Uint8Array[][] = [];
  for (let b = 0; b < blockCount; b++) {
    const txs: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const a = t.accounts[i]!;
      const to = t.accounts[(i * 7 + b + 1) % n]!;
      const gas = i % 97 === 0 ? 60000n + BigInt(b * 5000) : i % 101 === 0 ? 1000n : 200000n;
      const amount = i % 89 === 0 ? 10n ** 30n : BigInt(1000 + i);
      txs.push(
        signTx(a, [msgSend(a.address, to.address, [{ denom: "aopen", amount }])], {
          chainId: t.chainId,
          accountNumber: BigInt(i),
          sequence: BigInt(b),
          fee: [{ denom: "aopen", amount: i % 103 === 0 ? 0n : 200000n }],
          gas,
          omitPubKey: b > 0 && i % 2 === 0,
          memo: i % 7 === 0 ? "hi" : "",
        }),
      );
    }
    blocks.push(txs);
  }
  const digest = createHash("sha256");
  const storeDigest = createHash("sha256");
  // The same without the index's bytes (its layout is the node's own; tx_search results are the contract).
  const resultsDigest = createHash("sha256");
  const db = new MemoryDatabase();
  // Records by hash are pointers into the block store (as the node runs it), not copies.
  const indexer = new TxIndexer(db, { txSource: { loadTxResult: async () => undefined } });
  let tPre = 0;
  let tCheck = 0;
  let tFin = 0;
  let tStore = 0;
  for (let bi = 0; bi < blocks.length; bi++) {
    // The first two blocks warm up the JIT.
    if (bi === 2) {
      tPre = 0;
      tCheck = 0;
      tFin = 0;
      tStore = 0;
    }
    const txs = blocks[bi]!.map((x) => Uint8Array.from(x));
    let t0 = cpuMs();
    await Promise.all(
      txs.map((x) => t.app.preverifyTx(x, async (d, s, p) => secp256k1VerifyDigest(d, s, p))),
    );
    tPre += cpuMs() - t0;
    t0 = cpuMs();
    for (const x of txs) {
      const r = await t.app.checkTx({ tx: x, type: CheckTxType.New });
      digest.update(
        JSON.stringify([r.code, r.log, `${r.gasUsed}`, `${r.priority}`, r.sender, `${r.sequence}`, r.events]),
      );
    }
    tCheck += cpuMs() - t0;
    t0 = cpuMs();
    const res = await runBlock(t.app, txs);
    tFin += cpuMs() - t0;
    for (const r of res.txResults) {
      digest.update(
        JSON.stringify([
          r.code,
          r.log,
          `${r.gasUsed}`,
          `${r.gasWanted}`,
          Buffer.from(r.data).toString("hex"),
          r.events,
        ]),
      );
    }
    digest.update(res.appHash);
    t0 = cpuMs();
    const hashes = [dataHash(txs), lastResultsHash(res.txResults)];
    const resultsBytes = encodeFinalizeBlockResponse(res);
    indexer.stageBlock(bi + 2, txs, res.txResults, res.events);
    tStore += cpuMs() - t0;
    for (const h of hashes) {
      storeDigest.update(h);
      resultsDigest.update(h);
    }
    storeDigest.update(resultsBytes);
    resultsDigest.update(resultsBytes);
    await db.flush();
  }
  for await (const [k, v] of db.iterate()) {
    storeDigest.update(k);
    storeDigest.update(v);
  }
  const measured = n * (blocks.length - 2);
  const us = (ms: number) => ((1000 * ms) / measured).toFixed(1);
  console.log(`accounts ${n}, blocks ${blocks.length} (2 warm-up)`);
  console.log(`preverify (ECDSA in-thread): ${us(tPre)} µs/tx`);
  console.log(`checkTx:                     ${us(tCheck)} µs/tx`);
  console.log(`finalizeBlock + commit:      ${us(tFin)} µs/tx`);
  console.log(`hashes, results, index:      ${us(tStore)} µs/tx`);
  console.log(`digest ${digest.digest("hex")}`);
  console.log(`store digest ${storeDigest.digest("hex")}`);
  console.log(`hashes+results digest ${resultsDigest.digest("hex")}`);
}
