/**
 * `openledgerd testnet init-files|start`: a local multi-validator network.
 *
 * `init-files` writes one home per validator (`D/node0`, `D/node1`, …) with its own keys, one shared
 * genesis listing every validator with equal power and funding the dev mnemonic's 10 accounts, distinct
 * loopback ports (node i: p2p `P+10i`, rpc `P+10i+1`, REST `P+10i+2`) and all-to-all persistent peers in
 * CometBFT form `<node id>@host:port` (the node id is the CometBFT id of the node key; the p2p layer
 * checks the dialled peer's key against it). Every node then starts alone with
 * `openledgerd start --home D/nodeI`; `testnet start` starts them all as child processes.
 *
 * With `--hostname-prefix node` the peers are `<id>@node0:26656`, … and every node listens on
 * `0.0.0.0` with the standard ports: the layout `docker/compose.yml` uses.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { parseLaddr, readAppConfig, readNodeConfig, writeNodeConfig } from "../../config/config.js";
import { ConfigCode, configError } from "../../config/errors.js";
import { genesisValidator, writeGenesis } from "../../config/genesis.js";
import { buildGenesis } from "../../node/genesisBuilder.js";
import { homePaths, INIT_VALIDATOR_POWER, initHome, isInitialised, nowTimestamp } from "../../node/home.js";
import { NODE_RUNTIME_FLAGS, nodeRuntimeEnv } from "../../node/runtimeFlags.js";
import { CodedError } from "../../types/errors.js";
import { emit, expandHome, globalOptions, outputSink, runCommand } from "../output.js";

/** The testnet's default chain id. */
export const TESTNET_CHAIN_ID = "openledger-testnet";
/** Default output folder of `testnet init-files`. */
export const TESTNET_DIR = "./.openledger-testnet";
/** Default first port. */
export const TESTNET_STARTING_PORT = 26656;
/** Most validators `init-files` creates. */
export const TESTNET_MAX_VALIDATORS = 64;
/**
 * `[consensus] max_block_txs` and `[mempool] broadcast_wait_txs` of a generated testnet. Its validators
 * usually share one machine: a block of many thousands of txs then takes each of them longer to build,
 * move and check than `timeout_propose` allows, rounds fail and the chain stalls for seconds while the
 * backlog (and the next block) only grows. Bounding proposals and holding clients' broadcasts while
 * the mempool already holds a full block keeps every height a size the network commits in one round
 * (4 validators on 2 cores under the testnet benchmark: no stalls; 8,000 measured best of 3,000–8,000 once
 * the per-tx CPU fell: 1,689 and 1,853 tx/s against 1,410 and 1,441 with 5,000).
 */
export const TESTNET_MAX_BLOCK_TXS = 8000;

/** Options of `initTestnetFiles`. */
export interface TestnetOptions {
  validators: number;
  outputDir: string;
  chainId?: string;
  startingPort?: number;
  /** Peers at `<prefix><i>:26656` and 0.0.0.0 listeners (containers); loopback ports otherwise. */
  hostnamePrefix?: string;
  /** `timeout_commit` in ms (default 1000). */
  timeoutCommitMs?: number;
  /** Replace existing homes. */
  overwrite?: boolean;
}

/** One generated node. */
export interface TestnetNode {
  home: string;
  moniker: string;
  nodeId: string;
  p2p: string;
  rpc: string;
  api: string;
}

/** Ports of node `i` for a starting port. */
export function testnetPorts(startingPort: number, i: number): { p2p: number; rpc: number; api: number } {
  const base = startingPort + 10 * i;
  return { p2p: base, rpc: base + 1, api: base + 2 };
}

