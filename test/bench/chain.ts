/**
 * Chain throughput benchmark (issue 2): pre-signed bank sends from many accounts submitted over
 * JSON-RPC to a real `openledgerd` dev-style node on loopback. Prints sustained committed tx/s over the
 * measurement window, p50/p99 submit→commit latency, block interval, the node's peak RSS, and this
 * machine's raw secp256k1 verify rate measured in the same run.
 *
 *   npm run bench -- chain [--senders 2000] [--duration 60] [--state-accounts 0] [--concurrency 16]
 *                          [--batch 50] [--state-home DIR] [--rate 0]
 *
 * `--state-home DIR` saves the funded home (senders and state accounts) into DIR the first time and
 * starts later runs from a copy of it (funding 1M accounts takes ~10 min): such a run measures the node
 * restarted on a funded state, and its RSS "since start" does not include funding. Without the option
 * (or on the run that creates DIR, up to the funding line) the node funds in the same process.
 *
 * `--rate N` caps the offered load at N tx/s (0 = as fast as the node takes them): RSS follows
 * throughput (bigger blocks hold more per-block memory), so memory A/B runs compare at one rate.
 *
 * The machine is often shared, so besides wall-clock rates it prints the node's CPU time (all threads,
 * from /proc) per committed tx over the window, the load generator's own CPU per tx, and the load
 * average: on a busy machine CPU per tx is the stable figure. The load generator is kept lean: txs are
 * pre-signed before the window, submitted as JSON-RPC batches over kept-alive `node:http` sockets
 * (undici `fetch` costs several times more CPU per request), one in-flight batch per worker so each
 * sender's sequences arrive in order.
 */
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { defaultAppConfig, readAppConfig, writeAppConfig } from "../../src/config/config.js";
import { secp256k1Address, toBech32 } from "../../src/crypto/address.js";
import { sha256 } from "../../src/crypto/hash.js";
import { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "../../src/crypto/secp256k1.js";
import { initHome } from "../../src/node/home.js";
import { hdAccount, signTx, type TestAccount } from "../../src/testing/index.js";
import { fromBase64, toBase64, toHex } from "../../src/types/bytes.js";
import { NodeProcess, tempHome } from "../e2e/harness.js";

const CHAIN_ID = "openledger-dev";
const GAS_PRICE = 1_000_000_000n;
const SEND_GAS = 100_000n;

interface RpcResult {
  result?: Record<string, unknown>;
  error?: { message: string; data?: string };
}

/** Run the benchmark. */
export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      senders: { type: "string", default: "2000" },
      duration: { type: "string", default: "60" },
      "state-accounts": { type: "string", default: "0" },
      concurrency: { type: "string", default: "16" },
      batch: { type: "string", default: "50" },
      warmup: { type: "string", default: "5" },
      "state-home": { type: "string" },
      rate: { type: "string", default: "0" },
    },
  });
  const senders = Number(values.senders);
  const durationS = Number(values.duration);
  const stateAccounts = Number(values["state-accounts"]);
  const concurrency = Number(values.concurrency);
  const warmupS = Number(values.warmup);
  const batchSize = Number(values.batch);
  const rate = Number(values.rate);

  console.log(`# secp256k1 native verify: ${verifyRate().toFixed(0)} verifies/s (one thread)`);

  const home = tempHome("openledger-bench-");
  // e.g. OPENLEDGER_BENCH_STORE='{"cacheBytes":67108864,"leveldbMaxOpenFiles":200}' (app.toml [store]).
  const storeOverrides = process.env["OPENLEDGER_BENCH_STORE"];
  const stateHome = values["state-home"];
  const stateMeta = stateHome === undefined ? undefined : join(stateHome, "bench-state.json");
  const reuse = stateMeta !== undefined && existsSync(stateMeta);
  if (reuse) {
    const saved = JSON.parse(readFileSync(stateMeta, "utf8")) as { senders: number; stateAccounts: number };
    if (saved.senders !== senders || saved.stateAccounts !== stateAccounts)
      throw new Error(
        `${stateHome} holds ${saved.senders} senders and ${saved.stateAccounts} state accounts; remove it or pass those`,
      );
    cpSync(stateHome!, home, { recursive: true });
    const app = readAppConfig(home);
    // This build's `[store]` defaults, not the ones written when the saved home was created.
    app.store = defaultAppConfig().store;
    if (storeOverrides) Object.assign(app.store, JSON.parse(storeOverrides) as Partial<typeof app.store>);
    writeAppConfig(home, app);
  } else {
    initHome(home, {
      moniker: "bench",
      chainId: CHAIN_ID,
      devAccounts: true,
      nodeConfig: (c) => {
        c.consensus.timeoutCommitMs = 1000;
        c.mempool.size = 50_000;
        c.mempool.cacheSize = 200_000;
        c.rpc.maxBatchRequests = Math.max(100, batchSize);
        c.rpc.maxBodyBytes = 10_000_000;
      },
      appConfig: (a) => {
        a.minimumGasPrices = `${GAS_PRICE}aopen`;
        if (storeOverrides) Object.assign(a.store, JSON.parse(storeOverrides) as Partial<typeof a.store>);
      },
    });
  }
  // The harness starts the node with the launchers' V8 flags and glibc settings (src/node/runtimeFlags.ts).
  const node = await NodeProcess.start({ home, command: "start" });
  const rpc = new Rpc(node.rpcUrl);
  try {
    const funders = Array.from({ length: 10 }, (_, i) => hdAccount(i));
    const funderSeq = new Map<string, bigint>(funders.map((f) => [f.address, 0n]));
    const funderNum = new Map<string, bigint>();
    for (const f of funders) funderNum.set(f.address, (await rpc.account(f.address)).accountNumber);

    // Fund the senders (and optional extra state accounts) with multi-sends.
    const accounts = Array.from({ length: senders }, (_, i) => deterministicAccount(`sender-${i}`));
    let runKind = "full: the node funded the accounts in this process";
    if (reuse) {
      runKind = `restarted on the funded state saved in ${stateHome} (funding not in this process)`;
      console.log(
        `# started on a copy of ${stateHome}: height ${await node.height()}; node RSS ${rssMb(node)} MB`,
      );
    } else {
      console.log(
        `# funding ${senders} senders${stateAccounts ? ` and ${stateAccounts} state accounts` : ""} …`,
      );
      const fundStart = performance.now();
      await fund(
        rpc,
        funders,
        funderSeq,
        funderNum,
        accounts.map((a) => a.address),
        10n ** 19n,
        node,
      );
      if (stateAccounts > 0) {
        const extra: string[] = [];
        for (let i = 0; i < stateAccounts; i++)
          extra.push(toBech32("open", sha256(new TextEncoder().encode(`state-${i}`)).slice(0, 20)));
        await fund(rpc, funders, funderSeq, funderNum, extra, 1n, node);
      }
      console.log(
        `# funded in ${((performance.now() - fundStart) / 1000).toFixed(1)} s; height ${await node.height()}; node RSS ${rssMb(node)} MB`,
      );
      if (stateHome !== undefined) {
        const fundingPeak = rssMb(node);
        await node.stop();
        cpSync(home, stateHome, { recursive: true });
        writeFileSync(stateMeta!, JSON.stringify({ senders, stateAccounts }));
        await node.launch();
        runKind = `restarted on the state it funded and saved in ${stateHome} (funding peak before the restart: ${fundingPeak} MB)`;
        console.log(`# saved the funded home in ${stateHome}; node restarted on it`);
      }
    }

    // Pre-sign enough sends for the whole run at ~2× the target rate.
    const perSender = Math.ceil(((durationS + warmupS + 10) * 6000) / senders);
    const nums = await Promise.all(accounts.map((a) => rpc.account(a.address)));
    // txs[sender][sequence]
    const txs: { bytes: string; hash: string }[][] = accounts.map(() => []);
    let signed = 0;
    const signStart = performance.now();
    for (let seq = 0; seq < perSender; seq++) {
      for (let i = 0; i < senders; i++) {
        const a = accounts[i]!;
        const to = accounts[(i + 1) % senders]!.address;
        const bytes = signTx(a, [send(a.address, to, 1n)], {
          chainId: CHAIN_ID,
          accountNumber: nums[i]!.accountNumber,
          sequence: BigInt(seq),
          fee: [{ denom: "aopen", amount: SEND_GAS * GAS_PRICE }],
          gas: SEND_GAS,
          omitPubKey: seq > 0,
        });
        txs[i]!.push({ bytes: toBase64(bytes), hash: toHex(sha256(bytes)).toUpperCase() });
        signed++;
      }
    }
    rpc.reset();
    console.log(`# pre-signed ${signed} txs in ${((performance.now() - signStart) / 1000).toFixed(1)} s`);

    // Submit with bounded concurrency; watch blocks. Times are wall-clock ms (the node's block times
    // are too, on this machine), so throughput is measured on block header times and latency from
    // submission to the moment the watcher saw the block (an upper bound).
    const submitted = new Map<string, number>();
    const blocks: { height: number; headerMs: number; txs: number }[] = [];
    const latencies: number[] = [];
    let rejected = 0;
    const reasons = new Map<string, number>();
    const t0 = Date.now();
    const warmEnd = t0 + warmupS * 1000;
    const end = warmEnd + durationS * 1000;
    let offered = 0;
    // Each worker owns a disjoint set of senders and sends a sender's next sequence only after the
    // node answered the previous one, as a real client does (CheckTx is strict on sequence order).
    const worker = async (w: number) => {
      const mine = accounts.map((_, i) => i).filter((i) => i % concurrency === w);
      for (let seq = 0; seq < perSender; seq++) {
        for (let c = 0; c < mine.length; c += batchSize) {
          if (Date.now() >= end) return;
          const batch = mine.slice(c, c + batchSize).map((i) => txs[i]![seq]!);
          if (rate > 0) {
            offered += batch.length;
            const due = t0 + (offered / rate) * 1000;
            if (due > Date.now()) await sleep(due - Date.now());
          }
          const now = Date.now();
          for (const t of batch) submitted.set(t.hash, now);
          const res = await rpc.batch(
            batch.map((t) => ({ method: "broadcast_tx_sync", params: { tx: t.bytes } })),
          );
          for (const r of res) {
            const code = (r.result as { code?: number } | undefined)?.code;
            if (r.error || code !== 0) {
              rejected++;
              const why = r.error
                ? `${r.error.message} ${r.error.data ?? ""}`
                : String((r.result as { log?: string }).log);
              const k = why.replace(/\d+/g, "N").slice(0, 120);
              reasons.set(k, (reasons.get(k) ?? 0) + 1);
              if (why.includes("mempool is full")) await sleep(50);
            }
          }
        }
      }
    };
    // CPU time (node: all threads, from /proc; this process: cpuUsage) at the window's two ends.
    const cpu: { node: number; self: number; load: number }[] = [];
    const markCpu = () => {
      const u = process.cpuUsage();
      cpu.push({ node: nodeCpuMs(node), self: (u.user + u.system) / 1000, load: loadavg()[0]! });
    };
    const cpuTimers = [
      setTimeout(markCpu, Math.max(0, warmEnd - Date.now())),
      setTimeout(markCpu, Math.max(0, end - Date.now())),
    ];
    const watcher = async () => {
      let h = Math.max(1, await node.height());
      const giveUp = end + 60_000;
      while (Date.now() < giveUp) {
        const latest = await node.height();
        while (h < latest) {
          h++;
          const b = (await rpc.call("block", { height: String(h) })) as {
            block: { header: { time: string }; data: { txs: string[] } };
          };
          const seen = Date.now();
          const headerMs = Date.parse(b.block.header.time);
          for (const tx of b.block.data.txs) {
            const s0 = submitted.get(toHex(sha256(fromBase64(tx))).toUpperCase());
            if (s0 !== undefined && s0 >= warmEnd && s0 <= end) latencies.push(seen - s0);
          }
          blocks.push({ height: h, headerMs, txs: b.block.data.txs.length });
          if (process.env["BENCH_DEBUG"])
            console.log(`h=${h} txs=${b.block.data.txs.length} t=${((headerMs - t0) / 1000).toFixed(1)}s`);
        }
        if ((blocks.at(-1)?.headerMs ?? 0) > end) return;
        await sleep(50);
      }
    };
    let peakRss = 0;
    let windowRss = 0;
    let windowAnon = 0;
    let windowFile = 0;
    const rssTimer = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(node));
      const now = Date.now();
      if (now >= warmEnd && now <= end) {
        windowRss = Math.max(windowRss, rssMb(node, "VmRSS"));
        windowAnon = Math.max(windowAnon, rssMb(node, "RssAnon"));
        windowFile = Math.max(windowFile, rssMb(node, "RssFile"));
      }
    }, 500);
    await Promise.all([watcher(), ...Array.from({ length: concurrency }, (_, w) => worker(w))]);
    clearInterval(rssTimer);
    for (const t of cpuTimers) clearTimeout(t);

    const inWindow = blocks.filter((b) => b.headerMs >= warmEnd && b.headerMs <= end);
    const committed = inWindow.slice(1).reduce((sum, b) => sum + b.txs, 0);
    const spanS =
      inWindow.length > 1 ? (inWindow.at(-1)!.headerMs - inWindow[0]!.headerMs) / 1000 : Number.NaN;
    const intervals = inWindow.slice(1).map((b, i) => b.headerMs - inWindow[i]!.headerMs);
    const window = inWindow;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies.length
        ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
        : Number.NaN;
    console.log(`run:                ${runKind}`);
    console.log(
      `senders:            ${senders}${stateAccounts ? ` (+${stateAccounts} funded state accounts)` : ""}`,
    );
    console.log(
      `window:             ${spanS.toFixed(1)} s after ${warmupS} s warm-up, ${window.length} blocks`,
    );
    console.log(`committed tx/s:     ${(committed / spanS).toFixed(0)} (${committed} txs)`);
    console.log(`submit→commit p50:  ${pct(50).toFixed(0)} ms   p99: ${pct(99).toFixed(0)} ms`);
    console.log(
      `block interval:     mean ${(intervals.reduce((s, x) => s + x, 0) / Math.max(1, intervals.length)).toFixed(0)} ms, max ${Math.max(0, ...intervals).toFixed(0)} ms`,
    );
    if (cpu.length === 2) {
      const [a, b] = cpu as [(typeof cpu)[0], (typeof cpu)[0]];
      const nodeMs = b.node - a.node;
      const selfMs = b.self - a.self;
      console.log(
        `node CPU:           ${(nodeMs / 1000).toFixed(1)} s in window = ${((1000 * nodeMs) / Math.max(1, committed)).toFixed(0)} µs per committed tx (${(nodeMs / (durationS * 10)).toFixed(0)}% of one core)`,
      );
      console.log(
        `load generator CPU: ${(selfMs / 1000).toFixed(1)} s = ${((1000 * selfMs) / Math.max(1, committed)).toFixed(0)} µs per committed tx`,
      );
      console.log(`load average (1m):  ${a.load.toFixed(1)} at window start, ${b.load.toFixed(1)} at end`);
    }
    console.log(`rejected submits:   ${rejected}`);
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5))
      console.log(`  ${n} × ${why}`);
    console.log(
      `node peak RSS:      ${windowRss} MB in the window (VmRSS max); ${Math.max(peakRss, rssMb(node))} MB since start${reuse || stateHome !== undefined ? " (the restart after funding)" : ", funding included"} (VmHWM)`,
    );
    console.log(
      `  of which:         anonymous ≤ ${windowAnon} MB, file-backed (LevelDB's mmapped tables, code) ≤ ${windowFile} MB in the window`,
    );
    if (process.env["BENCH_DEBUG"])
      console.log(
        node.log
          .split("\n")
          .filter((l) => !l.startsWith("    "))
          .slice(-25)
          .join("\n"),
      );
  } catch (e) {
    console.error(
      `bench failed: ${(e as Error).message}\n--- node output (tail) ---\n${node.log.slice(-3000)}`,
    );
    throw e;
  } finally {
    await node.destroy();
  }
}

