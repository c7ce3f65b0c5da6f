/**
 * `openledgerd genesis gentx KEY AMOUNT --moniker … --chain-id …` writes a signed MsgCreateValidator
 * (self-delegation of AMOUNT with the home's consensus key) to `config/gentx/gentx-<node id>.json`;
 * `openledgerd genesis collect-gentxs` verifies every gentx in the folder, replaces the genesis's
 * placeholder validators with them (moving each self-bond from the operator's genesis balance to the
 * not-bonded pool; InitChain bonds them), sets `validators` and the node's persistent peers.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import "../../types/cosmjsFix.js";
import { validateAppState } from "../../app/genesis.js";
import { parseAmount } from "../../client/amount.js";
import { ClientCode, clientError } from "../../client/errors.js";
import { readNodeConfig, writeNodeConfig } from "../../config/config.js";
import { genesisValidator, readGenesis, writeGenesis } from "../../config/genesis.js";
import { decodeAddress, moduleAddress, secp256k1Address, toBech32 } from "../../crypto/address.js";
import { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "../../crypto/secp256k1.js";
import { parseDecString } from "../../modules/staking/dec.js";
import { genesisValidatorJson } from "../../modules/staking/genesis.js";
import { homePaths } from "../../node/home.js";
import { loadNodeKey } from "../../node/nodeKey.js";
import { equalBytes, fromBase64, toBase64 } from "../../types/bytes.js";
import { CodedError } from "../../types/errors.js";
import { emit, type GlobalOptions, runCommand } from "../output.js";
import { addKeyringOptions, type KeyringFlags, keyringFromFlags } from "./keys.js";

/** A gentx file. */
export interface GentxFile {
  chain_id: string;
  /** base64 TxRaw (SIGN_MODE_DIRECT, account number 0, sequence 0). */
  tx: string;
  /** `node_id@host:port` of the validator's node. */
  memo: string;
}

interface GentxFlags extends KeyringFlags {
  moniker?: string;
  chainId?: string;
  commissionRate: string;
  commissionMaxRate: string;
  commissionMaxChangeRate: string;
  minSelfDelegation: string;
  details?: string;
  website?: string;
  identity?: string;
  securityContact?: string;
  ip?: string;
  outputDocument?: string;
}

type Balance = { address: string; coins: { denom: string; amount: string }[] };
type AppState = {
  auth?: { prefix?: string };
  bank: { balances: Balance[] };
  staking: {
    params?: { bond_denom?: string };
    validators: Record<string, unknown>[];
    delegations: { delegator_address: string; validator_address: string; shares: string }[];
  };
};

function bad(msg: string): CodedError {
  return clientError(ClientCode.InvalidArgument, msg);
}

function dec(s: string, what: string): bigint {
  try {
    const d = parseDecString(s);
    if (d < 0n || d > 10n ** 18n) throw new Error();
    return d;
  } catch {
    throw bad(`invalid ${what} ${JSON.stringify(s)}: a decimal between 0 and 1`);
  }
}

function balanceOf(state: AppState, address: string, denom: string): bigint {
  const b = state.bank.balances.find((x) => x.address === address);
  return BigInt(b?.coins.find((c) => c.denom === denom)?.amount ?? "0");
}

function addBalance(state: AppState, address: string, denom: string, delta: bigint): void {
  let b = state.bank.balances.find((x) => x.address === address);
  if (!b) {
    b = { address, coins: [] };
    state.bank.balances.push(b);
    state.bank.balances.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  }
  const c = b.coins.find((x) => x.denom === denom);
  const next = BigInt(c?.amount ?? "0") + delta;
  if (next < 0n)
    throw new CodedError(
      "sdk",
      5,
      `${address} has ${next + -delta}${denom}, needs ${-delta}${denom}: insufficient funds`,
    );
  if (c) c.amount = next.toString();
  else b.coins.push({ denom, amount: next.toString() });
  b.coins = b.coins.filter((x) => x.amount !== "0");
  state.bank.balances = state.bank.balances.filter((x) => x.coins.length > 0);
}