/** Write the homes and the shared genesis of an N-validator network. */
export function initTestnetFiles(opts: TestnetOptions): TestnetNode[] {
  const n = opts.validators;
  if (!Number.isSafeInteger(n) || n < 1 || n > TESTNET_MAX_VALIDATORS) {
    throw new CodedError("cli", 2, `--validators must be 1..${TESTNET_MAX_VALIDATORS}, got ${n}`);
  }
  const start = opts.startingPort ?? TESTNET_STARTING_PORT;
  if (!Number.isSafeInteger(start) || start < 1024 || start + 10 * n > 65535) {
    throw new CodedError("cli", 2, `--starting-port ${start} leaves no room for ${n} nodes`);
  }
  const chainId = opts.chainId ?? TESTNET_CHAIN_ID;
  const prefix = opts.hostnamePrefix;
  const homes = Array.from({ length: n }, (_, i) => join(opts.outputDir, `node${i}`));
  for (const home of homes) {
    if (isInitialised(home) && !opts.overwrite) {
      throw configError(ConfigCode.AlreadyInitialised, `${home} already exists (use --overwrite)`);
    }
  }
  const addr = (i: number) => {
    const ports = prefix ? testnetPorts(TESTNET_STARTING_PORT, 0) : testnetPorts(start, i);
    const host = prefix ? "0.0.0.0" : "127.0.0.1";
    return {
      p2p: `tcp://${host}:${ports.p2p}`,
      rpc: `tcp://${host}:${ports.rpc}`,
      api: `tcp://${host}:${prefix ? 1317 : ports.api}`,
      dial: prefix ? `${prefix}${i}:${ports.p2p}` : `127.0.0.1:${ports.p2p}`,
    };
  };
  const created = homes.map((home, i) => {
    const a = addr(i);
    const r = initHome(home, {
      moniker: `node${i}`,
      chainId,
      skipGenesis: true,
      overwrite: opts.overwrite ?? false,
      nodeConfig: (c) => {
        c.p2p.laddr = a.p2p;
        c.rpc.laddr = a.rpc;
        c.rpc.corsAllowedOrigins = ["*"];
        c.consensus.timeoutCommitMs = opts.timeoutCommitMs ?? 1000;
        c.consensus.maxBlockTxs = TESTNET_MAX_BLOCK_TXS;
        c.mempool.broadcastWaitTxs = TESTNET_MAX_BLOCK_TXS;
      },
      appConfig: (c) => {
        c.api.address = a.api;
      },
    });
    return { home, r, a };
  });
  const genesis = buildGenesis({
    chainId,
    time: nowTimestamp(),
    validators: created.map(({ r }, i) =>
      genesisValidator(r.validator.pubKey, INIT_VALIDATOR_POWER, `node${i}`),
    ),
    devAccounts: true,
  });
  // Rewrite config.toml with the peers now that every node id is known.
  const peers = created.map(({ r, a }) => `${r.nodeKey.id}@${a.dial}`);
  return created.map(({ home, r, a }, i) => {
    writeGenesis(homePaths(home).genesis, genesis);
    const config = readNodeConfig(home);
    config.p2p.persistentPeers = peers.filter((_, j) => j !== i);
    writeNodeConfig(home, config);
    return { home, moniker: `node${i}`, nodeId: r.nodeKey.id, p2p: a.p2p, rpc: a.rpc, api: a.api };
  });
}

/** The node homes under a testnet folder, in order. */
export function testnetHomes(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((d) => /^node\d+$/.test(d) && isInitialised(join(outputDir, d)))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((d) => join(outputDir, d));
}