class Rpc {
  private id = 0;
  private agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly target: URL;
  constructor(url: string) {
    this.target = new URL(url);
  }

  async call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const [r] = await this.batch([{ method, params }]);
    if (!r || r.error) throw new Error(`${method}: ${r?.error?.message} ${r?.error?.data ?? ""}`);
    return r.result ?? {};
  }

  async batch(reqs: { method: string; params: Record<string, unknown> }[]): Promise<RpcResult[]> {
    const body = reqs.map((r) => ({ jsonrpc: "2.0", id: ++this.id, method: r.method, params: r.params }));
    for (let attempt = 0; ; attempt++) {
      try {
        const json = JSON.parse(await this.post(JSON.stringify(body))) as RpcResult | RpcResult[];
        return Array.isArray(json) ? json : [json];
      } catch (e) {
        // A kept-alive socket the server closed while idle: retry on a fresh one.
        if (attempt >= 8) throw e;
      }
    }
  }

  /** Drop kept-alive sockets (the server closes them after 5 s idle, e.g. while we pre-sign). */
  reset(): void {
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
  }

  private post(body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: "POST",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  async account(address: string): Promise<{ accountNumber: bigint }> {
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
    return { accountNumber: BaseAccount.decode(any!.value).accountNumber };
  }
}

