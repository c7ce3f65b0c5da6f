/**
 * `openledgerd serve`: the OpenAI-compatible serving gateway over the chain's models (see
 * `src/serve/gateway.ts`). Runs until SIGINT / SIGTERM.
 */
import type { Command } from "commander";
import { parseGasPrice } from "../../client/amount.js";
import { ChainClient, DEFAULT_NODE, DEFAULT_PREFIX } from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { Gateway } from "../../serve/gateway.js";
import { chainSettler, type Settler } from "../../serve/settle.js";
import { emit, expandHome, runCommand } from "../output.js";
import { keyringFromFlags } from "./keys.js";

interface ServeFlags {
  node: string;
  host: string;
  port: string;
  dataDir?: string;
  artifactDir?: string;
  operator?: string;
  maxCacheBytes: string;
  maxConcurrency: string;
  maxBodyBytes: string;
  allowHttpArtifacts?: boolean;
  /** Key that signs MsgSettleInference for calls carrying a signed request (attribution). */
  settleFrom?: string;
  settleGasPrices: string;
  keyringBackend?: string;
  keyringDir?: string;
  keyringPasswordFile?: string;
}

function int(s: string, what: string, min: number): number {
  if (!/^[0-9]{1,15}$/.test(s) || Number(s) < min)
    throw clientError(ClientCode.InvalidArgument, `${what} must be an integer ≥ ${min}`);
  return Number(s);
}

/** Register `serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the OpenAI-compatible model gateway (OpenLoRA role) over the chain's models")
    .option("--node <url>", "CometBFT RPC endpoint", DEFAULT_NODE)
    .option("--host <addr>", "bind address", "127.0.0.1")
    .option("--port <n>", "port", "8080")
    .option("--data-dir <dir>", "completion log and default artifact dir (default <home>/serve)")
    .option(
      "--artifact-dir <dir>",
      "where bare / local: artifact URIs resolve (default <data-dir>/artifacts)",
    )
    .option("--operator <address>", "serve only the models this operator serves on chain (bech32 address)")
    .option("--max-cache-bytes <n>", "LRU bound on loaded models, bytes", String(256 * 1024 * 1024))
    .option("--max-concurrency <n>", "requests handled at once (more get 429)", "16")
    .option("--max-body-bytes <n>", "largest request body", String(1024 * 1024))
    .option("--allow-http-artifacts", "fetch http(s) artifact URIs")
    .option("--settle-from <key>", "operator key: settle calls carrying a signed request on chain")
    .option("--keyring-backend <backend>", "keyring backend (with --settle-from)", "file")
    .option("--keyring-dir <dir>", "directory holding keyring-<backend>/ (default: --home)")
    .option("--keyring-password-file <path>", "file keyring password (with --settle-from)")
    .option("--settle-gas-prices <price>", "gas price of settlement txs", "1000000000aopen")
    .action(async (f: ServeFlags, c: Command) =>
      runCommand(c, async (g) => {
        if (f.operator) {
          try {
            decodeAddress(f.operator, DEFAULT_PREFIX);
          } catch (e) {
            throw clientError(ClientCode.InvalidArgument, `--operator: ${(e as Error).message}`);
          }
        }
        const client = ChainClient.connect(f.node);
        const dataDir = expandHome(f.dataDir ?? `${g.home}/serve`);
        let settle: Settler | undefined;
        if (f.settleFrom) {
          const kr = keyringFromFlags(f, g);
          const key = await kr.unlock((await kr.find(f.settleFrom)).name);
          const address = toBech32(DEFAULT_PREFIX, key.address);
          if (f.operator && f.operator !== address)
            throw clientError(ClientCode.InvalidArgument, "--settle-from is not the key of --operator");
          settle = chainSettler(client, key.privateKey, address, {
            gasPrice: parseGasPrice(f.settleGasPrices),
          });
        }
        const gw = await Gateway.start({
          query: (path, data) => client.abciQuery(path, data),
          dataDir,
          host: f.host,
          port: int(f.port, "--port", 0),
          ...(f.artifactDir ? { artifactDir: expandHome(f.artifactDir) } : {}),
          ...(f.operator ? { operator: f.operator } : {}),
          maxCacheBytes: int(f.maxCacheBytes, "--max-cache-bytes", 1),
          maxConcurrency: int(f.maxConcurrency, "--max-concurrency", 1),
          maxBodyBytes: int(f.maxBodyBytes, "--max-body-bytes", 1),
          allowHttpArtifacts: f.allowHttpArtifacts ?? false,
          ...(settle ? { settle } : {}),
        });
        const info = { url: gw.url, data_dir: dataDir, operator: f.operator ?? "" };
        emit(g.output, info, () => [`serving on ${gw.url} (data dir ${dataDir})`]);
        await new Promise<void>((ok) => {
          process.once("SIGINT", ok);
          process.once("SIGTERM", ok);
        });
        await gw.close();
        client.disconnect();
      }),
    );
}
