/**
 * A thin client over CometBFT RPC for the CLI wallet and tests: status, balances, accounts, txs and blocks
 * (views are JSON-ready objects with the SDK's snake_case names and int64 as strings), gas simulation, and
 * signing + broadcasting messages with a keyring key through `SigningStargateClient` (offline signing with
 * explicit signer data, so every network call goes through this class and fails with a coded error).
 */

import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { type EncodeObject, encodePubkey, Registry } from "@cosmjs/proto-signing";
import {
  AminoTypes,
  accountFromAny,
  createDefaultAminoConverters,
  defaultRegistryTypes,
  SigningStargateClient,
} from "@cosmjs/stargate";
import type { comet38 } from "@cosmjs/tendermint-rpc";
import { Comet38Client, HttpClient, toRfc3339WithNanoseconds } from "@cosmjs/tendermint-rpc";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode as ProtoSignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, Fee, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { decodeAddress, fromBech32 } from "../crypto/address.js";
import { sha256 } from "../crypto/hash.js";
import { fromHex, toBase64, toHexUpper } from "../types/bytes.js";
import { CodedError, SDK, SdkCode } from "../types/errors.js";
import { type Decimal, mulDecimalCeil, type ParsedCoin } from "./amount.js";
import { ClientCode, clientError, rpcFailure } from "./errors.js";
import { type Json, toJson } from "./json.js";
import { createSigner, type SignMode } from "./signer.js";

/** Default RPC endpoint. */
export const DEFAULT_NODE = "http://127.0.0.1:26657";
/** The chain's default account prefix. */
export const DEFAULT_PREFIX = "open";
/** Gas limit used when neither `--gas` nor `auto` is given (the SDK's default). */
export const DEFAULT_GAS = 200_000n;
/** Default `--gas-adjustment`. */
export const DEFAULT_GAS_ADJUSTMENT = "1.5";
/** Default HTTP timeout for one RPC call. */
export const DEFAULT_RPC_TIMEOUT_MS = 15_000;
/** How long `block` broadcast mode waits for inclusion. */
export const DEFAULT_INCLUSION_TIMEOUT_MS = 60_000;

const MAX_BALANCE_PAGES = 100;

/** Balances of one address. */
export interface BalancesView {
  address: string;
  balances: { denom: string; amount: string }[];
}

/** An on-chain account. */
export interface AccountView {
  "@type": string;
  address: string;
  pub_key: { "@type": string; key: string } | null;
  account_number: string;
  sequence: string;
  name?: string;
  permissions?: string[];
}

/** A node's status (subset of CometBFT `status`). */
export interface StatusView {
  node_info: { id: string; network: string; version: string; moniker: string; listen_addr: string };
  sync_info: {
    latest_block_hash: string;
    latest_app_hash: string;
    latest_block_height: string;
    latest_block_time: string;
    earliest_block_height: string;
    catching_up: boolean;
  };
  validator_info: { address: string; voting_power: string };
}

/** A block: id, header fields and its txs' hashes. */
export interface BlockView {
  block_id: { hash: string };
  header: {
    chain_id: string;
    height: string;
    time: string;
    last_block_id: string;
    app_hash: string;
    data_hash: string;
    validators_hash: string;
    proposer_address: string;
  };
  num_txs: number;
  txs: string[];
  last_commit_signatures: number;
}

/** A committed transaction with its result and decoded body. */
export interface TxView {
  txhash: string;
  height: string;
  index: number;
  code: number;
  codespace: string;
  raw_log: string;
  gas_wanted: string;
  gas_used: string;
  events: { type: string; attributes: { key: string; value: string }[] }[];
  tx: Json;
}

/** The outcome of a broadcast. `height`, `gas_*` are present once the tx is in a block. */
export interface BroadcastView {
  txhash: string;
  code: number;
  codespace: string;
  raw_log: string;
  height?: string;
  gas_wanted?: string;
  gas_used?: string;
}

/** How to wait after broadcasting: `sync` (CheckTx), `async` (no wait), `block` (until included). */
export type BroadcastMode = "sync" | "async" | "block";