async function gentx(g: GlobalOptions, keyName: string, amountArg: string, flags: GentxFlags): Promise<void> {
  const p = homePaths(g.home);
  const doc = readGenesis(p.genesis);
  if (flags.chainId !== undefined && flags.chainId !== doc.chainId)
    throw bad(`--chain-id ${flags.chainId} does not match the genesis chain id ${doc.chainId}`);
  const state = doc.appState as AppState;
  const prefix = state.auth?.prefix ?? "open";
  const denom = state.staking?.params?.bond_denom ?? "aopen";
  const amount = parseAmount(amountArg);
  if (amount.denom !== denom) throw bad(`the self-delegation must be in ${denom}`);
  const kr = keyringFromFlags(flags, g);
  const info = await kr.find(keyName);
  const key = await kr.unlock(info.name);
  try {
    const operator = toBech32(prefix, key.address);
    if (balanceOf(state, operator, denom) < amount.amount)
      throw new CodedError(
        "sdk",
        5,
        `account ${operator} has less than ${amount.amount}${denom} in genesis: insufficient funds`,
      );
    const pv = JSON.parse(readFileSync(p.privValidatorKey, "utf8")) as { pub_key?: { value?: string } };
    const consKey = fromBase64(pv.pub_key?.value ?? "");
    if (consKey.length !== 32) throw bad(`no ed25519 key in ${p.privValidatorKey}`);
    const nodeId = loadNodeKey(p.nodeKey).id;
    const cfg = readNodeConfig(g.home);
    const port = /:(\d+)$/.exec(cfg.p2p.laddr)?.[1] ?? "26656";
    const memo = `${nodeId}@${flags.ip ?? "127.0.0.1"}:${port}`;
    const msg = MsgCreateValidator.fromPartial({
      description: {
        moniker: flags.moniker ?? cfg.moniker,
        identity: flags.identity ?? "",
        website: flags.website ?? "",
        securityContact: flags.securityContact ?? "",
        details: flags.details ?? "",
      },
      commission: {
        rate: dec(flags.commissionRate, "--commission-rate").toString(),
        maxRate: dec(flags.commissionMaxRate, "--commission-max-rate").toString(),
        maxChangeRate: dec(flags.commissionMaxChangeRate, "--commission-max-change-rate").toString(),
      },
      minSelfDelegation: flags.minSelfDelegation,
      delegatorAddress: "",
      validatorAddress: toBech32(`${prefix}valoper`, key.address),
      pubkey: {
        typeUrl: "/cosmos.crypto.ed25519.PubKey",
        value: Ed25519PubKey.encode({ key: consKey }).finish(),
      },
      value: { denom, amount: amount.amount.toString() },
    });
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({
        messages: [{ typeUrl: MsgCreateValidator.typeUrl, value: MsgCreateValidator.encode(msg).finish() }],
        memo,
      }),
    ).finish();
    const pub = secp256k1PublicKey(key.privateKey);
    const authInfoBytes = AuthInfo.encode(
      AuthInfo.fromPartial({
        signerInfos: [
          {
            publicKey: {
              typeUrl: "/cosmos.crypto.secp256k1.PubKey",
              value: Secp256k1PubKey.encode({ key: pub }).finish(),
            },
            modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
            sequence: 0n,
          },
        ],
        fee: { amount: [], gasLimit: 200_000n },
      }),
    ).finish();
    const signBytes = SignDoc.encode({
      bodyBytes,
      authInfoBytes,
      chainId: doc.chainId,
      accountNumber: 0n,
    }).finish();
    const signature = secp256k1Sign(signBytes, key.privateKey);
    const file: GentxFile = {
      chain_id: doc.chainId,
      tx: toBase64(TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish()),
      memo,
    };
    const out = flags.outputDocument ?? join(p.config, "gentx", `gentx-${nodeId}.json`);
    mkdirSync(join(out, ".."), { recursive: true });
    writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
    emit(
      g.output,
      { file: out, validator: msg.validatorAddress, amount: `${amount.amount}${denom}`, memo },
      () => [`wrote ${out}: ${msg.validatorAddress} self-delegates ${amount.amount}${denom}`],
    );
  } finally {
    key.privateKey.fill(0);
  }
}

/** A verified gentx: its MsgCreateValidator and memo. */
export function verifyGentx(
  f: GentxFile,
  chainId: string,
  prefix: string,
): { msg: MsgCreateValidator; memo: string } {
  if (f.chain_id !== chainId) throw bad(`gentx for chain ${f.chain_id}, genesis is ${chainId}`);
  const raw = TxRaw.decode(fromBase64(f.tx));
  const body = TxBody.decode(raw.bodyBytes);
  const auth = AuthInfo.decode(raw.authInfoBytes);
  const any = body.messages[0];
  if (body.messages.length !== 1 || any?.typeUrl !== MsgCreateValidator.typeUrl)
    throw bad("a gentx must carry exactly one MsgCreateValidator");
  const msg = MsgCreateValidator.decode(any.value);
  const signer = auth.signerInfos[0];
  if (!signer?.publicKey || raw.signatures.length !== 1) throw bad("gentx is not signed");
  const pub = Secp256k1PubKey.decode(signer.publicKey.value).key;
  const signBytes = SignDoc.encode({
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    chainId,
    accountNumber: 0n,
  }).finish();
  if (!secp256k1Verify(signBytes, raw.signatures[0]!, pub))
    throw new CodedError("sdk", 4, "gentx signature verification failed: unauthorized");
  const operator = decodeAddress(msg.validatorAddress, `${prefix}valoper`);
  if (!equalBytes(operator, secp256k1Address(pub)))
    throw new CodedError("sdk", 4, "gentx is not signed by its operator: unauthorized");
  return { msg, memo: body.memo };
}

