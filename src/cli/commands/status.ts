/** `openledgerd status`: the node's chain id, height and sync state over RPC. */
import type { Command } from "commander";
import type { StatusView } from "../../client/client.js";
import { emit, kvLines, runCommand } from "../output.js";
import { addQueryOptions, type QueryFlags, withClient } from "./query.js";

/** Register `status` on `program`. */
export function registerStatusCommand(program: Command): void {
  addQueryOptions(program.command("status").description("query the node's status")).action(
    async (flags: QueryFlags, cmd: Command) =>
      runCommand(cmd, async (g) => {
        const v = await withClient(flags, (c) => c.status());
        emit(g.output, v, () => statusLines(v));
      }),
  );
}

/** Text lines of a status. */
export function statusLines(v: StatusView): string[] {
  return kvLines([
    ["chain_id", v.node_info.network],
    ["moniker", v.node_info.moniker],
    ["node_id", v.node_info.id],
    ["version", v.node_info.version],
    ["latest_block_height", v.sync_info.latest_block_height],
    ["latest_block_hash", v.sync_info.latest_block_hash],
    ["latest_app_hash", v.sync_info.latest_app_hash],
    ["latest_block_time", v.sync_info.latest_block_time],
    ["catching_up", v.sync_info.catching_up],
    ["validator_address", v.validator_info.address],
    ["voting_power", v.validator_info.voting_power],
  ]);
}
