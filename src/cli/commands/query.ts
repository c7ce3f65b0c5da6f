/** `openledgerd query bank balances|auth account|tx|block` over the node's RPC. */
import type { Command } from "commander";
import { toProtoNames } from "../../app/protoJson.js";
import { formatCoin } from "../../client/amount.js";
import {
  type AccountView,
  type BalancesView,
  type BlockView,
  ChainClient,
  DEFAULT_NODE,
  type TxView,
} from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { emit, type GlobalOptions, kvLines, runCommand, stringifyJson } from "../output.js";

/** Flags of query commands. */
export interface QueryFlags {
  node: string;
}

/** Add `--node` to a query command. */
export function addQueryOptions(cmd: Command): Command {
  return cmd.option("--node <url>", "CometBFT RPC endpoint", DEFAULT_NODE);
}

/** Run `body` with a client connected to `--node`, disconnecting afterwards. */
export async function withClient<T>(flags: QueryFlags, body: (c: ChainClient) => Promise<T>): Promise<T> {
  const client = ChainClient.connect(flags.node);
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
}

/** Register `query` (alias `q`) and its subcommands on `program`. */
export function registerQueryCommands(program: Command): void {
  const query = program.command("query").alias("q").description("query chain state over RPC");

  const bank = query.command("bank").description("bank module queries");
  addQueryOptions(
    bank
      .command("balances <address>")
      .description("all balances of an address")
      .option("--denom <denom>", "only this denom"),
  ).action(async (address: string, flags: QueryFlags & { denom?: string }, cmd: Command) =>
    runCommand(cmd, async (g) => {
      const v = await withClient(flags, (c) => c.balances(address, flags.denom));
      emit(g.output, v, () => balancesLines(v));
    }),
  );

  const auth = query.command("auth").description("auth module queries");
  addQueryOptions(
    auth.command("account <address>").description("an account's number, sequence and pubkey"),
  ).action(async (address: string, flags: QueryFlags, cmd: Command) =>
    runCommand(cmd, async (g) => {
      const v = await withClient(flags, (c) => c.account(address));
      emit(g.output, v, () => accountLines(v));
    }),
  );

  addQueryOptions(query.command("tx <hash>").description("a committed transaction by hash")).action(
    async (hash: string, flags: QueryFlags, cmd: Command) =>
      runCommand(cmd, async (g) => {
        const v = await withClient(flags, (c) => c.tx(hash));
        emit(g.output, v, () => txLines(v));
      }),
  );

  addQueryOptions(query.command("block [height]").description("a block (latest when no height)")).action(
    async (height: string | undefined, flags: QueryFlags, cmd: Command) =>
      runCommand(cmd, async (g: GlobalOptions) => {
        const h = height === undefined ? undefined : parseHeight(height);
        const v = await withClient(flags, (c) => c.block(h));
        emit(g.output, v, () => blockLines(v));
      }),
  );
}

/** Parse a block height argument; `client` code 6 unless a positive integer. */
export function parseHeight(s: string): number {
  if (!/^[0-9]{1,15}$/.test(s) || Number(s) < 1) {
    throw clientError(
      ClientCode.InvalidArgument,
      `invalid height ${JSON.stringify(s.slice(0, 40))}: must be a positive integer`,
    );
  }
  return Number(s);
}

/** Text lines of balances. */
export function balancesLines(v: BalancesView): string[] {
  if (v.balances.length === 0) return [`address: ${v.address}`, "balances: none"];
  return [`address: ${v.address}`, "balances:", ...v.balances.map((c) => `  ${formatCoin(c)}`)];
}

/** Text lines of an account. */
export function accountLines(v: AccountView): string[] {
  return kvLines([
    ["type", v["@type"]],
    ["address", v.address],
    ["account_number", v.account_number],
    ["sequence", v.sequence],
    ["pub_key", v.pub_key ? JSON.stringify(v.pub_key) : "none"],
    ["name", v.name],
    ["permissions", v.permissions?.join(",")],
  ]);
}

/** Text lines of a tx. */
export function txLines(v: TxView): string[] {
  const lines = kvLines([
    ["txhash", v.txhash],
    ["height", v.height],
    ["index", v.index],
    ["code", v.code],
    ["codespace", v.codespace || undefined],
    ["gas_wanted", v.gas_wanted],
    ["gas_used", v.gas_used],
    ["raw_log", v.raw_log],
  ]);
  const tx = v.tx as { body?: { messages?: { "@type"?: string }[]; memo?: string } };
  for (const m of tx.body?.messages ?? []) lines.push(`message: ${JSON.stringify(m)}`);
  if (tx.body?.memo) lines.push(`memo: ${tx.body.memo}`);
  for (const e of v.events) {
    lines.push(`event ${e.type}: ${e.attributes.map((a) => `${a.key}=${a.value}`).join(" ")}`);
  }
  return lines;
}

/** Text lines of a block. */
export function blockLines(v: BlockView): string[] {
  return [
    ...kvLines([
      ["height", v.header.height],
      ["hash", v.block_id.hash],
      ["chain_id", v.header.chain_id],
      ["time", v.header.time],
      ["proposer", v.header.proposer_address],
      ["app_hash", v.header.app_hash],
      ["last_block_id", v.header.last_block_id],
      ["num_txs", v.num_txs],
    ]),
    ...v.txs.map((h) => `  tx ${h}`),
  ];
}

/** A response codec as cosmjs-types generates them. */
export type Decoder<T> = { decode(b: Uint8Array): T; toJSON(m: T): unknown };
/** A request codec as cosmjs-types generates them. */
export type Encoder<R> = { encode(m: R): { finish(): Uint8Array }; fromPartial(o: object): R };

/**
 * Add `parent <spec>`: encode the request `build` makes from the arguments, `abci_query` it at `path`, and
 * print the decoded response in the SDK's JSON names.
 */
export function queryCmd<R, T>(
  parent: Command,
  spec: string,
  description: string,
  path: string,
  req: Encoder<R>,
  res: Decoder<T>,
  build: (args: string[], flags: Record<string, string | undefined>) => object,
  options: (c: Command) => Command = (c) => c,
): void {
  addQueryOptions(options(parent.command(spec).description(description))).action(
    async (...all: unknown[]) => {
      const c = all[all.length - 1] as Command;
      const flags = all[all.length - 2] as QueryFlags & Record<string, string | undefined>;
      const args = all.slice(0, -2) as string[];
      await runCommand(c, async (g) => {
        const data = req.encode(req.fromPartial(build(args, flags))).finish();
        const bytes = await withClient(flags, (cl) => cl.abciQuery(path, data));
        const v = toProtoNames(res.toJSON(res.decode(bytes)));
        emit(g.output, v, () => stringifyJson(v).split("\n"));
      });
    },
  );
}
