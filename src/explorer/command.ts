/** `openledgerd explorer --node URL --port P`: serve the web explorer against any node until SIGINT/SIGTERM. */
import type { Command } from "commander";
import { emit, runCommand } from "../cli/output.js";
import { DEFAULT_NODE } from "../client/client.js";
import { ClientCode, clientError } from "../client/errors.js";
import { ExplorerServer } from "./server.js";
import { explorerAssetsDir } from "./static.js";

interface ExplorerFlags {
  node: string;
  rest?: string;
  host: string;
  port: string;
}

function httpUrl(s: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw clientError(ClientCode.InvalidArgument, `${flag} must be an http(s) URL, got "${s}"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw clientError(ClientCode.InvalidArgument, `${flag} must be an http(s) URL, got "${s}"`);
  return s;
}

/** Register `explorer`. */
export function registerExplorerCommand(program: Command): void {
  program
    .command("explorer")
    .description("serve the web explorer (blocks, txs, accounts, datanets, models) for a node")
    .option("--node <url>", "the node's CometBFT RPC endpoint", DEFAULT_NODE)
    .option("--rest <url>", "the node's REST gateway (default: the node's host, port 1317)")
    .option("--host <addr>", "bind address", "127.0.0.1")
    .option("--port <n>", "port (0 picks a free one)", "8090")
    .action(async (f: ExplorerFlags, c: Command) =>
      runCommand(c, async (g) => {
        if (!/^[0-9]{1,5}$/.test(f.port) || Number(f.port) > 65535)
          throw clientError(ClientCode.InvalidArgument, "--port must be an integer in [0, 65535]");
        const node = httpUrl(f.node, "--node");
        const rest = f.rest === undefined ? undefined : httpUrl(f.rest, "--rest");
        const built = explorerAssetsDir();
        const srv = await ExplorerServer.start({ node, rest, host: f.host, port: Number(f.port) });
        emit(g.output, { url: srv.url, node: srv.node, rest: srv.rest, built: built !== undefined }, () => [
          `explorer on ${srv.url}/ (node ${srv.node}, REST ${srv.rest})`,
          ...(built ? [] : ["warning: the app is not built; run `npm run build`"]),
        ]);
        await new Promise<void>((ok) => {
          process.once("SIGINT", ok);
          process.once("SIGTERM", ok);
        });
        await srv.close();
      }),
    );
}