async function fund(
  rpc: Rpc,
  funders: TestAccount[],
  seqs: Map<string, bigint>,
  nums: Map<string, bigint>,
  addresses: string[],
  amount: bigint,
  node: NodeProcess,
): Promise<void> {
  const chunk = 500;
  const pending: string[] = [];
  const t0 = performance.now();
  for (let i = 0, f = 0; i < addresses.length; i += chunk, f = (f + 1) % funders.length) {
    const funder = funders[f]!;
    const outs = addresses.slice(i, i + chunk);
    const gas = 50_000n + BigInt(outs.length) * 40_000n;
    const seq = seqs.get(funder.address)!;
    const tx = signTx(funder, [multiSend(funder.address, outs, amount)], {
      chainId: CHAIN_ID,
      accountNumber: nums.get(funder.address)!,
      sequence: seq,
      fee: [{ denom: "aopen", amount: gas * GAS_PRICE }],
      gas,
    });
    seqs.set(funder.address, seq + 1n);
    const r = (await rpc.call("broadcast_tx_sync", { tx: toBase64(tx) })) as {
      code: number;
      log: string;
      hash: string;
    };
    if (r.code !== 0) throw new Error(`funding tx rejected: ${r.log}`);
    pending.push(r.hash);
    // Keep 8–16 multi-sends (4–8k new accounts) in flight: the next block's txs wait in the mempool
    // while one executes, and no block carries more than ~8k new accounts. A block's write set (~4 keys
    // and ~10 tree records per new account) is held in memory until its commit, and LevelDB takes it in
    // one batch: with 20k-account blocks the node peaked at ~2.2 GB RSS while funding 1M accounts.
    if (pending.length >= 16) await waitCommitted(rpc, pending.splice(0, 8), node);
    const done = i + outs.length;
    if (addresses.length >= 100_000 && Math.floor(done / 100_000) > Math.floor(i / 100_000)) {
      console.log(
        `#   submitted ${done}/${addresses.length} (${((performance.now() - t0) / 1000).toFixed(0)} s); node RSS ${rssMb(node, "VmRSS")} MB`,
      );
    }
  }
  await waitCommitted(rpc, pending, node);
}

