/**
 * e2e harness: starts real `openledgerd` processes (the built `dist/cli/main.js`) on loopback with
 * free ports and a temporary home, waits for blocks over real JSON-RPC, and stops or kills them.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NODE_RUNTIME_FLAGS, nodeRuntimeEnv } from "../../src/node/runtimeFlags.js";

/** Absolute path of the built CLI. */
export const CLI = resolve(import.meta.dirname, "../../dist/cli/main.js");

/** The dev mnemonic (publicly known; never use it for real funds). */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

/** A fresh temporary folder. */
export function tempHome(prefix = "openledger-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Run the CLI to completion; returns exit status and output. */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? "",
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running node process. */
export class NodeProcess {
  private proc: ChildProcess | undefined;
  private output = "";

  private constructor(
    readonly home: string,
    readonly rpcPort: number,
    readonly apiPort: number,
    readonly p2pPort: number,
    private readonly args: string[],
  ) {}

  /** Start `openledgerd <command> --home H` with free loopback ports and wait until a block is made. */
  static async start(
    opts: { home?: string; command?: "dev" | "start"; extraArgs?: string[] } = {},
  ): Promise<NodeProcess> {
    const home = opts.home ?? tempHome();
    const [rpcPort, apiPort, p2pPort] = [await freePort(), await freePort(), await freePort()];
    const args = [
      opts.command ?? "dev",
      "--home",
      home,
      "--rpc.laddr",
      `tcp://127.0.0.1:${rpcPort}`,
      "--api.address",
      `tcp://127.0.0.1:${apiPort}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${p2pPort}`,
      ...(opts.extraArgs ?? []),
    ];
    const n = new NodeProcess(home, rpcPort, apiPort, p2pPort, args);
    await n.launch();
    return n;
  }

  /** The JSON-RPC URL. */
  get rpcUrl(): string {
    return `http://127.0.0.1:${this.rpcPort}`;
  }

  /** OS process id of the running node (undefined when stopped). */
  get pid(): number | undefined {
    return this.proc?.exitCode === null ? this.proc.pid : undefined;
  }

  /** Everything the process printed so far. */
  get log(): string {
    return this.output;
  }

  /** Start (again) with the same home and ports; waits for the RPC to answer. */
  async launch(): Promise<void> {
    this.output = "";
    // OPENLEDGER_E2E_NODE_ARGS passes Node.js flags to the node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
    const nodeArgs = (process.env["OPENLEDGER_E2E_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
    const proc = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...nodeArgs, CLI, ...this.args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: nodeRuntimeEnv(),
    });
    this.proc = proc;
    proc.stdout?.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    proc.stderr?.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    await this.waitFor(async () => (await this.height()) >= 1, 60_000, "first block");
  }

  /** JSON-RPC call; throws on transport errors and JSON-RPC errors. */
  async rpc<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ""}`);
    return body.result as T;
  }

  /** Latest height, or -1 when the RPC does not answer. */
  async height(): Promise<number> {
    try {
      const s = await this.rpc<{ sync_info: { latest_block_height: string } }>("status");
      return Number(s.sync_info.latest_block_height);
    } catch {
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined) {
        throw new Error(`node exited with ${this.proc.exitCode}:\n${this.output.slice(-4000)}`);
      }
      return -1;
    }
  }

  /** Poll `cond` until true or the timeout passes. */
  async waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; node output:\n${this.output.slice(-4000)}`);
  }

  /** Wait until the chain reaches `h`. */
  async waitForHeight(h: number, timeoutMs = 30_000): Promise<void> {
    await this.waitFor(async () => (await this.height()) >= h, timeoutMs, `height ${h}`);
  }

  /** SIGKILL the process (a crash) and wait for it to exit. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** SIGTERM (graceful stop) and wait for it to exit. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  /** Stop and remove the home folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill(sig);
    const timer = setTimeout(() => p.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
