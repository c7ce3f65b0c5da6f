#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=64
/**
 * `openledgerd`: the node, the CLI wallet and the network tools in one program.
 */
import "../polyfill.js";
import { Command, Option } from "commander";
import { registerExplorerCommand } from "../explorer/command.js";
import { registerAttributionCommands } from "./commands/attribution.js";
import { registerDatanetsCommands } from "./commands/datanets.js";
import { registerFactoryCommands } from "./commands/factory.js";
import { registerGentxCommands } from "./commands/gentx.js";
import { registerGovCommands } from "./commands/gov.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerModelsCommands } from "./commands/models.js";
import { registerNodeCommands } from "./commands/node.js";
import { registerQueryCommands } from "./commands/query.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerStakingCommands } from "./commands/staking.js";
import { registerStatusCommand } from "./commands/status.js";
import { registerTestnetCommands } from "./commands/testnet.js";
import { registerTxCommands } from "./commands/tx.js";
import { DEFAULT_HOME } from "./output.js";

const program = new Command("openledgerd")
  .description("OpenLedger node: the AI appchain's validator, full node, RPC server and CLI wallet")
  .version("0.1.0")
  .addOption(new Option("--home <dir>", "node home folder").env("OPENLEDGER_HOME").default(DEFAULT_HOME))
  .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
  .showHelpAfterError();

registerNodeCommands(program);
registerGentxCommands(program);
registerKeysCommands(program);
registerTxCommands(program);
registerQueryCommands(program);
registerDatanetsCommands(program);
registerModelsCommands(program);
registerAttributionCommands(program);
registerFactoryCommands(program);
registerServeCommand(program);
registerStakingCommands(program);
registerGovCommands(program);
registerStatusCommand(program);
registerTestnetCommands(program);
registerExplorerCommand(program);

await program.parseAsync(process.argv);
