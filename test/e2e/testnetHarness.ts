/**
 * Helpers for e2e tests of multi-validator networks made by `openledgerd testnet init-files`: free
 * port ranges below the ephemeral range, GET-form JSON-RPC, polling, and node processes started with
 * `openledgerd start --home D/nodeI`.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { readAppConfig, readNodeConfig, writeAppConfig, writeNodeConfig } from "../../src/config/config.js";
import { NODE_RUNTIME_FLAGS, nodeRuntimeEnv } from "../../src/node/runtimeFlags.js";
import { CLI } from "./harness.js";

/** One node of a test network. */
export interface TestnetProc {
  home: string;
  rpcPort: number;
  proc?: ChildProcess;
  log: string;
}

/** True when `port` can be bound on 127.0.0.1 now. */
export async function portFree(port: number): Promise<boolean> {
  return await new Promise((res) => {
    const s = createServer();
    s.once("error", () => res(false));
    s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
  });
}

/**
 * A base port `start + 10k` (below the ephemeral range) whose nodes' p2p/rpc/rest ports
 * (base + 10i .. + 2, i < nodes) are all free; `salt` spreads concurrent test files apart.
 */
export async function pickBasePort(nodes: number, start = 20_000, salt = 131): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = start + ((process.pid * 7 + attempt * salt) % 999) * 10;
    let ok = true;
    for (let i = 0; i < nodes && ok; i++)
      for (let k = 0; k < 3 && ok; k++) ok = await portFree(base + 10 * i + k);
    if (ok) return base;
  }
  throw new Error("no free port range");
}

/** JSON-RPC over the GET form; throws on errors and after 3 s. */
export async function rpc<T>(port: number, method: string, params: Record<string, string> = {}): Promise<T> {
  const q = new URLSearchParams(params).toString();
  const res = await fetch(`http://127.0.0.1:${port}/${method}${q ? `?${q}` : ""}`, {
    signal: AbortSignal.timeout(3000),
  });
  const body = (await res.json()) as { result?: T; error?: unknown };
  if (body.result === undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** A node's latest height, or -1 when its RPC does not answer. */
export async function height(n: TestnetProc): Promise<number> {
  try {
    const s = await rpc<{ sync_info: { latest_block_height: string } }>(n.rpcPort, "status");
    return Number(s.sync_info.latest_block_height);
  } catch {
    return -1;
  }
}

/** Poll `cond` (a throw counts as false) until true, or fail after `timeoutMs`. */
export async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Start `openledgerd start --home <n.home>` (the CLI `bin`), keeping the tail of its output in `n.log`. */
export function launch(n: TestnetProc, bin = CLI): void {
  const p = spawn(
    process.execPath,
    [...NODE_RUNTIME_FLAGS, bin, "start", "--home", n.home, "--log-level", "info"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: nodeRuntimeEnv(),
    },
  );
  const take = (d: Buffer) => {
    n.log += d.toString();
    if (n.log.length > 400_000) n.log = n.log.slice(-200_000);
  };
  p.stdout?.on("data", take);
  p.stderr?.on("data", take);
  n.proc = p;
}

/**
 * A fifth node for a 4-validator network made by `testnet init-files` under `root` with starting port
 * `base`: its own keys (`init node4`), the network's genesis, every validator as a persistent peer, the
 * validators' consensus timeouts, p2p/RPC/REST on `base + 40/41/42`. Returns it, not started.
 */
export function addFullNode(root: string, base: number, validators: readonly TestnetProc[]): TestnetProc {
  const home = join(root, "node4");
  const init = spawnSync(process.execPath, [CLI, "init", "node4", "--chain-id", "x", "--home", home], {
    encoding: "utf8",
  });
  assert.equal(init.status, 0, init.stderr);
  copyFileSync(join(root, "node0", "config", "genesis.json"), join(home, "config", "genesis.json"));
  const peers = new Set([
    ...readNodeConfig(validators[0]!.home).p2p.persistentPeers,
    ...readNodeConfig(validators[1]!.home).p2p.persistentPeers,
  ]);
  const c = readNodeConfig(home);
  c.p2p.laddr = `tcp://127.0.0.1:${base + 40}`;
  c.rpc.laddr = `tcp://127.0.0.1:${base + 41}`;
  c.p2p.persistentPeers = [...peers];
  c.consensus = { ...readNodeConfig(validators[0]!.home).consensus };
  writeNodeConfig(home, c);
  const a = readAppConfig(home);
  a.api.address = `tcp://127.0.0.1:${base + 42}`;
  writeAppConfig(home, a);
  return { home, rpcPort: base + 41, log: "" };
}

/**
 * `openledgerd testnet init-files` for 4 validators under `root`, ports from `base`, timeout_commit 500 ms,
 * run by `bin` (default: the repository build).
 */
export function initTestnetFiles(root: string, base: number, bin: string = CLI): void {
  const r = spawnSync(
    process.execPath,
    [
      bin,
      "testnet",
      "init-files",
      "--validators",
      "4",
      "--output-dir",
      root,
      "--starting-port",
      `${base}`,
      "--timeout-commit",
      "500",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
}
