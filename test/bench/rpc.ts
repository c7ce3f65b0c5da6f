/**
 * RPC read throughput: starts a dev node (via the e2e harness), keeps a loop sending bank txs (pre-
 * signed with explicit sequences, `broadcast_tx_sync`), and drives `abci_query` (bank balance),
 * `block` (random heights) and `tx_search` (two-condition query, one page) in turn from an
 * in-process load generator with bounded concurrency over keep-alive HTTP. Prints requests/s,
 * p50/p99 latency and errors per method, and the blocks and txs committed meanwhile.
 *
 * `npm run bench -- rpc [--seconds 12] [--concurrency 8] [--txRate 40]` (seconds per method; txRate
 * = bank txs sent per second in the background). Needs `npm run build` (the harness runs dist/).
 */

import { Agent, request } from "node:http";
import { makeCosmoshubPath } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { QueryBalanceRequest } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEV_MNEMONIC, NodeProcess } from "../e2e/harness.js";
import { mulberry32 as rng } from "../helpers/rng.js";

interface Args {
  seconds: number;
  concurrency: number;
  txRate: number;
}

function parse(args: string[]): Args {
  const out: Args = { seconds: 12, concurrency: 8, txRate: 40 };
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]?.replace(/^--/, "") as keyof Args;
    const v = Number(args[i + 1]);
    if (!(k in out) || !Number.isFinite(v) || v <= 0)
      throw new Error(`bad argument ${args[i]} ${args[i + 1]}`);
    out[k] = v;
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** POST a JSON-RPC call over a keep-alive agent; resolves with status and parsed body. */
function post(agent: Agent, url: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) });
          } catch (e) {
            reject(e);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Run `call` from `concurrency` workers for `seconds`; latencies in ms. */
async function load(
  seconds: number,
  concurrency: number,
  call: (i: number) => Promise<boolean>,
): Promise<{ n: number; errors: number; lat: number[]; elapsed: number }> {
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        let ok = false;
        try {
          ok = await call(i++);
        } catch {
          ok = false;
        }
        lat.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  return {
    n: lat.length,
    errors,
    lat: lat.sort((a, b) => a - b),
    elapsed: (performance.now() - start) / 1000,
  };
}

/** Run the benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const args = parse(argv);
  const agent = new Agent({ keepAlive: true, maxSockets: args.concurrency + 4 });
  const node = await NodeProcess.start();
  const url = node.rpcUrl;
  const gasPrice = GasPrice.fromString("1000000000aopen");
  const fee = calculateFee(120_000, gasPrice);
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONIC, {
    prefix: "open",
    hdPaths: [makeCosmoshubPath(0), makeCosmoshubPath(1)],
  });
  const [alice, bob] = (await wallet.getAccounts()).map((a) => a.address) as [string, string];
  const signer = await SigningStargateClient.connectWithSigner(url, wallet, { gasPrice });
  const chainId = await signer.getChainId();
  const { accountNumber, sequence } = await signer.getSequence(alice);

  const rpc = async (method: string, params: Record<string, unknown>): Promise<boolean> => {
    const res = await post(agent, url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
    return res.status === 200 && (res.json as { result?: unknown }).result !== undefined;
  };

  // Background bank-send loop.
  let seq = sequence;
  let sent = 0;
  let rejected = 0;
  let sending = true;
  const msg = {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: alice, toAddress: bob, amount: [{ denom: "aopen", amount: "1" }] },
  };
  const sender = (async () => {
    const period = 1000 / args.txRate;
    while (sending) {
      const t0 = performance.now();
      const raw = TxRaw.encode(
        await signer.sign(alice, [msg], fee, "", { accountNumber, sequence: seq, chainId }),
      ).finish();
      const ok = await rpc("broadcast_tx_sync", { tx: Buffer.from(raw).toString("base64") });
      if (ok) {
        seq++;
        sent++;
      } else rejected++;
      const wait = period - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();

  // Let some txs land so tx_search has results.
  await new Promise((r) => setTimeout(r, 3000));
  const balanceData = Buffer.from(
    QueryBalanceRequest.encode({ address: bob, denom: "aopen" }).finish(),
  ).toString("hex");
  const txQuery = `message.sender='${alice}' AND transfer.recipient='${bob}'`;
  const random = rng(42);
  const startHeight = await node.height();
  let tip = startHeight;
  const tipTimer = setInterval(() => {
    void node.height().then((h) => {
      if (h > tip) tip = h;
    });
  }, 500);
  const methods: [string, (i: number) => Promise<boolean>][] = [
    [
      "abci_query (bank balance)",
      () => rpc("abci_query", { path: "/cosmos.bank.v1beta1.Query/Balance", data: balanceData }),
    ],
    ["block (random height)", () => rpc("block", { height: String(1 + Math.floor(random() * tip)) })],
    [
      "tx_search (2 conditions, per_page 10)",
      () => rpc("tx_search", { query: txQuery, per_page: "10", page: "1", order_by: "desc" }),
    ],
  ];
  console.log(
    `# rpc bench: ${args.seconds}s per method, concurrency ${args.concurrency}, background bank sends ~${args.txRate}/s`,
  );
  console.log("method                                  req/s     p50 ms   p99 ms   errors   requests");
  for (const [name, call] of methods) {
    const r = await load(args.seconds, args.concurrency, call);
    console.log(
      `${name.padEnd(38)} ${(r.n / r.elapsed).toFixed(0).padStart(6)}   ${percentile(r.lat, 50).toFixed(2).padStart(6)}   ${percentile(r.lat, 99).toFixed(2).padStart(6)}   ${String(r.errors).padStart(6)}   ${String(r.n).padStart(8)}`,
    );
  }
  sending = false;
  clearInterval(tipTimer);
  await sender;
  const endHeight = await node.height();
  const found = (
    await post(
      agent,
      url,
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tx_search",
        params: { query: txQuery, per_page: "1" },
      }),
    )
  ).json as { result?: { total_count?: string } };
  console.log(
    `# during the load: blocks ${startHeight}→${endHeight} (${endHeight - startHeight}), bank txs accepted ${sent}, rejected ${rejected}, indexed ${found.result?.total_count ?? "?"}`,
  );
  signer.disconnect();
  agent.destroy();
  await node.destroy();
}