/** What the user is asked to confirm before signing. */
export interface TxPreview {
  chain_id: string;
  signer: string;
  account_number: string;
  sequence: string;
  messages: Json[];
  memo: string;
  fee: { amount: { denom: string; amount: string }[]; gas: string };
  sign_mode: SignMode;
}

/** Everything needed to sign and broadcast messages with one key. */
export interface SignAndBroadcastOptions {
  /** 32-byte private key of the signer. */
  privateKey: Uint8Array;
  messages: readonly EncodeObject[];
  /** Account prefix for the signer address (default `open`). */
  prefix?: string;
  /** Expected chain id; the node's chain id when absent. */
  chainId?: string;
  memo?: string;
  /** Gas limit, or `auto` to simulate and multiply by `gasAdjustment`; DEFAULT_GAS when absent. */
  gas?: bigint | "auto";
  /** Multiplier for simulated gas (default 1.5). */
  gasAdjustment?: Decimal;
  /** Explicit fee coins (exclusive with `gasPrice`). */
  fees?: ParsedCoin[];
  /** Fee = ceil(gas × price) (exclusive with `fees`). */
  gasPrice?: { denom: string; price: Decimal };
  signMode?: SignMode;
  broadcastMode?: BroadcastMode;
  timeoutHeight?: bigint;
  /** Asked after the fee is known and before signing; false aborts with `client` code 7. */
  confirm?: (preview: TxPreview) => Promise<boolean>;
  /** Extra protobuf types (other modules' messages) and amino converters. */
  registry?: Registry;
  aminoTypes?: AminoTypes;
  /** Wait limit for `block` mode. */
  inclusionTimeoutMs?: number;
}

/** Options to connect. */
export interface ConnectOptions {
  /** Per-call HTTP timeout (default 15 s). */
  timeoutMs?: number;
}

/** An RPC connection to one node. */
export class ChainClient {
  /** The node URL (normalised to http/https). */
  readonly node: string;
  /** The underlying CometBFT 0.38 client. */
  readonly comet: Comet38Client;

  private constructor(node: string, comet: Comet38Client) {
    this.node = node;
    this.comet = comet;
  }

  /** Connect to `node` (`http://`, `https://` or the SDK's `tcp://` form); no request is sent yet. */
  static connect(node: string = DEFAULT_NODE, options: ConnectOptions = {}): ChainClient {
    const url = normalizeNodeUrl(node);
    const http = new HttpClient(url, options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS);
    return new ChainClient(url, Comet38Client.create(http));
  }

  /** Close the connection. */
  disconnect(): void {
    this.comet.disconnect();
  }

  /** The node's status. */
  async status(): Promise<StatusView> {
    const s = await this.call(() => this.comet.status());
    return {
      node_info: {
        id: Buffer.from(s.nodeInfo.id).toString("hex"),
        network: s.nodeInfo.network,
        version: s.nodeInfo.version,
        moniker: s.nodeInfo.moniker,
        listen_addr: s.nodeInfo.listenAddr,
      },
      sync_info: {
        latest_block_hash: toHexUpper(s.syncInfo.latestBlockHash),
        latest_app_hash: toHexUpper(s.syncInfo.latestAppHash),
        latest_block_height: String(s.syncInfo.latestBlockHeight),
        latest_block_time: rfc3339(s.syncInfo.latestBlockTime),
        earliest_block_height: String(s.syncInfo.earliestBlockHeight ?? ""),
        catching_up: s.syncInfo.catchingUp,
      },
      validator_info: {
        address: toHexUpper(s.validatorInfo.address),
        voting_power: s.validatorInfo.votingPower.toString(),
      },
    };
  }

  /** The node's chain id. */
  async chainId(): Promise<string> {
    return (await this.call(() => this.comet.status())).nodeInfo.network;
  }

