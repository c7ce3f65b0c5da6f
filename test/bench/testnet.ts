/**
 * 4-validator testnet benchmark (issue 4): `testnet init-files` (timeout_commit 1 s) on loopback, four
 * `openledgerd start` processes on this machine. Measures the idle block interval, then submits
 * pre-signed bank sends from many funded senders (each sender's txs to one node, in sequence order,
 * `--submitters` per node, each owning its own senders, so each sender's sequences arrive in order) over JSON-RPC and prints committed tx/s, p50/p99 submit→commit latency and block interval.
 *
 *   npm run bench -- testnet [--senders 400] [--duration 30] [--idle 10] [--batch 100] [--submitters 1]
 *
 * OPENLEDGER_CLI overrides the CLI path (default: the repository build, dist/cli/main.js).
 * OPENLEDGER_E2E_NODE_ARGS passes Node.js flags to the nodes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`),
 * only to node OPENLEDGER_BENCH_PROFILE_NODE when that is set.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { secp256k1Address, toBech32 } from "../../src/crypto/address.js";
import { sha256 } from "../../src/crypto/hash.js";
import { secp256k1PublicKey } from "../../src/crypto/secp256k1.js";
import { NODE_RUNTIME_FLAGS, nodeRuntimeEnv } from "../../src/node/runtimeFlags.js";
import { hdAccount, signTx, type TestAccount } from "../../src/testing/index.js";
import { fromBase64, toBase64, toHex } from "../../src/types/bytes.js";
import { CLI, tempHome } from "../e2e/harness.js";

const CHAIN_ID = "openledger-testnet";
const GAS_PRICE = 1_000_000_000n;
const SEND_GAS = 100_000n;
const N = 4;

interface RpcResult {
  result?: Record<string, unknown>;
  error?: { message: string; data?: string };
}

/** Run the benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      senders: { type: "string", default: "400" },
      duration: { type: "string", default: "30" },
      idle: { type: "string", default: "10" },
      batch: { type: "string", default: "100" },
      submitters: { type: "string", default: "1" },
      "starting-port": { type: "string", default: "23656" },
    },
  });
  const senders = Number(values.senders);
  const durationS = Number(values.duration);
  const idleS = Number(values.idle);
  const batchSize = Number(values.batch);
  const submitters = Math.max(1, Number(values.submitters));
  const base = Number(values["starting-port"]);
  const bin = process.env["OPENLEDGER_CLI"] ?? CLI;

  const root = tempHome("openledger-testnet-bench-");
  const init = spawnSync(
    process.execPath,
    [
      bin,
      "testnet",
      "init-files",
      "--validators",
      `${N}`,
      "--output-dir",
      root,
      "--starting-port",
      `${base}`,
    ],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`init-files failed: ${init.stderr}`);
  for (let i = 0; i < N; i++) {
    const cfg = join(root, `node${i}`, "config", "config.toml");
    writeFileSync(
      cfg,
      readFileSync(cfg, "utf8")
        .replace(/^size = \d+/m, "size = 50000")
        .replace(/^cache_size = \d+/m, "cache_size = 200000")
        .replace(/^max_batch_requests = \d+/m, "max_batch_requests = 100")
        .replace(/^max_body_bytes = \d+/m, "max_body_bytes = 10000000"),
    );
  }
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  // OPENLEDGER_E2E_NODE_ARGS: Node.js flags for every node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`);
  // OPENLEDGER_BENCH_PROFILE_NODE limits them to one node index.
  const nodeArgs = (process.env["OPENLEDGER_E2E_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
  const profiled = process.env["OPENLEDGER_BENCH_PROFILE_NODE"];
  for (let i = 0; i < N; i++) {
    const p = spawn(
      process.execPath,
      [
        ...NODE_RUNTIME_FLAGS,
        ...(profiled === undefined || Number(profiled) === i ? nodeArgs : []),
        bin,
        "start",
        "--home",
        join(root, `node${i}`),
        "--log-level",
        process.env["BENCH_DEBUG"] ? "debug" : "warn",
      ],
      // The launchers' V8 flags and glibc settings (src/node/runtimeFlags.ts), as `testnet start` runs them.
      { stdio: ["ignore", "pipe", "pipe"], env: nodeRuntimeEnv() },
    );
    logs[i] = "";
    const take = (d: Buffer) => {
      logs[i] = ((logs[i] ?? "") + d.toString()).slice(-20_000);
    };
    p.stdout?.on("data", take);
    p.stderr?.on("data", take);
    procs.push(p);
  }
  const rpcs = Array.from({ length: N }, (_, i) => new Rpc(`http://127.0.0.1:${base + 10 * i + 1}`));
  const rpc = rpcs[0] as Rpc;
  try {
    await waitUntil(async () => (await rpc.height().catch(() => 0)) >= 2, 90_000, "first blocks");

    // Idle block interval.
    const idleFrom = await rpc.height();
    await sleep(idleS * 1000);
    const idleTo = await rpc.height();
    const idleTimes = await blockTimes(rpc, idleFrom, idleTo);
    const idleIntervals = idleTimes.slice(1).map((t, i) => t - (idleTimes[i] as number));
    console.log(
      `idle block interval: mean ${mean(idleIntervals).toFixed(0)} ms, max ${Math.max(0, ...idleIntervals)} ms (${idleIntervals.length} blocks, timeout_commit 1 s)`,
    );

    // Fund senders from the 10 dev accounts with multi-sends.
    const funders = Array.from({ length: 10 }, (_, i) => hdAccount(i));
    const accounts = Array.from({ length: senders }, (_, i) => deterministicAccount(`sender-${i}`));
    const pending: string[] = [];
    for (let f = 0; f < funders.length; f++) {
      const funder = funders[f] as TestAccount;
      const outs = accounts.filter((_, i) => i % funders.length === f).map((a) => a.address);
      if (outs.length === 0) continue;
      const gas = 50_000n + BigInt(outs.length) * 40_000n;
      const tx = signTx(funder, [multiSend(funder.address, outs, 10n ** 19n)], {
        chainId: CHAIN_ID,
        accountNumber: await rpc.accountNumber(funder.address),
        sequence: 0n,
        fee: [{ denom: "aopen", amount: gas * GAS_PRICE }],
        gas,
      });
      const r = (await rpc.call("broadcast_tx_sync", { tx: toBase64(tx) })) as {
        code: number;
        log: string;
        hash: string;
      };
      if (r.code !== 0) throw new Error(`funding tx rejected: ${r.log}`);
      pending.push(r.hash);
    }
    for (const h of pending) {
      await waitUntil(
        async () => (await rpc.call("tx", { hash: h }).catch(() => undefined)) !== undefined,
        60_000,
        `funding ${h}`,
      );
    }
    const nums = await Promise.all(accounts.map((a) => rpc.accountNumber(a.address)));

    // Pre-sign ~2,500 tx/s worth for the run.
    const perSender = Math.ceil(((durationS + 5) * 2500) / senders);
    const queues: { bytes: string; hash: string }[][] = Array.from({ length: N * submitters }, () => []);
    for (let seq = 0; seq < perSender; seq++) {
      accounts.forEach((a, i) => {
        const bytes = signTx(a, [send(a.address, (accounts[(i + 1) % senders] as TestAccount).address, 1n)], {
          chainId: CHAIN_ID,
          accountNumber: nums[i] as bigint,
          sequence: BigInt(seq),
          fee: [{ denom: "aopen", amount: SEND_GAS * GAS_PRICE }],
          gas: SEND_GAS,
          omitPubKey: seq > 0,
        });
        (queues[i % (N * submitters)] as { bytes: string; hash: string }[]).push({
          bytes: toBase64(bytes),
          hash: toHex(sha256(bytes)).toUpperCase(),
        });
      });
    }
    console.log(`# pre-signed ${perSender * senders} txs from ${senders} senders`);

    const submitted = new Map<string, number>();
    const latencies: number[] = [];
    const t0 = Date.now();
    const end = t0 + durationS * 1000;
    let rejected = 0;
    const reasons = new Map<string, number>();
    const startHeight = await rpc.height();
    const cpu0 = procs.map(cpuMs);
    const worker = async (k: number) => {
      const nodeIdx = k % N;
      const q = queues[k] as { bytes: string; hash: string }[];
      const r = rpcs[nodeIdx] as Rpc;
      while (Date.now() < end && q.length > 0) {
        const batch = q.splice(0, batchSize);
        const now = Date.now();
        for (const t of batch) submitted.set(t.hash, now);
        const res = await r.batch(
          batch.map((t) => ({ method: "broadcast_tx_sync", params: { tx: t.bytes } })),
        );
        for (const x of res) {
          if (x.error || (x.result as { code?: number } | undefined)?.code !== 0) {
            rejected++;
            const why = x.error
              ? `${x.error.message} ${x.error.data ?? ""}`
              : String((x.result as { log?: string }).log);
            const k = why.replace(/\d+/g, "N").slice(0, 100);
            reasons.set(k, (reasons.get(k) ?? 0) + 1);
          }
        }
      }
    };
    const blocks: { height: number; ms: number; txs: number; round: number }[] = [];
    // The watcher polls each node in turn and fetches a block from the node that reported it, so
    // serving the watcher (status polls, whole blocks as JSON) is spread over the four nodes instead of
    // slowing node 0, which then proposes late.
    const watcher = async () => {
      let h = startHeight;
      for (let poll = 0; Date.now() < end + 5000; poll++) {
        const from = rpcs[poll % N] as Rpc;
        const latest = await from.height().catch(() => h);
        while (h < latest) {
          h++;
          const b = (await from.call("block", { height: String(h) })) as {
            block: { header: { time: string }; data: { txs: string[] }; last_commit: { round: number } };
          };
          const seen = Date.now();
          for (const tx of b.block.data.txs) {
            const s0 = submitted.get(toHex(sha256(fromBase64(tx))).toUpperCase());
            if (s0 !== undefined) latencies.push(seen - s0);
          }
          blocks.push({
            height: h,
            ms: Date.parse(b.block.header.time),
            txs: b.block.data.txs.length,
            round: b.block.last_commit.round,
          });
          if (process.env["BENCH_DEBUG"]) {
            console.log(
              `h=${h} txs=${b.block.data.txs.length} t=${((Date.parse(b.block.header.time) - t0) / 1000).toFixed(1)}s prev-round=${b.block.last_commit.round}`,
            );
          }
        }
        await sleep(100);
      }
    };
    await Promise.all([watcher(), ...Array.from({ length: N * submitters }, (_, k) => worker(k))]);
    const cpu1 = procs.map(cpuMs);
    const finalHeights = await Promise.all(rpcs.map((r) => r.height().catch(() => -1)));
    // Every block from the start of the load to the end of the watch: committed txs over that span.
    const window = blocks.filter((b) => b.ms <= end + 5000);
    const committed = window.slice(1).reduce((s, b) => s + b.txs, 0);
    const spanS = window.length > 1 ? ((window.at(-1) as { ms: number }).ms - t0) / 1000 : Number.NaN;
    const intervals = window.slice(1).map((b, i) => b.ms - (window[i] as { ms: number }).ms);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
    console.log(`validators:          ${N} processes on this machine`);
    console.log(`senders:             ${senders}, submitted ${submitted.size}, rejected ${rejected}`);
    console.log(
      `committed tx/s:      ${(committed / spanS).toFixed(0)} (${committed} txs in ${spanS.toFixed(1)} s, ${window.length} blocks)`,
    );
    console.log(`submit→commit p50:   ${pct(50)} ms   p99: ${pct(99)} ms`);
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3))
      console.log(`  ${n} × ${why}`);
    console.log(
      `block interval:      mean ${mean(intervals).toFixed(0)} ms, max ${Math.max(0, ...intervals)} ms under load`,
    );
    console.log(
      `final heights:       ${finalHeights.join(" / ")} (watched from all nodes in turn up to ${startHeight + blocks.length})`,
    );
    console.log(
      `blocks:              ${blocks.map((b) => `${b.txs}@${((b.ms - t0) / 1000).toFixed(1)}s${b.round > 0 ? `(r${b.round})` : ""}`).join(" ")}`,
    );
    // CPU of each node process (all threads) from the start of the load to the end of the watch.
    const allCommitted = blocks.reduce((s, b) => s + b.txs, 0);
    const perNode = cpu1.map((c, i) => c - (cpu0[i] as number));
    console.log(
      `node CPU per tx:     ${perNode.map((ms) => ((ms * 1000) / Math.max(1, allCommitted)).toFixed(0)).join(" / ")} µs (${allCommitted} txs committed during the watch; CPU ${perNode.map((ms) => (ms / 1000).toFixed(1)).join(" / ")} s)`,
    );
    if (process.env["BENCH_DEBUG"] || process.env["BENCH_LOGS"]) {
      for (const l of logs) console.log((l ?? "").slice(-4000));
      for (const r of rpcs) {
        const cs = await r.call("consensus_state", {}).catch((e: unknown) => ({ error: String(e) }));
        const ui = await r.call("num_unconfirmed_txs", {}).catch((e: unknown) => ({ error: String(e) }));
        console.log(JSON.stringify(cs).slice(0, 1500), JSON.stringify(ui));
      }
    }
  } catch (e) {
    console.error(
      `bench failed: ${(e as Error).message}\n--- node0 output (tail) ---\n${(logs[0] ?? "").slice(-3000)}`,
    );
    throw e;
  } finally {
    // SIGTERM first (a node flushes its `--cpu-prof` profile on a clean exit), SIGKILL after 10 s
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            const timer = setTimeout(() => {
              p.kill("SIGKILL");
              resolve();
            }, 10_000);
            p.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            p.kill("SIGTERM");
          }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
  }
}

class Rpc {
  private id = 0;
  constructor(private readonly url: string) {}

  async call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const [r] = await this.batch([{ method, params }]);
    if (!r || r.error) throw new Error(`${method}: ${r?.error?.message} ${r?.error?.data ?? ""}`);
    return r.result ?? {};
  }

  async batch(reqs: { method: string; params: Record<string, unknown> }[]): Promise<RpcResult[]> {
    const body = reqs.map((r) => ({ jsonrpc: "2.0", id: ++this.id, method: r.method, params: r.params }));
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as RpcResult | RpcResult[];
        return Array.isArray(json) ? json : [json];
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  async height(): Promise<number> {
    const s = (await this.call("status", {})) as { sync_info: { latest_block_height: string } };
    return Number(s.sync_info.latest_block_height);
  }

  async accountNumber(address: string): Promise<bigint> {
    const { QueryAccountRequest, QueryAccountResponse } = await import(
      "cosmjs-types/cosmos/auth/v1beta1/query"
    );
    const { BaseAccount } = await import("cosmjs-types/cosmos/auth/v1beta1/auth");
    const data = toHex(QueryAccountRequest.encode({ address }).finish());
    const r = (await this.call("abci_query", { path: "/cosmos.auth.v1beta1.Query/Account", data })) as {
      response: { code: number; value: string; log: string };
    };
    if (r.response.code !== 0) throw new Error(`account ${address}: ${r.response.log}`);
    const any = QueryAccountResponse.decode(fromBase64(r.response.value)).account;
    if (!any) throw new Error(`no account ${address}`);
    return BaseAccount.decode(any.value).accountNumber;
  }
}

/** User + system CPU time (ms) of a child process, all threads, from /proc (NaN where unavailable). */
function cpuMs(p: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function blockTimes(rpc: Rpc, from: number, to: number): Promise<number[]> {
  const out: number[] = [];
  for (let h = from; h <= to; h++) {
    const b = (await rpc.call("block", { height: String(h) })) as { block: { header: { time: string } } };
    out.push(Date.parse(b.block.header.time));
  }
  return out;
}

function deterministicAccount(label: string): TestAccount {
  const privKey = sha256(new TextEncoder().encode(`openledger-bench/${label}`));
  const pubKey = secp256k1PublicKey(privKey);
  const addressBytes = secp256k1Address(pubKey);
  return { index: -1, address: toBech32("open", addressBytes), addressBytes, privKey, pubKey };
}

function send(from: string, to: string, amount: bigint): EncodeObject {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: from, toAddress: to, amount: [{ denom: "aopen", amount: amount.toString() }] },
  };
}

function multiSend(from: string, to: string[], amount: bigint): EncodeObject {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
    value: {
      inputs: [
        { address: from, coins: [{ denom: "aopen", amount: (amount * BigInt(to.length)).toString() }] },
      ],
      outputs: to.map((address) => ({ address, coins: [{ denom: "aopen", amount: amount.toString() }] })),
    },
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN;
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
