/**
 * Shared test helpers of the OpenLedger module integration tests (datanets, models, attribution): a chain
 * that signs one tx per block tracking account sequences, balance and module-query reads, the tx
 * response decoder, a message builder and a second app imported from an exported genesis.
 */
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { ExecTxResult } from "../../src/abci/types.js";
import { OpenLedgerApp } from "../../src/app/app.js";
import type { AppModule } from "../../src/app/types.js";
import { defaultConsensusParams } from "../../src/config/genesis.js";
import { MemoryDatabase, StateStore } from "../../src/store/index.js";
import { runBlock, signTx, type TestAccount } from "../../src/testing/index.js";
import { utf8 } from "../../src/types/bytes.js";

/** `/openledger.<pkg>.v1.<name>` with a value. */
export function olMsg(pkg: string, name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `/openledger.${pkg}.v1.${name}`, value };
}

/** The first message response of a tx result, decoded. */
export function txResponse<T>(r: ExecTxResult, decode: (b: Uint8Array) => T): T {
  return decode(TxMsgData.decode(r.data).msgResponses[0]!.value);
}

/** A test app's chain: one tx per block, sequences tracked per signer, reads through `app.query`. */
export class TxChain {
  /** Next sequence per signer address. */
  readonly seqs = new Map<string, bigint>();

  /** Over a test app; `service` is the module's query service (`/openledger.models.v1.Query`). */
  constructor(
    readonly app: OpenLedgerApp,
    readonly chainId: string,
    private readonly gas: bigint,
    private readonly service: string,
  ) {}

  /** Sign and execute msgs in one block; returns the tx result. */
  async tx(signer: TestAccount, msgs: EncodeObject[]): Promise<ExecTxResult> {
    const seq = this.seqs.get(signer.address) ?? 0n;
    const bytes = signTx(signer, msgs, {
      chainId: this.chainId,
      accountNumber: BigInt(signer.index),
      sequence: seq,
      gas: this.gas,
    });
    const r = (await runBlock(this.app, [bytes])).txResults[0]!;
    if (r.code === 0 || r.codespace !== "sdk") this.seqs.set(signer.address, seq + 1n);
    return r;
  }

  /** The tx succeeds. */
  async ok(signer: TestAccount, msgs: EncodeObject[]): Promise<ExecTxResult> {
    const r = await this.tx(signer, msgs);
    assert.equal(r.code, 0, r.log);
    return r;
  }

  /** The tx fails with the code, and neither the named modules' state nor `balances()` changes. */
  protected async failsUnchanged(
    signer: TestAccount,
    msgs: EncodeObject[],
    expected: { code: number; codespace: string; modules: readonly string[] },
  ): Promise<void> {
    const states = () => expected.modules.map((m) => this.app.exportGenesis()[m]);
    const before = states();
    const balances = await this.balances();
    const r = await this.tx(signer, msgs);
    assert.equal(r.codespace, expected.codespace, r.log);
    assert.equal(r.code, expected.code, r.log);
    assert.deepEqual(states(), before, `${expected.modules.join(", ")} state changed`);
    assert.deepEqual(await this.balances(), balances);
  }

  /** The balances `failsUnchanged` compares (override per test). */
  async balances(): Promise<bigint[]> {
    return [];
  }

  /** The aopen balance of an address. */
  async balance(address: string): Promise<bigint> {
    const r = await this.app.query({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address, denom: "aopen" }).finish(),
      height: 0,
      prove: false,
    });
    return BigInt(QueryBalanceResponse.decode(r.value).balance!.amount);
  }

  /** The aopen balances of addresses, in order. */
  balancesOf(addresses: readonly string[]): Promise<bigint[]> {
    return Promise.all(addresses.map((a) => this.balance(a)));
  }

  /** A module query that must succeed, decoded. */
  async query<T>(path: string, data: Uint8Array, decode: (b: Uint8Array) => T): Promise<T> {
    const r = await this.app.query({ path: `${this.service}/${path}`, data, height: 0, prove: false });
    assert.equal(r.code, 0, r.log);
    return decode(r.value);
  }
}

/**
 * A fresh app over `modules` initialised from an exported genesis (`ref.app` is pointed at it first, for
 * modules that resolve the bank keeper lazily).
 */
export async function appFromExport(
  chainId: string,
  modules: AppModule[],
  exported: Record<string, unknown>,
  ref: { app?: OpenLedgerApp },
): Promise<OpenLedgerApp> {
  const app = new OpenLedgerApp({ chainId }, { store: StateStore.open(new MemoryDatabase()), modules });
  ref.app = app;
  await app.initChain({
    time: { seconds: 1_700_000_000n, nanos: 0 },
    chainId,
    consensusParams: defaultConsensusParams(),
    validators: [],
    appStateBytes: utf8(JSON.stringify(exported)),
    initialHeight: 1,
  });
  return app;
}
