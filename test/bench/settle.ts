/**
 * Settlement throughput: MsgSettleInference txs executed per second through the app (FinalizeBlock +
 * Commit on the in-memory store, the same code path a node runs; RPC, mempool and consensus excluded).
 * A datanet of `--rows` generated rows (seeded), one model pinned to it, one operator, one requester;
 * blocks of `--per-block` settlements of ~40-token outputs built from row fragments (so every
 * settlement credits rows). Prints settlements/s and the gas per settlement.
 *
 * `npm run bench -- settle [--rows 2000] [--blocks 5] [--per-block 100]`
 */
import { createHash } from "node:crypto";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { OpenLedgerApp } from "../../src/app/app.js";
import {
  AttributionModule,
  attributionRegistryTypes,
  type InferenceRequestData,
  requestProto,
  signRequest,
} from "../../src/modules/attribution/index.js";
import { DatanetsModule, datanetsRegistryTypes } from "../../src/modules/datanets/index.js";
import { Visibility } from "../../src/modules/datanets/proto.js";
import { defaultModelsParams, ModelsModule, modelsRegistryTypes } from "../../src/modules/models/index.js";
import { ModelKind } from "../../src/modules/models/proto.js";
import type { StakingStack } from "../../src/modules/staking/stack.js";
import { createTestApp, runBlock, signTx, type TestAccount, testRegistry } from "../../src/testing/index.js";

for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes, ...attributionRegistryTypes]) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const msg = (pkg: string, name: string, value: Record<string, unknown>): EncodeObject => ({
  typeUrl: `/openledger.${pkg}.v1.${name}`,
  value,
});

/** Run the benchmark. */
export default async function main(args: string[]): Promise<void> {
  const nRows = arg(args, "rows", 2000);
  const blocks = arg(args, "blocks", 5);
  const perBlock = arg(args, "per-block", 100);
  const r = rng(7);
  const vocab = Array.from(
    { length: 800 },
    (_, i) => `w${i.toString(36)}x${Math.floor(r() * 1e6).toString(36)}`,
  );
  const rows = Array.from({ length: nRows }, () =>
    Array.from({ length: 30 }, () => vocab[Math.floor(r() * vocab.length)]!).join(" "),
  );

  const ref: { app?: OpenLedgerApp; stack?: StakingStack } = {};
  const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
  const models = new ModelsModule({ bank: () => ref.app!.bankKeeper, datanets: () => datanets.keeper });
  const attribution = new AttributionModule({
    bank: () => ref.app!.bankKeeper,
    accounts: () => ref.app!.authKeeper,
    communityPool: () => ref.stack!.distribution,
    models: () => models.keeper,
    datanets: () => datanets.keeper,
  });
  const t = await createTestApp({ staking: true, modules: [datanets, models, attribution], accounts: 4 });
  ref.app = t.app;
  ref.stack = t.staking!;
  const app = t.app;
  await runBlock(app, []);
  const seqs = new Map<string, bigint>();
  const sign = (who: TestAccount, msgs: EncodeObject[]) => {
    const seq = seqs.get(who.address) ?? 0n;
    seqs.set(who.address, seq + 1n);
    return signTx(who, msgs, {
      chainId: t.chainId,
      accountNumber: BigInt(who.index),
      sequence: seq,
      gas: 5_000_000_000n,
    });
  };
  const ok = async (who: TestAccount, msgs: EncodeObject[]) => {
    const res = (await runBlock(app, [sign(who, msgs)])).txResults[0]!;
    if (res.code !== 0) throw new Error(res.log);
  };
  const [owner, op, user] = [t.accounts[0]!, t.accounts[1]!, t.accounts[2]!];
  await ok(owner, [
    msg("datanets", "MsgCreateDatanet", {
      owner: owner.address,
      name: "bench",
      summary: "",
      description: "",
      tags: [],
      license: "",
      visibility: Visibility.VISIBILITY_PUBLIC,
    }),
  ]);
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200).map((content) => ({ content, license: "", metadata: "" }));
    await ok(owner, [msg("datanets", "MsgAddRows", { owner: owner.address, datanetId: 1, rows: batch })]);
  }
  await ok(owner, [msg("datanets", "MsgPublishDatanet", { owner: owner.address, datanetId: 1 })]);
  await ok(owner, [
    msg("models", "MsgRegisterModel", {
      owner: owner.address,
      name: "m",
      baseModel: "ngram-kn-v1",
      kind: ModelKind.MODEL_KIND_NGRAM,
      artifact: { sha256: "ab".repeat(32), size: 1, uri: "file:///m" },
      datanets: [{ datanetId: 1, version: 1 }],
      inputPrice: "1000",
      outputPrice: "1000000",
    }),
  ]);
  const bond = defaultModelsParams().minOperatorBond!;
  await ok(op, [
    msg("models", "MsgRegisterOperator", { operator: op.address, endpoint: "http://127.0.0.1:1", bond }),
  ]);
  await ok(op, [msg("models", "MsgServeModels", { operator: op.address, serve: [1], stop: [] })]);
  await ok(user, [
    msg("attribution", "MsgDepositCredit", {
      requester: user.address,
      operator: op.address,
      amount: { denom: "aopen", amount: (10n ** 23n).toString() },
    }),
  ]);
  // Warm the segment index (built once per node, outside gas).
  let nonce = 1n;
  const settleTx = () => {
    const parts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const row = rows[Math.floor(r() * rows.length)]!.split(" ");
      const at = Math.floor(r() * 20);
      parts.push(row.slice(at, at + 8).join(" "), "filler words here");
    }
    const output = parts.join(" ");
    const req: InferenceRequestData = {
      chainId: t.chainId,
      modelId: 1n,
      requester: user.address,
      promptSha256: createHash("sha256").update(String(nonce)).digest("hex"),
      maxFee: 10n ** 20n,
      nonce: nonce++,
      expiryHeight: 1_000_000n,
    };
    return sign(op, [
      msg("attribution", "MsgSettleInference", {
        operator: op.address,
        request: requestProto(req),
        signature: signRequest(req, user.privKey),
        pubkey: user.pubKey,
        inputTokens: 10,
        output,
      }),
    ]);
  };
  const t0w = performance.now();
  await runBlock(app, [settleTx()]);
  console.log(`index build + first settlement: ${(performance.now() - t0w).toFixed(0)} ms (${nRows} rows)`);
  let total = 0;
  let gas = 0n;
  let ms = 0;
  for (let b = 0; b < blocks; b++) {
    const txs = Array.from({ length: perBlock }, settleTx);
    const t0 = performance.now();
    const res = await runBlock(app, txs);
    ms += performance.now() - t0;
    for (const x of res.txResults) {
      if (x.code !== 0) throw new Error(x.log);
      gas += x.gasUsed;
      total++;
    }
  }
  console.log(`settlements: ${total} in ${blocks} blocks of ${perBlock}`);
  console.log(`settled inferences per second (FinalizeBlock + Commit): ${((total * 1000) / ms).toFixed(1)}`);
  console.log(`mean gas per settlement: ${gas / BigInt(total)}`);
}
