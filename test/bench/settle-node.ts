/**
 * Settled inferences per second through a running node: a real `openledgerd dev` (the e2e harness),
 * a published datanet with rows from the owner and two contributors (accepted into version 2), a model
 * pinned to it, `--operators` bonded operators serving it, and a requester credit escrowed for each.
 * `--n` inference requests are pre-signed off chain (distinct nonces) and submitted as MsgSettleInference
 * txs (`--pack` messages per tx) from every operator at once over JSON-RPC `broadcast_tx_sync`, each
 * operator's txs in sequence order. Figures come from the committed blocks (`block`, `block_results`):
 * settled inferences per second, p50/p99 submit→commit latency, mean gas per settlement, block interval,
 * and the engine's attribution work per settlement (from the stored InferenceRecords).
 *
 * Needs a build (`npx tsc -p tsconfig.json`). `npm run bench -- settle-node [--n 1500] [--operators 6]
 * [--pack 5] [--rows 100]`
 */
import { createHash } from "node:crypto";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { ChainClient } from "../../src/client/client.js";
import {
  attributionRegistryTypes,
  type InferenceRequestData,
  requestProto,
  signRequest,
} from "../../src/modules/attribution/index.js";
import { QueryInferenceRequest, QueryInferenceResponse } from "../../src/modules/attribution/proto.js";
import { datanetsRegistryTypes } from "../../src/modules/datanets/index.js";
import { MsgContributeResponse, Visibility } from "../../src/modules/datanets/proto.js";
import { defaultModelsParams, modelsRegistryTypes } from "../../src/modules/models/index.js";
import { ModelKind } from "../../src/modules/models/proto.js";
import { hdAccount, signTx, type TestAccount, testRegistry } from "../../src/testing/index.js";
import { NodeProcess } from "../e2e/harness.js";

for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes, ...attributionRegistryTypes]) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

const CHAIN_ID = "openledger-dev";
const GAS_PRICE = 1_000_000_000n; // the dev node's minimum gas price (aopen per gas)

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

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex").toUpperCase();

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

interface TxResult {
  code: number;
  log?: string;
  data?: string | null;
  gas_used: string;
  events?: { type: string; attributes: { key: string; value: string }[] }[];
}