/** Register `testnet init-files` and `testnet start`. */
export function registerTestnetCommands(program: Command): void {
  const testnet = program.command("testnet").description("run a local multi-validator network");
  testnet
    .command("init-files")
    .description("write a home per validator, keys, one shared genesis and all-to-all peers")
    .option("--validators <n>", "number of validators", "4")
    .option("--output-dir <dir>", "where the homes go", TESTNET_DIR)
    .option(
      "--starting-port <port>",
      "node i uses port+10i (p2p), +1 (rpc), +2 (REST)",
      `${TESTNET_STARTING_PORT}`,
    )
    .option("--chain-id <id>", "chain id", TESTNET_CHAIN_ID)
    .option("--hostname-prefix <prefix>", "peers at <prefix><i>:26656, listeners on 0.0.0.0 (containers)")
    .option("--timeout-commit <ms>", "consensus timeout_commit in milliseconds", "1000")
    .option("--overwrite", "replace existing homes", false)
    .action(
      async (
        flags: {
          validators: string;
          outputDir: string;
          startingPort: string;
          chainId: string;
          hostnamePrefix?: string;
          timeoutCommit: string;
          overwrite: boolean;
        },
        cmd: Command,
      ) => {
        await runCommand(cmd, async (g) => {
          const nodes = initTestnetFiles({
            validators: intFlag(flags.validators, "--validators"),
            outputDir: expandHome(flags.outputDir),
            chainId: flags.chainId,
            startingPort: intFlag(flags.startingPort, "--starting-port"),
            ...(flags.hostnamePrefix ? { hostnamePrefix: flags.hostnamePrefix } : {}),
            timeoutCommitMs: intFlag(flags.timeoutCommit, "--timeout-commit"),
            overwrite: flags.overwrite,
          });
          emit(
            g.output,
            {
              chain_id: flags.chainId,
              nodes: nodes.map((n) => ({
                home: n.home,
                node_id: n.nodeId,
                p2p: n.p2p,
                rpc: n.rpc,
                api: n.api,
              })),
            },
            () => [
              `initialised ${nodes.length} validators of ${flags.chainId}`,
              ...nodes.map((n) => `  ${n.moniker}  ${n.home}  id ${n.nodeId}  rpc ${n.rpc}  p2p ${n.p2p}`),
              "start them with `openledgerd testnet start` or each with `openledgerd start --home <home>`",
            ],
          );
        });
      },
    );
  testnet
    .command("start")
    .description("start every node of a testnet folder as a child process; Ctrl-C stops them")
    .option("--output-dir <dir>", "the testnet folder", TESTNET_DIR)
    .option("--log-level <level>", "debug|info|warn|error", "info")
    .action(async (flags: { outputDir: string; logLevel: string }, cmd: Command) => {
      await runCommand(cmd, async () => {
        const g = globalOptions(cmd);
        const dir = expandHome(flags.outputDir);
        const homes = testnetHomes(dir);
        if (homes.length === 0) {
          throw configError(
            ConfigCode.NotInitialised,
            `no testnet in ${dir}: run \`openledgerd testnet init-files\` first`,
          );
        }
        await runTestnet(homes, flags.logLevel, g.output === "json");
      });
    });
}

async function runTestnet(homes: string[], logLevel: string, json: boolean): Promise<void> {
  const script = process.argv[1];
  if (!script) throw new CodedError("cli", 1, "cannot find the openledgerd script");
  const out = outputSink();
  const children: ChildProcess[] = [];
  let stopping = false;
  await new Promise<void>((resolve) => {
    let alive = homes.length;
    homes.forEach((home, i) => {
      const child = spawn(
        process.execPath,
        [...NODE_RUNTIME_FLAGS, script, "start", "--home", home, "--log-level", logLevel],
        { stdio: ["ignore", "pipe", "pipe"], env: nodeRuntimeEnv() },
      );
      children.push(child);
      const prefix = `node${i} | `;
      const pipe = (s: NodeJS.ReadableStream | null) => {
        let buf = "";
        s?.setEncoding("utf8");
        s?.on("data", (chunk: string) => {
          buf += chunk;
          const lines = buf.split("\n");
          buf = lines.pop() ?? "";
          for (const l of lines) out.stderr(`${prefix}${l}\n`);
        });
      };
      pipe(child.stdout);
      pipe(child.stderr);
      child.on("exit", (code, signal) => {
        out.stderr(`${prefix}exited (${signal ?? code})\n`);
        alive--;
        if (alive === 0) resolve();
      });
      const rpc = parseLaddr(readNodeConfig(home).rpc.laddr);
      const api = readAppConfig(home).api.address;
      const url = `http://${rpc.host}:${rpc.port}`;
      if (json)
        out.stdout(`${JSON.stringify({ node: i, home, rpc: url, api: api.replace("tcp://", "http://") })}\n`);
      else out.stdout(`node${i}: rpc ${url}  rest ${api.replace("tcp://", "http://")}  home ${home}\n`);
    });
    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function intFlag(v: string, name: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new CodedError("cli", 2, `${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return n;
}