  /** All balances of `address` (or the one of `denom`). */
  async balances(address: string, denom?: string): Promise<BalancesView> {
    checkAddress(address);
    if (denom !== undefined) {
      const data = QueryBalanceRequest.encode({ address, denom }).finish();
      const res = QueryBalanceResponse.decode(
        await this.abciQuery("/cosmos.bank.v1beta1.Query/Balance", data),
      );
      const coin = res.balance ?? { denom, amount: "0" };
      return { address, balances: [{ denom: coin.denom, amount: coin.amount }] };
    }
    const balances: { denom: string; amount: string }[] = [];
    let key: Uint8Array = new Uint8Array(0);
    for (let page = 0; page < MAX_BALANCE_PAGES; page++) {
      const data = QueryAllBalancesRequest.encode(
        QueryAllBalancesRequest.fromPartial({ address, pagination: { key, limit: 1000n } }),
      ).finish();
      const res = QueryAllBalancesResponse.decode(
        await this.abciQuery("/cosmos.bank.v1beta1.Query/AllBalances", data),
      );
      for (const c of res.balances) balances.push({ denom: c.denom, amount: c.amount });
      const next = res.pagination?.nextKey;
      if (next === undefined || next.length === 0) break;
      key = next;
    }
    return { address, balances };
  }

  /** The account at `address`; `sdk` code 22 (key not found) when it does not exist. */
  async account(address: string): Promise<AccountView> {
    checkAddress(address);
    const data = QueryAccountRequest.encode({ address }).finish();
    let value: Uint8Array;
    try {
      value = await this.abciQuery("/cosmos.auth.v1beta1.Query/Account", data);
    } catch (e) {
      if (e instanceof CodedError && e.code === SdkCode.KeyNotFound) {
        throw new CodedError(
          e.codespace,
          e.code,
          `account ${address} not found (it has never received funds)`,
        );
      }
      throw e;
    }
    const any = QueryAccountResponse.decode(value).account;
    if (any === undefined) throw new CodedError(SDK, SdkCode.KeyNotFound, `account ${address} not found`);
    return accountView(any);
  }

  /** The committed tx with hash `hash` (hex); `client` code 9 when the node does not know it. */
  async tx(hash: string): Promise<TxView> {
    const h = parseTxHash(hash);
    let r: comet38.TxResponse;
    try {
      r = await this.call(() => this.comet.tx({ hash: h }));
    } catch (e) {
      if (e instanceof CodedError && e.code === ClientCode.RpcError && /not found/i.test(e.message)) {
        throw clientError(ClientCode.NotFound, `tx ${toHexUpper(h)} not found`);
      }
      throw e;
    }
    return txView(r, this.registryFor());
  }

  /** The block at `height` (latest when absent). */
  async block(height?: number): Promise<BlockView> {
    if (height !== undefined && (!Number.isSafeInteger(height) || height < 1)) {
      throw clientError(ClientCode.InvalidArgument, `invalid height ${height}: must be a positive integer`);
    }
    const r = await this.call(() => this.comet.block(height));
    const hd = r.block.header;
    return {
      block_id: { hash: toHexUpper(r.blockId.hash) },
      header: {
        chain_id: hd.chainId,
        height: String(hd.height),
        time: rfc3339(hd.time),
        last_block_id: hd.lastBlockId ? toHexUpper(hd.lastBlockId.hash) : "",
        app_hash: toHexUpper(hd.appHash),
        data_hash: toHexUpper(hd.dataHash),
        validators_hash: toHexUpper(hd.validatorsHash),
        proposer_address: toHexUpper(hd.proposerAddress),
      },
      num_txs: r.block.txs.length,
      txs: r.block.txs.map((tx) => toHexUpper(sha256(tx))),
      last_commit_signatures: r.block.lastCommit?.signatures.length ?? 0,
    };
  }

