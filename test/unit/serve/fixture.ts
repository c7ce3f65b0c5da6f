/**
 * A test chain (in-memory app with datanets + models) for the gateway's tests and benchmark: sign txs,
 * query like `abci_query`, and publish a datanet in one call.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { OpenLedgerApp } from "../../../src/app/app.js";
import type { QueryFn } from "../../../src/factory/train.js";
import { DatanetsModule, datanetsRegistryTypes } from "../../../src/modules/datanets/index.js";
import { big, MsgCreateDatanetResponse, Visibility } from "../../../src/modules/datanets/proto.js";
import { ModelsModule, modelsRegistryTypes } from "../../../src/modules/models/index.js";
import {
  createTestApp,
  runBlock,
  signTx,
  type TestAccount,
  testRegistry,
} from "../../../src/testing/index.js";
import { CodedError } from "../../../src/types/errors.js";

for (const [url, type] of [...datanetsRegistryTypes, ...modelsRegistryTypes]) {
  if (!testRegistry.lookupType(url)) testRegistry.register(url, type);
}

/** A models message. */
export function mm(name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `/openledger.models.v1.${name}`, value };
}

/** A datanets message. */
export function dn(name: string, value: Record<string, unknown>): EncodeObject {
  return { typeUrl: `/openledger.datanets.v1.${name}`, value };
}

/** The in-memory chain. */
export class TestChain {
  private readonly seqs = new Map<string, bigint>();
  private constructor(
    readonly app: OpenLedgerApp,
    readonly accounts: TestAccount[],
    readonly chainId: string,
  ) {}

  /** A fresh chain with datanets and models. */
  static async create(): Promise<TestChain> {
    const ref: { app?: OpenLedgerApp } = {};
    const datanets = new DatanetsModule({ bank: () => ref.app!.bankKeeper });
    const models = new ModelsModule({ bank: () => ref.app!.bankKeeper, datanets: () => datanets.keeper });
    const t = await createTestApp({ modules: [datanets, models], accounts: 4 });
    ref.app = t.app;
    await runBlock(t.app, []);
    return new TestChain(t.app, t.accounts, t.chainId);
  }

  /** Sign and run msgs in one block; throws on a nonzero code; returns the msg responses. */
  async ok(signer: TestAccount, msgs: EncodeObject[]): Promise<Uint8Array[]> {
    const seq = this.seqs.get(signer.address) ?? 0n;
    const bytes = signTx(signer, msgs, {
      chainId: this.chainId,
      accountNumber: BigInt(signer.index),
      sequence: seq,
      gas: 2_000_000_000n,
    });
    const r = (await runBlock(this.app, [bytes])).txResults[0]!;
    this.seqs.set(signer.address, seq + 1n);
    if (r.code !== 0) throw new CodedError(r.codespace, r.code, r.log);
    return TxMsgData.decode(r.data).msgResponses.map((a) => a.value);
  }

  /** `abci_query` semantics over the app. */
  readonly query: QueryFn = async (path, data) => {
    const r = await this.app.query({ path, data, height: 0, prove: false });
    if (r.code !== 0) throw new CodedError(r.codespace, r.code, r.log);
    return r.value;
  };

  /** Create, fill and publish a public datanet; returns its id. */
  async publishDatanet(owner: TestAccount, rows: readonly string[]): Promise<number> {
    const [res] = await this.ok(owner, [
      dn("MsgCreateDatanet", {
        owner: owner.address,
        name: "corpus",
        visibility: Visibility.VISIBILITY_PUBLIC,
        tags: [],
        policy: {},
      }),
    ]);
    const id = Number(big(MsgCreateDatanetResponse.decode(res!).id));
    await this.ok(owner, [
      dn("MsgAddRows", { owner: owner.address, datanetId: id, rows: rows.map((content) => ({ content })) }),
    ]);
    await this.ok(owner, [dn("MsgPublishDatanet", { owner: owner.address, datanetId: id })]);
    return id;
  }
}

/** A small corpus with a clear continuation ("the cat sat on the mat"). */
export const CORPUS = [
  "The cat sat on the mat.",
  "The cat sat on the mat and purred.",
  "A dog sat on the log.",
  "The dog and the cat are friends.",
  "Every morning the cat sat on the mat in the sun.",
  "Models trained on datanets pay their contributors.",
];
