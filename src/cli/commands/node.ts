/**
 * Node commands: `init`, `start`, `dev`, and `genesis add-genesis-account|validate`.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { addCoins, coinsToString, parseCoinsString } from "../../app/coins.js";
import { validateAppState } from "../../app/genesis.js";
import { ConfigCode, configError } from "../../config/errors.js";
import { genesisToJson, parseGenesis, readGenesis, writeGenesis } from "../../config/genesis.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { DEV_MNEMONIC, devAccountAddresses, TOTAL_SUPPLY } from "../../node/genesisBuilder.js";
import { homePaths, initHome, isInitialised } from "../../node/home.js";
import { Logger } from "../../node/logger.js";
import { type NodeOverrides, OpenLedgerNode } from "../../node/node.js";
import { CodedError } from "../../types/errors.js";
import { emit, expandHome, type GlobalOptions, runCommand } from "../output.js";
import { addKeyringOptions, type KeyringFlags, keyringFromFlags } from "./keys.js";

/** The dev chain's id. */
export const DEV_CHAIN_ID = "openledger-dev";
/** The dev chain's default home, in the working folder. */
export const DEV_HOME = ".openledger-dev";

interface StartFlags {
  "rpc.laddr"?: string;
  "p2p.laddr"?: string;
  "p2p.persistent_peers"?: string;
  "api.address"?: string;
  minimumGasPrices?: string;
  logLevel?: string;
}

/** Register the node commands on `program`. */
export function registerNodeCommands(program: Command): void {
  program
    .command("init <moniker>")
    .description("create a node home: config.toml, app.toml, genesis.json and keys")
    .requiredOption("--chain-id <id>", "chain id of the new network")
    .option("--overwrite", "replace an existing configuration", false)
    .action(async (moniker: string, flags: { chainId: string; overwrite: boolean }, cmd: Command) => {
      await runCommand(cmd, async (g) => {
        const r = initHome(g.home, { moniker, chainId: flags.chainId, overwrite: flags.overwrite });
        emit(g.output, { moniker, chain_id: flags.chainId, node_id: r.nodeKey.id, home: g.home }, () => [
          `initialised ${g.home}`,
          `  moniker:  ${moniker}`,
          `  chain id: ${flags.chainId}`,
          `  node id:  ${r.nodeKey.id}`,
        ]);
      });
    });

  addStartFlags(
    program.command("start").description("run the node (validator or full node) from its home"),
  ).action(async (flags: StartFlags, cmd: Command) => {
    await runCommand(cmd, async (g) => {
      await runNode(g.home, overridesFrom(flags), flags.logLevel);
    });
  });

  addStartFlags(
    program
      .command("dev")
      .description(
        `run a single-validator dev chain (${DEV_CHAIN_ID}); home ./${DEV_HOME} unless --home is given; resumes it when the home exists`,
      ),
  ).action(async (flags: StartFlags, cmd: Command) => {
    await runCommand(cmd, async (g) => {
      const explicit = cmd.parent?.getOptionValueSource("home") !== "default";
      const home = explicit ? g.home : expandHome(DEV_HOME);
      const fresh = !isInitialised(home);
      if (fresh) {
        initHome(home, {
          moniker: "dev",
          chainId: DEV_CHAIN_ID,
          devAccounts: true,
          nodeConfig: (c) => {
            c.consensus.timeoutCommitMs = 1000;
            c.rpc.corsAllowedOrigins = ["*"];
          },
        });
      }
      printDevBanner(home, fresh, flags);
      await runNode(home, overridesFrom(flags), flags.logLevel);
    });
  });

  const genesis = program.command("genesis").description("build and check genesis.json");
  addKeyringOptions(
    genesis
      .command("add-genesis-account <address-or-key> <coins>")
      .description("fund an account in genesis.json (coins like 1000000aopen)"),
  ).action(async (who: string, coins: string, flags: KeyringFlags, cmd: Command) => {
    await runCommand(cmd, async (g) => {
      await addGenesisAccount(g, who, coins, flags);
    });
  });
  genesis
    .command("validate [file]")
    .description("check a genesis file (default: the home's config/genesis.json)")
    .action(async (file: string | undefined, _flags: unknown, cmd: Command) => {
      await runCommand(cmd, async (g) => {
        const path = file ? resolve(file) : homePaths(g.home).genesis;
        if (!existsSync(path)) throw configError(ConfigCode.Unreadable, `no genesis file at ${path}`);
        const doc = parseGenesis(readFileSync(path, "utf8"));
        validateAppState(doc.appState);
        const supply = totalSupply(doc.appState);
        emit(g.output, { file: path, chain_id: doc.chainId, valid: true, supply }, () => [
          `${path} is a valid genesis for ${doc.chainId}`,
          `  supply: ${supply}${supply === `${TOTAL_SUPPLY}aopen` ? " (the fixed 1,000,000,000 OPEN)" : ""}`,
        ]);
      });
    });
}

