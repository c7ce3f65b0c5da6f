#!/usr/bin/env node
/**
 * `openledgerd`: the node, the CLI wallet and the network tools in one program.
 */
import "../polyfill.js";
import { Command, Option } from "commander";
import { registerKeysCommands } from "./commands/keys.js";
import { registerNodeCommands } from "./commands/node.js";
import { registerQueryCommands } from "./commands/query.js";
import { registerStatusCommand } from "./commands/status.js";
import { registerTxCommands } from "./commands/tx.js";
import { DEFAULT_HOME } from "./output.js";

const program = new Command("openledgerd")
  .description("OpenLedger node: the AI appchain's validator, full node, RPC server and CLI wallet")
  .version("0.1.0")
  .addOption(new Option("--home <dir>", "node home folder").env("OPENLEDGER_HOME").default(DEFAULT_HOME))
  .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
  .showHelpAfterError();

registerNodeCommands(program);
registerKeysCommands(program);
registerTxCommands(program);
registerQueryCommands(program);
registerStatusCommand(program);

await program.parseAsync(process.argv);
