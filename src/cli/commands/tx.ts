/**
 * `openledgerd tx bank send FROM_KEY TO_ADDR AMOUNT` and the flags every tx command shares. Other
 * modules' tx commands can reuse `addTxOptions` + `txOptionsFromFlags` + `runTx`.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { type Command, Option } from "commander";
import { parseCoins, parseDecimal, parseGasPrice } from "../../client/amount.js";
import {
  type BroadcastMode,
  type BroadcastView,
  ChainClient,
  DEFAULT_GAS_ADJUSTMENT,
  DEFAULT_NODE,
  DEFAULT_PREFIX,
  type SignAndBroadcastOptions,
  type TxPreview,
} from "../../client/client.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { parseSignMode, SIGN_MODES } from "../../client/signer.js";
import { decodeAddress, toBech32 } from "../../crypto/address.js";
import { confirm, stdinIsTty } from "../../keyring/prompt.js";
import { CodedError, SDK, SdkCode } from "../../types/errors.js";
import { emit, type GlobalOptions, kvLines, outputSink, runCommand } from "../output.js";
import { addKeyringOptions, type KeyringFlags, keyringFromFlags } from "./keys.js";

/** Flags shared by tx commands. */
export interface TxFlags extends KeyringFlags {
  node: string;
  chainId?: string;
  from?: string;
  fees?: string;
  gas?: string;
  gasAdjustment: string;
  gasPrices?: string;
  yes?: boolean;
  signMode: string;
  memo?: string;
  broadcastMode: string;
}

/** Add the tx flags (node, chain id, fees, gas, confirmation, sign mode, keyring) to a command. */
export function addTxOptions(cmd: Command, withFrom = false): Command {
  cmd
    .option("--node <url>", "CometBFT RPC endpoint", DEFAULT_NODE)
    .option("--chain-id <id>", "chain id; must match the node's (default: the node's)")
    .option("--fees <coins>", "fee coins, e.g. 5000aopen (exclusive with --gas-prices)")
    .option("--gas <limit>", "gas limit, or auto to simulate (default 200000)")
    .option("--gas-adjustment <x>", "multiplier for --gas auto", DEFAULT_GAS_ADJUSTMENT)
    .option("--gas-prices <price>", "fee = gas × price, e.g. 0.025aopen")
    .option("--memo <text>", "transaction memo", "")
    .option("-y, --yes", "sign and broadcast without asking")
    .addOption(new Option("--sign-mode <mode>", "signing mode").choices([...SIGN_MODES]).default("direct"))
    .addOption(
      new Option(
        "--broadcast-mode <mode>",
        "sync: wait for CheckTx; async: do not wait; block: wait for inclusion",
      )
        .choices(["sync", "async", "block"])
        .default("sync"),
    );
  if (withFrom) cmd.option("--from <key>", "name or address of the signing key");
  return addKeyringOptions(cmd);
}

/** Turn tx flags into client options (validated; coded errors for bad values). */
export function txOptionsFromFlags(flags: TxFlags): Omit<SignAndBroadcastOptions, "privateKey" | "messages"> {
  const fees = flags.fees !== undefined ? parseCoins(flags.fees, undefined, true) : undefined;
  const gasPrice = flags.gasPrices !== undefined ? parseGasPrice(flags.gasPrices) : undefined;
  if (fees !== undefined && gasPrice !== undefined) {
    throw new CodedError(SDK, SdkCode.InvalidRequest, "cannot provide both --fees and --gas-prices");
  }
  let gas: bigint | "auto" | undefined;
  if (flags.gas === "auto") gas = "auto";
  else if (flags.gas !== undefined) {
    if (!/^[0-9]{1,19}$/.test(flags.gas) || BigInt(flags.gas) === 0n) {
      throw new CodedError(
        SDK,
        SdkCode.InvalidGasLimit,
        `invalid --gas ${JSON.stringify(flags.gas)}: a positive integer or auto`,
      );
    }
    gas = BigInt(flags.gas);
  }
  let gasAdjustment: ReturnType<typeof parseDecimal>;
  try {
    gasAdjustment = parseDecimal(flags.gasAdjustment);
  } catch {
    throw new CodedError(
      SDK,
      SdkCode.InvalidGasAdjustment,
      `invalid --gas-adjustment ${JSON.stringify(flags.gasAdjustment)}`,
    );
  }
  if (gasAdjustment.numerator === 0n) {
    throw new CodedError(SDK, SdkCode.InvalidGasAdjustment, "--gas-adjustment must be positive");
  }
  return {
    chainId: flags.chainId,
    memo: flags.memo ?? "",
    gas,
    gasAdjustment,
    fees,
    gasPrice,
    signMode: parseSignMode(flags.signMode),
    broadcastMode: flags.broadcastMode as BroadcastMode,
    prefix: DEFAULT_PREFIX,
  };
}