  /**
   * Simulate `messages` signed by `publicKey` at `sequence`; returns gas used. Chain errors (e.g.
   * insufficient funds) come back as coded errors with the chain's codespace, code and log.
   */
  async simulate(
    messages: readonly EncodeObject[],
    publicKey: Uint8Array,
    sequence: bigint,
    memo = "",
    registry?: Registry,
  ): Promise<bigint> {
    const reg = this.registryFor(registry);
    const tx = Tx.fromPartial({
      body: TxBody.fromPartial({ messages: messages.map((m) => reg.encodeAsAny(m)), memo }),
      authInfo: AuthInfo.fromPartial({
        fee: Fee.fromPartial({}),
        signerInfos: [
          {
            publicKey: encodePubkey(encodeSecp256k1Pubkey(publicKey)),
            sequence,
            modeInfo: { single: { mode: ProtoSignMode.SIGN_MODE_UNSPECIFIED } },
          },
        ],
      }),
      signatures: [new Uint8Array(0)],
    });
    const data = SimulateRequest.encode(
      SimulateRequest.fromPartial({ txBytes: Tx.encode(tx).finish() }),
    ).finish();
    const res = SimulateResponse.decode(await this.abciQuery("/cosmos.tx.v1beta1.Service/Simulate", data));
    if (res.gasInfo === undefined)
      throw clientError(ClientCode.BadResponse, "simulation returned no gas info");
    return res.gasInfo.gasUsed;
  }

  /** Sign `options.messages` with one key and broadcast them; see SignAndBroadcastOptions. */
  async signAndBroadcast(options: SignAndBroadcastOptions): Promise<BroadcastView> {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const signMode = options.signMode ?? "direct";
    const signer = createSigner(options.privateKey, prefix, signMode);
    const [account] = await signer.getAccounts();
    const address = account!.address;
    const chainId = await this.chainId();
    if (options.chainId !== undefined && options.chainId !== "" && options.chainId !== chainId) {
      throw clientError(
        ClientCode.ChainIdMismatch,
        `chain id mismatch: --chain-id ${options.chainId} but node ${this.node} is on ${chainId}`,
      );
    }
    const acct = await this.account(address);
    const sequence = BigInt(acct.sequence);
    const memo = options.memo ?? "";
    const registry = this.registryFor(options.registry);

    let gas: bigint;
    if (options.gas === "auto") {
      const used = await this.simulate(options.messages, account!.pubkey, sequence, memo, registry);
      gas = mulDecimalCeil(used, options.gasAdjustment ?? { numerator: 15n, scale: 1 });
    } else {
      gas = options.gas ?? DEFAULT_GAS;
    }
    if (gas <= 0n || gas > 0xffffffffffffffffn)
      throw new CodedError(SDK, SdkCode.InvalidGasLimit, `invalid gas limit ${gas}`);
    const feeCoins = computeFee(gas, options.fees, options.gasPrice);
    const fee = {
      amount: feeCoins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
      gas: gas.toString(),
    };

    if (options.confirm !== undefined) {
      const preview: TxPreview = {
        chain_id: chainId,
        signer: address,
        account_number: acct.account_number,
        sequence: acct.sequence,
        messages: options.messages.map((m) => ({
          "@type": m.typeUrl,
          ...(toJson(m.value) as Record<string, Json>),
        })),
        memo,
        fee,
        sign_mode: signMode,
      };
      if (!(await options.confirm(preview)))
        throw clientError(ClientCode.NotConfirmed, "transaction not confirmed; nothing was sent");
    }

    const signing = await SigningStargateClient.offline(signer, {
      registry,
      aminoTypes: options.aminoTypes ?? new AminoTypes(createDefaultAminoConverters()),
    });
    const raw = await signing.sign(
      address,
      options.messages,
      fee,
      memo,
      { accountNumber: BigInt(acct.account_number), sequence: Number(sequence), chainId },
      options.timeoutHeight,
    );
    return this.broadcast(
      TxRaw.encode(raw).finish(),
      options.broadcastMode ?? "sync",
      options.inclusionTimeoutMs,
    );
  }