function collect(g: GlobalOptions, flags: { gentxDir?: string }): void {
  const p = homePaths(g.home);
  const doc = readGenesis(p.genesis);
  const state = doc.appState as AppState;
  const prefix = state.auth?.prefix ?? "open";
  const denom = state.staking?.params?.bond_denom ?? "aopen";
  const dir = flags.gentxDir ?? join(p.config, "gentx");
  if (!existsSync(dir)) throw bad(`no gentx folder ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0) throw bad(`no gentx files in ${dir}`);
  const notBonded = toBech32(prefix, moduleAddress("not_bonded_tokens_pool"));
  const ecosystem = toBech32(prefix, moduleAddress("ecosystem"));
  // Return the placeholder validators' self-bonds to the ecosystem allocation.
  let returned = 0n;
  for (const v of state.staking.validators) returned += BigInt(String(v["tokens"] ?? "0"));
  if (returned > 0n) {
    addBalance(state, notBonded, denom, -returned);
    addBalance(state, ecosystem, denom, returned);
  }
  state.staking.validators = [];
  state.staking.delegations = [];
  const time = { seconds: BigInt(Math.floor(Date.parse(doc.genesisTime) / 1000)), nanos: 0 };
  const peers: string[] = [];
  const validators = [];
  const ownId = loadNodeKey(p.nodeKey).id;
  for (const name of files) {
    const f = JSON.parse(readFileSync(join(dir, name), "utf8")) as GentxFile;
    const { msg, memo } = verifyGentx(f, doc.chainId, prefix);
    const amount = BigInt(msg.value.amount);
    const opBytes = decodeAddress(msg.validatorAddress, `${prefix}valoper`);
    const op = toBech32(prefix, opBytes);
    addBalance(state, op, denom, -amount);
    addBalance(state, notBonded, denom, amount);
    const consKey = Ed25519PubKey.decode(msg.pubkey!.value).key;
    state.staking.validators.push(
      genesisValidatorJson({
        operator: msg.validatorAddress,
        pubKey: consKey,
        tokens: amount,
        moniker: msg.description.moniker,
        commissionRate: BigInt(msg.commission.rate),
        commissionMaxRate: BigInt(msg.commission.maxRate),
        commissionMaxChangeRate: BigInt(msg.commission.maxChangeRate),
        minSelfDelegation: BigInt(msg.minSelfDelegation),
        time,
        details: msg.description.details,
      }),
    );
    state.staking.delegations.push({
      delegator_address: op,
      validator_address: msg.validatorAddress,
      shares: `${amount}.000000000000000000`,
    });
    validators.push(genesisValidator(consKey, amount / 10n ** 18n, msg.description.moniker));
    if (memo && !memo.startsWith(`${ownId}@`)) peers.push(memo);
  }
  doc.validators = validators;
  validateAppState(doc.appState);
  writeGenesis(p.genesis, doc);
  if (peers.length > 0) {
    const cfg = readNodeConfig(g.home);
    cfg.p2p.persistentPeers = peers;
    writeNodeConfig(g.home, cfg);
  }
  emit(
    g.output,
    { gentxs: files.length, validators: validators.map((v) => v.name), persistent_peers: peers },
    () => [
      `collected ${files.length} gentx(s) into ${p.genesis}`,
      `persistent peers: ${peers.join(",") || "(none)"}`,
    ],
  );
}

/** Register `genesis gentx` and `genesis collect-gentxs` on the existing `genesis` command. */
export function registerGentxCommands(program: Command): void {
  const genesis = program.commands.find((c) => c.name() === "genesis");
  if (!genesis) throw new Error("no genesis command");
  addKeyringOptions(
    genesis
      .command("gentx <key> <amount>")
      .description(
        "sign a genesis MsgCreateValidator self-delegating <amount> with this node's consensus key",
      )
      .option("--moniker <name>", "validator name (default: the node's moniker)")
      .option("--chain-id <id>", "must match the genesis chain id")
      .option("--commission-rate <rate>", "initial commission rate", "0.10")
      .option("--commission-max-rate <rate>", "maximum commission rate", "0.20")
      .option("--commission-max-change-rate <rate>", "maximum daily commission change", "0.01")
      .option("--min-self-delegation <aopen>", "minimum self-delegation (aopen)", "1")
      .option("--identity <id>", "identity")
      .option("--website <url>", "website")
      .option("--security-contact <email>", "security contact")
      .option("--details <text>", "details")
      .option("--ip <host>", "public address of this node for the memo (default 127.0.0.1)")
      .option(
        "--output-document <file>",
        "where to write the gentx (default config/gentx/gentx-<node id>.json)",
      ),
  ).action(async (key: string, amount: string, flags: GentxFlags, cmd: Command) =>
    runCommand(cmd, (g) => gentx(g, key, amount, flags)),
  );
  genesis
    .command("collect-gentxs")
    .description("put the gentxs of config/gentx/ into genesis.json as the initial validators")
    .option("--gentx-dir <dir>", "folder of gentx files (default config/gentx)")
    .action(async (flags: { gentxDir?: string }, cmd: Command) =>
      runCommand(cmd, async (g) => collect(g, flags)),
    );
}