/**
 * Sign and broadcast `messages` with key `from`: refuses early without --yes when stdin is no terminal,
 * asks y/N on a terminal, prints the broadcast result; a nonzero chain code is an error (exit 1) with the
 * result still printed on stdout.
 */
export async function runTx(
  g: GlobalOptions,
  flags: TxFlags,
  from: string,
  buildMessages: (fromAddress: string) => EncodeObject[],
  extra: Partial<SignAndBroadcastOptions> = {},
): Promise<BroadcastView> {
  if (!flags.yes && !stdinIsTty()) {
    throw clientError(ClientCode.NotConfirmed, "refusing to sign without --yes: stdin is not a terminal");
  }
  const options = txOptionsFromFlags(flags);
  const kr = keyringFromFlags(flags, g);
  const info = await kr.find(from);
  const key = await kr.unlock(info.name);
  const client = ChainClient.connect(flags.node);
  try {
    const fromAddress = toBech32(options.prefix ?? DEFAULT_PREFIX, key.address);
    const result = await client.signAndBroadcast({
      ...options,
      ...extra,
      privateKey: key.privateKey,
      messages: buildMessages(fromAddress),
      confirm: flags.yes ? undefined : (preview) => askConfirm(preview),
    });
    emit(g.output, result, () => broadcastLines(result));
    if (result.code !== 0) {
      throw new CodedError(result.codespace || SDK, result.code, `transaction failed: ${result.raw_log}`);
    }
    return result;
  } finally {
    key.privateKey.fill(0);
    client.disconnect();
  }
}

/** Register `tx` and `tx bank send` on `program`. */
export function registerTxCommands(program: Command): void {
  const tx = program.command("tx").description("sign and broadcast transactions");
  const bank = tx.command("bank").description("bank module transactions");
  addTxOptions(
    bank
      .command("send <from_key_or_address> <to_address> <amount>")
      .description("send coins, e.g. `tx bank send alice open1... 1.5OPEN` or 1000aopen"),
  ).action(async (from: string, to: string, amount: string, flags: TxFlags, cmd: Command) =>
    runCommand(cmd, async (g) => {
      const coins = parseCoins(amount);
      decodeAddress(to, DEFAULT_PREFIX);
      await runTx(g, flags, from, (fromAddress) => [
        {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: {
            fromAddress,
            toAddress: to,
            amount: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
          },
        },
      ]);
    }),
  );
}

/** Text lines of a broadcast result. */
export function broadcastLines(r: BroadcastView): string[] {
  return kvLines([
    ["txhash", r.txhash],
    ["code", r.code],
    ["codespace", r.codespace || undefined],
    ["height", r.height],
    ["gas_wanted", r.gas_wanted],
    ["gas_used", r.gas_used],
    ["raw_log", r.raw_log],
  ]);
}

async function askConfirm(preview: TxPreview): Promise<boolean> {
  outputSink().stderr(`${JSON.stringify(preview, null, 2)}\n`);
  return confirm("confirm transaction before signing and broadcasting");
}

/**
 * Add `parent <spec>` as a tx command: `--from` is required, `build` makes the messages from the sender's
 * address, the positional arguments and the flags, and `runTx` signs and broadcasts them with `extra`
 * (e.g. the module's registry and amino converters).
 */
export function txCmd(
  parent: Command,
  spec: string,
  description: string,
  build: (
    from: string,
    args: string[],
    flags: TxFlags & Record<string, string | undefined>,
    g: GlobalOptions,
  ) => EncodeObject[],
  extra: () => Partial<SignAndBroadcastOptions>,
  options: (c: Command) => Command = (c) => c,
): void {
  addTxOptions(options(parent.command(spec).description(description)), true).action(
    async (...all: unknown[]) => {
      const c = all[all.length - 1] as Command;
      const flags = all[all.length - 2] as TxFlags & Record<string, string | undefined>;
      const args = all.slice(0, -2) as string[];
      await runCommand(c, async (g) => {
        if (!flags.from) throw clientError(ClientCode.InvalidArgument, "--from is required");
        const from = flags.from;
        await runTx(g, flags, from, (addr) => build(addr, args, flags, g), extra());
      });
    },
  );
}