  /** Broadcast signed tx bytes; in `block` mode wait until the tx is in a block (or time out, code 5). */
  async broadcast(
    txBytes: Uint8Array,
    mode: BroadcastMode = "sync",
    timeoutMs = DEFAULT_INCLUSION_TIMEOUT_MS,
  ): Promise<BroadcastView> {
    const txhash = toHexUpper(sha256(txBytes));
    if (mode === "async") {
      await this.call(() => this.comet.broadcastTxAsync({ tx: txBytes }));
      return { txhash, code: 0, codespace: "", raw_log: "" };
    }
    const r = await this.call(() => this.comet.broadcastTxSync({ tx: txBytes }));
    const checked: BroadcastView = {
      txhash,
      code: r.code,
      codespace: r.codespace ?? "",
      raw_log: r.log ?? "",
    };
    if (mode === "sync" || r.code !== 0) return checked;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      // tx_search answers an empty list (not an error) while the tx is not yet indexed.
      const search = await this.call(() => this.comet.txSearch({ query: `tx.hash='${txhash}'` }));
      const found = search.txs[0];
      if (found !== undefined) {
        return {
          txhash,
          height: String(found.height),
          code: found.result.code,
          codespace: found.result.codespace ?? "",
          raw_log: found.result.log ?? "",
          gas_wanted: found.result.gasWanted.toString(),
          gas_used: found.result.gasUsed.toString(),
        };
      }
    }
    throw clientError(
      ClientCode.Timeout,
      `tx ${txhash} was accepted but not included within ${timeoutMs} ms`,
    );
  }

  /** Send `amount` from the key to `to` (a MsgSend); `to` must carry `prefix`. */
  async sendTokens(
    options: Omit<SignAndBroadcastOptions, "messages"> & { to: string; amount: ParsedCoin[] },
  ): Promise<BroadcastView> {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    decodeAddress(options.to, prefix);
    const signer = createSigner(options.privateKey, prefix, "direct");
    const [account] = await signer.getAccounts();
    const msg: EncodeObject = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: MsgSend.fromPartial({
        fromAddress: account!.address,
        toAddress: options.to,
        amount: options.amount.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
      }),
    };
    return this.signAndBroadcast({ ...options, messages: [msg] });
  }

  /** Run an ABCI query; a nonzero code becomes a coded error with the chain's codespace, code and log. */
  async abciQuery(path: string, data: Uint8Array): Promise<Uint8Array> {
    const r = await this.call(() => this.comet.abciQuery({ path, data }));
    if ((r.code ?? 0) !== 0)
      throw new CodedError(r.codespace || SDK, r.code ?? 1, r.log || `query ${path} failed`);
    return r.value;
  }

  private registryFor(extra?: Registry): Registry {
    return extra ?? new Registry(defaultRegistryTypes);
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw rpcFailure(e, this.node);
    }
  }
}

/** `tcp://h:p` → `http://h:p`; `h:p` → `http://h:p`; http(s) kept. `client` code 6 when unusable. */
export function normalizeNodeUrl(node: string): string {
  let url = node.trim();
  if (url.startsWith("tcp://")) url = `http://${url.slice(6)}`;
  else if (!/^[a-z]+:\/\//i.test(url)) url = `http://${url}`;
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("protocol");
  } catch {
    throw clientError(
      ClientCode.InvalidArgument,
      `invalid --node ${JSON.stringify(node)}: expected e.g. ${DEFAULT_NODE}`,
    );
  }
  return url;
}

/** Fee coins for a gas limit: explicit `fees`, or ceil(gas × price), or none; both at once → `sdk` 18. */
export function computeFee(
  gas: bigint,
  fees?: ParsedCoin[],
  gasPrice?: { denom: string; price: Decimal },
): ParsedCoin[] {
  if (fees !== undefined && fees.length > 0 && gasPrice !== undefined) {
    throw new CodedError(SDK, SdkCode.InvalidRequest, "cannot provide both fees and gas prices");
  }
  if (fees !== undefined) return fees;
  if (gasPrice !== undefined) return [{ denom: gasPrice.denom, amount: mulDecimalCeil(gas, gasPrice.price) }];
  return [];
}

/** Parse a tx hash (64 hex chars, optional 0x); `client` code 6 otherwise. */
export function parseTxHash(hash: string): Uint8Array {
  try {
    const b = fromHex(hash.trim());
    if (b.length !== 32) throw new Error("length");
    return b;
  } catch {
    throw clientError(
      ClientCode.InvalidArgument,
      `invalid tx hash ${JSON.stringify(hash.slice(0, 80))}: expected 64 hex characters`,
    );
  }
}

