/**
 * A tiny fake CometBFT JSON-RPC node on 127.0.0.1 for client tests: status, abci_query (auth Account,
 * bank Balance/AllBalances, tx Simulate), broadcast_tx_sync (verifies direct and amino signatures with
 * our secp256k1 code and the fee against a minimum gas price), tx and block. Not a chain: one tx per
 * "block", balances moved naively.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeSignDoc as makeAminoSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { makeSignBytes, Registry } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, SignDoc, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "../../../src/crypto/hash.js";
import { secp256k1Verify } from "../../../src/crypto/secp256k1.js";
import { fromBase64, fromHex, toBase64, toHexUpper } from "../../../src/types/bytes.js";

export const CHAIN_ID = "openledger-dev";
export const GAS_USED = 81_234n;
const HASH = "AB".repeat(32);

interface Acct {
  number: bigint;
  sequence: bigint;
  pubkey?: Uint8Array;
  balance: bigint;
}

interface StoredTx {
  bytes: Uint8Array;
  height: number;
  code: number;
  log: string;
}

export class FakeNode {
  readonly accounts = new Map<string, Acct>();
  readonly txs = new Map<string, StoredTx>();
  readonly calls: string[] = [];
  minGasPrice = 0n;
  height = 10;
  private server: Server | undefined;
  private readonly registry = new Registry(defaultRegistryTypes);
  private readonly amino = new AminoTypes(createDefaultAminoConverters());

  fund(address: string, amount: bigint): void {
    this.accounts.set(address, { number: BigInt(this.accounts.size + 1), sequence: 0n, balance: amount });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        const r = JSON.parse(body) as { id: number; method: string; params: Record<string, string> };
        this.calls.push(r.method);
        let out: unknown;
        try {
          out = { jsonrpc: "2.0", id: r.id, result: this.handle(r.method, r.params) };
        } catch (e) {
          out = {
            jsonrpc: "2.0",
            id: r.id,
            error: { code: -32603, message: "Internal error", data: (e as Error).message },
          };
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(method: string, p: Record<string, string>): unknown {
    switch (method) {
      case "status":
        return {
          node_info: {
            protocol_version: { p2p: "8", block: "11", app: "0" },
            id: "aa".repeat(20),
            listen_addr: "tcp://127.0.0.1:26656",
            network: CHAIN_ID,
            version: "0.38.17",
            channels: "40",
            moniker: "fake",
            other: { tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" },
          },
          sync_info: {
            latest_block_hash: HASH,
            latest_app_hash: HASH,
            latest_block_height: String(this.height),
            latest_block_time: "2026-01-01T00:00:00.123456789Z",
            catching_up: false,
          },
          validator_info: {
            address: "BB".repeat(20),
            pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(new Uint8Array(32).fill(1)) },
            voting_power: "10",
          },
        };
      case "abci_query":
        return { response: this.query(p["path"]!, fromHex(p["data"] ?? "")) };
      case "broadcast_tx_sync":
        return this.broadcast(fromBase64(p["tx"]!));
      case "tx_search": {
        const m = /^tx\.hash='([0-9A-F]{64})'$/.exec(p["query"] ?? "");
        if (m === null) throw new Error("unsupported query");
        const t = this.txs.get(m[1]!);
        return { txs: t ? [this.txJson(m[1]!, t)] : [], total_count: t ? "1" : "0" };
      }
      case "tx": {
        const hash = toHexUpper(fromBase64(p["hash"]!));
        const t = this.txs.get(hash);
        if (t === undefined) throw new Error(`tx (${hash}) not found`);
        return this.txJson(hash, t);
      }
      case "block": {
        const height = Number(p["height"] ?? this.height);
        const txs = [...this.txs.values()].filter((t) => t.height === height).map((t) => toBase64(t.bytes));
        const id = { hash: HASH, parts: { total: 1, hash: HASH } };
        return {
          block_id: id,
          block: {
            header: {
              version: { block: "11", app: "0" },
              chain_id: CHAIN_ID,
              height: String(height),
              time: "2026-01-01T00:00:00Z",
              last_block_id: id,
              last_commit_hash: HASH,
              data_hash: HASH,
              validators_hash: HASH,
              next_validators_hash: HASH,
              consensus_hash: HASH,
              app_hash: HASH,
              last_results_hash: HASH,
              evidence_hash: HASH,
              proposer_address: "BB".repeat(20),
            },
            data: { txs },
            evidence: { evidence: [] },
            last_commit: { height: String(height - 1), round: 0, block_id: id, signatures: [] },
          },
        };
      }
      default:
        throw new Error(`method ${method} not supported`);
    }
  }

  private txJson(hash: string, t: StoredTx): Record<string, unknown> {
    return {
      hash,
      height: String(t.height),
      index: 0,
      tx_result: {
        code: t.code,
        log: t.log,
        gas_wanted: "200000",
        gas_used: String(GAS_USED),
        events: [{ type: "tx", attributes: [{ key: "fee", value: "1aopen", index: true }] }],
        codespace: t.code ? "sdk" : "",
      },
      tx: toBase64(t.bytes),
    };
  }

  private query(path: string, data: Uint8Array): Record<string, unknown> {
    const ok = (value: Uint8Array) => ({
      code: 0,
      value: toBase64(value),
      height: String(this.height),
      codespace: "",
      log: "",
    });
    const fail = (code: number, log: string) => ({ code, log, codespace: "sdk", height: "0" });
    switch (path) {
      case "/cosmos.auth.v1beta1.Query/Account": {
        const { address } = QueryAccountRequest.decode(data);
        const a = this.accounts.get(address);
        if (a === undefined)
          return fail(22, `rpc error: code = NotFound desc = account ${address} not found: key not found`);
        const base = BaseAccount.fromPartial({
          address,
          accountNumber: a.number,
          sequence: a.sequence,
          pubKey: a.pubkey
            ? { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: a.pubkey }).finish() }
            : undefined,
        });
        return ok(
          QueryAccountResponse.encode({
            account: {
              typeUrl: "/cosmos.auth.v1beta1.BaseAccount",
              value: BaseAccount.encode(base).finish(),
            },
          }).finish(),
        );
      }
      case "/cosmos.bank.v1beta1.Query/AllBalances": {
        const { address } = QueryAllBalancesRequest.decode(data);
        const bal = this.accounts.get(address)?.balance ?? 0n;
        return ok(
          QueryAllBalancesResponse.encode(
            QueryAllBalancesResponse.fromPartial({
              balances: bal > 0n ? [{ denom: "aopen", amount: bal.toString() }] : [],
            }),
          ).finish(),
        );
      }
      case "/cosmos.bank.v1beta1.Query/Balance": {
        const { address, denom } = QueryBalanceRequest.decode(data);
        const bal = denom === "aopen" ? (this.accounts.get(address)?.balance ?? 0n) : 0n;
        return ok(QueryBalanceResponse.encode({ balance: { denom, amount: bal.toString() } }).finish());
      }
      case "/cosmos.tx.v1beta1.Service/Simulate": {
        const { txBytes } = SimulateRequest.decode(data);
        const tx = Tx.decode(txBytes);
        const err = this.checkMessages(tx.body!.messages);
        if (err) return fail(5, err);
        return ok(
          SimulateResponse.encode(
            SimulateResponse.fromPartial({ gasInfo: { gasWanted: 0n, gasUsed: GAS_USED }, result: {} }),
          ).finish(),
        );
      }
      default:
        return fail(6, `unknown query path ${path}`);
    }
  }

  private checkMessages(messages: { typeUrl: string; value: Uint8Array }[]): string | undefined {
    for (const m of messages) {
      if (m.typeUrl !== "/cosmos.bank.v1beta1.MsgSend") return `unknown message ${m.typeUrl}`;
      const send = MsgSend.decode(m.value);
      const from = this.accounts.get(send.fromAddress);
      const amount = BigInt(send.amount[0]?.amount ?? "0");
      if (from === undefined || from.balance < amount)
        return `spendable balance is smaller than ${amount}aopen: insufficient funds`;
    }
    return undefined;
  }

  private broadcast(bytes: Uint8Array): Record<string, unknown> {
    const hash = toHexUpper(sha256(bytes));
    const res = (code: number, log: string) => ({
      code,
      log,
      codespace: code ? "sdk" : "",
      hash,
      data: "",
      gas_wanted: "0",
      gas_used: "0",
    });
    const raw = TxRaw.decode(bytes);
    const body = TxBody.decode(raw.bodyBytes);
    const auth = AuthInfo.decode(raw.authInfoBytes);
    const signer = auth.signerInfos[0]!;
    const pubkey = PubKey.decode(signer.publicKey!.value).key;
    const from = MsgSend.decode(body.messages[0]!.value).fromAddress;
    const acct = this.accounts.get(from);
    if (acct === undefined) return res(9, "unknown address");
    if (signer.sequence !== acct.sequence)
      return res(32, `account sequence mismatch, expected ${acct.sequence}, got ${signer.sequence}`);
    const mode = signer.modeInfo?.single?.mode;
    let signBytes: Uint8Array;
    if (mode === SignMode.SIGN_MODE_DIRECT) {
      signBytes = makeSignBytes(
        SignDoc.fromPartial({
          bodyBytes: raw.bodyBytes,
          authInfoBytes: raw.authInfoBytes,
          chainId: CHAIN_ID,
          accountNumber: acct.number,
        }),
      );
    } else if (mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON) {
      const msgs = body.messages.map((m) =>
        this.amino.toAmino({ typeUrl: m.typeUrl, value: this.registry.decode(m) }),
      );
      const fee = {
        amount: auth.fee!.amount.map((c) => ({ denom: c.denom, amount: c.amount })),
        gas: auth.fee!.gasLimit.toString(),
      };
      signBytes = serializeSignDoc(
        makeAminoSignDoc(msgs, fee, CHAIN_ID, body.memo, acct.number.toString(), acct.sequence.toString()),
      );
    } else {
      return res(4, "unsupported sign mode");
    }
    if (!secp256k1Verify(signBytes, raw.signatures[0]!, pubkey))
      return res(
        4,
        "signature verification failed; please verify account number (1) and chain-id (openledger-dev): unauthorized",
      );
    const paid = BigInt(auth.fee!.amount.find((c) => c.denom === "aopen")?.amount ?? "0");
    const needed = auth.fee!.gasLimit * this.minGasPrice;
    if (paid < needed)
      return res(13, `insufficient fees; got: ${paid}aopen required: ${needed}aopen: insufficient fee`);
    acct.sequence += 1n;
    acct.pubkey = pubkey;
    acct.balance -= paid;
    const err = this.checkMessages(body.messages);
    this.height += 1;
    if (err === undefined) {
      const send = MsgSend.decode(body.messages[0]!.value);
      const amount = BigInt(send.amount[0]!.amount);
      acct.balance -= amount;
      const to = this.accounts.get(send.toAddress);
      if (to) to.balance += amount;
      else
        this.accounts.set(send.toAddress, {
          number: BigInt(this.accounts.size + 1),
          sequence: 0n,
          balance: amount,
        });
    }
    this.txs.set(hash, { bytes, height: this.height, code: err ? 5 : 0, log: err ?? "" });
    return res(0, "");
  }
}