/** Run the benchmark. */
export default async function main(args: string[]): Promise<void> {
  const n = arg(args, "n", 1500);
  const nOps = Math.min(6, arg(args, "operators", 6));
  const pack = arg(args, "pack", 5);
  const perAuthor = arg(args, "rows", 100);
  const r = rng(11);
  const vocab = Array.from(
    { length: 800 },
    (_, i) => `w${i.toString(36)}x${Math.floor(r() * 1e6).toString(36)}`,
  );
  const mkRows = () =>
    Array.from({ length: perAuthor }, () =>
      Array.from({ length: 30 }, () => vocab[Math.floor(r() * vocab.length)]!).join(" "),
    );
  const [seedRows, rowsA, rowsB] = [mkRows(), mkRows(), mkRows()];
  const allRows = [...seedRows, ...rowsA, ...rowsB];

  const tStart = performance.now();
  const node = await NodeProcess.start();
  const client = ChainClient.connect(node.rpcUrl);
  try {
    const acct = Array.from({ length: 4 + nOps }, (_, i) => hdAccount(i));
    const [owner, alice, bob, user] = [acct[0]!, acct[1]!, acct[2]!, acct[3]!];
    const ops = acct.slice(4);
    const numbers = new Map<string, bigint>();
    const seqs = new Map<string, bigint>();
    for (const a of acct) {
      const v = await client.account(a.address);
      numbers.set(a.address, BigInt(v.account_number));
      seqs.set(a.address, BigInt(v.sequence));
    }
    const sign = (who: TestAccount, msgs: EncodeObject[], gas: bigint) => {
      const seq = seqs.get(who.address)!;
      seqs.set(who.address, seq + 1n);
      return signTx(who, msgs, {
        chainId: CHAIN_ID,
        accountNumber: numbers.get(who.address)!,
        sequence: seq,
        gas,
        fee: [{ denom: "aopen", amount: gas * GAS_PRICE }],
      });
    };
    /** Sign, broadcast and wait for the commit; throws unless code 0. */
    const commit = async (who: TestAccount, msgs: EncodeObject[], gas = 20_000_000n) => {
      const tx = sign(who, msgs, gas);
      const res = await node.rpc<{ check_tx: TxResult; tx_result: TxResult; height: string }>(
        "broadcast_tx_commit",
        { tx: Buffer.from(tx).toString("base64") },
      );
      if (res.check_tx.code !== 0) throw new Error(`${msgs[0]!.typeUrl} check: ${res.check_tx.log}`);
      if (res.tx_result.code !== 0) throw new Error(`${msgs[0]!.typeUrl}: ${res.tx_result.log}`);
      return res.tx_result;
    };

    // --- setup -----------------------------------------------------------------------------------------
    const bond = defaultModelsParams().minOperatorBond!;
    await Promise.all([
      commit(owner, [
        msg("datanets", "MsgCreateDatanet", {
          owner: owner.address,
          name: "bench",
          summary: "",
          description: "",
          tags: [],
          license: "",
          visibility: Visibility.VISIBILITY_PUBLIC,
        }),
      ]),
      ...ops.map((op) =>
        commit(op, [
          msg("models", "MsgRegisterOperator", {
            operator: op.address,
            endpoint: "http://127.0.0.1:1",
            bond,
          }),
        ]),
      ),
      commit(
        user,
        ops.map((op) =>
          msg("attribution", "MsgDepositCredit", {
            requester: user.address,
            operator: op.address,
            amount: { denom: "aopen", amount: (10n ** 22n).toString() },
          }),
        ),
      ),
    ]);
    const rowInputs = (rows: string[]) => rows.map((content) => ({ content, license: "", metadata: "" }));
    await commit(owner, [
      msg("datanets", "MsgAddRows", { owner: owner.address, datanetId: 1, rows: rowInputs(seedRows) }),
      msg("datanets", "MsgPublishDatanet", { owner: owner.address, datanetId: 1 }),
    ]);
    const contributed = await Promise.all(
      (
        [
          [alice, rowsA],
          [bob, rowsB],
        ] as const
      ).map(async ([who, rows]) => {
        const res = await commit(who, [
          msg("datanets", "MsgContribute", { contributor: who.address, datanetId: 1, rows: rowInputs(rows) }),
        ]);
        const data = TxMsgData.decode(Buffer.from(res.data ?? "", "base64"));
        return MsgContributeResponse.decode(data.msgResponses[0]!.value).rowIds.map(String);
      }),
    );
    await commit(owner, [
      msg("datanets", "MsgReviewContributions", {
        reviewer: owner.address,
        datanetId: 1,
        accept: contributed.flat(),
        reject: [],
      }),
    ]);
    await commit(owner, [
      msg("models", "MsgRegisterModel", {
        owner: owner.address,
        name: "m",
        baseModel: "ngram-kn-v1",
        kind: ModelKind.MODEL_KIND_NGRAM,
        artifact: { sha256: "ab".repeat(32), size: 1, uri: "file:///m" },
        datanets: [{ datanetId: 1, version: 2 }],
        inputPrice: "1000",
        outputPrice: "1000000",
      }),
    ]);
    await Promise.all(
      ops.map((op) =>
        commit(op, [msg("models", "MsgServeModels", { operator: op.address, serve: [1], stop: [] })]),
      ),
    );

    // --- requests (pre-signed off chain) -----------------------------------------------------------------
    let nonce = 1n;
    const settleMsg = (op: TestAccount) => {
      const parts: string[] = [];
      for (let k = 0; k < 3; k++) {
        const row = allRows[Math.floor(r() * allRows.length)]!.split(" ");
        const at = Math.floor(r() * 20);
        parts.push(row.slice(at, at + 8).join(" "), "filler words here");
      }
      const req: InferenceRequestData = {
        chainId: CHAIN_ID,
        modelId: 1n,
        requester: user.address,
        promptSha256: createHash("sha256").update(String(nonce)).digest("hex"),
        maxFee: 10n ** 20n,
        nonce: nonce++,
        expiryHeight: 1_000_000n,
      };
      return msg("attribution", "MsgSettleInference", {
        operator: op.address,
        request: requestProto(req),
        signature: signRequest(req, user.privKey),
        pubkey: user.pubKey,
        inputTokens: 10,
        output: parts.join(" "),
      });
    };
    // Warm-up (builds the segment index on the node, outside gas) and a gas estimate.
    const tw = performance.now();
    const warm = await commit(ops[0]!, [settleMsg(ops[0]!)], 50_000_000n);
    const warmMs = performance.now() - tw;
    const gasPerMsg = (BigInt(warm.gas_used) * 3n) / 2n + 50_000n;
    console.log(
      `setup: ${((performance.now() - tStart) / 1000).toFixed(1)} s; ${allRows.length} rows (${perAuthor} owner + ${perAuthor} × 2 contributors), ${nOps} operators; warm-up settlement ${warmMs.toFixed(0)} ms, gas ${warm.gas_used}`,
    );

    const perOp: Uint8Array[][] = ops.map(() => []);
    const msgsOf = new Map<string, number>();
    for (let i = 0, k = 0; i < n; k++) {
      const o = k % nOps;
      const op = ops[o]!;
      const m = Math.min(pack, n - i);
      const tx = sign(
        op,
        Array.from({ length: m }, () => settleMsg(op)),
        gasPerMsg * BigInt(m),
      );
      perOp[o]!.push(tx);
      msgsOf.set(sha256hex(tx), m);
      i += m;
    }

    // --- submit and watch the blocks ----------------------------------------------------------------------
    const submitted = new Map<string, number>();
    const committedAt = new Map<string, number>();
    const gasOf = new Map<string, bigint>();
    const failed: string[] = [];
    const ids: string[] = [];
    const blockTimes: { height: number; time: number; settles: number }[] = [];
    const h0 = await node.height();
    let seen = h0 - 1; // the block before the first submit is the baseline
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const h = await node.height();
        for (let height = seen + 1; height <= h; height++) {
          const now = performance.now();
          const [blk, res] = await Promise.all([
            node.rpc<{ block: { header: { time: string }; data: { txs: string[] | null } } }>("block", {
              height: String(height),
            }),
            node.rpc<{ txs_results: TxResult[] | null }>("block_results", { height: String(height) }),
          ]);
          const txs = blk.block.data.txs ?? [];
          let settles = 0;
          txs.forEach((b64, i) => {
            const hash = sha256hex(Buffer.from(b64, "base64"));
            const tr = res.txs_results?.[i];
            if (!msgsOf.has(hash) || tr === undefined) return;
            committedAt.set(hash, now);
            if (tr.code !== 0) {
              failed.push(`${tr.code}: ${tr.log}`);
              return;
            }
            settles += msgsOf.get(hash)!;
            gasOf.set(hash, BigInt(tr.gas_used));
            for (const ev of tr.events ?? []) {
              if (
                ev.type !== "openledger.attribution.v1.EventInferenceSettled" &&
                !ev.type.includes("settled")
              )
                continue;
              const id = ev.attributes.find((a) => a.key === "inference_id")?.value;
              if (id !== undefined) ids.push(id);
            }
          });
          blockTimes.push({ height, time: Date.parse(blk.block.header.time), settles });
        }
        seen = h;
        if (committedAt.size >= msgsOf.size) break;
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    const t0 = performance.now();
    await Promise.all(
      perOp.map(async (txs) => {
        for (const tx of txs) {
          const hash = sha256hex(tx);
          submitted.set(hash, performance.now());
          const res = await node.rpc<{ code: number; log: string }>("broadcast_tx_sync", {
            tx: Buffer.from(tx).toString("base64"),
          });
          if (res.code !== 0) {
            failed.push(`check ${res.code}: ${res.log}`);
            committedAt.set(hash, Number.NaN);
          }
        }
      }),
    );
    const tSubmitted = performance.now();
    const deadline = Date.now() + 90_000;
    while (committedAt.size < msgsOf.size && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
    }
    watching = false;
    await watcher;
    const tEnd = Math.max(...[...committedAt.values()].filter((x) => !Number.isNaN(x)));

    // --- figures -----------------------------------------------------------------------------------------
    let settled = 0;
    let gas = 0n;
    const lat: number[] = [];
    for (const [hash, m] of msgsOf) {
      const g = gasOf.get(hash);
      if (g === undefined) continue;
      settled += m;
      gas += g;
      const c = committedAt.get(hash)!;
      for (let j = 0; j < m; j++) lat.push(c - submitted.get(hash)!);
    }
    const used = blockTimes.filter((b) => b.settles > 0);
    const first = used[0];
    const last = used[used.length - 1];
    const prev = first ? blockTimes.find((b) => b.height === first.height - 1) : undefined;
    const intervals: number[] = [];
    for (let i = 1; i < blockTimes.length; i++) intervals.push(blockTimes[i]!.time - blockTimes[i - 1]!.time);
    // From the header time of the block before the first settlement block to that of the block after the
    // last one: all execution, commits and `timeout_commit` waits of the settlement blocks.
    let span = Number.NaN;
    if (first && last && prev) {
      await node.waitFor(async () => (await node.height()) > last.height, 30_000, "the next block");
      const next = await node.rpc<{ block: { header: { time: string } } }>("block", {
        height: String(last.height + 1),
      });
      span = Date.parse(next.block.header.time) - prev.time;
    }
    console.log(
      `submitted ${n} settlements in ${msgsOf.size} txs (${pack}/tx) from ${nOps} operators in ${((tSubmitted - t0) / 1000).toFixed(2)} s; committed ${settled}, failed txs ${failed.length}${failed.length ? ` (first: ${failed[0]})` : ""}`,
    );
    console.log(
      `blocks with settlements: ${used.length} (heights ${first?.height}–${last?.height}), settlements per block: ${used.map((b) => b.settles).join(" ")}`,
    );
    console.log(
      `settled inferences per second (wall, first submit → last commit seen): ${((settled * 1000) / (tEnd - t0)).toFixed(1)}`,
    );
    console.log(
      `settled inferences per second (header times, block before the first to block after the last of the ${used.length} blocks): ${((settled * 1000) / span).toFixed(1)}`,
    );
    console.log(
      `submit→commit latency: p50 ${quantile(lat, 0.5).toFixed(0)} ms, p99 ${quantile(lat, 0.99).toFixed(0)} ms`,
    );
    console.log(`mean gas per settlement: ${settled ? gas / BigInt(settled) : 0n} (limit set ${gasPerMsg})`);
    console.log(
      `block interval (header times, ${intervals.length} intervals): mean ${(intervals.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length)).toFixed(0)} ms, p50 ${quantile(intervals, 0.5)} ms, max ${Math.max(...intervals)} ms`,
    );

    // Attribution work: a sample of the stored records.
    const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 40)) === 0);
    let work = 0;
    let outTok = 0;
    let rowsHit = 0;
    for (const id of sample) {
      const rec = QueryInferenceResponse.decode(
        await client.abciQuery(
          "/openledger.attribution.v1.Query/Inference",
          QueryInferenceRequest.encode({ id: Number(id) }).finish(),
        ),
      ).inference;
      work += Number(rec?.work ?? 0);
      outTok += Number(rec?.outputTokens ?? 0);
      rowsHit += rec?.rows?.length ?? 0;
    }
    const k = Math.max(1, sample.length);
    console.log(
      `attribution per settlement (${sample.length} records sampled): engine work ${(work / k).toFixed(0)}, output tokens ${(outTok / k).toFixed(1)}, rows credited ${(rowsHit / k).toFixed(1)}; corpus ${allRows.length} rows × 30 words`,
    );
  } finally {
    client.disconnect();
    await node.destroy();
  }
}