function checkAddress(address: string): void {
  const { data } = fromBech32(address);
  if (data.length !== 20 && data.length !== 32) {
    throw new CodedError(
      SDK,
      SdkCode.InvalidAddress,
      `address length must be 20 or 32 bytes, got ${data.length}`,
    );
  }
}

function accountView(any: Any): AccountView {
  const pub = (a: Any | undefined): AccountView["pub_key"] => {
    if (a === undefined) return null;
    if (a.typeUrl === "/cosmos.crypto.secp256k1.PubKey") {
      return { "@type": a.typeUrl, key: toBase64(Secp256k1PubKey.decode(a.value).key) };
    }
    return { "@type": a.typeUrl, key: toBase64(a.value) };
  };
  if (any.typeUrl === "/cosmos.auth.v1beta1.BaseAccount") {
    const b = BaseAccount.decode(any.value);
    return {
      "@type": any.typeUrl,
      address: b.address,
      pub_key: pub(b.pubKey),
      account_number: b.accountNumber.toString(),
      sequence: b.sequence.toString(),
    };
  }
  if (any.typeUrl === "/cosmos.auth.v1beta1.ModuleAccount") {
    const m = ModuleAccount.decode(any.value);
    return {
      "@type": any.typeUrl,
      address: m.baseAccount?.address ?? "",
      pub_key: pub(m.baseAccount?.pubKey),
      account_number: (m.baseAccount?.accountNumber ?? 0n).toString(),
      sequence: (m.baseAccount?.sequence ?? 0n).toString(),
      name: m.name,
      permissions: m.permissions,
    };
  }
  try {
    const a = accountFromAny(any);
    return {
      "@type": any.typeUrl,
      address: a.address,
      pub_key: a.pubkey ? { "@type": a.pubkey.type, key: String(a.pubkey.value) } : null,
      account_number: String(a.accountNumber),
      sequence: String(a.sequence),
    };
  } catch (e) {
    throw clientError(
      ClientCode.BadResponse,
      `cannot decode account of type ${any.typeUrl}: ${(e as Error).message}`,
    );
  }
}

function txView(r: comet38.TxResponse, registry: Registry): TxView {
  return {
    txhash: toHexUpper(r.hash),
    height: String(r.height),
    index: r.index,
    code: r.result.code,
    codespace: r.result.codespace ?? "",
    raw_log: r.result.log ?? "",
    gas_wanted: r.result.gasWanted.toString(),
    gas_used: r.result.gasUsed.toString(),
    events: r.result.events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
    })),
    tx: decodeTxJson(r.tx, registry),
  };
}

/** Decode TxRaw bytes into JSON with each message decoded (unknown types keep base64 `value`). */
export function decodeTxJson(
  bytes: Uint8Array,
  registry: Registry = new Registry(defaultRegistryTypes),
): Json {
  let tx: Tx;
  try {
    tx = Tx.decode(bytes);
  } catch (e) {
    return { error: `cannot decode tx: ${(e as Error).message}`, raw: toBase64(bytes) };
  }
  const messages = (tx.body?.messages ?? []).map((m): Json => {
    try {
      const decoded = registry.decode(m) as unknown;
      return { "@type": m.typeUrl, ...(toJson(decoded) as Record<string, Json>) };
    } catch {
      return { "@type": m.typeUrl, value: toBase64(m.value) };
    }
  });
  const body = toJson({ ...tx.body, messages: undefined }) as Record<string, Json>;
  return {
    body: { messages, ...body },
    auth_info: toJson(tx.authInfo),
    signatures: tx.signatures.map((s) => toBase64(s)),
  };
}

function rfc3339(d: comet38.Header["time"] | Date): string {
  try {
    return toRfc3339WithNanoseconds(d as Parameters<typeof toRfc3339WithNanoseconds>[0]);
  } catch {
    return "";
  }
}