async function waitCommitted(rpc: Rpc, hashes: string[], node: NodeProcess): Promise<void> {
  for (const h of hashes) {
    await node.waitFor(
      async () => {
        try {
          const r = (await rpc.call("tx", { hash: h })) as { tx_result: { code: number; log: string } };
          if (r.tx_result.code !== 0) throw new Error(`funding tx failed: ${r.tx_result.log}`);
          return true;
        } catch (e) {
          if ((e as Error).message.includes("funding tx failed")) throw e;
          return false;
        }
      },
      300_000,
      `tx ${h}`,
    );
  }
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

function verifyRate(): number {
  const sk = randomBytes(32);
  const pk = secp256k1PublicKey(sk);
  const msg = randomBytes(200);
  const sig = secp256k1Sign(msg, sk);
  const n = 20_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) secp256k1Verify(msg, sig, pk);
  return n / ((performance.now() - t) / 1000);
}

function rssMb(node: NodeProcess, field: "VmHWM" | "VmRSS" | "RssAnon" | "RssFile" = "VmHWM"): number {
  const pid = node.pid;
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system, all threads) the node process has used, in ms. */
function nodeCpuMs(node: NodeProcess): number {
  const pid = node.pid;
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14 and 15 of stat (utime, stime) in clock ticks (USER_HZ = 100 on Linux)
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