function addStartFlags(cmd: Command): Command {
  return cmd
    .option("--rpc.laddr <addr>", "JSON-RPC listen address (tcp://127.0.0.1:26657)")
    .option("--p2p.laddr <addr>", "P2P listen address (tcp://0.0.0.0:26656)")
    .option("--p2p.persistent_peers <peers>", "comma-separated id@host:port peers")
    .option("--api.address <addr>", "REST gateway listen address (tcp://127.0.0.1:1317)")
    .option("--minimum-gas-prices <prices>", "minimum gas prices to accept txs, e.g. 1000000000aopen")
    .option("--log-level <level>", "debug|info|warn|error", "info");
}

function overridesFrom(flags: StartFlags): NodeOverrides {
  const o: NodeOverrides = {};
  if (flags["rpc.laddr"]) o.rpcLaddr = flags["rpc.laddr"];
  if (flags["p2p.laddr"]) o.p2pLaddr = flags["p2p.laddr"];
  if (flags["p2p.persistent_peers"] !== undefined) o.persistentPeers = flags["p2p.persistent_peers"];
  if (flags["api.address"]) o.apiAddress = flags["api.address"];
  if (flags.minimumGasPrices !== undefined) o.minimumGasPrices = flags.minimumGasPrices;
  return o;
}

async function runNode(home: string, overrides: NodeOverrides, logLevel = "info"): Promise<void> {
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new CodedError("cli", 2, `invalid --log-level ${JSON.stringify(logLevel)}`);
  }
  const log = new Logger("node", logLevel as "info");
  let fatal: ((e: unknown) => void) | undefined;
  const node = await OpenLedgerNode.init({ home, overrides, logger: log, onFatal: (e) => fatal?.(e) });
  await node.start();
  await new Promise<void>((resolveStop, rejectStop) => {
    fatal = (e) => {
      node.stop().finally(() => rejectStop(e));
    };
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info("shutting down", { signal: sig });
      node.stop().then(resolveStop, (e: unknown) => {
        log.error("shutdown failed", { error: e });
        resolveStop();
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

function printDevBanner(home: string, fresh: boolean, flags: StartFlags): void {
  const rpc = flags["rpc.laddr"] ?? "tcp://127.0.0.1:26657";
  const api = flags["api.address"] ?? "tcp://127.0.0.1:1317";
  const lines = [
    `OpenLedger dev chain ${DEV_CHAIN_ID} — ${fresh ? "new chain" : "resuming"} in ${home}`,
    `  RPC  ${rpc.replace("tcp://", "http://")}    REST ${api.replace("tcp://", "http://")}`,
    `  Dev mnemonic (UNSAFE, publicly known; test funds only): ${DEV_MNEMONIC}`,
    "  Funded accounts (1,000,000 OPEN each, HD path m/44'/118'/0'/0/i):",
    ...devAccountAddresses().map((a, i) => `    ${i}: ${a}`),
    "",
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
}

async function addGenesisAccount(
  g: GlobalOptions,
  who: string,
  coinsArg: string,
  flags: KeyringFlags,
): Promise<void> {
  const path = homePaths(g.home).genesis;
  const doc = readGenesis(path);
  const prefix =
    ((doc.appState["auth"] as { prefix?: unknown } | undefined)?.prefix as string | undefined) ?? "open";
  let address: string;
  if (who.startsWith(`${prefix}1`)) {
    decodeAddress(who, prefix);
    address = who;
  } else {
    const key = await keyringFromFlags(flags, g).get(who);
    address = toBech32(prefix, key.address);
  }
  const coins = parseCoinsString(coinsArg);
  if (coins.length === 0) throw new CodedError("sdk", 10, `no coins in ${JSON.stringify(coinsArg)}`);
  const state = doc.appState as {
    auth: { accounts: Record<string, unknown>[] };
    bank: {
      balances: { address: string; coins: { denom: string; amount: string }[] }[];
      supply: { denom: string; amount: string }[];
    };
  };
  const accounts = state.auth.accounts;
  const exists = accounts.some(
    (a) =>
      a["address"] === address ||
      (a["base_account"] as { address?: string } | undefined)?.address === address,
  );
  if (exists) throw new CodedError("sdk", 36, `account ${address} already exists in genesis`);
  const nextNumber = accounts.reduce((n, a) => {
    const num = (a["account_number"] ??
      (a["base_account"] as { account_number?: string } | undefined)?.account_number) as string | undefined;
    return num !== undefined && BigInt(num) >= n ? BigInt(num) + 1n : n;
  }, 0n);
  accounts.push({
    "@type": "/cosmos.auth.v1beta1.BaseAccount",
    address,
    pub_key: null,
    account_number: nextNumber.toString(),
    sequence: "0",
  });
  state.bank.balances.push({
    address,
    coins: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
  });
  state.bank.balances.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const supply = addCoins(
    parseCoinsString(state.bank.supply.map((c) => `${c.amount}${c.denom}`).join(",")),
    coins,
  );
  state.bank.supply = supply.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
  validateAppState(doc.appState);
  writeGenesis(path, doc);
  emit(
    g.output,
    { address, coins: coinsToString(coins), genesis: path, json: genesisToJson(doc)["chain_id"] },
    () => [`added ${address} with ${coinsToString(coins)} to ${path}`],
  );
}

function totalSupply(appState: Record<string, unknown>): string {
  const bank = appState["bank"] as { supply?: { denom: string; amount: string }[] } | undefined;
  return (bank?.supply ?? []).map((c) => `${c.amount}${c.denom}`).join(",");
}
